"""The shared import pipeline (organisations/imports.py) at its edges: a line that cannot be read as CSV,
a file handed over open rather than as bytes or text, and the set-based writes (COPY) with the values
an ORM write would convert itself: JSON, choices and `auto_now_add`. Written against mutants that
`make mutate` found no test ran."""

import datetime as dt

import pytest
from django.utils import timezone

from budgets.models import HoldingPreference
from monitoring.models import PopulationFigure
from monitoring.services import PopulationImport, PopulationImportError, import_population
from organisations.imports import copy_rows, insert_rows
from organisations.models import ImportJob, ImportJobStatus
from tests.budgets.factories import PersonFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "council_code,year,age_band,population\n"
GOOD = HEADER + "E06000059,2026,0-17,66000\nE06000059,2026,18-64,200000\nE06000059,2026,65+,110000\n"
TOO_LONG = "field larger than field limit (131072)"


def _refused(source) -> list[str]:
    with pytest.raises(PopulationImportError) as refused:
        import_population(text=source)
    assert not PopulationFigure.objects.exists()
    return refused.value.errors


def test_a_header_or_a_line_that_cannot_be_read_as_csv_is_named_and_ends_the_reading(council):
    assert _refused("x" * 131_073 + "\n" + GOOD) == [f"line 1: header: could not be read as CSV ({TOO_LONG})"]
    lines = GOOD.splitlines(keepends=True)
    text = lines[0] + lines[1] + "E06000059,2026,18-64," + "9" * 131_073 + "\n" + "nowhere,20x6,0-17,1\n"
    # What follows a line that is not CSV cannot be trusted, so it is not checked.
    assert _refused(text) == [f"line 3: row: could not be read as CSV ({TOO_LONG})"]


def test_a_file_handed_over_open_is_read_line_by_line_as_bytes_or_as_text(council, tmp_path):
    path = tmp_path / "population.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    with path.open("rb") as binary:
        assert PopulationImport().run(binary) == 3
    with path.open(encoding="utf-8-sig") as text:
        assert PopulationImport().run(text) == 3
    assert PopulationFigure.objects.filter(council=council, year=2026).count() == 3
    path.write_bytes(GOOD.encode() + b"E06000059,2027,0-17,\xff\n")
    with path.open("rb") as binary, pytest.raises(PopulationImportError) as refused:
        import_population(text=binary)
    assert refused.value.errors == ["line 5: file: the file must be UTF-8 text"]


def test_rows_inserted_by_copy_keep_their_json_and_get_their_creation_time(council):
    person = PersonFactory(council=council)
    said_by = UserFactory()
    before = timezone.now()
    rows = [
        HoldingPreference(person=person, management_types=["isf", "direct_payment"], said_by=said_by),
        HoldingPreference(person=person, management_types=[], said_by=said_by, note="Not sure yet"),
    ]
    insert_rows(rows)
    stored = HoldingPreference.objects.filter(person=person).order_by("pk")
    assert [(p.pk, p.management_types, p.note) for p in stored] == [
        (rows[0].pk, ["isf", "direct_payment"], ""),
        (rows[1].pk, [], "Not sure yet"),
    ]
    assert all(before <= p.created_at <= timezone.now() for p in stored)


def test_rows_copied_as_values_store_a_choice_as_its_value_and_json_as_json():
    requested_by = UserFactory()
    at = timezone.make_aware(dt.datetime(2026, 5, 4, 9, 30))
    copy_rows(
        ImportJob,
        [
            {
                "kind": "population",
                "file_name": "population.csv",
                "data": b"council_code",
                "sha256": "0" * 64,
                "requested_by_id": requested_by.pk,
                "status": ImportJobStatus.FAILED,
                "errors": ["line 1: header: expected council_code,year,age_band,population"],
                "created_at": at,
            }
        ],
    )
    job = ImportJob.objects.get(requested_by=requested_by)
    assert (job.status, job.errors, job.rows_checked, job.created_at) == (
        "failed",
        ["line 1: header: expected council_code,year,age_band,population"],
        0,
        at,
    )
