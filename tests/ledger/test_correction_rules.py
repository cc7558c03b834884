"""The rules of correcting a ledger (providers/ledger/services/corrections.py), each to the exact value:
a reversal's date, amount, key, author and audit; a refund's date, key, limits and retries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import ManagementType
from organisations.audit import history_for
from providers.ledger import services
from providers.ledger.models import Category, KeySource
from providers.ledger.selectors import balance_of
from tests.ledger.conftest import START
from tests.ledger.factories import isf_fund

D = Decimal
LATER = START + dt.timedelta(days=3)
CLOSED = (
    "This money has moved with the person to their new provider: nothing more can be recorded here. "
    "A correction is made in the person's new fund."
)
NOTHING_LEFT = r"^A refund cannot be more than the money left: £0\.00 is left\.$"


def _spend(fund, actor, amount="40.00", *, key="s-1", on=START):
    return services.record_spending(
        fund=fund,
        entry_date=on,
        category=Category.SUPPORT,
        amount=amount,
        description="Support from Ann",
        idempotency_key=key,
        actor=actor,
        today=on,
    )[0]


def _refund(fund, actor, amount="100.00", **kwargs):
    args = {"reason": "Not needed while you were in hospital", "today": LATER, **kwargs}
    return services.record_refund(fund=fund, amount=amount, actor=actor, **args)


def _log(instance):
    (log,) = history_for(instance)
    return log


# ---- reversing an entry -----------------------------------------------------------------------------


def test_a_reversal_is_dated_the_day_it_is_made_under_the_system_key_by_who_made_it(paid, provider_finance):
    """A reversal: the opposite amount, dated the day it is made, key reversal:<id>, recorded by its maker."""
    entry = _spend(paid, provider_finance)
    reversal = services.reverse_entry(
        entry=entry, reason="  Charged\n to the   wrong person ", actor=provider_finance, today=LATER
    )
    reversal.refresh_from_db()
    assert (
        reversal.fund_id,
        reversal.entry_date,
        reversal.category,
        reversal.amount,
        reversal.idempotency_key,
        reversal.key_source,
        reversal.reverses_id,
        reversal.recorded_by,
    ) == (
        paid.pk,
        LATER,
        Category.CORRECTION,
        D("40.00"),
        f"reversal:{entry.pk}",
        KeySource.SYSTEM,
        entry.pk,
        provider_finance,
    )
    assert (
        reversal.description == "Correction of “Support from Ann” (6 April 2026): Charged to the wrong person"
    )
    assert balance_of(paid) == D("950.00")


def test_a_reversal_is_audited_as_reversed_with_the_reason_and_every_field(paid, provider_finance):
    """A reversal's audit entry names the event, the reason given and each field written."""
    entry = _spend(paid, provider_finance)
    reversal = services.reverse_entry(
        entry=entry, reason="Invoice sent twice", actor=provider_finance, today=LATER
    )
    log = _log(reversal)
    assert (log.actor, log.additional_data) == (
        provider_finance,
        {"event": "entry reversed", "note": "Invoice sent twice"},
    )
    assert log.changes_dict == {
        "fund": ["", str(paid.pk)],
        "entry_date": ["", "2026-04-09"],
        "category": ["", "correction"],
        "amount": ["", "40.00"],
        "description": ["", "Correction of “Support from Ann” (6 April 2026): Invoice sent twice"],
        "idempotency_key": ["", f"reversal:{entry.pk}"],
        "key_source": ["", "system"],
    }


def test_a_reversal_is_dated_today_when_no_day_is_given(paid, provider_finance):
    """With no day given, a reversal is dated today (the local date)."""
    entry = _spend(paid, provider_finance)
    reversal = services.reverse_entry(entry=entry, reason="Wrong person", actor=provider_finance)
    assert reversal.entry_date == timezone.localdate()


@pytest.mark.parametrize("reason", [None, "", " \n "])
def test_a_reversal_needs_a_reason_in_words(paid, provider_finance, reason):
    """A reversal with no reason is refused, naming the description, and writes nothing."""
    entry = _spend(paid, provider_finance)
    with pytest.raises(services.LedgerError) as refused:
        services.reverse_entry(entry=entry, reason=reason, actor=provider_finance, today=LATER)
    assert (str(refused.value), refused.value.field) == (
        "Say what the money was for, in words the person understands.",
        "description",
    )
    assert paid.entries.count() == 3


def test_a_reason_of_300_characters_is_taken_and_301_refused(paid, provider_finance):
    """A reason may be up to 300 characters (the correction's description is cut to 300)."""
    entry = _spend(paid, provider_finance)
    with pytest.raises(services.LedgerError) as refused:
        services.reverse_entry(entry=entry, reason="x" * 301, actor=provider_finance, today=LATER)
    assert (str(refused.value), refused.value.field) == (
        "Keep the description to 300 characters or fewer.",
        "description",
    )
    reversal = services.reverse_entry(entry=entry, reason="x" * 300, actor=provider_finance, today=LATER)
    assert len(reversal.description) == 300
    assert reversal.description.startswith("Correction of “Support from Ann” (6 April 2026): xxx")
    assert _log(reversal).additional_data["note"] == "x" * 300


@pytest.mark.parametrize(
    "category,message",
    [
        (Category.TRANSFER, "Money that moved with the person cannot be reversed here."),
        (Category.CORRECTION, "A correction cannot itself be reversed: record the entry again instead."),
    ],
)
def test_transfers_and_corrections_are_not_reversed(
    paid, provider_finance, person, other_provider_org, robot, category, message
):
    """Money that moved, and a correction, cannot be reversed: each says why."""
    if category == Category.CORRECTION:
        entry = services.reverse_entry(
            entry=_spend(paid, provider_finance), reason="Wrong", actor=provider_finance, today=START
        )
    else:
        new = isf_fund(person=person, provider=other_provider_org, actor=robot, start=START)
        services.transfer_balance(from_fund=paid, to_fund=new, on_date=LATER, actor=robot)
        entry = paid.entries.get(category=Category.TRANSFER)
    before = entry.fund.entries.count()
    with pytest.raises(services.LedgerError, match=f"^{message}$"):
        services.reverse_entry(entry=entry, reason="no", actor=robot, today=LATER)
    assert entry.fund.entries.count() == before


# ---- money paid back to the council --------------------------------------------------------------------


def test_a_refund_is_dated_as_given_under_a_system_key_by_the_commissioner(paid, commissioner):
    """A refund dated before today keeps its date; with no key given it gets a system key of its own."""
    entry, created = _refund(paid, commissioner, entry_date=START + dt.timedelta(days=1))
    entry.refresh_from_db()
    assert created is True
    assert (entry.entry_date, entry.category, entry.amount, entry.key_source, entry.recorded_by) == (
        START + dt.timedelta(days=1),
        Category.REFUND,
        D("-100.00"),
        KeySource.SYSTEM,
        commissioner,
    )
    assert entry.idempotency_key.startswith("refund:20")
    assert entry.description == "Paid back to Dorset Council: Not needed while you were in hospital"
    log = _log(entry)
    assert (log.actor, log.additional_data) == (
        commissioner,
        {"event": "refund to the council recorded", "note": "Not needed while you were in hospital"},
    )
    assert log.changes_dict["key_source"] == ["", "system"]
    assert balance_of(paid) == D("850.00")


def test_a_refund_with_no_date_is_dated_today(paid, commissioner):
    """A refund with no date given is dated the day it is recorded."""
    entry, _ = _refund(paid, commissioner)
    assert entry.entry_date == LATER
    entry, _ = services.record_refund(fund=paid, amount="1.00", reason="Not needed", actor=commissioner)
    assert entry.entry_date == timezone.localdate()


def test_two_refunds_without_a_key_are_both_recorded(paid, commissioner):
    """Refunds without a key are never taken for one another: each is recorded."""
    first, _ = _refund(paid, commissioner, "100.00")
    second, created = _refund(paid, commissioner, "20.00", idempotency_key="   ")
    assert created is True and first.pk != second.pk
    assert (second.key_source, second.idempotency_key.startswith("refund:20")) == (KeySource.SYSTEM, True)
    assert balance_of(paid) == D("830.00")


def test_a_refund_retried_with_its_key_is_recorded_once(paid, commissioner):
    """A refund's given key (trimmed) makes a retry return the first refund, and other content a conflict."""
    first, created = _refund(paid, commissioner, idempotency_key=" R-1 ", entry_date=START)
    assert (created, first.idempotency_key, first.key_source) == (True, "R-1", KeySource.GIVEN)
    again, created = _refund(paid, commissioner, idempotency_key="R-1", entry_date=START)
    assert (again.pk, created) == (first.pk, False)
    for changed in ({"amount": "100.01"}, {"entry_date": START + dt.timedelta(days=1)}, {"reason": "Other"}):
        args = {"idempotency_key": "R-1", "entry_date": START, **changed}
        with pytest.raises(services.IdempotencyConflict) as conflict:
            _refund(paid, commissioner, **args)
        assert conflict.value.field == "idempotency_key"
        assert str(conflict.value) == (
            "The reference 'R-1' was already used for a different entry "
            "(Paid back to the council, −£100.00 on 6 April 2026). Use a new reference for a new entry."
        )
    assert paid.entries.filter(category=Category.REFUND).count() == 1
    assert balance_of(paid) == D("850.00")


def test_a_refund_may_take_all_the_money_left_and_no_more(paid, commissioner):
    """A refund of exactly the money left is taken; the balance is then £0.00."""
    entry, _ = _refund(paid, commissioner, "950.00")
    assert entry.amount == D("-950.00") and balance_of(paid) == 0
    with pytest.raises(services.LedgerError, match=NOTHING_LEFT):
        _refund(paid, commissioner, "0.01")


def test_a_refund_when_the_balance_is_below_zero_says_nothing_is_left(
    person, provider_org, robot, commissioner
):
    """Under an overdraft the balance may be below zero: a refund is refused, saying £0.00 is left."""
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=START, overdraft="100.00")
    _spend(fund, robot, "60.00")
    assert balance_of(fund) == D("-60.00")
    with pytest.raises(services.LedgerError, match=NOTHING_LEFT):
        _refund(fund, commissioner, "1.00")


def test_a_refund_cannot_be_dated_in_the_future(paid, commissioner):
    """A refund dated after today is refused; one dated today is taken."""
    with pytest.raises(services.LedgerError, match=r"^The date cannot be in the future\.$"):
        _refund(paid, commissioner, entry_date=LATER + dt.timedelta(days=1))
    entry, created = _refund(paid, commissioner, entry_date=LATER)
    assert (entry.entry_date, created) == (LATER, True)


# ---- corrections after the money moved on -------------------------------------------------------------


def test_a_correction_follows_the_money_through_two_moves_to_where_it_is_now(
    paid, person, provider_org, other_provider_org, provider_finance, robot
):
    """A correction of an entry in a fund whose money moved twice is made in the last fund, the one
    holding the money now, whatever the other moves on the platform (here a first move of 50p)."""
    mistake = _spend(paid, provider_finance, "949.50")  # 50p left to move
    second = isf_fund(person=person, provider=other_provider_org, actor=robot, start=START, budget_ref=None)
    services.post_due_payments(fund=second, actor=robot, today=START)  # £950.00 of its own
    third = isf_fund(person=person, provider=provider_org, actor=robot, start=START, budget_ref=None)
    services.transfer_balance(
        from_fund=paid, to_fund=second, on_date=START + dt.timedelta(days=7), actor=robot
    )
    services.transfer_balance(
        from_fund=second, to_fund=third, on_date=START + dt.timedelta(days=14), actor=robot
    )
    assert (balance_of(paid), balance_of(second), balance_of(third)) == (0, 0, D("950.50"))

    correction = services.reverse_entry(
        entry=mistake, reason="Invoice for someone else", actor=provider_finance, today=LATER
    )
    assert (correction.fund_id, correction.amount, correction.reverses_id) == (
        third.pk,
        D("949.50"),
        mistake.pk,
    )
    assert correction.description == (
        "Correction of “Support from Ann” (6 April 2026, recorded by Harbour Lights Support "
        "before you moved): Invoice for someone else"
    )
    assert (balance_of(paid), balance_of(second), balance_of(third)) == (0, 0, D("1900.00"))


@pytest.fixture
def managed_account(person, robot):
    """A direct payment managed by a community hub, with its first four weeks paid in: £800.00 left."""
    from providers.ledger import managed
    from tests.budgets.factories import approved_budget
    from tests.factories import ProviderFactory

    hub = ProviderFactory(provider_ref="PRV-HUB", name="Wareham Community Hub")
    budget = approved_budget(
        person, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", hub),)
    )
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent, arrangement.budget_ref = D("8.00"), "DOR-MDP-1"
    arrangement.save()
    account = managed.open_managed_account(arrangement=arrangement, actor=robot)
    services.post_due_payments(fund=account, actor=robot, today=START)
    return account


def test_no_correction_once_the_money_was_paid_to_the_person(managed_account, robot, commissioner):
    """Once the money left was paid to the person, a correction has no fund to go to: refused as closed."""
    from providers.ledger import managed

    mistake = _spend(managed_account, robot, "20.00")
    managed.move_managed_account(
        account=managed_account,
        to=managed.MOVE_TO_SELF_MANAGED,
        on_date=LATER,
        actor=commissioner,
        today=LATER,
    )
    before = managed_account.entries.count()
    with pytest.raises(services.FundClosed, match=f"^{re.escape(CLOSED)}$"):
        services.reverse_entry(entry=mistake, reason="Wrong person", actor=robot, today=LATER)
    assert managed_account.entries.count() == before


def test_no_correction_once_the_money_moved_on_and_was_then_paid_to_the_person(
    managed_account, other_provider_org, robot, commissioner
):
    """Money that moved to another organisation and was then paid to the person: a correction of the
    first account is refused as closed before the reason is asked for."""
    from providers.ledger import managed

    mistake = _spend(managed_account, robot, "20.00")
    moved = managed.move_managed_account(
        account=managed_account,
        to=managed.MOVE_TO_ORGANISATION,
        provider=other_provider_org,
        management_cost_percent=D("8.00"),
        on_date=LATER,
        actor=commissioner,
        today=LATER,
    )
    later = LATER + dt.timedelta(days=7)
    managed.move_managed_account(
        account=moved, to=managed.MOVE_TO_SELF_MANAGED, on_date=later, actor=commissioner, today=later
    )
    for reason in ("", "Wrong person"):
        with pytest.raises(services.FundClosed, match=f"^{re.escape(CLOSED)}$"):
            services.reverse_entry(entry=mistake, reason=reason, actor=robot, today=later)
    assert not moved.entries.filter(category=Category.CORRECTION).exists()
