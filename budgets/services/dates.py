"""Dates the budget rules count with."""

import datetime as dt

from django.utils import timezone


def add_years(day: dt.date, years: int = 1) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def today() -> dt.date:
    return timezone.localdate()
