"""Writes about people, assessments, support plans and personal budgets.

Every function is keyword-only, takes the acting user, runs in one transaction, checks the rules,
writes the audit trail and raises `BudgetError` (a 409 in the API) or `NotAllowed` (403) with a
message a person can read.

One module per idea; import from here (`budgets.services`), which names every public one:
errors, dates, access (who may do what), people, assessments, plans (support plans and the family's
choice), proposals, approval, versions (the approved version in force and its review) and arrangements
(references, ending an arrangement, moving an ISF).
"""

from .access import _require_commissioner as _require_commissioner  # carers.py checks with it too
from .access import approval_elsewhere, is_approver_for, is_commissioner_for, register_approval_rule
from .approval import budget_approve, budget_approve_by_funders, budget_send_back, budget_sent_back_by_funder
from .arrangements import arrangement_end, arrangement_move_to_provider, new_budget_refs
from .assessments import (
    DEFAULT_QUESTIONS,
    Calculation,
    assessment_create,
    calculate_indicative,
    ensure_default_questionnaire,
    explain_assessment,
)
from .dates import add_years, today
from .errors import BudgetError, NotAllowed, ReasonNeeded
from .people import person_create, representative_add
from .plans import PLAN_FIELDS, holding_preference_record, support_plan_agree, support_plan_save
from .proposals import ArrangementInput, budget_propose, budget_withdraw
from .versions import latest_approved_version, review_record

__all__ = [
    "ArrangementInput",
    "BudgetError",
    "Calculation",
    "DEFAULT_QUESTIONS",
    "NotAllowed",
    "PLAN_FIELDS",
    "ReasonNeeded",
    "add_years",
    "approval_elsewhere",
    "arrangement_end",
    "arrangement_move_to_provider",
    "assessment_create",
    "budget_approve",
    "budget_approve_by_funders",
    "budget_propose",
    "budget_send_back",
    "budget_sent_back_by_funder",
    "budget_withdraw",
    "calculate_indicative",
    "ensure_default_questionnaire",
    "explain_assessment",
    "holding_preference_record",
    "is_approver_for",
    "is_commissioner_for",
    "latest_approved_version",
    "new_budget_refs",
    "person_create",
    "register_approval_rule",
    "representative_add",
    "review_record",
    "support_plan_agree",
    "support_plan_save",
    "today",
]
