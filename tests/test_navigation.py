"""The header's navigation: every entry names a page that exists, so none is hidden by a typo."""

from django.urls import reverse

from config.navigation import NAV_ITEMS


def test_every_navigation_entry_names_a_page_that_exists():
    for _, label, name in NAV_ITEMS:
        assert reverse(name).startswith("/"), label
