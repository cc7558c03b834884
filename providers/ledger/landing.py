"""The landing page's panels from the ledger: the money left in a family's Individual Service Fund, and
in their managed direct payment, each under its own name and linking to its own page."""

from django.urls import reverse

from organisations.landing import panel
from organisations.money import format_money

from .models import WORDS, HeldKind
from .selectors import balance_of, funds_of_family, is_closed

PAGES = {HeldKind.ISF: "ledger:your-isf", HeldKind.MANAGED_DP: "ledger:your-managed-dp"}


def landing_panels(*, user) -> list[dict]:
    lines: dict[str, list[str]] = {}
    for fund in funds_of_family(user=user).select_related("provider"):
        if not is_closed(fund):
            lines.setdefault(fund.kind, []).append(
                f"Money left with {fund.provider.name}: {format_money(balance_of(fund))}."
            )
    return [
        panel(
            WORDS[kind].family_title,
            lines=lines[kind],
            links=[("See where the money went", reverse(PAGES[kind]))],
            order=11,
        )
        for kind in (HeldKind.ISF, HeldKind.MANAGED_DP)
        if kind in lines
    ]
