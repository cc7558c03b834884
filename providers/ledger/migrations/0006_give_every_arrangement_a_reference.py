"""Every arrangement has a reference (issue 12). Arrangements made in the browser before references were
generated have an empty budget_ref, so a provider could not send spending against them. Give each the
next reference in its council's pattern (as budgets.services.new_budget_refs does: the prefix and width
of the council's latest numbered reference, else the stem of its people's references or its GSS code
with "-PB-" and five digits), oldest first; then give a held account with no reference its
arrangement's (directly, or through its agreement). References already given are never changed.

It lives in the ledger app because it fills both the arrangements and the held accounts."""

import re

from django.db import migrations

_NUMBERED_REF = re.compile(r"^(.*?)(\d+)$")


def _pattern(apps, council_id: int) -> tuple[str, int, int]:
    """(prefix, width, last number taken) for the council's references."""
    Arrangement = apps.get_model("budgets", "Arrangement")
    Person = apps.get_model("budgets", "Person")
    Council = apps.get_model("organisations", "Council")
    latest = (
        Arrangement.objects.filter(council_id=council_id, budget_ref__regex=r"\d$")
        .order_by("-created_at", "-pk")
        .values_list("budget_ref", flat=True)
        .first()
    )
    if latest:
        prefix, digits = _NUMBERED_REF.match(latest).groups()
        width = len(digits)
    else:
        person_ref = (
            Person.objects.filter(council_id=council_id)
            .order_by("pk")
            .values_list("person_ref", flat=True)
            .first()
        )
        stem = re.split(r"[-_./]", person_ref)[0] if person_ref else ""
        if not stem or stem.isdigit():
            stem = Council.objects.get(pk=council_id).gss_code
        prefix, width = f"{stem}-PB-", 5
    taken = Arrangement.objects.filter(
        council_id=council_id, budget_ref__regex=r"^" + re.escape(prefix) + r"\d+$"
    ).values_list("budget_ref", flat=True)
    return prefix, width, max((int(ref[len(prefix) :]) for ref in taken), default=0)


def give_references(apps, schema_editor=None) -> int:
    """Fill the empty references; returns how many arrangements got one."""
    Arrangement = apps.get_model("budgets", "Arrangement")
    HeldAccount = apps.get_model("ledger", "HeldAccount")
    given = 0
    blank = Arrangement.objects.filter(budget_ref="")
    for council_id in blank.values_list("council_id", flat=True).distinct().order_by("council_id"):
        prefix, width, number = _pattern(apps, council_id)
        for arrangement in blank.filter(council_id=council_id).order_by("created_at", "pk"):
            number += 1
            arrangement.budget_ref = f"{prefix}{number:0{width}d}"
            arrangement.save(update_fields=["budget_ref"])
            given += 1
    for account in HeldAccount.objects.filter(budget_ref="").select_related(
        "arrangement", "agreement__arrangement"
    ):
        arrangement = account.arrangement or (account.agreement.arrangement if account.agreement_id else None)
        if arrangement is not None and arrangement.budget_ref:
            account.budget_ref = arrangement.budget_ref
            account.save(update_fields=["budget_ref"])
    return given


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0010_reviews_and_blocks"),
        ("ledger", "0005_held_accounts"),
    ]

    operations = [migrations.RunPython(give_references, migrations.RunPython.noop)]
