"""Uploaded files through the service the pages and jobs share (DESIGN.md, "No single person creates
money that counts"): a file is checked whole and kept unapplied; someone else with the approver role
confirms it within their limit, or rejects it with a reason; every step recorded with who (issue 20:
each test here kills mutants that survived the earlier tests)."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets import batches
from budgets.batches import BatchImporter, BatchInvalid, BatchTotals
from budgets.models import BatchStatus, BudgetStatus, ImportBatch, PersonalBudget
from budgets.services import BudgetError, NotAllowed
from tests.factories import staff

pytestmark = pytest.mark.django_db

D = Decimal
HEADER = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
    "start_date,end_date,provider_ref\n"
)
FILE = (
    HEADER
    + "P-1,1980-05-01,learning_disability,B-1,direct_payment,12000.00,2026-04-01,,\n"
    + "P-1,1980-05-01,learning_disability,B-2,commissioner_controlled,3000.00,2026-04-01,,\n"
    + "P-2,1990-01-01,mental_health,B-3,direct_payment,8000.50,2026-04-01,,\n"
).encode()


def _upload(council, actor, data=FILE, name="budgets.csv", **kw):
    return batches.batch_upload(council=council, kind="budgets", file_name=name, data=data, actor=actor, **kw)


def _events(batch):
    return [
        (e.additional_data["event"], e.actor)
        for e in LogEntry.objects.filter(object_pk=str(batch.pk), content_type__model="importbatch").order_by(
            "pk"
        )
    ]


@pytest.fixture
def limited_approver(council):
    """An approver whose limit is exactly the largest person's total in FILE (£15,000.00)."""
    return staff("approver", council=council, approval_limit=D("15000.00"), email="limit@test.example.org")


# ---- uploading ----


def test_an_upload_is_kept_with_its_totals_and_recorded(council, commissioner):
    seen = []
    batch = _upload(council, commissioner, name="x" * 300, progress=lambda **kw: seen.append(kw))
    batch.refresh_from_db()
    assert (batch.council, batch.kind, batch.status, batch.uploaded_by) == (
        council,
        "budgets",
        BatchStatus.WAITING,
        commissioner,
    )
    assert batch.file_name == "x" * 255
    assert bytes(batch.data) == FILE
    assert (batch.rows, batch.people, batch.annual_total, batch.largest_total) == (
        3,
        2,
        D("23000.50"),
        D("15000.00"),
    )
    assert seen and seen[-1] == {"checked": 3}  # the upload job's progress was told
    assert not PersonalBudget.objects.exists()
    entry = LogEntry.objects.get(object_pk=str(batch.pk), content_type__model="importbatch")
    assert (entry.actor, entry.action, entry.additional_data["event"]) == (
        commissioner,
        LogEntry.Action.CREATE,
        "file uploaded, waiting for an approver",
    )
    assert entry.changes_dict == {
        "file_name": ["", "x" * 255],
        "rows": ["", "3"],
        "people": ["", "2"],
        "annual_total": ["", "£23,000.50"],
        "largest_total": ["", "£15,000.00"],
    }


def test_only_a_commissioner_of_the_council_uploads(council, approver, other_council_commissioner):
    for actor in (approver, other_council_commissioner):
        with pytest.raises(NotAllowed) as refused:
            _upload(council, actor)
        assert str(refused.value) == "Only a commissioner of this council can upload budgets."
    assert not ImportBatch.objects.exists()


def test_a_file_with_errors_is_refused_whole_naming_every_bad_line(council, commissioner):
    bad = (
        HEADER
        + "P-1,1980-05-01,learning_disability,B-1,direct_payment,12000.00,2026-04-01,,\n"
        + "P-2,1990-13-01,mental_health,B-3,direct_payment,8000.50,2026-04-01,,\n"
        + "P-3,1990-01-01,mental_health,B-4,cash,1.00,2026-04-01,,\n"
    ).encode()
    with pytest.raises(BatchInvalid) as refused:
        _upload(council, commissioner, data=bad)
    assert str(refused.value) == "Nothing was imported: fix these lines and upload the file again."
    assert [e.split(":")[0] for e in refused.value.errors] == ["line 3", "line 4"]
    assert not ImportBatch.objects.exists()


def test_a_file_of_a_kind_nobody_reads_is_refused(council, commissioner):
    with pytest.raises(BudgetError) as refused:
        batches.batch_upload(
            council=council, kind="nonsense", file_name="a.csv", data=FILE, actor=commissioner
        )
    assert str(refused.value) == "There is no importer for 'nonsense' files."


# ---- confirming ----


def test_a_second_person_confirms_exactly_at_their_limit_and_the_budgets_count(
    council, commissioner, limited_approver
):
    batch = _upload(council, commissioner)
    confirmed = batches.batch_confirm(batch=batch, actor=limited_approver)
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.decided_by) == (BatchStatus.CONFIRMED, limited_approver)
    assert confirmed.decided_at is not None
    assert confirmed.result.startswith("Imported for Dorset Council (E06000059): people 2 created")
    budgets = PersonalBudget.objects.filter(person__council=council)
    assert {(b.status, b.proposed_by, b.decided_by) for b in budgets} == {
        (BudgetStatus.APPROVED, commissioner, limited_approver)
    }
    assert _events(batch) == [
        ("file uploaded, waiting for an approver", commissioner),
        ("uploaded file confirmed and imported", limited_approver),
    ]
    entry = LogEntry.objects.filter(object_pk=str(batch.pk), content_type__model="importbatch").latest("pk")
    assert entry.changes_dict == {"status": ["waiting", "confirmed"]}
    assert entry.additional_data["note"] == confirmed.result
    # Confirming again (two approvers pressing at once) changes nothing.
    batches.batch_confirm(batch=batch, actor=limited_approver)
    assert len(_events(batch)) == 2


def test_a_penny_over_the_limit_or_no_limit_is_refused(council, commissioner):
    batch = _upload(council, commissioner)
    low = staff("approver", council=council, approval_limit=D("14999.99"), email="low@test.example.org")
    with pytest.raises(BudgetError) as refused:
        batches.batch_confirm(batch=batch, actor=low)
    assert str(refused.value) == (
        "The largest budget in this file is £15,000.00 a year, above your approval limit of £14,999.99. "
        "Ask an approver with a higher limit."
    )
    none = staff("approver", council=council, email="none@test.example.org")
    with pytest.raises(BudgetError) as refused:
        batches.batch_confirm(batch=batch, actor=none)
    assert (
        str(refused.value) == "You have no approval limit in this council yet, so you cannot confirm budgets."
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WAITING and not PersonalBudget.objects.exists()


def test_the_uploader_and_other_councils_staff_cannot_decide(council, commissioner, other_council):
    from organisations.models import Role
    from organisations.services import grant_role

    grant_role(user=commissioner, role=Role.APPROVER, council=council, approval_limit=D("99999.00"))
    batch = _upload(council, commissioner)
    for decide in (
        lambda actor: batches.batch_confirm(batch=batch, actor=actor),
        lambda actor: batches.batch_reject(batch=batch, actor=actor, reason="No."),
    ):
        with pytest.raises(BudgetError) as refused:
            decide(commissioner)
        assert str(refused.value) == "You uploaded this file, so someone else must decide on it."
        elsewhere = staff("approver", council=other_council, approval_limit=D("99999.00"))
        with pytest.raises(NotAllowed) as refused:
            decide(elsewhere)
        assert str(refused.value) == "Only an approver in this council can decide on an uploaded file."
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WAITING and batch.decided_by is None


def test_a_rejected_file_cannot_be_confirmed(council, commissioner, approver):
    batch = _upload(council, commissioner)
    batches.batch_reject(batch=batch, actor=approver, reason="Wrong month.")
    with pytest.raises(BudgetError) as refused:
        batches.batch_confirm(batch=batch, actor=approver)
    assert str(refused.value) == "This file is rejected, so it cannot be confirmed."
    assert not PersonalBudget.objects.exists()


def test_a_file_whose_totals_changed_since_upload_is_refused(council, commissioner, approver):
    batch = _upload(council, commissioner)
    ImportBatch.objects.filter(pk=batch.pk).update(annual_total=D("23000.49"))
    with pytest.raises(BudgetError) as refused:
        batches.batch_confirm(batch=batch, actor=approver)
    assert (
        str(refused.value) == "The file no longer adds up to the totals shown. Reject it and upload it again."
    )
    for field, value in (("rows", 4), ("largest_total", D("14000.00"))):
        ImportBatch.objects.filter(pk=batch.pk).update(annual_total=D("23000.50"), **{field: value})
        with pytest.raises(BudgetError, match="no longer adds up"):
            batches.batch_confirm(batch=batch, actor=approver)
    assert not PersonalBudget.objects.exists()


@pytest.fixture
def test_kind():
    """A second kind of file, read by an importer this test controls."""
    calls = []

    def check(*, data, council, **kw):
        # An importer that reports no progress takes no `progress`: it is passed only by an upload job.
        calls.append(("check", council, sorted(kw)))
        errors = [line for line in data.decode().splitlines() if line.startswith("bad")]
        return (
            None if errors else BatchTotals(rows=1, people=1, annual_total=D("1.00"), largest_total=D("1.00"))
        ), errors

    class Result:
        def __init__(self, ok):
            self.ok, self.errors, self.summary = ok, [] if ok else ["line 2: refused when written"], "done"

    def apply(**kw):
        calls.append(kw)
        return Result(b"fail" not in kw["data"])

    batches.register_batch_importer("test-kind", BatchImporter(check=check, apply=apply))
    yield calls
    batches._IMPORTERS.pop("test-kind", None)


def test_the_importer_is_given_who_uploaded_and_who_confirmed(council, commissioner, approver, test_kind):
    batch = batches.batch_upload(
        council=council, kind="test-kind", file_name="t.txt", data=b"ok", actor=commissioner
    )
    batches.batch_confirm(batch=batch, actor=approver)
    assert test_kind[:2] == [("check", council, []), ("check", council, [])]
    assert test_kind[2:] == [
        {
            "data": b"ok",
            "council": council,
            "actor": approver,
            "source": "t.txt",
            "proposed_by": commissioner,
            "note": f"batch {batch.pk} uploaded by {commissioner.email}, confirmed by {approver.email}",
        }
    ]


def test_a_file_that_fails_its_check_or_its_writing_at_confirmation_is_refused(
    council, commissioner, approver, test_kind
):
    batch = batches.batch_upload(
        council=council, kind="test-kind", file_name="t.txt", data=b"ok", actor=commissioner
    )
    ImportBatch.objects.filter(pk=batch.pk).update(data=b"bad line")
    with pytest.raises(BatchInvalid) as refused:
        batches.batch_confirm(batch=batch, actor=approver)
    assert refused.value.errors == ["bad line"]
    assert test_kind[-1] == ("check", council, [])
    ImportBatch.objects.filter(pk=batch.pk).update(data=b"fail")
    with pytest.raises(BatchInvalid) as refused:
        batches.batch_confirm(batch=batch, actor=approver)
    assert refused.value.errors == ["line 2: refused when written"]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WAITING and batch.decided_by is None


# ---- rejecting ----


def test_a_rejection_needs_a_reason_and_is_recorded_once(council, commissioner, approver):
    batch = _upload(council, commissioner)
    for blank in ("", "  ", None):
        with pytest.raises(BudgetError) as refused:
            batches.batch_reject(batch=batch, actor=approver, reason=blank)
        assert str(refused.value) == "Say why you are rejecting the file."
    rejected = batches.batch_reject(batch=batch, actor=approver, reason="  Wrong month. ")
    rejected.refresh_from_db()
    assert (rejected.status, rejected.decided_by, rejected.decision_reason) == (
        BatchStatus.REJECTED,
        approver,
        "Wrong month.",
    )
    assert rejected.decided_at is not None
    batches.batch_reject(batch=batch, actor=approver, reason="Wrong month.")
    assert _events(batch) == [
        ("file uploaded, waiting for an approver", commissioner),
        ("uploaded file rejected", approver),
    ]
    entry = LogEntry.objects.filter(object_pk=str(batch.pk), content_type__model="importbatch").latest("pk")
    assert entry.changes_dict == {"status": ["waiting", "rejected"]}
    assert entry.additional_data["note"] == "Wrong month."
    with pytest.raises(BudgetError) as refused:
        batches.batch_reject(batch=batch, actor=approver, reason="Another reason.")
    assert str(refused.value) == "This file is rejected, so it cannot be rejected."
    assert not PersonalBudget.objects.exists()


def test_an_upload_job_fails_with_every_bad_line_or_the_reason_it_may_not_run(council, commissioner):
    """The job a browser upload queues (budgets/imports.run_upload_job): a file with errors, or an uploader
    who is no longer a commissioner of the council when it runs, fails the job with the reason, and no
    batch is kept."""
    from organisations import jobs
    from organisations.models import ImportJobStatus, Membership, Role

    bad = (HEADER + "P-1,1980-05-01,learning_disability,B-1,cash,1.00,2026-04-01,,\n").encode()
    for data in (bad, FILE):
        job = jobs.request_import(
            kind="budgets", target=f"council:{council.pk}", file_name="budgets.csv", data=data,
            actor=commissioner, enqueue=False,
        )  # fmt: skip
        if data is FILE:
            Membership.objects.filter(user=commissioner, council=council, role=Role.COMMISSIONER).delete()
        job = jobs.run_import(job_id=job.pk)
        assert job.status == ImportJobStatus.FAILED
        assert job.errors == (
            [
                "line 2: management_type: 'cash' is not one of direct_payment, direct_payment_managed, isf, "
                "commissioner_controlled"
            ]
            if data is bad
            else ["Only a commissioner of this council can upload budgets."]
        )
    assert not ImportBatch.objects.exists()
