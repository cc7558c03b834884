"""Matrix rows for NHS funding, partnerships and the Transforming Care pages (issue 18).

Own tenant: council A, in a partnership with NHS body A; the own person (council A's, the family's) has
a proposed budget funded jointly by council A and NHS body A. Other tenant: council B with NHS body B in
another partnership; Bryn (council B's person) has a budget funded jointly by them.
"""

import datetime as dt
from decimal import Decimal

from budgets import services
from budgets.models import Person
from budgets.services import ArrangementInput
from nhs import funding
from nhs import services as services_tc
from nhs.services import nhs_body_ensure, partnership_ensure
from organisations.models import Role
from tests.factories import staff
from tests.matrix.harness import Row


def populate(world) -> None:
    icb_a = nhs_body_ensure(gss_code="E54000041", name="NHS Own ICB", ods_code="QVV")
    icb_b = nhs_body_ensure(gss_code="E54000039", name="NHS Other ICB", ods_code="QUY")
    partnerships = {
        "own": partnership_ensure(
            code="own-tcp", name="Own Partnership", members=[world.councils["own"], icb_a]
        ),
        "other": partnership_ensure(
            code="other-tcp", name="Other Partnership", members=[world.councils["other"], icb_b]
        ),
    }
    commissioners = {
        "own": world.users["commissioner"],
        "other": staff(Role.COMMISSIONER, council=world.councils["other"]),
    }
    icbs = {"own": icb_a, "other": icb_b}
    people = {
        "own": Person.objects.create(
            council=world.councils["own"], person_ref="NHS-A-1", given_name="Cerys", family_name="Own",
            date_of_birth="1990-01-01", primary_support_reason="learning_disability",
        ),
        # "Bryn" is one of the names no other tenant may ever see listed.
        "other": Person.objects.create(
            council=world.councils["other"], person_ref="NHS-B-1", given_name="Bryn", family_name="Tidewell",
            date_of_birth="1991-01-01", primary_support_reason="learning_disability",
        ),
    }  # fmt: skip
    budgets, shares = {}, {}
    for tenant in ("own", "other"):
        council = world.councils[tenant]
        budget = services.budget_propose(
            person=people[tenant],
            start_date=dt.date(2026, 6, 1),
            arrangements=[ArrangementInput("commissioner_controlled", Decimal("1000.00"), None)],
            actor=commissioners[tenant],
        )
        funding.funding_set(
            budget=budget,
            shares={council: Decimal("400.00"), icbs[tenant]: Decimal("600.00")},
            actor=commissioners[tenant],
        )
        budgets[tenant] = budget
        shares[tenant] = budget.funding_shares.get(funder=council)
    # The discharge lists: the family's own person on partnership A's (provider A chosen), Bryn on B's.
    lines = {}
    for tenant in ("own", "other"):
        lines[tenant] = services_tc.line_add(
            partnership=partnerships[tenant],
            person=world.objects["person"]["own"] if tenant == "own" else people["other"],
            actor=commissioners[tenant],
            setting="assessment_and_treatment",
            setting_name=f"Unit {tenant}",
            provider=world.providers[tenant],
        )
    waiting = Person.objects.create(
        council=world.councils["own"], person_ref="NHS-A-2", given_name="Dilys", family_name="Own",
        date_of_birth="1992-01-01", primary_support_reason="learning_disability",
    )  # fmt: skip
    manager_b = staff(Role.PROVIDER_MANAGER, provider=world.providers["other"])
    for tenant, manager in (("own", world.users["provider_manager"]), ("other", manager_b)):
        services_tc.capacity_declare(
            provider=world.providers[tenant], actor=manager, years_offering_isfs=5, people_supported_home=2,
            areas=[partnerships[tenant]], capacity={2026: 4},
        )  # fmt: skip
    world.objects["nhs"] = {
        "waiting": {"own": waiting, "other": waiting},
        "line": lines,
        "icb": icbs,
        "partnership": partnerships,
        "person": people,
        "budget": budgets,
        "share": shares,
    }


def _n(w, t, key):
    return w.objects["nhs"][key][t]


def _funding_data(w, t):
    council, icb = w.councils[t], _n(w, t, "icb")
    return {f"funder_{council.pk}": "300", f"funder_{icb.pk}": "700"}


# ROLES order: anonymous commissioner approver monitoring_officer provider_manager provider_finance family
# platform_admin council_admin
ROWS = [
    Row(
        "nhs:funding",
        "302 200 200 404 404 404 404 200 404 404",
        lambda w, t: f"/nhs/budgets/{_n(w, t, 'budget').pk}/funding/",
        other="302 404 404 404 404 404 404 200 404 404",
    ),
    Row(
        "nhs:funding",
        "302 302 403 404 404 404 404 403 404 404",
        lambda w, t: f"/nhs/budgets/{_n(w, t, 'budget').pk}/funding/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=_funding_data,
        note="(state shares)",
    ),
    Row("nhs:shares", "302 200 200 200 403 403 403 200 403 403", lambda w, t: "/nhs/funding/"),
    Row(
        "nhs:share",
        "302 200 200 200 404 404 404 200 404 404",
        lambda w, t: f"/nhs/funding/{_n(w, t, 'share').pk}/",
        other="302 404 404 404 404 404 404 200 404 404",
    ),
    Row(
        "nhs:share-approve",
        "302 403 302 403 404 404 404 403 404 404",
        lambda w, t: f"/nhs/funding/{_n(w, t, 'share').pk}/approve/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
    ),
    Row(
        "nhs:share-send-back",
        "302 403 302 403 404 404 404 403 404 404",
        lambda w, t: f"/nhs/funding/{_n(w, t, 'share').pk}/send-back/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"reason": "Needs a clinical review"},
    ),
]


def _code(w, t):
    return _n(w, t, "partnership").code


def _line_data(w, t):
    return {
        "setting": "nhs_ward", "setting_name": "Ward 3", "provider_has_met": "not_known",
        "work_alongside": "yes", "clinical_support": "yes", "psychiatrist_support": "somewhat",
        "housing": "no",
        "in_the_way": "Housing",
    }  # fmt: skip


OWN_PARTNERSHIP = "302 200 200 200 404 404 404 200 404 404"
OTHER_PARTNERSHIP = "302 404 404 404 404 404 404 200 404 404"
OWN_KEEPER_POST = "302 302 403 403 404 404 404 403 404 404"
OTHER_KEEPER_POST = "302 404 404 404 404 404 404 403 404 404"

ROWS += [
    Row("nhs:partnerships", "302 200 200 200 403 403 403 200 200 403", lambda w, t: "/nhs/partnerships/"),
    Row(
        "nhs:tracker",
        OWN_PARTNERSHIP,
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/",
        other=OTHER_PARTNERSHIP,
    ),
    Row(
        "nhs:line-add",
        "302 200 403 403 404 404 404 403 404 404",
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/add/",
        other=OTHER_KEEPER_POST,
    ),
    Row(
        "nhs:line-add",
        OWN_KEEPER_POST,
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/add/",
        other=OTHER_KEEPER_POST,
        method="post",
        data=lambda w, t: {"person": _n(w, "own", "waiting").pk, **_line_data(w, t)},
        note="(add)",
    ),
    Row(
        "nhs:line",
        OWN_PARTNERSHIP,
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/people/{_n(w, t, 'line').pk}/",
        other=OTHER_PARTNERSHIP,
    ),
    Row(
        "nhs:line",
        OWN_KEEPER_POST,
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/people/{_n(w, t, 'line').pk}/",
        other=OTHER_KEEPER_POST,
        method="post",
        data=_line_data,
        note="(change)",
    ),
    Row(
        "nhs:line-home",
        OWN_KEEPER_POST,
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/people/{_n(w, t, 'line').pk}/home/",
        other=OTHER_KEEPER_POST,
        method="post",
        data=lambda w, t: {"discharged_on": "2026-06-01"},
    ),
    Row(
        "nhs:capacity",
        OWN_PARTNERSHIP,
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/capacity/",
        other=OTHER_PARTNERSHIP,
    ),
    Row(
        "nhs:invite",
        OWN_KEEPER_POST,
        lambda w, t: f"/nhs/partnerships/{_code(w, t)}/invite/",
        other=OTHER_KEEPER_POST,
        method="post",
        data=lambda w, t: {"provider": w.providers[t].pk},
    ),
    Row(
        "nhs:provider-lines",
        "302 403 403 403 200 200 403 403 403 403",
        lambda w, t: "/nhs/provider/coming-home/",
    ),
    Row(
        "nhs:provider-capacity",
        "302 403 403 403 200 403 403 403 403 403",
        lambda w, t: "/nhs/provider/capacity/",
    ),
    Row(
        "nhs:provider-capacity",
        "302 403 403 403 302 403 403 403 403 403",
        lambda w, t: "/nhs/provider/capacity/",
        method="post",
        data=lambda w, t: {"years_offering_isfs": "6", "people_supported_home": "3", "capacity_2026": "5"},
        note="(declare)",
    ),
    Row("nhs:report", "302 403 403 403 403 403 403 200 403 403", lambda w, t: "/nhs/report/"),
    Row("nhs:coming-home", "302 403 403 403 403 403 200 403 403 403", lambda w, t: "/nhs/coming-home/"),
]
