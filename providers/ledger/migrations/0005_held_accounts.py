"""One held-account model for ISFs and managed direct payments (issue 13), with the balance kept on
the account row (issue 14).

- `IndividualServiceFund` becomes `HeldAccount` (same table, so nothing moves): a `kind`, an optional
  agreement (ISF) or arrangement (managed direct payment), a closing date and an unspent limit for
  managed direct payments.
- `balance` and `last_entry_on` are kept by the database: every new entry adds its amount to its
  account's row in the same transaction (the UPDATE takes the row's lock, as the services already
  do). Any other change to them, or an account inserted with money already in it, is refused, so
  the balance is always the sum of the entries. Existing accounts are filled in from their entries.
- A new kind of entry: money paid to the person when they start to manage the direct payment
  themselves (it closes the account, like a transfer out).
"""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
UPDATE ledger_individualservicefund AS f
   SET balance = COALESCE((SELECT SUM(e.amount) FROM ledger_ledgerentry e WHERE e.fund_id = f.id), 0),
       last_entry_on = (SELECT MAX(e.entry_date) FROM ledger_ledgerentry e WHERE e.fund_id = f.id);

CREATE OR REPLACE FUNCTION ledger_entry_moves_balance() RETURNS trigger AS $$
BEGIN
    UPDATE ledger_individualservicefund
       SET balance = balance + NEW.amount,
           last_entry_on = GREATEST(last_entry_on, NEW.entry_date)
     WHERE id = NEW.fund_id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_ledgerentry_moves_balance ON ledger_ledgerentry;
CREATE TRIGGER ledger_ledgerentry_moves_balance
    AFTER INSERT ON ledger_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_moves_balance();

CREATE OR REPLACE FUNCTION ledger_balance_is_kept_by_entries() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.balance <> 0 OR NEW.last_entry_on IS NOT NULL THEN
            RAISE EXCEPTION 'a held account opens with no money: its balance is kept by its entries'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF pg_trigger_depth() < 2 AND (NEW.balance IS DISTINCT FROM OLD.balance
                                      OR NEW.last_entry_on IS DISTINCT FROM OLD.last_entry_on) THEN
        RAISE EXCEPTION 'a held account''s balance is kept by its entries: record an entry instead'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_heldaccount_balance_kept ON ledger_individualservicefund;
CREATE TRIGGER ledger_heldaccount_balance_kept
    BEFORE INSERT OR UPDATE ON ledger_individualservicefund
    FOR EACH ROW EXECUTE FUNCTION ledger_balance_is_kept_by_entries();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_heldaccount_balance_kept ON ledger_individualservicefund;
DROP FUNCTION IF EXISTS ledger_balance_is_kept_by_entries();
DROP TRIGGER IF EXISTS ledger_ledgerentry_moves_balance ON ledger_ledgerentry;
DROP FUNCTION IF EXISTS ledger_entry_moves_balance();
"""

CATEGORIES = [
    ("council_payment", "Money from the council"),
    ("support", "Support"),
    ("activity", "Activities"),
    ("equipment", "Equipment"),
    ("management_fee", "Management fee"),
    ("transfer", "Moved with you to another organisation"),
    ("refund", "Paid back to the council"),
    ("paid_to_person", "Paid to you to manage yourself"),
    ("correction", "Correction"),
]
OUT = ["support", "activity", "equipment", "management_fee", "refund", "paid_to_person"]
NOT_TRANSFER = [c for c, _ in CATEGORIES if c != "transfer"]


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0008_arrangement_management_cost"),
        ("ledger", "0004_append_only_statements_versions_no_truncate"),
        ("providers", "0003_choice_recorded_by_commissioner"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("IndividualServiceFund", "HeldAccount"),
                migrations.AlterModelTable("heldaccount", "ledger_individualservicefund"),
            ],
            database_operations=[],
        ),
        migrations.AlterModelOptions(
            name="heldaccount",
            options={
                "ordering": ["person__family_name", "person__given_name", "pk"],
                "verbose_name": "held account",
            },
        ),
        migrations.AddField(
            model_name="heldaccount",
            name="kind",
            field=models.CharField(
                choices=[
                    ("isf", "Individual Service Fund"),
                    ("direct_payment_managed", "Managed direct payment"),
                ],
                default="isf",
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="heldaccount",
            name="agreement",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="isf",
                to="providers.flexibleagreement",
            ),
        ),
        migrations.AddField(
            model_name="heldaccount",
            name="arrangement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="held_accounts",
                to="budgets.arrangement",
            ),
        ),
        migrations.AddField(
            model_name="heldaccount", name="closed_on", field=models.DateField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="heldaccount",
            name="managed_unspent_limit",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name="heldaccount",
            name="balance",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), editable=False, max_digits=12
            ),
        ),
        migrations.AddField(
            model_name="heldaccount",
            name="last_entry_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="heldaccount",
            constraint=models.CheckConstraint(
                condition=models.Q(("agreement__isnull", False), ("kind", "isf"))
                | models.Q(
                    ("agreement__isnull", True),
                    ("arrangement__isnull", False),
                    ("kind", "direct_payment_managed"),
                ),
                name="held_account_isf_has_agreement_managed_has_arrangement",
            ),
        ),
        migrations.AddConstraint(
            model_name="heldaccount",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "direct_payment_managed")),
                fields=("arrangement",),
                name="held_account_one_per_managed_arrangement",
            ),
        ),
        migrations.RemoveConstraint(model_name="ledgerentry", name="ledger_money_out_is_negative"),
        migrations.RemoveConstraint(model_name="ledgerentry", name="ledger_transfer_has_its_pair"),
        migrations.AlterField(
            model_name="ledgerentry",
            name="category",
            field=models.CharField(choices=CATEGORIES, max_length=20),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=~models.Q(("category__in", OUT)) | models.Q(("amount__lt", 0)),
                name="ledger_money_out_is_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("category__in", NOT_TRANSFER), ("transfer_pair__isnull", True))
                | models.Q(("category", "transfer"), ("transfer_pair__isnull", False)),
                name="ledger_transfer_has_its_pair",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
