"""An upload as a job in a real browser: a platform administrator uploads a population file with
problems; the job's page lists them (axe-clean), pages through them, offers the CSV, and works with
JavaScript off."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BAD = "council_code,year,age_band,population\n" + "".join(f"E06000059,20x{i},0-17,1\n" for i in range(60))


def _upload(page, live_server, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(BAD)
    page.goto(f"{live_server.url}/monitoring/population/upload/")
    assert_accessible(page)
    page.get_by_label("CSV file of population figures").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()


def test_the_problems_of_an_uploaded_file_are_listed_and_paged(
    page, browser, live_server, platform_admin, council, password, tmp_path, import_jobs_run_at_once
):
    browser_sign_in(page, live_server, platform_admin, password)
    _upload(page, live_server, tmp_path)
    expect(page.get_by_role("heading", name="population.csv")).to_be_visible()
    expect(page.get_by_text("60 problems found. Showing 1 to 50.")).to_be_visible()
    expect(page.get_by_text("line 2: year: '20x0' is not a year like 2026")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Next page of problems").click()
    expect(page.get_by_text("line 61: year: '20x59' is not a year like 2026")).to_be_visible()
    page.screenshot(path=str(tmp_path / "import-job.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download every problem as a CSV file").click()
    assert download.value.suggested_filename.endswith("-problems.csv")

    # Without JavaScript: the same page, the same problems.
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(page.context.cookies())  # the same signed-in session
    plain = context.new_page()
    plain.goto(page.url)
    expect(plain.get_by_text("line 61: year: '20x59' is not a year like 2026")).to_be_visible()
    context.close()
