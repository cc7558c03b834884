"""The database is the last line (issue 15): as the role the app runs as, changing or emptying an
append-only table fails whatever the route (UPDATE, DELETE, TRUNCATE, disabling triggers, replica mode);
as the tables' owner, the triggers still refuse TRUNCATE, UPDATE and DELETE."""

import datetime as dt

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from monitoring.periods import parse_period
from monitoring.services import make_return_now
from organisations.database_roles import APPEND_ONLY_TABLES
from organisations.services import system_actor
from providers.ledger import services as ledger
from providers.ledger.selectors import balance_of
from providers.models import AgreementVersion
from tests.budgets.factories import PersonFactory
from tests.conftest import RUNTIME_ROLE_PASSWORD
from tests.faults import tally
from tests.ledger.factories import isf_fund

START = dt.date(2026, 4, 6)

# One column to "touch" in each table: UPDATE t SET c = c changes nothing but is still an UPDATE.
TOUCH = {
    "auditlog_logentry": "timestamp",
    "ledger_ledgerentry": "amount",
    "ledger_statement": "closing_balance",
    "monitoring_monitoringreturn": "figures",
    "providers_agreementversion": "terms",
}


def runtime_connection():
    s = connection.settings_dict
    return psycopg.connect(
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
        user=settings.DATABASE_RUNTIME_ROLE,
        password=RUNTIME_ROLE_PASSWORD,
        dbname=s["NAME"],
        autocommit=True,
    )


@pytest.fixture
def every_append_only_table_has_rows(council, provider_org):
    robot = system_actor()
    person = PersonFactory(council=council)
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=START)
    ledger.post_due_payments(fund=fund, actor=robot, today=START)
    ledger.produce_statement(fund=fund, start=START, end=START + dt.timedelta(days=27), actor=robot)
    AgreementVersion.objects.create(agreement=fund.agreement, number=1, terms={"annual_budget": "13000.00"})
    make_return_now(council=council, period=parse_period("2025-26"))
    return fund


@pytest.mark.django_db(transaction=True)
def test_as_the_runtime_role_update_delete_truncate_and_disabling_triggers_all_fail(
    every_append_only_table_has_rows,
):
    role = settings.DATABASE_RUNTIME_ROLE
    with runtime_connection() as app:
        assert app.execute("SELECT current_user").fetchone()[0] == role
        assert (
            app.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0] is False
        )
        owned = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        assert app.execute(owned).fetchone()[0] == 0
        for table in APPEND_ONLY_TABLES:
            # It may read and add, which is all the app does with these tables.
            assert app.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 1
            column = TOUCH[table]
            attacks = [
                f"UPDATE {table} SET {column} = {column}",
                f"DELETE FROM {table}",
                f"TRUNCATE {table}",
                f"TRUNCATE {table} CASCADE",
                f"ALTER TABLE {table} DISABLE TRIGGER ALL",
                f"ALTER TABLE {table} DISABLE TRIGGER USER",
                f"ALTER TABLE {table} OWNER TO {role}",
            ]
            for attack in attacks:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(attack)
                tally.fault(f"runtime role: {attack.split(' ')[0].lower()}")
            tally.invariant("append-only table unchanged as the runtime role", 1)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("SET session_replication_role = replica")
        # Emptying a table the append-only ones hang from is refused too (no TRUNCATE right anywhere).
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("TRUNCATE ledger_individualservicefund CASCADE")
        # What the app does need still works: publishing a return changes only who and when.
        app.execute("UPDATE monitoring_monitoringreturn SET published_at = now()")
    assert balance_of(every_append_only_table_has_rows) > 0


@pytest.mark.django_db(transaction=True)
def test_as_the_owner_the_triggers_still_refuse_truncate_update_and_delete(every_append_only_table_has_rows):
    for table in APPEND_ONLY_TABLES:
        for attack in (f"TRUNCATE {table} CASCADE", f"DELETE FROM {table}"):
            with (
                pytest.raises(DatabaseError, match="append-only|snapshot|cannot be deleted"),
                transaction.atomic(),
            ):
                connection.cursor().execute(attack)
            tally.fault(f"owner: {attack.split(' ')[0].lower()}")
    with (
        pytest.raises(DatabaseError, match="closing balance and period cannot be changed"),
        transaction.atomic(),
    ):
        connection.cursor().execute("UPDATE ledger_statement SET closing_balance = closing_balance + 1")
    with pytest.raises(DatabaseError, match="terms cannot be changed"), transaction.atomic():
        connection.cursor().execute(
            """UPDATE providers_agreementversion SET terms = '{"annual_budget": "1"}'"""
        )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute("TRUNCATE ledger_individualservicefund CASCADE")
    tally.invariant("append-only table unchanged as the owner", len(APPEND_ONLY_TABLES))
