"""surveys/services.py read directly: what a provider's sent self-assessment writes to its directory
profile, and that sent answers cannot change. Written to kill the mutants `make mutate` found surviving
in surveys/services.py."""

import pytest

from organisations.audit import history_for
from providers.models import ProviderProfile
from surveys.definitions import ELEMENT_CODES, PROVIDER_SELF_ASSESSMENT
from surveys.models import ResponseStatus, Survey, SurveyVersion
from surveys.services import (
    SurveyError,
    current_version_of,
    save_answers,
    start_or_continue_response,
    update_directory_from,
)
from tests.surveys.factories import send_response, survey

pytestmark = pytest.mark.django_db


def test_a_sent_self_assessment_replaces_the_groups_elements_and_years_on_the_profile(
    provider_org, provider_a
):
    ProviderProfile.objects.create(provider=provider_org, client_groups=["dementia"], isf_years="1_to_3")
    answers = {code: "no" for code in ELEMENT_CODES}
    answers[ELEMENT_CODES[0]] = "yes_frequently"
    answers["funder_flexibility"] = "somewhat"
    answers["client_groups"] = ["adults_autism", "older_people"]
    answers["isf_years"] = "5_to_10"

    response = send_response(
        PROVIDER_SELF_ASSESSMENT, actor=provider_a, provider=provider_org, answers=answers
    )

    assert response.status == ResponseStatus.SUBMITTED
    profile = ProviderProfile.objects.get(provider=provider_org)
    assert profile.client_groups == ["adults_autism", "older_people"]
    assert profile.isf_years == "5_to_10"
    expected = {code: "no" for code in ELEMENT_CODES}
    expected[ELEMENT_CODES[0]] = "yes_frequently"
    expected["funder_flexibility"] = "somewhat"
    assert profile.element_answers == expected
    # The change is recorded as the provider's manager's, who sent the answers.
    [entry] = [e for e in history_for(profile) if e.additional_data["event"].endswith("self-assessment")]
    assert entry.actor == provider_a


def test_questions_left_unanswered_clear_the_profile_rather_than_keep_old_answers(provider_org, provider_a):
    ProviderProfile.objects.create(
        provider=provider_org,
        client_groups=["dementia"],
        isf_years="1_to_3",
        element_answers={code: "no" for code in ELEMENT_CODES},
    )
    response = send_response(
        PROVIDER_SELF_ASSESSMENT,
        actor=provider_a,
        provider=provider_org,
        answers={ELEMENT_CODES[1]: "somewhat"},
    )
    profile = ProviderProfile.objects.get(provider=provider_org)
    assert profile.element_answers == {ELEMENT_CODES[1]: "somewhat"}
    assert profile.client_groups == []
    assert profile.isf_years == ""
    # Passing it on again gives the same profile.
    update_directory_from(response=response, actor=provider_a)
    profile.refresh_from_db()
    assert profile.element_answers == {ELEMENT_CODES[1]: "somewhat"}
    assert profile.isf_years == ""


def test_sent_answers_cannot_be_changed(provider_org, provider_a):
    response = send_response(
        PROVIDER_SELF_ASSESSMENT, actor=provider_a, provider=provider_org, answers={"isf_years": "1_to_3"}
    )
    with pytest.raises(SurveyError) as refused:
        save_answers(response=response, answers={"isf_years": ["3_to_5"]}, actor=provider_a)
    assert str(refused.value) == "These answers have already been sent and cannot be changed."
    # A new self-assessment starts afresh instead.
    again = start_or_continue_response(
        survey=survey(PROVIDER_SELF_ASSESSMENT), actor=provider_a, provider=provider_org
    )
    assert again.pk != response.pk and again.status == ResponseStatus.IN_PROGRESS


def test_the_current_version_is_made_from_the_shipped_definitions_when_missing():
    self_assessment = survey(PROVIDER_SELF_ASSESSMENT)
    version = current_version_of(self_assessment)
    assert version == self_assessment.current_version()
    assert version.questions.filter(code="isf_years").exists()


def test_a_survey_without_any_version_says_so(db):
    local = Survey.objects.create(slug="a-local-survey", title="Our own survey", audience="provider")
    with pytest.raises(SurveyError) as refused:
        current_version_of(local)
    assert str(refused.value) == "The survey “Our own survey” has no questions yet."
    assert SurveyVersion.objects.filter(survey__slug=PROVIDER_SELF_ASSESSMENT).exists()  # shipped ones made
