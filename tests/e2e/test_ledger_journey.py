"""ISF ledgers in a real browser: the provider records spending (with htmx, and with JavaScript off),
the family sees it, opens a statement and downloads the PDF; every page passes axe and draws its
charts without breaking the Content Security Policy."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from budgets.models import Representative
from organisations.services import system_actor
from providers.ledger import services
from tests.budgets.factories import PersonFactory
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in
from tests.factories import UserFactory
from tests.ledger.factories import isf_agreement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family(db):
    return UserFactory(email="family@e2e.example.org", full_name="Pat Taylor")


@pytest.fixture
def fund(council, provider_org, family):
    person = PersonFactory(council=council, given_name="Alys", family_name="Taylor")
    Representative.objects.create(person=person, user=family, relationship="mother")
    robot = system_actor()
    start = timezone.localdate() - dt.timedelta(days=10)
    agreement = isf_agreement(person=person, provider=provider_org, start=start, budget_ref="DOR-E2E-1")
    fund = services.open_fund(agreement=agreement, actor=robot)
    services.post_due_payments(fund=fund, actor=robot, today=timezone.localdate())  # £950.00 left
    return fund


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return problems


def _record(page, *, kind: str, amount: str, what: str) -> None:
    page.get_by_text("Record spending", exact=True).first.click()
    page.get_by_label("Amount spent, in pounds").fill(amount)
    page.get_by_label("What the money was for").fill(what)
    page.get_by_label(kind).check()
    page.get_by_role("button", name="Record spending").click()


def test_a_provider_records_spending_and_the_family_sees_it_and_downloads_a_statement(
    page, browser, live_server, fund, provider_finance, family, password
):
    csp = _watch_csp(page)
    browser_sign_in(page, live_server, provider_finance, password)
    page.goto(f"{live_server.url}/isf/provider/")
    assert page.get_by_role("heading", level=1).inner_text() == "Individual Service Fund ledgers"
    assert_accessible(page)
    page.get_by_role("link", name="Alys Taylor").click()
    assert page.locator("#balance").inner_text() == "£950.00"
    assert_accessible(page)

    _record(page, kind="Activities", amount="32.50", what="Tickets for the football")
    # htmx swapped the ledger body in place: the message, the new balance and the entry.
    banner = page.get_by_text("Spending recorded: Tickets for the football, activities.")
    banner.wait_for()
    assert page.locator("#balance").inner_text() == "£917.50"
    expect(page.get_by_role("cell", name="Tickets for the football", exact=True)).to_be_visible()
    assert_accessible(page)

    # Filter by kind: htmx swaps the table only.
    page.get_by_label("Kind of entry").select_option("activity")
    page.get_by_role("button", name="Show entries").click()
    page.wait_for_url("**category=activity**")
    expect(page.get_by_role("cell", name="Management fee")).to_have_count(0)
    expect(page.get_by_role("cell", name="Tickets for the football", exact=True)).to_be_visible()

    # A mistake goes back onto the form.
    _record(page, kind="Support", amount="5000.00", what="Too much")
    page.get_by_text("There is not enough money left: £917.50 is left").first.wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Reverse Tickets for the football").click()
    assert_accessible(page)
    # The entry form as its own page (what a browser without JavaScript gets), with an error.
    page.goto(f"{live_server.url}/isf/{fund.pk}/entries/new/")
    assert_accessible(page)
    page.get_by_label("Amount spent, in pounds").fill("abc")
    page.get_by_role("button", name="Record spending").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/isf/provider/upload/")
    assert_accessible(page)
    assert csp == []

    family_context = browser.new_context(accept_downloads=True)
    family_page = family_context.new_page()
    family_csp = _watch_csp(family_page)
    browser_sign_in(family_page, live_server, family, password, expect_two_factor=False)
    family_page.goto(f"{live_server.url}/isf/")
    assert family_page.get_by_role("heading", level=1).inner_text() == "Your Individual Service Fund"
    expect(family_page.get_by_text("Money left: £917.50")).to_be_visible()
    expect(family_page.get_by_role("listitem").filter(has_text="Activities: £32.50")).to_be_visible()
    assert_fits_320(family_page, "family-your-isf")
    # The charts are drawn (inline SVG under the CSP): their boxes have a size.
    for chart in ("balance", "spending"):
        box = family_page.locator(f"#{chart}-{fund.pk}").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 20
    assert_accessible(family_page)

    family_page.get_by_role("link", name="See every entry").click()
    expect(family_page.get_by_role("cell", name="Tickets for the football", exact=True)).to_be_visible()
    expect(family_page.get_by_role("link", name="Reverse")).to_have_count(0)  # the family only reads
    assert_accessible(family_page)

    family_page.goto(f"{live_server.url}/isf/")
    family_page.get_by_role("link", name="See a statement for the last four weeks").click()
    assert family_page.get_by_role("heading", level=1).inner_text().startswith("Statement: ")
    expect(family_page.get_by_role("cell", name="Tickets for the football", exact=True)).to_be_visible()
    assert_accessible(family_page)
    # On a 320 px phone the page does not scroll sideways and every amount is on the screen, whole.
    assert_fits_320(family_page, "family-statement")
    size = family_page.viewport_size
    family_page.set_viewport_size({"width": 320, "height": 720})
    amounts = family_page.locator("table.app-stack-table .app-money")
    assert amounts.count() >= 3
    for i in range(amounts.count()):
        box = amounts.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, (amounts.nth(i).inner_text(), box)
    family_page.set_viewport_size(size)
    with family_page.expect_download() as info:
        family_page.get_by_role("link", name="Download this statement (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("statement-DOR-E2E-1-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert family_csp == []
    family_context.close()


def test_the_entry_form_works_with_javascript_off(browser, live_server, fund, provider_a, password):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, live_server, provider_a, password)
    page.goto(f"{live_server.url}/isf/{fund.pk}/")
    _record(page, kind="Equipment", amount="19.99", what="A grab rail for the bath")
    assert page.url == f"{live_server.url}/isf/{fund.pk}/"
    expect(page.get_by_text("Spending recorded: A grab rail for the bath, equipment.")).to_be_visible()
    assert page.locator("#balance").inner_text() == "£930.01"
    # An error without JavaScript: the form page, with the summary and the input kept.
    _record(page, kind="Support", amount="5000.00", what="Too much")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.get_by_label("Amount spent, in pounds").input_value() == "5000.00"
    # (axe needs JavaScript; this page is checked with it in the journey above.)
    context.close()


def test_the_commissioner_sees_the_councils_funds_and_records_a_refund(
    page, live_server, fund, commissioner, password
):
    browser_sign_in(page, live_server, commissioner, password)
    page.goto(f"{live_server.url}/isf/council/")
    assert page.get_by_role("heading", level=1).inner_text() == "Money held for people"
    assert_accessible(page)
    page.get_by_role("link", name="Record a refund for Alys Taylor").click()
    assert_accessible(page)
    page.get_by_label("Amount paid back to the council, in pounds").fill("100.00")
    page.get_by_label("Reason").fill("Money not needed while you were in hospital")
    page.get_by_role("button", name="Record the refund").click()
    expect(page.get_by_text("Refund to the council recorded.")).to_be_visible()
    expect(
        page.get_by_role(
            "cell",
            name="Paid back to Dorset Council: Money not needed while you were in hospital",
            exact=True,
        )
    ).to_be_visible()
    assert_accessible(page)


def test_a_council_with_more_than_a_page_of_accounts_reads_a_page_at_a_time(
    page, live_server, council, provider_org, commissioner, password
):
    """Issue 14: 50 accounts a page, the summaries for the whole council with a link to the rest; every
    page passes axe and fits 320 px."""
    robot = system_actor()
    start = timezone.localdate() - dt.timedelta(days=100)
    for i in range(56):
        person = PersonFactory(council=council, given_name="Sam", family_name=f"Page{i:02d}")
        agreement = isf_agreement(
            person=person,
            provider=provider_org,
            start=start,
            budget_ref=f"DOR-PG-{i}",
            unspent_limit="0.00" if i % 9 == 0 else "1000.00",
        )
        fund = services.open_fund(agreement=agreement, actor=robot)
        if i % 2:
            services.post_due_payments(fund=fund, actor=robot, today=timezone.localdate())
    browser_sign_in(page, live_server, commissioner, password)
    page.goto(f"{live_server.url}/isf/council/")
    expect(page.get_by_text("Showing 1 to 50 of 56, in name order.")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "council-accounts")
    page.get_by_role("link", name="See all 28 accounts with no entries for more than 8 weeks").click()
    expect(page.get_by_text("Showing the 28 accounts with no entries for more than 8 weeks.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/isf/council/")
    page.get_by_role("navigation", name="Pages of accounts").get_by_role("link", name="Next").click()
    expect(page.get_by_role("link", name="Sam Page55", exact=True)).to_be_visible()
    assert_accessible(page)
