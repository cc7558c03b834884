"""Uploads as background jobs (organisations/jobs.py): same file → same job, progress, the summary or
every error (paginated, as CSV), and nothing half-imported when a worker dies."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from config.celery import app as celery_app
from monitoring import services as monitoring_services
from monitoring.models import PopulationFigure
from organisations import audit, jobs
from organisations.models import ImportJob, ImportJobStatus
from tests.conftest import sign_in
from tests.monitoring.conftest import set_celery_conf

HEADER = "council_code,year,age_band,population\n"
GOOD = HEADER + "E06000059,2026,0-17,66000\nE06000059,2026,18-64,200000\nE06000059,2026,65+,110000\n"


def _bad(lines: int) -> str:
    return HEADER + "".join(f"E06000059,20x{i},0-17,1\n" for i in range(lines))


@pytest.fixture
def eager_celery():
    before = celery_app.conf.task_always_eager
    set_celery_conf(task_always_eager=True)
    yield
    set_celery_conf(task_always_eager=before)


@pytest.mark.django_db
def test_asking_twice_for_the_same_file_gives_the_same_job(platform_admin, council):
    first = jobs.request_import(
        kind="population", target="platform", file_name="a.csv", data=GOOD.encode(), actor=platform_admin
    )
    again = jobs.request_import(
        kind="population",
        target="platform",
        file_name="renamed.csv",
        data=GOOD.encode(),
        actor=platform_admin,
    )
    other = jobs.request_import(
        kind="population",
        target="platform",
        file_name="a.csv",
        data=(GOOD + "\n").encode(),
        actor=platform_admin,
    )
    assert again.pk == first.pk and other.pk != first.pk
    # A failed job is not handed back: the person may have put something right in the service.
    ImportJob.objects.filter(pk=first.pk).update(status=ImportJobStatus.FAILED)
    retry = jobs.request_import(
        kind="population", target="platform", file_name="a.csv", data=GOOD.encode(), actor=platform_admin
    )
    assert retry.pk not in (first.pk, other.pk)


@pytest.mark.django_db
def test_the_population_page_queues_a_celery_job_that_imports_the_file(
    platform_admin, council, eager_celery, django_capture_on_commit_callbacks
):
    client = sign_in(Client(), platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/monitoring/population/upload/",
            {"file": SimpleUploadedFile("pop.csv", GOOD.encode(), "text/csv")},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    assert job.status == ImportJobStatus.DONE and job.requested_by == platform_admin
    page = client.get(response.url).content.decode()
    assert "Imported 3 population figures from pop.csv." in page
    assert PopulationFigure.objects.count() == 3
    # The same file again: the same job, nothing imported twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            "/monitoring/population/upload/",
            {"file": SimpleUploadedFile("pop.csv", GOOD.encode(), "text/csv")},
        )
    assert again.url == response.url and ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_a_waiting_job_page_refreshes_with_htmx_and_without_javascript(platform_admin, council):
    job = jobs.request_import(
        kind="population",
        target="platform",
        file_name="a.csv",
        data=GOOD.encode(),
        actor=platform_admin,
        enqueue=False,
    )
    client = sign_in(Client(), platform_admin)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "Rows checked" in page and "Rows written" in page
    assert f'<a class="govuk-link" href="/imports/{job.pk}/">Refresh this page</a>' in page
    partial = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="job-status"') and "<html" not in partial


@pytest.mark.django_db
def test_every_error_is_shown_fifty_a_page_and_downloadable_as_csv(
    platform_admin, council, import_jobs_run_at_once
):
    client = sign_in(Client(), platform_admin)
    response = client.post(
        "/monitoring/population/upload/",
        {"file": SimpleUploadedFile("bad.csv", _bad(120).encode(), "text/csv")},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED and len(job.errors) == 120
    first = client.get(response.url).content.decode()
    assert "120 problems found. Showing 1 to 50." in first and "Page 1 of 3" in first
    assert "line 2: year: &#x27;20x0&#x27; is not a year like 2026" in first
    assert "line 52:" not in first
    last = client.get(response.url + "?page=3").content.decode()
    assert "Showing 101 to 120." in last and "line 121: year: &#x27;20x119&#x27;" in last
    download = client.get(f"/imports/{job.pk}/problems.csv")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["line", "column", "problem"]
    assert rows[1] == ["2", "year", "'20x0' is not a year like 2026"] and len(rows) == 121
    assert not PopulationFigure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_mid_import_leaves_nothing_and_the_redelivered_job_finishes(
    platform_admin, council, monkeypatch
):
    job = jobs.request_import(
        kind="population",
        target="platform",
        file_name="a.csv",
        data=GOOD.encode(),
        actor=platform_admin,
        enqueue=False,
    )
    real = audit.record_many

    def die(entries):
        real(entries)  # the figures and their audit entries are written...
        raise SystemExit("worker killed")  # ...and then the worker goes

    monkeypatch.setattr(monitoring_services.audit, "record_many", die)
    with pytest.raises(SystemExit):
        jobs.run_import(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.RUNNING  # claimed, never finished
    assert not PopulationFigure.objects.exists()
    # Celery delivers the task again (acks_late); the dead worker's advisory lock is gone.
    monkeypatch.setattr(monitoring_services.audit, "record_many", real)
    done = jobs.run_import(job_id=job.pk)
    assert done.status == ImportJobStatus.DONE and PopulationFigure.objects.count() == 3
    # Progress was written on its own connection while the import ran.
    assert (done.rows_checked, done.rows_written) == (3, 3)
    # A third delivery does nothing.
    assert jobs.run_import(job_id=job.pk) is None and PopulationFigure.objects.count() == 3
