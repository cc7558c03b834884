"""The checks every ledger entry passes (providers/ledger/services/entries.py), at their edges and with
their exact words: amounts, descriptions, money out under an overdraft, repeated keys, opening a fund."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from organisations.audit import history_for
from providers.ledger import services
from providers.ledger.models import Category, HeldAccount, KeySource, LedgerEntry
from providers.ledger.selectors import balance_of
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement, isf_fund

D = Decimal


def _spend(fund, actor, amount="10.00", *, key="s-1", on=START, description="Support from Ann"):
    return services.record_spending(
        fund=fund,
        entry_date=on,
        category=Category.SUPPORT,
        amount=amount,
        description=description,
        idempotency_key=key,
        actor=actor,
        today=START + dt.timedelta(days=10),
    )


def _refused(fund, actor, amount="10.00", **kwargs):
    with pytest.raises(services.LedgerError) as refused:
        _spend(fund, actor, amount, **kwargs)
    return str(refused.value), refused.value.field


# ---- amounts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount,message",
    [
        ("forty", "Enter an amount of money, like 45.00."),
        (None, "Enter an amount of money, like 45.00."),
        ("Infinity", "Enter an amount in pounds and pence, with no more than 2 decimal places."),
        ("NaN", "Enter an amount in pounds and pence, with no more than 2 decimal places."),
        ("0.001", "Enter an amount in pounds and pence, with no more than 2 decimal places."),
        ("-5.00", "Enter an amount greater than £0.00."),
        ("0.00", "Enter an amount greater than £0.00."),
        ("10000000000.00", "That amount is too large."),
        (D("10000000000"), "That amount is too large."),
    ],
)
def test_an_amount_must_be_pounds_and_pence_above_nothing_and_below_ten_billion(paid, robot, amount, message):
    """Each refused amount names the amount field and what to enter; nothing is written."""
    assert _refused(paid, robot, amount) == (message, "amount")
    assert paid.entries.count() == 2


def test_the_largest_amount_reaches_the_balance_check(paid, robot):
    """£9,999,999,999.99 is an amount (the balance then refuses it), and a Decimal is taken as given."""
    assert _refused(paid, robot, "9999999999.99") == (
        "There is not enough money left: £950.00 is left and this takes out £9,999,999,999.99. "
        "The agreement does not allow the balance to go below zero.",
        "amount",
    )
    entry, _ = _spend(paid, robot, D("0.50"))
    assert entry.amount == D("-0.50")
    entry, _ = _spend(paid, robot, 12, key="s-2")
    assert entry.amount == D("-12.00") and balance_of(paid) == D("937.50")


# ---- descriptions ---------------------------------------------------------------------------------------


def test_a_description_is_its_words_with_single_spaces_up_to_300_characters(paid, robot):
    """A description is kept with its runs of spaces made one, up to 300 characters; 301 is refused."""
    entry, _ = _spend(paid, robot, description="  Support \n from\tAnn  ")
    assert entry.description == "Support from Ann"
    assert _refused(paid, robot, key="s-2", description="y" * 301) == (
        "Keep the description to 300 characters or fewer.",
        "description",
    )
    entry, _ = _spend(paid, robot, key="s-3", description="y" * 300)
    assert entry.description == "y" * 300
    assert _refused(paid, robot, key="s-4", description=None) == (
        "Say what the money was for, in words the person understands.",
        "description",
    )


# ---- money out and the overdraft ------------------------------------------------------------------------


@pytest.mark.parametrize("overdraft,words", [("1.00", "£1.00"), ("0.50", "£0.50")])
def test_a_small_overdraft_is_allowed_to_the_penny_and_named(person, provider_org, robot, overdraft, words):
    """An overdraft of under £1 or £1 lets the balance go that far below zero, and the refusal names it."""
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=START, overdraft=overdraft)
    entry, _ = _spend(fund, robot, overdraft)
    assert balance_of(fund) == -D(overdraft)
    assert _refused(fund, robot, "0.01", key="s-2") == (
        f"There is not enough money left: −{words} is left and this takes out £0.01. "
        f"The agreement allows the balance to go up to {words} below zero.",
        "amount",
    )
    assert fund.entries.count() == 1


# ---- repeated keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changed",
    [{"on": START + dt.timedelta(days=1)}, {"amount": "10.01"}, {"description": "Support from Bea"}],
)
def test_a_key_used_again_with_any_one_thing_changed_is_a_conflict(paid, robot, changed):
    """The same key with a different date, amount or description alone is refused, naming the key."""
    first, _ = _spend(paid, robot, key="INV-7")
    with pytest.raises(services.IdempotencyConflict) as conflict:
        _spend(paid, robot, **{"amount": "10.00", "key": "INV-7", **changed})
    assert (str(conflict.value), conflict.value.field) == (
        "The reference 'INV-7' was already used for a different entry (Support, −£10.00 on 6 April 2026). "
        "Use a new reference for a new entry.",
        "idempotency_key",
    )
    assert list(paid.entries.filter(idempotency_key="INV-7")) == [first]


def test_a_key_used_again_for_another_kind_of_spending_is_a_conflict(paid, robot):
    """The same key, date, amount and description but another category is a conflict."""
    _spend(paid, robot, key="INV-8")
    with pytest.raises(services.IdempotencyConflict):
        services.record_spending(
            fund=paid,
            entry_date=START,
            category=Category.ACTIVITY,
            amount="10.00",
            description="Support from Ann",
            idempotency_key="INV-8",
            actor=robot,
            today=START,
        )


# ---- opening a fund -------------------------------------------------------------------------------------


def test_a_fund_opens_once_with_the_agreements_details_and_is_audited(person, provider_org, robot):
    """Opening a fund copies the agreement's person, provider, council, reference and start; once only."""
    agreement = isf_agreement(person=person, provider=provider_org, start=START, budget_ref="DOR-ISF-9")
    fund = services.open_fund(agreement=agreement, actor=robot)
    fund = HeldAccount.objects.get(pk=fund.pk)
    assert (fund.person_id, fund.provider_id, fund.council_id, fund.budget_ref, fund.opened_on) == (
        person.pk,
        provider_org.pk,
        person.council_id,
        "DOR-ISF-9",
        START,
    )
    (log,) = history_for(fund)
    assert (log.action, log.actor, log.additional_data["event"]) == (
        LogEntry.Action.CREATE,
        robot,
        "Individual Service Fund opened",
    )
    assert log.changes_dict == {"agreement": ["", str(agreement)], "budget_ref": ["", "DOR-ISF-9"]}
    assert services.open_fund(agreement=agreement, actor=robot).pk == fund.pk
    assert history_for(fund).count() == 1


# ---- the one place entries are written ----------------------------------------------------------------


def _write_support(fund, robot):
    return services._write(
        fund=fund,
        key="direct-1",
        entry_date=START,
        category=Category.SUPPORT,
        amount=D("-1.00"),
        description="Taxi",
        actor=robot,
        source=KeySource.GIVEN,
    )


def test_an_entry_is_written_only_to_a_fund_locked_first_and_never_to_a_closed_one(
    paid, person, other_provider_org, robot
):
    """_write, the one place entries are made, refuses a fund not locked by _lock, and a closed fund."""
    with pytest.raises(RuntimeError, match=r"^Lock the fund with _lock\(\) before writing to it\.$"):
        _write_support(paid, robot)
    new = isf_fund(person=person, provider=other_provider_org, actor=robot, start=START, budget_ref=None)
    services.transfer_balance(from_fund=paid, to_fund=new, on_date=START, actor=robot)
    with pytest.raises(
        services.FundClosed, match=r"^This money has moved with the person to their new provider"
    ):
        _write_support(services._lock(paid), robot)
    assert not LedgerEntry.objects.filter(idempotency_key="direct-1").exists()
    assert _write_support(services._lock(new), robot).amount == D("-1.00")


def test_a_fund_opened_before_its_move_takes_the_new_reference_and_audits_the_change(
    fund, person, other_provider_org, robot, commissioner
):
    """The reference given on the move is saved on the fund and audited from blank to the new one."""
    from providers import services as provider_services
    from providers.models import AgreementStatus

    old = fund.agreement
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(weeks=6, days=-1)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=old.end_date + dt.timedelta(days=1)
    )
    early = services.open_fund(agreement=new, actor=robot)
    provider_services.complete_move(agreement=new, actor=commissioner, today=new.start_date)
    new.refresh_from_db()
    ref = new.arrangement.budget_ref
    assert ref and ref != "DOR-ISF-1"
    assert HeldAccount.objects.get(pk=early.pk).budget_ref == ref
    (log,) = [
        log for log in history_for(early) if log.additional_data["event"] == "reference given on the move"
    ]
    assert (log.actor, log.changes_dict) == (commissioner, {"budget_ref": ["", ref]})
