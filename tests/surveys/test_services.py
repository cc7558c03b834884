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


# ---- two tabs starting the same survey at once ------------------------------------------------------


def _start_while_another_tab_starts(**respondent):
    """A second tab asks to start while the first tab's new response is saved but not yet committed:
    the second finds nothing open, its insert waits on the one-open-response constraint, and fails once
    the first commits. Returns (first tab's response, second tab's response)."""
    import threading

    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        second_tab_pid = cursor.fetchone()[0]
    first: dict = {}
    saved = threading.Event()

    def first_tab():
        try:
            with transaction.atomic():
                first["response"] = start_or_continue_response(**respondent)
                saved.set()
                with connection.cursor() as cursor:  # commit only once the second tab waits on it
                    for _ in range(1000):
                        cursor.execute(
                            "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [second_tab_pid]
                        )
                        if cursor.fetchone():
                            break
                        threading.Event().wait(0.01)
        finally:
            saved.set()
            connection.close()

    thread = threading.Thread(target=first_tab)
    thread.start()
    saved.wait(10)
    second = start_or_continue_response(**respondent)
    thread.join(10)
    return first["response"], second


@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_at_once_get_the_same_open_response_started_once(
    council, commissioner, provider_org, other_provider_org, provider_a
):
    """One open response per respondent and survey, even when two starts race (the constraint's branch)."""
    from organisations.models import Role
    from surveys.models import Response
    from tests.factories import staff
    from tests.surveys.factories import person_holding

    holders = survey("outcome-budget-holder")
    person = person_holding(council, "isf")
    # What a looser look-up after the failed insert would find as well: the person's sent answers, their
    # open carers' survey, another person's open response, another provider's open self-assessment.
    send_response("outcome-budget-holder", actor=commissioner, person=person, answers={"dignity": "better"})
    start_or_continue_response(survey=survey("outcome-carer"), actor=commissioner, person=person)
    start_or_continue_response(survey=holders, actor=commissioner, person=person_holding(council, "isf"))
    other_manager = staff(Role.PROVIDER_MANAGER, provider=other_provider_org, email="m@other.example.org")
    assessment = survey(PROVIDER_SELF_ASSESSMENT)
    start_or_continue_response(survey=assessment, actor=other_manager, provider=other_provider_org)

    first, second = _start_while_another_tab_starts(survey=holders, actor=commissioner, person=person)
    assert second == first
    assert (second.survey, second.person, second.status) == (holders, person, ResponseStatus.IN_PROGRESS)
    assert Response.objects.filter(survey=holders, person=person, status="in_progress").count() == 1
    assert [e.additional_data["event"] for e in history_for(first)] == ["survey response started"]

    first, second = _start_while_another_tab_starts(
        survey=assessment, actor=provider_a, provider=provider_org
    )
    assert second == first and second.provider == provider_org
    assert [e.additional_data["event"] for e in history_for(first)] == ["survey response started"]
