"""Transforming Care in a real browser: the partnership puts a named person on its discharge list (no
JavaScript), the NHS body's approver approves its share of the joint budget, the provider sees its line
and says what it could do, the family reads the plan in plain English, and the partnership records them
home. axe on every page; each fits 320 px."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budgets import services as budget_services
from budgets.models import Person, PersonalBudget, Representative
from budgets.services import ArrangementInput
from nhs import funding
from nhs.models import DischargeLine
from nhs.services import nhs_body_ensure, partnership_ensure
from organisations.models import Role
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in
from tests.factories import UserFactory, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


_SIGNED_IN: dict[int, dict] = {}


def _page(browser, live_server, user, password, *, staff_user=True, javascript=True):
    """A page signed in as `user`. Signing in once per user and reusing its cookies: a security code
    may be used only once, and the same user comes back within its 30 seconds."""
    if user.pk in _SIGNED_IN:
        return browser.new_context(
            java_script_enabled=javascript, storage_state=_SIGNED_IN[user.pk]
        ).new_page()
    page = browser.new_context(java_script_enabled=javascript).new_page()
    browser_sign_in(page, live_server, user, password, expect_two_factor=staff_user)
    _SIGNED_IN[user.pk] = page.context.storage_state()
    return page


def _check(page, name):
    assert_accessible(page)
    assert_fits_320(page, name)


def test_a_named_person_comes_home_with_a_joint_budget_and_an_isf(
    browser, live_server, council, commissioner, approver, provider_org, provider_a, password
):
    _SIGNED_IN.clear()
    icb = nhs_body_ensure(gss_code="E54000041", name="NHS Dorset Integrated Care Board", ods_code="QVV")
    partnership_ensure(code="dorset-tcp", name="Dorset Transforming Care Partnership", members=[council, icb])
    icb_approver = staff(
        Role.APPROVER, council=icb, approval_limit=Decimal("100000.00"), email="icb@example.org"
    )
    person = Person.objects.create(
        council=council, person_ref="TC-1", given_name="Eden", family_name="Marsh",
        date_of_birth="1994-02-03", primary_support_reason="learning_disability",
    )  # fmt: skip
    family = UserFactory(email="gwen.marsh@example.org", full_name="Gwen Marsh")
    Representative.objects.create(person=person, user=family, relationship="mother")
    budget = budget_services.budget_propose(
        person=person, start_date=dt.date(2026, 4, 1), actor=commissioner,
        arrangements=[ArrangementInput("isf", Decimal("65000.00"), provider_org)],
    )  # fmt: skip
    funding.funding_set(
        budget=budget, shares={council: Decimal("20000.00"), icb: Decimal("45000.00")}, actor=commissioner
    )

    # The partnership adds Eden to its list, with JavaScript off.
    page = _page(browser, live_server, commissioner, password, javascript=False)
    page.goto(f"{live_server.url}/nhs/partnerships/dorset-tcp/add/")
    page.get_by_label("Person").select_option(label="Eden Marsh")
    page.get_by_label("Assessment and treatment unit").check()
    page.get_by_label("Where they are now").fill("Heathside Unit")
    planned = page.get_by_role("group", name="Planned date to come home (optional)")
    planned.get_by_label("Day").fill("15")
    planned.get_by_label("Month").fill("1")
    planned.get_by_label("Year").fill("2027")
    page.get_by_label("Harbour Lights Support").check()  # shortlisted
    page.get_by_label("What is in the way").fill("Adaptations to the bathroom")
    page.get_by_role("button", name="Add to the list").click()
    expect(page.get_by_text("Eden Marsh added to the list.")).to_be_visible()
    page.context.close()
    page = _page(browser, live_server, commissioner, password)
    page.goto(f"{live_server.url}/nhs/partnerships/dorset-tcp/")
    glance = page.locator("#at-a-glance")
    assert glance.inner_text().split("\n")[0].split() == ["On", "the", "list", "1"]
    assert "Stuck\t1" in glance.inner_text()
    expect(page.get_by_text("Adaptations to the bathroom")).to_be_visible()
    _check(page, "tc-tracker")
    page.get_by_role("link", name="Eden Marsh").click()
    _check(page, "tc-line")
    page.goto(f"{live_server.url}/nhs/partnerships/dorset-tcp/add/")
    _check(page, "tc-add")
    page.goto(f"{live_server.url}/nhs/budgets/{budget.pk}/funding/")
    _check(page, "tc-funding")
    page.context.close()

    # Each funder approves its own share: the ICB first, then the council.
    page = _page(browser, live_server, icb_approver, password)
    page.goto(f"{live_server.url}/nhs/funding/")
    _check(page, "tc-shares")
    page.get_by_role("link", name="Eden Marsh").first.click()
    _check(page, "tc-share")
    page.get_by_role("button", name="Approve this share").click()
    expect(page.get_by_text("share of Eden Marsh's budget approved")).to_be_visible()
    page.context.close()
    page = _page(browser, live_server, approver, password)
    page.goto(f"{live_server.url}/nhs/funding/")
    page.get_by_role("link", name="Eden Marsh").first.click()
    page.get_by_role("button", name="Approve this share").click()
    assert PersonalBudget.objects.get(pk=budget.pk).status == "approved"
    page.context.close()

    # The partnership chooses the provider; it has met Eden.
    page = _page(browser, live_server, commissioner, password, javascript=False)
    line = DischargeLine.objects.get()
    page.goto(f"{live_server.url}/nhs/partnerships/dorset-tcp/people/{line.pk}/")
    page.get_by_label("Provider chosen (optional)").select_option(label="Harbour Lights Support")
    page.get_by_role("group", name="Has the provider met them?").get_by_label("Yes").check()
    page.get_by_role("group", name="Can the provider work alongside them before they leave?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("What is in the way").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Eden Marsh's line saved.")).to_be_visible()
    page.context.close()

    # The provider sees its line and says what it could do.
    page = _page(browser, live_server, provider_a, password)
    page.goto(f"{live_server.url}/nhs/provider/coming-home/")
    expect(page.get_by_text("You are their chosen provider.")).to_be_visible()
    _check(page, "tc-provider-lines")
    page.get_by_role("link", name="Say how many people you could support, and where").click()
    page.get_by_label("How many years have you offered Individual Service Funds?").fill("8")
    page.get_by_label("How many people have you supported to come home from hospital before?").fill("6")
    page.get_by_label("Dorset Transforming Care Partnership").check()
    page.locator("input[name^=capacity_]").first.fill("3")
    _check(page, "tc-provider-capacity")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("partnerships in the areas you cover can now see this")).to_be_visible()
    page.context.close()

    # The family reads the plan in plain English.
    page = _page(browser, live_server, family, password, staff_user=False)
    page.goto(f"{live_server.url}/nhs/coming-home/")
    main = page.locator("main")
    expect(main.get_by_text("You are at Heathside Unit now.")).to_be_visible()
    expect(main.get_by_text("£65,000.00 a year has been agreed for your support at home.")).to_be_visible()
    expect(
        main.get_by_text("Harbour Lights Support will support you at home. They have met you.")
    ).to_be_visible()
    _check(page, "tc-family")
    page.context.close()

    # The partnership sees the capacity, then records Eden home.
    page = _page(browser, live_server, commissioner, password, javascript=False)
    page.goto(f"{live_server.url}/nhs/partnerships/dorset-tcp/capacity/")
    assert "Harbour Lights Support" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/nhs/partnerships/dorset-tcp/people/{line.pk}/")
    home = page.get_by_role("group", name="Date they came home")
    today = dt.date.today()
    home.get_by_label("Day").fill(str(today.day))
    home.get_by_label("Month").fill(str(today.month))
    home.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record that they came home").click()
    expect(page.get_by_text("Eden Marsh is home.")).to_be_visible()
    page.context.close()
    page = _page(browser, live_server, commissioner, password)
    page.goto(f"{live_server.url}/nhs/partnerships/dorset-tcp/capacity/")
    _check(page, "tc-capacity")
    page.context.close()
    assert DischargeLine.objects.get().discharged_on == today
