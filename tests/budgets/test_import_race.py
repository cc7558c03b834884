"""Two budget imports for one council at the same time: the second waits for the first's lock, then
checks against what the first wrote (issue 14: file B used to change file A's arrangement)."""

import threading
import time

import pytest
from django.db import connection, connections

from budgets import imports
from budgets.imports import import_budgets
from budgets.models import Arrangement
from organisations import audit
from organisations.services import system_actor

HEADER = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
    "start_date,end_date,provider_ref"
)
FILE_A = f"{HEADER}\nP-A,1980-05-01,learning_disability,B-SHARED,direct_payment,1000.00,2026-04-01,,\n"
FILE_B = f"{HEADER}\nP-B,1970-01-01,physical_support,B-SHARED,direct_payment,9999.00,2026-04-01,,\n"


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def _wait_until(predicate, *, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_second_import_waits_and_cannot_take_the_first_imports_budget_ref(council, monkeypatch):
    actor = system_actor()
    a_has_written, release_a = threading.Event(), threading.Event()
    real_record_many = audit.record_many

    def record_many_then_hold(entries):
        # Import A has written everything and still holds its transaction (and the council lock).
        real_record_many(entries)
        if threading.current_thread().name == "import-a":
            a_has_written.set()
            release_a.wait(10)

    monkeypatch.setattr(imports.audit, "record_many", record_many_then_hold)
    results = {}

    def run(name, text):
        try:
            results[name] = import_budgets(data=text.encode(), council=council, actor=actor)
        finally:
            connections.close_all()

    a = threading.Thread(target=run, args=("a", FILE_A), name="import-a")
    a.start()
    assert a_has_written.wait(10)
    b = threading.Thread(target=run, args=("b", FILE_B), name="import-b")
    b.start()
    # B queues behind A's lock before it reads any arrangement...
    assert _wait_until(_waiting_on_a_lock)
    release_a.set()
    a.join(10)
    b.join(10)

    assert results["a"].ok, results["a"].errors
    # ...so it sees A's arrangement and is refused, naming the line.
    assert results["b"].errors == [
        "line 2: budget_ref: 'B-SHARED' already belongs to person_ref 'P-A'; an arrangement cannot move "
        "to another person"
    ]
    arrangement = Arrangement.objects.select_related("budget__person").get(budget_ref="B-SHARED")
    assert arrangement.budget.person.person_ref == "P-A"
    assert str(arrangement.annual_amount) == "1000.00"
