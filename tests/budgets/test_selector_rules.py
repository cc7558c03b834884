"""The budgets selectors at their edges (DESIGN.md, "Access" and the counting rules): who counts as
family, who opens casework pages, which version is in force on a day, which reviews are due, which
uploaded files each user sees, and the rules other apps plug in (issue 20: each test here kills
mutants that survived the earlier tests)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from budgets import selectors
from budgets.models import Arrangement, BudgetStatus, ImportBatch, PersonalBudget
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db

D = Decimal
APRIL = dt.date(2026, 4, 1)


# ---- who is family ----


def test_someone_not_signed_in_is_nobodys_family(person):
    assert selectors.is_family_member(user=AnonymousUser()) is False


def test_the_person_and_their_representative_are_family_and_staff_are_not(
    person, family, commissioner, django_assert_num_queries
):
    themselves = UserFactory(email="ava@test.example.org")
    person.user = themselves
    person.save(update_fields=["user"])
    assert selectors.is_family_member(user=family) is True
    assert selectors.is_family_member(user=themselves) is True
    assert selectors.is_family_member(user=commissioner) is False
    # Asked again on the same request, the answer is remembered: no query.
    with django_assert_num_queries(0):
        assert selectors.is_family_member(user=family) is True
        assert selectors.is_family_member(user=commissioner) is False


def test_someone_acting_for_another_person_is_family_whoever_else_is(person, council):
    other = PersonFactory(council=council)
    rep = UserFactory()
    other.representatives.create(user=rep, relationship="friend")
    assert selectors.is_family_member(user=rep) is True


def test_the_ids_of_the_people_a_user_is_or_acts_for_are_theirs_alone(person, other_person, council):
    """The family pages' kept query (issue 14): the user's own person and the people they represent,
    nobody else's, and nothing for someone not signed in or a user who is no one's family."""
    user = UserFactory()
    person.user = user
    person.save(update_fields=["user"])
    represented = PersonFactory(council=council)
    represented.representatives.create(user=user, relationship="son")
    other_person.representatives.create(user=UserFactory(), relationship="friend")
    assert sorted(selectors.ids_of_people_represented_by(user=user)) == sorted([person.pk, represented.pk])
    assert selectors.ids_of_people_represented_by(user=UserFactory()) == []
    assert selectors.ids_of_people_represented_by(user=AnonymousUser()) == []


# ---- casework pages ----


def test_casework_is_for_commissioners_and_approvers_of_the_council_and_platform_admins(
    person, other_person, commissioner, approver, monitoring_officer, family, platform_admin, council
):
    assert selectors.case_councils_of(user=commissioner) == {council.pk}
    assert selectors.case_councils_of(user=monitoring_officer) == set()
    for user in (commissioner, approver, platform_admin):
        assert selectors.can_view_casework(user=user, person=person) is True
    for user in (monitoring_officer, family):
        assert selectors.can_view_casework(user=user, person=person) is False
    assert selectors.can_view_casework(user=commissioner, person=other_person) is False
    assert selectors.can_view_casework(user=platform_admin, person=other_person) is True


def test_only_the_person_or_their_representative_acts_for_them(person, other_person, family, commissioner):
    assert selectors.can_act_for(user=family, person=person) is True
    assert selectors.can_act_for(user=family, person=other_person) is False
    assert selectors.can_act_for(user=commissioner, person=person) is False


def test_casework_people_for_a_platform_admin_are_everyone_and_for_nobody_signed_in_none(
    person, other_person, platform_admin
):
    assert set(selectors.people_for_casework(user=platform_admin)) == {person, other_person}
    assert not selectors.people_for_casework(user=AnonymousUser()).exists()
    assert not selectors.people_visible_to(user=AnonymousUser()).exists()
    assert not selectors.people_represented_by(user=AnonymousUser()).exists()
    assert set(selectors.people_visible_to(user=platform_admin)) == {person, other_person}


# ---- the version in force ----


def test_the_version_in_force_read_from_loaded_budgets_is_the_one_the_query_gives(person, commissioner):
    first = approved_budget(person, start=APRIL)
    tie = approved_budget(person, start=dt.date(2026, 10, 1), replaces=first)
    second = approved_budget(person, start=dt.date(2026, 10, 1), replaces=first)
    later = approved_budget(person, start=dt.date(2027, 4, 1), replaces=second)
    PersonalBudget.objects.create(person=person, start_date=dt.date(2026, 5, 1), status=BudgetStatus.PROPOSED)
    PersonalBudget.objects.create(
        person=person, start_date=dt.date(2026, 11, 1), status=BudgetStatus.WITHDRAWN
    )
    loaded = selectors.casework_budgets(person)
    expected = {
        dt.date(2026, 3, 31): (None, first),
        APRIL: (first, tie),
        dt.date(2026, 9, 30): (first, tie),
        dt.date(2026, 10, 1): (second, later),
        dt.date(2026, 11, 2): (second, later),
        dt.date(2027, 4, 1): (later, None),
    }
    assert tie.pk < second.pk
    # Sorted in Python (issue 14), in the order PostgreSQL gives by PersonalBudget's ordering (newest
    # start first, then the higher id first: `second` before `tie`).
    assert [b.pk for b in loaded] == list(
        person.budgets.order_by("-start_date", "-pk").values_list("pk", flat=True)
    )
    assert [b.pk for b in loaded][2:4] == [second.pk, tie.pk]
    for day, (current, upcoming) in expected.items():
        assert selectors.current_among(loaded, on=day) == current, day
        assert selectors.current_budget_for(person=person, on=day) == current, day
        assert selectors.upcoming_among(loaded, on=day) == upcoming, day
        assert selectors.upcoming_budget_for(person=person, on=day) == upcoming, day


def test_without_a_day_the_version_in_force_is_todays(person):
    today = selectors._today()
    started = approved_budget(person, start=today)
    starts = approved_budget(person, start=today + dt.timedelta(days=1), replaces=started)
    loaded = selectors.family_budgets(person)
    assert selectors.current_among(loaded) == selectors.current_budget_for(person=person) == started
    assert selectors.upcoming_among(loaded) == selectors.upcoming_budget_for(person=person) == starts


def test_every_version_is_on_the_person_pages_with_its_parts_read_in_advance(
    person, provider_org, django_assert_num_queries
):
    first = approved_budget(person, parts=(("isf", "100.00", provider_org),))
    second = approved_budget(person, start=dt.date(2027, 4, 1), parts=(("direct_payment", "5.00", None),))
    for read in (selectors.casework_budgets, selectors.family_budgets):
        budgets = read(person)
        assert {b.pk for b in budgets} == {first.pk, second.pk}
        with django_assert_num_queries(0):
            names = sorted(str(a.provider) for b in budgets for a in b.arrangements.all())
            assert names == ["Harbour Lights Support", "None"]


# ---- arrangements that count ----


def test_arrangements_count_only_in_approved_versions_of_the_councils_asked_for(
    person, other_person, council, other_council, commissioner
):
    mine = approved_budget(person).arrangements.get()
    theirs = approved_budget(other_person).arrangements.get()
    PersonalBudget.objects.create(person=person, start_date=APRIL, status=BudgetStatus.PROPOSED)
    assert set(selectors.counted_arrangements()) == {mine, theirs}
    assert list(selectors.counted_arrangements(council_ids=[council.pk])) == [mine]
    assert list(selectors.counted_arrangements(council_ids=[other_council.pk])) == [theirs]
    assert list(selectors.counted_arrangements(council_ids=[])) == []


def test_an_arrangement_is_active_from_its_first_day_to_its_last(person, provider_org):
    budget = approved_budget(
        person, parts=(("isf", "100.00", provider_org), ("direct_payment", "5.00", None))
    )
    budget.arrangements.update(end_date=dt.date(2026, 6, 30))
    isf = budget.arrangements.get(management_type="isf")

    def active(day, mtype=None):
        return set(selectors.active_arrangements(person=person, on=day, management_type=mtype))

    assert active(dt.date(2026, 3, 31)) == set()
    assert active(APRIL) == set(budget.arrangements.all())
    assert active(dt.date(2026, 6, 30), "isf") == {isf}
    assert active(dt.date(2026, 7, 1)) == set()
    assert active(dt.date(2026, 6, 1), "commissioner_controlled") == set()


def test_active_arrangements_without_a_day_are_todays(person):
    today = selectors._today()
    now = approved_budget(person, start=today).arrangements.get()
    Arrangement.objects.filter(pk=now.pk).update(end_date=today)
    assert list(selectors.active_arrangements(person=person)) == [now]


# ---- the caseload, the approval queue and reviews ----


def test_the_caseload_search_needs_every_word_and_looks_in_names_references_and_postcodes(
    council, commissioner, platform_admin, other_council
):
    ava = PersonFactory(
        council=council, given_name="Ava", family_name="Stone", person_ref="DOR-10", postcode="DT1 1AA"
    )
    cai = PersonFactory(
        council=council, given_name="Cai", family_name="Stone", person_ref="DOR-11", postcode="BH1 2BB"
    )
    PersonFactory(council=other_council, given_name="Ava", family_name="Stone", person_ref="BRS-10")
    assert list(selectors.caseload(user=commissioner, search="stone")) == [ava, cai]
    assert list(selectors.caseload(user=commissioner, search="ava stone")) == [ava]
    assert list(selectors.caseload(user=commissioner, search="  cai  ")) == [cai]
    assert list(selectors.caseload(user=commissioner, search="dor-11")) == [cai]
    assert list(selectors.caseload(user=commissioner, search="dt1")) == [ava]
    assert list(selectors.caseload(user=commissioner, search="stone bh1")) == [cai]
    assert len(selectors.caseload(user=platform_admin, search="ava")) == 2


def test_the_caseload_filters_by_a_type_held_only_in_an_approved_version(council, commissioner, provider_org):
    held = PersonFactory(council=council, family_name="Held")
    approved_budget(held, parts=(("isf", "100.00", provider_org),))
    proposed = PersonFactory(council=council, family_name="Proposed")
    budget = PersonalBudget.objects.create(person=proposed, start_date=APRIL, status=BudgetStatus.PROPOSED)
    Arrangement.objects.create(
        budget=budget,
        council=council,
        management_type="isf",
        annual_amount=D("1.00"),
        start_date=APRIL,
        provider=provider_org,
    )
    assert list(selectors.caseload(user=commissioner, management_type="isf")) == [held]
    assert list(selectors.caseload(user=commissioner, status=BudgetStatus.APPROVED)) == [held]
    assert list(selectors.caseload(user=commissioner, status="none")) == []


def test_the_approval_queue_is_proposals_in_the_councils_where_the_user_approves(
    person, council, commissioner, approver, other_council
):
    waiting = PersonalBudget.objects.create(
        person=person, start_date=APRIL, status=BudgetStatus.PROPOSED, proposed_at=selectors.timezone.now()
    )
    PersonalBudget.objects.create(person=person, start_date=APRIL, status=BudgetStatus.SENT_BACK)
    PersonalBudget.objects.create(person=person, start_date=APRIL, status=BudgetStatus.DRAFT)
    assert list(selectors.approval_queue(user=approver)) == [waiting]
    assert list(selectors.approval_queue(user=commissioner)) == []
    elsewhere = staff("approver", council=other_council, approval_limit=D("1.00"))
    assert list(selectors.approval_queue(user=elsewhere)) == []


def test_reviews_due_are_those_due_within_the_days_asked_of_current_versions_only(
    person, council, commissioner, approver
):
    on = dt.date(2026, 5, 1)
    edge = approved_budget(person, review_due=on + dt.timedelta(days=30))
    neighbour = PersonFactory(council=council, family_name="Moss")
    beyond = approved_budget(neighbour, review_due=on + dt.timedelta(days=31))
    overdue_person = PersonFactory(council=council, family_name="Late")
    replaced = approved_budget(overdue_person, review_due=dt.date(2026, 1, 1))
    newer = approved_budget(
        overdue_person, start=dt.date(2026, 6, 1), replaces=replaced, review_due=dt.date(2026, 4, 1)
    )
    waiting = PersonalBudget.objects.create(
        person=neighbour,
        start_date=dt.date(2026, 7, 1),
        status=BudgetStatus.PROPOSED,
        replaces=beyond,
        review_due=on,
    )
    assert list(selectors.reviews_due(user=commissioner, on=on)) == [newer, edge]
    assert list(selectors.reviews_due(user=commissioner, on=on, within_days=31)) == [newer, edge, beyond]
    assert list(selectors.reviews_due(user=commissioner, on=on, within_days=0)) == [newer]
    assert list(selectors.reviews_due(user=approver, on=on)) == []
    # A proposal replacing a version does not stop that version being current (`beyond` above).
    assert waiting.status == BudgetStatus.PROPOSED


def test_reviews_due_without_a_day_are_those_due_within_30_days_of_today(person, council, commissioner):
    today = selectors._today()
    soon = approved_budget(person, review_due=today + dt.timedelta(days=30))
    approved_budget(PersonFactory(council=council), review_due=today + dt.timedelta(days=31))
    assert list(selectors.reviews_due(user=commissioner)) == [soon]


# ---- uploaded files ----


def _batch(council, user, **kw):
    return ImportBatch.objects.create(
        council=council,
        file_name="people.csv",
        data=b"x",
        rows=1,
        people=1,
        annual_total=D("1.00"),
        largest_total=D("1.00"),
        uploaded_by=user,
        **kw,
    )


def test_uploaded_files_are_seen_by_the_councils_commissioners_and_approvers(
    council,
    other_council,
    commissioner,
    approver,
    monitoring_officer,
    platform_admin,
    other_council_commissioner,
):
    ours = _batch(council, commissioner)
    theirs = _batch(other_council, other_council_commissioner)
    for user in (commissioner, approver):
        assert list(selectors.import_batches_visible_to(user=user)) == [ours]
    assert not selectors.import_batches_visible_to(user=monitoring_officer).exists()
    assert not selectors.import_batches_visible_to(user=AnonymousUser()).exists()
    assert set(selectors.import_batches_visible_to(user=platform_admin)) == {ours, theirs}


def test_files_wait_for_the_councils_approvers_oldest_first(
    council, other_council, commissioner, approver, other_council_commissioner
):
    newer = _batch(council, commissioner)
    older = _batch(council, commissioner)
    ImportBatch.objects.filter(pk=older.pk).update(uploaded_at=newer.uploaded_at - dt.timedelta(hours=1))
    _batch(council, commissioner, status="rejected")
    _batch(other_council, other_council_commissioner)
    assert list(selectors.batches_waiting_for(user=approver)) == [older, newer]
    assert list(selectors.batches_waiting_for(user=commissioner)) == []


# ---- rules other apps plug in ----


@pytest.fixture
def plugged_in():
    """Rules added for one test and taken out again after it."""
    added = []
    yield added
    for registry, rule in added:
        while rule in registry:
            registry.remove(rule)


def test_a_visibility_rule_plugged_in_widens_who_sees_a_person(person, stranger, plugged_in):
    from django.db.models import Q

    def rule(user, roles):
        return Q(pk=person.pk) if user == stranger else None

    plugged_in.append((selectors._EXTRA_VISIBILITY_RULES, rule))
    assert not selectors.people_visible_to(user=stranger).exists()
    selectors.register_visibility_rule(rule)
    selectors.register_visibility_rule(rule)
    assert selectors._EXTRA_VISIBILITY_RULES.count(rule) == 1
    assert list(selectors.people_visible_to(user=stranger)) == [person]


def test_a_plan_helper_rule_plugged_in_lets_that_helper_plan(person, stranger, commissioner, plugged_in):
    def rule(user, who):
        return user == stranger and who == person

    plugged_in.append((selectors._PLAN_HELPER_RULES, rule))
    assert selectors.helps_with_plan(user=stranger, person=person) is False
    selectors.register_plan_helper_rule(rule)
    selectors.register_plan_helper_rule(rule)
    assert selectors._PLAN_HELPER_RULES.count(rule) == 1
    assert selectors.helps_with_plan(user=stranger, person=person) is True
    assert selectors.helps_with_plan(user=commissioner, person=person) is False


def test_an_ending_waiting_for_approval_comes_to_nothing_a_year(person, commissioner, approver):
    from budgets import services

    approved_budget(person)
    ending = services.budget_propose(
        person=person, start_date=dt.date(2027, 4, 1), arrangements=[], actor=commissioner, ending=True
    )
    assert [(b, b.annual_total) for b in selectors.approval_queue(user=approver)] == [(ending, D("0.00"))]


# ---- what the pages read comes with the rows (the selectors' promise of a fixed number of queries) ----


def test_the_person_pages_read_each_versions_people_review_and_parts_without_more_queries(
    person, commissioner, approver, provider_org, django_assert_num_queries
):
    from budgets.models import BudgetReview
    from budgets.review_models import ReviewOutcome

    first = approved_budget(person, parts=(("isf", "100.00", provider_org),))
    review = BudgetReview.objects.create(
        budget=first,
        reviewed_on=APRIL,
        reviewed_by=commissioner,
        notes="n",
        next_review_due=dt.date(2027, 4, 1),
    )
    ReviewOutcome.objects.create(review=review, outcome="Go out", status="met")
    PersonalBudget.objects.filter(pk=first.pk).update(proposed_by=commissioner, decided_by=approver)
    approved_budget(
        person, start=dt.date(2027, 4, 1), proposed_by=commissioner, decided_by=approver, from_review=review
    )
    budgets = selectors.casework_budgets(person)
    with django_assert_num_queries(0):
        read = sorted(
            (
                b.proposed_by.email,
                b.decided_by.email,
                b.from_review.reviewed_by.email if b.from_review else "",
                [o.outcome for o in b.from_review.outcomes.all()] if b.from_review else [],
                [str(a.provider) for a in b.arrangements.all()],
            )
            for b in budgets
        )
    assert read == [
        (commissioner.email, approver.email, "", [], ["Harbour Lights Support"]),
        (commissioner.email, approver.email, commissioner.email, ["Go out"], ["None"]),
    ]
    budgets = selectors.family_budgets(person)
    with django_assert_num_queries(0):
        proposers = {b.proposed_by.email for b in budgets}
        profiles = [
            getattr(a.provider, "profile", None) for b in budgets for a in b.arrangements.all() if a.provider
        ]
    assert proposers == {commissioner.email} and profiles == [None]
    current = selectors.current_budget_for(person=person, on=dt.date(2026, 6, 1))
    with django_assert_num_queries(0):
        assert [str(a.provider) for a in current.arrangements.all()] == ["Harbour Lights Support"]


def test_lists_read_the_council_and_uploader_with_each_row(
    council, commissioner, approver, django_assert_num_queries
):
    PersonFactory(council=council)
    _batch(council, commissioner)
    people = list(selectors.caseload(user=commissioner))
    waiting = list(selectors.batches_waiting_for(user=approver))
    with django_assert_num_queries(0):
        assert [p.council.name for p in people] == ["Dorset Council"]
        assert [(b.council.name, b.uploaded_by.email) for b in waiting] == [
            ("Dorset Council", commissioner.email)
        ]


# ---- ties are broken the same way every time ----


def test_the_version_in_force_is_the_latest_start_whatever_order_they_were_made_in(person):
    later = approved_budget(person, start=dt.date(2026, 10, 1))
    earlier = approved_budget(person, start=APRIL)
    assert selectors.current_budget_for(person=person, on=dt.date(2026, 11, 1)) == later
    assert selectors.upcoming_budget_for(person=person, on=dt.date(2026, 3, 1)) == earlier


def test_on_a_tie_the_first_made_comes_first_in_each_list(person, council, commissioner, approver):
    """Equal days are put in the order the rows were made, even when the later one was read first
    (an updated row moves to the end of its table)."""
    first = approved_budget(person, start=dt.date(2026, 10, 1), review_due=dt.date(2026, 5, 1))
    second = approved_budget(person, start=dt.date(2026, 10, 1), review_due=dt.date(2026, 5, 1))
    PersonalBudget.objects.filter(pk=first.pk).update(decision_reason="touched")
    assert selectors.upcoming_budget_for(person=person, on=APRIL) == first
    assert selectors.current_budget_for(person=person, on=dt.date(2026, 10, 2)) == second
    due = list(selectors.reviews_due(user=commissioner, on=dt.date(2026, 4, 15)))
    assert due == [first, second]
    b = PersonFactory(council=council, given_name="Sam", family_name="Lee", person_ref="DOR-B")
    a = PersonFactory(council=council, given_name="Sam", family_name="Lee", person_ref="DOR-A")
    assert list(selectors.caseload(user=commissioner, search="lee")) == [a, b]
    one = _batch(council, commissioner)
    two = _batch(council, commissioner)
    ImportBatch.objects.filter(pk=two.pk).update(uploaded_at=one.uploaded_at)
    ImportBatch.objects.filter(pk=one.pk).update(file_name="first.csv")
    assert list(selectors.batches_waiting_for(user=approver)) == [one, two]


# ---- each proposal's limit in the approval queue ----


def test_each_proposal_in_the_queue_carries_the_users_own_approver_limit_in_its_council(
    person, council, other_council, commissioner, approver, second_approver
):
    from organisations.models import Membership, Role
    from organisations.selectors import approval_limit_of

    PersonalBudget.objects.create(
        person=person, start_date=APRIL, status=BudgetStatus.PROPOSED, proposed_at=selectors.timezone.now()
    )
    # second_approver: £20,000.00 here; a higher limit elsewhere, or on another role, does not count.
    Membership.objects.create(
        user=second_approver, role=Role.APPROVER, council=other_council, approval_limit=D("90000")
    )
    Membership.objects.create(
        user=second_approver, role=Role.COMMISSIONER, council=council, approval_limit=D("80000")
    )
    rows = list(selectors.approval_queue(user=second_approver))
    assert (
        [r.approval_limit for r in rows]
        == [D("20000.00")]
        == [approval_limit_of(user=second_approver, council=council)]
    )
    assert [r.approval_limit for r in selectors.approval_queue(user=approver)] == [D("50000.00")]
