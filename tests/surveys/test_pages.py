"""Answering surveys through the pages: families online, commissioners on paper, providers."""

import datetime as dt

import pytest
from django.urls import reverse

from budgets.models import Representative
from surveys.models import Channel, Question, Response, ResponseStatus
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.surveys.factories import person_holding, send_response, survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(council):
    """A sister who acts for Alys, who holds an ISF and a direct payment."""
    user = UserFactory(email="sister@example.org")
    person = person_holding(council, "isf", "direct_payment", given_name="Alys", person_ref="DOR-1")
    Representative.objects.create(person=person, user=user, relationship="sister")
    return user, person


def test_a_family_member_answers_one_question_a_page_saves_and_comes_back(client, family):
    user, person = family
    sign_in(client, user)
    page = client.get(reverse("surveys:my-surveys"))
    assert "How is your budget working for you?" in page.content.decode()

    started = client.post(reverse("surveys:start", args=[person.pk, "outcome-budget-holder"]))
    response = Response.objects.get(person=person)
    assert started.url == reverse("surveys:question", args=[response.pk, "easy_information"])
    first = client.get(started.url).content.decode()
    assert "Question 1 of 18 (about Alys Person)" in first
    assert "Was it easy to get information about your personal budget?" in first

    answered = client.post(started.url, {"answer": "yes"})
    assert answered.url == reverse("surveys:question", args=[response.pk, "knew_budget_amount"])
    saved = client.post(answered.url, {"answer": "no", "save_and_return": "1"})
    assert saved.url == reverse("surveys:my-surveys")
    assert (
        "Your answers are saved. You can come back at any time to finish."
        in client.get(saved.url).content.decode()
    )

    # Coming back continues at the first question not yet answered.
    again = client.post(reverse("surveys:start", args=[person.pk, "outcome-budget-holder"]))
    assert again.url == reverse("surveys:question", args=[response.pk, "views_in_plan"])
    client.post(reverse("surveys:question", args=[response.pk, "dignity"]), {"answer": "better"})

    check = client.get(reverse("surveys:check", args=[response.pk])).content.decode()
    assert "Check your answers" in check
    sent = client.post(reverse("surveys:check", args=[response.pk]))
    assert sent.url == reverse("surveys:response", args=[response.pk])
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.channel == Channel.ONLINE
    assert response.management_types == ["direct_payment", "isf"]
    assert response.management_class == "mixed"
    done = client.get(sent.url).content.decode()
    assert "Answers sent" in done
    # Sent answers cannot be changed.
    assert client.get(reverse("surveys:question", args=[response.pk, "dignity"])).status_code == 404


def test_a_question_refuses_an_answer_that_is_not_one_of_its_options(client, family):
    user, person = family
    sign_in(client, user)
    client.post(reverse("surveys:start", args=[person.pk, "outcome-budget-holder"]))
    response = Response.objects.get(person=person)
    page = client.post(reverse("surveys:question", args=[response.pk, "dignity"]), {"answer": "fabulous"})
    assert page.status_code == 200
    assert "Choose one of the answers." in page.content.decode()
    assert not response.answers.exists()


def test_sending_nothing_is_refused_with_a_message(client, family):
    user, person = family
    sign_in(client, user)
    client.post(reverse("surveys:start", args=[person.pk, "outcome-carer"]))
    response = Response.objects.get(person=person)
    page = client.post(reverse("surveys:check", args=[response.pk]))
    assert page.status_code == 409
    assert "Answer at least one question before you send your answers." in page.content.decode()


def test_someone_elses_response_is_not_found(client, family, council):
    _, person = family
    stranger_family = UserFactory()
    other = person_holding(council, "isf")
    Representative.objects.create(person=other, user=stranger_family)
    sign_in(client, stranger_family)
    assert client.post(reverse("surveys:start", args=[person.pk, "outcome-budget-holder"])).status_code == 404
    assert not Response.objects.filter(person=person).exists()  # no answers were started for them


def test_a_commissioner_enters_a_paper_response_for_their_councils_person(client, commissioner, council):
    person = person_holding(council, "commissioner_controlled", person_ref="DOR-9")
    sign_in(client, commissioner)
    started = client.post(
        reverse("surveys:paper-new"), {"person_ref": "DOR-9", "survey": survey("outcome-carer").pk}
    )
    response = Response.objects.get(person=person)
    assert started.url == reverse("surveys:whole-form", args=[response.pk])
    assert response.channel == Channel.PAPER
    sent = client.post(started.url, {"dignity": "worse", "staying_well": "better", "easy_information": "no"})
    assert sent.url == reverse("surveys:response", args=[response.pk])
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.management_types == ["commissioner_controlled"]
    assert response.submitted_by == commissioner


def test_a_commissioner_cannot_enter_a_paper_response_for_another_councils_person(
    client, commissioner, other_council
):
    person_holding(other_council, "isf", person_ref="BRI-1")
    sign_in(client, commissioner)
    page = client.post(
        reverse("surveys:paper-new"), {"person_ref": "BRI-1", "survey": survey("outcome-carer").pk}
    )
    assert page.status_code == 200
    assert "We cannot find a person with that reference in your council." in page.content.decode()
    assert not Response.objects.exists()


def test_a_provider_sends_its_self_assessment_and_the_directory_shows_it(client, provider_a, provider_org):
    from providers.models import ProviderProfile

    sign_in(client, provider_a)
    started = client.post(reverse("surveys:provider-self-assessment"))
    response = Response.objects.get(provider=provider_org)
    assert started.url == reverse("surveys:whole-form", args=[response.pk])
    form = client.get(started.url).content.decode()
    assert "Adults on the autistic spectrum" in form
    assert "How long have you offered Individual Service Funds?" in form
    sent = client.post(
        started.url,
        {
            "client_groups": ["adults_autism", "dementia"],
            "individual_design": "yes_frequently",
            "funder_flexibility": "no",
            "isf_years": "3_to_5",
        },
    )
    assert sent.url == reverse("surveys:response", args=[response.pk])
    profile = ProviderProfile.objects.get(provider=provider_org)
    assert profile.client_groups == ["adults_autism", "dementia"]
    assert profile.element_answers == {"individual_design": "yes_frequently", "funder_flexibility": "no"}
    assert profile.isf_years == "3_to_5"
    page = client.get(reverse("surveys:provider-self-assessment")).content.decode()
    assert "Your latest answers" in page


def test_a_council_adds_its_own_question_asked_only_of_its_people(
    client, monitoring_officer, council, other_council
):
    sign_in(client, monitoring_officer)
    added = client.post(
        reverse("surveys:council-questions"),
        {
            "survey": survey("outcome-budget-holder").pk,
            "text": "Is it easy to find transport?",
            "kind": "single",
            "options": "Yes\nNo\n",
        },
    )
    assert added.status_code == 302
    question = Question.objects.get(council=council)
    assert question.code == "e06000059_is_it_easy_to_find_transport"
    assert [o.code for o in question.options.all()] == ["yes", "no"]

    ours = send_response(
        "outcome-budget-holder",
        actor=monitoring_officer,
        person=person_holding(council, "isf"),
        answers={question.code: "yes"},
    )
    assert ours.answers.count() == 1
    from surveys.services import SurveyError

    with pytest.raises(SurveyError, match="There is no question “e06000059_is_it_easy_to_find_transport”"):
        send_response(
            "outcome-budget-holder",
            actor=monitoring_officer,
            person=person_holding(other_council, "isf"),
            answers={question.code: "yes"},
        )


def test_the_dashboard_shows_the_councils_results_beside_all_councils(
    client, monitoring_officer, council, other_council
):
    send_response(
        "outcome-budget-holder",
        actor=monitoring_officer,
        person=person_holding(council, "isf"),
        answers={"easy_information": "yes", "dignity": "better"},
        on=dt.date(2026, 5, 1),
    )
    send_response(
        "outcome-budget-holder",
        actor=monitoring_officer,
        person=person_holding(other_council, "commissioner_controlled"),
        answers={"easy_information": "no", "dignity": "worse"},
        on=dt.date(2026, 5, 1),
    )
    sign_in(client, monitoring_officer)
    page = client.get(reverse("surveys:dashboard")).content.decode()
    assert "Dorset Council" in page
    assert "All councils on the platform" in page
    # The same words for the groups as the monitoring return.
    assert "Individual Service Fund only" in page
    assert "Council-managed budget only" in page
    report = client.get(reverse("surveys:report", args=["outcome-budget-holder"])).content.decode()
    assert "Was it easy to get information about your personal budget?" in report
    pdf = client.get(reverse("surveys:report-pdf", args=["outcome-budget-holder"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_api_report_gives_the_councils_figures_beside_the_platforms(client, monitoring_officer, council):
    send_response(
        "outcome-budget-holder",
        actor=monitoring_officer,
        person=person_holding(council, "isf"),
        answers={"easy_information": "yes", "dignity": "better"},
    )
    sign_in(client, monitoring_officer)
    body = client.get("/api/surveys/outcome-budget-holder/report/").json()
    assert body["council"] == "E06000059"
    # The council sees its own answers; a group of fewer than 5 (one person with an ISF) is <5.
    assert body["own"]["respondents"] == 1
    assert body["own"]["questions"]["dignity"]["options"]["better"] == {"count": 1, "percent": 100}
    assert body["platform"]["respondents"] == 1
    assert body["outcomes"]["own"]["by_management_type"] == {"isf": "<5"}
    assert body["outcomes"]["own"]["areas"]["dignity"]["isf"] == {"better": "<5", "same": "<5", "worse": "<5"}
    assert body["outcomes"]["own"]["areas"]["dignity"]["all"] == {"better": "<5", "same": "<5", "worse": "<5"}


def test_a_person_answering_for_themselves_is_not_offered_the_carers_survey(client, council):
    user = UserFactory()
    person = person_holding(council, "direct_payment", user=user)
    sign_in(client, user)
    page = client.get(reverse("surveys:my-surveys")).content.decode()
    assert "How is your budget working for you?" in page
    assert "How is the budget working for you as a carer?" not in page
    assert client.post(reverse("surveys:start", args=[person.pk, "outcome-carer"])).status_code == 404


def test_council_staff_do_not_see_a_familys_unfinished_online_answers(client, family, commissioner):
    user, person = family
    sign_in(client, user)
    client.post(reverse("surveys:start", args=[person.pk, "outcome-budget-holder"]))
    response = Response.objects.get(person=person)
    client.logout()
    sign_in(client, commissioner)
    assert client.get(reverse("surveys:response", args=[response.pk])).status_code == 404
    assert client.get("/api/survey-responses/").json()["results"] == []
