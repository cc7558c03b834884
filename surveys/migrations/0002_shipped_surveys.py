"""Ship the outcome surveys (budget holders, carers) and the provider self-assessment."""

from django.db import migrations


def forwards(apps, schema_editor):
    from surveys.definitions import ensure_shipped_surveys

    ensure_shipped_surveys(apps)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
