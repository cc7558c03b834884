"""An account (ISF or managed direct payment) opened, removed, changed to the other kind or moved to
another person changes the family's header ("Your Individual Service Fund", "Your managed direct
payment"): the access version of the person's account and of everyone who represents them goes up
(organisations 0006), so their sessions read the answer again (organisations.access)."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION bump_person_users_access_version() RETURNS trigger AS $$
DECLARE
    people bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        people := ARRAY[NEW.person_id];
    ELSIF TG_OP = 'DELETE' THEN
        people := ARRAY[OLD.person_id];
    ELSE
        people := ARRAY[OLD.person_id, NEW.person_id];
    END IF;
    UPDATE organisations_user SET access_version = access_version + 1
     WHERE id IN (SELECT user_id FROM budgets_person WHERE id = ANY(people) AND user_id IS NOT NULL
                  UNION SELECT user_id FROM budgets_representative WHERE person_id = ANY(people));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_account_access
    AFTER INSERT OR DELETE ON ledger_individualservicefund
    FOR EACH ROW EXECUTE FUNCTION bump_person_users_access_version();
-- Not on every entry (each one updates its account's balance): only a change of kind or person.
CREATE TRIGGER ledger_account_access_change
    AFTER UPDATE ON ledger_individualservicefund
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.person_id IS DISTINCT FROM NEW.person_id)
    EXECUTE FUNCTION bump_person_users_access_version();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ledger_account_access_change ON ledger_individualservicefund;
DROP TRIGGER IF EXISTS ledger_account_access ON ledger_individualservicefund;
DROP FUNCTION IF EXISTS bump_person_users_access_version();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_scheduled_moves"),
        ("budgets", "0012_family_access_version"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
