"""Arrangements, the parts of a budget: their references in the council's pattern, ending one, and
moving an ISF to another provider."""

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from organisations import audit
from organisations.models import Council, Provider
from organisations.money import to_money

from ..models import Arrangement, ManagementType, Person
from .errors import BudgetError

_NUMBERED_REF = re.compile(r"^(.*?)(\d+)$")


def new_budget_refs(*, council_id: int, count: int = 1, avoid: Iterable[str] = ()) -> list[str]:
    """`count` new references in the council's own pattern: the prefix and width of the council's latest
    numbered reference, with the next number free (DOR-PB-00041 → DOR-PB-00042). A council with none
    yet gets one in the pattern of its people's references (DOR-1001 → DOR-PB-00001). Callers hold a
    lock on the council's row, so two proposals cannot take the same number; `avoid` holds references
    typed in the same proposal."""
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
        stem = re.split(r"[-_./]", person_ref or "")[0] if person_ref else ""
        if not stem or stem.isdigit():
            stem = Council.objects.get(pk=council_id).gss_code
        prefix, width = f"{stem}-PB-", 5
    taken = Arrangement.objects.filter(
        council_id=council_id, budget_ref__regex=r"^" + re.escape(prefix) + r"\d+$"
    ).values_list("budget_ref", flat=True)
    number = max((int(ref[len(prefix) :]) for ref in taken), default=0)
    refs, avoid = [], set(avoid)
    while len(refs) < count:
        number += 1
        ref = f"{prefix}{number:0{width}d}"
        if ref not in avoid:
            refs.append(ref)
    return refs


def _lock_council_refs(council_id: int) -> None:
    """Serialises reference numbering within one council (see new_budget_refs), and with the budgets
    import, which takes the same lock. NO KEY UPDATE, so rows that merely point at the council (a fund
    opened, an entry written, a person added) never wait for it and cannot deadlock with a move."""
    Council.objects.select_for_update(no_key=True).get(pk=council_id)


def arrangement_end(*, arrangement: Arrangement, last_day: dt.date, actor, event: str) -> Arrangement:
    """End an arrangement on `last_day` (never before it started), audited. One that already ends by
    then is left as it is. Every app that ends an arrangement (a new budget version, an ISF agreement
    that ends) comes here, so monitoring counts and the budget's history stay true."""
    with transaction.atomic():
        if arrangement.end_date is not None and arrangement.end_date <= last_day:
            return arrangement
        old = arrangement.end_date
        arrangement.end_date = max(last_day, arrangement.start_date)
        arrangement.save(update_fields=["end_date", "updated_at"])
        audit.record(
            actor=actor, instance=arrangement, event=event, changes={"end_date": (old, arrangement.end_date)}
        )
        return arrangement


def arrangement_move_to_provider(
    *, arrangement: Arrangement, provider: Provider, annual_amount: Decimal, start_date: dt.date, actor
) -> Arrangement:
    """The person's ISF passes to another provider from `start_date`: a new arrangement in the same
    approved budget (the old one is ended separately, on the old agreement's last day). It gets its own
    reference, the next in the council's pattern: the new provider sends spending against it, and the
    old reference stays with the old provider's closed fund."""
    with transaction.atomic():
        if arrangement.management_type != ManagementType.ISF:
            raise BudgetError("Only an Individual Service Fund moves to another provider.")
        _lock_council_refs(arrangement.council_id)
        moved = Arrangement.objects.create(
            budget=arrangement.budget,
            management_type=ManagementType.ISF,
            annual_amount=to_money(annual_amount),
            start_date=start_date,
            provider=provider,
            council=arrangement.council,
            budget_ref=new_budget_refs(council_id=arrangement.council_id)[0],
        )
        audit.record(
            actor=actor,
            instance=moved,
            event="arrangement moved to new provider",
            action=audit.CREATE,
            changes={
                "provider": (arrangement.provider, provider),
                "budget_ref": (arrangement.budget_ref, moved.budget_ref),
            },
        )
        return moved
