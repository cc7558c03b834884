"""What a discharge line says, in the terms of Table 3 of seed 002: six questions, each answered Yes,
Somewhat, No or Not known yet, and whether the person is stuck and why. Pure functions over a line
whose person's budgets (with their arrangements) and shortlist are already loaded."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from budgets.models import BudgetStatus

from .models import Answer, DischargeLine

QUESTIONS = {
    "provider": "Is it clear which provider will help them home?",
    "budget": "Is the budget for them known?",
    "work_alongside": "Can the provider work alongside them before they return home?",
    "clinical_support": "Are local clinical and learning disability teams supporting the move?",
    "psychiatrist_support": "Is the psychiatrist overseeing the placement supporting a return home?",
    "housing": "Are all housing options explored, with good housing advice?",
}
STUCK_WORDS = {
    "provider": "No provider chosen or shortlisted",
    "budget": "No budget agreed",
    "work_alongside": "The provider cannot work alongside them before they leave",
    "clinical_support": "Clinical and learning disability teams are not supporting the move",
    "psychiatrist_support": "The psychiatrist is not supporting a return home",
    "housing": "No housing found or being explored",
}


@dataclass
class LineView:
    line: DischargeLine
    budget_amount: Decimal | None
    budget_waiting: bool
    shortlist: list
    answers: dict[str, str] = field(default_factory=dict)
    stuck_reasons: list[str] = field(default_factory=list)

    @property
    def home(self) -> bool:
        return self.line.discharged_on is not None

    @property
    def known_budget(self) -> bool:
        return self.budget_amount is not None

    @property
    def has_provider(self) -> bool:
        return self.line.provider_id is not None

    @property
    def stuck(self) -> bool:
        return bool(self.stuck_reasons)

    def rows(self) -> list[tuple[str, str, str]]:
        return [(QUESTIONS[k], self.answers[k], Answer(self.answers[k]).label) for k in QUESTIONS]


def _budget(line: DischargeLine) -> tuple[Decimal | None, bool]:
    """The amount of the latest approved budget (at its highest), and whether a proposal is waiting."""
    budgets = list(line.person.budgets.all())
    approved = [b for b in budgets if b.status == BudgetStatus.APPROVED]
    waiting = any(b.status == BudgetStatus.PROPOSED for b in budgets)
    if not approved:
        return None, waiting
    latest = max(approved, key=lambda b: (b.start_date, b.pk))
    return latest.highest_total, waiting


def describe(line: DischargeLine, today: dt.date) -> LineView:
    amount, waiting = _budget(line)
    shortlist = list(line.shortlist.all())
    view = LineView(line=line, budget_amount=amount, budget_waiting=waiting, shortlist=shortlist)
    if line.provider_id:
        provider = Answer.YES
    elif shortlist:
        provider = Answer.SOMEWHAT
    else:
        provider = Answer.NO
    budget = Answer.YES if amount is not None else (Answer.SOMEWHAT if waiting else Answer.NO)
    view.answers = {
        "provider": provider,
        "budget": budget,
        "work_alongside": line.work_alongside,
        "clinical_support": line.clinical_support,
        "psychiatrist_support": line.psychiatrist_support,
        "housing": line.housing,
    }
    if line.discharged_on is None:
        view.stuck_reasons = [STUCK_WORDS[k] for k, a in view.answers.items() if a == Answer.NO]
        if line.planned_date and line.planned_date < today:
            view.stuck_reasons.append(f"The planned date, {line.planned_date:%-d %B %Y}, has passed")
        if line.in_the_way.strip():
            view.stuck_reasons.append(line.in_the_way.strip())
    return view


def at_a_glance(views: list[LineView]) -> dict[str, int]:
    waiting = [v for v in views if not v.home]
    return {
        "on_list": len(waiting),
        "known_budget": sum(1 for v in waiting if v.known_budget),
        "with_provider": sum(1 for v in waiting if v.has_provider),
        "known_budget_and_provider": sum(1 for v in waiting if v.known_budget and v.has_provider),
        "stuck": sum(1 for v in waiting if v.stuck),
        "home": sum(1 for v in views if v.home),
    }


# Family pages speak to the person, in short sentences (DESIGN.md, "Words for families").
FAMILY_QUESTIONS = {
    "provider": "Do you know who will support you at home?",
    "budget": "Do you know how much money there is for your support?",
    "work_alongside": "Can the people who will support you spend time with you before you leave?",
    "clinical_support": "Are your health and learning disability teams helping with the move?",
    "psychiatrist_support": "Is your psychiatrist helping with the move home?",
    "housing": "Is somewhere to live being found for you?",
}
FAMILY_ANSWERS = {
    Answer.YES: "Yes",
    Answer.SOMEWHAT: "Partly",
    Answer.NO: "Not yet",
    Answer.NOT_KNOWN: "We do not know yet",
}


def family_rows(view: LineView) -> list[tuple[str, str, str]]:
    return [(FAMILY_QUESTIONS[k], view.answers[k], FAMILY_ANSWERS[view.answers[k]]) for k in FAMILY_QUESTIONS]
