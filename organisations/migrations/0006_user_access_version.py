"""What a signed-in request may do, remembered in the session (issue 14), forgotten the moment it
changes: `User.access_version` goes up, in the database itself, whenever one of the user's memberships
or second-factor devices is added, changed or removed (triggers, so no code path and no bulk update can
forget it), and it never goes back (a `save()` of a user object read earlier keeps the higher number).
The session's copy is trusted only for the version it was made at (organisations.access)."""

from django.db import migrations, models

SQL = """
CREATE OR REPLACE FUNCTION bump_user_access_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.user_id IS NOT NULL THEN
        UPDATE organisations_user SET access_version = access_version + 1 WHERE id = OLD.user_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.user_id IS NOT NULL
            AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        UPDATE organisations_user SET access_version = access_version + 1 WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION keep_user_access_version() RETURNS trigger AS $$
BEGIN
    IF NEW.access_version < OLD.access_version THEN
        NEW.access_version := OLD.access_version;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER organisations_user_access_version_never_back
    BEFORE UPDATE ON organisations_user
    FOR EACH ROW EXECUTE FUNCTION keep_user_access_version();

CREATE TRIGGER organisations_membership_access
    AFTER INSERT OR UPDATE OR DELETE ON organisations_membership
    FOR EACH ROW EXECUTE FUNCTION bump_user_access_version();

CREATE TRIGGER otp_totp_totpdevice_access
    AFTER INSERT OR DELETE ON otp_totp_totpdevice
    FOR EACH ROW EXECUTE FUNCTION bump_user_access_version();
CREATE TRIGGER otp_totp_totpdevice_access_change
    AFTER UPDATE ON otp_totp_totpdevice
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.confirmed IS DISTINCT FROM NEW.confirmed)
    EXECUTE FUNCTION bump_user_access_version();

CREATE TRIGGER otp_email_emaildevice_access
    AFTER INSERT OR DELETE ON otp_email_emaildevice
    FOR EACH ROW EXECUTE FUNCTION bump_user_access_version();
CREATE TRIGGER otp_email_emaildevice_access_change
    AFTER UPDATE ON otp_email_emaildevice
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.confirmed IS DISTINCT FROM NEW.confirmed)
    EXECUTE FUNCTION bump_user_access_version();
"""

REVERSE = """
DROP TRIGGER IF EXISTS otp_email_emaildevice_access_change ON otp_email_emaildevice;
DROP TRIGGER IF EXISTS otp_email_emaildevice_access ON otp_email_emaildevice;
DROP TRIGGER IF EXISTS otp_totp_totpdevice_access_change ON otp_totp_totpdevice;
DROP TRIGGER IF EXISTS otp_totp_totpdevice_access ON otp_totp_totpdevice;
DROP TRIGGER IF EXISTS organisations_membership_access ON organisations_membership;
DROP TRIGGER IF EXISTS organisations_user_access_version_never_back ON organisations_user;
DROP FUNCTION IF EXISTS keep_user_access_version();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_broker_role"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_email", "0006_add_timestamps"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="access_version",
            field=models.BigIntegerField(
                default=0,
                editable=False,
                help_text="Goes up (database triggers) when the user's memberships, devices or family "
                "links change: a session's remembered access is good for one version only.",
            ),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
