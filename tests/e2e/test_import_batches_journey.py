"""Separation of duties in a real browser: a commissioner uploads a file, which waits; an approver sees
its totals and confirms it, without JavaScript too. axe on every page; 320 px wide for the batch page."""

import pytest
from playwright.sync_api import expect

from budgets.models import PersonalBudget
from tests.e2e.helpers import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSV = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,start_date,"
    "end_date,provider_ref\n"
    "P-1,1980-05-01,learning_disability,B-1,direct_payment,12000.00,2026-04-01,,\n"
    "P-2,1990-01-01,mental_health,B-2,direct_payment,8000.50,2026-04-01,,\n"
)


def test_an_upload_waits_until_a_second_person_confirms_it(
    browser, live_server, council, commissioner, approver, password, tmp_path, import_jobs_run_at_once
):
    upload = tmp_path / "april.csv"
    upload.write_text(CSV)
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_sign_in(page, live_server, commissioner, password)
    page.goto(f"{live_server.url}/imports/budgets/")
    assert_accessible(page)
    page.get_by_label("CSV file from your case-management system").set_input_files(str(upload))
    page.get_by_role("button", name="Check and send for approval").click()
    # The file is checked as a job (organisations/jobs.py); its page leads to the batch.
    page.get_by_role("link", name="See what happens next").click()
    assert page.locator("#batch-status").inner_text() == "Waiting for an approver"
    assert "£20,000.50" in page.locator("#batch-totals").inner_text()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert not PersonalBudget.objects.exists()
    context.close()

    # The approver sees the queue and the totals (axe needs JavaScript) ...
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_sign_in(page, live_server, approver, password)
    page.goto(f"{live_server.url}/approvals/")
    assert_accessible(page)
    page.get_by_role("link", name="april.csv").click()
    assert "£12,000.00 a year" in page.locator("#batch-totals").inner_text()
    assert_accessible(page)
    batch_url, signed_in = page.url, context.storage_state()
    context.close()

    # ... and confirms without JavaScript (same session): a plain form post.
    context = browser.new_context(java_script_enabled=False, storage_state=signed_in)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(batch_url)
    page.get_by_role("button", name="Confirm and import").click()
    assert page.locator("#batch-status").inner_text() == "Confirmed and imported"
    assert "people 2 created" in page.locator("#import-summary").inner_text()
    page.screenshot(path=str(tmp_path / "batch-confirmed.png"), full_page=True)
    assert {b.decided_by for b in PersonalBudget.objects.all()} == {approver}
    context.close()
