"""Reading a population CSV: `council_code,year,age_band,population`, all or nothing."""

from dataclasses import dataclass

from organisations.imports import CsvReader
from organisations.models import Council

from .models import AgeBand

HEADER = ["council_code", "year", "age_band", "population"]
WHOLE = {AgeBand.CHILDREN, AgeBand.WORKING_AGE, AgeBand.OLDER}
FINER_OLDER = {AgeBand.OLDER_65_74, AgeBand.OLDER_75_84, AgeBand.OLDER_85}
BANDS = [b.value for b in AgeBand]


@dataclass(frozen=True)
class Row:
    line: int
    council: Council
    year: int
    age_band: str
    population: int


def check_population_file(reader: CsvReader, errors: list[str]) -> list[Row]:
    """The file checks of the population import (organisations/imports.py is the pipeline)."""
    rows: list[Row] = []
    header = reader.header()
    if header is None:
        if not errors:
            errors.append("line 1: header: the file is empty; the first line must be " + ",".join(HEADER))
        return []
    if [h.strip().lower() for h in header] != HEADER:
        errors.append(f"line 1: header: expected {','.join(HEADER)}, found {','.join(header)}")
        return []
    councils = {c.gss_code: c for c in Council.objects.all()}
    seen: dict[tuple, int] = {}
    for line, values in reader:
        if len(values) != len(HEADER):
            errors.append(f"line {line}: row: expected 4 values, found {len(values)}")
            continue
        code, year_text, band, population_text = (v.strip() for v in values)
        row_errors = []
        council = councils.get(code)
        if council is None:
            row_errors.append(f"line {line}: council_code: no council with code '{code}'")
        year = None
        if not year_text.isdigit() or not 1990 <= int(year_text) <= 2100:
            row_errors.append(f"line {line}: year: '{year_text}' is not a year like 2026")
        else:
            year = int(year_text)
        if band not in BANDS:
            row_errors.append(f"line {line}: age_band: '{band}' is not one of {', '.join(BANDS)}")
        population = None
        if not population_text.isdigit():
            row_errors.append(f"line {line}: population: '{population_text}' is not a whole number of people")
        else:
            population = int(population_text)
        if not row_errors:
            key = (code, year, band)
            if key in seen:
                row_errors.append(
                    f"line {line}: age_band: {band} for {code} in {year} is already on line {seen[key]}"
                )
            seen[key] = line
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(Row(line, council, year, band, population))
    if not errors:
        errors.extend(_check_complete(rows))
    if not errors and not rows:
        errors.append("line 2: row: the file has a header but no figures")
    return rows


def _check_complete(rows: list[Row]) -> list[str]:
    """Each council and year needs 0-17, 18-64 and the over-65s either whole or split (not both)."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        groups.setdefault((row.council.gss_code, row.year), []).append(row)
    errors = []
    for (code, year), group in groups.items():
        bands = {r.age_band for r in group}
        first = min(r.line for r in group)
        if AgeBand.OLDER in bands and bands & FINER_OLDER:
            errors.append(
                f"line {first}: age_band: {code} {year} gives 65+ and also 65-74, 75-84 or 85+; "
                "give one or the other"
            )
            continue
        missing = [b for b in (AgeBand.CHILDREN, AgeBand.WORKING_AGE) if b not in bands]
        if AgeBand.OLDER not in bands and not bands >= FINER_OLDER:
            missing.append("65+ (or 65-74, 75-84 and 85+)")
        if missing:
            errors.append(f"line {first}: age_band: {code} {year} is missing {', '.join(missing)}")
    return errors
