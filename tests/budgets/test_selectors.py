"""Scoped reads: who sees which people and budgets, and what counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets import selectors, services
from budgets.models import BudgetStatus, PlanStatus, SupportPlan
from tests.budgets.factories import PersonFactory, approved_budget

pytestmark = pytest.mark.django_db


def test_casework_people_are_the_callers_council_and_their_own_family(
    person, other_person, commissioner, family, provider_a, monitoring_officer
):
    assert list(selectors.people_for_casework(user=commissioner)) == [person]
    assert list(selectors.people_for_casework(user=family)) == [person]
    assert list(selectors.people_for_casework(user=provider_a)) == []
    assert list(selectors.people_for_casework(user=monitoring_officer)) == []


def test_current_budget_is_the_latest_approved_version_that_has_started(person):
    first = approved_budget(person, start=dt.date(2026, 4, 1))
    second = approved_budget(person, start=dt.date(2026, 10, 1), replaces=first)
    assert selectors.current_budget_for(person=person, on=dt.date(2026, 3, 31)) is None
    assert selectors.upcoming_budget_for(person=person, on=dt.date(2026, 3, 31)) == first
    assert selectors.current_budget_for(person=person, on=dt.date(2026, 9, 30)) == first
    assert selectors.current_budget_for(person=person, on=dt.date(2026, 10, 1)) == second


def test_a_proposed_budget_is_not_current_and_not_counted(person, commissioner):
    services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("10.00"))],
        actor=commissioner,
    )
    assert selectors.current_budget_for(person=person, on=dt.date(2027, 1, 1)) is None
    assert selectors.counted_arrangements().count() == 0


def test_active_isf_arrangements_for_the_providers_app(person, provider_org):
    approved_budget(person, parts=(("isf", "5000.00", provider_org), ("direct_payment", "100.00", None)))
    isfs = selectors.active_arrangements(person=person, on=dt.date(2026, 6, 1), management_type="isf")
    assert [(a.provider, a.annual_amount) for a in isfs] == [(provider_org, Decimal("5000.00"))]


def test_the_approval_queue_holds_proposals_of_the_approvers_council_with_totals(
    person, other_person, commissioner, other_council_commissioner, approver
):
    mine = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[
            services.ArrangementInput("direct_payment", Decimal("10.50")),
            services.ArrangementInput("commissioner_controlled", Decimal("20.25")),
        ],
        actor=commissioner,
    )
    services.budget_propose(
        person=other_person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("1.00"))],
        actor=other_council_commissioner,
    )
    queue = list(selectors.approval_queue(user=approver))
    assert queue == [mine]
    assert queue[0].annual_total == Decimal("30.75")


def test_caseload_filters_by_status(commissioner, person, council):
    waiting = PersonFactory(council=council, given_name="Wait")
    approved_budget(person)
    services.budget_propose(
        person=waiting,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("1.00"))],
        actor=commissioner,
    )
    none = PersonFactory(council=council, given_name="None")
    assert list(selectors.caseload(user=commissioner, status=BudgetStatus.PROPOSED)) == [waiting]
    assert list(selectors.caseload(user=commissioner, status="none")) == [none]


def test_the_latest_and_the_latest_agreed_plan_in_one_query_are_those_asked_for_one_by_one(
    person, commissioner, django_assert_num_queries
):
    """The family's page reads both plans in one query (issue 14): the same two as the two lookups."""
    from budgets.views import latest_agreed_plan, latest_and_agreed_plans, latest_plan

    def plan(status, agreed_days_ago=None):
        agreed = timezone.now() - dt.timedelta(days=agreed_days_ago) if agreed_days_ago is not None else None
        return SupportPlan.objects.create(
            person=person,
            status=status,
            what_matters="m",
            outcomes="o",
            how_money_used="h",
            who_helps="w",
            risks="r",
            drafted_by=commissioner,
            agreed_at=agreed,
        )

    def both():
        with django_assert_num_queries(1):
            return latest_and_agreed_plans(person)

    assert both() == (None, None)
    first = plan(PlanStatus.DRAFT)
    assert both() == (latest_plan(person), latest_agreed_plan(person)) == (first, None)
    plan(PlanStatus.AGREED, agreed_days_ago=30)
    newer_agreed = plan(PlanStatus.AGREED, agreed_days_ago=2)
    assert both() == (latest_plan(person), latest_agreed_plan(person)) == (newer_agreed, newer_agreed)
    draft = plan(PlanStatus.DRAFT)
    assert both() == (latest_plan(person), latest_agreed_plan(person)) == (draft, newer_agreed)
