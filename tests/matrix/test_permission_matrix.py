"""Walks the declared permission matrix (see harness.py) and checks every URL is declared."""

import copy
import datetime as dt
import importlib
import pkgutil
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from brokerage.models import Invitation
from budgets.models import Person, Representative
from organisations.models import Role
from providers.models import OrganisationKind, ProviderProfile
from tests.conftest import clear_rate_limits, sign_in
from tests.factories import CouncilFactory, ProviderFactory, UserFactory, staff
from tests.matrix import rows as rows_package
from tests.matrix.harness import EXEMPT_PREFIXES, ROLES, World


def _row_modules():
    return [
        importlib.import_module(f"{rows_package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(rows_package.__path__)
    ]


MODULES = _row_modules()
ROWS = [row for module in MODULES for row in module.ROWS]


def build_world() -> World:
    council_a = CouncilFactory(gss_code="E06000059", name="Own Council")
    council_b = CouncilFactory(gss_code="E06000023", name="Other Council")
    provider_a = ProviderFactory(provider_ref="PRV-A", name="Own Provider")
    provider_b = ProviderFactory(provider_ref="PRV-B", name="Other Provider")
    brokerage = ProviderFactory(provider_ref="BRK-A", name="Own Brokerage")
    ProviderProfile.objects.create(provider=brokerage, organisation_kind=OrganisationKind.SUPPORT_BROKERAGE)
    users = {
        "anonymous": None,
        "commissioner": staff(Role.COMMISSIONER, council=council_a),
        "approver": staff(Role.APPROVER, council=council_a, approval_limit=Decimal("100000.00")),
        "monitoring_officer": staff(Role.MONITORING_OFFICER, council=council_a),
        "provider_manager": staff(Role.PROVIDER_MANAGER, provider=provider_a),
        "provider_finance": staff(Role.PROVIDER_FINANCE, provider=provider_a),
        "family": UserFactory(),
        "platform_admin": staff(Role.PLATFORM_ADMIN, is_staff=True),
        "council_admin": staff(Role.COUNCIL_ADMIN, council=council_a),
        "broker": staff(Role.BROKER, provider=brokerage),
    }
    world = World(
        users=users,
        councils={"own": council_a, "other": council_b},
        providers={"own": provider_a, "other": provider_b},
    )
    # The family's own person (council A) and a person in council B nobody here represents.
    own_person = Person.objects.create(
        council=council_a,
        person_ref="OWN-1",
        given_name="Alys",
        family_name="Own",
        date_of_birth="1980-05-01",
        primary_support_reason="learning_disability",
    )
    Representative.objects.create(person=own_person, user=users["family"], relationship="sister")
    # The broker is invited (by the family) for the family's person, and for nobody else.
    world.providers["brokerage"] = brokerage
    world.objects["invitation"] = Invitation.objects.create(
        person=own_person, brokerage=brokerage, purpose="Plan with us", invited_as="family",
        invited_by=users["family"],
    )  # fmt: skip
    other_person = Person.objects.create(
        council=council_b,
        person_ref="OTHER-1",
        given_name="Bryn",
        family_name="Other",
        date_of_birth="1975-02-03",
        primary_support_reason="physical_support",
    )
    world.objects["person"] = {"own": own_person, "other": other_person}
    _add_secrets(world)
    for module in MODULES:
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)
    return world


# ---- what each role must never see listed, on any page or in any API answer ----------------------
#
# Another council's people (and their private objects) must not appear for anyone but a platform
# admin; a council person with no live link to provider A (a declined request, a proposal naming it)
# must not appear for provider A's staff, the family or anyone signed out.
OTHER_TENANT_SECRETS = ("Bryn", "OTHER-1", "Zephyrine", "HIDDEN-B-1", "bristol-secret.csv")
# Quillon: linked to provider A only by a declined request and a proposal. Perpetua: invited the
# brokerage once, then ended it. Ottoline: invited another brokerage (still live). A broker sees none.
UNLINKED_SECRETS = ("Quillon", "UNLINKED-A-1", "Perpetua", "ENDED-A-1", "Ottoline", "ELSEWHERE-A-1")
NOT_LINKED_ROLES = ("anonymous", "provider_manager", "provider_finance", "family", "council_admin", "broker")


def secrets_for(role: str) -> tuple[str, ...]:
    if role == "platform_admin":
        return ()
    return OTHER_TENANT_SECRETS + (UNLINKED_SECRETS if role in NOT_LINKED_ROLES else ())


def _add_secrets(world: World) -> None:
    """People and objects whose names must not leak: one in council B with a budget, a support plan, a
    provider-B ISF and an uploaded file waiting; one in council A whose only links to provider A are a
    declined request and a proposal."""
    from budgets import batches, services
    from providers import services as provider_services
    from providers.models import ChoiceStatus, ProviderChoice
    from tests.budgets.factories import approved_budget

    council_a, council_b = world.councils["own"], world.councils["other"]
    provider_a, provider_b = world.providers["own"], world.providers["other"]
    hidden = Person.objects.create(
        council=council_b,
        person_ref="HIDDEN-B-1",
        given_name="Zephyrine",
        family_name="Zephyrine",
        date_of_birth="1970-07-07",
        primary_support_reason="mental_health",
    )
    approved_budget(hidden, parts=(("isf", "7000.00", provider_b),))
    commissioner_b = staff(Role.COMMISSIONER, council=council_b)
    services.support_plan_save(
        person=hidden, actor=commissioner_b, what_matters="Zephyrine's garden", outcomes="o",
        how_money_used="m", who_helps="w", risks="r",
    )  # fmt: skip
    batches.batch_upload(
        council=council_b,
        kind="budgets",
        file_name="bristol-secret.csv",
        data=(
            b"person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
            b"start_date,end_date,provider_ref\nHIDDEN-B-2,1980-01-01,physical_support,HB-2,direct_payment,"
            b"10.00,2026-04-01,,\n"
        ),
        actor=commissioner_b,
    )
    unlinked = Person.objects.create(
        council=council_a,
        person_ref="UNLINKED-A-1",
        given_name="Quillon",
        family_name="Quillon",
        date_of_birth="1960-06-06",
        primary_support_reason="sensory_support",
    )
    choice = ProviderChoice.objects.create(
        person=unlinked, provider=provider_a, status=ChoiceStatus.REQUESTED
    )
    provider_services.decline_choice(
        choice=choice, reason="We are full", actor=world.users["provider_manager"]
    )
    services.budget_propose(
        person=unlinked,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("isf", Decimal("4000.00"), provider_a)],
        actor=world.users["commissioner"],
    )
    _add_broker_secrets(world)


def _add_broker_secrets(world: World) -> None:
    """Council-A people the broker must never see: one whose invitation ended, one who invited another
    brokerage. Each has a plan and an assessment."""
    from django.utils import timezone

    from budgets import services

    council_a = world.councils["own"]
    other_brokerage = ProviderFactory(provider_ref="BRK-Z", name="Elsewhere Brokerage")
    ProviderProfile.objects.create(
        provider=other_brokerage, organisation_kind=OrganisationKind.SUPPORT_BROKERAGE
    )
    for ref, name, brokerage, ended in (
        ("ENDED-A-1", "Perpetua", world.providers["brokerage"], True),
        ("ELSEWHERE-A-1", "Ottoline", other_brokerage, False),
    ):
        person = Person.objects.create(
            council=council_a, person_ref=ref, given_name=name, family_name=name,
            date_of_birth="1966-06-06", primary_support_reason="social_support",
        )  # fmt: skip
        services.support_plan_save(
            person=person, actor=world.users["commissioner"], what_matters=f"{name}'s allotment",
            outcomes="o", how_money_used="m", who_helps="w", risks="r",
        )  # fmt: skip
        Invitation.objects.create(
            person=person, brokerage=brokerage, purpose="p", invited_as="commissioner",
            family_agreement="agreed", invited_by=world.users["commissioner"],
            ended_at=timezone.now() if ended else None,
        )  # fmt: skip


def leaked(response, role: str, typed: str = "") -> list[str]:
    """The secret names this role's answer shows (pages and JSON; files such as PDFs are not text).
    What the user typed themselves may be shown back to them (a form kept on error)."""
    if getattr(response, "streaming", False):
        return []
    content_type = response.get("Content-Type", "")
    if not (content_type.startswith("text/") or "json" in content_type):
        return []
    body = response.content.decode("utf-8", "replace")
    return [secret for secret in secrets_for(role) if secret in body and secret not in typed]


class _Rollback(Exception):
    pass


def _request(client: Client, row, world: World, tenant: str):
    path = row.url(world, tenant)
    data = row.data(world, tenant) if row.data else None
    kwargs = {"headers": row.headers} if row.headers else {}
    if row.content_type == "json":
        kwargs["content_type"] = "application/json"
    return (
        getattr(client, row.method)(path, data, **kwargs)
        if data is not None
        else getattr(client, row.method)(path, **kwargs)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("module", MODULES, ids=[m.__name__.rsplit(".", 1)[-1] for m in MODULES])
def test_every_cell_of_the_matrix(module):
    """One world per file of rows (building it for every row made the matrix the slowest part of the
    suite); every cell still runs in a savepoint that is rolled back, so no cell sees another's writes.
    Every wrong cell of every row is reported, not only the first."""
    world = build_world()
    clients = {}
    for role in ROLES:
        client = Client()
        if world.users[role] is not None:
            sign_in(client, world.users[role])
        clients[role] = client
    signed_in = {role: copy.deepcopy(client.cookies) for role, client in clients.items()}
    wrong = []
    for row in module.ROWS:
        # A cell's writes are rolled back but its cookies are not (signing out clears the session
        # cookie): every row starts from the signed-in cookies and fresh rate limits.
        for role, client in clients.items():
            client.cookies = copy.deepcopy(signed_in[role])
        clear_rate_limits()
        wrong += [f"{row.id} {cell}" for cell in _wrong_cells(row, world, clients)]
    assert not wrong, "\n".join(wrong)


def _wrong_cells(row, world: World, clients: dict) -> list[str]:
    wrong = []
    tenants = [("own", row.own)] + ([("other", row.other)] if row.other is not None else [])
    for tenant, expected in tenants:
        for role in ROLES:
            # Each cell runs in a savepoint that is rolled back, so a POST in one cell changes nothing
            # for the next.
            try:
                with transaction.atomic():
                    response = _request(clients[role], row, world, tenant)
                    raise _Rollback
            except _Rollback:
                pass
            if response.status_code != expected[role]:
                wrong.append(f"{tenant}/{role}: expected {expected[role]}, got {response.status_code}")
            typed = f"{row.url(world, tenant)} {row.data(world, tenant) if row.data else ''}"
            shown = leaked(response, role, typed)
            if shown:
                wrong.append(f"{tenant}/{role}: lists {', '.join(shown)}")
    return wrong


def _named_urls(resolver=None, namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_declared():
    declared = {row.name for row in ROWS}
    undeclared = sorted(
        name
        for name in set(_named_urls())
        if name not in declared and not any(name.startswith(prefix) for prefix in EXEMPT_PREFIXES)
    )
    assert not undeclared, f"URLs with no row in tests/matrix/rows/: {undeclared}"
