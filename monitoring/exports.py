"""A return as JSON text, CSV text or PDF bytes. Each takes the figures dict a return holds."""

import csv
import hashlib
import io
import json
from decimal import Decimal, InvalidOperation


def canonical_json(figures: dict) -> str:
    """The form the checksum is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(figures: dict) -> str:
    return hashlib.sha256(canonical_json(figures).encode()).hexdigest()


def to_json(figures: dict) -> str:
    return json.dumps(figures, indent=2, ensure_ascii=False) + "\n"


CSV_HEADER = ["section", "measure", "breakdown", "value", "suppressed"]
# Top-level keys that hold words, not figures: left out of the tidy CSV (numbers only in `value`).
_NOT_FIGURES = {"status", "council", "council_name", "period"}


def _leaves(value, path=()):
    """Every (path, leaf) under a nested dict."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, str(key)))
    else:
        yield path, value


def _cell(value) -> tuple[str, str]:
    """(value, suppressed) for one figure: a number; blank and `true` when suppressed or withheld; blank
    and `false` when not available (a rate with no population)."""
    if isinstance(value, str):
        try:
            Decimal(value)  # money is stored as a string of a number; anything else is a marker
        except InvalidOperation:
            return "", "true"
        return value, "false"
    if value is None:
        return "", "false"
    if isinstance(value, bool):
        return str(int(value)), "false"
    return (f"{value:.1f}" if isinstance(value, float) else str(value)), "false"


def _rows_of(section: str, value) -> list[tuple[str, str, str, object]]:
    """(section, measure, breakdown, value) for one top-level key. The measure names what is counted;
    the breakdown names the slice (a class, a band, a period or a council, joined with '.')."""
    rows = []
    if section == "budgets_at_period_end":
        for kind, figures in value["by_management_type"].items():
            rows.append((section, "arrangements", kind, figures["count"]))
            rows.append((section, "annual_value", kind, figures["annual_value"]))
        return rows
    if section in ("by_age_band", "by_primary_support_reason", "sds_options"):
        return [(section, "people", key, v) for key, v in value.items()]
    if section == "salt":
        return [(section, "adults", key, v) for key, v in value.items()]
    if section == "by_age_band_and_delivery":
        return [(section, cls, band, v) for band, classes in value.items() for cls, v in classes.items()]
    if section in ("rates_per_1000_adults_by_age_band", "adults_at_period_end_by_age_band"):
        return [(section, key, band, v) for band, keys in value.items() for key, v in keys.items()]
    if section == "adult_population":
        rows.append((section, "adults", str(value["year"]), value["population"]))
        for band, v in (value.get("by_age_band") or {}).items():
            rows.append((section, band, str(value["year"]), v))
        return rows
    if section in ("managed_third_party_history", "trend"):
        for item in value:
            period = item["period"]
            for path, leaf in _leaves({k: v for k, v in item.items() if k != "period"}):
                rows.append((section, ".".join(path), period, leaf))
        return rows
    if section == "other_councils":
        for item in value:
            for path, leaf in _leaves({k: v for k, v in item.items() if k not in ("council", "name")}):
                measure = ".".join(path[:-1]) if len(path) > 1 else path[0]
                breakdown = f"{item['council']}.{path[-1]}" if len(path) > 1 else item["council"]
                rows.append((section, measure, breakdown, leaf))
        return rows
    if section == "outcome_survey":
        rows.append((section, "respondents", "", value.get("respondents")))
        for kind, block in (value.get("by_management_type") or {}).items():
            rows.append((section, "respondents", kind, block.get("respondents")))
            for area, answers in (block.get("life_areas") or {}).items():
                for answer, v in answers.items():
                    rows.append((section, f"{area}.{answer}", kind, v))
        return rows
    if section == "previous_period":
        value = {k: v for k, v in value.items() if k != "period"}
    if isinstance(value, dict):
        for path, leaf in _leaves(value):
            measure = ".".join(path[:-1]) if len(path) > 1 else path[0]
            breakdown = path[-1] if len(path) > 1 else ""
            rows.append((section, measure, breakdown, leaf))
        return rows
    return [(section, "", "", value)]


def to_csv(figures: dict) -> str:
    """The tidy CSV for finance officers: one row per figure, `section,measure,breakdown,value,suppressed`,
    e.g. `people_at_period_end,by_delivery,isf_only,12,false`. `value` holds only numbers (money as
    pounds and pence, rates to one decimal place); a suppressed figure has a blank value and
    `suppressed` true; a figure that is not available (a rate with no population) a blank value and
    `suppressed` false."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for section, value in figures.items():
        if section in _NOT_FIGURES:
            continue
        for sec, measure, breakdown, leaf in _rows_of(section, value):
            if isinstance(leaf, list | dict):
                continue
            shown, suppressed = _cell(leaf)
            writer.writerow([sec, measure, breakdown, shown, suppressed])
    return out.getvalue()
