"""Rewrite the shipped life-area questions that came out ungrammatical ("has your relationships with
your family got better") as the whole sentences now in surveys.definitions. Only a question still
holding the old generated wording is changed; the meaning (better, the same or worse) is unchanged."""

from django.db import migrations

HOLDER, CARER = "outcome-budget-holder", "outcome-carer"
CHANGE = "got better, stayed the same or got worse"


def _old_text(words: str, *, carer: bool) -> str:
    if carer:
        words = words.replace("your ", "their ").replace("you ", "they ")
        return f"Since the budget, has {words} {CHANGE}?"
    return f"Since you got your budget, has {words} {CHANGE}?"


def forwards(apps, schema_editor):
    from surveys.definitions import LIFE_AREA_QUESTIONS

    Question = apps.get_model("surveys", "Question")
    for code, words, person_text, carer_text in LIFE_AREA_QUESTIONS:
        for slug, carer, new in ((HOLDER, False, person_text), (CARER, True, carer_text)):
            Question.objects.filter(
                version__survey__slug=slug,
                council__isnull=True,
                code=code,
                text=_old_text(words, carer=carer),
            ).update(text=new)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_shipped_surveys")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
