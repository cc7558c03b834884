"""Provider onboarding from a CSV file: `python manage.py import_providers FILE.csv`.

Header `provider_ref,name`, optionally `offers_isf,management_fee_percent,email,phone,website,council_codes`
(council codes separated by `;`). All or nothing: every problem is reported as `line N: column: what is
wrong` (the header is line 1) and nothing is written unless the whole file is good. Re-importing updates
the providers it names (matched by provider_ref) and never duplicates them; an optional cell left blank
leaves that detail as it was.
"""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection

from organisations import audit
from organisations import imports as pipeline
from organisations.models import Council, Provider
from organisations.services import create_provider
from organisations.validators import is_gss_code, is_reference

from .models import ProviderProfile
from .services import update_profile

REQUIRED = ("provider_ref", "name")
OPTIONAL = ("offers_isf", "management_fee_percent", "email", "phone", "website", "council_codes")
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


@dataclass
class ProviderRow:
    line: int
    provider_ref: str
    name: str
    profile: dict = field(default_factory=dict)
    councils: list[Council] | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


ImportFailed = pipeline.ImportFailed
EMPTY = "the file is empty; the first line must be provider_ref,name"


class ProviderImport(pipeline.CsvImport):
    """Providers as steps of the shared pipeline (organisations/imports.py)."""

    def __init__(self, *, actor, progress=None):
        super().__init__(progress=progress)
        self.actor = actor

    def check_file(self, reader, errors):
        return _check_file(reader, errors)

    def lock(self, rows):
        # One providers import at a time: two files naming a new provider_ref would otherwise both
        # decide to create it. Released when the transaction ends.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('import_providers'))")

    def write(self, rows):
        # The actor may be given as a function (the command's system actor), so that a file refused for
        # its header is refused without touching the database.
        actor = self.actor() if callable(self.actor) else self.actor
        result = apply(rows, actor=actor)
        self.written(len(rows))
        return result


def _check_file(reader: pipeline.CsvReader, errors: pipeline.LineErrors) -> list[ProviderRow]:
    header = reader.header()
    records = iter(reader)
    first = None
    if header is None or not any(h.strip() for h in header):
        first = next(records, None)
        if first is None:
            if not errors:
                errors.add(1, "header", EMPTY)
            return []
    header = [h.strip().lower() for h in header or []]
    for column in REQUIRED:
        if column not in header:
            errors.append(f"line 1: {column}: missing column")
    for column in header:
        if column not in REQUIRED + OPTIONAL:
            errors.append(f"line 1: {column or '(blank)'}: unknown column")
    seen_columns = set()
    for column in header:
        if column in seen_columns:
            errors.append(f"line 1: {column}: column appears twice")
        seen_columns.add(column)
    if errors:
        return []
    councils = {c.gss_code: c for c in Council.objects.all()}
    rows: list[ProviderRow] = []
    first_line_of: dict[str, int] = {}
    for line, cells in itertools.chain([first] if first else [], records):
        if len(cells) != len(header):
            errors.append(f"line {line}: row: has {len(cells)} cells, the header has {len(header)}")
            continue
        values = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        row_errors: list[str] = []
        ref, name = values["provider_ref"], values["name"]
        if not ref:
            row_errors.append(f"line {line}: provider_ref: is blank")
        elif not is_reference(ref):
            row_errors.append(
                f"line {line}: provider_ref: '{ref}' is not a reference "
                "(1 to 64 letters, digits, full stops, underscores, slashes or hyphens)"
            )
        elif ref in first_line_of:
            row_errors.append(f"line {line}: provider_ref: {ref} is already on line {first_line_of[ref]}")
        else:
            first_line_of[ref] = line
        if not name:
            row_errors.append(f"line {line}: name: is blank")
        elif len(name) > 200:
            row_errors.append(f"line {line}: name: is longer than 200 characters")
        row = ProviderRow(line=line, provider_ref=ref, name=name)
        raw = values.get("offers_isf", "")
        if raw:
            if raw.lower() in TRUE:
                row.profile["offers_isf"] = True
            elif raw.lower() in FALSE:
                row.profile["offers_isf"] = False
            else:
                row_errors.append(f"line {line}: offers_isf: '{raw}' is not true or false")
        raw = values.get("management_fee_percent", "")
        if raw:
            try:
                percent = Decimal(raw.rstrip("%").strip())
                if not percent.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                row_errors.append(f"line {line}: management_fee_percent: '{raw}' is not a number")
            else:
                if not (0 <= percent <= 100):
                    row_errors.append(f"line {line}: management_fee_percent: {raw} is not between 0 and 100")
                elif percent != percent.quantize(Decimal("0.01")):
                    row_errors.append(
                        f"line {line}: management_fee_percent: {raw} has more than 2 decimal places"
                    )
                else:
                    row.profile["management_fee_percent"] = percent
                    row.profile["management_fee_fixed"] = None
        raw = values.get("email", "")
        if raw:
            try:
                validate_email(raw)
                row.profile["email"] = raw
            except ValidationError:
                row_errors.append(f"line {line}: email: '{raw}' is not an email address")
        raw = values.get("phone", "")
        if raw:
            if len(raw) > 40:
                row_errors.append(f"line {line}: phone: is longer than 40 characters")
            else:
                row.profile["phone"] = raw
        raw = values.get("website", "")
        if raw:
            try:
                URLValidator(schemes=["http", "https"])(raw)
                row.profile["website"] = raw
            except ValidationError:
                row_errors.append(
                    f"line {line}: website: '{raw}' is not a web address starting http:// or https://"
                )
        raw = values.get("council_codes", "")
        if raw:
            found = []
            for code in (c.strip() for c in raw.split(";")):
                if not code:
                    continue
                if not is_gss_code(code):
                    row_errors.append(
                        f"line {line}: council_codes: '{code}' is not a council code like E06000059"
                    )
                elif code not in councils:
                    row_errors.append(f"line {line}: council_codes: unknown council code {code}")
                else:
                    found.append(councils[code])
            row.councils = found
        errors.extend(row_errors)
        rows.append(row)
    return rows


def apply(rows: list[ProviderRow], *, actor) -> ImportResult:
    """Write the checked rows (in the pipeline's transaction). Each provider goes through the same
    services as the settings pages (create_provider, update_profile), which audit each change: an
    import names tens of providers, not thousands."""
    result = ImportResult()
    for row in rows:
        provider = Provider.objects.select_for_update().filter(provider_ref=row.provider_ref).first()
        if provider is None:
            provider = create_provider(provider_ref=row.provider_ref, name=row.name, actor=actor)
            update_profile(
                provider=provider,
                values=row.profile,
                council_areas=row.councils,
                actor=actor,
                event="profile imported",
            )
            result.created += 1
            continue
        before = _state(provider)
        if provider.name != row.name:
            audit.record(
                actor=actor,
                instance=provider,
                event="provider renamed by import",
                changes={"name": (provider.name, row.name)},
            )
            provider.name = row.name
            provider.save(update_fields=["name"])
        update_profile(
            provider=provider,
            values=row.profile,
            council_areas=row.councils,
            actor=actor,
            event="profile imported",
        )
        if _state(provider) != before:
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _state(provider: Provider) -> tuple:
    """What an import can change, to tell an update from a re-import that changed nothing."""
    profile = ProviderProfile.objects.filter(provider=provider).first()
    if profile is None:
        return (provider.name, None)
    return (
        provider.name,
        profile.offers_isf,
        profile.management_fee_percent,
        profile.management_fee_fixed,
        profile.email,
        profile.phone,
        profile.website,
        tuple(sorted(profile.council_areas.values_list("gss_code", flat=True))),
    )


def import_text(text: str | bytes, *, actor, progress=None) -> ImportResult:
    """Check, lock and write; raise ImportFailed with every error (nothing written)."""
    return ProviderImport(actor=actor, progress=progress).run(text)
