"""A council's staff, roles and approval limits, set by its council administrator (issue 10)."""

from decimal import Decimal

import pytest

from organisations.audit import history_for
from organisations.models import Membership, Role, User
from tests.conftest import sign_in
from tests.factories import staff

pytestmark = pytest.mark.django_db
DORSET, BRISTOL = "E06000059", "E06000023"


def test_the_navigation_takes_a_council_admin_to_their_councils_settings(client, council_admin):
    sign_in(client, council_admin)
    home = client.get("/").content.decode()
    assert 'href="/council/settings/"' in home
    assert "Council settings" in home
    assert "Settings for Dorset Council" in home  # the landing page's panel
    assert f'href="/council/{DORSET}/settings/staff/"' in home
    response = client.get("/council/settings/")
    assert response["Location"] == f"/council/{DORSET}/settings/"
    page = client.get(response["Location"]).content.decode()
    assert "Resource allocation" in page and "Staff and roles" in page


def test_only_council_admins_have_council_settings(client, commissioner):
    sign_in(client, commissioner)
    assert "Council settings" not in client.get("/").content.decode()
    assert client.get("/council/settings/").status_code == 403
    assert client.get(f"/council/{DORSET}/settings/").status_code == 403


def test_the_council_admin_adds_an_approver_with_a_limit_and_it_is_audited(client, council_admin, council):
    sign_in(client, council_admin)
    response = client.post(
        f"/council/{DORSET}/settings/staff/add/",
        {
            "email": " New.Approver@Dorset.example.org ",
            "full_name": "Nia Jones",
            "role": "approver",
            "approval_limit": "£25,000",
        },
    )
    assert response["Location"] == f"/council/{DORSET}/settings/staff/"
    user = User.objects.get(email="new.approver@dorset.example.org")
    membership = Membership.objects.get(user=user, council=council, role=Role.APPROVER)
    assert membership.approval_limit == Decimal("25000.00")
    assert not user.has_usable_password()  # they set one from the emailed link
    page = client.get(response["Location"]).content.decode()
    assert "new.approver@dorset.example.org" in page and "£25,000.00" in page
    events = [e.additional_data["event"] for e in history_for(membership)]
    assert "role granted" in events and "approval limit set" in events
    assert all(e.actor == council_admin for e in history_for(membership))


def test_an_approver_needs_a_limit_and_other_roles_have_none(client, council_admin):
    sign_in(client, council_admin)
    page = client.post(
        f"/council/{DORSET}/settings/staff/add/", {"email": "a@dorset.example.org", "role": "approver"}
    ).content.decode()
    assert "Enter the largest annual budget this approver may approve." in page
    assert 'value="a@dorset.example.org"' in page
    page = client.post(
        f"/council/{DORSET}/settings/staff/add/",
        {"email": "b@dorset.example.org", "role": "commissioner", "approval_limit": "100"},
    ).content.decode()
    assert "Only approvers have an approval limit: leave it empty for this role." in page
    assert not User.objects.filter(email__in=["a@dorset.example.org", "b@dorset.example.org"]).exists()


def test_a_platform_role_cannot_be_given_from_council_settings(client, council_admin):
    sign_in(client, council_admin)
    page = client.post(
        f"/council/{DORSET}/settings/staff/add/", {"email": "x@dorset.example.org", "role": "platform_admin"}
    ).content.decode()
    assert "Select a valid choice." in page
    assert not Membership.objects.filter(
        role=Role.PLATFORM_ADMIN, user__email="x@dorset.example.org"
    ).exists()


def test_the_council_admin_changes_an_approval_limit_and_removes_a_role(client, council_admin, approver):
    sign_in(client, council_admin)
    membership = Membership.objects.get(user=approver, role=Role.APPROVER)
    url = f"/council/{DORSET}/settings/staff/{membership.pk}/"
    assert "£50,000.00 a year" in client.get(url).content.decode()
    assert client.post(url, {"approval_limit": "75000"}).status_code == 302
    membership.refresh_from_db()
    assert membership.approval_limit == Decimal("75000.00")
    entry = history_for(membership).get(additional_data__event="approval limit changed")
    assert entry.actor == council_admin and entry.changes["approval_limit"] == ["50000.00", "75000.00"]
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_council_admin_cannot_be_removed(client, council_admin):
    sign_in(client, council_admin)
    own = Membership.objects.get(user=council_admin, role=Role.COUNCIL_ADMIN)
    page = client.post(f"/council/{DORSET}/settings/staff/{own.pk}/", {"remove": "1"}).content.decode()
    assert "The council must keep at least one council administrator." in page
    assert Membership.objects.filter(pk=own.pk).exists()


def test_a_dorset_council_admin_cannot_touch_bristols_staff(client, council_admin, other_council):
    bristol_approver = staff(
        Role.APPROVER,
        council=other_council,
        approval_limit=Decimal("40000.00"),
        email="b.approver@example.org",
    )
    bristol = Membership.objects.get(user=bristol_approver)
    sign_in(client, council_admin)
    assert client.get(f"/council/{BRISTOL}/settings/staff/").status_code == 404
    assert (
        client.post(
            f"/council/{BRISTOL}/settings/staff/add/",
            {"email": "me@example.org", "role": "approver", "approval_limit": "1"},
        ).status_code
        == 404
    )
    # Bristol's membership under Dorset's address is not found either.
    url = f"/council/{DORSET}/settings/staff/{bristol.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"approval_limit": "999999"}).status_code == 404
    assert client.post(url, {"remove": "1"}).status_code == 404
    bristol.refresh_from_db()
    assert bristol.approval_limit == Decimal("40000.00")
    # And Bristol's staff are not listed on Dorset's page.
    assert "b.approver@example.org" not in client.get(f"/council/{DORSET}/settings/staff/").content.decode()


def test_a_council_admin_must_give_the_second_factor(client, council_admin, password, settings):
    settings.REQUIRE_STAFF_2FA = True
    client.post("/login/", {"username": council_admin.email, "password": password})
    assert client.get(f"/council/{DORSET}/settings/")["Location"].startswith("/login/two-factor/")
