"""Issue 17 in a real browser: a commissioner converts a block contract into Individual Service Funds
(a plain form post, without JavaScript); the approver sees the whole batch with its total against the
block's value and confirms it; the block ends the day before the ISFs start; the comparison page shows
both. axe on every page, 320 px wide for each."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets import batches, blocks
from budgets.models import Arrangement, BlockStatus
from tests.budgets.factories import PersonFactory
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _context(browser, **kw):
    context = browser.new_context(**kw)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_a_block_contract_becomes_individual_service_funds(
    browser, live_server, council, commissioner, approver, password, provider_org
):
    people = [PersonFactory(council=council, given_name=n, family_name="Riverside") for n in ("Ann", "Ben")]
    block = blocks.block_record(
        council=council,
        provider=provider_org,
        name="Riverside supported living",
        annual_value=Decimal("60000.00"),
        start_date=dt.date(2023, 4, 1),
        end_date=None,
        people=people,
        actor=commissioner,
    )
    batches.batch_confirm(batch=block.record_batch, actor=approver)

    # The commissioner reads the block and converts it, the council's own split, with no JavaScript.
    context, page = _context(browser)
    browser_sign_in(page, live_server, commissioner, password)
    page.goto(f"{live_server.url}/providers/blocks/")
    assert_accessible(page)
    assert_fits_320(page, "blocks")
    page.get_by_role("link", name="Riverside supported living").click()
    assert page.locator("#block-status").inner_text() == "In force"
    assert_accessible(page)
    assert_fits_320(page, "block")
    commissioner_session = signed_in = context.storage_state()
    context.close()

    context, page = _context(browser, java_script_enabled=False, storage_state=signed_in)
    page.goto(f"{live_server.url}/providers/blocks/{block.pk}/convert/")
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("4")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("The council's own split: the amounts below").check()
    page.get_by_label("Ann Riverside").fill("26000")
    page.get_by_label("Ben Riverside").fill("22,500.50")
    page.get_by_role("button", name="Propose the conversion").click()
    assert page.locator("#block-status").inner_text() == "Conversion waiting for an approver"
    assert not Arrangement.objects.filter(management_type="isf").exists()
    context.close()

    # (The same session again, with JavaScript for axe: a second sign-in could reuse a security code.)
    context, page = _context(browser, storage_state=commissioner_session)
    page.goto(f"{live_server.url}/providers/blocks/{block.pk}/convert/")
    assert_accessible(page)
    assert_fits_320(page, "block-convert")
    context.close()

    # The approver sees the whole batch: each person, the total against the block's value.
    context, page = _context(browser)
    browser_sign_in(page, live_server, approver, password)
    page.goto(f"{live_server.url}/approvals/")
    page.get_by_role("link", name="Block contract into ISFs: Riverside supported living").click()
    assert page.locator("#block-batch-total").inner_text() == "£48,500.50"
    assert page.locator("#block-value").inner_text() == "£60,000.00"
    assert "The block ends on 31 March 2025, the day before." in page.content()
    assert_accessible(page)
    assert_fits_320(page, "block-batch")
    batch_url, signed_in = page.url, context.storage_state()
    context.close()

    context, page = _context(browser, java_script_enabled=False, storage_state=signed_in)
    page.goto(batch_url)
    page.get_by_role("button", name="Confirm and import").click()
    assert page.locator("#batch-status").inner_text() == "Confirmed and imported"
    assert "the block ended on 31 March 2025" in page.locator("#import-summary").inner_text()
    context.close()

    block.refresh_from_db()
    assert block.status == BlockStatus.CONVERTED and block.end_date == dt.date(2025, 3, 31)
    isfs = Arrangement.objects.filter(management_type="isf", budget__status="approved")
    assert sum(a.annual_amount for a in isfs) == Decimal("48500.50")

    # The comparison page: the block's cost before, the ISFs' after.
    context, page = _context(browser, storage_state=commissioner_session)
    page.goto(f"{live_server.url}/monitoring/blocks/{block.pk}/")
    table = page.locator("#block-compare").inner_text()
    assert "£60,000.00" in table and "£48,500.50" in table
    assert_accessible(page)
    assert_fits_320(page, "block-compare")
    context.close()
