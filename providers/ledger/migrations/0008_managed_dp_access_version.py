"""A managed direct payment opened, closed or moved to another person changes the family's header
(its "Your managed direct payment" item): the access version of the person's account and of everyone
who represents them goes up (organisations 0006), so their sessions read the answer again."""

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

CREATE TRIGGER ledger_managed_dp_access_insert
    AFTER INSERT ON ledger_individualservicefund
    FOR EACH ROW WHEN (NEW.kind = 'direct_payment_managed')
    EXECUTE FUNCTION bump_person_users_access_version();
CREATE TRIGGER ledger_managed_dp_access_delete
    AFTER DELETE ON ledger_individualservicefund
    FOR EACH ROW WHEN (OLD.kind = 'direct_payment_managed')
    EXECUTE FUNCTION bump_person_users_access_version();
CREATE TRIGGER ledger_managed_dp_access_change
    AFTER UPDATE ON ledger_individualservicefund
    FOR EACH ROW WHEN ((OLD.kind = 'direct_payment_managed' OR NEW.kind = 'direct_payment_managed')
                       AND (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.person_id IS DISTINCT FROM NEW.person_id))
    EXECUTE FUNCTION bump_person_users_access_version();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ledger_managed_dp_access_change ON ledger_individualservicefund;
DROP TRIGGER IF EXISTS ledger_managed_dp_access_delete ON ledger_individualservicefund;
DROP TRIGGER IF EXISTS ledger_managed_dp_access_insert ON ledger_individualservicefund;
DROP FUNCTION IF EXISTS bump_person_users_access_version();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_closing_entries_index"),
        ("budgets", "0011_family_access_version"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
