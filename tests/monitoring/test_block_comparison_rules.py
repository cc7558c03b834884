"""The block contract against the Individual Service Funds it became (monitoring.selectors.block_comparison),
period by period, with exact figures: the block's cost and people while it is in force at a period's end,
the ISFs that came out of it (this provider, these people, from the conversion day) active at that end,
and the reviews and outcome survey answers of the block's own people within the period.

Small data built directly (no batch journey, no page): each test runs for every mutant of the selector."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.models import Arrangement, BlockContract, BudgetReview
from budgets.review_models import BlockPlace, ReviewOutcome
from monitoring.periods import Period
from monitoring.selectors import block_comparison
from tests.factories import ProviderFactory, UserFactory
from tests.monitoring.factories import budget, d, person
from tests.surveys.factories import send_response

pytestmark = pytest.mark.django_db

YEAR_2025 = Period(2025)  # 1 April 2025 to 31 March 2026: ends on the day the block starts
Q2 = Period(2026, 2)  # July to 30 September 2026: ends on the block's last day
Q3 = Period(2026, 3)  # October to 31 December 2026: the block has ended, the ISFs run
NO_OUTCOMES = {"met": 0, "partly_met": 0, "not_met": 0, "no_longer_wanted": 0}
NO_SURVEYS = {"responses": 0, "better": 0, "same": 0, "worse": 0}


def block_of(council, provider, people, *, status="converted", isf_start="2026-10-01", end="2026-09-30"):
    block = BlockContract.objects.create(
        council=council,
        provider=provider,
        name="Riverside supported living",
        annual_value=Decimal("90000.00"),
        start_date=d("2026-03-31"),
        end_date=d(end) if end else None,
        status=status,
        isf_start_date=d(isf_start) if isf_start else None,
        created_by=UserFactory(),
    )
    for who in people:
        BlockPlace.objects.create(block=block, person=who, share=Decimal("30000.00"))
    return block


def held(pb, management_type, provider, *, start, end=None, amount):
    return Arrangement.objects.create(
        budget=pb,
        council=pb.person.council,
        management_type=management_type,
        annual_amount=Decimal(amount),
        start_date=d(start),
        end_date=d(end) if end else None,
        provider=provider,
    )


def row_of(rows, period):
    (row,) = [r for r in rows if r["period"] == period.label]
    return row


def test_the_block_is_costed_while_in_force_and_the_isfs_it_became_after(council, provider_org):
    ann, ben, cal = (person(council) for _ in range(3))
    outsider = person(council)
    other_provider = ProviderFactory(provider_ref="PRV-OTHER")
    block = block_of(council, provider_org, [ann, ben, cal])
    ann_pb, ben_pb, cal_pb = budget(ann), budget(ben), budget(cal)
    # The ISFs the block became: this provider, the block's people, starting on or after the conversion.
    held(ann_pb, "isf", provider_org, start="2026-10-01", amount="12000.50")  # starts on the conversion day
    held(ann_pb, "isf", provider_org, start="2026-12-31", amount="500.00")  # starts on Q3's last day
    held(
        ben_pb, "isf", provider_org, start="2026-10-01", end="2026-12-31", amount="11000.25"
    )  # ends that day
    held(cal_pb, "isf", provider_org, start="2026-10-01", end="2026-12-30", amount="7000.00")  # ended before
    # Not what the block became: an ISF Cal had with the provider before, another way of holding money,
    # another provider's ISF, and the provider's ISF for someone who was never in the block.
    held(cal_pb, "isf", provider_org, start="2025-01-01", amount="4000.00")
    held(ann_pb, "direct_payment_managed", provider_org, start="2026-10-01", amount="999.00")
    held(ben_pb, "isf", other_provider, start="2026-10-01", amount="888.00")
    held(budget(outsider), "isf", provider_org, start="2026-10-01", amount="777.00")

    rows = block_comparison(block=block, periods=[YEAR_2025, Q2, Q3])

    assert [r["period"] for r in rows] == ["2025-26", "2026-27-Q2", "2026-27-Q3"]
    assert [(r["block_cost"], r["block_people"]) for r in rows] == [
        (Decimal("90000.00"), 3),  # the block started on the period's last day
        (Decimal("90000.00"), 3),  # the block ended on the period's last day
        (None, 0),
    ]
    assert [(r["isf_cost"], r["isf_people"]) for r in rows] == [
        (None, 0),
        (None, 0),
        (Decimal("23500.75"), 2),  # Ann's two ISFs (one person) and Ben's
    ]
    assert all(r["outcomes"] == NO_OUTCOMES and r["surveys"] == NO_SURVEYS for r in rows)


def test_a_block_still_open_ended_is_costed_in_every_period(council, provider_org):
    block = block_of(council, provider_org, [person(council)], status="active", isf_start=None, end=None)
    rows = block_comparison(block=block, periods=[YEAR_2025, Q3])
    assert [(r["block_cost"], r["block_people"]) for r in rows] == [(Decimal("90000.00"), 1)] * 2


def test_a_block_waiting_for_approval_costs_nothing_and_an_unapproved_conversion_has_no_isfs(
    council, provider_org
):
    ann = person(council)
    held(budget(ann), "isf", provider_org, start="2026-10-01", amount="12000.00")
    waiting = block_of(council, provider_org, [ann], status="waiting", isf_start=None)
    rows = block_comparison(block=waiting, periods=[Q2, Q3])
    assert [(r["block_cost"], r["block_people"], r["isf_cost"]) for r in rows] == [(None, 0, None)] * 2
    # Conversion proposed (its ISF start day set) but not approved: the block is still in force and the
    # ISFs are not yet the block's.
    converting = block_of(council, provider_org, [ann], status="converting", end=None)
    (row,) = block_comparison(block=converting, periods=[Q3])
    assert (row["block_cost"], row["block_people"], row["isf_cost"], row["isf_people"]) == (
        Decimal("90000.00"),
        1,
        None,
        0,
    )


def review(pb, on, *statuses, by):
    done = BudgetReview.objects.create(
        budget=pb,
        reviewed_on=d(on),
        reviewed_by=by,
        notes="Reviewed",
        next_review_due=d(on) + dt.timedelta(365),
    )
    for status in statuses:
        ReviewOutcome.objects.create(review=done, outcome="Living at home", status=status)


def test_reviews_of_the_blocks_people_are_counted_in_the_period_they_took_place(
    council, provider_org, commissioner
):
    ann, ben = person(council), person(council)
    outsider = person(council)
    block = block_of(council, provider_org, [ann, ben])
    ann_pb, ben_pb = budget(ann), budget(ben)
    review(ann_pb, "2026-07-01", "met", "met", "not_met", by=commissioner)  # Q2's first day
    review(ben_pb, "2026-09-30", "partly_met", "no_longer_wanted", by=commissioner)  # Q2's last day
    review(ben_pb, "2026-06-30", "not_met", by=commissioner)  # the day before Q2
    review(ann_pb, "2026-10-01", "partly_met", by=commissioner)  # the day after Q2
    review(budget(outsider), "2026-08-01", "met", by=commissioner)  # not in the block

    rows = block_comparison(block=block, periods=[Q2, Q3])

    assert row_of(rows, Q2)["outcomes"] == {"met": 2, "partly_met": 1, "not_met": 1, "no_longer_wanted": 1}
    assert row_of(rows, Q3)["outcomes"] == {"met": 0, "partly_met": 1, "not_met": 0, "no_longer_wanted": 0}


def test_outcome_survey_answers_of_the_blocks_people_are_counted_in_their_period(
    council, provider_org, commissioner
):
    ann, ben, cal = (person(council) for _ in range(3))
    outsider = person(council)
    for who in (ann, ben, cal, outsider):
        held(budget(who), "isf", provider_org, start="2025-04-01", amount="1000.00")
    block = block_of(council, provider_org, [ann, ben, cal])
    # Q2: Ann on its first day, Ben (as his carer) on its last day, Cal before it (counted in no row here).
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=ann,
        on=dt.date(2026, 7, 1),
        answers={"dignity": "better", "independence": "better", "paid_work": "worse", "views_in_plan": "yes"},
    )
    send_response(
        "outcome-carer",
        actor=commissioner,
        person=ben,
        on=dt.date(2026, 9, 30),
        answers={"staying_well": "same", "dignity": "worse", "volunteering": "not_applicable"},
    )
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=cal,
        on=dt.date(2026, 6, 30),
        answers={"dignity": "worse"},
    )
    # Someone outside the block answered last in Q2; Ben again in Q3.
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=outsider,
        on=dt.date(2026, 9, 30),
        answers={"dignity": "better"},
    )
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=ben,
        on=dt.date(2026, 11, 2),
        answers={"dignity": "same"},
    )

    rows = block_comparison(block=block, periods=[Q2, Q3])

    assert row_of(rows, Q2)["surveys"] == {"responses": 2, "better": 2, "same": 1, "worse": 2}
    assert row_of(rows, Q3)["surveys"] == {"responses": 1, "better": 0, "same": 1, "worse": 0}
