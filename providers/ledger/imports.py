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

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.utils import timezone

from organisations.imports import CsvImport, ImportFailed
from organisations.models import Provider
from organisations.validators import ISO_DATE_PATTERN, PLAIN_AMOUNT_PATTERN

from .models import SPENDING_CATEGORIES, HeldAccount
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


def _funds_by_ref(provider: Provider, refs: list[str]) -> dict[str, HeldAccount | list]:
    """One query for every reference in the file. A reference matching funds of more than one person maps
    to the list of them; a person who left and came back maps to their most recent fund (the one money is
    spent from)."""
    found: dict[str, list[HeldAccount]] = {}
    for fund in HeldAccount.objects.filter(provider=provider, budget_ref__any=refs).select_related(
        "agreement", "person"
    ):
        found.setdefault(fund.budget_ref, []).append(fund)
    result: dict[str, HeldAccount | list] = {}
    for ref, funds in found.items():
        if len({f.person_id for f in funds}) > 1:
            result[ref] = funds
        else:
            result[ref] = max(funds, key=lambda f: (f.opened_on, f.pk))
    return result


class IsfImport(CsvImport):
    """The ISF entries import as steps of the shared pipeline (organisations/imports.py). The funds are
    locked, and checked against their balances, by `record_spending_many` in the same transaction."""

    def __init__(self, *, provider: Provider, actor, today: dt.date, progress=None):
        super().__init__(progress=progress)
        self.provider = provider
        self.actor = actor
        self.today = today

    def check_file(self, reader, errors):
        expected = ",".join(HEADER)
        header = reader.header()
        if header is None or not any(v.strip() for v in header):
            if not errors:
                errors.add(1, "header", f"the file is empty; the first line must be {expected}")
            return []
        if [v.strip() for v in header] != HEADER:
            errors.add(1, "header", f"must be exactly {expected}")
            return []
        # Each line's own problems, in file order; the fund look-up (one query) is added after the loop.
        checked: list[tuple[int, dict | None, list[str]]] = []
        seen: dict[tuple, int] = {}
        for number, values in reader:
            self.checked(reader.rows_read)
            if len(values) != len(HEADER):
                checked.append(
                    (
                        number,
                        None,
                        [f"line {number}: row: expected {len(HEADER)} values, found {len(values)}"],
                    )
                )
                continue
            row = dict(zip(HEADER, (v.strip() for v in values), strict=True))
            checked.append((number, row, self._check_line(number, row, seen)))
        funds = _funds_by_ref(
            self.provider, sorted({r["budget_ref"] for _, r, _ in checked if r and r["budget_ref"]})
        )
        rows = []
        for number, row, line_errors in checked:
            if row is None:
                errors.extend(line_errors)
                continue
            fund = None
            ref_error = None
            if not row["budget_ref"]:
                ref_error = "enter the council's reference for the person's Individual Service Fund"
            else:
                found = funds.get(row["budget_ref"])
                if found is None:
                    name = self.provider.name
                    ref_error = f"'{row['budget_ref']}' is not an Individual Service Fund held by {name}"
                elif isinstance(found, list):
                    ref_error = (
                        f"'{row['budget_ref']}' matches funds of more than one person; ask the council"
                    )
                else:
                    fund = found
            if ref_error:
                errors.add(number, "budget_ref", ref_error)
            errors.extend(line_errors)
            if not ref_error and not line_errors:
                rows.append((number, {**row["_entry"], "fund": fund}))
        if not checked and not errors:
            errors.add(2, "row", f"the file has no entries after the header {expected}")
        return rows

    def _check_line(self, number: int, row: dict, seen: dict) -> list[str]:
        """The checks that need nothing from the database."""
        problems: list[str] = []

        def bad(column: str, message: str) -> None:
            problems.append(f"line {number}: {column}: {message}")

        entry_date = None
        if not ISO_DATE.match(row["entry_date"]):
            bad("entry_date", f"'{row['entry_date']}' is not a date in the form YYYY-MM-DD, like 2026-05-04")
        else:
            try:
                entry_date = dt.date.fromisoformat(row["entry_date"])
            except ValueError:
                bad("entry_date", f"'{row['entry_date']}' is not a real date")
            else:
                if entry_date > self.today:
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
        row["_entry"] = {
            "entry_date": entry_date,
            "category": row["category"],
            "amount": row["amount"],
            "description": row["description"],
            "idempotency_key": row["entry_ref"],
        }
        return problems

    def write(self, rows):
        try:
            outcomes = record_spending_many(rows=[r for _, r in rows], actor=self.actor, today=self.today)
        except ImportRefused as refused:
            raise ImportFailed(
                [
                    f"line {rows[index][0]}: {FIELD_TO_COLUMN.get(field_name, field_name)}: {message}"
                    for index, field_name, message in refused.errors
                ]
            ) from refused
        self.written(len(rows))
        result = ImportResult(provider=self.provider)
        result.created = sum(1 for _, created in outcomes if created)
        result.already = len(outcomes) - result.created
        result.funds = len({entry.fund_id for entry, _ in outcomes})
        return result


def import_isf_entries(
    *, data: bytes | IO, provider: Provider, actor, today: dt.date | None = None, progress=None
) -> ImportResult:
    importer = IsfImport(
        provider=provider, actor=actor, today=today or timezone.localdate(), progress=progress
    )
    try:
        return importer.run(data)
    except ImportFailed as failed:
        return ImportResult(provider=provider, errors=failed.errors)


def run_upload_job(job, progress) -> tuple[str, str]:
    """An upload job (organisations/jobs.py) for a provider's spending file."""
    from django.urls import reverse

    provider = Provider.objects.get(pk=int(job.target.removeprefix("provider:")))
    importer = IsfImport(
        provider=provider, actor=job.requested_by, today=timezone.localdate(), progress=progress
    )
    result = importer.run(bytes(job.data))
    return result.summary, reverse("ledger:provider-ledgers")
