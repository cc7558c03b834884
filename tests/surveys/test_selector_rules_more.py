"""Who sees and may answer which survey responses when one person holds several roles, and the order
rules of the survey selectors (issue 20: each test kills a mutant of surveys/selectors.py that the
suite let through; checked by putting the mutant in by hand)."""

import datetime as dt

import pytest
from django.utils import timezone

from budgets.models import Representative
from organisations.models import Membership, Role
from surveys.definitions import PROVIDER_SELF_ASSESSMENT
from surveys.models import Channel, Question
from surveys.selectors import (
    counted_responses,
    latest_self_assessment,
    management_types_of,
    questions_for,
    responses_editable_by,
    responses_visible_to,
)
from surveys.services import start_or_continue_response
from tests.factories import UserFactory
from tests.surveys.factories import family_of, person_holding, send_response, survey

pytestmark = pytest.mark.django_db


def _also(user, role, *, council=None, provider=None):
    Membership.objects.create(user=user, role=role, council=council, provider=provider)
    return user


def _paper(person, actor):
    return start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=actor, person=person, channel=Channel.PAPER
    )


def _self_assessment(provider, actor):
    return start_or_continue_response(survey=survey(PROVIDER_SELF_ASSESSMENT), actor=actor, provider=provider)


def test_a_commissioner_who_is_also_family_sees_and_answers_their_relative_s_unsent_answers(
    council, other_council, commissioner
):
    relative = person_holding(other_council, "isf")
    Representative.objects.create(person=relative, user=commissioner, relationship="daughter")
    own = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=relative
    )
    paper = _paper(person_holding(council, "direct_payment"), commissioner)
    assert set(responses_visible_to(user=commissioner)) == {own, paper}
    assert set(responses_editable_by(user=commissioner)) == {own, paper}


def test_a_provider_manager_who_is_also_a_commissioner_keeps_both_views(
    council, commissioner, provider_org, other_provider_org, provider_a
):
    _also(commissioner, Role.PROVIDER_MANAGER, provider=provider_org)
    person = person_holding(council, "isf")
    sent = send_response(
        "outcome-budget-holder",
        actor=family_of(person),
        person=person,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "same"},
    )
    paper = _paper(person_holding(council, "isf"), commissioner)
    own = _self_assessment(provider_org, commissioner)
    other = _self_assessment(other_provider_org, UserFactory(email="other.manager@example.org"))
    assert set(responses_visible_to(user=commissioner)) == {sent, paper, own}
    assert set(responses_editable_by(user=commissioner)) == {paper, own}
    # A manager of one provider answers only that provider's self-assessment, never another's.
    assert list(responses_editable_by(user=provider_a)) == [own]
    assert other not in set(responses_visible_to(user=provider_a))


def test_family_never_type_into_a_paper_form_and_commissioners_only_their_council_s(
    council, other_council, commissioner, other_council_commissioner
):
    person = person_holding(council, "isf")
    family = family_of(person)
    paper = _paper(person, commissioner)
    elsewhere = _paper(person_holding(other_council, "isf"), other_council_commissioner)
    assert not responses_editable_by(user=family).exists()
    assert list(responses_editable_by(user=commissioner)) == [paper]
    assert list(responses_editable_by(user=other_council_commissioner)) == [elsewhere]


def test_the_latest_self_assessment_is_the_last_sent_not_the_last_started(provider_org, provider_a):
    first = send_response(
        PROVIDER_SELF_ASSESSMENT,
        actor=provider_a,
        provider=provider_org,
        answers={"isf_years": "5_to_10"},
        on=dt.date(2026, 6, 1),
    )
    earlier = send_response(
        PROVIDER_SELF_ASSESSMENT,
        actor=provider_a,
        provider=provider_org,
        answers={"isf_years": "5_to_10"},
        on=dt.date(2026, 5, 1),
    )
    assert earlier.pk > first.pk
    assert latest_self_assessment(provider=provider_org) == first


def test_each_respondent_counts_once_with_the_answers_they_sent_last(council):
    person = person_holding(council, "isf")
    family = family_of(person)
    later = send_response(
        "outcome-budget-holder",
        actor=family,
        person=person,
        on=dt.date(2026, 6, 1),
        answers={"dignity": "same"},
    )
    sent_before = send_response(
        "outcome-budget-holder",
        actor=family,
        person=person,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "worse"},
    )
    assert sent_before.pk > later.pk
    assert counted_responses(surveys=[survey("outcome-budget-holder")], council=council) == [later]


def test_management_types_of_some_people_reads_only_theirs(council):
    asked = person_holding(council, "isf")
    person_holding(council, "direct_payment")  # same council, not asked about
    day = timezone.localdate()
    assert management_types_of(people=[asked], day=day) == {asked.pk: ["isf"]}


def test_questions_are_asked_in_their_order_not_the_order_they_were_stored(council, commissioner):
    person = person_holding(council, "isf")
    response = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=family_of(person), person=person
    )
    shipped = questions_for(response=response)
    first = shipped[0]
    Question.objects.filter(pk=first.pk).update(order=max(q.order for q in shipped) + 1)
    assert [q.pk for q in questions_for(response=response)] == [q.pk for q in shipped[1:]] + [first.pk]
