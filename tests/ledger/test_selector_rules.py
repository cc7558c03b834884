"""The rules of the ledger's reads (providers/ledger/selectors.py) at their edges: what the commissioner's
overview counts as spent this year and when a ledger is quiet or over its limit (each on its day, to the
penny), the running balance whatever the filter, the statement's rows, and the family's year."""

import datetime as dt
from decimal import Decimal

from providers.ledger import selectors, services
from providers.ledger.models import Category
from tests.budgets.factories import PersonFactory
from tests.ledger.conftest import START
from tests.ledger.factories import isf_fund

D = Decimal


def _spend(fund, actor, amount, *, on=START, key="s-1", category="support"):
    return services.record_spending(
        fund=fund,
        entry_date=on,
        category=category,
        amount=amount,
        description="Personal assistant",
        idempotency_key=key,
        actor=actor,
        today=on,
    )[0]


def _row(commissioner, fund, today):
    (row,) = [r for r in selectors.council_overview(user=commissioner, today=today) if r.fund.pk == fund.pk]
    return row


def test_a_ledger_is_quiet_after_eight_weeks_with_nothing_written(paid, commissioner):
    assert _row(commissioner, paid, START + dt.timedelta(days=56)).quiet is False
    assert _row(commissioner, paid, START + dt.timedelta(days=57)).quiet is True


def test_spending_this_year_counts_the_fee_and_spending_net_of_corrections_up_to_a_year(
    paid, commissioner, provider_finance
):
    entry = _spend(paid, provider_finance, "120.00")
    _spend(paid, provider_finance, "30.00", key="s-2", category="activity")
    services.reverse_entry(entry=entry, reason="Wrong fund", actor=provider_finance, today=START)
    row = _row(commissioner, paid, START + dt.timedelta(days=364))
    # £50.00 fee + £30.00 activity; the £120.00 and its correction cancel out.
    assert (row.spent_this_year, row.annual_budget, row.spent_share) == (D("80.00"), D("13000.00"), D("0.6"))
    assert (row.balance, row.last_entry_on) == (D("920.00"), START)
    # A year and a day later, none of it is this year's.
    assert _row(commissioner, paid, START + dt.timedelta(days=365)).spent_this_year == 0


def test_money_paid_back_to_the_council_is_not_spending(paid, commissioner):
    services.record_refund(
        fund=paid,
        amount="100.00",
        reason="Not needed",
        idempotency_key="r-1",
        actor=commissioner,
        entry_date=START + dt.timedelta(days=1),
        today=START + dt.timedelta(days=1),
    )
    row = _row(commissioner, paid, START + dt.timedelta(days=1))
    assert row.spent_this_year == D("50.00") and row.balance == D("850.00")


def test_a_balance_is_over_the_limit_only_above_it(paid, commissioner):
    agreement = paid.agreement
    agreement.unspent_limit = D("950.00")
    agreement.save()
    assert _row(commissioner, paid, START).over_limit is False
    agreement.unspent_limit = D("949.99")
    agreement.save()
    row = _row(commissioner, paid, START)
    assert (row.over_limit, row.unspent_limit, row.can_move) == (True, D("949.99"), False)


def test_the_running_balance_is_the_same_whatever_the_filter(paid, provider_finance):
    later = START + dt.timedelta(days=3)
    _spend(paid, provider_finance, "20.00", on=later)
    everything = [(line.entry.category, line.balance) for line in selectors.running_lines(paid)]
    assert everything == [
        (Category.COUNCIL_PAYMENT, D("1000.00")),
        (Category.MANAGEMENT_FEE, D("950.00")),
        (Category.SUPPORT, D("930.00")),
    ]
    assert [line.balance for line in selectors.running_lines(paid, start=later)] == [D("930.00")]
    assert [line.balance for line in selectors.running_lines(paid, end=START)] == [D("1000.00"), D("950.00")]
    fees = selectors.running_lines(paid, category=Category.MANAGEMENT_FEE)
    assert [line.balance for line in fees] == [D("950.00")]
    assert list(selectors.ledger_entries(paid, start=later)) == [
        fees[0].entry.__class__.objects.get(amount=-20)
    ]
    assert selectors.ledger_entries(paid, end=START).count() == 2
    assert selectors.ledger_entries(paid, category=Category.SUPPORT).count() == 1


def test_a_balance_on_a_day_counts_that_days_entries(paid, provider_finance):
    _spend(paid, provider_finance, "20.00", on=START + dt.timedelta(days=3))
    assert selectors.balance_of(paid, on=START - dt.timedelta(days=1)) == 0
    assert selectors.balance_of(paid, on=START) == D("950.00")
    assert selectors.balance_of(paid, on=START + dt.timedelta(days=3)) == D("930.00")
    assert selectors.balance_of(paid) == D("930.00")


def test_the_default_statement_is_the_last_four_weeks_ending_today():
    assert selectors.default_statement_period(dt.date(2026, 5, 3)) == (
        dt.date(2026, 4, 6),
        dt.date(2026, 5, 3),
    )


def test_the_statement_rows_say_where_the_money_came_from_and_went(paid, provider_finance, commissioner):
    entry = _spend(paid, provider_finance, "120.00", on=START + dt.timedelta(days=1))
    services.reverse_entry(
        entry=entry, reason="Wrong fund", actor=provider_finance, today=START + dt.timedelta(days=1)
    )
    _spend(paid, provider_finance, "30.00", key="s-2", on=START + dt.timedelta(days=2))
    services.record_refund(
        fund=paid,
        amount="100.00",
        reason="Not needed",
        idempotency_key="r-1",
        actor=commissioner,
        entry_date=START + dt.timedelta(days=1),
        today=START + dt.timedelta(days=1),
    )
    end = START + dt.timedelta(days=27)
    context = selectors.statement_context(paid, start=START, end=end)
    rows = context.summary_rows
    assert rows[0] == ("Money at the start (6 April 2026)", D("0.00"))
    assert rows[1] == ("Money in from Dorset Council", D("1000.00"))
    assert ("Money spent on support, activities and equipment", D("30.00")) in rows
    assert ("Harbour Lights Support's fee for holding the money", D("50.00")) in rows
    assert ("Paid back to Dorset Council", D("100.00")) in rows
    assert rows[-1] == ("Money left at the end (3 May 2026)", D("820.00"))
    assert not any(label.startswith("Money that moved") or label == "Other corrections" for label, _ in rows)
    assert (context.money_in, context.money_out, context.closing_balance) == (
        D("1000.00"),
        D("-180.00"),
        D("820.00"),
    )
    # A later statement opens with what the first closed with.
    later = selectors.statement_context(
        paid, start=end + dt.timedelta(days=1), end=end + dt.timedelta(days=2)
    )
    assert later.opening_balance == D("820.00") and later.summary_rows[0][1] == D("820.00")


def test_the_familys_year_by_day_with_where_the_money_went(paid, provider_finance):
    _spend(paid, provider_finance, "20.00", on=START + dt.timedelta(days=3))
    summary = selectors.family_summary(paid, today=START + dt.timedelta(days=10))
    assert summary.since == START
    assert summary.balance_points == [
        (START, D("950.00")),
        (START + dt.timedelta(days=3), D("930.00")),
        (START + dt.timedelta(days=10), D("930.00")),
    ]
    assert (summary.money_in, summary.spent, summary.management_fee, summary.money_left) == (
        D("1000.00"),
        D("20.00"),
        D("50.00"),
        D("930.00"),
    )
    assert summary.spending_by_kind == [(Category.SUPPORT.label, D("20.00"))]
    assert (summary.paid_back, summary.moved, summary.closed) == (0, 0, False)
    # On the day of the last entry, that day is the last point (once).
    on_the_day = selectors.family_summary(paid, today=START + dt.timedelta(days=3))
    assert on_the_day.balance_points[-1] == (START + dt.timedelta(days=3), D("930.00"))
    assert len(on_the_day.balance_points) == 2


def test_after_a_year_the_familys_page_starts_a_year_ago_with_the_money_then(paid):
    today = START + dt.timedelta(days=400)
    summary = selectors.family_summary(paid, today=today)
    since = today - dt.timedelta(days=364)
    assert summary.since == since
    assert summary.balance_points == [(since, D("950.00")), (today, D("950.00"))]
    assert (summary.money_in, summary.management_fee, summary.money_left) == (0, 0, D("950.00"))


def test_who_may_correct_which_entries(paid, provider_finance, commissioner, family):
    spent = _spend(paid, provider_finance, "20.00")
    refund, _ = services.record_refund(
        fund=paid,
        amount="10.00",
        reason="Not needed",
        idempotency_key="r-1",
        actor=commissioner,
        entry_date=START,
        today=START,
    )
    entries = list(paid.entries.all())
    fee = paid.entries.get(category=Category.MANAGEMENT_FEE)
    assert selectors.reversible_entries(user=provider_finance, fund=paid, entries=entries) == {
        fee.pk,
        spent.pk,
    }
    assert selectors.reversible_entries(user=commissioner, fund=paid, entries=entries) == {refund.pk}
    assert selectors.reversible_entries(user=family, fund=paid, entries=entries) == set()
    payment = paid.entries.get(category=Category.COUNCIL_PAYMENT)
    assert [selectors.may_reverse(user=provider_finance, entry=e) for e in (spent, fee, refund, payment)] == [
        True,
        True,
        False,
        False,
    ]
    assert [selectors.may_reverse(user=commissioner, entry=e) for e in (spent, refund, payment)] == [
        False,
        True,
        False,
    ]
    # Corrected once: not again.
    services.reverse_entry(entry=spent, reason="Wrong fund", actor=provider_finance, today=START)
    entries = list(paid.entries.all())
    assert selectors.reversible_entries(user=provider_finance, fund=paid, entries=entries) == {fee.pk}


def test_money_that_moved_is_named_on_both_statements(paid, person, other_provider_org, robot):
    from tests.ledger.factories import isf_fund

    new = isf_fund(person=person, provider=other_provider_org, actor=robot, start=START)
    services.transfer_balance(from_fund=paid, to_fund=new, on_date=START + dt.timedelta(days=1), actor=robot)
    end = START + dt.timedelta(days=27)
    old_rows = selectors.statement_context(paid, start=START, end=end).summary_rows
    assert ("Money that moved to the new organisation", D("-950.00")) in old_rows
    new_context = selectors.statement_context(new, start=START, end=end)
    assert ("Money that moved here from the last organisation", D("950.00")) in new_context.summary_rows
    assert new_context.money_in == D("950.00") and new_context.closing_balance == D("950.00")
    assert selectors.is_closed(paid) and not selectors.is_closed(new)
    assert selectors.family_summary(paid, today=end).closed is True


def test_the_statement_says_how_to_reach_the_organisation(paid, provider_org):
    from providers.models import ProviderProfile

    ProviderProfile.objects.filter(provider=provider_org).delete()
    context = selectors.statement_context(paid, start=START, end=START)
    assert context.contact == {"phone": "", "email": ""}
    ProviderProfile.objects.create(
        provider=provider_org, phone="01929 123456", email="hello@harbour.example.org"
    )
    paid.provider = type(provider_org).objects.get(pk=provider_org.pk)
    assert selectors.statement_context(paid, start=START, end=START).contact == {
        "phone": "01929 123456",
        "email": "hello@harbour.example.org",
    }


def test_oversight_reads_an_isfs_balance_and_last_spending_from_its_account_on_that_day(
    fund, robot, provider_finance
):
    """What a check about an ISF says: the account's balance on the day, the last day money was spent
    (the fee counts; money in does not) up to and including that day, or the day the account opened."""
    from oversight.selectors import Held, held_for

    arrangement = fund.agreement.arrangement
    words = "the Individual Service Fund's account"
    services.post_due_payments(fund=fund, actor=robot, today=START)
    # Before anything was written: nothing held, and no spending since the account opened.
    assert held_for(arrangement, START - dt.timedelta(days=1)) == Held(D("0.00"), START, words)
    # £1,000.00 in and the £50.00 fee out on the first day: the fee is money spent that day.
    assert held_for(arrangement, START) == Held(D("950.00"), START, words)
    _spend(fund, provider_finance, "20.00", on=START + dt.timedelta(days=9))
    assert held_for(arrangement, START + dt.timedelta(days=8)) == Held(D("950.00"), START, words)
    assert held_for(arrangement, START + dt.timedelta(days=9)) == Held(
        D("930.00"), START + dt.timedelta(days=9), words
    )


def test_a_statement_counts_this_funds_entries_of_its_own_days_only(
    paid, other_fund, provider_finance, robot
):
    """Opening balance: this fund's entries up to the day before the start (not another fund's); the
    period's lines and spending: every entry from the start to the end, two of a kind added together,
    none after the end."""
    services.post_due_payments(fund=other_fund, actor=robot, today=START)
    for day, amount in ((1, "10.00"), (2, "20.00"), (3, "30.00"), (4, "40.00")):
        _spend(paid, provider_finance, amount, on=START + dt.timedelta(days=day), key=f"s-{day}")
    context = selectors.statement_context(
        paid, start=START + dt.timedelta(days=2), end=START + dt.timedelta(days=3)
    )
    assert context.opening_balance == D("940.00")
    assert [(line.entry.amount, line.balance) for line in context.lines] == [
        (D("-20.00"), D("920.00")),
        (D("-30.00"), D("890.00")),
    ]
    assert (context.breakdown.spent, context.closing_balance) == (D("50.00"), D("890.00"))


def test_the_familys_year_starts_with_the_money_then_when_nothing_was_written_that_day(
    paid, provider_finance
):
    today = START + dt.timedelta(days=400)
    since = today - dt.timedelta(days=364)
    _spend(paid, provider_finance, "20.00", on=since + dt.timedelta(days=5))
    _spend(paid, provider_finance, "5.00", on=since + dt.timedelta(days=9), key="s-2")
    summary = selectors.family_summary(paid, today=today)
    assert summary.balance_points == [
        (since, D("950.00")),
        (since + dt.timedelta(days=5), D("930.00")),
        (since + dt.timedelta(days=9), D("925.00")),
        (today, D("925.00")),
    ]
    assert summary.spent == D("25.00")


def test_a_correction_of_money_paid_back_is_not_spending(paid, commissioner):
    refund, _ = services.record_refund(
        fund=paid,
        amount="100.00",
        reason="Not needed",
        idempotency_key="r-1",
        actor=commissioner,
        entry_date=START,
        today=START,
    )
    services.reverse_entry(entry=refund, reason="Paid back twice", actor=commissioner, today=START)
    row = _row(commissioner, paid, START)
    assert (row.spent_this_year, row.balance) == (D("50.00"), D("950.00"))


def test_the_share_of_the_budget_spent_is_to_one_place_and_none_for_a_budget_of_nothing(
    paid, commissioner, provider_finance, council, other_provider_org, robot
):
    # Two fees of £50.00, and £1,200.00 spent: £1,300.00 of £13,000.00 is 10.0%.
    _spend(paid, provider_finance, "900.00", key="s-1")
    services.post_due_payments(fund=paid, actor=robot, today=START + dt.timedelta(days=28))
    _spend(paid, provider_finance, "300.00", key="s-2", on=START + dt.timedelta(days=28))
    row = _row(commissioner, paid, START + dt.timedelta(days=28))
    assert (row.spent_this_year, row.spent_share) == (D("1300.00"), D("10.0"))
    nothing = isf_fund(
        person=PersonFactory(council=council), provider=other_provider_org, actor=robot, annual="0.00"
    )
    assert _row(commissioner, nothing, START).spent_share is None


def test_a_ledger_page_with_no_entries_for_its_filter_still_shows_the_balance(paid):
    assert selectors.count_ledger_entries(paid, category=Category.REFUND) == 0
    assert selectors.ledger_page(paid, category=Category.REFUND, offset=0, limit=50, from_the_end=True) == (
        [],
        D("950.00"),
    )


def test_a_ledger_page_and_its_count_are_the_filtered_entries_slice_kept_or_not(paid, provider_finance):
    """The ledger page reads its entries and their count with kept SQL (issue 14): each page of each
    filter (dates set or not, a category or none) is the slice of running_lines, with its balances."""
    for number, day in enumerate((3, 5, 5, 9)):
        _spend(paid, provider_finance, "20.00", on=START + dt.timedelta(days=day), key=f"s-{number}")
    later = START + dt.timedelta(days=4)
    for filters in (
        {},
        {"start": later},
        {"end": later},
        {"start": START + dt.timedelta(days=1), "end": later + dt.timedelta(days=3)},
        {"category": Category.SUPPORT},
        {"category": Category.SUPPORT, "start": later},
    ):
        entries = selectors.ledger_entries(paid, **filters)
        assert selectors.count_ledger_entries(paid, **filters) == entries.count() > 0, filters
        for offset in (0, 2, 4):
            for from_the_end in (False, True):
                kept = selectors.ledger_page(
                    paid, **filters, offset=offset, limit=2, from_the_end=from_the_end
                )
                fresh = selectors.running_lines(paid, **filters)[offset : offset + 2]
                assert [(line.entry, line.balance) for line in kept[0]] == [
                    (line.entry, line.balance) for line in fresh
                ], (filters, offset)
                assert kept[1] == selectors.balance_of(paid)
    assert selectors.count_ledger_entries(paid) == 6
    assert selectors.count_ledger_entries(paid, start=later) == 3
    assert selectors.count_ledger_entries(paid, category=Category.SUPPORT, end=later) == 1
    page = selectors.ledger_page(paid, offset=4, limit=2, from_the_end=True)
    assert [(line.entry.entry_date, line.balance) for line in page[0]] == [
        (START + dt.timedelta(days=5), D("890.00")),
        (START + dt.timedelta(days=9), D("870.00")),
    ]
    assert page[1] == D("870.00")
