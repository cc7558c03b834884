"""Trigram indexes for the caseload search (issue 14): a word anywhere in a person's names, reference or
postcode, which PostgreSQL otherwise finds by reading every person of the council. pg_trgm ships with
PostgreSQL and is a trusted extension (the database's owner may create it)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0010_reviews_and_blocks"),
        ("organisations", "0005_broker_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Django writes OpClass inside GinIndex with a pair of brackets too many for PostgreSQL
    # ("(UPPER(col) gin_trgm_ops)"), so the indexes are made by hand; the state is Django's own.
    operations = [
        TrigramExtension(),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'CREATE INDEX "person_{column}_trgm" ON "budgets_person" '
                    f'USING gin (UPPER("{column}") gin_trgm_ops)',
                    reverse_sql=f'DROP INDEX "person_{column}_trgm"',
                )
                for column in ("given_name", "family_name", "person_ref", "postcode")
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="person",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper(column), name="gin_trgm_ops"
                        ),
                        name=f"person_{column}_trgm",
                    ),
                )
                for column in ("given_name", "family_name", "person_ref", "postcode")
            ],
        ),
    ]
