"""`manage.py import_budgets` writes all or nothing, for real.

pytest-django wraps each test in a transaction, so inside an ordinary test a missing
`transaction.atomic()` around the write goes unnoticed. These tests commit for real
(`transaction=True`) and make PostgreSQL refuse one row half-way through the write: nothing the file
holds may be left behind."""

import io

import psycopg
import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import DatabaseError, connection

from budgets.models import Arrangement, Person, PersonalBudget
from tests.budgets.test_import_command import GOOD

pytestmark = pytest.mark.django_db(transaction=True)

# A trigger that refuses the third arrangement of GOOD (budget_ref B-3), after both people, one budget
# and two arrangements have already been written in the same import.
REFUSE_B3 = """
CREATE FUNCTION test_refuse_b3() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.budget_ref = 'B-3' THEN RAISE EXCEPTION 'injected failure half-way through the import'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_refuse_b3 BEFORE INSERT ON budgets_arrangement
  FOR EACH ROW EXECUTE FUNCTION test_refuse_b3();
"""
DROP = (
    "DROP TRIGGER IF EXISTS test_refuse_b3 ON budgets_arrangement; DROP FUNCTION IF EXISTS test_refuse_b3();"
)


@pytest.fixture
def refuse_b3():
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_B3)
    yield
    with connection.cursor() as cursor:
        cursor.execute(DROP)


def _import(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(GOOD)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_budgets", str(path), "--council", "E06000059", stdout=out, stderr=err)
    return out.getvalue()


def test_a_failure_half_way_through_the_write_leaves_nothing(tmp_path, council, provider_org, refuse_b3):
    # The import writes with COPY, whose errors come straight from psycopg rather than through Django.
    with pytest.raises((DatabaseError, psycopg.Error), match="injected failure half-way through the import"):
        _import(tmp_path)
    assert not Person.objects.exists()
    assert not PersonalBudget.objects.exists()
    assert not Arrangement.objects.exists()
    assert not LogEntry.objects.filter(additional_data__event__contains="import").exists()


def test_without_the_failure_the_same_file_is_committed(tmp_path, council, provider_org):
    assert "arrangements 3 created" in _import(tmp_path)
    assert Person.objects.count() == 2
    assert sorted(Arrangement.objects.values_list("budget_ref", flat=True)) == ["B-1", "B-2", "B-3"]
