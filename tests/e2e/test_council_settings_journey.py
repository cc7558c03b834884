"""A council administrator sets up the council in a real browser: accessible (axe) pages, and the same
journey without JavaScript (issue 10)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budgets import services
from budgets.models import AllocationQuestionnaire
from organisations.models import Membership, Role
from tests.e2e.helpers import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DORSET = "E06000059"


def _set_up_the_council(page, base, *, check_accessible: bool) -> None:
    def check():
        if check_accessible:
            assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Council settings").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Council settings"
    check()

    page.get_by_role("link", name="Resource allocation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Resource allocation"
    check()
    page.get_by_role("link", name="Change the price per point").click()
    page.get_by_label("Price per point").fill("not money")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.get_by_label("Price per point").input_value() == "not money"
    check()
    page.get_by_label("Price per point").fill("£910")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("£910.00 a year")).to_be_visible()

    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Question", exact=True).fill("Getting out and about")
    page.locator("#part-1").get_by_label("Answer").fill("On my own")
    page.locator("#part-1").get_by_label("Points").fill("0")
    page.locator("#part-2").get_by_label("Answer").fill("With someone")
    page.locator("#part-2").get_by_label("Points").fill("3")
    check()
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("With someone (3)")).to_be_visible()

    page.get_by_role("link", name="Add an adjustment").click()
    page.get_by_label("What it is for (staff words)").fill("Lives alone")
    page.get_by_label("What it means for the person (their words)").fill("you live on your own")
    page.get_by_label("Percentage change (optional)").fill("5")
    page.get_by_label("Fixed amount a year (optional)").fill("100")
    page.get_by_role("button", name="Save the adjustment").click()
    expect(
        page.get_by_text("Enter either a percentage or an amount of money, not both.").first
    ).to_be_visible()
    check()
    page.get_by_label("Fixed amount a year (optional)").fill("")
    page.get_by_role("button", name="Save the adjustment").click()
    expect(
        page.get_by_role("cell", name="Lives alone The person reads: because you live on your own")
    ).to_be_visible()
    check()

    page.get_by_role("link", name="Back to council settings").click()
    page.get_by_role("link", name="Staff and roles").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Staff and roles"
    check()
    page.get_by_role("link", name="Add a member of staff").click()
    page.get_by_label("Email address").fill("new.approver@dorset.example.org")
    page.get_by_label("Full name").fill("Nia Jones")
    page.get_by_label("Approver (team manager or panel)", exact=False).check()
    page.get_by_label("Approval limit (optional)").fill("25000")
    check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("new.approver@dorset.example.org is now approver.")).to_be_visible()
    page.get_by_role(
        "link", name="Change limit or remove approver role of new.approver@dorset.example.org"
    ).click()
    check()
    page.get_by_label("Approval limit").fill("30000")
    page.get_by_role("button", name="Save the limit").click()
    expect(page.get_by_text("£30,000.00")).to_be_visible()


@pytest.fixture
def dorset_admin(council, password):
    services.ensure_default_questionnaire(council=council, price_per_point=Decimal("850.00"))
    from tests.factories import staff

    return staff(Role.COUNCIL_ADMIN, council=council, email="council.admin@test.example.org")


def test_a_council_admin_sets_up_the_council_on_accessible_pages(page, live_server, dorset_admin, password):
    browser_sign_in(page, live_server, dorset_admin, password)
    _set_up_the_council(page, live_server.url, check_accessible=True)
    assert AllocationQuestionnaire.objects.get(council__gss_code=DORSET).price_per_point == Decimal("910.00")
    assert Membership.objects.get(user__email="new.approver@dorset.example.org").approval_limit == Decimal(
        "30000.00"
    )


def test_the_council_settings_pages_work_without_javascript(browser, live_server, dorset_admin, password):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, live_server, dorset_admin, password)
    _set_up_the_council(page, live_server.url, check_accessible=False)
    questionnaire = AllocationQuestionnaire.objects.get(council__gss_code=DORSET)
    assert questionnaire.questions.filter(text="Getting out and about").exists()
    assert questionnaire.adjustments.filter(label="Lives alone", percent=Decimal("5.00")).exists()
    context.close()
