"""What money in a held account is paid under. An ISF reads its flexible agreement; a managed direct
payment reads the arrangement of the person's budget it holds. Both answer the same questions, so the
payment schedule, the fee, the limits and the dates are worked out once for both (services.py)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

MANAGED_PAYMENT_FREQUENCY_WEEKS = 4
# A managed direct payment's unspent money is talked about above this many weeks of payments, unless
# the account says otherwise.
MANAGED_UNSPENT_WEEKS = 8


@dataclass(frozen=True)
class ManagedTerms:
    """A managed direct payment's terms, in the agreement's words. The council pays the amount for
    support plus the management cost; the management cost goes out to the organisation with each
    payment, as a fixed yearly fee spread over the payments."""

    annual_budget: Decimal
    management_fee_fixed: Decimal | None
    start_date: dt.date
    end_date: dt.date | None
    unspent_limit: Decimal
    management_fee_percent: Decimal | None = None
    payment_frequency_weeks: int = MANAGED_PAYMENT_FREQUENCY_WEEKS
    payment_in_advance: bool = True
    overdraft_limit: Decimal = Decimal("0.00")


def default_unspent_limit(annual_total: Decimal) -> Decimal:
    return (annual_total * MANAGED_UNSPENT_WEEKS / 52).quantize(Decimal("0.01"))


def terms_of(account):
    if account.is_isf:
        return account.agreement
    arrangement = account.arrangement
    cost = arrangement.management_cost
    ends = [d for d in (arrangement.end_date, account.closed_on) if d is not None]
    limit = account.managed_unspent_limit
    return ManagedTerms(
        annual_budget=arrangement.total_amount,
        management_fee_fixed=cost if cost > 0 else None,
        start_date=arrangement.start_date,
        end_date=min(ends) if ends else None,
        unspent_limit=limit if limit is not None else default_unspent_limit(arrangement.total_amount),
    )
