import datetime as dt
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from organisations.audit import history_for
from providers import services as provider_services
from providers.ledger import services
from providers.ledger.models import AppendOnlyError, Category, LedgerEntry, Notification, Statement
from providers.ledger.selectors import balance_of, statement_context
from providers.models import AgreementStatus
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement

D = Decimal


def spend(fund, actor, amount, key, *, category=Category.SUPPORT, day=START, description="Support from Ann"):
    return services.record_spending(
        fund=fund,
        entry_date=day,
        category=category,
        amount=amount,
        description=description,
        idempotency_key=key,
        actor=actor,
        today=START + dt.timedelta(days=400),
    )


# ---- the schedule ------------------------------------------------------------------------------


def test_thirteen_four_weekly_payments_sum_exactly_to_the_annual_budget(person, provider_org):
    agreement = isf_agreement(person=person, provider=provider_org, annual="10000.00", start=START)
    slots = services.payment_schedule(agreement, until=START + dt.timedelta(weeks=51))
    assert len(slots) == 13
    assert [s.payment for s in slots[:12]] == [D("769.23")] * 12
    assert slots[-1].payment == D("769.24")
    assert sum(s.payment for s in slots) == D("10000.00")
    assert slots[1].due_on == START + dt.timedelta(weeks=4)
    # The second year starts again at period 1, 52 weeks on.
    year_two = services.payment_schedule(agreement, until=START + dt.timedelta(weeks=52))
    assert (year_two[-1].year, year_two[-1].period) == (2, 1)


@pytest.mark.parametrize("weeks,count", [(1, 52), (2, 26), (3, 18), (4, 13), (5, 11), (52, 1)])
def test_every_frequency_sums_exactly_over_a_year(person, provider_org, weeks, count):
    agreement = isf_agreement(
        person=person,
        provider=provider_org,
        annual="12345.67",
        fee_fixed="777.77",
        fee_percent=None,
        frequency_weeks=weeks,
        start=START,
    )
    slots = services.payment_schedule(agreement, until=START + dt.timedelta(weeks=52, days=-1))
    assert len(slots) == count
    assert sum(s.payment for s in slots) == D("12345.67")
    assert sum(s.fee for s in slots) == D("777.77")


def test_payments_in_arrears_fall_due_the_day_after_each_period(person, provider_org):
    agreement = isf_agreement(person=person, provider=provider_org, start=START, in_advance=False)
    slots = services.payment_schedule(agreement, until=START + dt.timedelta(weeks=8))
    assert [s.due_on for s in slots] == [START + dt.timedelta(weeks=4), START + dt.timedelta(weeks=8)]


def test_no_payment_for_periods_starting_after_the_agreement_ends(person, provider_org):
    agreement = isf_agreement(
        person=person, provider=provider_org, start=START, end=START + dt.timedelta(days=30)
    )
    assert len(services.payment_schedule(agreement, until=START + dt.timedelta(days=400))) == 2


def test_split_evenly_never_leaves_a_negative_last_part():
    assert services.split_evenly(D("0.10"), 13) == [D("0.00")] * 12 + [D("0.10")]


# ---- payments and fees --------------------------------------------------------------------------


def test_fees_post_automatically_with_each_payment_and_the_job_adds_nothing_twice(fund, robot):
    today = START + dt.timedelta(weeks=4)
    posted = services.post_due_payments(fund=fund, actor=robot, today=today)
    assert [(e.category, e.amount) for e in posted] == [
        ("council_payment", D("1000.00")),
        ("management_fee", D("-50.00")),
        ("council_payment", D("1000.00")),
        ("management_fee", D("-50.00")),
    ]
    assert posted[1].description == (
        "Harbour Lights Support's fee for holding your money, 6 April 2026 to 3 May 2026 (5% of the payment)"
    )
    assert services.post_due_payments(fund=fund, actor=robot, today=today) == []
    assert balance_of(fund) == D("1900.00")
    assert history_for(posted[0]).get().additional_data["event"] == "council payment posted"


def test_a_fixed_fee_is_spread_over_the_year_with_the_last_payment_taking_the_rounding(
    person, provider_org, robot
):
    fund = services.open_fund(
        agreement=isf_agreement(
            person=person, provider=provider_org, fee_percent=None, fee_fixed="1000.00", start=START
        ),
        actor=robot,
    )
    services.post_due_payments(fund=fund, actor=robot, today=START + dt.timedelta(weeks=51))
    fees = list(fund.entries.filter(category=Category.MANAGEMENT_FEE).values_list("amount", flat=True))
    assert fees == [D("-76.92")] * 12 + [D("-76.96")]
    assert sum(fees) == D("-1000.00")


def test_the_daily_job_opens_funds_for_agreements_in_force(person, provider_org, robot):
    agreement = isf_agreement(person=person, provider=provider_org, start=START, budget_ref="DOR-77")
    result = services.post_all_due_payments(today=START + dt.timedelta(days=1))
    assert result == {"funds": 1, "entries": 2, "failed": 0}
    assert agreement.isf.budget_ref == "DOR-77"
    assert services.post_all_due_payments(today=START + dt.timedelta(days=1))["entries"] == 0


# ---- spending --------------------------------------------------------------------------------------


def test_spending_beyond_the_balance_is_refused_with_a_clear_message(fund, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    with pytest.raises(services.LedgerError) as refused:
        spend(fund, robot, "950.01", "k1")
    assert str(refused.value) == (
        "There is not enough money left: £950.00 is left and this takes out £950.01. "
        "The agreement does not allow the balance to go below zero."
    )
    assert fund.entries.count() == 2
    entry, created = spend(fund, robot, "950.00", "k1")
    assert created and entry.amount == D("-950.00") and balance_of(fund) == 0


def test_an_overdraft_up_to_the_agreed_limit_is_allowed(person, provider_org, robot):
    fund = services.open_fund(
        agreement=isf_agreement(person=person, provider=provider_org, overdraft="100.00", start=START),
        actor=robot,
    )
    spend(fund, robot, "100.00", "a")
    with pytest.raises(
        services.LedgerError,
        match=(
            r"^There is not enough money left: .+ is left and this takes out £0\.01\. "
            r"The agreement allows the balance to go up to £100\.00 below zero\.$"
        ),
    ):
        spend(fund, robot, "0.01", "b")


def test_a_repeated_key_returns_the_original_and_different_content_is_a_conflict(fund, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    first, created = spend(fund, robot, "10.00", "INV-1")
    again, created_again = spend(fund, robot, "10.00", "INV-1")
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(
        services.IdempotencyConflict,
        match=(
            r"^The reference 'INV-1' was already used for a different entry \(.+ on 6 April 2026\)\. "
            r"Use a new reference for a new entry\.$"
        ),
    ):
        spend(fund, robot, "11.00", "INV-1")
    assert fund.entries.filter(idempotency_key="INV-1").count() == 1


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"amount": "1.234"}, "Enter an amount in pounds and pence, with no more than 2 decimal places."),
        ({"amount": "0"}, "Enter an amount greater than £0.00."),
        ({"category": "refund"}, "Choose what the money was spent on: support, activities or equipment."),
        (
            {"day": START - dt.timedelta(days=1)},
            "The date cannot be before the agreement started on 6 April 2026.",
        ),
        ({"description": "   "}, "Say what the money was for, in words the person understands."),
    ],
)
def test_spending_rules(fund, robot, kwargs, message):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    args = {"amount": "5.00", **kwargs}
    amount = args.pop("amount")
    with pytest.raises(services.LedgerError, match=f"^{re.escape(message)}$"):
        spend(fund, robot, amount, "x", **args)


# ---- reversals and refunds ---------------------------------------------------------------------


def test_a_reversal_points_at_the_original_and_happens_once(fund, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    entry, _ = spend(fund, robot, "40.00", "k")
    reversal = services.reverse_entry(
        entry=entry, reason="Charged to the wrong person", actor=robot, today=START
    )
    assert reversal.reverses == entry and reversal.amount == D("40.00")
    assert reversal.category == Category.CORRECTION
    assert reversal.description == (
        "Correction of “Support from Ann” (6 April 2026): Charged to the wrong person"
    )
    with pytest.raises(services.LedgerError, match=r"^This entry was already corrected on 6 April 2026\.$"):
        services.reverse_entry(entry=entry, reason="again", actor=robot, today=START)
    with pytest.raises(
        services.LedgerError,
        match=r"^Council payments follow the agreement: the council records a refund instead\.$",
    ):
        services.reverse_entry(entry=fund.entries.first(), reason="no", actor=robot, today=START)


def test_a_refund_cannot_be_more_than_the_money_left(fund, robot, commissioner):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    with pytest.raises(
        services.LedgerError, match=r"^A refund cannot be more than the money left: £950\.00 is left\.$"
    ):
        services.record_refund(fund=fund, amount="950.01", reason="Unspent", actor=commissioner, today=START)
    entry, _ = services.record_refund(
        fund=fund,
        amount="200.00",
        reason="Money not needed while you were in hospital",
        actor=commissioner,
        today=START,
    )
    assert entry.description == "Paid back to Dorset Council: Money not needed while you were in hospital"
    assert entry.recorded_by == commissioner and balance_of(fund) == D("750.00")


# ---- append-only ----------------------------------------------------------------------------------


def test_the_code_refuses_to_change_or_delete_an_entry(fund, robot):
    entry = services.post_due_payments(fund=fund, actor=robot, today=START)[0]
    entry.amount = D("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1.00"))
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_ledgerentry SET amount = 1 WHERE id = %s",
        "UPDATE ledger_ledgerentry SET description = 'changed' WHERE id = %s",
        "DELETE FROM ledger_ledgerentry WHERE id = %s",
    ],
)
def test_the_database_refuses_a_raw_update_or_delete_of_an_entry(fund, robot, sql):
    entry = services.post_due_payments(fund=fund, actor=robot, today=START)[0]
    with (
        pytest.raises(DatabaseError, match="table ledger_ledgerentry is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("1000.00")


# ---- moving provider -------------------------------------------------------------------------------


def test_a_move_carries_the_closing_balance_in_a_pair_of_transfers(fund, person, other_provider_org, robot):
    old = fund.agreement
    services.post_due_payments(fund=fund, actor=robot, today=START)
    spend(fund, robot, "150.00", "k")
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(weeks=6, days=-1)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=START + dt.timedelta(weeks=6)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    new_fund = new.isf
    out = fund.entries.get(category=Category.TRANSFER)
    into = new_fund.entries.get(category=Category.TRANSFER)
    # Both council payments due before the move were posted first: 2 × 950 − 150 = 1750.
    assert out.amount == D("-1750.00") and into.amount == D("1750.00")
    assert out.transfer_pair == into and into.transfer_pair == out
    assert out.entry_date == into.entry_date == new.start_date
    assert into.description == "Money left moved with you from Harbour Lights Support"
    # The moved arrangement has its own reference, the next in the council's pattern; the old fund keeps
    # the old one.
    new.refresh_from_db()
    assert new.arrangement.budget_ref == "DOR-ISF-2"
    assert balance_of(fund) == 0 and new_fund.budget_ref == "DOR-ISF-2" and fund.budget_ref == "DOR-ISF-1"
    with pytest.raises(
        services.LedgerError,
        match=(
            r"^This money has moved with the person to their new provider: nothing more can be recorded "
            r"here\. A correction is made in the person's new fund\.$"
        ),
    ):
        spend(fund, robot, "1.00", "late", day=START + dt.timedelta(days=10))
    # Moving again moves nothing more.
    assert (
        services.transfer_balance(from_fund=fund, to_fund=new_fund, on_date=new.start_date, actor=robot)
        is None
    )


def test_an_agreement_ending_with_no_replacement_posts_what_was_due_and_keeps_the_balance(fund, robot):
    agreement = fund.agreement
    agreement.status, agreement.end_date = AgreementStatus.ENDING, START + dt.timedelta(weeks=6, days=-1)
    agreement.save()
    provider_services.end_agreement(agreement=agreement, actor=robot, today=START + dt.timedelta(weeks=10))
    payments = fund.entries.filter(category=Category.COUNCIL_PAYMENT)
    assert [e.entry_date for e in payments] == [START, START + dt.timedelta(weeks=4)]
    assert balance_of(fund) == D("1900.00")
    assert not fund.entries.filter(category__in=[Category.TRANSFER, Category.REFUND]).exists()


# ---- statements ------------------------------------------------------------------------------------


def test_a_statement_has_opening_balance_every_entry_totals_and_closing_balance(fund, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START + dt.timedelta(weeks=4))
    spend(fund, robot, "30.00", "a", day=START + dt.timedelta(days=2))
    spend(fund, robot, "20.00", "b", category=Category.ACTIVITY, day=START + dt.timedelta(weeks=5))
    ctx = statement_context(
        fund, start=START + dt.timedelta(weeks=4), end=START + dt.timedelta(weeks=8, days=-1)
    )
    assert ctx.opening_balance == D("920.00")
    assert [line.entry.amount for line in ctx.lines] == [D("1000.00"), D("-50.00"), D("-20.00")]
    assert [line.balance for line in ctx.lines] == [D("1920.00"), D("1870.00"), D("1850.00")]
    assert ctx.total_rows == [
        ("Money from the council", D("1000.00")),
        ("Activities", D("-20.00")),
        ("Fee for holding the money", D("-50.00")),
    ]
    assert ctx.closing_balance == D("1850.00")


def test_the_statement_job_makes_each_statement_once_and_tells_the_family(
    fund, robot, family, django_capture_on_commit_callbacks
):
    today = START + dt.timedelta(weeks=4, days=3)
    services.post_due_payments(fund=fund, actor=robot, today=today)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.produce_due_statements(today=today) == {"produced": 1, "already": 0}
        assert services.produce_due_statements(today=today) == {"produced": 0, "already": 1}
    statement = Statement.objects.get()
    assert (statement.period_start, statement.period_end) == (START, START + dt.timedelta(days=27))
    assert statement.closing_balance == D("950.00") and statement.scheduled
    notice = Notification.objects.get(user=family)
    assert (
        notice.message == "Your statement for 6 April to 3 May 2026 is ready. Money left at the end: £950.00."
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["family@test.example.org"]
    assert "Your statement for 6 April to 3 May 2026 is ready." in mail.outbox[0].body
    # Every link in an email is absolute: SITE_URL plus the path.
    link = f"http://127.0.0.1:8000/isf/{statement.fund_id}/statement/?start=2026-04-06&end=2026-05-03"
    assert f"when you sign in: {link}\n" in mail.outbox[0].body
    assert re.findall(r"(?:https?://\S+|\s/\S+)", mail.outbox[0].body) == [link]


def test_every_entry_is_audited_and_a_refused_change_writes_nothing(fund, robot):
    from auditlog.models import LogEntry

    services.post_due_payments(fund=fund, actor=robot, today=START)
    entry, _ = spend(fund, robot, "10.00", "a")
    services.reverse_entry(entry=entry, reason="Wrong person", actor=robot, today=START)
    for written in fund.entries.all():
        events = [log.additional_data["event"] for log in history_for(written)]
        assert len(events) == 1, events
    assert [log.additional_data["event"] for log in history_for(entry)] == ["spending recorded"]
    before = (LogEntry.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(services.LedgerError):
        spend(fund, robot, "5000.00", "b")
    with pytest.raises(services.LedgerError):
        services.reverse_entry(entry=entry, reason="again", actor=robot, today=START)
    assert (LogEntry.objects.count(), LedgerEntry.objects.count()) == before


def test_the_celery_tasks_call_the_services(fund):
    from providers.ledger import tasks

    assert tasks.post_due_council_payments()["entries"] > 0
    result = tasks.produce_due_statements()
    # Every four-week period since the fund opened that has ended by today (the job never ran before).
    due = len(services.due_statement_periods(fund, today=timezone.localdate()))
    assert due >= 1 and result["produced"] == due
    assert Statement.objects.filter(fund=fund, scheduled=True).count() == due
    statement_pk = tasks.produce_statement(fund_id=fund.pk, start="2026-04-06", end="2026-04-30")
    assert Statement.objects.get(pk=statement_pk).period_end == dt.date(2026, 4, 30)


def test_the_statement_due_is_the_latest_four_weeks_that_have_ended(fund):
    assert services.due_statement_period(fund, today=START + dt.timedelta(days=27)) is None
    first = (START, START + dt.timedelta(days=27))
    assert services.due_statement_period(fund, today=START + dt.timedelta(days=28)) == first
    second = (START + dt.timedelta(days=28), START + dt.timedelta(days=55))
    assert services.due_statement_period(fund, today=START + dt.timedelta(days=60)) == second


def test_the_family_marks_their_own_notices_seen_and_no_one_elses(fund, other_fund, person, robot, family):
    from budgets.models import Representative
    from providers.ledger.models import Notification
    from tests.factories import UserFactory

    father = UserFactory(email="father@test.example.org")
    Representative.objects.create(person=person, user=father, relationship="father")
    today = START + dt.timedelta(weeks=8, days=1)
    services.produce_due_statements(today=today)
    assert Notification.objects.filter(user=family, seen_at__isnull=True).count() == 2
    assert services.mark_notifications_seen(user=family, fund=other_fund) == 0
    assert services.mark_notifications_seen(user=family, fund=fund) == 2
    assert not Notification.objects.filter(user=family, seen_at__isnull=True).exists()
    assert services.mark_notifications_seen(user=family, fund=fund) == 0
    assert Notification.objects.filter(user=father, seen_at__isnull=True).count() == 2


def test_a_statement_covers_a_real_period_that_has_happened(fund, commissioner):
    today = timezone.localdate()
    with pytest.raises(services.LedgerError, match=r"^The end of the period cannot be before its start\.$"):
        services.produce_statement(
            fund=fund, start=today, end=today - dt.timedelta(days=1), actor=commissioner
        )
    with pytest.raises(services.LedgerError, match=r"^A statement can only cover days up to today\.$"):
        services.produce_statement(
            fund=fund, start=START, end=today + dt.timedelta(days=1), actor=commissioner
        )
    assert not Statement.objects.exists()
    statement, created = services.produce_statement(fund=fund, start=START, end=today, actor=commissioner)
    assert created and statement.period_end == today and statement.requested_by == commissioner


def test_a_statement_closes_on_its_last_day_is_made_once_and_a_scheduled_one_is_nobodys_request(
    fund, other_fund, robot, commissioner, family
):
    services.post_due_payments(fund=fund, actor=robot, today=START + dt.timedelta(weeks=4))
    end = START + dt.timedelta(days=27)
    first, created = services.produce_statement(fund=fund, start=START, end=end, actor=commissioner)
    # Money that came in after the last day is not in this statement.
    assert created and first.closing_balance == D("950.00") and first.requested_by == commissioner
    made = history_for(first).get()
    assert (made.additional_data["event"], made.actor) == ("statement produced", commissioner)
    assert made.action == LogEntry.Action.CREATE
    assert made.changes_dict == {
        "period": ["", "2026-04-06 to 2026-05-03"],
        "closing_balance": ["", "950.00"],
    }
    # Statements that share the fund, or one of the two days, are other statements.
    for f, start_, end_ in (
        (fund, START, START),
        (fund, START + dt.timedelta(days=1), end),
        (other_fund, START, end),
    ):
        services.produce_statement(fund=f, start=start_, end=end_, actor=commissioner)
    again, created_again = services.produce_statement(fund=fund, start=START, end=end, actor=family)
    assert (again.pk, created_again, again.requested_by) == (first.pk, False, commissioner)
    assert Notification.objects.filter(user=family, statement=first).count() == 1
    later = START + dt.timedelta(days=28)
    job, _ = services.produce_statement(fund=fund, start=later, end=later, actor=commissioner, scheduled=True)
    assert job.scheduled and job.requested_by is None and job.closing_balance == D("1900.00")


def test_the_statement_job_records_the_system_as_who_made_each_statement(fund, robot):
    services.produce_due_statements(today=START + dt.timedelta(weeks=8))
    made = [history_for(s).get() for s in Statement.objects.order_by("period_start")]
    assert len(made) == 2 and {log.actor for log in made} == {robot}


def test_a_four_weeks_starting_on_the_agreements_last_day_still_gets_a_statement(person, provider_org, robot):
    from tests.ledger.factories import isf_fund

    last_day = START + dt.timedelta(days=28)  # the first day of the second four weeks
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=START, end=last_day)
    periods = services.due_statement_periods(fund, today=START + dt.timedelta(weeks=20))
    assert periods == [(START, START + dt.timedelta(days=27)), (last_day, last_day + dt.timedelta(days=27))]
