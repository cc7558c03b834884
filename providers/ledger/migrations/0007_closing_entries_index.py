"""A partial index on the entries that close an account (a transfer out, or money paid to the person):
every provider page asks, for each account, whether it closed and when (the rule that hides a closed
account with its final statement from the provider), and without this index each question read all
of the account's entries. Closing entries are a handful on the whole platform."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_give_every_arrangement_a_reference"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                condition=models.Q(
                    models.Q(("amount__lt", 0), ("category", "transfer")),
                    ("category", "paid_to_person"),
                    _connector="OR",
                ),
                fields=["fund", "entry_date"],
                name="ledger_closing",
            ),
        ),
    ]
