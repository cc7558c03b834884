"""Organisations, accounts and roles through the services the operator's commands and the council
administrator's settings pages call (fast: no pages). Every change is recorded with who did it and what
changed; a council always keeps a council administrator; only approvers have an approval limit."""

from decimal import Decimal

import pytest
from django.conf import settings

from organisations import services
from organisations.audit import history_for
from organisations.models import Council, Membership, Provider, Role, User
from organisations.services import OrganisationError
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _events(instance):
    return [(e.additional_data["event"], e.actor) for e in history_for(instance)]


def test_a_council_is_created_with_a_valid_code_and_a_name_and_recorded(platform_admin):
    with pytest.raises(OrganisationError, match="is not a council code"):
        services.create_council(code="E0600005", name="Dorset", actor=platform_admin)
    with pytest.raises(OrganisationError, match="^Give the council a name.$"):
        services.create_council(code="E06000059", name="   ", actor=platform_admin)
    with pytest.raises(OrganisationError, match="^Give the council a name.$"):
        services.create_council(code="E06000059", name=None, actor=platform_admin)
    with pytest.raises(OrganisationError, match="^'' is not a council code"):
        services.create_council(code=None, name="Dorset", actor=platform_admin)
    council = services.create_council(code=" E06000059 ", name=" Dorset Council ", actor=platform_admin)
    assert (council.gss_code, council.name) == ("E06000059", "Dorset Council")
    (entry,) = history_for(council)
    assert (entry.additional_data["event"], entry.actor, entry.action) == (
        "council created",
        platform_admin,
        0,
    )
    assert entry.changes == {"gss_code": ["", "E06000059"], "name": ["", "Dorset Council"]}
    with pytest.raises(OrganisationError, match="A council with code E06000059 already exists."):
        services.create_council(code="E06000059", name="Again", actor=platform_admin)
    assert Council.objects.count() == 1


def test_a_provider_is_created_with_a_valid_reference_and_recorded(platform_admin):
    with pytest.raises(OrganisationError, match="'bad ref!' is not a valid provider reference."):
        services.create_provider(provider_ref="bad ref!", name="Bad", actor=platform_admin)
    provider = services.create_provider(provider_ref="PRV-100", name="Harbour Lights", actor=platform_admin)
    assert Provider.objects.get() == provider and provider.name == "Harbour Lights"
    (entry,) = history_for(provider)
    assert (entry.additional_data["event"], entry.actor, entry.action) == (
        "provider created",
        platform_admin,
        0,
    )
    assert entry.changes == {"provider_ref": ["", "PRV-100"], "name": ["", "Harbour Lights"]}


def test_an_account_is_found_by_email_whatever_its_case_or_made_once():
    made = services.ensure_user(email="pat@example.org", full_name="Pat Taylor", password="a-long-pass-2026")
    assert made.full_name == "Pat Taylor" and made.check_password("a-long-pass-2026")
    assert services.ensure_user(email="PAT@Example.org", full_name="Someone else") == made
    assert User.objects.count() == 1
    no_password = services.ensure_user(email="sam@example.org")
    assert not no_password.has_usable_password() and no_password.full_name == ""


def test_the_system_actor_is_one_named_account_nobody_can_sign_in_as():
    system = services.system_actor()
    assert services.system_actor() == system
    assert system.email == services.SYSTEM_ACTOR_EMAIL and system.full_name == "System (automatic)"
    assert not system.has_usable_password()


def test_links_in_emails_are_full_addresses():
    assert services.absolute_url("/your-budget/") == f"{settings.SITE_URL}/your-budget/"


def test_granting_a_role_records_it_once_and_a_changed_limit_with_old_and_new(
    council, provider_org, council_admin
):
    user = staff(Role.COMMISSIONER, council=council, email="nia@example.org")
    approver = services.grant_role(
        user=user, role=Role.APPROVER, council=council, approval_limit=Decimal("1000.00"), actor=council_admin
    )
    assert (approver.council, approver.provider, approver.approval_limit) == (
        council,
        None,
        Decimal("1000.00"),
    )
    assert _events(approver) == [("role granted", council_admin)]
    assert list(history_for(approver))[0].changes == {"role": ["", "approver"]}
    # Granting it again with the same limit, or none, changes nothing.
    for limit in (Decimal("1000.00"), None):
        again = services.grant_role(user=user, role=Role.APPROVER, council=council, approval_limit=limit)
        assert again == approver
        again.refresh_from_db()
        assert again.approval_limit == Decimal("1000.00")
    assert len(_events(approver)) == 1
    raised = services.grant_role(
        user=user, role=Role.APPROVER, council=council, approval_limit=Decimal("2500.00"), actor=council_admin
    )
    raised.refresh_from_db()
    assert raised.approval_limit == Decimal("2500.00")
    entry = list(history_for(approver))[-1]
    assert (entry.additional_data["event"], entry.actor) == ("approval limit changed", council_admin)
    assert entry.changes == {"approval_limit": ["1000.00", "2500.00"]}
    # The person's roles, read before, show the new one at once.
    from organisations.selectors import roles_of

    assert council.pk not in roles_of(user=user).councils_with(Role.MONITORING_OFFICER)
    services.grant_role(user=user, role=Role.MONITORING_OFFICER, council=council)
    assert council.pk in roles_of(user=user).councils_with(Role.MONITORING_OFFICER)
    # A provider role belongs to the provider, not a council.
    manager = services.grant_role(user=user, role=Role.PROVIDER_MANAGER, provider=provider_org)
    assert (manager.provider, manager.council) == (provider_org, None)
    assert Membership.objects.filter(user=user).count() == 4


def test_a_council_admin_adds_staff_with_an_account_made_once_and_recorded(
    council, other_council, council_admin
):
    membership = services.council_staff_add(
        council=council,
        email=" Nia.Jones@Example.org ",
        full_name=" Nia Jones ",
        role=Role.APPROVER,
        approval_limit=Decimal("25000.00"),
        actor=council_admin,
    )
    user = membership.user
    assert (user.email, user.full_name, user.has_usable_password()) == (
        "nia.jones@example.org",
        "Nia Jones",
        False,
    )
    assert (membership.council, membership.role, membership.approval_limit) == (
        council,
        Role.APPROVER,
        Decimal("25000.00"),
    )
    assert _events(user) == [("account created", council_admin)]
    assert [e.action for e in history_for(user)] == [0]  # created
    assert [e.action for e in history_for(membership)] == [0, 1]  # granted, then the limit set
    assert _events(membership) == [("role granted", council_admin), ("approval limit set", council_admin)]
    assert list(history_for(membership))[-1].changes == {"approval_limit": ["", "25000.00"]}
    with pytest.raises(
        OrganisationError, match="^nia.jones@example.org is already approver at Dorset Council.$"
    ):
        services.council_staff_add(
            council=council,
            email="NIA.JONES@example.org",
            full_name="",
            role=Role.APPROVER,
            approval_limit=Decimal("1.00"),
            actor=council_admin,
        )
    # Another person in the same role at the same council is fine; no name given is an empty name.
    other = services.council_staff_add(
        council=council,
        email="sam@example.org",
        full_name=None,
        role=Role.APPROVER,
        approval_limit=Decimal("5.00"),
        actor=council_admin,
    )
    assert (other.user.email, other.user.full_name) == ("sam@example.org", "")
    # The same person in a second role, and at another council: one account.
    second = services.council_staff_add(
        council=other_council,
        email="nia.jones@example.org",
        full_name="Ignored",
        role=Role.COMMISSIONER,
        approval_limit=None,
        actor=council_admin,
    )
    assert second.user == user and User.objects.filter(email="nia.jones@example.org").count() == 1
    # A second role at the same council, and the same role at another council, are each allowed.
    third = services.council_staff_add(
        council=council,
        email="nia.jones@example.org",
        full_name="",
        role=Role.COMMISSIONER,
        approval_limit=None,
        actor=council_admin,
    )
    fourth = services.council_staff_add(
        council=other_council,
        email="nia.jones@example.org",
        full_name="",
        role=Role.APPROVER,
        approval_limit=Decimal("0.01"),  # any limit above £0, however small
        actor=council_admin,
    )
    assert (third.council, third.role, fourth.council, fourth.role, fourth.approval_limit) == (
        council,
        Role.COMMISSIONER,
        other_council,
        Role.APPROVER,
        Decimal("0.01"),
    )
    assert user.full_name == "Nia Jones"
    assert _events(second) == [("role granted", council_admin)]
    assert len(_events(user)) == 1


@pytest.mark.parametrize(
    ("role", "limit", "message"),
    [
        (Role.APPROVER, None, "Enter the largest annual budget this approver may approve."),
        (Role.APPROVER, Decimal("0"), "Enter the largest annual budget this approver may approve."),
        (Role.APPROVER, Decimal("-5"), "Enter the largest annual budget this approver may approve."),
        (
            Role.COMMISSIONER,
            Decimal("100"),
            "Only approvers have an approval limit: leave it empty for this role.",
        ),
        (
            Role.COUNCIL_ADMIN,
            Decimal("0"),
            "Only approvers have an approval limit: leave it empty for this role.",
        ),
        (Role.PLATFORM_ADMIN, None, "Choose one of the council's roles."),
        (Role.PROVIDER_MANAGER, None, "Choose one of the council's roles."),
    ],
)
def test_only_council_roles_and_only_approvers_with_a_positive_limit_are_added(
    council, council_admin, role, limit, message
):
    with pytest.raises(OrganisationError, match=f"^{message}$"):
        services.council_staff_add(
            council=council,
            email="x@example.org",
            full_name="X",
            role=role,
            approval_limit=limit,
            actor=council_admin,
        )
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_approval_limit_is_changed_with_old_and_new_recorded_and_only_for_approvers(
    council, approver, commissioner, council_admin
):
    membership = Membership.objects.get(user=approver, role=Role.APPROVER)
    old = membership.approval_limit
    same = services.council_staff_change_limit(membership=membership, approval_limit=old, actor=council_admin)
    assert same.approval_limit == old and _events(membership) == []
    changed = services.council_staff_change_limit(
        membership=membership, approval_limit=Decimal("99.50"), actor=council_admin
    )
    changed.refresh_from_db()
    assert changed.approval_limit == Decimal("99.50")
    (entry,) = history_for(membership)
    assert (entry.additional_data["event"], entry.actor) == ("approval limit changed", council_admin)
    assert entry.changes == {"approval_limit": [str(old), "99.50"]}
    with pytest.raises(OrganisationError, match="Enter the largest annual budget"):
        services.council_staff_change_limit(membership=membership, approval_limit=None, actor=council_admin)
    commissioner_role = Membership.objects.get(user=commissioner, role=Role.COMMISSIONER)
    with pytest.raises(OrganisationError, match="Only approvers have an approval limit"):
        services.council_staff_change_limit(
            membership=commissioner_role, approval_limit=Decimal("5"), actor=council_admin
        )


def test_a_role_is_removed_with_a_record_but_the_last_council_admin_stays(
    council, other_council, approver, council_admin, other_council_admin
):
    membership = Membership.objects.get(user=approver, role=Role.APPROVER)
    limit, pk = membership.approval_limit, membership.pk
    services.council_staff_remove(membership=membership, actor=council_admin)
    assert not Membership.objects.filter(pk=pk).exists()
    (entry,) = history_for(Membership(pk=pk))
    assert (entry.additional_data["event"], entry.actor, entry.action) == ("role removed", council_admin, 2)
    assert entry.changes == {"role": ["approver", ""], "approval_limit": [str(limit), ""]}
    only_admin = Membership.objects.get(user=council_admin, role=Role.COUNCIL_ADMIN)
    staff(Role.COMMISSIONER, council=council, email="someone.else@example.org")  # staff, not an admin
    with pytest.raises(OrganisationError) as refused:
        services.council_staff_remove(membership=only_admin, actor=council_admin)
    assert str(refused.value) == (
        "The council must keep at least one council administrator. Add another one before removing this one."
    )
    with pytest.raises(OrganisationError, match="must keep at least one council administrator"):
        services.council_staff_remove(membership=only_admin, actor=council_admin)
    # With a second administrator (another council's does not count), the first may go.
    second = staff(Role.COUNCIL_ADMIN, council=council, email="second.admin@example.org")
    only_admin_pk = only_admin.pk
    services.council_staff_remove(membership=only_admin, actor=second)
    assert not Membership.objects.filter(pk=only_admin_pk).exists()
    last = Membership.objects.get(user=second, role=Role.COUNCIL_ADMIN)
    with pytest.raises(OrganisationError, match="must keep at least one council administrator"):
        services.council_staff_remove(membership=last, actor=second)
    assert Membership.objects.filter(council=other_council, role=Role.COUNCIL_ADMIN).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [Decimal("0"), Decimal("-0.01"), Decimal("-5000")])
def test_an_approval_limit_of_nothing_or_less_is_refused_on_every_way_in(council, limit):
    approver = staff(Role.APPROVER, council=council, approval_limit=Decimal("10000"))
    with pytest.raises(OrganisationError, match=r"^An approval limit must be more than £0\.$"):
        services.grant_role(user=approver, role=Role.APPROVER, council=council, approval_limit=limit)
    newcomer = User.objects.create_user(email="new.approver@example.org", password=None, full_name="New")
    with pytest.raises(OrganisationError, match=r"^An approval limit must be more than £0\.$"):
        services.grant_role(user=newcomer, role=Role.APPROVER, council=council, approval_limit=limit)
    assert Membership.objects.get(user=approver, role=Role.APPROVER).approval_limit == Decimal("10000")
    assert not Membership.objects.filter(user=newcomer).exists()
