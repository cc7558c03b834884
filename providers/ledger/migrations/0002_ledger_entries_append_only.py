"""Ledger entries are append-only: the database itself refuses UPDATE and DELETE (DESIGN.md). Reuses the
function from organisations 0002, which raises "table ... is append-only"."""

from django.db import migrations

SQL = """
DROP TRIGGER IF EXISTS ledger_ledgerentry_append_only ON ledger_ledgerentry;
CREATE TRIGGER ledger_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON ledger_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ledger_ledgerentry_append_only ON ledger_ledgerentry;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("organisations", "0002_audit_trail_append_only"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
