"""Money is Decimal with two places. One rounding helper, one formatter, used everywhere."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def to_money(value) -> Decimal:
    """Round to pennies, half up. Accepts Decimal, int or a decimal string; never a float."""
    if isinstance(value, float):
        raise TypeError("Money must never be a float.")
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(value) -> str:
    """£1,234.50; a negative amount as −£12.00."""
    if value is None or value == "":
        return ""
    try:
        amount = to_money(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def round_half_up(value: Decimal, places: int = 1) -> Decimal:
    """For rates and shares: half up, never banker's rounding."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
