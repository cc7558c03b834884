"""Which approved version is current and which is next, at the edges. Written to kill mutants that
`make mutate` found surviving in budgets/selectors.py."""

import datetime as dt

import pytest

from budgets import selectors
from budgets.models import BudgetStatus, PersonalBudget
from tests.budgets.factories import PersonFactory, approved_budget

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 1)


def test_the_upcoming_version_is_the_persons_next_approved_one_starting_after_the_day(person, council):
    approved_budget(person, start=dt.date(2026, 4, 1))
    starts_that_day = approved_budget(person, start=DAY)
    later = approved_budget(person, start=dt.date(2026, 9, 1))
    same_day_later_pk = approved_budget(person, start=dt.date(2026, 9, 1))
    approved_budget(person, start=dt.date(2027, 1, 1))
    PersonalBudget.objects.create(person=person, start_date=dt.date(2026, 7, 1), status=BudgetStatus.PROPOSED)
    approved_budget(PersonFactory(council=council), start=dt.date(2026, 6, 15))  # someone else's

    assert selectors.upcoming_budget_for(person=person, on=DAY) == later
    assert later.pk < same_day_later_pk.pk
    assert selectors.current_budget_for(person=person, on=DAY) == starts_that_day
    assert selectors.upcoming_budget_for(person=person, on=dt.date(2027, 1, 1)) is None


def test_the_current_version_is_the_latest_started_and_on_a_tie_the_later_one(person, council):
    first = approved_budget(person, start=dt.date(2026, 4, 1))
    tie = approved_budget(person, start=dt.date(2026, 4, 1))
    PersonalBudget.objects.create(person=person, start_date=dt.date(2026, 5, 1), status=BudgetStatus.PROPOSED)
    approved_budget(PersonFactory(council=council), start=dt.date(2026, 5, 15))
    assert first.pk < tie.pk
    assert selectors.current_budget_for(person=person, on=DAY) == tie
    assert selectors.current_budget_for(person=person, on=dt.date(2026, 3, 31)) is None


def test_the_caseload_is_in_name_order_and_reviews_soonest_first(council, commissioner):
    people = [
        PersonFactory(council=council, family_name="Stone", given_name=g, person_ref=r)
        for g, r in (("Zoe", "R-1"), ("Ava", "R-3"), ("Ava", "R-2"))
    ]
    assert list(selectors.caseload(user=commissioner, search="Stone")) == [people[2], people[1], people[0]]
    on = dt.date(2026, 4, 1)
    late = approved_budget(people[0], review_due=on + dt.timedelta(days=30))
    early = approved_budget(people[1], review_due=on + dt.timedelta(days=2))
    approved_budget(people[2], review_due=on + dt.timedelta(days=31))  # not due within 30 days
    PersonalBudget.objects.create(
        person=people[2], start_date=on, status=BudgetStatus.PROPOSED, review_due=on
    )  # a proposal is never due a review
    assert list(selectors.reviews_due(user=commissioner, on=on)) == [early, late]
