"""Writes to ISF ledgers. Every function here runs in one transaction, locks the fund row first (so two
writers to one ledger queue up behind each other and can never overspend together), checks the rules,
writes append-only entries and audits them.

Decisions where the issue is silent:

- A fund is opened for each flexible agreement in force (by the daily payments job, or when a person
  moves); its `budget_ref` is the council's reference of the ISF arrangement. A move's new arrangement
  has its own reference, so each fund has its own (the old one stays with the closed fund).
- **Council payments** follow the agreement's schedule. The agreement's year is 52 weeks from its start
  date. In each year there are ceil(52 / payment_frequency_weeks) periods (13 for every four weeks); each
  period's payment is the annual budget / that number, to the penny (half up), and the last payment of
  the year takes the rounding so the year sums exactly. Paid in advance: on the first day of the period;
  in arrears: on the day after it ends. Periods starting after the agreement's end date are not paid.
- The **management fee** posts with each payment: a percentage of that payment (half up), or a fixed
  annual fee spread over the same periods with the same last-payment rounding. A fee of £0 posts nothing.
- Keys: `council-payment:Y-P` and `management-fee:Y-P` (year Y, period P, from 1), so re-running the job
  adds nothing twice. The system's keys (these, `transfer-out:F`, `transfer-in:F`, `reversal:E`) live
  in their own namespace (`key_source = system`), apart from keys people and providers give (API
  `Idempotency-Key`, CSV `entry_ref`, forms): a given key that looks like a system key is just a key.
- A **closed** fund (its balance moved with the person) takes no entry of any kind. A correction of
  one of its entries is made in the person's current fund, pointing at the original.
- **Money out** (spending, fees, refunds, negative corrections) is refused if it would take the balance
  below minus the agreement's overdraft limit. A refund to the council may not exceed the money left.
- A repeated idempotency key with the same content returns the original entry; with different content
  it is refused (`IdempotencyConflict`, a 409 in the API).
- Reversals: one per entry (a database constraint). Council payments, transfers and corrections are not
  reversed: the council records a refund instead.
- On a **move** the closing balance (when above zero) moves in one transaction: a transfer out of the old
  fund and a transfer in to the new one, dated the move day, pointing at each other. A negative balance
  does not follow the person; it stays with the old provider to settle with the council.
"""

from .corrections import NOT_REVERSIBLE, record_refund, reverse_entry
from .entries import MAX_DESCRIPTION, open_fund
from .entries import _lock as _lock  # managed.py writes its own entries with these two
from .entries import _take_arrangement_ref as _take_arrangement_ref  # and names an ISF it moves into
from .entries import _write as _write
from .errors import FundClosed, IdempotencyConflict, ImportRefused, LedgerError
from .moves import move_balance_on_move, settle_on_end, transfer_balance
from .payments import post_all_due_payments, post_due_payments
from .schedule import WEEKS_IN_YEAR, Slot, payment_schedule, periods_per_year, split_evenly
from .spending import record_spending, record_spending_many
from .statements import (
    due_statement_period,
    due_statement_periods,
    mark_notifications_seen,
    produce_due_statements,
    produce_statement,
)

__all__ = [
    "FundClosed",
    "IdempotencyConflict",
    "ImportRefused",
    "LedgerError",
    "MAX_DESCRIPTION",
    "NOT_REVERSIBLE",
    "Slot",
    "WEEKS_IN_YEAR",
    "due_statement_period",
    "due_statement_periods",
    "mark_notifications_seen",
    "move_balance_on_move",
    "open_fund",
    "payment_schedule",
    "periods_per_year",
    "post_all_due_payments",
    "post_due_payments",
    "produce_due_statements",
    "produce_statement",
    "record_refund",
    "record_spending",
    "record_spending_many",
    "reverse_entry",
    "settle_on_end",
    "split_evenly",
    "transfer_balance",
]
