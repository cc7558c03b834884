"""Becoming or ceasing to be family (a person's account, a representative) changes what the user's
pages show: the user's access version goes up (organisations 0006), so the session forgets its copy."""

from django.db import migrations

SQL = """
CREATE TRIGGER budgets_person_access_insert
    AFTER INSERT ON budgets_person
    FOR EACH ROW WHEN (NEW.user_id IS NOT NULL) EXECUTE FUNCTION bump_user_access_version();
CREATE TRIGGER budgets_person_access_delete
    AFTER DELETE ON budgets_person
    FOR EACH ROW WHEN (OLD.user_id IS NOT NULL) EXECUTE FUNCTION bump_user_access_version();
CREATE TRIGGER budgets_person_access_change
    AFTER UPDATE ON budgets_person
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION bump_user_access_version();

CREATE TRIGGER budgets_representative_access
    AFTER INSERT OR UPDATE OR DELETE ON budgets_representative
    FOR EACH ROW EXECUTE FUNCTION bump_user_access_version();
"""

REVERSE = """
DROP TRIGGER IF EXISTS budgets_representative_access ON budgets_representative;
DROP TRIGGER IF EXISTS budgets_person_access_change ON budgets_person;
DROP TRIGGER IF EXISTS budgets_person_access_delete ON budgets_person;
DROP TRIGGER IF EXISTS budgets_person_access_insert ON budgets_person;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0011_person_search_trigrams"),
        ("organisations", "0006_user_access_version"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
