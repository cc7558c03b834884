"""A finished monitoring return is a snapshot: the database refuses to change its figures or delete it.
Only publishing (published_at, published_by) may change. A new figure means a new version."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION monitoring_return_is_a_snapshot() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'A monitoring return is a snapshot: it cannot be deleted.';
    END IF;
    IF NEW.figures IS DISTINCT FROM OLD.figures
       OR NEW.checksum IS DISTINCT FROM OLD.checksum
       OR NEW.pdf IS DISTINCT FROM OLD.pdf
       OR NEW.council_id IS DISTINCT FROM OLD.council_id
       OR NEW.period IS DISTINCT FROM OLD.period
       OR NEW.period_start IS DISTINCT FROM OLD.period_start
       OR NEW.period_end IS DISTINCT FROM OLD.period_end
       OR NEW.version IS DISTINCT FROM OLD.version
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.requested_by_id IS DISTINCT FROM OLD.requested_by_id
       OR NEW.job_id IS DISTINCT FROM OLD.job_id THEN
        RAISE EXCEPTION 'A monitoring return is a snapshot: its figures cannot be changed. Make a new version.';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER monitoring_return_snapshot
    BEFORE UPDATE OR DELETE ON monitoring_monitoringreturn
    FOR EACH ROW EXECUTE FUNCTION monitoring_return_is_a_snapshot();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS monitoring_return_snapshot ON monitoring_monitoringreturn;
DROP FUNCTION IF EXISTS monitoring_return_is_a_snapshot();
"""


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
