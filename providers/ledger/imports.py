"""Bulk upload of spending from a provider's accounting system (CSV), used by
`manage.py import_isf_entries --provider PROVIDER_REF FILE.csv` and the upload page alike.

    budget_ref,entry_date,category,amount,description,entry_ref

Decisions where the issue is silent (each one tested):

- UTF-8 (a byte-order mark is ignored). The header must be exactly the six columns above, in order.
- An empty file, or a header with no rows after it, is an error. Blank lines are skipped but counted:
  line numbers are the file's lines, header = line 1.
- `budget_ref` names the person's ISF held by this provider. A reference the provider does not hold
  (unknown, or another provider's) gets the same message, so nothing leaks about other providers.
- `entry_date` is YYYY-MM-DD, not in the future, within the agreement's dates.
- `category` is one of support, activity, equipment (council payments and fees post by themselves).
- `amount` is the money spent, positive, pounds with at most 2 decimal places (stored negative).
- `entry_ref` is the idempotency key: a re-import adds nothing; the same reference with different
  content is an error; the same reference twice for one fund within the file is an error.
- Rows are checked in file order against the balance the earlier rows leave, so an overspend across
  rows is reported on the row that would go below the limit. Any error: nothing is recorded.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from organisations.models import Provider
from organisations.validators import ISO_DATE_PATTERN, PLAIN_AMOUNT_PATTERN

from .models import SPENDING_CATEGORIES, IndividualServiceFund
from .services import MAX_DESCRIPTION, ImportRefused, record_spending_many

HEADER = ["budget_ref", "entry_date", "category", "amount", "description", "entry_ref"]
AMOUNT = PLAIN_AMOUNT_PATTERN
ISO_DATE = ISO_DATE_PATTERN
FIELD_TO_COLUMN = {"idempotency_key": "entry_ref", "fund": "budget_ref", "": "row"}


@dataclass
class ImportResult:
    provider: Provider
    errors: list[str] = field(default_factory=list)
    created: int = 0
    already: int = 0
    funds: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return (
            f"Imported {self.created} new {'entry' if self.created == 1 else 'entries'} for "
            f"{self.funds} {'fund' if self.funds == 1 else 'funds'} of {self.provider.name}; "
            f"{self.already} already recorded."
        )


def _find_fund(provider: Provider, budget_ref: str) -> IndividualServiceFund | list | None:
    funds = list(
        IndividualServiceFund.objects.filter(provider=provider, budget_ref=budget_ref).select_related(
            "agreement", "person"
        )
    )
    if len(funds) > 1:
        # A person who left and came back: the most recent fund is the one money is spent from.
        people = {f.person_id for f in funds}
        if len(people) > 1:
            return funds
        return max(funds, key=lambda f: (f.opened_on, f.pk))
    return funds[0] if funds else None


def import_isf_entries(
    *, data: bytes, provider: Provider, actor, today: dt.date | None = None
) -> ImportResult:
    today = today or timezone.localdate()
    result = ImportResult(provider=provider)
    errors = result.errors
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ImportResult(provider=provider, errors=[f"line {line}: file: the file must be UTF-8 text"])
    lines = list(csv.reader(io.StringIO(text)))
    expected = ",".join(HEADER)
    if not lines or not any(v.strip() for v in lines[0]):
        errors.append(f"line 1: header: the file is empty; the first line must be {expected}")
        return result
    header = [v.strip() for v in lines[0]]
    if header != HEADER:
        errors.append(f"line 1: header: must be exactly {expected}")
        return result
    rows, seen = [], {}
    for number, values in enumerate(lines[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(HEADER):
            errors.append(f"line {number}: row: expected {len(HEADER)} values, found {len(values)}")
            continue
        row = dict(zip(HEADER, (v.strip() for v in values), strict=True))
        before = len(errors)

        def bad(column: str, message: str, number=number) -> None:
            errors.append(f"line {number}: {column}: {message}")

        fund = None
        if not row["budget_ref"]:
            bad("budget_ref", "enter the council's reference for the person's Individual Service Fund")
        else:
            found = _find_fund(provider, row["budget_ref"])
            if found is None:
                bad(
                    "budget_ref",
                    f"'{row['budget_ref']}' is not an Individual Service Fund held by {provider.name}",
                )
            elif isinstance(found, list):
                bad(
                    "budget_ref",
                    f"'{row['budget_ref']}' matches funds of more than one person; ask the council",
                )
            else:
                fund = found
        entry_date = None
        if not ISO_DATE.match(row["entry_date"]):
            bad("entry_date", f"'{row['entry_date']}' is not a date in the form YYYY-MM-DD, like 2026-05-04")
        else:
            try:
                entry_date = dt.date.fromisoformat(row["entry_date"])
            except ValueError:
                bad("entry_date", f"'{row['entry_date']}' is not a real date")
            else:
                if entry_date > today:
                    bad("entry_date", "cannot be in the future")
        if row["category"] not in SPENDING_CATEGORIES:
            bad(
                "category",
                f"'{row['category']}' must be one of {', '.join(SPENDING_CATEGORIES)} "
                "(council payments and fees are posted by themselves)",
            )
        if not AMOUNT.match(row["amount"]):
            bad(
                "amount",
                f"'{row['amount']}' must be the amount spent in pounds, positive, with at most 2 decimal "
                "places, like 45.00",
            )
        elif Decimal(row["amount"]) == 0:
            bad("amount", "must be more than 0.00")
        if not row["description"]:
            bad("description", "say what the money was for, in words the person understands")
        elif len(row["description"]) > MAX_DESCRIPTION:
            bad("description", f"must be {MAX_DESCRIPTION} characters or fewer")
        if not row["entry_ref"]:
            bad("entry_ref", "enter your own reference for the entry (it stops it being added twice)")
        elif len(row["entry_ref"]) > 120:
            bad("entry_ref", "must be 120 characters or fewer")
        elif row["budget_ref"]:
            key = (row["budget_ref"], row["entry_ref"])
            if key in seen:
                bad(
                    "entry_ref",
                    f"'{row['entry_ref']}' is in this file twice for one fund (also line {seen[key]})",
                )
            else:
                seen[key] = number
        if len(errors) == before:
            rows.append(
                (
                    number,
                    {
                        "fund": fund,
                        "entry_date": entry_date,
                        "category": row["category"],
                        "amount": row["amount"],
                        "description": row["description"],
                        "idempotency_key": row["entry_ref"],
                    },
                )
            )
    if len(lines) < 2 or not rows and not errors:
        errors.append(f"line 2: row: the file has no entries after the header {expected}")
    if errors:
        return result
    try:
        outcomes = record_spending_many(rows=[r for _, r in rows], actor=actor, today=today)
    except ImportRefused as refused:
        for index, field_name, message in refused.errors:
            column = FIELD_TO_COLUMN.get(field_name, field_name)
            errors.append(f"line {rows[index][0]}: {column}: {message}")
        return result
    result.created = sum(1 for _, created in outcomes if created)
    result.already = len(outcomes) - result.created
    result.funds = len({entry.fund_id for entry, _ in outcomes})
    return result
