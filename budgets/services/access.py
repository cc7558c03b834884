"""Who may do what: commissioners and approvers of a council, and the approval rules other apps add."""

from organisations.models import Role
from organisations.selectors import roles_of

from ..models import PersonalBudget
from .errors import NotAllowed


def is_commissioner_for(*, user, council_id: int) -> bool:
    return council_id in roles_of(user=user).councils_with(Role.COMMISSIONER)


def is_approver_for(*, user, council_id: int) -> bool:
    return council_id in roles_of(user=user).councils_with(Role.APPROVER)


# Rules that higher apps add (in their AppConfig.ready) about who approves a budget: each takes the
# budget and returns a message when an approver of the person's council may not approve it alone (the
# nhs app: a jointly funded budget is approved share by share, each by its own funder).
_APPROVAL_RULES: list = []


def register_approval_rule(rule) -> None:
    if rule not in _APPROVAL_RULES:
        _APPROVAL_RULES.append(rule)


def approval_elsewhere(budget: PersonalBudget) -> str:
    """Why one approver may not approve this budget whole (a registered rule's message), or ""."""
    for rule in _APPROVAL_RULES:
        message = rule(budget)
        if message:
            return message
    return ""


def _require_commissioner(*, actor, council_id: int) -> None:
    if not is_commissioner_for(user=actor, council_id=council_id):
        raise NotAllowed("Only a commissioner of this council can do this.")
