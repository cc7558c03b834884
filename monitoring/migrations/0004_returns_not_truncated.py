"""Monitoring returns are snapshots: TRUNCATE is refused too (row triggers do not fire on it)."""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS monitoring_monitoringreturn_no_truncate ON monitoring_monitoringreturn;
CREATE TRIGGER monitoring_monitoringreturn_no_truncate
    BEFORE TRUNCATE ON monitoring_monitoringreturn
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
"""
BACKWARD = "DROP TRIGGER IF EXISTS monitoring_monitoringreturn_no_truncate ON monitoring_monitoringreturn;"


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_job_sent_and_heartbeat"),
        ("organisations", "0002_audit_trail_append_only"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
