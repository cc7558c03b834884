"""A return as JSON text, CSV text or PDF bytes. Each takes the figures dict a return holds."""

import csv
import hashlib
import io
import json


def canonical_json(figures: dict) -> str:
    """The form the checksum is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(figures: dict) -> str:
    return hashlib.sha256(canonical_json(figures).encode()).hexdigest()


def to_json(figures: dict) -> str:
    return json.dumps(figures, indent=2, ensure_ascii=False) + "\n"


def _rows(prefix: str, value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _rows(f"{prefix}.{key}" if prefix else key, inner)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            label = inner.get("council") or inner.get("period") if isinstance(inner, dict) else None
            yield from _rows(f"{prefix}.{label or i}", inner)
    else:
        yield prefix, "" if value is None else value


def to_csv(figures: dict) -> str:
    """One row per figure: `section,measure,value`, e.g. `people_at_period_end,by_delivery.isf_only,12`.
    Blank value means not available (a rate with no population)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "measure", "value"])
    for key, value in figures.items():
        if isinstance(value, dict | list):
            for measure, v in _rows("", value):
                writer.writerow([key, measure, v])
        else:
            writer.writerow([key, "", "" if value is None else value])
    return out.getvalue()
