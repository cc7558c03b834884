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


def _current(user, path: str) -> list[str]:
    from django.test import RequestFactory

    from config.navigation import _items_for_page

    request = RequestFactory().get(path)
    request.user = user
    return [item["label"] for item in _items_for_page(request) if item["active"]]


def test_pages_outside_their_sections_address_mark_their_section_as_current(
    commissioner, approver, provider_a, council
):
    """Each page of a journey marks one item, the section it belongs to for this user, even where its
    address starts with another item's (a family's agreement is under /providers/, not "Find a
    provider")."""
    from budgets.models import Representative
    from tests.budgets.factories import PersonFactory
    from tests.factories import UserFactory

    family = UserFactory(email="family.nav@example.org")
    Representative.objects.create(person=PersonFactory(council=council), user=family, relationship="son")
    cases = [
        (commissioner, "/budgets/7/", "People"),
        (commissioner, "/assessments/3/", "People"),
        (commissioner, "/providers/people/4/record-choice/", "People"),
        (commissioner, "/providers/agreements/5/", "Flexible agreements"),
        (commissioner, "/isf/9/statement/", "Money held for people"),
        (approver, "/budgets/7/", "Budgets to approve"),
        (provider_a, "/isf/9/", "Ledgers"),
        (provider_a, "/providers/requests/2/", "Requests"),
        (provider_a, "/providers/agreements/5/", "Agreements"),
        (family, "/providers/agreements/5/", "Choosing a provider"),
        (family, "/people/4/plan/", "Your budget"),
        (family, "/isf/9/statement/", "Your Individual Service Fund"),
        (family, "/surveys/responses/3/check/", "Your surveys"),
        (family, "/providers/1/", "Find a provider"),
    ]
    for user, path, label in cases:
        assert _current(user, path) == [label], (user.email, path)
