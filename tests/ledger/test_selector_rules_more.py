"""More of the ledger's reads (providers/ledger/selectors.py) at their edges: the limit of unspent money
the database works out for each kind of account (to the penny, as the account's own terms say), the
commissioner's counts of each kind, over and quiet, spending counted per account, whether an account's
money moved on, the ledger's order and running balance, and a provider who is also family."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.models import ManagementType, Representative
from providers.ledger import managed, selectors, services
from providers.ledger.models import HeldAccount
from tests.budgets.factories import PersonFactory, approved_budget
from tests.ledger.conftest import START
from tests.ledger.test_money_rules import _second_fund
from tests.ledger.test_selector_rules import _spend

D = Decimal


def _managed_account(council, provider, robot, *, annual="1000.91", percent="8.00", amount=None):
    """A managed direct payment of `annual` a year for support, with a cost of `percent` or `amount`."""
    person = PersonFactory(council=council)
    budget = approved_budget(
        person, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, annual, provider),)
    )
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent = D(percent) if percent is not None else None
    arrangement.management_cost_amount = D(amount) if amount is not None else None
    arrangement.save()
    return managed.open_managed_account(arrangement=arrangement, actor=robot)


def _accounts(commissioner, today=START):
    return {f.pk: f for f in selectors.council_accounts(user=commissioner, today=today)}


# ---- the limit of unspent money -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "percent,amount,own,limit",
    [
        # £1,000.91 + 8% (£80.07, from £80.0728) a year: eight weeks of £1,080.98 is £166.30 (166.3046).
        ("8.00", None, None, "166.30"),
        # A cost of its own, £100.00: eight weeks of £1,100.91 is £169.37.
        (None, "100.00", None, "169.37"),
        # No cost at all: eight weeks of £1,000.91 is £153.99.
        (None, None, None, "153.99"),
        # A limit of its own wins over eight weeks.
        ("8.00", None, "50.00", "50.00"),
    ],
)
def test_the_database_works_out_a_managed_limit_to_the_penny_as_the_accounts_terms_do(
    council, provider_org, robot, commissioner, percent, amount, own, limit
):
    account = _managed_account(council, provider_org, robot, percent=percent, amount=amount)
    if own is not None:
        HeldAccount.objects.filter(pk=account.pk).update(managed_unspent_limit=D(own))
    account = HeldAccount.objects.get(pk=account.pk)
    worked_out = _accounts(commissioner)[account.pk].agreed_limit
    assert worked_out == D(limit) == account.terms.unspent_limit
    assert str(worked_out) == limit


def test_a_managed_account_is_over_its_limit_only_above_it(council, provider_org, robot, commissioner):
    """£800.00 in (four weeks of £10,400 a year with no cost) against limits of £800.00 and £799.99."""
    account = _managed_account(council, provider_org, robot, annual="10400.00", percent=None)
    services.post_due_payments(fund=account, actor=robot, today=START)
    for limit, over in (("800.00", False), ("799.99", True)):
        HeldAccount.objects.filter(pk=account.pk).update(managed_unspent_limit=D(limit))
        row = _accounts(commissioner)[account.pk]
        assert (row.balance, row.agreed_limit, row.is_over) == (D("800.00"), D(limit), over)


# ---- the commissioner's counts --------------------------------------------------------------------------


def test_the_counts_are_of_each_kind_and_of_the_kind_shown_over_and_quiet(
    paid, person, council, provider_org, robot, commissioner, other_fund
):
    """Two ISFs (one over its £0.00 limit, one with no entries: quiet) and a managed direct payment over
    its own £0.00 limit; another council's fund is not counted."""
    paid.agreement.unspent_limit = D("0.00")
    paid.agreement.save(update_fields=["unspent_limit"])
    _second_fund(PersonFactory(council=council), provider_org, robot)
    account = _managed_account(council, provider_org, robot, annual="10400.00")
    services.post_due_payments(fund=account, actor=robot, today=START)
    HeldAccount.objects.filter(pk=account.pk).update(managed_unspent_limit=D("0.00"))
    accounts = selectors.council_accounts(user=commissioner, today=START)
    assert selectors.council_counts(accounts) == {"isf": 2, "managed": 1, "shown": 3, "over": 2, "quiet": 1}
    assert selectors.council_counts(accounts, kind="isf") == {
        "isf": 2,
        "managed": 1,
        "shown": 2,
        "over": 1,
        "quiet": 1,
    }
    assert selectors.council_counts(accounts, kind="direct_payment_managed") == {
        "isf": 2,
        "managed": 1,
        "shown": 1,
        "over": 1,
        "quiet": 0,
    }


def test_spending_this_year_is_each_accounts_own(paid, council, provider_org, robot, commissioner):
    """Two accounts that both spent: each row sums its own fee and spending, not the other's."""
    second = _second_fund(PersonFactory(council=council), provider_org, robot)
    services.post_due_payments(fund=second, actor=robot, today=START)
    _spend(second, robot, "25.00")
    accounts = _accounts(commissioner)
    assert (accounts[paid.pk].spent, accounts[second.pk].spent) == (D("-50.00"), D("-75.00"))


# ---- whether the money moved on -------------------------------------------------------------------------


def test_only_the_fund_whose_money_moved_is_closed(paid, person, other_provider_org, robot, commissioner):
    """After Alys's money moves, her old fund is closed and her new one is not (though it has entries),
    read alone and as the ledger page reads it."""
    new = _second_fund(person, other_provider_org, robot)
    assert selectors.is_closed(paid) is False
    services.transfer_balance(from_fund=paid, to_fund=new, on_date=START, actor=robot)
    assert (selectors.is_closed(paid), selectors.is_closed(new)) == (True, False)
    assert selectors.fund_visible_to(user=commissioner, pk=paid.pk).has_closing is True
    assert selectors.fund_visible_to(user=commissioner, pk=new.pk).has_closing is False


# ---- the ledger's order and running balance -------------------------------------------------------------


def test_the_ledger_is_in_date_order_whenever_an_entry_was_recorded(paid, provider_finance):
    """Spending dated the 11th recorded before spending dated the 8th: the 8th is listed first, and each
    line's balance is the balance after it in that order, reading from either end."""
    _spend(paid, provider_finance, "20.00", on=START + dt.timedelta(days=5), key="late")
    _spend(paid, provider_finance, "10.00", on=START + dt.timedelta(days=2), key="early")
    entries = selectors.ledger_entries(paid)
    assert [e.idempotency_key for e in entries][2:] == ["early", "late"]
    for from_the_end in (False, True):
        lines, balance = selectors.ledger_page(paid, offset=0, limit=4, from_the_end=from_the_end)
        assert [line.balance for line in lines] == [D("1000.00"), D("950.00"), D("940.00"), D("920.00")]
        assert balance == D("920.00")


# ---- a provider who is also family ----------------------------------------------------------------------


def test_provider_staff_who_represent_someone_also_see_that_persons_fund(
    paid, council, other_provider_org, provider_finance, robot
):
    """Staff of provider A who are also a relative of someone whose fund is with provider B see both."""
    relative = PersonFactory(council=council)
    Representative.objects.create(person=relative, user=provider_finance, relationship="brother")
    theirs = _second_fund(relative, other_provider_org, robot)
    visible = set(selectors.funds_visible_to(user=provider_finance).values_list("pk", flat=True))
    assert visible == {paid.pk, theirs.pk}


def test_only_an_accounts_own_final_statement_ends_the_providers_link(
    paid, person, council, provider_org, other_provider_org, provider_finance, robot
):
    """Alys's money moved and her final statement (to 9 April) was made: the provider no longer reads
    her fund. Another person's money moved and a third's account closed on 7 April, neither with a
    statement of its own: the provider still reads both."""
    services.transfer_balance(
        from_fund=paid, to_fund=_second_fund(person, other_provider_org, robot), on_date=START, actor=robot
    )
    services.produce_statement(fund=paid, start=START, end=START + dt.timedelta(days=3))
    moved = _second_fund(PersonFactory(council=council), provider_org, robot)
    services.post_due_payments(fund=moved, actor=robot, today=START)
    services.transfer_balance(
        from_fund=moved,
        to_fund=_second_fund(moved.person, other_provider_org, robot),
        on_date=START,
        actor=robot,
    )
    closed = _second_fund(PersonFactory(council=council), provider_org, robot)
    closed.closed_on = START + dt.timedelta(days=1)
    closed.save(update_fields=["closed_on"])
    visible = set(
        selectors.funds_visible_to(user=provider_finance)
        .filter(provider=provider_org)
        .values_list("pk", flat=True)
    )
    assert visible == {moved.pk, closed.pk}
    assert selectors.fund_visible_to(user=provider_finance, pk=paid.pk) is None
    assert selectors.fund_visible_to(user=provider_finance, pk=moved.pk) is not None
    assert selectors.fund_visible_to(user=provider_finance, pk=closed.pk) is not None
