"""The payment schedule: which council payments and management fees fall due when, and how much.
Pure arithmetic on an agreement's terms; nothing here reads or writes the database."""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from organisations.money import PENNY, to_money
from providers.models import FlexibleAgreement

from ..models import ZERO

WEEKS_IN_YEAR = 52


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """`parts` amounts summing exactly to `total`: each total / parts to the penny (half up), the last
    taking the rounding. If rounding up would leave the last part negative (tiny totals), round down."""
    total = to_money(total)
    regular = to_money(total / parts)
    if regular * (parts - 1) > total:
        regular = (total / parts).quantize(PENNY, rounding=ROUND_DOWN)
    return [regular] * (parts - 1) + [total - regular * (parts - 1)]


def periods_per_year(frequency_weeks: int) -> int:
    return math.ceil(WEEKS_IN_YEAR / frequency_weeks)


@dataclass(frozen=True)
class Slot:
    year: int  # from 1
    period: int  # from 1
    starts: dt.date
    ends: dt.date
    due_on: dt.date
    payment: Decimal
    fee: Decimal

    @property
    def key(self) -> str:
        return f"{self.year}-{self.period}"


def _fee_for(agreement: FlexibleAgreement, payment: Decimal, fixed_parts: list[Decimal] | None, i: int):
    if agreement.management_fee_percent is not None:
        return to_money(payment * agreement.management_fee_percent / 100)
    if fixed_parts is not None:
        return fixed_parts[i]
    return ZERO


def payment_schedule(agreement: FlexibleAgreement, *, until: dt.date) -> list[Slot]:
    """Every payment due on or before `until` under the agreement's current terms."""
    frequency = agreement.payment_frequency_weeks
    n = periods_per_year(frequency)
    payments = split_evenly(agreement.annual_budget, n)
    fixed = (
        split_evenly(agreement.management_fee_fixed, n)
        if agreement.management_fee_fixed is not None
        else None
    )
    slots: list[Slot] = []
    year = 0
    while True:
        year_start = agreement.start_date + dt.timedelta(weeks=WEEKS_IN_YEAR * year)
        year_end = year_start + dt.timedelta(weeks=WEEKS_IN_YEAR, days=-1)
        for i in range(n):
            starts = year_start + dt.timedelta(weeks=frequency * i)
            ends = min(starts + dt.timedelta(weeks=frequency, days=-1), year_end)
            due = starts if agreement.payment_in_advance else ends + dt.timedelta(days=1)
            if agreement.end_date is not None and starts > agreement.end_date:
                return slots
            if due > until:
                return slots
            slots.append(
                Slot(
                    year=year + 1,
                    period=i + 1,
                    starts=starts,
                    ends=ends,
                    due_on=due,
                    payment=payments[i],
                    fee=_fee_for(agreement, payments[i], fixed, i),
                )
            )
        year += 1
