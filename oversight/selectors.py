"""Reads for proportionate oversight, always scoped to the user (DESIGN.md, "Access")."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from budgets.models import DIRECT_PAYMENT_TYPES, Arrangement, BudgetStatus, ManagementType
from budgets.selectors import case_councils_of, counted_arrangements, people_represented_by
from organisations.models import Role
from organisations.selectors import roles_of

from .models import ZERO, AnnualStatement, Check, Decision, Outcome

# Ways of holding a budget that oversight covers: direct payments of both kinds, and ISFs (whose
# ledger already flags unspent money).
CHECKED_TYPES = [ManagementType.DIRECT_PAYMENT, ManagementType.DIRECT_PAYMENT_MANAGED, ManagementType.ISF]
STATEMENT_TYPES = [t.value for t in DIRECT_PAYMENT_TYPES]


@dataclass
class Held:
    """What is known about money held under one arrangement: its balance and the last day money was
    spent (None where not known), and where that came from, in words."""

    balance: Decimal | None
    last_spent_on: dt.date | None
    source: str


# Where balances come from, most specific first. Another app (the managed-account side) registers a
# source in its AppConfig.ready: a callable (arrangement, today) -> Held | None.
_BALANCE_SOURCES: list[Callable] = []


def register_balance_source(source: Callable) -> None:
    if source not in _BALANCE_SOURCES:
        _BALANCE_SOURCES.insert(0, source)


def _held_account(arrangement: Arrangement, today: dt.date) -> Held | None:
    """An ISF's or a managed direct payment's account kept by the organisation holding the money
    (providers.ledger's HeldAccount): its balance from the ledger selector, and the last spending."""
    if arrangement.management_type not in (ManagementType.ISF, ManagementType.DIRECT_PAYMENT_MANAGED):
        return None
    from providers.ledger.models import HeldAccount, LedgerEntry
    from providers.ledger.selectors import SPENT_CATEGORIES, balance_of

    if arrangement.management_type == ManagementType.ISF:
        account = HeldAccount.objects.filter(agreement__arrangement=arrangement).first()
        source = "the Individual Service Fund's account"
    else:
        account = HeldAccount.objects.filter(arrangement=arrangement, agreement__isnull=True).first()
        source = "the account kept by the organisation that manages your direct payment"
    if account is None:
        return None
    last = (
        LedgerEntry.objects.filter(fund=account, category__in=SPENT_CATEGORIES, entry_date__lte=today)
        .aggregate(last=Max("entry_date"))
        .get("last")
    )
    return Held(balance_of(account, on=today), last or account.opened_on, source)


def _annual_statement(arrangement: Arrangement, today: dt.date) -> Held | None:
    statement = arrangement.annual_statements.filter(year_end__lte=today).order_by("-year_end").first()
    if statement is None:
        return None
    return Held(statement.money_left, None, f"your annual statement to {statement.year_end:%-d %B %Y}")


def held_for(arrangement: Arrangement, today: dt.date) -> Held:
    for source in [*_BALANCE_SOURCES, _held_account, _annual_statement]:
        held = source(arrangement, today)
        if held is not None:
            return held
    return Held(None, None, "")


def arrangements_to_check(*, council_id: int, today: dt.date) -> QuerySet[Arrangement]:
    """Approved arrangements active today that oversight covers, carers' budgets included."""
    return (
        counted_arrangements(council_ids=[council_id])
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today)
        .filter(management_type__in=CHECKED_TYPES)
        .select_related("budget__person")
    )


def arrangements_to_check_for(person, *, today: dt.date) -> list[Arrangement]:
    """arrangements_to_check for one person, in the same order (start date, id). When the page has
    already loaded every version of the person's budget with its parts (`person.loaded_budgets`, set
    by the budgets app's person and family pages), they are picked from those, without a query."""
    budgets = getattr(person, "loaded_budgets", None)
    if budgets is None:
        return list(
            arrangements_to_check(council_id=person.council_id, today=today).filter(budget__person=person)
        )
    checked = {t.value for t in CHECKED_TYPES}
    parts = [
        a
        for b in budgets
        if b.status == BudgetStatus.APPROVED
        for a in b.arrangements.all()
        if a.council_id == person.council_id
        and a.management_type in checked
        and a.start_date <= today
        and (a.end_date is None or a.end_date >= today)
    ]
    return sorted(parts, key=lambda a: (a.start_date, a.pk))


def _staff_councils(user) -> set[int] | None:
    """None for a platform admin (everything); otherwise the councils where the user does casework."""
    if roles_of(user=user).platform_admin:
        return None
    return case_councils_of(user=user)


def checks_visible_to(*, user) -> QuerySet[Check]:
    if not getattr(user, "is_authenticated", False):
        return Check.objects.none()
    qs = Check.objects.select_related("arrangement__budget__person", "council", "raised_by")
    councils = _staff_councils(user)
    return qs if councils is None else qs.filter(council_id__in=councils)


def checks_of_family(*, user) -> QuerySet[Check]:
    return Check.objects.filter(
        arrangement__budget__person__in=people_represented_by(user=user)
    ).select_related("arrangement__budget__person", "council")


def statements_visible_to(*, user) -> QuerySet[AnnualStatement]:
    if not getattr(user, "is_authenticated", False):
        return AnnualStatement.objects.none()
    qs = AnnualStatement.objects.select_related("arrangement__budget__person", "sent_by", "read_by")
    councils = _staff_councils(user)
    return qs if councils is None else qs.filter(council_id__in=councils)


def arrangements_of_family(*, user) -> QuerySet[Arrangement]:
    return counted_arrangements().filter(budget__person__in=people_represented_by(user=user))


def is_case_staff(*, user, council_id: int) -> bool:
    roles = roles_of(user=user)
    return council_id in roles.councils_with(Role.COMMISSIONER, Role.APPROVER)


def may_decide(*, user, council_id: int) -> bool:
    return is_case_staff(user=user, council_id=council_id)


def council_report(*, council_id: int, start: dt.date, end: dt.date) -> dict:
    """Checks started in [start, end] by how the budget is held: how many, why, what was decided
    (the latest decision), money recovered and money kept for an agreed purpose. Two queries."""
    checks = Check.objects.filter(council_id=council_id, raised_at__date__gte=start, raised_at__date__lte=end)
    by_kind = {
        (r["arrangement__management_type"], r["kind"]): r["n"]
        for r in checks.values("arrangement__management_type", "kind").annotate(n=Count("pk"))
    }
    latest = Decision.objects.filter(check_obj__in=checks).order_by("check_obj_id", "-decided_at", "-pk")
    latest = latest.distinct("check_obj_id").values("pk")
    decided = (
        Decision.objects.filter(pk__in=latest)
        .values("check_obj__arrangement__management_type", "outcome")
        .annotate(
            n=Count("pk"),
            recovered=Coalesce(Sum("amount_recovered"), Value(ZERO)),
            kept=Coalesce(Sum("amount_kept"), Value(ZERO)),
        )
    )
    rows = {}
    for t in CHECKED_TYPES:
        rows[t.value] = {
            "checks": 0,
            "by_reason": {
                k: by_kind.get((t.value, k), 0) for k in ("large_balance", "no_spending", "concern")
            },
            "by_outcome": dict.fromkeys(Outcome.values, 0),
            "money_recovered": ZERO,
            "money_kept": ZERO,
        }
        rows[t.value]["checks"] = sum(rows[t.value]["by_reason"].values())
    for r in decided:
        row = rows[r["check_obj__arrangement__management_type"]]
        row["by_outcome"][r["outcome"]] += r["n"]
        row["money_recovered"] += r["recovered"]
        row["money_kept"] += r["kept"]
    for row in rows.values():
        row["waiting"] = row["checks"] - sum(row["by_outcome"].values())
    return rows
