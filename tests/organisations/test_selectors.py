"""What organisations/selectors.py answers about who may do what, read directly: every other app asks it,
so a filter it loses must fail here, not only as a wrong page somewhere else. Written to kill the mutants
`make mutate` found surviving in organisations/selectors.py and organisations/services.py."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisations import selectors, services
from organisations.models import ImportJob, Membership, Role
from tests.factories import CouncilFactory, ProviderFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_councils():
    return CouncilFactory(gss_code="E06000059", name="Dorset Council"), CouncilFactory(
        gss_code="E06000023", name="Bristol City Council"
    )


def test_roles_are_gathered_per_organisation_and_kind(two_councils):
    dorset, bristol = two_councils
    harbour = ProviderFactory(provider_ref="PRV-001")
    user = staff(Role.COMMISSIONER, council=dorset)
    Membership.objects.create(user=user, role=Role.APPROVER, council=dorset, approval_limit=Decimal("100"))
    Membership.objects.create(user=user, role=Role.MONITORING_OFFICER, council=bristol)
    Membership.objects.create(user=user, role=Role.PROVIDER_FINANCE, provider=harbour)

    roles = selectors.roles_of(user=user)

    assert roles.council_roles == {
        dorset.pk: frozenset({Role.COMMISSIONER, Role.APPROVER}),
        bristol.pk: frozenset({Role.MONITORING_OFFICER}),
    }
    assert roles.provider_roles == {harbour.pk: frozenset({Role.PROVIDER_FINANCE})}
    assert roles.platform_admin is False
    assert roles.councils_with(Role.APPROVER) == {dorset.pk}
    assert roles.councils_with(Role.APPROVER, Role.MONITORING_OFFICER) == {dorset.pk, bristol.pk}
    assert roles.councils_with(Role.COUNCIL_ADMIN) == set()
    assert roles.providers_with(Role.PROVIDER_FINANCE) == {harbour.pk}
    assert roles.providers_with(Role.PROVIDER_MANAGER) == set()
    assert roles.is_council_staff and roles.is_provider_staff and roles.is_staff
    assert roles.has(Role.APPROVER) and roles.has(Role.PROVIDER_FINANCE)
    assert not roles.has(Role.COUNCIL_ADMIN) and not roles.has(Role.PROVIDER_MANAGER)
    assert not roles.has(Role.PLATFORM_ADMIN)
    # Cached on the user for the request: a role granted meanwhile shows only on a fresh user object.
    Membership.objects.create(user=user, role=Role.COUNCIL_ADMIN, council=dorset)
    assert selectors.roles_of(user=user) is roles
    assert selectors.roles_of(user=type(user).objects.get(pk=user.pk)).has(Role.COUNCIL_ADMIN)


def test_a_family_member_or_anonymous_visitor_has_no_roles(two_councils):
    family = UserFactory()
    for user in (family, AnonymousUser()):
        roles = selectors.roles_of(user=user)
        assert roles == selectors.Roles()
        assert not roles.is_staff and not roles.is_council_staff and not roles.is_provider_staff
        assert not roles.has(Role.COMMISSIONER) and not roles.has(Role.PLATFORM_ADMIN)
    assert list(selectors.councils_visible_to(user=family)) == []


def test_a_platform_admin_sees_every_council_and_staff_only_their_own(two_councils):
    dorset, bristol = two_councils
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    roles = selectors.roles_of(user=admin)
    assert roles.platform_admin and roles.is_staff and roles.has(Role.PLATFORM_ADMIN)
    assert not roles.is_council_staff and not roles.is_provider_staff
    assert set(selectors.councils_visible_to(user=admin)) == {dorset, bristol}

    officer = staff(Role.MONITORING_OFFICER, council=bristol)
    assert list(selectors.councils_visible_to(user=officer)) == [bristol]
    assert list(selectors.councils_where(user=officer, roles=(Role.MONITORING_OFFICER,))) == [bristol]
    assert list(selectors.councils_where(user=officer, roles=(Role.COMMISSIONER,))) == []


def test_providers_where_a_user_holds_a_role():
    harbour, purbeck = ProviderFactory(provider_ref="PRV-001"), ProviderFactory(provider_ref="PRV-002")
    manager = staff(Role.PROVIDER_MANAGER, provider=purbeck)
    assert list(selectors.providers_where(user=manager, roles=(Role.PROVIDER_MANAGER,))) == [purbeck]
    assert list(selectors.providers_where(user=manager, roles=(Role.PROVIDER_FINANCE,))) == []
    assert harbour not in selectors.providers_where(user=manager, roles=(Role.PROVIDER_MANAGER,))


def test_the_approval_limit_is_the_largest_of_this_councils_approver_roles(two_councils):
    dorset, bristol = two_councils
    approver = staff(Role.APPROVER, council=dorset, approval_limit=Decimal("20000.00"))
    Membership.objects.create(
        user=approver, role=Role.APPROVER, council=bristol, approval_limit=Decimal("90000")
    )
    assert selectors.approval_limit_of(user=approver, council=dorset) == Decimal("20000.00")
    assert selectors.approval_limit_of(user=approver, council=bristol) == Decimal("90000")
    # Only an approver's limit counts, even where another role's row holds one (nothing in the database
    # stops it).
    commissioner = staff(Role.COMMISSIONER, council=dorset, approval_limit=Decimal("70000"))
    assert selectors.approval_limit_of(user=commissioner, council=dorset) is None


def test_look_ups_by_code_reference_and_email(two_councils):
    dorset, _ = two_councils
    harbour = ProviderFactory(provider_ref="PRV-001")
    person = UserFactory(email="Sam.Jones@example.org")
    assert selectors.council_by_code("E06000059") == dorset
    assert selectors.council_by_code("E06000000") is None
    assert selectors.provider_by_ref("PRV-001") == harbour
    assert selectors.provider_by_ref("PRV-999") is None
    assert selectors.user_by_email("  sam.jones@EXAMPLE.org ") == person
    assert selectors.user_by_email("nobody@example.org") is None
    assert selectors.user_by_email(None) is None


def test_council_settings_are_404_for_another_council_and_403_for_a_non_administrator(two_councils):
    dorset, bristol = two_councils
    admin = staff(Role.COUNCIL_ADMIN, council=dorset)
    Membership.objects.create(user=admin, role=Role.COMMISSIONER, council=bristol)
    assert selectors.council_to_set_up(user=admin, code="E06000059") == dorset
    with pytest.raises(PermissionDenied):
        selectors.council_to_set_up(user=admin, code="E06000023")  # sees Bristol, does not administer it
    outsider = staff(Role.COUNCIL_ADMIN, council=bristol)
    with pytest.raises(Http404):
        selectors.council_to_set_up(user=outsider, code="E06000059")
    assert list(selectors.councils_administered_by(user=admin)) == [dorset]
    assert list(selectors.councils_administered_by(user=outsider)) == [bristol]


def test_a_councils_staff_are_listed_by_email_then_role_and_only_that_council(two_councils):
    dorset, bristol = two_councils
    zed = staff(Role.COMMISSIONER, council=dorset, email="zed@dorset.example.org")
    # Amy's roles are made in the reverse of their order, so only the ordering by role puts them right.
    amy = staff(Role.MONITORING_OFFICER, council=dorset, email="amy@dorset.example.org")
    for role in (Role.COUNCIL_ADMIN, Role.COMMISSIONER):
        Membership.objects.create(user=amy, role=role, council=dorset)
    Membership.objects.create(user=amy, role=Role.APPROVER, council=dorset, approval_limit=Decimal("1"))
    staff(Role.COMMISSIONER, council=bristol, email="bob@bristol.example.org")
    rows = [(m.user.email, m.role) for m in selectors.council_staff(council=dorset)]
    assert rows == [
        (amy.email, Role.APPROVER),
        (amy.email, Role.COMMISSIONER),
        (amy.email, Role.COUNCIL_ADMIN),
        (amy.email, Role.MONITORING_OFFICER),
        (zed.email, Role.COMMISSIONER),
    ]


def test_upload_jobs_are_seen_only_by_who_asked_for_them():
    asker, other = UserFactory(), UserFactory()
    job = ImportJob.objects.create(
        kind="budgets", file_name="a.csv", data=b"x", sha256="a" * 64, requested_by=asker
    )
    ImportJob.objects.create(
        kind="budgets", file_name="b.csv", data=b"y", sha256="b" * 64, requested_by=other
    )
    assert list(selectors.import_jobs_visible_to(user=asker)) == [job]
    assert list(selectors.import_jobs_visible_to(user=AnonymousUser())) == []


def test_the_system_actor_is_one_named_account_that_cannot_sign_in():
    first = services.system_actor()
    assert first.email == services.SYSTEM_ACTOR_EMAIL
    assert first.full_name == "System (automatic)"
    assert not first.has_usable_password()
    assert services.system_actor() == first
    assert type(first).objects.filter(email=services.SYSTEM_ACTOR_EMAIL).count() == 1


def test_a_link_in_an_email_starts_with_the_site_address(settings):
    settings.SITE_URL = "https://support.example.org"
    assert services.absolute_url("/sign-in/") == "https://support.example.org/sign-in/"


@pytest.mark.parametrize(
    ("role", "limit", "message"),
    [
        (Role.APPROVER, None, "Enter the largest annual budget this approver may approve."),
        (Role.APPROVER, Decimal("0"), "Enter the largest annual budget this approver may approve."),
        (Role.APPROVER, Decimal("-1"), "Enter the largest annual budget this approver may approve."),
        (
            Role.COMMISSIONER,
            Decimal("10"),
            "Only approvers have an approval limit: leave it empty for this role.",
        ),
    ],
)
def test_only_an_approver_has_a_limit_and_it_is_above_zero(role, limit, message):
    with pytest.raises(services.OrganisationError) as refused:
        services._check_limit(role=role, approval_limit=limit)
    assert str(refused.value) == message


def test_a_positive_limit_for_an_approver_and_none_for_others_are_accepted():
    assert services._check_limit(role=Role.APPROVER, approval_limit=Decimal("0.01")) is None
    assert services._check_limit(role=Role.COMMISSIONER, approval_limit=None) is None


def test_councils_staffed_by_gives_only_the_councils_where_the_user_holds_one_of_the_roles(two_councils):
    dorset, bristol = two_councils
    bath = CouncilFactory(gss_code="E06000022", name="Bath and North East Somerset Council")
    casework = (Role.COMMISSIONER, Role.APPROVER)
    user = staff(Role.COMMISSIONER, council=dorset)
    Membership.objects.create(user=user, role=Role.MONITORING_OFFICER, council=bristol)
    staff(Role.COMMISSIONER, council=bath)  # another council's staff: nothing to do with this user

    assert list(selectors.councils_staffed_by(user=user, roles=casework)) == [dorset]
    assert list(selectors.councils_staffed_by(user=user, roles=(Role.MONITORING_OFFICER, *casework))) == [
        bristol,
        dorset,
    ]
    assert list(selectors.councils_staffed_by(user=UserFactory(), roles=casework)) == []
    admin = staff(Role.PLATFORM_ADMIN)
    assert list(selectors.councils_staffed_by(user=admin, roles=casework)) == [bath, bristol, dorset]
