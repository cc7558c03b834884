"""The pages and the API share the services: asking, watching, reading, downloading, publishing."""

import json

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from monitoring import services
from monitoring.models import MonitoringReturn, ReturnJob
from monitoring.periods import parse_period, period_containing
from tests.conftest import sign_in
from tests.monitoring.factories import arrangement, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(monitoring_officer):
    return sign_in(Client(), monitoring_officer)


@pytest.fixture
def made(council):
    arrangement(person(council), "isf")
    # A finished year: the return is final, so it may be published.
    return services.make_return_now(council=council, period=parse_period("2025-26"))


def test_the_returns_page_offers_periods_and_lists_returns(officer_client, made):
    response = officer_client.get("/monitoring/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ask for a return" in html
    assert '<option value="2026-27-Q1">2026-27-Q1 (April 2026 to June 2026)</option>' in html
    assert f'href="/monitoring/returns/{made.pk}/"' in html
    assert "No population figures are held yet" in html


def test_asking_for_a_return_goes_to_its_progress_page(
    officer_client, council, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            "/monitoring/request/", {"council": council.pk, "period": "2026-27-Q2"}
        )
    job = ReturnJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/monitoring/jobs/{job.pk}/"
    page = officer_client.get(response["Location"]).content.decode()
    assert "Your return is ready" in page
    snapshot = MonitoringReturn.objects.get(job=job)
    assert f"/monitoring/returns/{snapshot.pk}/download/pdf/" in page


def test_a_job_page_polls_with_htmx_and_has_a_refresh_link_without_javascript(
    officer_client, council, monitoring_officer
):
    job = services.request_return(council=council, period="2026-27", actor=monitoring_officer, enqueue=False)
    page = officer_client.get(f"/monitoring/jobs/{job.pk}/").content.decode()
    assert f'hx-get="/monitoring/jobs/{job.pk}/" hx-trigger="every 2s"' in page
    assert "Refresh this page" in page
    partial = officer_client.get(
        f"/monitoring/jobs/{job.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.lstrip().startswith('<div id="job-status"')
    assert "<html" not in partial
    services.produce_return(job_id=job.pk)
    done = officer_client.get(f"/monitoring/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert "Your return is ready" in done


def test_a_bad_period_is_shown_on_the_form(officer_client, council):
    response = officer_client.post("/monitoring/request/", {"council": council.pk, "period": "2026"})
    assert response.status_code == 400
    assert "Choose one of the periods shown" in response.content.decode()
    assert not ReturnJob.objects.exists()


def test_downloads_are_the_stored_snapshot(officer_client, made):
    pdf = officer_client.get(f"/monitoring/returns/{made.pk}/download/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="monitoring-return-E06000059-2025-26-v1.pdf"'
    as_json = officer_client.get(f"/monitoring/returns/{made.pk}/download/json/")
    assert json.loads(as_json.content) == made.figures
    as_csv = officer_client.get(f"/monitoring/returns/{made.pk}/download/csv/").content.decode()
    assert as_csv.splitlines()[0] == "section,measure,breakdown,value,suppressed"
    assert "people_at_period_end,by_delivery,isf_only,1,false" in as_csv
    assert "budgets_at_period_end,annual_value,isf,10000.00,false" in as_csv
    assert officer_client.get(f"/monitoring/returns/{made.pk}/download/xls/").status_code == 404


def test_the_return_page_shows_tables_and_publishes(officer_client, made):
    page = officer_client.get(f"/monitoring/returns/{made.pk}/").content.decode()
    assert "Individual Service Fund only" in page
    assert "Publish this return" in page
    assert made.checksum in page
    response = officer_client.post(f"/monitoring/returns/{made.pk}/publish/")
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.published_at is not None
    assert "Publish this return" not in officer_client.get(f"/monitoring/returns/{made.pk}/").content.decode()


def test_a_provisional_return_says_so_and_cannot_be_published(officer_client, monitoring_officer, council):
    # The period running today (a fixed one would turn final, and publishable, once it ends).
    current = services.make_return_now(council=council, period=period_containing(timezone.localdate()))
    page = officer_client.get(f"/monitoring/returns/{current.pk}/").content.decode()
    assert "Provisional" in page
    assert "A provisional return cannot be published" in page
    assert "Publish this return" not in page
    refused = officer_client.post(f"/monitoring/returns/{current.pk}/publish/", follow=True)
    assert "This return is provisional" in refused.content.decode()
    api = api_client(monitoring_officer).post(f"/api/monitoring/returns/{current.pk}/publish/")
    assert api.status_code == 409
    assert "Only a final return can be published" in api.json()["detail"]
    current.refresh_from_db()
    assert current.published_at is None


def test_another_councils_return_is_not_found(officer_client, other_council):
    theirs = services.make_return_now(council=other_council, period=parse_period("2026-27"))
    assert officer_client.get(f"/monitoring/returns/{theirs.pk}/").status_code == 404
    assert officer_client.get(f"/api/monitoring/returns/{theirs.pk}/").status_code == 404
    assert (
        f"/monitoring/returns/{theirs.pk}/" not in officer_client.get("/monitoring/returns/").content.decode()
    )


def api_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


def test_the_api_lists_requests_and_serves_the_same_json_as_the_command(
    monitoring_officer, council, made, eager_celery, django_capture_on_commit_callbacks
):
    client = api_client(monitoring_officer)
    listing = client.get("/api/monitoring/returns/").json()
    assert [r["id"] for r in listing["results"]] == [made.pk]
    assert client.get(f"/api/monitoring/returns/{made.pk}/").json() == made.figures
    assert client.get(f"/api/monitoring/returns/{made.pk}/pdf/").content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            "/api/monitoring/jobs/",
            {"council": "E06000059", "period": "2026-27-Q3"},
            content_type="application/json",
        )
    assert first.status_code == 202
    job = client.get(f"/api/monitoring/jobs/{first.json()['id']}/").json()
    assert job["status"] == "done"
    assert job["monitoring_return"] is not None
    bad = client.post(
        "/api/monitoring/jobs/", {"council": "E06000059", "period": "2026"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "'2026' is not a period" in bad.json()["period"][0]
    future = client.post(
        "/api/monitoring/jobs/",
        {"council": "E06000059", "period": "2040-41"},
        content_type="application/json",
    )
    assert future.status_code == 400
    assert "The period 2040-41 has not started" in future.json()["period"][0]


def test_asking_twice_through_the_api_gives_the_same_job(monitoring_officer, council):
    client = api_client(monitoring_officer)
    body = {"council": "E06000059", "period": "2026-27"}
    first = client.post("/api/monitoring/jobs/", body, content_type="application/json").json()
    second = client.post("/api/monitoring/jobs/", body, content_type="application/json").json()
    assert first["id"] == second["id"]


def test_the_api_is_in_the_schema(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).content.decode()
    for path in ("/api/monitoring/returns/", "/api/monitoring/jobs/", "/api/monitoring/returns/{id}/pdf/"):
        assert path in schema
