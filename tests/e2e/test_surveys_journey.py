"""Surveys in a real browser: a family member answers the outcome survey (saving and coming back), a
provider answers the self-assessment, and the same pages work with JavaScript turned off. axe checks
each page."""

import re

import pytest
from playwright.sync_api import expect

from budgets.models import Representative
from organisations.models import Role
from surveys.models import Response, ResponseStatus
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in
from tests.factories import CouncilFactory, ProviderFactory, UserFactory, staff
from tests.surveys.factories import person_holding

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sister(db):
    council = CouncilFactory(gss_code="E06000059", name="Dorset Council")
    user = UserFactory(email="sister@example.org", full_name="Bethan Jones")
    person = person_holding(council, "isf", given_name="Alys", family_name="Jones", person_ref="DOR-1")
    Representative.objects.create(person=person, user=user, relationship="sister")
    return user, person


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_a_family_member_answers_the_outcome_survey_and_comes_back_later(page, live_server, sister, password):
    user, person = sister
    browser_sign_in(page, live_server, user, password, expect_two_factor=False)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your surveys").click()
    assert heading(page) == "Your surveys"
    assert_accessible(page)
    assert_fits_320(page, "surveys-yours")

    page.get_by_role("button", name=re.compile(r"^Start How is your budget working for you\?")).click()
    assert heading(page) == "Was it easy to get information about your personal budget?"
    assert_accessible(page)
    assert_fits_320(page, "surveys-question")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Did you know how much money was in your budget?"
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(
        page.get_by_text("Your answers are saved. You can come back at any time to finish.")
    ).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "surveys-saved")

    # Later: carry on where they stopped.
    page.get_by_role("button", name=re.compile(r"^Continue How is your budget working for you\?")).click()
    assert heading(page) == "Were your views included in your support plan?"
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # skip "use the money in ways that suit you"
    assert heading(page) == (
        "Since you got your budget, has the way people treat you (with dignity and respect) got better, "
        "stayed the same or got worse?"
    )
    assert_accessible(page)
    assert_fits_320(page, "surveys-dignity")
    page.get_by_label("Better").check()
    page.get_by_role("button", name="Continue").click()
    while heading(page) != "Check your answers":
        page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    assert_fits_320(page, "surveys-check")
    page.get_by_role("link", name=re.compile("Change the answer to: Did you know how much money")).click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and go back to your answers").click()
    assert heading(page) == "Check your answers"
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_role("heading", name="Answers sent")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "surveys-sent")

    response = Response.objects.get(person=person)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.management_types == ["isf"]
    answers = {a.question.code: a.option.code for a in response.answers.select_related("question", "option")}
    assert answers == {
        "easy_information": "yes",
        "knew_budget_amount": "yes",
        "views_in_plan": "partly",
        "dignity": "better",
    }


def test_a_provider_answers_the_self_assessment(page, live_server, password):
    provider = ProviderFactory(provider_ref="PRV-001", name="Harbour Lights Support")
    manager = staff(Role.PROVIDER_MANAGER, provider=provider, email="manager@harbour.example.org")
    browser_sign_in(page, live_server, manager, password)
    page.goto(live_server.url + "/surveys/provider/")
    assert heading(page) == "Personalised support self-assessment"
    assert_accessible(page)
    assert_fits_320(page, "surveys-provider-start")
    page.get_by_role("button", name="Start the self-assessment").click()
    assert_accessible(page)
    assert_fits_320(page, "surveys-provider-form")
    page.get_by_label("Adults on the autistic spectrum").check()
    page.get_by_label("People with dementia").check()
    group = page.get_by_role("group", name="Do you match staff to the person they support?")
    group.get_by_label("Yes, frequently").check()
    page.get_by_role("group", name="How long have you offered Individual Service Funds?").get_by_label(
        "3 to 5 years"
    ).check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    page.get_by_role("button", name="Continue your answers").click()
    expect(page.get_by_label("People with dementia")).to_be_checked()
    page.get_by_role("button", name="Send the answers").click()
    expect(page.get_by_role("heading", name="Answers sent")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "surveys-provider-sent")
    page.goto(live_server.url + "/surveys/provider/")
    expect(page.get_by_role("heading", name="Your latest answers")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "surveys-provider-latest")

    from providers.models import ProviderProfile

    profile = ProviderProfile.objects.get(provider=provider)
    assert profile.client_groups == ["adults_autism", "dementia"]
    assert profile.element_answers == {"staff_matching": "yes_frequently"}
    assert profile.isf_years == "3_to_5"


def test_the_outcome_survey_works_without_javascript(browser, live_server, sister, password):
    user, person = sister
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, user, password, expect_two_factor=False)
        page.goto(live_server.url + "/surveys/yours/")
        page.get_by_role(
            "button", name=re.compile(r"^See all questions on one page for How is your budget")
        ).click()
        assert heading(page) == "How is your budget working for you?"
        page.get_by_role(
            "group", name="Was it easy to get information about your personal budget?"
        ).get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Save and come back later").click()
        expect(page.get_by_text("Your answers are saved.")).to_be_visible()
        page.get_by_role("button", name=re.compile(r"^Continue How is your budget")).click()
        assert heading(page) == "Did you know how much money was in your budget?"
        page.get_by_label("Yes").check()
        page.get_by_role("button", name="Continue").click()
        while heading(page) != "Check your answers":
            page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Send your answers").click()
        expect(page.get_by_role("heading", name="Answers sent")).to_be_visible()
    finally:
        context.close()
    response = Response.objects.get(person=person)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.answers.count() == 2


def test_a_commissioner_reads_results_adds_a_question_and_enters_a_paper_survey(
    page, live_server, sister, password
):
    """The council's side of surveys, each page checked with axe and at 320 px: the results and a full
    report, the council's own questions (an error, then a question added) and a paper survey."""
    _, person = sister
    commissioner = staff(Role.COMMISSIONER, council=person.council, email="commissioner@dorset.example.org")
    browser_sign_in(page, live_server, commissioner, password)
    page.goto(live_server.url + "/surveys/")
    assert heading(page) == "Survey results"
    assert_accessible(page)
    assert_fits_320(page, "surveys-results")
    page.get_by_role("link", name=re.compile(r"^Full report: How is your budget working")).click()
    assert_accessible(page)
    assert_fits_320(page, "surveys-report")

    page.goto(live_server.url + "/surveys/")
    page.get_by_role("link", name="Add your council's own questions").click()
    page.get_by_role("button", name="Add the question").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "surveys-council-question-errors")

    page.goto(live_server.url + "/surveys/")
    page.get_by_role("link", name="Enter a paper survey").click()
    assert_accessible(page)
    assert_fits_320(page, "surveys-paper")
    page.get_by_label("The person's reference").fill(person.person_ref)
    page.get_by_label(re.compile(r"^How is your budget working")).check()
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "How is your budget working for you?"
    assert_accessible(page)
    assert_fits_320(page, "surveys-paper-form")
