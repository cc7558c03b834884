"""Adding people and those who act for them, what the family says about holding the budget, and
reviews: who may do each, what is refused, and the audit trail of who did what (issue 20: these
services had no fast test, so mutation testing could not judge them)."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets import services
from budgets.models import BudgetReview, HoldingPreference, Person, Representative
from budgets.services import BudgetError, NotAllowed
from tests.budgets.factories import approved_budget
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entry(instance, event):
    return LogEntry.objects.get(object_pk=str(instance.pk), additional_data__event=event)


# ---- adding a person ----


def test_a_commissioner_adds_a_person_and_it_is_recorded(council, commissioner, person):
    # Another person of the council (DOR-1) is no obstacle.
    person = services.person_create(
        council=council,
        person_ref="DOR-77",
        date_of_birth=dt.date(1990, 2, 3),
        primary_support_reason="physical_support",
        actor=commissioner,
        given_name="Ruth",
        family_name="Oak",
        postcode="DT1 1AA",
    )
    person.refresh_from_db()
    assert (person.council, person.person_ref, person.date_of_birth) == (
        council,
        "DOR-77",
        dt.date(1990, 2, 3),
    )
    assert (person.given_name, person.family_name, person.postcode) == ("Ruth", "Oak", "DT1 1AA")
    assert person.primary_support_reason == "physical_support"
    entry = _entry(person, "person added")
    assert entry.actor == commissioner
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict == {
        "person_ref": ["", "DOR-77"],
        "date_of_birth": ["", "1990-02-03"],
        "primary_support_reason": ["", "physical_support"],
    }


def test_names_and_postcode_may_be_left_out(council, commissioner):
    person = services.person_create(
        council=council,
        person_ref="DOR-78",
        date_of_birth=dt.date(1990, 2, 3),
        primary_support_reason="physical_support",
        actor=commissioner,
    )
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.postcode) == ("", "", "")


def test_only_a_commissioner_of_the_council_adds_people_unless_an_import_says_so(
    council, other_council_commissioner
):
    with pytest.raises(NotAllowed, match="^Only a commissioner of this council can do this.$"):
        services.person_create(
            council=council,
            person_ref="DOR-79",
            date_of_birth=dt.date(1990, 2, 3),
            primary_support_reason="physical_support",
            actor=other_council_commissioner,
        )
    assert not Person.objects.filter(person_ref="DOR-79").exists()
    # An operator's import has checked its actor already and says so.
    person = services.person_create(
        council=council,
        person_ref="DOR-79",
        date_of_birth=dt.date(1990, 2, 3),
        primary_support_reason="physical_support",
        actor=other_council_commissioner,
        check_role=False,
    )
    assert person.council == council


@pytest.mark.parametrize(
    "ref, reason, message",
    [
        (
            "DOR 80",
            "physical_support",
            "Enter a reference of 1 to 64 letters, digits, full stops, underscores, slashes or hyphens.",
        ),
        ("DOR-80", "not_a_reason", "Choose a primary support reason."),
        ("DOR-80", "", "Choose a primary support reason."),
    ],
)
def test_a_person_needs_a_plain_reference_and_a_support_reason(council, commissioner, ref, reason, message):
    with pytest.raises(BudgetError) as refused:
        services.person_create(
            council=council,
            person_ref=ref,
            date_of_birth=dt.date(1990, 2, 3),
            primary_support_reason=reason,
            actor=commissioner,
        )
    assert str(refused.value) == message
    assert not Person.objects.exists()


def test_a_reference_is_used_once_in_a_council_but_another_council_may_use_it(
    council, other_council, commissioner, person
):
    with pytest.raises(BudgetError) as refused:
        services.person_create(
            council=council,
            person_ref=person.person_ref,
            date_of_birth=dt.date(1990, 2, 3),
            primary_support_reason="physical_support",
            actor=commissioner,
        )
    assert str(refused.value) == f"{council} already has a person with reference DOR-1."
    other = services.person_create(
        council=other_council,
        person_ref=person.person_ref,
        date_of_birth=dt.date(1990, 2, 3),
        primary_support_reason="physical_support",
        actor=commissioner,
        check_role=False,
    )
    assert other.council == other_council


# ---- someone who acts for the person ----


def test_a_commissioner_lets_someone_act_for_the_person_with_a_new_account(person, commissioner, family):
    # Someone else acting for them already (family) is no obstacle.
    rep = services.representative_add(
        person=person,
        email="  sam@family.example.org ",
        full_name=" Sam Stone ",
        relationship=" son ",
        actor=commissioner,
    )
    rep.refresh_from_db()
    assert rep.person == person
    assert (rep.user.email, rep.user.full_name, rep.relationship) == (
        "sam@family.example.org",
        "Sam Stone",
        "son",
    )
    assert not rep.user.has_usable_password()
    entry = _entry(person, "representative added")
    assert entry.actor == commissioner
    assert entry.changes_dict == {"representative": ["", "sam@family.example.org (son)"]}


def test_someone_who_has_an_account_already_keeps_it_and_a_blank_relationship_is_said_plainly(
    person, commissioner
):
    user = UserFactory(email="kim@family.example.org", full_name="Kim Stone")
    rep = services.representative_add(
        person=person,
        email="kim@family.example.org",
        full_name="Someone Else",
        relationship=" ",
        actor=commissioner,
    )
    assert rep.user == user and rep.relationship == ""
    assert _entry(person, "representative added").changes_dict == {
        "representative": ["", "kim@family.example.org (no relationship given)"]
    }


def test_the_same_person_cannot_be_added_twice_and_others_may_not_add_anyone(
    person, family, commissioner, other_council_commissioner
):
    with pytest.raises(BudgetError) as refused:
        services.representative_add(
            person=person,
            email=family.email,
            full_name="Pat Stone",
            relationship="mother",
            actor=commissioner,
        )
    assert str(refused.value) == f"{family.email} already acts for {person}."
    with pytest.raises(NotAllowed):
        services.representative_add(
            person=person,
            email="new@family.example.org",
            full_name="New",
            relationship="aunt",
            actor=other_council_commissioner,
        )
    assert list(Representative.objects.filter(person=person).values_list("user__email", flat=True)) == [
        family.email
    ]


# ---- how the family wants to hold the budget ----


def test_the_family_says_how_they_want_to_hold_the_budget_in_the_usual_order(person, family):
    pref = services.holding_preference_record(
        person=person,
        management_types=["isf", "not_a_type", "direct_payment", "isf"],
        note="  We would rather not employ anyone. ",
        actor=family,
    )
    pref.refresh_from_db()
    assert (pref.person, pref.said_by) == (person, family)
    assert pref.management_types == ["direct_payment", "isf"]
    assert pref.note == "We would rather not employ anyone."
    entry = _entry(person, "family said how they want to hold the budget")
    assert entry.actor == family
    assert entry.changes_dict == {"holding_preference": ["", "direct_payment, isf"]}
    assert entry.additional_data["note"] == "We would rather not employ anyone."


@pytest.mark.parametrize("types", [[], ["not_a_type"]])
def test_the_family_must_choose_at_least_one_way(person, family, types):
    with pytest.raises(BudgetError) as refused:
        services.holding_preference_record(person=person, management_types=types, note="", actor=family)
    assert str(refused.value) == "Choose at least one way to hold your budget."
    assert not HoldingPreference.objects.exists()


# ---- reviews ----


def test_a_review_is_recorded_and_the_next_is_due_a_year_later(person, commissioner):
    budget = approved_budget(person, review_due=dt.date(2027, 4, 1))
    review = services.review_record(
        budget=budget, actor=commissioner, notes="  All going well. ", reviewed_on=dt.date(2027, 3, 20)
    )
    review.refresh_from_db()
    assert (review.budget, review.reviewed_by, review.notes) == (budget, commissioner, "All going well.")
    assert (review.reviewed_on, review.next_review_due) == (dt.date(2027, 3, 20), dt.date(2028, 3, 20))
    budget.refresh_from_db()
    assert budget.review_due == dt.date(2028, 3, 20)
    entry = _entry(budget, "budget reviewed")
    assert entry.actor == commissioner
    assert entry.changes_dict == {"review_due": ["2027-04-01", "2028-03-20"]}
    assert entry.additional_data["note"] == "All going well."


def test_a_review_without_a_date_is_today_and_the_next_date_may_be_set(person, commissioner):
    budget = approved_budget(person)
    review = services.review_record(
        budget=budget, actor=commissioner, notes="Fine.", next_review_due=dt.date(2099, 1, 1)
    )
    assert review.reviewed_on == services.today()
    budget.refresh_from_db()
    assert budget.review_due == review.next_review_due == dt.date(2099, 1, 1)


def test_the_next_review_must_come_after_this_one(person, commissioner):
    budget = approved_budget(person, review_due=dt.date(2027, 4, 1))
    day = dt.date(2027, 3, 20)
    with pytest.raises(BudgetError, match="^The next review must be after this one.$"):
        services.review_record(
            budget=budget, actor=commissioner, notes="Fine.", reviewed_on=day, next_review_due=day
        )
    # The day after is fine.
    services.review_record(
        budget=budget,
        actor=commissioner,
        notes="Fine.",
        reviewed_on=day,
        next_review_due=day + dt.timedelta(days=1),
    )
    budget.refresh_from_db()
    assert budget.review_due == dt.date(2027, 3, 21)


def test_a_review_needs_notes_an_approved_budget_and_a_commissioner_of_the_council(
    person, commissioner, other_council_commissioner
):
    budget = approved_budget(person, review_due=dt.date(2027, 4, 1))
    with pytest.raises(BudgetError, match="^Write what the review found.$"):
        services.review_record(budget=budget, actor=commissioner, notes="   ")
    with pytest.raises(NotAllowed):
        services.review_record(budget=budget, actor=other_council_commissioner, notes="Fine.")
    proposal = services.budget_propose(
        person=person,
        start_date=dt.date(2027, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("100.00"))],
        actor=commissioner,
    )
    with pytest.raises(BudgetError, match="^Only an approved budget can be reviewed.$"):
        services.review_record(budget=proposal, actor=commissioner, notes="Fine.")
    assert not BudgetReview.objects.exists()
    budget.refresh_from_db()
    assert budget.review_due == dt.date(2027, 4, 1)


def test_someone_acting_for_one_person_may_act_for_another_too(person, family, commissioner, council):
    from tests.budgets.factories import PersonFactory

    sibling = PersonFactory(council=council)
    rep = services.representative_add(
        person=sibling, email=family.email, full_name="Pat Stone", relationship="mother", actor=commissioner
    )
    assert rep.user == family
    assert set(Representative.objects.filter(user=family).values_list("person", flat=True)) == {
        person.pk,
        sibling.pk,
    }


def test_a_review_needs_notes_even_when_none_are_given(person, commissioner):
    budget = approved_budget(person)
    with pytest.raises(BudgetError, match="^Write what the review found.$"):
        services.review_record(budget=budget, actor=commissioner, notes=None)
