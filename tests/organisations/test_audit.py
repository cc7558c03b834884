"""The audit trail records who, what and when, and can never be rewritten."""

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction

from organisations import audit

pytestmark = pytest.mark.django_db


def test_an_entry_records_who_what_when_and_why(council, commissioner):
    entry = audit.record(
        actor=commissioner,
        instance=council,
        event="name changed",
        changes={"name": ("Old", "New")},
        note="Renamed by the council",
    )
    entry.refresh_from_db()
    assert entry.actor == commissioner
    assert entry.changes == {"name": ["Old", "New"]}
    assert entry.additional_data == {"event": "name changed", "note": "Renamed by the council"}
    assert entry.timestamp is not None
    assert list(audit.history_for(council)) == [entry]


def test_the_database_refuses_to_change_an_entry(council, commissioner):
    entry = audit.record(actor=commissioner, instance=council, event="e")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(changes_text="rewritten")


def test_the_database_refuses_to_delete_an_entry(council, commissioner):
    entry = audit.record(actor=commissioner, instance=council, event="e")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
    assert LogEntry.objects.filter(pk=entry.pk).exists()
