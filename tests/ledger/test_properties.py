"""Proof that the ledger rules hold for any sequence of payments, spending, fees, reversals, refunds,
transfers and repeated keys (a Hypothesis state machine), and that concurrent writers in several
processes can never overspend one fund (PostgreSQL row locks)."""

import datetime as dt
import itertools
import multiprocessing
import os
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Max, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from budgets.models import ManagementType, Person
from organisations.services import system_actor
from providers.ledger import managed, services
from providers.ledger.models import Category, HeldAccount, IndividualServiceFund, LedgerEntry
from providers.ledger.selectors import balance_of, is_closed
from providers.models import AgreementStatus, FlexibleAgreement
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import CouncilFactory, ProviderFactory
from tests.ledger.factories import isf_agreement

START = dt.date(2026, 4, 6)
_people = itertools.count(1)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1500.00"), places=2)
keys = st.sampled_from(["INV-1", "INV-2", "INV-3", "INV-4", "INV-5", "INV-6"])
spend_categories = st.sampled_from([Category.SUPPORT, Category.ACTIVITY, Category.EQUIPMENT])


class LedgerMachine(RuleBasedStateMachine):
    """A model of one person's funds (the current one, and those they moved from) that the real ledger
    must always agree with."""

    entries = Bundle("entries")

    @initialize(
        kind=st.sampled_from(["isf", "managed"]),
        annual=st.sampled_from(["13000.00", "9999.99", "2600.00"]),
        overdraft=st.sampled_from(["0.00", "50.00", "250.00"]),
        fee=st.sampled_from([("5.00", None), (None, "520.00"), ("0.00", None)]),
    )
    def open(self, kind, annual, overdraft, fee):
        """One held-account model: an ISF (under an agreement) or a managed direct payment (for an
        arrangement, with its management cost on top), kept by the same services."""
        self.actor = system_actor()
        n = next(_people)
        self.kind = kind
        self.council = CouncilFactory(gss_code="E06000059")
        self.person = PersonFactory(council=self.council, person_ref=f"PROP-{os.getpid()}-{n}")
        self.providers = [ProviderFactory(provider_ref=f"PRV-P{i}") for i in range(3)]
        self.today = START
        self.annual, self.fee = annual, fee
        if kind == "isf":
            self.overdraft = Decimal(overdraft)
            agreement = isf_agreement(
                person=self.person,
                provider=self.providers[0],
                annual=annual,
                fee_percent=fee[0],
                fee_fixed=fee[1],
                overdraft=overdraft,
                start=START,
            )
            self.fund = services.open_fund(agreement=agreement, actor=self.actor)
        else:
            self.overdraft = Decimal("0.00")  # a managed direct payment never goes below zero
            budget = approved_budget(
                self.person,
                start=START,
                parts=((ManagementType.DIRECT_PAYMENT_MANAGED, annual, self.providers[0]),),
            )
            arrangement = budget.arrangements.get()
            arrangement.management_cost_percent = Decimal(fee[0]) if fee[0] else None
            arrangement.management_cost_amount = Decimal(fee[1]) if fee[1] else None
            arrangement.save()
            self.fund = managed.open_managed_account(arrangement=arrangement, actor=self.actor)
        self.funds = [self.fund]
        self.expected = {self.fund.pk: Decimal("0.00")}  # the model's balance of each fund
        self.count = 0  # entries written, by the model
        self.used = {}  # (fund, key) -> content
        self.moves = 0

    def _add(self, entry):
        self.expected[entry.fund_id] += entry.amount
        self.count += 1

    @rule(days=st.integers(min_value=0, max_value=40))
    def pay(self, days):
        self.today += dt.timedelta(days=days)
        for entry in services.post_due_payments(fund=self.fund, actor=self.actor, today=self.today):
            self._add(entry)
        # Posting again adds nothing.
        assert services.post_due_payments(fund=self.fund, actor=self.actor, today=self.today) == []

    @rule(target=entries, amount=amounts, key=keys, category=spend_categories)
    def spend(self, amount, key, category):
        content = (category, amount, self.today)
        fund_key = (self.fund.pk, key)
        before = self.expected[self.fund.pk]
        try:
            entry, created = services.record_spending(
                fund=self.fund,
                entry_date=self.today,
                category=category,
                amount=amount,
                description=f"{category} bought",
                idempotency_key=key,
                actor=self.actor,
                today=self.today,
            )
        except services.IdempotencyConflict:
            assert fund_key in self.used and self.used[fund_key] != content
            return multiple()
        except services.LedgerError as exc:
            assert fund_key not in self.used
            assert before - amount < -self.overdraft, str(exc)
            return multiple()
        if fund_key in self.used:
            assert not created and self.used[fund_key] == content
            return multiple()
        assert created and before - amount >= -self.overdraft
        self.used[fund_key] = content
        self._add(entry)
        return entry

    @rule(entry=entries)
    def repeat(self, entry):
        """A retried request with the same key and content adds nothing."""
        again, created = services.record_spending(
            fund=entry.fund,
            entry_date=entry.entry_date,
            category=entry.category,
            amount=-entry.amount,
            description=entry.description,
            idempotency_key=entry.idempotency_key,
            actor=self.actor,
            today=self.today,
        )
        assert not created and again.pk == entry.pk

    @rule(entry=entries)
    def reverse(self, entry):
        already = LedgerEntry.objects.filter(reverses=entry).exists()
        try:
            reversal = services.reverse_entry(
                entry=entry, reason="A mistake", actor=self.actor, today=self.today
            )
        except services.LedgerError:
            assert already or self.expected[entry.fund_id] - entry.amount < -self.overdraft
            return
        assert not already and reversal.amount == -entry.amount
        self._add(reversal)

    @rule(amount=amounts)
    def refund(self, amount):
        before = self.expected[self.fund.pk]
        try:
            entry, _ = services.record_refund(
                fund=self.fund, amount=amount, reason="Not needed", actor=self.actor, today=self.today
            )
        except services.LedgerError:
            assert before - amount < 0
            return
        self._add(entry)

    @rule()
    def move(self):
        """The person moves to another provider: the old agreement ends, a new one starts today."""
        if self.moves >= 2:
            return
        self.moves += 1
        if self.kind == "managed":
            self._move_managed()
            return
        old = self.fund.agreement
        FlexibleAgreement.objects.filter(pk=old.pk).update(
            status=AgreementStatus.ENDED, end_date=max(self.today - dt.timedelta(days=1), old.start_date)
        )
        old.refresh_from_db()
        self.today = max(self.today, old.end_date + dt.timedelta(days=1))
        new = isf_agreement(
            person=self.person,
            provider=self.providers[self.moves],
            annual=self.annual,
            fee_percent=self.fee[0],
            fee_fixed=self.fee[1],
            overdraft=str(self.overdraft),
            replaces=old,
            start=self.today,
        )
        before = {f.pk: f.entries.count() for f in self.funds}
        services.move_balance_on_move(
            old_agreement=old, new_agreement=new, on_date=self.today, actor=self.actor
        )
        new_fund = IndividualServiceFund.objects.get(agreement=new)
        # Whatever the move posted (payments still due to the old fund, the transfer pair) joins the model.
        for fund in self.funds:
            for entry in fund.entries.order_by("pk")[before[fund.pk] :]:
                self._add(entry)
        self.expected[new_fund.pk] = Decimal("0.00")
        for entry in new_fund.entries.all():
            self._add(entry)
        assert balance_of(self.fund) <= 0
        self.fund = new_fund
        self.funds.append(new_fund)

    def _move_managed(self):
        """The person moves their managed direct payment to another organisation from a date."""
        self.today = max(self.today, self.fund.arrangement.start_date + dt.timedelta(days=1))
        before = {f.pk: f.entries.count() for f in self.funds}
        new_fund = managed.move_managed_account(
            account=self.fund,
            to=managed.MOVE_TO_ORGANISATION,
            provider=self.providers[self.moves],
            on_date=self.today,
            actor=self.actor,
            today=self.today,
        )
        for fund in self.funds:
            for entry in fund.entries.order_by("pk")[before[fund.pk] :]:
                self._add(entry)
        self.expected[new_fund.pk] = Decimal("0.00")
        for entry in new_fund.entries.all():
            self._add(entry)
        assert balance_of(self.fund) <= 0 and is_closed(self.fund)
        assert new_fund.kind == "direct_payment_managed" and new_fund.budget_ref == self.fund.budget_ref
        self.fund = new_fund
        self.funds.append(new_fund)

    @invariant()
    def balances_are_the_sum_of_entries(self):
        if not hasattr(self, "fund"):
            return
        total = 0
        for fund in self.funds:
            amounts = list(LedgerEntry.objects.filter(fund=fund).values_list("amount", flat=True))
            total += len(amounts)
            assert balance_of(fund) == sum(amounts, Decimal("0.00")) == self.expected[fund.pk]
            # The balance kept on the account row (what pages read) is the sum of the entries, and its
            # last entry date their latest, after any sequence of operations.
            row = HeldAccount.objects.values("balance", "last_entry_on").get(pk=fund.pk)
            assert row["balance"] == sum(amounts, Decimal("0.00"))
            assert (
                row["last_entry_on"]
                == LedgerEntry.objects.filter(fund=fund).aggregate(last=Max("entry_date"))["last"]
            )
            assert balance_of(fund) >= -fund.terms.overdraft_limit
        # A repeated key adds nothing: the database holds exactly the entries the model wrote.
        assert total == self.count

    @invariant()
    def money_moved_between_funds_sums_to_zero(self):
        if not hasattr(self, "fund"):
            return
        transfers = LedgerEntry.objects.filter(fund__person=self.person, category=Category.TRANSFER)
        assert (transfers.aggregate(total=Sum("amount"))["total"] or 0) == 0
        for entry in transfers.select_related("transfer_pair"):
            assert entry.transfer_pair.transfer_pair_id == entry.pk
            assert entry.transfer_pair.amount == -entry.amount


def multiple():
    from hypothesis.stateful import multiple as _multiple

    return _multiple()


@pytest.mark.django_db
def test_the_ledger_rules_hold_for_any_sequence_of_operations():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=18,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# ---- several processes spending at once -------------------------------------------------------------


def _spend_in_a_process(fund_id: int, worker: int, tries: int, amount: str, start, results) -> None:
    """Runs in a child process with its own database connection to the test database."""
    import django
    from django.db import connections

    django.setup()
    connections.close_all()  # never reuse the parent's socket
    from organisations.services import system_actor as actor_of
    from providers.ledger import services as ledger_services
    from providers.ledger.models import IndividualServiceFund as Fund

    fund = Fund.objects.get(pk=fund_id)
    actor = actor_of()
    made = 0
    for n in range(tries):
        try:
            _, created = ledger_services.record_spending(
                fund=fund,
                entry_date=start,
                category="support",
                amount=amount,
                description="Support hours",
                idempotency_key=f"w{worker}-{n}",
                actor=actor,
                today=start,
            )
            made += int(created)
        except ledger_services.LedgerError:
            pass
    connections.close_all()
    results.put(made)


@pytest.mark.django_db(transaction=True)
def test_several_processes_spending_at_once_never_overspend():
    actor = system_actor()
    council = CouncilFactory(gss_code="E06000059")
    person = PersonFactory(council=council)
    agreement = isf_agreement(person=person, provider=ProviderFactory(provider_ref="PRV-C"), start=START)
    fund = services.open_fund(agreement=agreement, actor=actor)
    services.post_due_payments(fund=fund, actor=actor, today=START)  # £1,000 in, £50 fee: £950 left
    assert balance_of(fund) == Decimal("950.00")
    connection.close()  # children must not share this connection's socket

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_spend_in_a_process, args=(fund.pk, w, 12, "45.00", START, results))
        for w in range(6)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    made = sum(results.get(timeout=5) for _ in workers)

    spent = -LedgerEntry.objects.filter(fund=fund, category="support").aggregate(t=Sum("amount"))["t"]
    # 6 × 12 × £45 = £3,240 was asked for; exactly 21 × £45 = £945 fits in £950 and nothing more.
    assert made == 21 and spent == Decimal("945.00")
    assert balance_of(fund) == Decimal("5.00")
    assert Person.objects.filter(pk=person.pk).exists()
