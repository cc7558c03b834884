"""The header's navigation: every entry names a page that exists, so none is hidden by a typo."""

from django.urls import reverse

from config.navigation import NAV_ITEMS


def test_every_navigation_entry_names_a_page_that_exists():
    for _, label, name in NAV_ITEMS:
        assert reverse(name).startswith("/"), label


def test_only_one_navigation_item_is_current(client, commissioner):
    """On /providers/choices/ both "Find a provider" (/providers/) and "Provider choices" match the path;
    only the closer one is current."""
    from tests.conftest import sign_in

    page = sign_in(client, commissioner).get("/providers/choices/").content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/providers/choices/" aria-current="page"' in page
