"""Separation of duties: a file uploaded through the browser creates no money that counts until a
second person with the approver role confirms it, seeing its totals, within their limit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from budgets.models import Arrangement, BatchStatus, BudgetStatus, ImportBatch, Person, PersonalBudget
from budgets.selectors import counted_arrangements
from organisations.audit import history_for
from organisations.models import ImportJob, Membership, Role
from tests.conftest import sign_in
from tests.factories import staff

# Uploads are jobs (organisations/jobs.py); here a job runs as soon as it is queued.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_jobs_run_at_once")]

HEADER = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
    "start_date,end_date,provider_ref\n"
)
BIG = HEADER + "P-1,1980-05-01,learning_disability,B-1,direct_payment,999999.00,2026-04-01,,\n"
SMALL = HEADER + (
    "P-1,1980-05-01,learning_disability,B-1,direct_payment,12000.00,2026-04-01,,\n"
    "P-1,1980-05-01,learning_disability,B-2,commissioner_controlled,3000.00,2026-04-01,,\n"
    "P-2,1990-01-01,mental_health,B-3,direct_payment,8000.50,2026-04-01,,\n"
)


def client_for(user) -> Client:
    return sign_in(Client(), user)


def upload(user, text: str, name: str = "budgets.csv"):
    return client_for(user).post(
        "/imports/budgets/", {"file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    )


def test_one_commissioner_uploading_a_999999_budget_creates_nothing_that_counts(commissioner, council):
    response = upload(commissioner, BIG)
    batch = ImportBatch.objects.get()
    job = ImportJob.objects.get()
    # The upload page hands over to the job's page, which ends with the batch waiting for an approver.
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    job_page = client_for(commissioner).get(response.url).content.decode()
    assert (
        "1 row for 1 person. An approver must confirm the file before anything in it is imported." in job_page
    )
    assert f'href="/imports/batches/{batch.pk}/"' in job_page
    assert batch.status == BatchStatus.WAITING
    assert not Person.objects.exists() and not PersonalBudget.objects.exists()
    assert not counted_arrangements(council_ids=[council.pk]).exists()
    page = client_for(commissioner).get(job.result_url).content.decode()
    assert "£999,999.00" in page
    assert "You uploaded this file. Nothing in it is imported until another person" in page
    assert "Confirm and import" not in page


def test_the_uploader_cannot_confirm_their_own_file_even_as_an_approver(commissioner, council):
    Membership.objects.create(
        user=commissioner, council=council, role=Role.APPROVER, approval_limit=Decimal("2000000.00")
    )
    upload(commissioner, BIG)
    batch = ImportBatch.objects.get()
    response = client_for(commissioner).post(f"/imports/batches/{batch.pk}/confirm/")
    assert response.status_code == 409
    assert "You uploaded this file, so someone else must decide on it." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WAITING and not Arrangement.objects.exists()


def test_an_approver_cannot_confirm_a_file_above_their_limit(commissioner, approver, council):
    upload(commissioner, BIG)
    batch = ImportBatch.objects.get()
    page = client_for(approver).get(f"/imports/batches/{batch.pk}/").content.decode()
    assert "above your approval limit of £50,000.00 a year" in page and "Confirm and import" not in page
    response = client_for(approver).post(f"/imports/batches/{batch.pk}/confirm/")
    assert response.status_code == 409
    assert (
        "The largest budget in this file is £999,999.00 a year, above your approval limit of £50,000.00. "
        "Ask an approver with a higher limit." in response.content.decode()
    )
    assert not Arrangement.objects.exists()


def test_a_second_person_confirms_seeing_the_totals_and_only_then_budgets_count(
    commissioner, approver, council
):
    upload(commissioner, SMALL, name="march.csv")
    batch = ImportBatch.objects.get()
    c = client_for(approver)
    queue = c.get("/approvals/").content.decode()
    assert "march.csv" in queue and "£23,000.50" in queue
    page = c.get(f"/imports/batches/{batch.pk}/").content.decode()
    for shown in ("£23,000.50", "£15,000.00 a year", "Confirm and import"):
        assert shown in page
    response = c.post(f"/imports/batches/{batch.pk}/confirm/", follow=True)
    assert (
        "Imported for Dorset Council (E06000059): people 2 created, 0 updated; arrangements 3 created, "
        "0 updated, 0 unchanged." in response.content.decode()
    )
    budgets = PersonalBudget.objects.all()
    assert {b.status for b in budgets} == {BudgetStatus.APPROVED}
    assert {b.proposed_by for b in budgets} == {commissioner}
    assert {b.decided_by for b in budgets} == {approver}
    assert counted_arrangements(council_ids=[council.pk]).count() == 3
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED and batch.decided_by == approver
    events = [(e.actor, e.additional_data["event"]) for e in history_for(batch)]
    assert (commissioner, "file uploaded, waiting for an approver") in events
    assert (approver, "uploaded file confirmed and imported") in events
    arrangement_note = history_for(Arrangement.objects.get(budget_ref="B-1"))[0].additional_data["note"]
    assert "imported from march.csv" in arrangement_note
    assert f"uploaded by {commissioner.email}, confirmed by {approver.email}" in arrangement_note
    # Confirming again changes nothing.
    assert c.post(f"/imports/batches/{batch.pk}/confirm/").status_code == 302
    assert Arrangement.objects.count() == 3


def test_an_upload_cannot_raise_an_approved_amount_without_a_second_person(commissioner, approver, council):
    upload(commissioner, SMALL)
    client_for(approver).post(f"/imports/batches/{ImportBatch.objects.get().pk}/confirm/")
    upload(commissioner, SMALL.replace("12000.00", "999999.00"))
    assert Arrangement.objects.get(budget_ref="B-1").annual_amount == Decimal("12000.00")


def test_a_rejected_file_imports_nothing_and_cannot_be_confirmed(commissioner, approver, council):
    upload(commissioner, SMALL)
    batch = ImportBatch.objects.get()
    c = client_for(approver)
    assert c.post(f"/imports/batches/{batch.pk}/reject/", {"reason": ""}).status_code == 400
    response = c.post(f"/imports/batches/{batch.pk}/reject/", {"reason": "Not this month's file"})
    assert response.status_code == 302
    response = c.post(f"/imports/batches/{batch.pk}/confirm/")
    assert response.status_code == 409
    assert "This file is rejected, so it cannot be confirmed." in response.content.decode()
    assert not Arrangement.objects.exists()
    assert "uploaded file rejected" in [e.additional_data["event"] for e in history_for(batch)]


def test_another_councils_approver_cannot_see_or_confirm_the_file(commissioner, council, other_council):
    other = staff(Role.APPROVER, council=other_council, approval_limit=Decimal("2000000.00"))
    upload(commissioner, SMALL)
    batch = ImportBatch.objects.get()
    assert client_for(other).get(f"/imports/batches/{batch.pk}/").status_code == 404
    assert client_for(other).post(f"/imports/batches/{batch.pk}/confirm/").status_code == 404
    assert "budgets.csv" not in client_for(other).get("/approvals/").content.decode()
    assert not Arrangement.objects.exists()


def test_a_file_that_no_longer_fits_the_records_is_refused_at_confirmation(commissioner, approver, council):
    upload(commissioner, SMALL)
    batch = ImportBatch.objects.get()
    # Meanwhile P-2's reference is taken by someone else's arrangement in the service.
    other = Person.objects.create(
        council=council,
        person_ref="X-9",
        date_of_birth=dt.date(1970, 1, 1),
        primary_support_reason="mental_health",
    )
    budget = PersonalBudget.objects.create(person=other, start_date=dt.date(2026, 4, 1), status="approved")
    Arrangement.objects.create(
        budget=budget,
        management_type="direct_payment",
        annual_amount=1,
        start_date=dt.date(2026, 4, 1),
        budget_ref="B-3",
    )
    response = client_for(approver).post(f"/imports/batches/{batch.pk}/confirm/")
    assert response.status_code == 409
    assert "line 4: budget_ref: &#x27;B-3&#x27; already belongs to person_ref &#x27;X-9&#x27;" in (
        response.content.decode()
    )
    assert not Arrangement.objects.filter(budget_ref="B-1").exists()
