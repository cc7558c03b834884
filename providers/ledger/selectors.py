"""Reads about ISF ledgers, always scoped to the user (DESIGN.md, "Access").

A person or representative sees their own funds; a provider's staff (manager or finance) the funds
their organisation holds; a council's commissioners and approvers the council's funds; a platform
admin all. Anything else answers 404 through `get_object_or_404(funds_visible_to(...), pk=...)`.
"""

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from budgets.selectors import (
    ids_of_people_represented_by,
    is_family_member,
    people_represented_by,
    people_represented_by_user_id,
)
from organisations.kept_queries import fetch_kept
from organisations.models import Role
from organisations.selectors import roles_of
from providers.models import AgreementStatus

from .models import (
    CLOSING,
    SPENDING_CATEGORIES,
    ZERO,
    Category,
    HeldAccount,
    HeldKind,
    LedgerEntry,
    Notification,
    Statement,
)

PROVIDER_STAFF = (Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE)
COUNCIL_READERS = (Role.COMMISSIONER, Role.APPROVER)
# A ledger with nothing written for this long is shown to the commissioner as quiet.
QUIET_AFTER_DAYS = 56
STATEMENT_DAYS = 28
# What counts as spending against the budget (corrections to these count with them).
SPENT_CATEGORIES = [*SPENDING_CATEGORIES, Category.MANAGEMENT_FEE]


def funds_visible_to(*, user) -> QuerySet[HeldAccount]:
    if not getattr(user, "is_authenticated", False):
        return HeldAccount.objects.none()
    qs = HeldAccount.objects.select_related("person", "provider", "council", "agreement", "arrangement")
    roles = roles_of(user=user)
    if roles.platform_admin:
        return qs
    q = Q(person__in=people_represented_by(user=user))
    providers = roles.providers_with(*PROVIDER_STAFF)
    if providers:
        q |= Q(provider_id__in=providers) & ~_closed_with_final_statement()
    councils = roles.councils_with(*COUNCIL_READERS)
    if councils:
        q |= Q(council_id__in=councils)
    return qs.filter(q)


def fund_visible_to(*, user, pk) -> HeldAccount | None:
    """The account `pk` when the user may read it by the rule of funds_visible_to, else None (the page
    answers 404). The same rule worked out for one account: the row is read by its id (with whether its
    money has moved on, `has_closing`, which the ledger page shows), then the user's roles decide in
    Python, and the provider's "link is over" rule and the family's link are asked of the database only
    when they can matter. Compiling the whole rule as one query, for every ledger page, cost more than
    the rest of the page's queries together."""
    if not getattr(user, "is_authenticated", False):
        return None
    # Unordered (one row at most): an ordered query makes Django hash each of its ~60 selected columns;
    # and its SQL is compiled once per process (organisations/kept_queries.py).
    pk = int(pk)
    rows = fetch_kept(_fund_by_id_query, pk=pk)
    if not rows:
        return None
    fund = rows[0]
    roles = roles_of(user=user)
    if roles.platform_admin or fund.council_id in roles.councils_with(*COUNCIL_READERS):
        return fund
    if fund.provider_id in roles.providers_with(*PROVIDER_STAFF) and not _provider_link_over(fund):
        return fund
    if is_family_member(user=user) and people_represented_by(user=user).filter(pk=fund.person_id).exists():
        return fund
    return None


def _fund_by_id_query(*, pk: int) -> QuerySet[HeldAccount]:
    return (
        HeldAccount.objects.select_related("person", "provider", "council", "agreement", "arrangement")
        .annotate(has_closing=Exists(LedgerEntry.objects.filter(CLOSING, fund=OuterRef("pk"))))
        .filter(pk=pk)
        .order_by()[:1]
    )


def _provider_link_over(fund: HeldAccount) -> bool:
    """_closed_with_final_statement for one account read by fund_visible_to. It can hold only for an
    account whose money moved on, whose agreement ended, or which is closed; for any other (nearly
    every account) no query is needed."""
    could_be = (
        fund.has_closing
        or fund.closed_on is not None
        or (fund.agreement_id is not None and fund.agreement.status == AgreementStatus.ENDED)
    )
    return could_be and HeldAccount.objects.filter(_closed_with_final_statement(), pk=fund.pk).exists()


def _closed_with_final_statement() -> Q:
    """A fund whose money moved on, or whose agreement ended, and whose statement covering the move or
    the end (the final statement) has been made: the provider's link with the person is over, so the
    provider no longer reads it (the council and the family still do)."""

    def moved_on(fund):
        return LedgerEntry.objects.filter(CLOSING, fund=fund)

    final = Statement.objects.filter(
        fund=OuterRef("pk"),
        period_end__gte=Subquery(moved_on(OuterRef("fund")).values("entry_date")[:1]),
    )
    # The agreement is read inside the subquery (a statement's fund's agreement), not joined to every
    # fund of the list: the join made PostgreSQL read and hash every agreement of the platform.
    covers_the_end = Statement.objects.filter(
        fund=OuterRef("pk"),
        fund__agreement__status=AgreementStatus.ENDED,
        period_end__gte=F("fund__agreement__end_date"),
    )
    covers_the_close = Statement.objects.filter(fund=OuterRef("pk"), period_end__gte=OuterRef("closed_on"))
    # `fund_id <= pk` is always true beside `fund_id = pk`; it is there so that PostgreSQL looks up each
    # fund's entries by the fund's index instead of reading every entry of the platform to build a hash
    # of closing entries (its choice for a pure equality: 20 ms a query at 77,000 entries, and growing).
    moved = Q(Exists(moved_on(OuterRef("pk")).filter(fund_id__lte=OuterRef("pk"))))
    return (
        (moved & Q(Exists(final)))
        | (~moved & Q(Exists(covers_the_end)))
        | (~moved & Q(closed_on__isnull=False) & Q(Exists(covers_the_close)))
    )


def funds_of_family(*, user) -> QuerySet[HeldAccount]:
    """The funds of the people this user is or represents: the family's own view, newest first. Its
    callers ask whether an account is the family's, which kinds they have, and (the landing page) each
    account's organisation, which it joins itself: nothing else is joined."""
    return HeldAccount.objects.filter(person__in=people_represented_by(user=user)).order_by(
        "-opened_on", "-pk"
    )


def family_page_funds(*, user, kind: str) -> list[HeldAccount]:
    """The family's accounts of one kind for their page, each with whether its money moved on
    (`has_closing`, for family_summary) and its organisation's contact details: two queries fewer for
    each account than asking for them one by one. The people's ids are read first (two index lookups)
    and given to the query as values: with them as a subquery, PostgreSQL joined every account of the
    platform to its person, agreement and arrangement before keeping the family's one (30 ms a page at
    a council of 20,000 people; issue 14), and as a bare UNION the plan took 4 ms to make, against
    2 ms for both queries this way. Newest first (opened, then id), sorted here: a family has a few
    accounts, and an ordered query makes Django hash each of its ~70 selected columns (issue 14)."""
    people = ids_of_people_represented_by(user=user)
    # Its SQL (six tables' columns) is compiled once per process for the kind and number of people.
    funds = fetch_kept(_family_page_funds_query, shape={"kind": kind}, people=people)
    return sorted(funds, key=lambda f: (f.opened_on, f.pk), reverse=True)


def _family_page_funds_query(*, kind: str, people: list[int]) -> QuerySet[HeldAccount]:
    return (
        HeldAccount.objects.filter(person_id__in=people, kind=kind)
        .select_related("person", "provider__profile", "council", "agreement", "arrangement")
        .order_by()
        .annotate(has_closing=Exists(LedgerEntry.objects.filter(CLOSING, fund=OuterRef("pk"))))
    )


def _held_by(*, providers, councils, admin: bool, family_user_id: int | None) -> QuerySet[HeldAccount]:
    """funds_visible_to's rule within the accounts of `providers`, with only the parts that can hold:
    the family part (a subquery of a UNION) only for a user who is family, the council part only for
    council staff. Built from these values alone (not from the user), so that its SQL can be kept."""
    qs = HeldAccount.objects.filter(provider_id__in=providers)
    if admin:
        return qs
    rule = ~_closed_with_final_statement()
    if councils:
        rule |= Q(council_id__in=councils)
    if family_user_id is not None:
        rule |= Q(person__in=people_represented_by_user_id(family_user_id))
    return qs.filter(rule)


@lru_cache(maxsize=256)
def _held_in_list_order_sql(**key) -> tuple[str, tuple]:
    """The SQL of held_in_list_order for these roles (the arguments of _held_by): the same query is
    asked on every visit to the list, and building and compiling it with the ORM (four subqueries) was
    nearly all of the query's cost to this process. It holds no data, only the query's text and the
    values that went into it, so it is kept per process by exactly those values."""
    order = Case(When(kind=HeldKind.ISF, then=Value(0)), default=Value(1))
    qs = (
        _held_by(**dict(key))
        .order_by(order, "person__family_name", "person__given_name", "pk")
        .values_list("pk", "kind")
    )
    sql, params = qs.query.get_compiler(qs.db).as_sql()
    return sql, tuple(params)


def held_in_list_order(*, user) -> list[tuple[int, str]]:
    """(id, kind) of every account the user's organisations hold, in the order their list shows them:
    Individual Service Funds first, then by the person's name. One query, whose SQL is kept per process
    for the user's roles (_held_in_list_order_sql); the list's page is then loaded by id
    (funds_in_order) and the count of each kind taken from these rows."""
    roles = roles_of(user=user)
    sql, params = _held_in_list_order_sql(
        providers=frozenset(roles.providers_with(*PROVIDER_STAFF)),
        councils=frozenset(roles.councils_with(*COUNCIL_READERS)),
        admin=roles.platform_admin,
        family_user_id=user.pk if is_family_member(user=user) else None,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def funds_in_order(ids: list[int]) -> list[HeldAccount]:
    """The accounts `ids` names (already scoped: from held_in_list_order), in that order, with what
    the provider's list shows. Its SQL is kept per process for each length of list (issue 14)."""
    by_pk = {fund.pk: fund for fund in fetch_kept(_funds_by_id_query, ids=list(ids))}
    return [by_pk[pk] for pk in ids]


def _funds_by_id_query(*, ids: list[int]) -> QuerySet[HeldAccount]:
    return HeldAccount.objects.filter(pk__in=ids).select_related("person", "provider", "council")


def funds_commissioned_by(*, user) -> QuerySet[HeldAccount]:
    roles = roles_of(user=user)
    qs = funds_visible_to(user=user)
    if roles.platform_admin:
        return qs
    return qs.filter(council_id__in=roles.councils_with(Role.COMMISSIONER))


def may_record_spending(*, user, fund: HeldAccount) -> bool:
    return fund.provider_id in roles_of(user=user).providers_with(*PROVIDER_STAFF)


def may_record_refund(*, user, fund: HeldAccount) -> bool:
    return fund.council_id in roles_of(user=user).councils_with(Role.COMMISSIONER)


def may_reverse(*, user, entry: LedgerEntry) -> bool:
    """Providers correct their own spending and fees; a commissioner corrects a refund."""
    if entry.category in (*SPENDING_CATEGORIES, Category.MANAGEMENT_FEE):
        return may_record_spending(user=user, fund=entry.fund)
    if entry.category == Category.REFUND:
        return may_record_refund(user=user, fund=entry.fund)
    return False


def reversible_entries(*, user, fund: HeldAccount, entries) -> set[int]:
    """The entries of one fund the user may correct (as `may_reverse`), with the permissions read once
    for the fund rather than once an entry (a ledger of 2,000 entries made 2,000 queries)."""
    may = {
        "spending": may_record_spending(user=user, fund=fund),
        "refund": may_record_refund(user=user, fund=fund),
    }
    kinds = {c: "spending" for c in (*SPENDING_CATEGORIES, Category.MANAGEMENT_FEE)} | {
        Category.REFUND: "refund"
    }
    return {
        e.pk
        for e in entries
        if not hasattr(e, "reversed_by") and e.category in kinds and may[kinds[e.category]]
    }


# ---- balances and running balances --------------------------------------------------------------


def balance_of(fund: HeldAccount, *, on: dt.date | None = None) -> Decimal:
    """The balance: the sum of the fund's entries (up to and including `on`, if given). Today's is
    read from the account row, where the database keeps it as each entry is written (one row, however
    many entries); a past day's is summed."""
    if on is None:
        return HeldAccount.objects.filter(pk=fund.pk).values_list("balance", flat=True).get()
    qs = LedgerEntry.objects.filter(fund=fund, entry_date__lte=on)
    return qs.aggregate(total=Coalesce(Sum("amount"), Value(ZERO)))["total"]


def with_balances(qs: QuerySet[HeldAccount]) -> QuerySet[HeldAccount]:
    """Each account's balance and last entry date are on its row (kept by the database): nothing is
    summed. Kept so callers read as before."""
    return qs


@dataclass
class Line:
    entry: LedgerEntry
    balance: Decimal  # the running balance after this entry


def running_lines(
    fund: HeldAccount,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    category: str = "",
) -> list[Line]:
    """Every entry with the balance after it, in date order, then narrowed to the filters. The running
    balance is worked out over all entries, so it is the same whatever the filter."""
    lines, running = [], ZERO
    entries = (
        LedgerEntry.objects.filter(fund=fund)
        .select_related("recorded_by", "reverses", "reversed_by", "transfer_pair__fund__provider")
        .order_by("entry_date", "recorded_at", "pk")
    )
    for entry in entries:
        entry.fund = fund  # the page asks each entry about its fund: no query per entry
        running += entry.amount
        if start and entry.entry_date < start:
            continue
        if end and entry.entry_date > end:
            continue
        if category and entry.category != category:
            continue
        lines.append(Line(entry=entry, balance=running))
    return lines


def ledger_entries(
    fund: HeldAccount,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    category: str = "",
) -> QuerySet[LedgerEntry]:
    """The fund's entries the filters keep, in date order. A page of it (organisations.paging.page_of:
    a COUNT, then a slice) is read by ledger_page, which loads what a line shows."""
    return _entries_query(fund_id=fund.pk, start=start, end=end, category=category)


def _entries_query(
    *, fund_id: int, category: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.filter(fund_id=fund_id)
    if start:
        qs = qs.filter(entry_date__gte=start)
    if end:
        qs = qs.filter(entry_date__lte=end)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("entry_date", "recorded_at", "pk")


def _dates(start: dt.date | None, end: dt.date | None) -> dict:
    """The date filters that are set, as values for fetch_kept (a filter left out changes the SQL)."""
    return {name: value for name, value in (("start", start), ("end", end)) if value}


def count_ledger_entries(
    fund: HeldAccount, *, start: dt.date | None = None, end: dt.date | None = None, category: str = ""
) -> int:
    """ledger_entries(...).count(), its SQL kept per process (issue 14: the ledger page's COUNT)."""
    rows = fetch_kept(
        _entries_count_query, shape={"category": category}, fund_id=fund.pk, **_dates(start, end)
    )
    return rows[0] if rows else 0


def _entries_count_query(**filters) -> QuerySet:
    return (
        _entries_query(**filters)
        .order_by()
        .values("fund_id")
        .annotate(entries=Count("pk"))
        .values_list("entries", flat=True)
    )


def ledger_page(
    fund: HeldAccount,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    category: str = "",
    offset: int,
    limit: int,
    from_the_end: bool,
) -> tuple[list["Line"], Decimal]:
    """ledger_entries(...)[offset:offset + limit] with the running balance after each, and the fund's
    balance (_lines); the page's SQL kept per process for each page and filter (issue 14: compiling it
    afresh was a sixth of a ledger page)."""
    entries = fetch_kept(
        _page_query,
        shape={"category": category, "offset": offset, "limit": limit},
        fund_id=fund.pk,
        **_dates(start, end),
    )
    return _lines(fund, entries, from_the_end=from_the_end)


def _page_query(*, offset: int, limit: int, **filters) -> QuerySet[LedgerEntry]:
    """The page's ids first (the slice of the ledger's index, OFFSET and all), then their rows with
    what a line shows: joined before the OFFSET, the newest page of 2,000 entries joined all 2,000.
    A line shows who recorded the entry and whether a later entry corrected it (templatetags.
    ledger_rows); nothing it shows needs the corrected entry or a transfer's other side. Sorted by
    _lines, not PostgreSQL: ordered in SQL, Django hashed each selected column of three tables."""
    page = _entries_query(**filters).values("pk")[offset : offset + limit]
    return LedgerEntry.objects.filter(pk__in=page).select_related("recorded_by", "reversed_by").order_by()


# For _lines: (entry id, balance after it, the fund's balance) for each entry of the fund
# from the page's first (d1, r1, id1) to its last (d2, r2, id2), in ledger order (entry date, then when
# recorded, then id: a row value; the plain date bounds beside it let PostgreSQL read only that stretch
# of the index on fund, entry_date, recorded_at). The
# balance before the page is summed from the start (False) or taken from the stored balance less the
# entries from the page's first on (True).
_PAGE_BALANCES = {
    False: """
        SELECT id,
               (SELECT COALESCE(SUM(amount), 0) FROM ledger_ledgerentry
                 WHERE fund_id = %(fund)s AND entry_date <= %(d1)s
                   AND (entry_date, recorded_at, id) < (%(d1)s, %(r1)s, %(id1)s))
               + SUM(amount) OVER (ORDER BY entry_date, recorded_at, id),
               (SELECT balance FROM ledger_individualservicefund WHERE id = %(fund)s)
          FROM ledger_ledgerentry
         WHERE fund_id = %(fund)s AND entry_date BETWEEN %(d1)s AND %(d2)s
           AND (entry_date, recorded_at, id) BETWEEN (%(d1)s, %(r1)s, %(id1)s) AND (%(d2)s, %(r2)s, %(id2)s)
    """,
    True: """
        SELECT id,
               (SELECT balance FROM ledger_individualservicefund WHERE id = %(fund)s)
               - (SELECT COALESCE(SUM(amount), 0) FROM ledger_ledgerentry
                   WHERE fund_id = %(fund)s AND entry_date >= %(d1)s
                     AND (entry_date, recorded_at, id) >= (%(d1)s, %(r1)s, %(id1)s))
               + SUM(amount) OVER (ORDER BY entry_date, recorded_at, id),
               (SELECT balance FROM ledger_individualservicefund WHERE id = %(fund)s)
          FROM ledger_ledgerentry
         WHERE fund_id = %(fund)s AND entry_date BETWEEN %(d1)s AND %(d2)s
           AND (entry_date, recorded_at, id) BETWEEN (%(d1)s, %(r1)s, %(id1)s) AND (%(d2)s, %(r2)s, %(id2)s)
    """,
}


def _lines(
    fund: HeldAccount, entries: list[LedgerEntry], *, from_the_end: bool
) -> tuple[list["Line"], Decimal]:
    """`entries` (a page of ledger_entries, in any order) with the running balance after each, and the
    fund's balance, in one query that reads only the page's stretch of the ledger and one side of it.

    The balance after an entry is the sum of every entry of the fund up to it in date order, whatever
    the filter (as running_lines). It is worked out as the balance before the page's first entry plus a
    window over the entries from the page's first to its last (filtered out or not). The balance before
    the page is the sum of the entries before it, or, for a page in the newer half of the ledger
    (`from_the_end`: the default page is the newest), the stored balance (the sum of all entries, kept on
    the account row) less the entries from the page's first on. Either way a page of a 2,000-entry
    ledger reads about the entries between it and the nearer end, not all 2,000; the newest page reads
    only its own."""
    entries = sorted(entries, key=lambda e: (e.entry_date, e.recorded_at, e.pk))
    if not entries:
        return [], balance_of(fund)
    first, last = entries[0], entries[-1]
    params = {
        "fund": fund.pk,
        "d1": first.entry_date,
        "r1": first.recorded_at,
        "id1": first.pk,
        "d2": last.entry_date,
        "r2": last.recorded_at,
        "id2": last.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_BALANCES[from_the_end], params)
        rows = cursor.fetchall()
    running = {pk: after for pk, after, _ in rows}
    lines = []
    for entry in entries:
        entry.fund = fund  # the page asks each entry about its fund: no query per entry
        lines.append(Line(entry=entry, balance=running[entry.pk]))
    return lines, rows[0][2]


def is_closed(fund: HeldAccount) -> bool:
    """The money has moved to the person's next organisation (or was paid to them)."""
    return LedgerEntry.objects.filter(CLOSING, fund=fund).exists()


# ---- statements ------------------------------------------------------------------------------------


def default_statement_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last four weeks, ending today."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=STATEMENT_DAYS - 1), today


def _kind_of(entry: LedgerEntry) -> str:
    """A correction counts against what it corrects, so spending by kind stays true."""
    if entry.category == Category.CORRECTION and entry.reverses_id:
        return entry.reverses.category
    return entry.category


@dataclass
class MoneyBreakdown:
    """Where the money in some entries came from and went, the same way on every page and document:
    a correction counts with the entry it corrects (so it is never "money in"), and spending is shown
    net of its corrections."""

    from_council: Decimal  # council payments, net of corrections to them
    moved: Decimal  # money that moved with the person between organisations (signed)
    spent: Decimal  # support, activities and equipment, net of corrections (positive)
    management_fee: Decimal  # positive
    paid_back: Decimal  # refunds to the council (positive)
    other_corrections: Decimal  # corrections that point at no entry (signed)
    by_kind: dict[str, Decimal]  # signed totals by category, corrections counted with what they correct

    @property
    def money_in(self) -> Decimal:
        """Money that came in: from the council, and money that moved here with the person."""
        return self.from_council + max(self.moved, ZERO)

    @property
    def net_change(self) -> Decimal:
        return sum(self.by_kind.values(), ZERO)

    @property
    def money_out(self) -> Decimal:
        """Everything else, signed (negative when money went out)."""
        return self.net_change - self.money_in

    @property
    def spending_by_kind(self) -> list[tuple[str, Decimal]]:
        return [
            (Category(code).label, -self.by_kind.get(code, ZERO))
            for code in SPENDING_CATEGORIES
            if self.by_kind.get(code, ZERO) != 0
        ]


def money_breakdown(entries) -> MoneyBreakdown:
    """The breakdown of `entries` (with `reverses` loaded)."""
    by_kind: dict[str, Decimal] = {}
    for entry in entries:
        kind = _kind_of(entry)
        by_kind[kind] = by_kind.get(kind, ZERO) + entry.amount
    return MoneyBreakdown(
        from_council=by_kind.get(Category.COUNCIL_PAYMENT, ZERO),
        moved=by_kind.get(Category.TRANSFER, ZERO),
        spent=-sum((by_kind.get(code, ZERO) for code in SPENDING_CATEGORIES), ZERO),
        management_fee=-by_kind.get(Category.MANAGEMENT_FEE, ZERO),
        paid_back=-by_kind.get(Category.REFUND, ZERO),
        other_corrections=by_kind.get(Category.CORRECTION, ZERO),
        by_kind=by_kind,
    )


@dataclass
class StatementContext:
    fund: HeldAccount
    start: dt.date
    end: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    lines: list[Line]
    breakdown: MoneyBreakdown
    totals: "OrderedDict[str, Decimal]" = field(default_factory=OrderedDict)

    @property
    def money_in(self) -> Decimal:
        return self.breakdown.money_in

    @property
    def money_out(self) -> Decimal:
        return self.breakdown.money_out

    @property
    def total_rows(self) -> list[tuple[str, Decimal]]:
        return [(self.fund.words.label(code), amount) for code, amount in self.totals.items()]

    @property
    def summary_rows(self) -> list[tuple[str, Decimal]]:
        """Opening balance, where the money came from and went, closing balance: the same rows on the
        statement page and its PDF, worked out as on the family's ISF page."""
        b = self.breakdown
        rows = [
            (f"Money at the start ({self.start:%-d %B %Y})", self.opening_balance),
            (f"Money in from {self.fund.council.name}", b.from_council),
        ]
        if b.moved > 0:
            rows.append(("Money that moved here from the last organisation", b.moved))
        elif b.moved < 0:
            rows.append(("Money that moved to the new organisation", b.moved))
        rows.append(("Money spent on support, activities and equipment", b.spent))
        rows.append((f"{self.fund.provider.name}'s {self.fund.words.fee.lower()}", b.management_fee))
        if b.paid_back:
            rows.append((f"Paid back to {self.fund.council.name}", b.paid_back))
        if b.other_corrections:
            rows.append(("Other corrections", b.other_corrections))
        rows.append((f"Money left at the end ({self.end:%-d %B %Y})", self.closing_balance))
        return rows

    @property
    def contact(self) -> dict:
        """How to reach the organisation that holds the money (from its directory profile)."""
        profile = getattr(self.fund.provider, "profile", None)
        return {
            "phone": getattr(profile, "phone", "") or "",
            "email": getattr(profile, "email", "") or "",
        }


def statement_context(fund: HeldAccount, *, start: dt.date, end: dt.date) -> StatementContext:
    """Opening balance (everything before `start`), every entry in the period with the running balance,
    where the money came from and went (corrections counted with what they correct, as on the family's
    page), and the closing balance (everything up to `end`)."""
    opening = balance_of(fund, on=start - dt.timedelta(days=1))
    lines = running_lines(fund, start=start, end=end)
    breakdown = money_breakdown(line.entry for line in lines)
    totals: OrderedDict[str, Decimal] = OrderedDict(
        (code, breakdown.by_kind[code]) for code in Category.values if breakdown.by_kind.get(code)
    )
    return StatementContext(
        fund=fund,
        start=start,
        end=end,
        opening_balance=opening,
        closing_balance=opening + breakdown.net_change,
        lines=lines,
        breakdown=breakdown,
        totals=totals,
    )


# ---- the family's summary ------------------------------------------------------------------------


@dataclass
class FamilySummary:
    fund: HeldAccount
    since: dt.date
    money_in: Decimal
    spent: Decimal  # support, activities and equipment, net of corrections to them (positive)
    management_fee: Decimal  # positive
    paid_back: Decimal  # refunds to the council (positive)
    moved: Decimal  # transfers (signed)
    money_left: Decimal
    spending_by_kind: list[tuple[str, Decimal]]
    balance_points: list[tuple[dt.date, Decimal]]
    statements: list[Statement]
    closed: bool
    other_corrections: Decimal = ZERO  # corrections that point at no entry (signed)


@dataclass(frozen=True)
class _SummedEntry:
    """What family_summary and money_breakdown read of a ledger entry: here the sum of one day's
    entries of one kind (money_breakdown only adds amounts by kind, so sums of groups give the same
    figures to the penny as the entries one by one)."""

    entry_date: dt.date
    amount: Decimal
    category: str
    reverses_category: str | None  # the corrected entry's kind (None when it corrects no entry)

    @property
    def reverses_id(self) -> bool:
        """Whether it corrects an entry, as far as _kind_of reads it."""
        return self.reverses_category is not None

    @property
    def reverses(self) -> "_SummedEntry":
        """The corrected entry, as far as _kind_of reads it (its kind)."""
        return _SummedEntry(self.entry_date, ZERO, self.reverses_category or "", None)


# For family_summary: one row (NULL, the sum of the fund's entries before `since`, NULL, NULL), then
# (day, sum, kind, the corrected entry's kind) for each day from `since` on, kind and corrected kind
# of the fund's entries (put in date order by family_summary; the order within a day does not matter:
# only sums are read). A correction's corrected kind is looked up by its id only for corrections (a join
# made PostgreSQL hash every entry of the platform to find the few a fund's corrections point to: 14 ms
# at 77,000 entries and growing, against 1.4 ms read from the fund's own entries, issue 14).
_FAMILY_YEAR = """
    SELECT NULL::date, COALESCE(SUM(amount), %(zero)s), NULL, NULL
      FROM ledger_ledgerentry WHERE fund_id = %(fund)s AND entry_date < %(since)s
    UNION ALL
    SELECT entry_date, SUM(amount), category, reversed_category FROM (
        SELECT e.entry_date, e.amount, e.category,
               CASE WHEN e.reverses_id IS NULL THEN NULL
                    ELSE (SELECT r.category FROM ledger_ledgerentry r WHERE r.id = e.reverses_id) END
               AS reversed_category
          FROM ledger_ledgerentry e
         WHERE e.fund_id = %(fund)s AND e.entry_date >= %(since)s
    ) AS year_entries
     GROUP BY entry_date, category, reversed_category
"""


def family_summary(fund: HeldAccount, *, today: dt.date | None = None) -> FamilySummary:
    """Money in, money spent and money left over the last year (or since the fund opened), worked out
    by money_breakdown like every statement, so the two agree to the penny for the same dates."""
    today = today or timezone.localdate()
    since = max(fund.opened_on, today - dt.timedelta(days=364))
    # Everything before `since` as one sum, and the year's entries summed by PostgreSQL for each day
    # and kind (with a corrected entry's kind joined in by its id): all that the running balance by
    # day and the breakdown read. A year of a busy ledger is well over a thousand entries; loading them
    # one by one was most of the page's work. One statement (_FAMILY_YEAR), so the opening sum and the
    # year's entries are read from the same moment, and no ORM query to build (issue 14).
    with connection.cursor() as cursor:
        cursor.execute(_FAMILY_YEAR, {"fund": fund.pk, "since": since, "zero": ZERO})
        rows = cursor.fetchall()
    opening = next(total for day, total, _, _ in rows if day is None)
    entries = sorted((_SummedEntry(*row) for row in rows if row[0] is not None), key=lambda e: e.entry_date)
    points: list[tuple[dt.date, Decimal]] = []
    running = opening
    for entry in entries:
        running += entry.amount
        if points and points[-1][0] == entry.entry_date:
            points[-1] = (entry.entry_date, running)
        else:
            points.append((entry.entry_date, running))
    if not points or points[0][0] > since:
        points.insert(0, (since, opening))
    if points[-1][0] < today:
        points.append((today, running))
    breakdown = money_breakdown(entries)
    return FamilySummary(
        fund=fund,
        since=since,
        money_in=breakdown.from_council,
        spent=breakdown.spent,
        management_fee=breakdown.management_fee,
        paid_back=breakdown.paid_back,
        moved=breakdown.moved,
        money_left=running,
        spending_by_kind=breakdown.spending_by_kind,
        balance_points=points,
        statements=fetch_kept(_latest_statements_query, fund_id=fund.pk),
        # Read with the account when the page asked for it (views._family_page), else asked here.
        closed=fund.has_closing if hasattr(fund, "has_closing") else is_closed(fund),
        other_corrections=breakdown.other_corrections,
    )


def _latest_statements_query(*, fund_id: int) -> QuerySet[Statement]:
    """The fund's six newest statements (Statement's ordering), for the family's page."""
    return Statement.objects.filter(fund_id=fund_id)[:6]


def unseen_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, seen_at__isnull=True).select_related("statement", "fund")


def unseen_notifications_list(*, user) -> list[Notification]:
    """unseen_notifications for the family's page, unordered, its SQL kept per process (issue 14)."""
    return fetch_kept(_unseen_notifications_query, user_id=user.pk)


def _unseen_notifications_query(*, user_id: int) -> QuerySet[Notification]:
    return unseen_notifications(user=user_id).order_by()


# ---- the commissioner's overview -----------------------------------------------------------------


@dataclass
class CouncilRow:
    fund: HeldAccount
    balance: Decimal
    annual_budget: Decimal
    spent_this_year: Decimal
    spent_share: Decimal | None  # percent of the annual budget, one place
    unspent_limit: Decimal
    over_limit: bool
    last_entry_on: dt.date | None
    quiet: bool
    can_move: bool = False  # a managed direct payment still held here: it can move or change


def council_overview(*, user, today: dt.date | None = None) -> list[CouncilRow]:
    """Every account of the council as a row (council_accounts, read in one query). The commissioner's
    page reads a page of it instead (council_page)."""
    return council_rows(council_accounts(user=user, today=today))


def _over_and_quiet(qs: QuerySet[HeldAccount], today: dt.date) -> QuerySet[HeldAccount]:
    """Each account's agreed limit of unspent money worked out by the database as terms_of does (an
    ISF's agreement; a managed direct payment's own limit, or MANAGED_UNSPENT_WEEKS of what the council
    pays a year), and whether the account is over it or quiet (no entries for QUIET_AFTER_DAYS)."""
    from django.db.models import BooleanField, DecimalField, ExpressionWrapper
    from django.db.models.functions import Round

    from .terms import MANAGED_UNSPENT_WEEKS

    money = DecimalField(max_digits=12, decimal_places=2)
    annual = F("arrangement__annual_amount")
    cost = Coalesce(
        F("arrangement__management_cost_amount"),
        Round(annual * F("arrangement__management_cost_percent") / Value(100), 2, output_field=money),
        Value(ZERO),
        output_field=money,
    )
    managed_limit = Coalesce(
        F("managed_unspent_limit"),
        Round((annual + cost) * Value(MANAGED_UNSPENT_WEEKS) / Value(52), 2, output_field=money),
        output_field=money,
    )
    limit = Case(When(kind=HeldKind.ISF, then=F("agreement__unspent_limit")), default=managed_limit)
    since = today - dt.timedelta(days=QUIET_AFTER_DAYS)
    return qs.annotate(agreed_limit=ExpressionWrapper(limit, output_field=money)).annotate(
        is_over=ExpressionWrapper(Q(balance__gt=F("agreed_limit")), output_field=BooleanField()),
        is_quiet=ExpressionWrapper(
            Q(last_entry_on__isnull=True) | Q(last_entry_on__lt=since), output_field=BooleanField()
        ),
    )


def council_accounts(*, user, today: dt.date | None = None) -> QuerySet[HeldAccount]:
    """The council's held accounts in the list's order (the person's name), each with what its row
    shows worked out by the database: `spent` in the last year (a subquery, which PostgreSQL works out
    only for the rows a page keeps), `agreed_limit`, `is_over` and `is_quiet`."""
    today = today or timezone.localdate()
    year_ago = today - dt.timedelta(days=364)
    spent = (
        LedgerEntry.objects.filter(fund=OuterRef("pk"), entry_date__gte=year_ago)
        .filter(
            Q(category__in=SPENT_CATEGORIES)
            | Q(category=Category.CORRECTION, reverses__category__in=SPENT_CATEGORIES)
        )
        .order_by()
        .values("fund")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        _over_and_quiet(funds_commissioned_by(user=user), today)
        .annotate(spent=Coalesce(Subquery(spent), Value(ZERO)))
        .order_by("person__family_name", "person__given_name", "pk")
    )


def council_rows(funds) -> list[CouncilRow]:
    """The rows of accounts read by council_accounts."""
    from organisations.money import round_half_up

    rows = []
    for fund in funds:
        agreement = fund.terms
        spent_this_year = -fund.spent
        share = (
            round_half_up(spent_this_year * 100 / agreement.annual_budget, 1)
            if agreement.annual_budget
            else None
        )
        rows.append(
            CouncilRow(
                fund=fund,
                balance=fund.balance,
                annual_budget=agreement.annual_budget,
                spent_this_year=spent_this_year,
                spent_share=share,
                unspent_limit=agreement.unspent_limit,
                over_limit=fund.is_over,
                last_entry_on=fund.last_entry_on,
                quiet=fund.is_quiet,
                can_move=fund.kind == "direct_payment_managed" and fund.closed_on is None,
            )
        )
    return rows


def council_counts(accounts: QuerySet[HeldAccount], *, kind: str = "") -> dict[str, int]:
    """In one query, over the whole council: how many accounts of each kind, and of the kind asked for
    (all when none) how many, how many over their limit and how many quiet."""
    from django.db.models import Count

    of_kind = Q(kind=kind) if kind else Q()
    return accounts.order_by().aggregate(
        isf=Count("pk", filter=Q(kind=HeldKind.ISF)),
        managed=Count("pk", filter=Q(kind=HeldKind.MANAGED_DP)),
        shown=Count("pk", filter=of_kind),
        over=Count("pk", filter=of_kind & Q(is_over=True)),
        quiet=Count("pk", filter=of_kind & Q(is_quiet=True)),
    )
