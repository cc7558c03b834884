"""The approval rules at their edges (DESIGN.md, "No single person creates money that counts"): each
test here was written against a fault seeded into budgets/services.py that the suite did not catch."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets import services
from budgets.models import BudgetStatus
from budgets.services import ArrangementInput, BudgetError
from organisations.models import Role
from organisations.services import grant_role

pytestmark = pytest.mark.django_db

D = Decimal


def _propose(person, actor, amount="1000.00"):
    return services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[ArrangementInput("direct_payment", D(amount))],
        actor=actor,
    )


def test_an_approver_may_approve_a_budget_exactly_at_their_limit(person, commissioner, second_approver):
    budget = _propose(person, commissioner, amount="20000.00")  # second_approver's limit is £20,000.00
    approved = services.budget_approve(budget=budget, actor=second_approver)
    assert approved.status == BudgetStatus.APPROVED
    assert approved.decided_by == second_approver


def test_a_penny_over_the_limit_is_refused_and_nothing_changes(person, commissioner, second_approver):
    budget = _propose(person, commissioner, amount="20000.01")
    with pytest.raises(BudgetError, match="above your approval limit of £20,000.00"):
        services.budget_approve(budget=budget, actor=second_approver)
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED and budget.decided_by is None


def test_a_proposer_cannot_send_back_their_own_proposal(person, commissioner, council):
    grant_role(user=commissioner, role=Role.APPROVER, council=council, approval_limit=D("99999.00"))
    budget = _propose(person, commissioner)
    entries = LogEntry.objects.count()
    with pytest.raises(BudgetError, match="^You proposed this budget, so someone else must decide on it.$"):
        services.budget_send_back(budget=budget, actor=commissioner, reason="Not sure")
    budget.refresh_from_db()
    assert (budget.status, budget.decision_reason) == (BudgetStatus.PROPOSED, "")
    assert LogEntry.objects.count() == entries


def test_an_approved_budget_cannot_be_withdrawn(person, commissioner, approver):
    budget = services.budget_approve(budget=_propose(person, commissioner), actor=approver)
    with pytest.raises(BudgetError, match="^An approved budget cannot be withdrawn"):
        services.budget_withdraw(budget=budget, actor=commissioner)
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.APPROVED


@pytest.mark.parametrize("status", [BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK])
def test_a_waiting_or_sent_back_budget_can_be_withdrawn_and_it_is_audited(
    person, commissioner, approver, status
):
    budget = _propose(person, commissioner)
    if status == BudgetStatus.SENT_BACK:
        services.budget_send_back(budget=budget, actor=approver, reason="Add respite")
    withdrawn = services.budget_withdraw(budget=budget, actor=commissioner)
    assert withdrawn.status == BudgetStatus.WITHDRAWN
    entry = LogEntry.objects.filter(object_pk=str(budget.pk)).latest("pk")
    assert entry.actor == commissioner
    assert entry.additional_data["event"] == "budget withdrawn"


def test_staff_who_are_not_approvers_here_are_told_so_and_nothing_changes(
    person, commissioner, other_council_commissioner
):
    budget = _propose(person, commissioner)
    with pytest.raises(services.NotAllowed) as refused:
        services.budget_approve(budget=budget, actor=other_council_commissioner)
    assert str(refused.value) == "Only an approver in this council can approve budgets."
    with pytest.raises(services.NotAllowed) as refused:
        services.budget_send_back(budget=budget, actor=other_council_commissioner, reason="No")
    assert str(refused.value) == "Only an approver in this council can send budgets back."
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED and budget.decided_by is None


def test_an_approval_is_recorded_with_who_the_new_status_and_the_review_date(
    person, commissioner, second_approver
):
    budget = _propose(person, commissioner)
    approved = services.budget_approve(budget=budget, actor=second_approver)
    assert approved.decision_reason == ""
    assert approved.review_due == dt.date(2027, 4, 1)
    entry = LogEntry.objects.get(object_pk=str(budget.pk), additional_data__event="budget approved")
    assert entry.actor == second_approver
    assert set(entry.changes_dict) >= {"status", "review_due"}
    assert entry.changes_dict["status"][1] == BudgetStatus.APPROVED
