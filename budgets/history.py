"""The budget's history in words ("Budget sent back by Sam Carter: …"), not field dumps."""

import datetime as dt

from .models import BudgetStatus

FIELD_WORDS = {
    "status": "Status",
    "start_date": "Start date",
    "annual_total": "Amount a year",
    "arrangements": "Parts",
    "review_due": "Review due",
    "end_date": "End date",
    "arrangements_end": "Its parts end on",
    "provider": "Organisation",
    "annual_amount": "Amount a year",
    "management_type": "How it is held",
    "budget_ref": "Reference",
}


def _value(field: str, value) -> str:
    text = "" if value is None else str(value)
    if text in ("", "None"):
        return ""
    if field == "status" and text in BudgetStatus.values:
        return BudgetStatus(text).label.lower()
    try:
        return f"{dt.date.fromisoformat(text):%-d %B %Y}"
    except ValueError:
        return text


def change_sentences(changes: dict) -> list[str]:
    sentences = []
    for field, values in (changes or {}).items():
        old, new = (list(values) + [None, None])[:2]
        label = FIELD_WORDS.get(field, field.replace("_", " ").capitalize())
        old, new = _value(field, old), _value(field, new)
        if old and new:
            sentences.append(f"{label} changed from {old} to {new}.")
        elif new:
            sentences.append(f"{label}: {new}.")
        elif old:
            sentences.append(f"{label} no longer {old}.")
    return sentences


def in_words(entry) -> dict:
    """One history entry as a headline ("Budget sent back by Sam Carter: too high") and sentences."""
    data = entry.additional_data or {}
    event = (data.get("event") or "changed").strip()
    who = entry.actor.display_name if entry.actor else "the system"
    headline = f"{event[:1].upper()}{event[1:]} by {who}"
    note = (data.get("note") or "").strip()
    if note:
        headline += f": “{note}”"
    return {"when": entry.timestamp, "headline": headline, "sentences": change_sentences(entry.changes_dict)}
