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


def _labels(client, user) -> list[str]:
    from tests.conftest import sign_in

    return [item["label"] for item in sign_in(client, user).get("/").context["nav_items"]]


def test_platform_administrators_find_the_two_upload_pages_in_the_header(
    client, platform_admin, commissioner
):
    labels = _labels(client, platform_admin)
    assert "Upload population figures" in labels and "Upload survey answers" in labels
    page = client.get("/").content.decode()
    assert f'href="{reverse("monitoring:population-upload")}"' in page
    assert f'href="{reverse("surveys:upload-responses")}"' in page
    client.logout()
    labels = _labels(client, commissioner)
    assert "Upload population figures" not in labels and "Upload survey answers" not in labels


def test_the_navigation_costs_two_queries_and_is_not_built_for_an_htmx_fragment(client, commissioner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config.navigation import items_for
    from organisations.models import User

    user = User.objects.get(pk=commissioner.pk)  # no roles read yet
    with CaptureQueriesContext(connection) as queries:
        items = items_for(user)
    # The memberships (read once a request, and needed by every staff page anyway) and "is family".
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "People" in [item["label"] for item in items]
    from tests.conftest import sign_in

    sign_in(client, commissioner)
    with CaptureQueriesContext(connection) as full:
        client.get("/people/")
    with CaptureQueriesContext(connection) as fragment:
        client.get("/people/", headers={"HX-Request": "true"})
    family_check = [
        q for q in full if "budgets_representative" in q["sql"] or 'budgets_person"."user_id' in q["sql"]
    ]
    assert family_check, "the full page shows the navigation"
    assert len(fragment) < len(full)
    assert not [q for q in fragment if "budgets_representative" in q["sql"]]
