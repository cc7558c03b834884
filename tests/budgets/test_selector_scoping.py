"""Every budgets selector keeps each user to what they may see (DESIGN.md, "Access"): a family sees only
their own person, staff only their own council's, and the caseload's filters really narrow. Each
assertion was written against a selector fault seeded by hand that the suite did not catch."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets import selectors, services
from budgets.models import BudgetStatus
from organisations.models import Role
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


def _answers(questionnaire):
    return {q.pk: q.options.first().pk for q in questionnaire.questions.all()}


@pytest.fixture
def world(person, other_person, council, commissioner, other_council_commissioner, questionnaire):
    """Three people: the family's own (Ava), a neighbour in the same council, and one in another council,
    each with an approved budget and an assessment; the neighbour also has a proposal waiting."""
    neighbour = PersonFactory(
        council=council,
        person_ref="DOR-2",
        given_name="Cai",
        family_name="Moss",
        primary_support_reason="mental_health",
    )
    approved_budget(
        person, parts=(("commissioner_controlled", "1000.00", None),), review_due=dt.date(2026, 5, 1)
    )
    approved_budget(neighbour, review_due=dt.date(2026, 5, 1))
    approved_budget(other_person, review_due=dt.date(2026, 5, 1))
    for who, actor in ((person, commissioner), (neighbour, commissioner)):
        services.assessment_create(person=who, answers=_answers(questionnaire), actor=actor)
    proposal = services.budget_propose(
        person=neighbour,
        start_date=dt.date(2026, 6, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("5.00"))],
        actor=commissioner,
    )
    services.budget_propose(
        person=other_person,
        start_date=dt.date(2026, 6, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("5.00"))],
        actor=other_council_commissioner,
    )
    return {"own": person, "neighbour": neighbour, "elsewhere": other_person, "proposal": proposal}


def _people_of(qs) -> set:
    """The people a queryset of people, budgets, arrangements or assessments is about."""
    model = qs.model.__name__
    if model == "Person":
        return set(qs)
    if model == "Arrangement":
        return {a.budget.person for a in qs.select_related("budget__person")}
    return {x.person for x in qs.select_related("person")}


FAMILY_SELECTORS = [
    "people_visible_to",
    "people_represented_by",
    "people_for_casework",
    "budgets_visible_to",
    "budgets_for_casework",
    "arrangements_visible_to",
    "assessments_visible_to",
]


@pytest.fixture
def themselves(person):
    """The person signed in with their own account (not a representative)."""
    user = UserFactory(email="ava@test.example.org", full_name="Ava Stone")
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.mark.parametrize("name", FAMILY_SELECTORS)
@pytest.mark.parametrize("who", ["family", "themselves"])
def test_a_family_sees_only_their_own_person_through_every_selector(world, who, name, request):
    # Signed in as a representative (a mother) and as the person themselves: each only ever reaches
    # Ava, never the neighbour in the same council who also has a budget and an assessment.
    found = getattr(selectors, name)(user=request.getfixturevalue(who))
    assert _people_of(found) == {world["own"]}
    assert found.exists()


@pytest.mark.parametrize("name", [n for n in FAMILY_SELECTORS if n != "people_represented_by"])
def test_a_commissioner_sees_their_own_councils_people_only(world, commissioner, name):
    assert _people_of(getattr(selectors, name)(user=commissioner)) == {world["own"], world["neighbour"]}


def test_a_stranger_sees_nobody(world, stranger):
    for name in FAMILY_SELECTORS:
        assert not getattr(selectors, name)(user=stranger).exists(), name


def test_the_caseload_is_the_councils_and_each_filter_narrows_it(world, commissioner):
    own, neighbour = world["own"], world["neighbour"]
    assert list(selectors.caseload(user=commissioner)) == [neighbour, own]  # Moss, Stone
    assert list(selectors.caseload(user=commissioner, search="stone")) == [own]
    assert list(selectors.caseload(user=commissioner, search="DOR-2")) == [neighbour]
    assert list(selectors.caseload(user=commissioner, reason="mental_health")) == [neighbour]
    assert list(selectors.caseload(user=commissioner, management_type="commissioner_controlled")) == [own]
    assert list(selectors.caseload(user=commissioner, status=BudgetStatus.PROPOSED)) == [neighbour]
    assert list(selectors.caseload(user=commissioner, search="Bryn")) == []


def test_the_approval_queue_and_reviews_due_stay_in_the_council(world, council, commissioner):
    approver = staff("approver", council=council, approval_limit=Decimal("100.00"))
    assert list(selectors.approval_queue(user=approver)) == [world["proposal"]]
    due = selectors.reviews_due(user=commissioner, on=dt.date(2026, 4, 15))
    assert {b.person for b in due} == {world["own"], world["neighbour"]}


def test_a_platform_administrators_caseload_is_every_council(world, platform_admin):
    assert set(selectors.caseload(user=platform_admin)) == {
        world["own"],
        world["neighbour"],
        world["elsewhere"],
    }
    assert list(selectors.caseload(user=platform_admin, search="Bryn")) == [world["elsewhere"]]


def test_only_council_staff_who_write_budgets_may_name_a_provider_to_hold_one(
    commissioner, approver, monitoring_officer, provider_a, stranger, provider_org, other_provider_org
):
    for user in (commissioner, approver):
        assert set(selectors.providers_to_choose(user=user)) == {provider_org, other_provider_org}
    for user in (monitoring_officer, provider_a, stranger):
        assert not selectors.providers_to_choose(user=user).exists()


@pytest.mark.parametrize("role", ["approver", "monitoring_officer"])
def test_approvers_and_monitoring_officers_see_their_own_councils_people(world, council, role):
    user = staff(role, council=council, email=f"{role}@test.example.org")
    assert set(selectors.people_visible_to(user=user)) == {world["own"], world["neighbour"]}


@pytest.mark.parametrize("role", ["provider_manager", "provider_finance"])
def test_provider_staff_see_a_person_only_while_an_arrangement_they_hold_is_live(
    world, council, provider_org, role
):
    from django.utils import timezone

    today = timezone.localdate()
    live = PersonFactory(council=council, person_ref="DOR-3", given_name="Dai", family_name="Live")
    approved_budget(live, parts=(("isf", "100.00", provider_org),))
    ended = PersonFactory(council=council, person_ref="DOR-4", given_name="Eve", family_name="Ended")
    ends_today = PersonFactory(council=council, person_ref="DOR-5", given_name="Fay", family_name="Last")
    for who, last_day in ((ended, today - dt.timedelta(days=1)), (ends_today, today)):
        budget = approved_budget(who, parts=(("isf", "100.00", provider_org),))
        budget.arrangements.update(end_date=last_day)
    user = staff(role, provider=provider_org, email=f"{role}@provider.example.org")
    assert set(selectors.people_visible_to(user=user)) == {live, ends_today}


def test_the_approval_queue_is_oldest_proposal_first_and_reviews_due_soonest_first(
    world, council, commissioner
):
    later = services.budget_propose(
        person=world["own"],
        start_date=dt.date(2026, 7, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("7.00"))],
        actor=commissioner,
    )
    # Proposed first, though made second: it waits longest.
    type(later).objects.filter(pk=later.pk).update(
        proposed_at=world["proposal"].proposed_at - dt.timedelta(days=1)
    )
    approver = staff("approver", council=council, approval_limit=Decimal("100.00"))
    assert list(selectors.approval_queue(user=approver)) == [later, world["proposal"]]
    world["own"].budgets.filter(status=BudgetStatus.APPROVED).update(review_due=dt.date(2026, 6, 1))
    due = selectors.reviews_due(user=commissioner, on=dt.date(2026, 5, 15))
    assert [b.person for b in due] == [world["neighbour"], world["own"]]


def test_a_budgets_total_counts_only_the_arrangements_active_that_day(world):
    from budgets.models import Arrangement

    budget = world["own"].budgets.get(status=BudgetStatus.APPROVED)  # £1,000.00 from 1 April 2026
    Arrangement.objects.create(
        budget=budget,
        council=budget.person.council,
        management_type="direct_payment",
        annual_amount=Decimal("500.00"),
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 4, 30),
    )
    total = selectors.budget_with_total(on=dt.date(2026, 4, 30)).get(pk=budget.pk).annual_total
    assert total == Decimal("1500.00")
    assert selectors.budget_with_total(on=dt.date(2026, 5, 1)).get(pk=budget.pk).annual_total == Decimal(
        "1000.00"
    )
    # Before it starts, a budget is totalled on its first day.
    assert selectors.budget_with_total(on=dt.date(2026, 1, 1)).get(pk=budget.pk).annual_total == Decimal(
        "1500.00"
    )


def test_one_person_s_rule_agrees_with_people_visible_to_for_every_kind_of_user(
    world, family, commissioner, other_council_commissioner, approver, platform_admin, stranger, council
):
    """Issue 14: the person pages find one person with person_visible_to, which settles council staff
    from the person's row and asks the whole rule of everyone else; it must find exactly whom
    people_visible_to lets each user see (another council's person stays hidden: a 404)."""
    officer = staff(Role.MONITORING_OFFICER, council=council, email="mo@scoping.example.org")
    users = [family, commissioner, other_council_commissioner, approver, officer, platform_admin, stranger]
    people = [world["own"], world["neighbour"], world["elsewhere"]]
    for user in users:
        visible = set(selectors.people_visible_to(user=user))
        for person in people:
            found = selectors.person_visible_to(user=user, pk=person.pk)
            assert (found == person) == (person in visible), (user.email, person.person_ref)
            assert found is None or found.council.pk == person.council_id
        assert selectors.person_visible_to(user=user, pk=max(p.pk for p in people) + 100) is None


def test_staff_who_also_act_for_a_relative_see_them_besides_those_their_role_shows(
    person, other_person, council, other_council, commissioner, provider_a, provider_org
):
    """A commissioner of one council, or a provider's manager, may also be someone's mother: they see
    that person as family does, with their council's (or provider's) people, and no one else."""
    from tests.budgets.factories import RepresentativeFactory

    relative = PersonFactory(council=other_council, person_ref="BRS-2", given_name="Gwen", family_name="Kin")
    held = PersonFactory(council=other_council, person_ref="BRS-3", given_name="Huw", family_name="Held")
    approved_budget(held, parts=(("isf", "100.00", provider_org),))
    for user in (commissioner, provider_a):
        RepresentativeFactory(person=relative, user=user, relationship="mother")
    # Bryn (other_person) is another council's, with no link to either: never listed.
    assert set(selectors.people_visible_to(user=commissioner)) == {person, relative}
    assert set(selectors.people_visible_to(user=provider_a)) == {held, relative}
    for user, hidden in ((commissioner, other_person), (provider_a, person)):
        assert selectors.person_visible_to(user=user, pk=relative.pk) == relative
        assert selectors.person_visible_to(user=user, pk=hidden.pk) is None


def test_a_councils_staff_find_its_person_from_the_persons_row_with_the_council_read_alongside(
    person, other_person, commissioner, provider_a, provider_org, django_assert_num_queries
):
    """Issue 14: for council staff the person's own row settles whether they may see them (one query once
    their roles are known, not the whole rule as well); the council comes in the same query."""
    selectors.roles_of(user=commissioner)
    with django_assert_num_queries(1):
        found = selectors.person_visible_to(user=commissioner, pk=person.pk)
        assert found == person and found.council.name == person.council.name
    approved_budget(other_person, parts=(("isf", "100.00", provider_org),))
    selectors.roles_of(user=provider_a)
    with django_assert_num_queries(1):
        found = selectors.person_visible_to(user=provider_a, pk=other_person.pk)
        assert found == other_person and found.council.gss_code == other_person.council.gss_code
