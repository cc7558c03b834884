"""The ledger's domain errors: each message says what to do (a 409 in the API)."""

from config.api import DomainConflict

from ..models import HeldAccount


class LedgerError(DomainConflict):
    """A ledger rule was broken; the message says what to do. `field` names the value at fault (for the
    import's `line N: column: ...` errors and form errors)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class ImportRefused(LedgerError):
    """Some rows of a batch broke the rules: nothing was written. `errors` = [(index, field, message)]."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"{len(errors)} rows could not be recorded; nothing was recorded.")
        self.errors = errors


class IdempotencyConflict(LedgerError):
    """The same idempotency key was used for a different entry."""


class FundClosed(LedgerError):
    """The money has moved with the person: this fund takes no more entries."""

    def __init__(self, fund: HeldAccount | None = None):
        super().__init__(
            "This money has moved with the person to their new provider: nothing more can be recorded "
            "here. A correction is made in the person's new fund."
        )
