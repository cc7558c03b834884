"""Deciding on a proposal (DESIGN.md, "No single person creates money that counts"): only a proposal
waiting can be approved or sent back, never by its proposer, within the approver's limit, with who and
when recorded; a jointly funded budget is decided share by share; rules other apps add can stop one
approver approving alone (issue 20: each test here kills mutants that survived the earlier tests)."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets import services
from budgets.models import BudgetStatus, PersonalBudget
from budgets.services import ArrangementInput, BudgetError
from budgets.services import access as access_rules
from tests.budgets.factories import approved_budget

pytestmark = pytest.mark.django_db

D = Decimal
APRIL = dt.date(2026, 4, 1)


def _propose(person, actor, *parts, start=APRIL, **kw):
    parts = parts or (ArrangementInput("direct_payment", D("1000.00")),)
    return services.budget_propose(
        person=person, start_date=start, arrangements=list(parts), actor=actor, **kw
    )


def _events(budget):
    return list(
        LogEntry.objects.filter(object_pk=str(budget.pk), content_type__model="personalbudget")
        .order_by("pk")
        .values_list("additional_data__event", flat=True)
    )


# ---- approving ----


def test_an_approval_records_who_when_and_the_review_a_year_on(person, commissioner, approver):
    budget = _propose(person, commissioner)
    approved = services.budget_approve(budget=budget, actor=approver)
    approved.refresh_from_db()
    assert (approved.status, approved.decided_by, approved.decision_reason) == (
        BudgetStatus.APPROVED,
        approver,
        "",
    )
    assert approved.decided_at is not None and approved.decided_at >= approved.proposed_at
    assert approved.review_due == dt.date(2027, 4, 1)
    entry = LogEntry.objects.get(object_pk=str(budget.pk), additional_data__event="budget approved")
    assert entry.actor == approver
    assert entry.changes_dict == {"status": ["proposed", "approved"], "review_due": ["", "2027-04-01"]}


def test_a_review_date_given_with_the_proposal_is_kept(person, commissioner, approver):
    budget = _propose(person, commissioner, review_due=dt.date(2026, 10, 1))
    assert services.budget_approve(budget=budget, actor=approver).review_due == dt.date(2026, 10, 1)


def test_a_29_february_start_is_reviewed_on_28_february(person, commissioner, approver):
    budget = _propose(person, commissioner, start=dt.date(2028, 2, 29))
    assert services.budget_approve(budget=budget, actor=approver).review_due == dt.date(2029, 2, 28)
    assert services.add_years(dt.date(2028, 2, 29), 4) == dt.date(2032, 2, 29)


def test_approving_twice_is_recorded_once(person, commissioner, approver):
    budget = _propose(person, commissioner)
    services.budget_approve(budget=budget, actor=approver)
    again = services.budget_approve(budget=budget, actor=approver)
    assert again.status == BudgetStatus.APPROVED
    assert _events(budget) == ["budget proposed", "budget approved"]


@pytest.mark.parametrize(
    "status, label", [(BudgetStatus.SENT_BACK, "sent back"), (BudgetStatus.WITHDRAWN, "withdrawn")]
)
def test_only_a_proposal_waiting_can_be_approved(person, commissioner, approver, status, label):
    budget = _propose(person, commissioner)
    PersonalBudget.objects.filter(pk=budget.pk).update(status=status)
    for approve in (services.budget_approve, services.budget_approve_by_funders):
        with pytest.raises(BudgetError) as refused:
            approve(budget=budget, actor=approver)
        assert str(refused.value) == f"This budget is {label}, so it cannot be approved."
    budget.refresh_from_db()
    assert budget.status == status and budget.decided_by is None


def test_the_proposer_cannot_approve_their_own_even_within_their_limit(person, commissioner, council):
    from organisations.models import Role
    from organisations.services import grant_role

    grant_role(user=commissioner, role=Role.APPROVER, council=council, approval_limit=D("99999.00"))
    budget = _propose(person, commissioner)
    with pytest.raises(BudgetError) as refused:
        services.budget_approve(budget=budget, actor=commissioner)
    assert str(refused.value) == "You proposed this budget, so someone else must approve it."
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED


def test_an_approver_without_a_limit_is_told_so(person, commissioner, council):
    from tests.factories import staff

    no_limit = staff("approver", council=council)
    budget = _propose(person, commissioner)
    with pytest.raises(BudgetError) as refused:
        services.budget_approve(budget=budget, actor=no_limit)
    assert (
        str(refused.value) == "You have no approval limit in this council yet, so you cannot approve budgets."
    )


def test_the_limit_is_checked_against_the_most_on_any_day_not_the_sum_of_parts(
    person, commissioner, second_approver
):
    """£20,000.00 limit: two parts one after the other of £15,000.00 are within it; the same parts
    overlapping for one day are not, and the refusal says both amounts."""
    july = dt.date(2026, 7, 1)
    one_after_other = _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("15000.00"), end_date=july - dt.timedelta(days=1)),
        ArrangementInput("direct_payment", D("15000.00"), start_date=july),
    )
    assert (
        services.budget_approve(budget=one_after_other, actor=second_approver).status == BudgetStatus.APPROVED
    )
    overlapping = _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("15000.00"), end_date=july.replace(year=2027)),
        ArrangementInput("direct_payment", D("15000.00"), start_date=july.replace(year=2027)),
        start=dt.date(2027, 4, 1),
    )
    with pytest.raises(BudgetError) as refused:
        services.budget_approve(budget=overlapping, actor=second_approver)
    assert str(refused.value) == (
        "This budget is £30,000.00 a year, above your approval limit of £20,000.00. "
        "Ask an approver with a higher limit."
    )


@pytest.fixture
def approval_rule():
    """A rule another app adds (as nhs does for jointly funded budgets), taken out after the test."""
    added = []

    def add(rule):
        added.append(rule)
        access_rules.register_approval_rule(rule)

    yield add
    for rule in added:
        while rule in access_rules._APPROVAL_RULES:
            access_rules._APPROVAL_RULES.remove(rule)


def test_a_rule_another_app_adds_stops_one_approver_approving_alone(
    person, commissioner, approver, approval_rule
):
    budget = _propose(person, commissioner)
    assert services.approval_elsewhere(budget) == ""

    def quiet(b):
        return ""

    def joint(b):
        return "Each funder approves its own share." if b.pk == budget.pk else ""

    approval_rule(quiet)
    approval_rule(joint)
    approval_rule(joint)
    assert access_rules._APPROVAL_RULES.count(joint) == 1
    assert services.approval_elsewhere(budget) == "Each funder approves its own share."
    with pytest.raises(BudgetError) as refused:
        services.budget_approve(budget=budget, actor=approver)
    assert str(refused.value) == "Each funder approves its own share."
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED


def test_the_last_funder_approving_approves_the_whole_budget(person, commissioner, approver):
    budget = _propose(person, commissioner)
    approved = services.budget_approve_by_funders(budget=budget, actor=approver)
    approved.refresh_from_db()
    assert (approved.status, approved.decided_by, approved.review_due) == (
        BudgetStatus.APPROVED,
        approver,
        dt.date(2027, 4, 1),
    )
    assert approved.decided_at is not None
    assert _events(budget) == ["budget proposed", "budget approved: every funder approved its share"]
    again = services.budget_approve_by_funders(budget=budget, actor=approver)
    assert again.status == BudgetStatus.APPROVED and len(_events(budget)) == 2


def test_a_new_version_approved_ends_the_old_parts_the_day_before_and_says_so(person, commissioner, approver):
    current = approved_budget(person)
    new = _propose(person, commissioner, start=dt.date(2027, 1, 1))
    services.budget_approve(budget=new, actor=approver)
    assert current.arrangements.get().end_date == dt.date(2026, 12, 31)
    current.refresh_from_db()
    assert current.status == BudgetStatus.APPROVED
    entry = LogEntry.objects.get(
        object_pk=str(current.pk), additional_data__event="replaced by a new version"
    )
    assert entry.actor == approver
    assert entry.changes_dict == {"arrangements_end": ["", "2026-12-31"]}


# ---- sending back ----


def test_sending_back_records_who_when_and_the_reason_once(person, commissioner, approver):
    budget = _propose(person, commissioner)
    sent = services.budget_send_back(budget=budget, actor=approver, reason="  Add respite.  ")
    sent.refresh_from_db()
    assert (sent.status, sent.decided_by, sent.decision_reason) == (
        BudgetStatus.SENT_BACK,
        approver,
        "Add respite.",
    )
    assert sent.decided_at is not None
    entry = LogEntry.objects.get(object_pk=str(budget.pk), additional_data__event="budget sent back")
    assert entry.actor == approver
    assert entry.changes_dict == {"status": ["proposed", "sent_back"]}
    assert entry.additional_data["note"] == "Add respite."
    # Pressing the button again with the same reason changes nothing; another reason is refused.
    services.budget_send_back(budget=budget, actor=approver, reason="Add respite.")
    assert _events(budget) == ["budget proposed", "budget sent back"]
    with pytest.raises(BudgetError) as refused:
        services.budget_send_back(budget=budget, actor=approver, reason="Something else.")
    assert str(refused.value) == "This budget is sent back, so it cannot be sent back."


def test_an_approved_budget_cannot_be_sent_back(person, commissioner, approver):
    budget = services.budget_approve(budget=_propose(person, commissioner), actor=approver)
    with pytest.raises(BudgetError) as refused:
        services.budget_send_back(budget=budget, actor=approver, reason="Too much.")
    assert str(refused.value) == "This budget is approved, so it cannot be sent back."


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_sending_back_needs_a_reason(person, commissioner, approver, reason):
    budget = _propose(person, commissioner)
    with pytest.raises(BudgetError) as refused:
        services.budget_send_back(budget=budget, actor=approver, reason=reason)
    assert str(refused.value) == "Say why you are sending it back."
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED


def test_a_funder_sending_its_share_back_sends_the_whole_proposal_back(person, commissioner, approver):
    budget = _propose(person, commissioner)
    sent = services.budget_sent_back_by_funder(
        budget=budget, actor=approver, reason="The NHS share is too low."
    )
    sent.refresh_from_db()
    assert (sent.status, sent.decided_by, sent.decision_reason) == (
        BudgetStatus.SENT_BACK,
        approver,
        "The NHS share is too low.",
    )
    assert sent.decided_at is not None
    entry = LogEntry.objects.get(
        object_pk=str(budget.pk), additional_data__event="budget sent back by a funder"
    )
    assert entry.actor == approver
    assert entry.changes_dict == {"status": ["proposed", "sent_back"]}
    assert entry.additional_data["note"] == "The NHS share is too low."
    with pytest.raises(BudgetError) as refused:
        services.budget_sent_back_by_funder(budget=budget, actor=approver, reason="Again.")
    assert str(refused.value) == "This budget is sent back, so it cannot be sent back."


def test_a_new_version_proposed_before_another_was_approved_cannot_be_approved(
    person, commissioner, approver
):
    first = approved_budget(person)
    stale = _propose(person, commissioner, start=dt.date(2027, 1, 1))
    assert stale.replaces == first
    approved_budget(person, start=dt.date(2026, 10, 1), replaces=first)  # approved meanwhile
    with pytest.raises(BudgetError) as refused:
        services.budget_approve(budget=stale, actor=approver)
    assert str(refused.value) == (
        "Another version of this budget was approved after this one was proposed. "
        "Send this back and propose it again from the current version."
    )
    stale.refresh_from_db()
    assert stale.status == BudgetStatus.PROPOSED
    assert first.arrangements.get().end_date is None
