"""Money rules of the ISF ledger at their edges: each test was written against a fault seeded into
providers/ledger/services.py that the suite did not catch."""

import datetime as dt
from decimal import Decimal

import pytest

from providers import services as provider_services
from providers.ledger import services
from providers.ledger.models import Category
from providers.ledger.selectors import balance_of
from providers.models import AgreementStatus
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_negative_balance_stays_with_the_old_provider_on_a_move(
    person, provider_org, other_provider_org, robot
):
    # Paid in arrears, with an overdraft: the provider spends before the first payment is due.
    old = isf_agreement(
        person=person, provider=provider_org, overdraft="100.00", in_advance=False, start=START
    )
    fund = services.open_fund(agreement=old, actor=robot)
    services.record_spending(
        fund=fund,
        entry_date=START,
        category=Category.SUPPORT,
        amount="80.00",
        description="Support from Ann",
        idempotency_key="k1",
        actor=robot,
        today=START,
    )
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(days=9)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=START + dt.timedelta(days=10)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    assert balance_of(fund) == D("-80.00")
    assert not fund.entries.filter(category=Category.TRANSFER).exists()
    new_fund = new.isf
    assert balance_of(new_fund) == D("0.00")
    assert not new_fund.entries.exists()


def test_a_fee_that_would_pass_the_overdraft_limit_is_refused_and_nothing_is_posted(
    person, provider_org, robot
):
    # A fixed yearly fee with no money paid in (an agreement whose budget was cut to nothing).
    agreement = isf_agreement(
        person=person,
        provider=provider_org,
        annual="0.00",
        fee_percent=None,
        fee_fixed="130.00",
        overdraft="5.00",
        start=START,
    )
    fund = services.open_fund(agreement=agreement, actor=robot)
    with pytest.raises(
        services.LedgerError, match="There is not enough money left: £0.00 is left and this takes out £10.00"
    ):
        services.post_due_payments(fund=fund, actor=robot, today=START)
    assert not fund.entries.exists()
    assert balance_of(fund) == D("0.00")


def test_the_daily_job_counts_each_fund_posted_and_each_refused_and_records_the_system_as_actor(
    person, other_person, provider_org, other_provider_org, caplog
):
    from budgets.models import ManagementType
    from organisations.services import system_actor
    from tests.budgets.factories import PersonFactory, approved_budget

    good = isf_agreement(person=person, provider=provider_org, start=START)
    # A fixed fee with no money paid in and no overdraft: its fee cannot be posted.
    refused = isf_agreement(
        person=other_person,
        provider=other_provider_org,
        annual="0.00",
        fee_percent=None,
        fee_fixed="130.00",
        start=START,
    )
    second = isf_agreement(
        person=PersonFactory(council=person.council, given_name="Dewi", family_name="Rowe"),
        provider=other_provider_org,
        start=START,
    )
    third = PersonFactory(council=person.council, given_name="Cai", family_name="Moss")
    managed = approved_budget(
        third, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", provider_org),)
    ).arrangements.get()
    managed.management_cost_percent = D("8.00")
    managed.save()

    result = services.post_all_due_payments(today=START + dt.timedelta(days=1))

    # Each ISF: a payment and a fee; the managed direct payment: a payment and its management cost.
    assert result == {"funds": 3, "entries": 6, "failed": 1}
    assert second.isf.entries.count() == 2
    assert f"Could not post payments for agreement {refused.pk}" in caplog.text
    assert not refused.isf.entries.exists()
    assert list(good.isf.entries.order_by("pk").values_list("category", flat=True)) == [
        Category.COUNCIL_PAYMENT,
        Category.MANAGEMENT_FEE,
    ]
    assert managed.held_accounts.get().entries.count() == 2
    # No actor given: the daily job records the system as who posted each entry.
    assert set(good.isf.entries.values_list("recorded_by", flat=True)) == {system_actor().pk}


def _ending_on_a_payment_day(person, provider, robot):
    """£13,000 a year paid every 4 weeks in advance (£1,000 in, £50 fee out) from START, whose last day
    is the day its third payment falls due."""
    agreement = isf_agreement(person=person, provider=provider, start=START)
    fund = services.open_fund(agreement=agreement, actor=robot)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    agreement.status, agreement.end_date = AgreementStatus.ENDING, START + dt.timedelta(weeks=8)
    agreement.save()
    return agreement, fund


def test_an_agreement_ending_on_a_payment_day_gets_that_payment_and_nothing_after(
    person, provider_org, robot
):
    agreement, fund = _ending_on_a_payment_day(person, provider_org, robot)
    provider_services.end_agreement(agreement=agreement, actor=robot, today=START + dt.timedelta(weeks=20))
    payments = fund.entries.filter(category=Category.COUNCIL_PAYMENT).order_by("entry_date")
    assert [e.entry_date for e in payments] == [START + dt.timedelta(weeks=w) for w in (0, 4, 8)]
    assert balance_of(fund) == D("2850.00")
    assert set(fund.entries.values_list("recorded_by", flat=True)) == {robot.pk}


def test_a_move_posts_the_old_agreements_payment_due_on_its_last_day_then_moves_it_all(
    person, provider_org, other_provider_org, robot
):
    old, fund = _ending_on_a_payment_day(person, provider_org, robot)
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=old.end_date + dt.timedelta(days=1)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    payments = fund.entries.filter(category=Category.COUNCIL_PAYMENT).order_by("entry_date")
    assert [e.entry_date for e in payments] == [START + dt.timedelta(weeks=w) for w in (0, 4, 8)]
    assert balance_of(fund) == D("0.00")
    moved_in = new.isf.entries.get(category=Category.TRANSFER)
    assert moved_in.amount == D("2850.00") and moved_in.entry_date == new.start_date
    assert set(fund.entries.values_list("recorded_by", flat=True)) == {robot.pk}


def test_an_even_split_rounds_half_up_and_the_last_part_takes_the_difference():
    from providers.ledger.services.schedule import split_evenly

    assert split_evenly(D("200.00"), 3) == [D("66.67"), D("66.67"), D("66.66")]
    # 0.005 rounds up to 0.01, which would leave the last of four parts at -0.01: round down instead.
    assert split_evenly(D("0.02"), 4) == [D("0.00"), D("0.00"), D("0.00"), D("0.02")]


def test_the_last_period_of_a_year_ends_on_the_years_last_day_when_weeks_do_not_divide(person, provider_org):
    from providers.ledger.services.schedule import payment_schedule

    # Every 5 weeks in arrears: 11 periods, the 11th cut short at the end of the 52-week year and paid
    # on the next year's first day.
    agreement = isf_agreement(
        person=person, provider=provider_org, start=START, frequency_weeks=5, in_advance=False
    )
    slots = payment_schedule(agreement, until=START + dt.timedelta(weeks=53))
    eleventh = next(s for s in slots if s.key == "1-11")
    assert eleventh.starts == START + dt.timedelta(weeks=50)
    assert eleventh.ends == START + dt.timedelta(weeks=52, days=-1)
    assert eleventh.due_on == START + dt.timedelta(weeks=52)


def test_the_same_idempotency_key_on_two_peoples_funds_records_both(
    person, other_person, provider_org, robot
):
    # Keys are unique per ledger: a provider's key "k1" for one person says nothing about another's.
    funds = []
    for who in (person, other_person):
        fund = services.open_fund(
            agreement=isf_agreement(person=who, provider=provider_org, start=START), actor=robot
        )
        services.post_due_payments(fund=fund, actor=robot, today=START)
        funds.append(fund)
    for fund in funds:
        entry, created = services.record_spending(
            fund=fund,
            entry_date=START,
            category=Category.SUPPORT,
            amount="80.00",
            description="Support from Ann",
            idempotency_key="k1",
            actor=robot,
            today=START,
        )
        assert created and entry.fund_id == fund.pk and entry.recorded_by_id == robot.pk
    assert [balance_of(f) for f in funds] == [D("870.00"), D("870.00")]


def test_spending_on_something_that_is_not_spending_is_refused_beside_the_category(
    person, provider_org, robot
):
    fund = services.open_fund(
        agreement=isf_agreement(person=person, provider=provider_org, start=START), actor=robot
    )
    with pytest.raises(services.LedgerError, match="Choose what the money was spent on") as refused:
        services.record_spending(
            fund=fund,
            entry_date=START,
            category=Category.COUNCIL_PAYMENT,
            amount="80.00",
            description="Not spending",
            idempotency_key="k1",
            actor=robot,
            today=START,
        )
    assert refused.value.field == "category"
    assert not fund.entries.exists()


@pytest.mark.parametrize(
    "status", [AgreementStatus.OFFERED, AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN]
)
def test_no_money_moves_under_an_agreement_the_provider_has_not_accepted(person, provider_org, status):
    from providers.ledger.models import HeldAccount

    isf_agreement(person=person, provider=provider_org, start=START, status=status)
    assert services.post_all_due_payments(today=START + dt.timedelta(days=1)) == {
        "funds": 0,
        "entries": 0,
        "failed": 0,
    }
    assert not HeldAccount.objects.exists()


# ---- moving the balance between funds ------------------------------------------------------------------


def _second_fund(person, provider, robot, start=START):
    return services.open_fund(
        agreement=isf_agreement(person=person, provider=provider, start=start, budget_ref=None), actor=robot
    )


def test_money_moves_only_between_two_different_funds_of_the_same_person(
    fund, other_fund, person, other_provider_org, robot
):
    from providers.ledger.models import LedgerEntry

    services.post_due_payments(fund=fund, actor=robot, today=START)
    with pytest.raises(services.LedgerError, match=r"^Money can only move to a different fund\.$"):
        services.transfer_balance(from_fund=fund, to_fund=fund, on_date=START, actor=robot)
    with pytest.raises(
        services.LedgerError, match=r"^Money can only move between funds of the same person\.$"
    ):
        services.transfer_balance(from_fund=fund, to_fund=other_fund, on_date=START, actor=robot)
    assert not LedgerEntry.objects.filter(category=Category.TRANSFER).exists()
    assert balance_of(fund) == D("950.00") and balance_of(other_fund) == 0


def test_two_funds_moving_into_one_both_arrive(fund, person, other_provider_org, robot):
    """Each move is known by its own pair of funds: one fund's move into a third never counts as
    another fund's move into it, so no balance is left behind."""
    services.post_due_payments(fund=fund, actor=robot, today=START)  # £950.00
    second = _second_fund(person, other_provider_org, robot)
    services.post_due_payments(fund=second, actor=robot, today=START)  # £950.00
    target = _second_fund(person, other_provider_org, robot)
    day = START + dt.timedelta(days=7)
    assert services.transfer_balance(from_fund=fund, to_fund=target, on_date=day, actor=robot) is not None
    assert services.transfer_balance(from_fund=second, to_fund=target, on_date=day, actor=robot) is not None
    assert (balance_of(fund), balance_of(second), balance_of(target)) == (0, 0, D("1900.00"))


def test_a_fund_whose_money_moved_cannot_move_it_again_elsewhere(fund, person, other_provider_org, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    first, second = (
        _second_fund(person, other_provider_org, robot),
        _second_fund(person, other_provider_org, robot),
    )
    services.transfer_balance(from_fund=fund, to_fund=first, on_date=START, actor=robot)
    with pytest.raises(
        services.LedgerError, match=r"^This money has already moved with the person to another fund\.$"
    ):
        services.transfer_balance(from_fund=fund, to_fund=second, on_date=START, actor=robot)
    assert (balance_of(first), balance_of(second)) == (D("950.00"), 0)


@pytest.mark.parametrize("category", [Category.SUPPORT, Category.TRANSFER])
def test_an_entry_under_the_moves_key_that_is_not_its_transfer_is_not_taken_for_the_move(
    fund, person, other_provider_org, robot, category
):
    """Whatever sits under the move's key (left by a fault, say) must be the transfer to this very fund;
    otherwise the move stops with the entry's number rather than report money moved that never did."""
    from django.db import transaction

    from providers.ledger.models import KeySource, LedgerEntry
    from providers.ledger.services.moves import _next_entry_ids

    services.post_due_payments(fund=fund, actor=robot, today=START)
    target, elsewhere = (_second_fund(person, other_provider_org, robot) for _ in range(2))
    out_id, in_id = _next_entry_ids(2)
    is_transfer = category == Category.TRANSFER
    with transaction.atomic():
        stray = LedgerEntry.objects.create(
            pk=out_id,
            fund=fund,
            entry_date=START,
            category=category,
            amount=D("-1.00"),
            description="Stray",
            idempotency_key=f"transfer-out:{target.pk}",
            key_source=KeySource.SYSTEM,
            transfer_pair_id=in_id if is_transfer else None,
        )
        if is_transfer:  # a transfer, but to another fund
            LedgerEntry.objects.create(
                pk=in_id,
                fund=elsewhere,
                entry_date=START,
                category=Category.TRANSFER,
                amount=D("1.00"),
                description="Stray",
                idempotency_key="stray-in",
                key_source=KeySource.SYSTEM,
                transfer_pair_id=out_id,
            )
    with pytest.raises(
        services.LedgerError, match=rf"^Entry {stray.pk} has this move's key but is not its transfer\.$"
    ):
        services.transfer_balance(from_fund=fund, to_fund=target, on_date=START, actor=robot)
    assert balance_of(target) == 0


@pytest.mark.parametrize("left,moved", [("0.00", None), ("1.00", D("1.00"))])
def test_a_balance_of_nothing_moves_nothing_and_says_so_by_whom(
    fund, person, other_provider_org, robot, commissioner, left, moved
):
    from organisations.audit import history_for

    services.post_due_payments(fund=fund, actor=robot, today=START)  # £950.00
    services.record_spending(
        fund=fund,
        entry_date=START,
        category=Category.SUPPORT,
        amount=D("950.00") - D(left),
        description="Support from Ann",
        idempotency_key="all-but",
        actor=robot,
        today=START,
    )
    target = _second_fund(person, other_provider_org, robot)
    pair = services.transfer_balance(from_fund=fund, to_fund=target, on_date=START, actor=commissioner)
    assert (pair[1].amount if pair else None) == moved
    assert balance_of(target) == (moved or 0)
    said = [log for log in history_for(fund) if log.additional_data["event"] == "nothing to move"]
    if moved:
        assert not said
    else:
        assert len(said) == 1 and said[0].actor == commissioner
        assert said[0].additional_data["note"] == (
            f"The balance was £0.00 when the person moved to {other_provider_org.name}."
        )


def test_an_ending_in_arrears_posts_only_what_fell_due_by_the_last_day_however_late_it_is_done(
    person, provider_org, robot
):
    """Paid in arrears, ending mid-period: the part-period's payment would fall due after the last day,
    so it is not posted by the ending, even when the daily job gets to it weeks later."""
    agreement = isf_agreement(person=person, provider=provider_org, in_advance=False, start=START)
    fund = services.open_fund(agreement=agreement, actor=robot)
    last_day = START + dt.timedelta(weeks=6)
    agreement.status, agreement.end_date = AgreementStatus.ENDING, last_day
    agreement.save()
    provider_services.end_agreement(agreement=agreement, actor=robot, today=START + dt.timedelta(weeks=30))
    payments = fund.entries.filter(category=Category.COUNCIL_PAYMENT)
    assert [e.entry_date for e in payments] == [START + dt.timedelta(weeks=4)]


def test_a_move_opens_the_new_fund_and_gives_it_its_reference_in_the_name_of_who_moved_them(
    fund, person, other_provider_org, robot, commissioner
):
    from organisations.audit import history_for

    services.post_due_payments(fund=fund, actor=robot, today=START)
    old = fund.agreement
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(weeks=6, days=-1)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=old.end_date + dt.timedelta(days=1)
    )
    provider_services.complete_move(agreement=new, actor=commissioner, today=new.start_date)
    events = [(log.additional_data["event"], log.actor) for log in history_for(new.isf)]
    assert ("Individual Service Fund opened", commissioner) in events


def test_a_fund_opened_before_the_move_takes_the_new_reference_in_the_name_of_who_moved_them(
    fund, person, other_provider_org, robot, commissioner
):
    from organisations.audit import history_for

    old = fund.agreement
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(weeks=6, days=-1)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=old.end_date + dt.timedelta(days=1)
    )
    early = services.open_fund(agreement=new, actor=robot)
    assert early.budget_ref == ""
    provider_services.complete_move(agreement=new, actor=commissioner, today=new.start_date)
    given = [
        log for log in history_for(early) if log.additional_data["event"] == "reference given on the move"
    ]
    assert len(given) == 1 and given[0].actor == commissioner


def test_each_half_of_a_move_is_recorded_with_who_moved_the_money(
    fund, person, other_provider_org, robot, commissioner
):
    from organisations.audit import history_for

    services.post_due_payments(fund=fund, actor=robot, today=START)
    target = _second_fund(person, other_provider_org, robot)
    money_out, money_in = services.transfer_balance(
        from_fund=fund, to_fund=target, on_date=START, actor=commissioner
    )
    assert [(log.additional_data["event"], log.actor) for log in history_for(money_out)] == [
        ("balance moved out", commissioner)
    ]
    assert [(log.additional_data["event"], log.actor) for log in history_for(money_in)] == [
        ("balance moved in", commissioner)
    ]
