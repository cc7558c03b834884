"""The landing page's panel from the ledger: the money left in a family's Individual Service Fund."""

from django.urls import reverse

from organisations.landing import panel
from organisations.money import format_money

from .selectors import balance_of, funds_of_family, is_closed


def landing_panels(*, user) -> list[dict]:
    lines = [
        f"Money left with {fund.provider.name}: {format_money(balance_of(fund))}."
        for fund in funds_of_family(user=user).select_related("provider")
        if not is_closed(fund)
    ]
    if not lines:
        return []
    return [
        panel(
            "Your Individual Service Fund",
            lines=lines,
            links=[("See where the money went", reverse("ledger:your-isf"))],
            order=11,
        )
    ]
