"""Issue 17: a block contract broken into Individual Service Funds. State: the converted ISFs' total is
what was approved, the block (and each person's share of it) ends exactly the day before the ISFs
start, and until then the block counts as council-managed in returns."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets import batches, blocks
from budgets.models import Arrangement, BatchStatus, BlockStatus, BudgetStatus, PersonalBudget
from budgets.services import BudgetError, NotAllowed
from monitoring.counting import compute_figures
from monitoring.periods import Period
from providers import block_conversion
from providers.models import AgreementStatus, FlexibleAgreement
from tests.budgets.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(council, commissioner, approver, provider_org):
    people = [
        PersonFactory(council=council, given_name=n, family_name="Block") for n in ("Ann", "Ben", "Cal")
    ]
    block = blocks.block_record(
        council=council,
        provider=provider_org,
        name="Riverside supported living",
        annual_value=Decimal("100000.00"),
        start_date=dt.date(2023, 4, 1),
        end_date=None,
        people=people,
        actor=commissioner,
    )
    assert block.record_batch.status == BatchStatus.WAITING
    assert not Arrangement.objects.filter(budget__status=BudgetStatus.APPROVED).exists()
    batches.batch_confirm(batch=block.record_batch, actor=approver)
    block.refresh_from_db()
    return block


def test_even_split_adds_up_to_the_penny():
    assert even_split_sum(Decimal("100000.00"), 3) == Decimal("100000.00")
    assert blocks.even_split(Decimal("100000.00"), 3) == [
        Decimal("33333.34"),
        Decimal("33333.33"),
        Decimal("33333.33"),
    ]


def even_split_sum(total, n):
    return sum(blocks.even_split(total, n), Decimal("0"))


def test_a_block_counts_as_council_managed_until_converted(block, council):
    assert block.status == BlockStatus.ACTIVE
    figures = compute_figures(council=council, period=Period(2024))
    assert figures["people_at_period_end"]["by_delivery"]["commissioner_controlled_only"] == 3
    assert figures["budgets_at_period_end"]["by_management_type"]["commissioner_controlled"] == {
        "count": 3,
        "annual_value": "100000.00",
    }


def test_the_conversion_is_one_batch_and_the_isfs_total_what_was_approved(
    block, council, commissioner, approver, provider_org
):
    ann, ben, cal = [p.person for p in block.places.order_by("person__given_name")]
    split = {ann.pk: Decimal("30000.00"), ben.pk: Decimal("25000.00"), cal.pk: Decimal("17000.00")}
    start = dt.date(2025, 4, 1)
    block_conversion.block_convert(block=block, isf_start=start, amounts=split, actor=commissioner)
    block.refresh_from_db()
    batch = block.conversion_batch
    assert block.status == BlockStatus.CONVERTING and batch.status == BatchStatus.WAITING
    assert batch.annual_total == Decimal("72000.00") and batch.people == 3
    # Nothing written yet: still the block.
    assert not Arrangement.objects.filter(management_type="isf").exists()
    summary = blocks.batch_block_summary(batch)
    assert summary["total"] == Decimal("72000.00") and summary["difference"] == Decimal("-28000.00")

    with pytest.raises(NotAllowed):
        batches.batch_confirm(batch=batch, actor=commissioner)  # the proposer cannot confirm
    batches.batch_confirm(batch=batch, actor=approver)
    block.refresh_from_db()
    isfs = Arrangement.objects.filter(management_type="isf", budget__status=BudgetStatus.APPROVED)
    assert sum(a.annual_amount for a in isfs) == batch.annual_total == Decimal("72000.00")
    assert {a.budget.person_id: a.annual_amount for a in isfs} == split
    assert all(a.provider == provider_org and a.start_date == start for a in isfs)
    # The block and every share of it end exactly the day before the ISFs start.
    assert block.status == BlockStatus.CONVERTED and block.end_date == dt.date(2025, 3, 31)
    shares = Arrangement.objects.filter(management_type="commissioner_controlled")
    assert shares.count() == 3 and {a.end_date for a in shares} == {dt.date(2025, 3, 31)}
    # Each version approved by the approver, proposed by the commissioner; plans and agreements made.
    for version in PersonalBudget.objects.filter(start_date=start):
        assert version.decided_by == approver and version.proposed_by == commissioner
        assert version.support_plan is not None and version.support_plan.status == "draft"
        assert "Individual Service Fund" in version.support_plan.how_money_used
    agreements = FlexibleAgreement.objects.filter(provider=provider_org, status=AgreementStatus.OFFERED)
    assert agreements.count() == 3 and {a.start_date for a in agreements} == {start}
    assert sum(a.annual_budget for a in agreements) == Decimal("72000.00")
    # Returns: council-managed before, ISFs after.
    before = compute_figures(council=council, period=Period(2024))["people_at_period_end"]["by_delivery"]
    after = compute_figures(council=council, period=Period(2025))["people_at_period_end"]["by_delivery"]
    assert before["commissioner_controlled_only"] == 3 and after["isf_only"] == 3
    assert after["commissioner_controlled_only"] == 0


def test_an_even_split_and_a_refused_start(block, commissioner):
    with pytest.raises(BudgetError, match="must start after the block started"):
        block_conversion.block_convert(block=block, isf_start=dt.date(2023, 1, 1), actor=commissioner)
    block_conversion.block_convert(block=block, isf_start=dt.date(2025, 4, 1), actor=commissioner)
    amounts = sorted(p.isf_amount for p in block.places.all())
    assert sum(amounts) == Decimal("100000.00")
