"""The budget's history in words ("Budget sent back by Sam Carter: …"), not field dumps."""

import datetime as dt
import re

from organisations.money import format_money

from .models import BudgetStatus, Recommendation
from .review_models import OutcomeStatus

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
    # Direct-payment checks and annual statements (oversight).
    "outcome": "Outcome",
    "money_left": "Money left",
    "amount_recovered": "Money returned to the council",
    "amount_kept": "Money kept",
    "kept_for": "Kept for",
}
# Shown as money (£1,100.00), never as a raw 1100.00.
MONEY_FIELDS = {"annual_total", "annual_amount", "money_left", "amount_recovered", "amount_kept"}
# "1500.00 for a week away" (how early entries recorded money kept) reads as "£1,500.00 for a week away".
_AMOUNT_FOR = re.compile(r"^(-?\d+(?:\.\d+)?)( for .*)$", re.S)


def _value(field: str, value) -> str:
    text = "" if value is None else str(value)
    if text in ("", "None"):
        return ""
    if field == "status" and text in BudgetStatus.values:
        return BudgetStatus(text).label.lower()
    if field == "recommendation" and text in Recommendation.values:
        return Recommendation(text).label.lower()
    if field == "outcomes":
        # "Learn to cook: partly_met; Find volunteering: met" reads "…: partly met; …: met".
        parts = [part.rpartition(": ") for part in text.split("; ")]
        return "; ".join(
            f"{what}{sep}{OutcomeStatus(code).label.lower()}"
            if sep and code in OutcomeStatus.values
            else what + sep + code
            for what, sep, code in parts
        )
    if field in MONEY_FIELDS:
        match = _AMOUNT_FOR.match(text)
        return f"{format_money(match[1])}{match[2]}" if match else format_money(text)
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
    # Who did it: the person, or what did ("the council's rules"), and who set it going if anyone did.
    by = (data.get("by") or "").strip()
    if by:
        who = f"{by} (run by {entry.actor.display_name})" if entry.actor else by
    else:
        who = entry.actor.display_name if entry.actor else "the system"
    headline = f"{event[:1].upper()}{event[1:]} by {who}"
    note = (data.get("note") or "").strip()
    if note:
        headline += f": “{note}”"
    return {"when": entry.timestamp, "headline": headline, "sentences": change_sentences(entry.changes_dict)}
