"""A monitoring officer asks for a return, watches it finish (htmx, a real Celery worker), reads it and
downloads it; every page passes axe. The job page also works without JavaScript."""

import json

import pytest
from django.conf import settings
from playwright.sync_api import expect

from monitoring.models import MonitoringReturn
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in
from tests.monitoring.factories import arrangement, budget, person
from tests.monitoring.workers import kill_worker, purge_broker, start_worker

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
]


@pytest.fixture
def worker(tmp_path):
    purge_broker()
    process = start_worker("e2e", log_path=tmp_path / "worker.log")
    yield process
    kill_worker(process)
    purge_broker()


def test_a_monitoring_officer_makes_and_downloads_a_return(
    page, live_server, council, monitoring_officer, password, worker
):
    for _ in range(3):
        arrangement(person(council), "isf", start="2025-04-01")
    pb = budget(person(council))
    arrangement(pb, "direct_payment", start="2025-04-01")
    arrangement(pb, "commissioner_controlled", start="2025-04-01")

    browser_sign_in(page, live_server, monitoring_officer, password)
    page.get_by_role("link", name="Monitoring returns").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Monitoring returns"
    assert_accessible(page)
    assert_fits_320(page, "monitoring-returns")

    page.get_by_label("Period").select_option("2025-26")
    page.get_by_role("button", name="Make the return").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Return for 2025-26"
    assert_accessible(page)
    assert_fits_320(page, "monitoring-job")
    # The page updates itself (htmx polling) when the worker has finished.
    page.get_by_role("heading", name="Your return is ready").wait_for(timeout=45_000)
    assert_accessible(page)
    assert_fits_320(page, "monitoring-job-ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == "monitoring-return-E06000059-2025-26-v1.pdf"
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the JSON").click()
    with open(download_info.value.path()) as f:
        figures = json.load(f)
    assert figures["people_at_period_end"]["by_delivery"]["isf_only"] == 3
    assert figures["people_at_period_end"]["by_delivery"]["mixed"] == 1

    page.get_by_role("link", name="Read the return on screen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Monitoring return 2025-26"
    expect(
        page.get_by_text("On 31 March 2026, 4 people had a personal budget from Dorset Council")
    ).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "monitoring-return")
    page.get_by_role("button", name="Publish this return").click()
    page.get_by_text("Your return is published.").wait_for()
    assert_accessible(page)
    assert_fits_320(page, "monitoring-published")
    assert MonitoringReturn.objects.get().published_at is not None
    # The list of returns, now with one in it.
    page.get_by_role("link", name="Monitoring returns").first.click()
    assert_fits_320(page, "monitoring-returns-list")


def test_without_javascript_the_job_page_offers_a_refresh_link(
    browser, live_server, council, monitoring_officer, password
):
    from monitoring import services

    job = services.request_return(
        council=council, period="2026-27-Q1", actor=monitoring_officer, enqueue=False
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, monitoring_officer, password)
        page.goto(f"{live_server.url}/monitoring/jobs/{job.pk}/")
        expect(page.get_by_text("Waiting to start")).to_be_visible()
        services.produce_return(job_id=job.pk)
        page.get_by_role("link", name="Refresh this page").click()
        expect(page.get_by_role("heading", name="Your return is ready")).to_be_visible()
        expect(page.get_by_role("link", name="Download the CSV file")).to_be_visible()
        # (axe needs JavaScript; the same page is checked with it in the journey above.)
    finally:
        context.close()


def test_the_population_upload_page_fits_a_phone_with_its_errors(page, live_server, platform_admin, password):
    """The other monitoring page (platform administrators load the population figures)."""
    browser_sign_in(page, live_server, platform_admin, password)
    page.goto(f"{live_server.url}/monitoring/population/upload/")
    assert page.get_by_role("heading", level=1).inner_text() == "Upload population figures"
    assert_accessible(page)
    assert_fits_320(page, "monitoring-population-upload")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "monitoring-population-upload-errors")
