"""UK financial-year periods: `2026-27` (1 April 2026 to 31 March 2027) and quarters `2026-27-Q1`..`Q4`."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PERIOD = re.compile(r"^(?P<year>\d{4})-(?P<next>\d{2})(?:-Q(?P<quarter>[1-4]))?$")
# First month of each quarter of the financial year.
_QUARTER_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


class PeriodError(ValueError):
    """A period label that is not a financial year or a quarter of one; the message is for a person."""


class PeriodNotStarted(PeriodError):
    """A return was asked for a period that has not started: there is nothing to count yet."""


PROVISIONAL = "provisional"
FINAL = "final"


@dataclass(frozen=True, order=True)
class Period:
    year: int  # the calendar year the financial year starts in (2026 for 2026-27)
    quarter: int | None = None  # 1..4, or None for the whole year

    @property
    def label(self) -> str:
        base = f"{self.year}-{(self.year + 1) % 100:02d}"
        return f"{base}-Q{self.quarter}" if self.quarter else base

    @property
    def start(self) -> date:
        if self.quarter is None:
            return date(self.year, 4, 1)
        month = _QUARTER_START_MONTH[self.quarter]
        return date(self.year + (1 if self.quarter == 4 else 0), month, 1)

    @property
    def end(self) -> date:
        if self.quarter is None or self.quarter == 4:
            return date(self.year + 1, 3, 31)
        return Period(self.year, self.quarter + 1).start - timedelta(days=1)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def name(self) -> str:
        """Plain English: "April 2026 to March 2027"."""
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    def previous(self) -> "Period":
        if self.quarter is None:
            return Period(self.year - 1)
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def history(self, count: int) -> list["Period"]:
        """This period and the `count - 1` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return list(reversed(periods))

    def as_dict(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def __str__(self) -> str:
        return self.label


def status_on(period: Period, day: date) -> str:
    """A return made on or before the period's last day is a projection (`provisional`); one made after
    it counts what happened (`final`)."""
    return PROVISIONAL if day <= period.end else FINAL


def check_started(period: Period, today: date) -> None:
    """Refuse a period that has not started yet (DESIGN.md, "Status")."""
    if period.start > today:
        raise PeriodNotStarted(
            f"The period {period.label} has not started: it starts on {period.start:%-d %B %Y}. "
            "A return can only be made for a period that has started."
        )


def parse_period(label: str) -> Period:
    match = _PERIOD.match((label or "").strip())
    if not match:
        raise PeriodError(
            f"'{label}' is not a period: use a financial year like 2026-27 or a quarter like 2026-27-Q1."
        )
    year = int(match["year"])
    if int(match["next"]) != (year + 1) % 100:
        raise PeriodError(
            f"'{label}' is not a period: a financial year runs into the next year, like "
            f"{year}-{(year + 1) % 100:02d}."
        )
    quarter = int(match["quarter"]) if match["quarter"] else None
    return Period(year, quarter)


def period_containing(day: date) -> Period:
    year = day.year if day.month >= 4 else day.year - 1
    quarter = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3, 1: 4, 2: 4, 3: 4}[day.month]
    return Period(year, quarter)


def periods_ended_on(day: date) -> list[Period]:
    """The periods whose last day is `day`: a quarter, and the year too when the quarter is Q4."""
    quarter = period_containing(day)
    if quarter.end != day:
        return []
    periods = [quarter]
    if quarter.quarter == 4:
        periods.append(Period(quarter.year))
    return periods


def latest_ended_periods(today: date) -> list[Period]:
    """The latest quarter that has ended before `today`, and its year too when it is Q4: what the
    scheduled returns are made for until the next quarter ends."""
    quarter = period_containing(today).previous()
    return [quarter, Period(quarter.year)] if quarter.quarter == 4 else [quarter]


def recent_periods(*, today: date, count: int = 8) -> list[Period]:
    """Periods a monitoring officer may ask for: recent quarters and years, newest first (the current
    ones included, so a council can look at a period so far)."""
    current = period_containing(today)
    quarters = current.history(count)
    years = [Period(current.year - n) for n in range(0, 3)]
    return sorted(quarters + years, key=lambda p: (p.end, p.quarter is None), reverse=True)
