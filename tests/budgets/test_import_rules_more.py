"""budgets/imports.py at the edges `make mutate` found untested (issue 20): what an import leaves in the
audit trail and on what it writes, the lines a file is refused with when one problem follows another, the
progress an upload job is told, and the batch importer's check against the database."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budgets.batches import BatchInvalid
from budgets.imports import check_budgets, import_budgets, run_upload_job
from budgets.models import Arrangement, BudgetStatus, Person, PersonalBudget
from organisations import jobs
from tests.budgets.factories import PersonFactory, approved_budget
from tests.budgets.test_batch_rules import _upload
from tests.budgets.test_import_command import GOOD, HEADER, run

pytestmark = pytest.mark.django_db

NAMED = (
    f"{HEADER},given_name,family_name\n"
    "P-1,1980-05-01,learning_disability,B-1,isf,12000.00,2026-04-01,,PRV-001,Ann,Lee\n"
    "P-1,1980-05-01,learning_disability,B-2,direct_payment,3000.50,2026-04-01,2027-03-31,,Ann,Lee\n"
    "P-2,1950-01-31,physical_support,B-3,commissioner_controlled,8000,2025-10-01,,,,\n"
)
# GOOD without its provider: no provider needed.
PLAIN = GOOD.replace(",isf,12000.00,2026-04-01,,PRV-001", ",direct_payment,12000.00,2026-04-01,,")
PREVIOUS_SYSTEM = "budget imported (approved in the council's previous system)"
CONFIRMED_BATCH = "budget imported (uploaded batch confirmed by a second person)"


def _entries(after: int = 0) -> list[tuple]:
    """(action, what, event, note, changes) of each audit entry after `after`, oldest first."""
    return [
        (e.action, e.object_repr, e.additional_data["event"], e.additional_data["note"], e.changes)
        for e in LogEntry.objects.filter(pk__gt=after).order_by("pk")
    ]


def _last_entry() -> int:
    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _rows(count: int) -> bytes:
    """A file of `count` arrangements for one person."""
    lines = "".join(
        f"P-1,1980-05-01,learning_disability,B-{n},direct_payment,1.00,2026-04-01,,\n" for n in range(count)
    )
    return f"{HEADER}\n{lines}".encode()


def test_a_first_import_records_each_person_budget_and_arrangement_it_creates(
    council, provider_org, commissioner
):
    result = import_budgets(data=NAMED.encode(), council=council, actor=commissioner)
    assert result.summary.endswith(
        "people 2 created, 0 updated; arrangements 3 created, 0 updated, 0 unchanged."
    )
    create, note = LogEntry.Action.CREATE, "imported"  # no file name given
    assert _entries() == [
        (create, "Ann Lee", "person imported", note, {
            "given_name": ["", "Ann"], "person_ref": ["", "P-1"], "family_name": ["", "Lee"],
            "date_of_birth": ["", "1980-05-01"], "primary_support_reason": ["", "learning_disability"],
        }),
        (create, "P-2", "person imported", note, {
            "given_name": ["", ""], "person_ref": ["", "P-2"], "family_name": ["", ""],
            "date_of_birth": ["", "1950-01-31"], "primary_support_reason": ["", "physical_support"],
        }),
        (create, "Budget for Ann Lee from 01 April 2026", PREVIOUS_SYSTEM, note,
         {"status": ["", "approved"], "start_date": ["", "2026-04-01"]}),
        (create, "Budget for P-2 from 01 October 2025", PREVIOUS_SYSTEM, note,
         {"status": ["", "approved"], "start_date": ["", "2025-10-01"]}),
        (create, "Individual Service Fund for Ann Lee", "arrangement imported", note, {
            "end_date": ["", ""], "provider": ["", "Harbour Lights Support"], "budget_ref": ["", "B-1"],
            "start_date": ["", "2026-04-01"], "annual_amount": ["", "12000.00"],
            "management_type": ["", "isf"],
        }),
        (create, "Direct payment, self-managed for Ann Lee", "arrangement imported", note, {
            "end_date": ["", "2027-03-31"], "provider": ["", ""], "budget_ref": ["", "B-2"],
            "start_date": ["", "2026-04-01"], "annual_amount": ["", "3000.50"],
            "management_type": ["", "direct_payment"],
        }),
        (create, "Council- or NHS-managed budget for P-2", "arrangement imported", note, {
            "end_date": ["", ""], "provider": ["", ""], "budget_ref": ["", "B-3"],
            "start_date": ["", "2025-10-01"], "annual_amount": ["", "8000.00"],
            "management_type": ["", "commissioner_controlled"],
        }),
    ]  # fmt: skip
    # The operator's import records a decision made in the council's previous system, by the actor, now.
    for budget in PersonalBudget.objects.all():
        assert (budget.status, budget.imported, budget.proposed_by, budget.decided_by) == (
            BudgetStatus.APPROVED,
            True,
            commissioner,
            commissioner,
        )
        assert budget.decision_reason == "Approved in the council's previous system; imported."
        assert budget.proposed_at == budget.decided_at
        assert timezone.now() - budget.decided_at < dt.timedelta(minutes=5)


def test_a_confirmed_upload_is_recorded_as_proposed_by_one_person_and_decided_by_another(
    council, provider_org, commissioner, approver
):
    import_budgets(
        data=GOOD.encode(),
        council=council,
        actor=approver,
        proposed_by=commissioner,
        source="budgets.csv",
        note="batch 7",
    )
    budget = PersonalBudget.objects.get(person__person_ref="P-2")
    assert (budget.proposed_by, budget.decided_by) == (commissioner, approver)
    assert budget.decision_reason == "Uploaded in a file and confirmed by a second person."
    entry = LogEntry.objects.get(object_pk=str(budget.pk), content_type__model="personalbudget")
    assert (entry.actor, entry.additional_data) == (
        approver,
        {"event": CONFIRMED_BATCH, "note": "imported from budgets.csv; batch 7"},
    )


def test_a_changed_amount_changes_only_the_amount_and_an_earlier_start_moves_the_budget(
    council, provider_org, other_provider_org, commissioner
):
    import_budgets(data=NAMED.encode(), council=council, actor=commissioner)
    before = _last_entry()
    changed = (
        NAMED.replace("12000.00", "12500.00")
        .replace("3000.50", "3100.00")
        .replace("2025-10-01", "2025-09-01")
        .replace("physical_support,B-3", "sensory_support,B-3")
    )
    result = import_budgets(data=changed.encode(), council=council, actor=commissioner, source="x.csv")
    assert result.summary.endswith(
        "people 0 created, 1 updated; arrangements 0 created, 3 updated, 0 unchanged."
    )
    update, note = LogEntry.Action.UPDATE, "imported from x.csv"
    assert _entries(before) == [
        (update, "P-2", "person updated by import", note,
         {"primary_support_reason": ["physical_support", "sensory_support"]}),
        (update, "Individual Service Fund for Ann Lee", "arrangement updated by import", note,
         {"annual_amount": ["12000.00", "12500.00"]}),
        (update, "Direct payment, self-managed for Ann Lee", "arrangement updated by import", note,
         {"annual_amount": ["3000.50", "3100.00"]}),
        (update, "Council- or NHS-managed budget for P-2", "arrangement updated by import", note,
         {"start_date": ["2025-10-01", "2025-09-01"]}),
        # Ann Lee's budget still starts with its earliest arrangement, so only P-2's moves.
        (update, "Budget for P-2 from 01 September 2025", "budget start moved by import", note,
         {"start_date": ["2025-10-01", "2025-09-01"]}),
    ]  # fmt: skip
    # What the file did not change is kept as it was.
    stored = {
        a.budget_ref: (a.management_type, a.annual_amount, a.start_date, a.end_date, a.provider_id)
        for a in Arrangement.objects.all()
    }
    assert stored == {
        "B-1": ("isf", Decimal("12500.00"), dt.date(2026, 4, 1), None, provider_org.pk),
        "B-2": ("direct_payment", Decimal("3100.00"), dt.date(2026, 4, 1), dt.date(2027, 3, 31), None),
        "B-3": ("commissioner_controlled", Decimal("8000.00"), dt.date(2025, 9, 1), None, None),
    }
    assert PersonalBudget.objects.get(person__person_ref="P-2").start_date == dt.date(2025, 9, 1)
    # A change of provider names the one it replaces, and so does a provider taken away.
    before = _last_entry()
    import_budgets(data=changed.replace("PRV-001", "PRV-002").encode(), council=council, actor=commissioner)
    assert [changes for *_, changes in _entries(before)] == [
        {"provider": ["Harbour Lights Support", "Purbeck Circles of Support"]}
    ]
    before = _last_entry()
    no_provider = changed.replace(
        "isf,12500.00,2026-04-01,,PRV-001", "commissioner_controlled,12500.00,2026-04-01,,"
    )
    import_budgets(data=no_provider.encode(), council=council, actor=commissioner)
    assert [changes for *_, changes in _entries(before)] == [
        {
            "provider": ["Purbeck Circles of Support", ""],
            "management_type": ["isf", "commissioner_controlled"],
        }
    ]


def test_re_importing_changed_people_takes_the_same_queries_for_one_person_as_for_three(
    council, commissioner
):
    """The bulk write reads the people it compares in one query, whatever their number: no query per
    person."""
    header = f"{HEADER},given_name,family_name,postcode\n"

    def file(people: int, name: str) -> bytes:
        return (header + "".join(
            f"P-{n},1980-05-01,learning_disability,B-{n},direct_payment,1.00,2026-04-01,,,"
            f"{name},Lee,DT1 1AA\n"
            for n in range(people)
        )).encode()  # fmt: skip

    import_budgets(data=file(3, "Ann"), council=council, actor=commissioner)
    counts = []
    for people, name in ((1, "Bea"), (3, "Cy")):
        with CaptureQueriesContext(connection) as queries:
            result = import_budgets(data=file(people, name), council=council, actor=commissioner)
        assert result.people_updated == people
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert sorted(Person.objects.values_list("given_name", flat=True)) == ["Cy", "Cy", "Cy"]


def test_a_new_arrangement_for_someone_with_a_budget_made_in_this_service_gets_an_imported_version(
    council, commissioner
):
    person = PersonFactory(council=council, person_ref="P-1")
    made_here = approved_budget(person)
    text = f"{HEADER}\nP-1,1980-05-01,learning_disability,B-9,direct_payment,500.00,2026-06-01,,\n"
    import_budgets(data=text.encode(), council=council, actor=commissioner)
    imported = Arrangement.objects.get(budget_ref="B-9").budget
    assert imported != made_here and imported.imported and imported.start_date == dt.date(2026, 6, 1)
    assert made_here.arrangements.count() == 1


def test_each_problem_is_reported_even_after_a_short_row_a_repeated_budget_ref_or_a_conflict(
    tmp_path, council
):
    text = f"""{HEADER}
P-1,1980-05-01,learning_disability,B-1,direct_payment,1.00,2026-04-01,,
P-2,1980-05-01,learning_disability,B-2
P-3,1980-05-01,learning_disability,B-1,direct_payment,1.00,2026-04-01,,
P-1,1980-05-01,mental_health,B-4,direct_payment,1.00,2026-04-01,,
P-5,1980-05-01,learning_disability,B-5,direct_payment,-1,2026-04-01,,
"""
    code, out, err = run(tmp_path, text)
    assert (code, out) == (1, "")
    assert err == [
        "line 3: row: expected 9 values, found 4",
        "line 4: budget_ref: 'B-1' is already used on line 2; each arrangement needs its own budget_ref",
        "line 5: primary_support_reason: 'mental_health' differs from 'learning_disability' on line 2 "
        "for the same person_ref 'P-1'",
        "line 6: annual_amount: '-1' is not an amount of 0 or more with at most two decimal places, "
        "like 1234.50",
    ]
    assert not Person.objects.exists()


def test_a_person_born_today_is_taken_and_the_whole_file_is_checked_against_the_day_it_began(
    council, commissioner, monkeypatch
):
    today = timezone.localdate()
    text = f"{HEADER}\nP-1,{today},learning_disability,B-1,direct_payment,1.00,2026-04-01,,\n"
    assert import_budgets(data=text.encode(), council=council, actor=commissioner).ok
    # The clock passes midnight while the file is checked: a row read after it is still judged against the
    # day the check began, so someone born "today" by then is in the future.
    days = iter([today, today + dt.timedelta(days=1)])
    monkeypatch.setattr(timezone, "localdate", lambda *a, **kw: next(days, today + dt.timedelta(days=1)))
    tomorrow = today + dt.timedelta(days=1)
    text = f"{HEADER}\nP-2,{tomorrow},learning_disability,B-2,direct_payment,1.00,2026-04-01,,\n"
    result = import_budgets(data=text.encode(), council=council, actor=commissioner)
    assert result.errors == [f"line 2: date_of_birth: {tomorrow} is in the future"]


def test_an_import_tells_its_progress_every_500_rows_then_the_rows_checked_and_written(council, commissioner):
    seen = []
    result = import_budgets(
        data=_rows(501), council=council, actor=commissioner, progress=lambda **kw: seen.append(kw)
    )
    assert result.arrangements_created == 501
    assert seen == [{"checked": 500}, {"checked": 501}, {"written": 501}]


def test_a_refused_import_still_names_its_council_and_the_line_it_could_not_read(council, commissioner):
    result = import_budgets(data=HEADER.encode(), council=council, actor=commissioner)
    assert (result.ok, result.council, result.errors) == (
        False,
        council,
        ["line 2: file: there are no rows after the header"],
    )
    not_csv = f"{HEADER}\nP-1," + "9" * 131_073 + "\n"
    assert import_budgets(data=not_csv.encode(), council=council, actor=commissioner).errors == [
        "line 2: row: could not be read as CSV (field larger than field limit (131072))"
    ]


def test_the_batch_check_reads_the_file_and_this_councils_arrangements(council, other_council, commissioner):
    seen = []
    totals, errors = check_budgets(data=_rows(501), council=council, progress=lambda **kw: seen.append(kw))
    assert (totals.rows, totals.people, totals.annual_total, totals.largest_total, errors) == (
        501,
        1,
        Decimal("501.00"),
        Decimal("501.00"),
        [],
    )
    assert seen == [{"checked": 500}, {"checked": 501}]
    # A budget_ref held by someone else in this council is refused; one held in another council is not.
    import_budgets(data=PLAIN.encode(), council=council, actor=commissioner)
    import_budgets(data=_rows(1), council=other_council, actor=commissioner)
    moved = f"{HEADER}\nP-9,1980-05-01,learning_disability,B-1,direct_payment,1.00,2026-04-01,,\n"
    assert check_budgets(data=moved.encode(), council=council) == (
        None,
        [
            "line 2: budget_ref: 'B-1' already belongs to person_ref 'P-1'; an arrangement cannot move to "
            "another person"
        ],
    )
    moved = moved.replace("B-1,", "B-0,")
    assert check_budgets(data=moved.encode(), council=council)[1] == []
    # A file that cannot be read: not UTF-8, or a line that is not CSV.
    raw = GOOD.encode() + "P-3,1980-05-01,learning_disability,B-9,direct_payment,1.00,2026-04-01,,\n".encode(
        "utf-16"
    )
    assert check_budgets(data=raw, council=council) == (
        None,
        ["line 5: file: this is not UTF-8 text; save the file as 'CSV UTF-8' and try again"],
    )
    not_csv = f"{HEADER}\nP-1," + "9" * 131_073 + "\n"
    assert check_budgets(data=not_csv.encode(), council=council) == (
        None,
        ["line 2: row: could not be read as CSV (field larger than field limit (131072))"],
    )


def test_an_upload_with_a_conflicting_row_tells_its_progress_the_rows_that_passed(council, commissioner):
    """A row that contradicts an earlier one about the same person is refused, not kept among the checked
    rows: the figure the upload job is told counts only the rows that passed."""
    seen = []
    text = f"""{HEADER}
P-1,1980-05-01,learning_disability,B-1,direct_payment,1.00,2026-04-01,,
P-1,1980-05-01,mental_health,B-2,direct_payment,1.00,2026-04-01,,
P-2,1980-05-01,learning_disability,B-3,direct_payment,1.00,2026-04-01,,
"""
    with pytest.raises(BatchInvalid):
        _upload(council, commissioner, data=text.encode(), progress=lambda **kw: seen.append(kw))
    assert seen == [{"checked": 2}]


def test_an_upload_job_tells_its_progress_and_sums_up_rows_and_people(council, commissioner):
    job = jobs.request_import(
        kind="budgets", target=f"council:{council.pk}", file_name="budgets.csv", data=PLAIN.encode(),
        actor=commissioner, enqueue=False,
    )  # fmt: skip
    seen = []
    summary, url = run_upload_job(job, lambda **kw: seen.append(kw))
    assert summary == (
        "3 rows for 2 people. An approver must confirm the file before anything in it is imported."
    )
    assert seen == [{"checked": 3}]
