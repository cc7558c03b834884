"""The rules of recording spending (providers/ledger/services/spending.py) at their edges and in their exact
words: the date (not in the future, not outside the agreement or managed direct payment), the reference,
who recorded it, and the import's batch (its balance, its repeats and its audit trail)."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from organisations.audit import history_for
from providers.ledger import managed, services
from providers.ledger.models import Category, KeySource
from providers.ledger.selectors import balance_of
from tests.ledger.conftest import START
from tests.ledger.factories import isf_fund
from tests.ledger.test_entry_rules import _refused, _spend
from tests.ledger.test_managed_rules import _managed_arrangement

D = Decimal
TODAY = START + dt.timedelta(days=10)  # the day `_spend` records on


def _row(fund, key="A-1", *, amount="10.00", on=START, description="Support from Ann"):
    return {
        "fund": fund,
        "entry_date": on,
        "category": Category.SUPPORT,
        "amount": amount,
        "description": description,
        "idempotency_key": key,
    }


def _batch_refused(rows, actor, today=START):
    with pytest.raises(services.ImportRefused) as refused:
        services.record_spending_many(rows=rows, actor=actor, today=today)
    return refused.value.errors


# ---- the date -------------------------------------------------------------------------------------------


def test_a_date_after_today_is_refused_and_today_is_the_day_given(paid, robot):
    """The day after the day given as today is in the future, whatever the clock says; today itself is not."""
    assert _refused(paid, robot, on=TODAY + dt.timedelta(days=1)) == (
        "The date cannot be in the future.",
        "entry_date",
    )
    entry, created = _spend(paid, robot, on=TODAY)
    assert created and entry.entry_date == TODAY and balance_of(paid) == D("940.00")


def test_without_a_day_given_today_is_the_local_date(person, provider_org, robot):
    """With no `today`, tomorrow by the clock is refused as in the future (and today is not)."""
    today = timezone.localdate()
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=today, overdraft="20.00")

    def spend(on, key):
        return services.record_spending(
            fund=fund,
            entry_date=on,
            category=Category.SUPPORT,
            amount="5.00",
            description="Support from Ann",
            idempotency_key=key,
            actor=robot,
        )

    with pytest.raises(services.LedgerError, match=r"^The date cannot be in the future\.$"):
        spend(today + dt.timedelta(days=1), "s-1")
    assert spend(today, "s-2")[0].amount == D("-5.00")


def test_spending_after_the_agreement_ended_is_refused_naming_its_last_day(person, provider_org, robot):
    """The agreement's last day may still carry spending; the day after is refused with that day named."""
    end = START + dt.timedelta(days=5)
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=START, end=end)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    assert _refused(fund, robot, on=end + dt.timedelta(days=1)) == (
        "The date cannot be after the agreement ended on 11 April 2026.",
        "entry_date",
    )
    entry, _ = _spend(fund, robot, on=end)
    assert entry.entry_date == end and balance_of(fund) == D("940.00")


def test_a_managed_direct_payment_is_named_as_such_in_a_refused_date(person, provider_org, robot):
    """The refusal speaks of the managed direct payment, not of an agreement it does not have."""
    account = managed.open_managed_account(
        arrangement=_managed_arrangement(person, provider_org), actor=robot
    )
    services.post_due_payments(fund=account, actor=robot, today=START)
    assert _refused(account, robot, on=START - dt.timedelta(days=1)) == (
        "The date cannot be before the managed direct payment started on 6 April 2026.",
        "entry_date",
    )


# ---- the reference --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "   ", None, "k" * 121])
def test_a_reference_must_be_1_to_120_characters(paid, robot, key):
    """No reference, spaces only, or 121 characters: refused beside the reference, nothing written."""
    assert _refused(paid, robot, key=key) == (
        "Give each entry a reference of 1 to 120 characters.",
        "idempotency_key",
    )
    assert paid.entries.count() == 2


def test_a_reference_of_120_characters_is_kept_without_its_spaces(paid, robot):
    entry, _ = _spend(paid, robot, key=f"  {'k' * 120}  ")
    assert entry.idempotency_key == "k" * 120


def test_a_reference_the_daily_job_used_is_free_for_the_providers_own_entry(paid, robot, provider_finance):
    """The council payment's key is the system's: the same words as the provider's reference are a new
    entry, by hand and by import, not a repeat of (or a conflict with) the council payment."""
    key = paid.entries.get(category=Category.COUNCIL_PAYMENT).idempotency_key
    entry, created = _spend(paid, robot, key=key)
    assert (created, entry.key_source, entry.amount) == (True, KeySource.GIVEN, D("-10.00"))
    key = paid.entries.get(category=Category.MANAGEMENT_FEE).idempotency_key
    ((entry, created),) = services.record_spending_many(
        rows=[_row(paid, key)], actor=provider_finance, today=START
    )
    assert (created, entry.key_source, balance_of(paid)) == (True, KeySource.GIVEN, D("930.00"))


# ---- who recorded it ------------------------------------------------------------------------------------


def test_the_person_signed_in_is_recorded_as_who_recorded_it_by_hand_and_by_import(paid, provider_finance):
    entry, _ = _spend(paid, provider_finance)
    assert entry.recorded_by == provider_finance
    ((entry, _),) = services.record_spending_many(
        rows=[_row(paid, "A-2")], actor=provider_finance, today=START
    )
    assert paid.entries.get(pk=entry.pk).recorded_by == provider_finance


@pytest.mark.parametrize("actor", [AnonymousUser(), None])
def test_spending_recorded_by_no_one_signed_in_names_no_one(paid, actor):
    """An actor who is not a signed-in user is not recorded as the recorder, nor in the audit trail."""
    entry, created = _spend(paid, actor)
    assert created and entry.recorded_by is None
    ((log,),) = [history_for(entry)]
    assert log.actor is None and balance_of(paid) == D("940.00")


# ---- the import's batch ---------------------------------------------------------------------------------


def test_a_batch_is_checked_against_today_as_given(paid, provider_finance):
    errors = _batch_refused([_row(paid, on=START + dt.timedelta(days=1))], provider_finance)
    assert errors == [(0, "entry_date", "The date cannot be in the future.")]
    assert paid.entries.count() == 2


def test_a_batch_on_a_fund_with_no_entries_starts_from_nothing(person, provider_org, provider_finance, robot):
    """A fund with no money in yet has £0.00: spending within its overdraft is recorded, beyond it refused
    with £0.00 left named."""
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=START, overdraft="25.00")
    errors = _batch_refused([_row(fund, amount="25.01")], provider_finance)
    assert errors == [
        (
            0,
            "amount",
            "There is not enough money left: £0.00 is left and this takes out £25.01. "
            "The agreement allows the balance to go up to £25.00 below zero.",
        )
    ]
    services.record_spending_many(rows=[_row(fund, amount="25.00")], actor=provider_finance, today=START)
    assert balance_of(fund) == D("-25.00")


def test_a_row_repeated_within_a_batch_is_recorded_once(paid, provider_finance):
    """The second of two identical rows is the first's entry again, not a second payment."""
    (first, created), (again, created_again) = services.record_spending_many(
        rows=[_row(paid), _row(paid)], actor=provider_finance, today=START
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert paid.entries.filter(idempotency_key="A-1").count() == 1 and balance_of(paid) == D("940.00")


def test_each_imported_entry_is_audited_as_created_by_the_importer_with_what_it_holds(paid, provider_finance):
    """The import's audit entries say what a hand-recorded one says: created, by whom, every value."""
    rows = [_row(paid, "A-1"), _row(paid, "A-2", amount="0.50", on=START, description="Bus fare")]
    outcomes = services.record_spending_many(rows=rows, actor=provider_finance, today=START)
    for (entry, _), (key, amount, description) in zip(
        outcomes, [("A-1", "-10.00", "Support from Ann"), ("A-2", "-0.50", "Bus fare")], strict=True
    ):
        (log,) = history_for(entry)
        assert (log.action, log.actor, log.additional_data["event"]) == (
            LogEntry.Action.CREATE,
            provider_finance,
            "spending recorded",
        )
        assert log.changes_dict == {
            "fund": ["", str(paid.pk)],
            "entry_date": ["", "2026-04-06"],
            "category": ["", "support"],
            "amount": ["", amount],
            "description": ["", description],
            "idempotency_key": ["", key],
            "key_source": ["", "given"],
        }
    by_hand, _ = _spend(paid, provider_finance, key="H-1")
    (log,) = history_for(by_hand)
    assert (log.action, log.additional_data["event"]) == (LogEntry.Action.CREATE, "spending recorded")
    assert log.changes_dict["idempotency_key"] == ["", "H-1"] and log.changes_dict["amount"] == ["", "-10.00"]
