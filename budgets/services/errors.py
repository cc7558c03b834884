"""The budgets' domain errors: `BudgetError` (a 409 in the API) and `NotAllowed` (403)."""

from config.api import DomainConflict


class BudgetError(DomainConflict):
    """A rule about budgets was broken; the message is for a person to read (409 in the API). With
    several problems, each is in `messages` and str() joins them."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__(" ".join(messages))


class ReasonNeeded(BudgetError):
    """A proposal's total differs from the assessment's amount and no reason is written (the form
    shows it by the reason's box)."""

    field = "difference_reason"


class NotAllowed(Exception):
    """The user may see this but may not do this to it (403)."""
