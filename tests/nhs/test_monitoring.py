"""Returns count NHS-funded and jointly funded budgets separately; the council's return still counts
each person once, and a council with no NHS funding keeps the figures it had."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets import services
from budgets.services import ArrangementInput
from monitoring.exports import to_csv
from monitoring.periods import parse_period
from monitoring.report import build_return
from monitoring.tables import tables
from nhs import funding
from tests.budgets.factories import PersonFactory, approved_budget

pytestmark = pytest.mark.django_db
PERIOD = parse_period("2026-27")
AFTER = dt.date(2027, 5, 1)


def _joint(council, icb, commissioner, approver, icb_approver, provider_org):
    person = PersonFactory(council=council, given_name="Ffion")
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 6, 1),
        arrangements=[ArrangementInput("isf", Decimal("64000.00"), provider_org)],
        actor=commissioner,
    )
    funding.funding_set(
        budget=budget, shares={council: Decimal("24000.00"), icb: Decimal("40000.00")}, actor=commissioner
    )
    for share in budget.funding_shares.all():
        funding.share_approve(share=share, actor=approver if share.funder == council else icb_approver)
    return person


def test_council_only_data_counts_everyone_as_council_funded(council):
    for i in range(3):
        approved_budget(PersonFactory(council=council, person_ref=f"C-{i}"))
    # A carer's own budget is counted in the carers' section, not among the people: nor here.
    approved_budget(PersonFactory(council=council, person_ref="CARER-1", is_carer=True))
    figures = build_return(council=council, period=PERIOD, today=AFTER)
    assert figures["people_at_period_end"]["total"] == 3
    assert figures["nhs_funding"]["people_at_period_end"] == {
        "local_authority_only": 3,
        "nhs_only": 0,
        "joint": 0,
    }
    assert figures["nhs_funding"]["shares_of_other_councils_budgets"] == {"people": 0, "annual_value": "0.00"}


def test_joint_and_nhs_budgets_are_counted_separately_and_each_person_once(
    council, icb, partnership, commissioner, approver, icb_approver, provider_org
):
    approved_budget(PersonFactory(council=council, person_ref="C-1"))
    before = build_return(council=council, period=PERIOD, today=AFTER)
    _joint(council, icb, commissioner, approver, icb_approver, provider_org)
    # A personal health budget: the ICB's own person, funded by it alone.
    approved_budget(
        PersonFactory(council=icb, person_ref="PHB-1"), parts=(("direct_payment", "9000.00", None),)
    )

    mine = build_return(council=council, period=PERIOD, today=AFTER)
    assert mine["people_at_period_end"]["total"] == before["people_at_period_end"]["total"] + 1 == 2
    assert mine["nhs_funding"]["people_at_period_end"] == {
        "local_authority_only": 1,
        "nhs_only": 0,
        "joint": 1,
    }
    assert mine["budgets_at_period_end"]["by_management_type"]["isf"] == {
        "count": 1,
        "annual_value": "64000.00",
    }

    theirs = build_return(council=icb, period=PERIOD, today=AFTER)
    assert theirs["people_at_period_end"]["total"] == 1  # the joint person is the council's, not the ICB's
    assert theirs["nhs_funding"]["people_at_period_end"] == {
        "local_authority_only": 0,
        "nhs_only": 1,
        "joint": 0,
    }
    assert theirs["nhs_funding"]["shares_of_other_councils_budgets"] == {
        "people": 1,
        "annual_value": "40000.00",
    }

    for figures in (mine, theirs):
        assert (
            sum(figures["nhs_funding"]["people_at_period_end"].values())
            == figures["people_at_period_end"]["total"]
        )
    table = next(t for t in tables(mine) if t["id"] == "nhs-funding")
    assert table["rows"][-1] == ["Total (each person once)", "2"]
    assert "nhs_funding,people_at_period_end,joint,1,false" in to_csv(mine).splitlines()


def test_a_council_person_funded_wholly_by_the_nhs_is_nhs_only(
    council, icb, partnership, commissioner, icb_approver
):
    budget = services.budget_propose(
        person=PersonFactory(council=council),
        start_date=dt.date(2026, 6, 1),
        arrangements=[ArrangementInput("commissioner_controlled", Decimal("50000.00"), None)],
        actor=commissioner,
    )
    funding.funding_set(budget=budget, shares={icb: Decimal("50000.00")}, actor=commissioner)
    funding.share_approve(share=budget.funding_shares.get(), actor=icb_approver)
    figures = build_return(council=council, period=PERIOD, today=AFTER)
    assert figures["nhs_funding"]["people_at_period_end"] == {
        "local_authority_only": 0,
        "nhs_only": 1,
        "joint": 0,
    }
