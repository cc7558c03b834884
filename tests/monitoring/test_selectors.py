"""Who sees which monitoring returns, jobs and population figures (monitoring/selectors.py), read
directly: a monitoring officer their own councils', a platform administrator every council's, anyone
else none. Written to kill the mutants `make mutate` found surviving in monitoring/selectors.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from budgets import batches, blocks
from budgets.models import BudgetReview, PersonalBudget
from budgets.review_models import ReviewOutcome
from monitoring import selectors
from monitoring.models import MonitoringReturn, PopulationFigure, ReturnJob
from monitoring.periods import Period, period_containing
from organisations.models import Membership, Role
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(council, other_council):
    """A population figure, a job and a return for each of two councils."""
    made = {}
    for c in (council, other_council):
        figure = PopulationFigure.objects.create(council=c, year=2026, age_band="18-64", population=1000)
        job = ReturnJob.objects.create(council=c, period="2026-27-Q1", status="done")
        ret = MonitoringReturn.objects.create(
            council=c,
            period="2026-27-Q1",
            period_start=dt.date(2026, 4, 1),
            period_end=dt.date(2026, 6, 30),
            version=1,
            figures={},
            checksum="0" * 64,
            created_at=timezone.now(),
        )
        made[c] = (figure, job, ret)
    return made


def test_an_officer_sees_only_their_councils_returns_jobs_and_figures(
    council, other_council, monitoring_officer, records
):
    figure, job, ret = records[council]
    assert selectors.monitoring_council_ids(user=monitoring_officer) == {council.pk}
    assert selectors.may_see_monitoring(user=monitoring_officer) is True
    assert list(selectors.population_visible_to(user=monitoring_officer)) == [figure]
    assert list(selectors.returns_visible_to(user=monitoring_officer)) == [ret]
    assert list(selectors.jobs_visible_to(user=monitoring_officer)) == [job]
    assert list(selectors.councils_user_may_request_for(user=monitoring_officer)) == [council]


def test_a_platform_admin_sees_every_council(council, other_council, records):
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    assert selectors.monitoring_council_ids(user=admin) is None
    assert selectors.may_see_monitoring(user=admin) is True
    assert selectors.population_visible_to(user=admin).count() == 2
    assert {r.council for r in selectors.returns_visible_to(user=admin)} == {council, other_council}
    assert {j.council for j in selectors.jobs_visible_to(user=admin)} == {council, other_council}
    # An administrator asks for returns through a council's officers, not for any council.
    assert list(selectors.councils_user_may_request_for(user=admin)) == []


def test_other_staff_families_and_visitors_see_none(council, commissioner, records):
    family = UserFactory()
    for user in (commissioner, family, AnonymousUser()):
        assert selectors.monitoring_council_ids(user=user) == set()
        assert selectors.may_see_monitoring(user=user) is False
        assert list(selectors.population_visible_to(user=user)) == []
        assert list(selectors.returns_visible_to(user=user)) == []
        assert list(selectors.jobs_visible_to(user=user)) == []


def test_an_officer_of_another_role_in_a_second_council_sees_only_the_first(council, other_council, records):
    officer = staff(Role.MONITORING_OFFICER, council=council)
    Membership.objects.create(user=officer, role=Role.COMMISSIONER, council=other_council)
    assert {r.council for r in selectors.returns_visible_to(user=officer)} == {council}
    assert list(selectors.councils_user_may_request_for(user=officer)) == [council]


def test_the_periods_offered_are_the_recent_ones_of_the_day_given():
    offered = selectors.periods_to_offer(today=dt.date(2026, 5, 10))
    assert offered[0] == Period(2026) or offered[0] == Period(2026, 1)
    assert Period(2026, 1) in offered and Period(2025, 4) in offered and Period(2024) in offered
    assert Period(2026, 2) not in offered
    assert selectors.periods_to_offer() == selectors.periods_to_offer(today=dt.date.today())


def test_the_lists_fetch_the_council_requester_and_return_with_the_rows(
    council, monitoring_officer, records, django_assert_num_queries
):
    """The returns and jobs pages show each row's council, who asked and the return made: one query for
    the lot, not one more per row."""
    ReturnJob.objects.create(
        council=council, period="2025-26", status="done", requested_by=monitoring_officer
    )
    selectors.monitoring_council_ids(user=monitoring_officer)  # the user's roles, read once a request
    with django_assert_num_queries(1):
        jobs = [
            (j.council.name, j.requested_by and j.requested_by.email, hasattr(j, "monitoring_return"))
            for j in selectors.jobs_visible_to(user=monitoring_officer)
        ]
    assert sorted(jobs, key=str) == sorted(
        [("Dorset Council", None, False), ("Dorset Council", monitoring_officer.email, False)], key=str
    )
    MonitoringReturn.objects.create(
        council=council,
        period="2026-27-Q1",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        version=2,
        figures={},
        checksum="1" * 64,
        created_at=timezone.now(),
        requested_by=monitoring_officer,
    )
    with django_assert_num_queries(1):
        returns = [
            (r.council.name, r.version, r.requested_by and r.requested_by.email)
            for r in selectors.returns_visible_to(user=monitoring_officer)
        ]
    assert sorted(returns, key=str) == [
        ("Dorset Council", 1, None),
        ("Dorset Council", 2, monitoring_officer.email),
    ]


def test_the_block_comparison_counts_the_outcomes_of_the_blocks_own_people_only(
    council, other_council, commissioner, other_council_commissioner, approver, provider_org
):
    people = [
        PersonFactory(council=council, given_name=n, family_name="Block") for n in ("Ann", "Ben", "Cal")
    ]
    block = blocks.block_record(
        council=council, provider=provider_org, name="Riverside supported living",
        annual_value=Decimal("100000.00"), start_date=dt.date(2023, 4, 1), end_date=None, people=people,
        actor=commissioner,
    )  # fmt: skip
    batches.batch_confirm(batch=block.record_batch, actor=approver)
    block.refresh_from_db()
    today = timezone.localdate()
    # One review of one of the block's people, and one of a person in another council, the same year.
    stranger = PersonFactory(council=other_council, given_name="Dee", family_name="Elsewhere")
    for budget, status, by in (
        (PersonalBudget.objects.filter(person=people[0]).first(), "met", commissioner),
        (approved_budget(stranger), "not_met", other_council_commissioner),
    ):
        review = BudgetReview.objects.create(
            budget=budget, reviewed_on=today, reviewed_by=by, notes="Reviewed",
            next_review_due=today + dt.timedelta(days=365),
        )  # fmt: skip
        ReviewOutcome.objects.create(review=review, outcome="Living at home", status=status)

    (row,) = selectors.block_comparison(block=block, periods=[period_containing(today)])

    assert row["outcomes"] == {"met": 1, "partly_met": 0, "not_met": 0, "no_longer_wanted": 0}
    assert (row["block_cost"], row["block_people"]) == (Decimal("100000.00"), 3)
    assert (row["isf_cost"], row["isf_people"]) == (None, 0)
    assert row["surveys"] == {"responses": 0, "better": 0, "same": 0, "worse": 0}
