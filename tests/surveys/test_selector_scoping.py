"""Survey responses stay with the people they are about (DESIGN.md, "Access"). Each assertion was
written against a selector fault seeded by hand that the suite did not catch."""

import datetime as dt

import pytest

from surveys.selectors import responses_editable_by, responses_visible_to
from surveys.services import save_answers, start_or_continue_response
from tests.surveys.factories import family_of, person_holding, send_response, survey

pytestmark = pytest.mark.django_db


def test_each_family_sees_only_their_own_responses_and_staff_not_unsent_online_answers(
    council, other_council, commissioner, other_council_commissioner
):
    ava, cai = person_holding(council, "isf"), person_holding(council, "direct_payment")
    ava_family, cai_family = family_of(ava, "ava@example.org"), family_of(cai, "cai@example.org")
    sent = send_response(
        "outcome-budget-holder",
        actor=ava_family,
        person=ava,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "same"},
    )
    unsent = start_or_continue_response(survey=survey("outcome-budget-holder"), actor=cai_family, person=cai)
    save_answers(response=unsent, answers={"dignity": ["worse"]}, actor=cai_family)

    assert list(responses_visible_to(user=ava_family)) == [sent]
    assert list(responses_visible_to(user=cai_family)) == [unsent]
    assert list(responses_editable_by(user=cai_family)) == [unsent]
    assert not responses_editable_by(user=ava_family).exists()
    # Council staff see what was sent, never a family's unfinished online answers; another council nothing.
    assert list(responses_visible_to(user=commissioner)) == [sent]
    assert not responses_editable_by(user=commissioner).exists()
    assert not responses_visible_to(user=other_council_commissioner).exists()
