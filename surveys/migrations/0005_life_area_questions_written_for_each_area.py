"""Rewrite the shipped life-area questions that still read clumsily ("has how safe you feel got better",
"has getting or keeping paid work got better") as the sentences written for each area now in
surveys.definitions. Only a question still holding the wording below (shipped by 0002/0003) is changed,
so a council's own edits are kept; the answers (better, about the same, worse) are unchanged."""

from django.db import migrations

HOLDER, CARER = "outcome-budget-holder", "outcome-carer"
_CHANGE = "got better, stayed the same or got worse"

# code: (old question for the person, old question for a carer), frozen as shipped.
OLD = {
    "independence": (
        f"Since you got your budget, has your independence {_CHANGE}?",
        f"Since the budget, has their independence {_CHANGE}?",
    ),
    "control_daily_life": (
        f"Since you got your budget, has your control over your daily life {_CHANGE}?",
        f"Since the budget, has their control over their daily life {_CHANGE}?",
    ),
    "feeling_safe": (
        f"Since you got your budget, has how safe you feel {_CHANGE}?",
        f"Since the budget, has how safe they feel {_CHANGE}?",
    ),
    "self_esteem": (
        f"Since you got your budget, has how you feel about yourself {_CHANGE}?",
        f"Since the budget, has how they feel about themselves {_CHANGE}?",
    ),
    "who_you_live_with": (
        f"Since you got your budget, has living with the people you live with {_CHANGE}?",
        f"Since the budget, has living with the people they live with {_CHANGE}?",
    ),
    "paid_work": (
        f"Since you got your budget, has getting or keeping paid work {_CHANGE}?",
        f"Since the budget, has getting or keeping paid work {_CHANGE} for them?",
    ),
    "volunteering": (
        f"Since you got your budget, has volunteering or helping in your community {_CHANGE}?",
        f"Since the budget, has volunteering or helping in their community {_CHANGE} for them?",
    ),
}


def forwards(apps, schema_editor):
    from surveys.definitions import LIFE_AREA_QUESTIONS

    Question = apps.get_model("surveys", "Question")
    for code, _, person_text, carer_text in LIFE_AREA_QUESTIONS:
        if code not in OLD:
            continue
        old_person, old_carer = OLD[code]
        for slug, old, new in ((HOLDER, old_person, person_text), (CARER, old_carer, carer_text)):
            Question.objects.filter(
                version__survey__slug=slug, council__isnull=True, code=code, text=old
            ).update(text=new)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_response_carer")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
