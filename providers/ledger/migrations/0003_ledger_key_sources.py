"""The system's idempotency keys and the keys people give are kept apart (issue 15): a provider's
`entry_ref` such as `transfer-out:9` could otherwise block a move, a council payment or a reversal.
Entries already written with a system key are marked as such; the append-only trigger is set aside
for that one UPDATE, inside this migration's transaction, by the tables' owner."""

from django.conf import settings
from django.db import migrations, models


MARK_SYSTEM_KEYS = """
ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_ledgerentry_append_only;
UPDATE ledger_ledgerentry SET key_source = 'system'
 WHERE category IN ('council_payment', 'management_fee', 'transfer') OR reverses_id IS NOT NULL;
ALTER TABLE ledger_ledgerentry ENABLE TRIGGER ledger_ledgerentry_append_only;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_ledger_entries_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ledgerentry",
            name="ledger_key_unique_per_fund",
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="key_source",
            field=models.CharField(
                choices=[("system", "Made by the system"), ("given", "Given by whoever recorded it")],
                default="given",
                max_length=6,
            ),
        ),
        migrations.RunSQL(MARK_SYSTEM_KEYS, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.UniqueConstraint(
                fields=("fund", "key_source", "idempotency_key"), name="ledger_key_unique_per_fund_and_source"
            ),
        ),
    ]
