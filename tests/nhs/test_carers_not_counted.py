"""Carers are never mixed into people counts (issue 19), in the NHS funding figures either: a carer's
own budget that an ICB pays a share of is not one of the other councils' people the ICB funds."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets import services
from budgets.services import ArrangementInput
from monitoring.periods import parse_period
from monitoring.report import build_return
from nhs import funding
from tests.budgets.factories import PersonFactory

pytestmark = pytest.mark.django_db
PERIOD = parse_period("2026-27")
AFTER = dt.date(2027, 5, 1)


def _jointly_funded(person, council, icb, commissioner, approver, icb_approver, provider_org, amount):
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 6, 1),
        arrangements=[ArrangementInput("isf", Decimal(amount), provider_org)],
        actor=commissioner,
    )
    half = Decimal(amount) / 2
    funding.funding_set(budget=budget, shares={council: half, icb: half}, actor=commissioner)
    for share in budget.funding_shares.all():
        funding.share_approve(share=share, actor=approver if share.funder == council else icb_approver)


def test_a_carers_jointly_funded_budget_is_not_among_the_people_either_body_counts(
    council, icb, partnership, commissioner, approver, icb_approver, provider_org
):
    person = PersonFactory(council=council, person_ref="P-1")
    carer = PersonFactory(council=council, person_ref="CARER-1", is_carer=True)
    _jointly_funded(person, council, icb, commissioner, approver, icb_approver, provider_org, "20000.00")
    _jointly_funded(carer, council, icb, commissioner, approver, icb_approver, provider_org, "6000.00")

    mine = build_return(council=council, period=PERIOD, today=AFTER)
    assert mine["people_at_period_end"]["total"] == 1
    assert mine["nhs_funding"]["people_at_period_end"] == {
        "local_authority_only": 0,
        "nhs_only": 0,
        "joint": 1,
    }

    theirs = build_return(council=icb, period=PERIOD, today=AFTER)
    assert theirs["nhs_funding"]["shares_of_other_councils_budgets"] == {
        "people": 1,
        "annual_value": "10000.00",  # the person's share only, not the carer's £3,000
    }
