"""Bulk import of people and arrangements from a council's case-management export (CSV).

The interface (issue 3), used by `manage.py import_budgets` and the commissioner's upload page alike:

    person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,start_date,end_date,provider_ref

Decisions where the issue is silent (each one tested):

- The file must be UTF-8; a byte-order mark at the start (Excel's "CSV UTF-8") is ignored. Bytes that
  are not UTF-8 are reported on the line where they are.
- The header must start with the nine columns above, in that order; the optional columns
  `given_name`, `family_name` and `postcode` may follow, in any order. Any other column, or a column
  given twice, is an error (a misspelt column would otherwise be silently ignored).
- An empty file, or a header with no rows after it, is an error: a council export with no rows is
  almost certainly the wrong file.
- Values are trimmed of surrounding spaces. Completely blank lines are skipped (but still counted
  in line numbers, which are the lines of the file, header = line 1).
- A row with the wrong number of values is reported once, for the whole row (`row`).
- `date_of_birth` may not be in the future.
- `provider_ref` may be given for `direct_payment` or `commissioner_controlled` (a council may
  commission a named organisation); it must still name an existing provider.
- Rows with the same `person_ref` must agree on `date_of_birth`, `primary_support_reason` and, where
  the columns are present, the names and postcode; a conflict is reported on the later line.
- A `budget_ref` already held in this council by another person's arrangement cannot move: error.
  An arrangement that is part of a version still waiting for approval is not changed by an import.
- People and arrangements are keyed by (council, person_ref) and (council, budget_ref). A new
  arrangement goes into the person's imported budget version (created, approved, on first import);
  that version's start date is the earliest start date of its arrangements. Nothing changed = nothing
  written, so importing the same file twice changes nothing (not even the audit trail).
- An optional column that is present but blank on a row clears the stored value: a present column
  is the council's record. Leave the column out to keep what is stored.
- A new imported version is due for review a year after it starts.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from organisations import audit
from organisations.models import Council, Provider
from organisations.validators import ISO_DATE_PATTERN, PLAIN_AMOUNT_PATTERN, is_reference

from .models import (
    TYPES_HELD_BY_A_PROVIDER,
    Arrangement,
    BudgetStatus,
    ManagementType,
    Person,
    PersonalBudget,
    PrimarySupportReason,
)
from .services import add_years

HEADER = [
    "person_ref",
    "date_of_birth",
    "primary_support_reason",
    "budget_ref",
    "management_type",
    "annual_amount",
    "start_date",
    "end_date",
    "provider_ref",
]
OPTIONAL = ["given_name", "family_name", "postcode"]
MAX_LENGTH = {"given_name": 100, "family_name": 100, "postcode": 10}
AMOUNT = PLAIN_AMOUNT_PATTERN
ISO_DATE = ISO_DATE_PATTERN
REFERENCE_RULE = "use 1 to 64 letters, digits, full stops, underscores, slashes or hyphens"


@dataclass
class ImportResult:
    council: Council
    errors: list[str] = field(default_factory=list)
    people_created: int = 0
    people_updated: int = 0
    arrangements_created: int = 0
    arrangements_updated: int = 0
    arrangements_unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return (
            f"Imported for {self.council.name} ({self.council.gss_code}): "
            f"people {self.people_created} created, {self.people_updated} updated; "
            f"arrangements {self.arrangements_created} created, {self.arrangements_updated} updated, "
            f"{self.arrangements_unchanged} unchanged."
        )


@dataclass
class Row:
    line: int
    person_ref: str
    date_of_birth: dt.date
    primary_support_reason: str
    budget_ref: str
    management_type: str
    annual_amount: Decimal
    start_date: dt.date
    end_date: dt.date | None
    provider: Provider | None
    extras: dict[str, str]


def _decode(data: bytes, errors: list[str]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(
            f"line {line}: file: this is not UTF-8 text; save the file as 'CSV UTF-8' and try again"
        )
        return None


def _date(value: str, column: str, line: int, errors: list[str]) -> dt.date | None:
    if not ISO_DATE.match(value):
        errors.append(f"line {line}: {column}: '{value}' is not a date in the form YYYY-MM-DD")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"line {line}: {column}: '{value}' is not a real date")
        return None


def _check_header(header: list[str], errors: list[str]) -> list[str] | None:
    names = [h.strip() for h in header]
    if names[: len(HEADER)] != HEADER:
        errors.append(f"line 1: header: expected the columns {','.join(HEADER)}, found {','.join(names)}")
        return None
    extra = names[len(HEADER) :]
    for name in extra:
        if name not in OPTIONAL:
            errors.append(
                f"line 1: header: unknown column '{name}'; after the nine required columns only "
                f"{', '.join(OPTIONAL)} may follow"
            )
    dupes = sorted({n for n in extra if extra.count(n) > 1})
    for name in dupes:
        errors.append(f"line 1: header: column '{name}' is given more than once")
    return None if errors else names


def parse(data: bytes, *, council: Council) -> tuple[list[Row], list[str]]:
    """Read and check every row; nothing touches the database except reading providers and the
    council's existing arrangements. Returns (rows, errors)."""
    errors: list[str] = []
    text = _decode(data, errors)
    if text is None:
        return [], errors
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], ["line 1: header: the file is empty; the first line must be the header"]
    except csv.Error as exc:
        return [], [f"line 1: header: could not be read as CSV ({exc})"]
    names = _check_header(header, errors)
    if names is None:
        return [], errors
    providers = {p.provider_ref: p for p in Provider.objects.all()}
    rows: list[Row] = []
    seen_budget_refs: dict[str, int] = {}
    people: dict[str, dict] = {}
    any_row = False
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {reader.line_num}: row: could not be read as CSV ({exc})")
            break
        line = reader.line_num
        if not raw or all(not v.strip() for v in raw):
            continue
        any_row = True
        if len(raw) != len(names):
            errors.append(f"line {line}: row: expected {len(names)} values, found {len(raw)}")
            continue
        values = {name: value.strip() for name, value in zip(names, raw, strict=True)}
        row = _check_row(values, line, providers, errors)
        if row is None:
            continue
        if row.budget_ref in seen_budget_refs:
            errors.append(
                f"line {line}: budget_ref: '{row.budget_ref}' is already used on line "
                f"{seen_budget_refs[row.budget_ref]}; each arrangement needs its own budget_ref"
            )
            continue
        seen_budget_refs[row.budget_ref] = line
        facts = {
            "date_of_birth": row.date_of_birth,
            "primary_support_reason": row.primary_support_reason,
            **row.extras,
        }
        first = people.get(row.person_ref)
        if first is None:
            people[row.person_ref] = {"line": line, **facts}
        else:
            conflict = False
            for column, value in facts.items():
                if first.get(column) != value:
                    errors.append(
                        f"line {line}: {column}: '{value}' differs from '{first[column]}' on line "
                        f"{first['line']} for the same person_ref '{row.person_ref}'"
                    )
                    conflict = True
            if conflict:
                continue
        rows.append(row)
    if not any_row and not errors:
        errors.append("line 2: file: there are no rows after the header")
    if not errors:
        _check_against_database(rows, council, errors)
    return rows, errors


def _check_row(values: dict[str, str], line: int, providers: dict, errors: list[str]) -> Row | None:
    before = len(errors)
    for column in ("person_ref", "budget_ref"):
        if not values[column]:
            errors.append(f"line {line}: {column}: is missing")
        elif not is_reference(values[column]):
            errors.append(f"line {line}: {column}: '{values[column]}' is not a reference; {REFERENCE_RULE}")
    dob = None
    if not values["date_of_birth"]:
        errors.append(f"line {line}: date_of_birth: is missing")
    else:
        dob = _date(values["date_of_birth"], "date_of_birth", line, errors)
        if dob and dob > timezone.localdate():
            errors.append(f"line {line}: date_of_birth: {dob.isoformat()} is in the future")
    reason = values["primary_support_reason"]
    if reason not in PrimarySupportReason.values:
        errors.append(
            f"line {line}: primary_support_reason: '{reason}' is not one of "
            f"{', '.join(PrimarySupportReason.values)}"
        )
    mtype = values["management_type"]
    if mtype not in ManagementType.values:
        errors.append(
            f"line {line}: management_type: '{mtype}' is not one of {', '.join(ManagementType.values)}"
        )
    amount = None
    if not AMOUNT.match(values["annual_amount"]):
        errors.append(
            f"line {line}: annual_amount: '{values['annual_amount']}' is not an amount of 0 or more with at "
            "most two decimal places, like 1234.50"
        )
    else:
        amount = Decimal(values["annual_amount"]).quantize(Decimal("0.01"))
    start = None
    if not values["start_date"]:
        errors.append(f"line {line}: start_date: is missing")
    else:
        start = _date(values["start_date"], "start_date", line, errors)
    end = None
    if values["end_date"]:
        end = _date(values["end_date"], "end_date", line, errors)
        if end and start and end < start:
            errors.append(
                f"line {line}: end_date: {end.isoformat()} is before start_date {start.isoformat()}"
            )
    provider = None
    ref = values["provider_ref"]
    if ref:
        provider = providers.get(ref)
        if provider is None:
            errors.append(f"line {line}: provider_ref: there is no provider with reference '{ref}'")
    elif mtype in TYPES_HELD_BY_A_PROVIDER:
        errors.append(f"line {line}: provider_ref: is required when management_type is {mtype}")
    extras = {}
    for column in OPTIONAL:
        if column in values:
            if len(values[column]) > MAX_LENGTH[column]:
                errors.append(f"line {line}: {column}: is longer than {MAX_LENGTH[column]} characters")
            extras[column] = values[column]
    if len(errors) > before:
        return None
    return Row(
        line=line,
        person_ref=values["person_ref"],
        date_of_birth=dob,
        primary_support_reason=reason,
        budget_ref=values["budget_ref"],
        management_type=mtype,
        annual_amount=amount,
        start_date=start,
        end_date=end,
        provider=provider,
        extras=extras,
    )


def _check_against_database(rows: list[Row], council: Council, errors: list[str]) -> None:
    existing = {
        a.budget_ref: a
        for a in Arrangement.objects.filter(
            council=council, budget_ref__in=[r.budget_ref for r in rows]
        ).select_related("budget__person")
    }
    for row in rows:
        arrangement = existing.get(row.budget_ref)
        if arrangement is None:
            continue
        if arrangement.budget.person.person_ref != row.person_ref:
            errors.append(
                f"line {row.line}: budget_ref: '{row.budget_ref}' already belongs to person_ref "
                f"'{arrangement.budget.person.person_ref}'; an arrangement cannot move to another person"
            )
        elif arrangement.budget.status != BudgetStatus.APPROVED:
            errors.append(
                f"line {row.line}: budget_ref: '{row.budget_ref}' is part of a budget that is "
                f"{arrangement.budget.get_status_display().lower()} in this service; change it there"
            )


def import_budgets(
    *, data: bytes, council: Council, actor, source: str = "", proposed_by=None, note: str = ""
) -> ImportResult:
    """Check the whole file, then (only if every row is good) write it in one transaction.

    `actor` is who made the decision the rows record: the operator of `manage.py import_budgets`
    (decisions already made in the council's previous system) or the approver who confirmed an
    uploaded batch (budgets.batches), in which case `proposed_by` is the person who uploaded it."""
    result = ImportResult(council=council)
    rows, errors = parse(data, council=council)
    if errors:
        result.errors = errors
        return result
    with transaction.atomic():
        # One import per council at a time: a second upload waits, then sees the first one's rows.
        Council.objects.select_for_update().get(pk=council.pk)
        _write(
            rows,
            council=council,
            actor=actor,
            source=source,
            result=result,
            proposed_by=proposed_by or actor,
            extra_note=note,
        )
    return result


def check_budgets(*, data: bytes, council: Council):
    """The batch importer's check: the file's errors, or its totals (rows, people, the annual total
    and the largest single person's annual total) for the approver to see before confirming."""
    from .batches import BatchTotals

    rows, errors = parse(data, council=council)
    if errors:
        return None, errors
    per_person: dict[str, Decimal] = {}
    for row in rows:
        per_person[row.person_ref] = per_person.get(row.person_ref, Decimal("0.00")) + row.annual_amount
    return (
        BatchTotals(
            rows=len(rows),
            people=len(per_person),
            annual_total=sum(per_person.values(), Decimal("0.00")),
            largest_total=max(per_person.values(), default=Decimal("0.00")),
        ),
        [],
    )


def _write(
    rows: list[Row],
    *,
    council: Council,
    actor,
    source: str,
    result: ImportResult,
    proposed_by=None,
    extra_note: str = "",
) -> None:
    note = f"imported from {source}" if source else "imported"
    if extra_note:
        note = f"{note}; {extra_note}"
    proposed_by = proposed_by or actor
    people: dict[str, Person] = {}
    for row in rows:
        if row.person_ref in people:
            continue
        people[row.person_ref] = _upsert_person(row, council, actor, note, result)
    for row in rows:
        _upsert_arrangement(row, people[row.person_ref], council, actor, note, result, proposed_by)


def _upsert_person(row: Row, council: Council, actor, note: str, result: ImportResult) -> Person:
    wanted = {
        "date_of_birth": row.date_of_birth,
        "primary_support_reason": row.primary_support_reason,
        **row.extras,
    }
    person = Person.objects.select_for_update().filter(council=council, person_ref=row.person_ref).first()
    if person is None:
        person = Person.objects.create(council=council, person_ref=row.person_ref, **wanted)
        result.people_created += 1
        audit.record(
            actor=actor,
            instance=person,
            event="person imported",
            action=audit.CREATE,
            changes={k: (None, v) for k, v in {"person_ref": row.person_ref, **wanted}.items()},
            note=note,
        )
        return person
    changes = {k: (getattr(person, k), v) for k, v in wanted.items() if getattr(person, k) != v}
    if changes:
        for k, (_, v) in changes.items():
            setattr(person, k, v)
        person.save()
        result.people_updated += 1
        audit.record(
            actor=actor, instance=person, event="person updated by import", changes=changes, note=note
        )
    return person


def _imported_version(person: Person, actor, row: Row, note: str, proposed_by) -> PersonalBudget:
    budget = (
        PersonalBudget.objects.select_for_update()
        .filter(person=person, imported=True, status=BudgetStatus.APPROVED)
        .order_by("-start_date", "-pk")
        .first()
    )
    if budget is None:
        now = timezone.now()
        budget = PersonalBudget.objects.create(
            person=person,
            start_date=row.start_date,
            status=BudgetStatus.APPROVED,
            imported=True,
            proposed_by=proposed_by,
            proposed_at=now,
            decided_by=actor,
            decided_at=now,
            decision_reason=(
                "Approved in the council's previous system; imported."
                if proposed_by == actor
                else "Uploaded in a file and confirmed by a second person."
            ),
            review_due=add_years(row.start_date),
        )
        audit.record(
            actor=actor,
            instance=budget,
            event=(
                "budget imported (approved in the council's previous system)"
                if proposed_by == actor
                else "budget imported (uploaded batch confirmed by a second person)"
            ),
            action=audit.CREATE,
            changes={"status": (None, BudgetStatus.APPROVED), "start_date": (None, row.start_date)},
            note=note,
        )
    return budget


def _upsert_arrangement(
    row: Row, person: Person, council: Council, actor, note: str, result: ImportResult, proposed_by
):
    wanted = {
        "management_type": row.management_type,
        "annual_amount": row.annual_amount,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "provider": row.provider,
    }
    arrangement = (
        Arrangement.objects.select_for_update(of=("self",))
        .select_related("budget", "provider")
        .filter(council=council, budget_ref=row.budget_ref)
        .first()
    )
    if arrangement is None:
        budget = _imported_version(person, actor, row, note, proposed_by)
        arrangement = Arrangement.objects.create(
            budget=budget, council=council, budget_ref=row.budget_ref, **wanted
        )
        result.arrangements_created += 1
        audit.record(
            actor=actor,
            instance=arrangement,
            event="arrangement imported",
            action=audit.CREATE,
            changes={k: (None, v) for k, v in {"budget_ref": row.budget_ref, **wanted}.items()},
            note=note,
        )
    else:
        changes = {k: (getattr(arrangement, k), v) for k, v in wanted.items() if getattr(arrangement, k) != v}
        if not changes:
            result.arrangements_unchanged += 1
            return
        for k, (_, v) in changes.items():
            setattr(arrangement, k, v)
        arrangement.save()
        result.arrangements_updated += 1
        audit.record(
            actor=actor,
            instance=arrangement,
            event="arrangement updated by import",
            changes=changes,
            note=note,
        )
        budget = arrangement.budget
    # The imported version starts when its earliest arrangement does.
    earliest = min(a.start_date for a in budget.arrangements.all())
    if budget.imported and budget.start_date != earliest:
        old = budget.start_date
        budget.start_date = earliest
        budget.save(update_fields=["start_date", "updated_at"])
        audit.record(
            actor=actor,
            instance=budget,
            event="budget start moved by import",
            changes={"start_date": (old, earliest)},
            note=note,
        )
