"""The budgets journey in a real browser: a commissioner assesses and proposes, an approver approves,
the family sees it in plain English. axe on every page; forms also work without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from budgets.models import Person, PersonalBudget, Representative
from budgets.services import ensure_default_questionnaire
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(council, provider_org, commissioner, approver):
    ensure_default_questionnaire(council=council)
    person = Person.objects.create(
        council=council,
        person_ref="DOR-500",
        given_name="Ava",
        family_name="Stone",
        date_of_birth="1995-03-03",
        primary_support_reason="learning_disability",
    )
    family = UserFactory(email="pat.stone@example.org", full_name="Pat Stone")
    Representative.objects.create(person=person, user=family, relationship="mother")
    return person, family


def _new_page(browser, live_server, user, password, *, staff=True, javascript=True):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    browser_sign_in(page, live_server, user, password, expect_two_factor=staff)
    return page


def test_from_assessment_to_an_approved_budget_the_family_can_read(
    browser, live_server, setup, commissioner, approver, password
):
    person, family = setup
    page = _new_page(browser, live_server, commissioner, password)

    # The caseload, then the person.
    page.goto(f"{live_server.url}/people/")
    assert_accessible(page)
    page.get_by_role("link", name="Ava Stone").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ava Stone"
    assert_accessible(page)

    # The assessment: the second answer to every question.
    page.get_by_role("link", name="Record an assessment").click()
    assert_accessible(page)
    fieldsets = page.locator("fieldset:has(input[type=radio])")
    for i in range(fieldsets.count()):
        fieldsets.nth(i).locator("input[type=radio]").nth(1).check()
    page.get_by_role("button", name="Save assessment").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Indicative budget: £12,750.00 a year"
    expect(
        page.get_by_text("Each point is worth £850.00 a year, so 15 points give £12,750.00 a year.")
    ).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "assessment")

    # The support plan, written and agreed.
    page.get_by_role("link", name="Support plan").click()
    page.get_by_label("What matters to me").fill("My garden and my friends")
    page.get_by_label("The outcomes I want").fill("Go to the allotment twice a week")
    page.get_by_label("How the money will be used").fill("Support from people I know, used flexibly")
    page.get_by_label("Who helps me").fill("My mum and Harbour Lights")
    page.get_by_label("Risks and how they are handled").fill("Seizures: staff trained in my plan")
    page.get_by_role("button", name="Save the plan").click()
    assert_accessible(page)
    page.get_by_role("button", name="Agree this plan").click()
    expect(page.get_by_text("Support plan agreed.")).to_be_visible()

    # The proposal: an ISF with Harbour Lights and a small direct payment.
    page.goto(f"{live_server.url}/people/{person.pk}/budgets/new/")
    assert_accessible(page)
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("4")
    start.get_by_label("Year").fill("2026")
    page.locator("#id_arr-0-management_type").select_option("isf")
    page.locator("#id_arr-0-annual_amount").fill("£11,000")
    page.locator("#id_arr-0-provider").select_option(label="Harbour Lights Support")
    page.get_by_role("button", name="Add another part").click()
    assert page.locator("#id_arr-0-annual_amount").input_value() == "£11,000"
    page.locator("#id_arr-1-management_type").select_option("direct_payment")
    page.locator("#id_arr-1-annual_amount").fill("1,750")
    assert_fits_320(page, "budget-propose")
    page.get_by_role("button", name="Propose budget").click()
    expect(page.get_by_text("Budget proposed. An approver will look at it next.")).to_be_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Budget from 1 April 2026: £12,750.00 a year"
    assert_accessible(page)
    assert_fits_320(page, "budget")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    assert_fits_320(page, "person-with-a-budget")
    page.context.close()

    # The approver's queue, with totals; approve.
    page = _new_page(browser, live_server, approver, password)
    page.goto(f"{live_server.url}/approvals/")
    expect(page.get_by_text("1 waiting, £12,750.00 a year in total.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve the budget for Ava Stone").click()
    expect(page.get_by_text("Budget for Ava Stone approved.")).to_be_visible()
    assert PersonalBudget.objects.get().status == "approved"
    page.context.close()

    # The family's page, in plain English.
    page = _new_page(browser, live_server, family, password, staff=False)
    page.goto(f"{live_server.url}/your-budget/")
    main = page.locator("main")
    expect(main.get_by_text("Your budget is £12,750.00 a year.")).to_be_visible()
    expect(
        main.get_by_role(
            "heading",
            name="A support organisation you choose holds the money (an Individual Service Fund): "
            "£11,000.00 a year",
        )
    ).to_be_visible()
    expect(
        main.get_by_text("so you get support that fits your life without becoming an employer")
    ).to_be_visible()
    expect(main.get_by_role("heading", name="Who to contact")).to_be_visible()
    expect(main.get_by_text("We will review your budget with you by 1 April 2027.")).to_be_visible()
    assert "isf" not in main.inner_text()
    assert_accessible(page)
    assert_fits_320(page, "family-your-budget")
    page.get_by_role("link", name=re.compile("See the ways you can hold your budget")).click()
    assert_accessible(page)
    page.context.close()


def test_the_caseload_search_and_the_family_choice_work_without_javascript(
    browser, live_server, setup, commissioner, password
):
    """axe needs JavaScript, so these pages are checked with it on in the journey above."""
    person, family = setup
    page = _new_page(browser, live_server, commissioner, password, javascript=False)
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Search by name, reference or postcode").fill("stone")
    page.get_by_role("button", name="Show people").click()
    assert "q=stone" in page.url
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    # "Add another part" is a plain form post: no JavaScript needed, nothing typed is lost.
    page.goto(f"{live_server.url}/people/{person.pk}/budgets/new/")
    page.locator("#id_arr-0-annual_amount").fill("£8,000")
    for _ in range(3):
        page.get_by_role("button", name="Add another part").click()
    expect(page.get_by_role("group", name="Part 4 (leave blank if not needed)")).to_be_visible()
    assert page.locator("#id_arr-0-annual_amount").input_value() == "£8,000"
    page.context.close()

    page = _new_page(browser, live_server, family, password, staff=False, javascript=False)
    page.goto(f"{live_server.url}/your-budget/{person.pk}/how-to-hold/")
    page.get_by_role("button", name="Send my choice").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label(
        "A support organisation you choose holds the money (an Individual Service Fund)"
    ).check()
    page.get_by_role("button", name="Send my choice").click()
    expect(
        page.get_by_text(
            "Thank you. Your social worker will see what you chose and talk it through with you."
        )
    ).to_be_visible()
    page.context.close()
