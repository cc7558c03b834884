"""The audit trail is append-only: the database itself refuses to change or remove an entry."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION refuse_change_to_append_only_table() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;
CREATE TRIGGER auditlog_logentry_append_only
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table();
"""

REVERSE = """
DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
