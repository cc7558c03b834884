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

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, NamedTuple

from django.db.models import Min
from django.utils import timezone

from organisations import audit
from organisations.imports import (
    CsvImport,
    CsvReader,
    ImportFailed,
    LineErrors,
    Unreadable,
    insert_rows,
    update_in_bulk,
)
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


def _check_file(reader: CsvReader, errors: LineErrors, *, on_row=None) -> list[Row]:
    """Read and check every row; reads nothing from the database but the providers."""
    header = reader.header()
    if header is None:
        if not errors:
            errors.add(1, "header", "the file is empty; the first line must be the header")
        return []
    names = _check_header(header, errors)
    if names is None:
        return []
    providers = {p.provider_ref: p for p in Provider.objects.all()}
    _TODAY[:] = [timezone.localdate()]
    rows: list[Row] = []
    seen_budget_refs: dict[str, int] = {}
    people: dict[str, dict] = {}
    for line, raw in reader:
        if on_row:
            on_row(reader.rows_read)
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
    if not reader.rows_read and not errors:
        errors.append("line 2: file: there are no rows after the header")
    return rows


# Looked up once: `Choices.values` builds a new list on every call, 50,000 times in a council's file.
REASONS = frozenset(PrimarySupportReason.values)
TYPES = frozenset(ManagementType.values)
PENNY = Decimal("0.01")
_TODAY: list = []


def _today() -> dt.date:
    return _TODAY[0] if _TODAY else timezone.localdate()


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
        if dob and dob > _today():
            errors.append(f"line {line}: date_of_birth: {dob.isoformat()} is in the future")
    reason = values["primary_support_reason"]
    if reason not in REASONS:
        errors.append(
            f"line {line}: primary_support_reason: '{reason}' is not one of "
            f"{', '.join(PrimarySupportReason.values)}"
        )
    mtype = values["management_type"]
    if mtype not in TYPES:
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
        amount = Decimal(values["annual_amount"]).quantize(PENNY)
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


class _Existing(NamedTuple):
    """What the import needs of an arrangement already held (one row of a values_list)."""

    pk: int
    budget_ref: str
    management_type: str
    annual_amount: Decimal
    start_date: dt.date
    end_date: dt.date | None
    provider_id: int | None
    budget_id: int
    budget_status: str
    budget_imported: bool
    budget_start_date: dt.date
    person_id: int
    person_ref: str
    given_name: str
    family_name: str

    def instances(self) -> Arrangement:
        """An Arrangement (with its budget and person attached, for the audit trail's wording)."""
        person = Person(
            pk=self.person_id,
            person_ref=self.person_ref,
            given_name=self.given_name,
            family_name=self.family_name,
        )
        budget = PersonalBudget(
            pk=self.budget_id,
            person=person,
            status=self.budget_status,
            imported=self.budget_imported,
            start_date=self.budget_start_date,
        )
        return Arrangement(
            pk=self.pk,
            budget=budget,
            budget_ref=self.budget_ref,
            management_type=self.management_type,
            annual_amount=self.annual_amount,
            start_date=self.start_date,
            end_date=self.end_date,
            provider_id=self.provider_id,
        )


_EXISTING_COLUMNS = (
    "pk",
    "budget_ref",
    "management_type",
    "annual_amount",
    "start_date",
    "end_date",
    "provider_id",
    "budget_id",
    "budget__status",
    "budget__imported",
    "budget__start_date",
    "budget__person_id",
    "budget__person__person_ref",
    "budget__person__given_name",
    "budget__person__family_name",
)


class BudgetImport(CsvImport):
    """The budgets import as steps of the shared pipeline (organisations/imports.py)."""

    not_utf8 = "line {line}: file: this is not UTF-8 text; save the file as 'CSV UTF-8' and try again"

    def __init__(
        self, *, council: Council, actor, source: str = "", proposed_by=None, note: str = "", progress=None
    ):
        super().__init__(progress=progress)
        self.council = council
        self.actor = actor
        self.proposed_by = proposed_by or actor
        self.note = f"imported from {source}" if source else "imported"
        if note:
            self.note = f"{self.note}; {note}"
        self.result = ImportResult(council=council)
        self.existing: dict[str, Arrangement] = {}

    def check_file(self, reader, errors):
        return _check_file(reader, errors, on_row=self.checked)

    def lock(self, rows):
        # One import per council at a time, taken before the checks below read the arrangements: a
        # second import waits here, then sees the first one's rows (and is refused if it would move
        # one of them to another person). NO KEY: inserts that only point at the council (a provider
        # recording spending, a person added by hand) do not wait behind an import.
        Council.objects.select_for_update(no_key=True).get(pk=self.council.pk)

    def check_database(self, rows, errors):
        # Plain tuples, not model instances: a council's file names every arrangement it holds, and
        # building 25,000 models with their timestamps took longer than the rest of the check.
        self.existing = {
            e.budget_ref: e
            for e in (
                _Existing(*values)
                for values in Arrangement.objects.filter(
                    council=self.council, budget_ref__any=[r.budget_ref for r in rows]
                ).values_list(*_EXISTING_COLUMNS)
            )
        }
        for row in rows:
            existing = self.existing.get(row.budget_ref)
            if existing is None:
                continue
            if existing.person_ref != row.person_ref:
                errors.append(
                    f"line {row.line}: budget_ref: '{row.budget_ref}' already belongs to person_ref "
                    f"'{existing.person_ref}'; an arrangement cannot move to another person"
                )
            elif existing.budget_status != BudgetStatus.APPROVED:
                errors.append(
                    f"line {row.line}: budget_ref: '{row.budget_ref}' is part of a budget that is "
                    f"{BudgetStatus(existing.budget_status).label.lower()} in this service; change it there"
                )

    def write(self, rows):
        _BulkWrite(self, rows).run()
        self.written(len(rows))
        return self.result


def parse(data: bytes | str | IO, *, council: Council, progress=None) -> tuple[list[Row], list[str]]:
    """Check every row, and the rows against the database, writing nothing. Returns (rows, errors).
    (An import checks the database again under its lock: this answer can be out of date.)"""
    importer = BudgetImport(council=council, actor=None, progress=progress)
    errors = LineErrors()
    reader = CsvReader(data, errors=errors, not_utf8=importer.not_utf8)
    try:
        rows = importer.check_file(reader, errors)
        reader.drain()
    except Unreadable as exc:
        return [], [exc.message]
    if not errors:
        importer.check_database(rows, errors)
    return rows, list(errors)


def import_budgets(
    *,
    data: bytes | IO,
    council: Council,
    actor,
    source: str = "",
    proposed_by=None,
    note: str = "",
    progress=None,
) -> ImportResult:
    """Check the whole file, then (only if every row is good) write it in one transaction.

    `actor` is who made the decision the rows record: the operator of `manage.py import_budgets`
    (decisions already made in the council's previous system) or the approver who confirmed an
    uploaded batch, in which case `proposed_by` is the person who uploaded it."""
    importer = BudgetImport(
        council=council, actor=actor, source=source, proposed_by=proposed_by, note=note, progress=progress
    )
    try:
        return importer.run(data)
    except ImportFailed as failed:
        return ImportResult(council=council, errors=failed.errors)


def check_budgets(*, data: bytes, council: Council, progress=None):
    """The batch importer's check: the file's errors, or its totals (rows, people, the annual total
    and the largest single person's annual total) for the approver to see before confirming."""
    from .batches import BatchTotals

    rows, errors = parse(data, council=council, progress=progress)
    if progress:
        progress(checked=len(rows))
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


class _BulkWrite:
    """Write checked rows with a handful of queries whatever the file's size: people, then the
    imported budget versions, then arrangements, then the audit trail, each in bulk."""

    def __init__(self, importer: BudgetImport, rows: list[Row]):
        self.imp = importer
        self.rows = rows
        self.council = importer.council
        self.actor = importer.actor
        self.note = importer.note
        self.result = importer.result
        self.audit: list = []
        self.now = timezone.now()
        # The operator's command records decisions made elsewhere; a confirmed upload was proposed by
        # one person and decided by another.
        self.previous_system = importer.proposed_by == importer.actor

    def _log(self, instance, event, changes, *, action=audit.UPDATE, note=None):
        self.audit.append(
            audit.entry(
                actor=self.actor,
                instance=instance,
                event=event,
                action=action,
                changes=changes,
                note=self.note if note is None else note,
                cid=self.cid,
            )
        )

    def run(self) -> None:
        from auditlog.cid import get_cid

        self.cid = get_cid()
        people = self._people()
        touched = self._arrangements(people)
        self._move_budget_starts(touched)
        audit.record_many(self.audit)

    def _people(self) -> dict[str, Person]:
        first_rows: dict[str, Row] = {}
        for row in self.rows:
            first_rows.setdefault(row.person_ref, row)
        found = {
            p.person_ref: p
            for p in Person.objects.filter(council=self.council, person_ref__any=list(first_rows)).only(
                "pk",
                "council_id",
                "person_ref",
                "date_of_birth",
                "primary_support_reason",
                "given_name",
                "family_name",
                "postcode",
            )
        }
        new, changed, changed_fields = [], [], set()
        for ref, row in first_rows.items():
            wanted = {
                "date_of_birth": row.date_of_birth,
                "primary_support_reason": row.primary_support_reason,
                **row.extras,
            }
            person = found.get(ref)
            if person is None:
                person = Person(council=self.council, person_ref=ref, **wanted)
                new.append((person, wanted))
                found[ref] = person
                continue
            changes = {k: (getattr(person, k), v) for k, v in wanted.items() if getattr(person, k) != v}
            if changes:
                for k, (_, v) in changes.items():
                    setattr(person, k, v)
                person.updated_at = self.now
                changed.append((person, changes))
                changed_fields.update(changes)
        insert_rows([p for p, _ in new])
        update_in_bulk([p for p, _ in changed], [*sorted(changed_fields), "updated_at"])
        for person, wanted in new:
            self._log(
                person,
                "person imported",
                {k: (None, v) for k, v in {"person_ref": person.person_ref, **wanted}.items()},
                action=audit.CREATE,
            )
        for person, changes in changed:
            self._log(person, "person updated by import", changes)
        self.result.people_created += len(new)
        self.result.people_updated += len(changed)
        return found

    def _imported_versions(self, people: list[Person], rows: dict[int, Row]) -> dict[int, PersonalBudget]:
        """Each person's latest approved imported version, made (approved) for those who have none."""
        versions: dict[int, PersonalBudget] = {}
        for budget in PersonalBudget.objects.filter(
            person_id__any=[p.pk for p in people], imported=True, status=BudgetStatus.APPROVED
        ).order_by("person_id", "-start_date", "-pk"):
            versions.setdefault(budget.person_id, budget)
        new = []
        for person in people:
            budget = versions.get(person.pk)
            if budget is None:
                row = rows[person.pk]
                budget = PersonalBudget(
                    person=person,
                    start_date=row.start_date,
                    status=BudgetStatus.APPROVED,
                    imported=True,
                    proposed_by=self.imp.proposed_by,
                    proposed_at=self.now,
                    decided_by=self.actor,
                    decided_at=self.now,
                    decision_reason=(
                        "Approved in the council's previous system; imported."
                        if self.previous_system
                        else "Uploaded in a file and confirmed by a second person."
                    ),
                    review_due=add_years(row.start_date),
                )
                versions[person.pk] = budget
                new.append(budget)
            budget.person = person
        insert_rows(new)
        for budget in new:
            self._log(
                budget,
                "budget imported (approved in the council's previous system)"
                if self.previous_system
                else "budget imported (uploaded batch confirmed by a second person)",
                {"status": (None, BudgetStatus.APPROVED), "start_date": (None, budget.start_date)},
                action=audit.CREATE,
            )
        return versions

    def _arrangements(self, people: dict[str, Person]) -> dict[int, PersonalBudget]:
        existing = self.imp.existing
        new_rows = [row for row in self.rows if row.budget_ref not in existing]
        first_new: dict[int, Row] = {}
        for row in new_rows:
            first_new.setdefault(people[row.person_ref].pk, row)
        versions = self._imported_versions([people[r.person_ref] for r in new_rows], first_new)
        touched: dict[int, PersonalBudget] = {}
        created, changed = [], []
        for row in self.rows:
            wanted = {
                "management_type": row.management_type,
                "annual_amount": row.annual_amount,
                "start_date": row.start_date,
                "end_date": row.end_date,
                "provider": row.provider,
            }
            found = existing.get(row.budget_ref)
            if found is None:
                budget = versions[people[row.person_ref].pk]
                arrangement = Arrangement(
                    budget=budget, council=self.council, budget_ref=row.budget_ref, **wanted
                )
                created.append((arrangement, wanted))
                touched[budget.pk] = budget
                continue
            now = {**found._asdict(), "provider": found.provider_id}
            wanted_ids = {**wanted, "provider": row.provider.pk if row.provider else None}
            differ = [k for k in wanted if now[k] != wanted_ids[k]]
            if not differ:
                self.result.arrangements_unchanged += 1
                continue
            arrangement = found.instances()
            changes = {k: (now[k], wanted[k]) for k in differ}
            for k in differ:
                setattr(arrangement, k, wanted[k])
            arrangement.updated_at = self.now
            changed.append((arrangement, changes))
            touched[found.budget_id] = arrangement.budget
        # The audit trail names a provider that changed, as it always has: one query for their names.
        old_providers = Provider.objects.in_bulk(
            {c["provider"][0] for _, c in changed if "provider" in c and c["provider"][0]}
        )
        for _, c in changed:
            if "provider" in c:
                c["provider"] = (old_providers.get(c["provider"][0]), c["provider"][1])
        insert_rows([a for a, _ in created])
        update_in_bulk(
            [a for a, _ in changed],
            ["management_type", "annual_amount", "start_date", "end_date", "provider", "updated_at"],
        )
        for arrangement, wanted in created:
            self._log(
                arrangement,
                "arrangement imported",
                {k: (None, v) for k, v in {"budget_ref": arrangement.budget_ref, **wanted}.items()},
                action=audit.CREATE,
            )
        for arrangement, changes in changed:
            self._log(arrangement, "arrangement updated by import", changes)
        self.result.arrangements_created += len(created)
        self.result.arrangements_updated += len(changed)
        return touched

    def _move_budget_starts(self, touched: dict[int, PersonalBudget]) -> None:
        """The imported version starts when its earliest arrangement does."""
        imported = [b for b in touched.values() if b.imported]
        if not imported:
            return
        earliest = dict(
            Arrangement.objects.filter(budget_id__any=[b.pk for b in imported])
            .order_by()
            .values_list("budget_id")
            .annotate(first=Min("start_date"))
        )
        moved = []
        for budget in imported:
            first = earliest[budget.pk]
            if budget.start_date != first:
                old = budget.start_date
                budget.start_date = first
                budget.updated_at = self.now
                moved.append(budget)
                self._log(budget, "budget start moved by import", {"start_date": (old, first)})
        update_in_bulk(moved, ["start_date", "updated_at"])


def run_upload_job(job, progress) -> tuple[str, str]:
    """An upload job (organisations/jobs.py) for a budgets file: checked in full, then kept as a batch
    for a second person to confirm (budgets/batches.py). Nothing counts until they do."""
    from django.urls import reverse

    from . import batches
    from .services import BudgetError, NotAllowed

    council = Council.objects.get(pk=int(job.target.removeprefix("council:")))
    try:
        batch = batches.batch_upload(
            council=council,
            kind="budgets",
            file_name=job.file_name,
            data=bytes(job.data),
            actor=job.requested_by,
            progress=progress,
        )
    except batches.BatchInvalid as exc:
        raise ImportFailed(exc.errors) from exc
    except (BudgetError, NotAllowed) as exc:
        # NotAllowed: the uploader is no longer a commissioner of the council when the job runs. The
        # job fails with the reason, rather than stopping half-way and showing "checking" for ever.
        raise ImportFailed([str(exc)]) from exc
    return (
        f"{batch.rows} {'row' if batch.rows == 1 else 'rows'} for {batch.people} "
        f"{'person' if batch.people == 1 else 'people'}. An approver must confirm the file before "
        "anything in it is imported.",
        reverse("budgets:import-batch", args=[batch.pk]),
    )
