"""A return's figures as tables: each a dict with id, caption, head, rows (first cell a row header),
and optionally `total` (the last row is a total), `note` and `empty`. Labels are words, never codes."""

from decimal import Decimal

from organisations.money import format_money, round_half_up, to_money

from .carers import carers_tables
from .counting import (
    AGE_BANDS,
    DELIVERY_CLASSES,
    DISTINCT_RATE_KEYS,
    MANAGEMENT_TYPES,
    RATE_KEYS,
    SALT_MECHANISMS,
    SDS_OPTIONS,
    SUPPORT_REASONS,
)
from .labels import (
    AGE_BAND_LABELS,
    DELIVERY_CLASS_LABELS,
    MANAGEMENT_TYPE_LABELS,
    RATE_BAND_LABELS,
    RATE_LABELS,
    SALT_LABELS,
    SDS_LABELS,
    SUPPORT_REASON_LABELS,
    WITH_ANY_LABELS,
)
from .nhs_funding import funding_table
from .trend_presentation import budget_trend_table

WITHHELD_WORDS = {"<5": "<5", "[c]": "[c]"}


def count(value) -> str:
    if value is None:
        return "not available"
    return value if isinstance(value, str) else f"{value:,}"


def rate(value) -> str:
    if isinstance(value, str):  # suppressed or withheld
        return value
    return "not available" if value is None else f"{value:.1f}"


def signed(n) -> str:
    if n is None:
        return "not available"
    if isinstance(n, float):
        return f"+{n:.1f}" if n > 0 else (f"−{-n:.1f}" if n < 0 else "no change")
    return f"+{n:,}" if n > 0 else (f"−{-n:,}" if n < 0 else "no change")


def percent(part, whole) -> str:
    if isinstance(part, str) or isinstance(whole, str):
        return part if isinstance(part, str) else whole
    if not whole:
        return "–"
    return f"{round_half_up(Decimal(part) * 100 / Decimal(whole), 0)}%"


def name(figures: dict) -> str:
    return figures.get("council_name", figures["council"])


def headline(figures: dict) -> dict:
    """Page 1: the five headline figures, people (all ages) and adults per 1,000 adults."""
    end = figures["people_at_period_end"]
    with_any = end.get("with_any", {})
    rates = figures["rates_per_1000_adults"]
    rows = [
        ("People with a personal budget", end["total"], rates.get("personal_budgets")),
        (
            "with a managed third-party budget (Individual Service Fund or managed direct payment)",
            figures["managed_third_party"]["people_at_period_end"],
            rates.get("managed_third_party"),
        ),
        ("with an Individual Service Fund", with_any.get("isf"), rates.get("isf")),
        (
            "with a self-managed direct payment",
            with_any.get("direct_payment"),
            rates.get("self_managed_direct_payments"),
        ),
        (
            "with a council-managed budget",
            with_any.get("commissioner_controlled"),
            rates.get("council_managed"),
        ),
    ]
    return {
        "id": "headline",
        "caption": f"People with a personal budget on {figures['period']['end']}",
        "head": ["Measure", "People (all ages)", "Adults per 1,000 adults"],
        "rows": [[label, count(n), rate(r)] for label, n, r in rows],
    }


def _delivery(figures: dict) -> dict:
    end, during = figures["people_at_period_end"], figures["people_during_period"]
    by = end["by_delivery"]
    mtp = figures["managed_third_party"]["people_at_period_end"]
    mixed_mtp = mtp - by["isf_only"] - by["direct_payment_managed_only"]
    return {
        "id": "delivery",
        "caption": "People by how their budget is held (delivery class): number of people",
        "head": ["Delivery class", "At period end", "During the period"],
        "rows": [
            [DELIVERY_CLASS_LABELS[c], count(by[c]), count(during["by_delivery"][c])]
            for c in DELIVERY_CLASSES
        ]
        + [["All people", count(end["total"]), count(during["total"])]],
        "total": True,
        "note": (
            f"Reconciling with the managed third-party figure: {mtp:,} "
            f"{'person has' if mtp == 1 else 'people have'} a managed third-party budget at period end. "
            f"{by['isf_only']:,} hold only an Individual Service Fund and "
            f"{by['direct_payment_managed_only']:,} only a managed direct payment; the other "
            f"{mixed_mtp:,} are among the {by['mixed']:,} mixed people, "
            "who hold one of them alongside another way."
        ),
    }


def _with_any(figures: dict) -> dict:
    with_any = figures["people_at_period_end"].get("with_any", {})
    return {
        "id": "with-any",
        "caption": "People at period end with at least one arrangement of each kind: number of people",
        "head": ["Has", "People"],
        "rows": [[WITH_ANY_LABELS[t], count(with_any.get(t, 0))] for t in MANAGEMENT_TYPES],
        "note": "A person who holds their budget in more than one way is counted under each, so these "
        "add up to more than the number of people.",
    }


def _finance(figures: dict) -> dict:
    by_type = figures["budgets_at_period_end"]["by_management_type"]
    with_any = figures["people_at_period_end"].get("with_any", {})
    rows = []
    total_value = Decimal("0")
    for t in MANAGEMENT_TYPES:
        value = to_money(by_type[t]["annual_value"])
        total_value += value
        people = with_any.get(t, 0)
        rows.append(
            [
                MANAGEMENT_TYPE_LABELS[t],
                count(by_type[t]["count"]),
                count(people),
                format_money(value),
                format_money(value / people) if people else "–",
            ]
        )
    people = figures["people_at_period_end"]["total"]
    rows.append(
        [
            "All ways of holding",
            count(sum(by_type[t]["count"] for t in MANAGEMENT_TYPES)),
            count(people),
            format_money(total_value),
            format_money(total_value / people) if people else "–",
        ]
    )
    return {
        "id": "management-types",
        "caption": "Arrangements active at period end and their annual value, by way of holding the budget",
        "head": ["Way of holding", "Arrangements", "People", "Annual value", "Average per person"],
        "rows": rows,
        "total": True,
        "note": "Annual values are summed as stored, in pounds and pence. The average per person is the "
        "annual value divided by the people holding that kind of arrangement (a mixed person is counted "
        "under each kind they hold, and once in the total).",
    }


def _age_and_delivery(figures: dict) -> dict:
    table = figures.get("by_age_band_and_delivery") or {}
    short = {
        "direct_payment_only": "Direct payment only",
        "direct_payment_managed_only": "Managed direct payment only",
        "isf_only": "ISF only",
        "commissioner_controlled_only": "Council-managed only",
        "mixed": "Mixed",
    }
    return {
        "id": "age-delivery",
        "caption": "People at period end by age band and delivery class: number of people",
        "head": ["Age band", *[short[c] for c in DELIVERY_CLASSES], "All"],
        "rows": [
            [
                AGE_BAND_LABELS[b],
                *[count(table[b][c]) for c in DELIVERY_CLASSES],
                count(sum(table[b].values())),
            ]
            for b in AGE_BANDS
            if b in table
        ],
        "note": "ISF is an Individual Service Fund. This shows, for example, whether older people are "
        "offered Individual Service Funds as often as younger adults.",
    }


def _rates(figures: dict) -> dict:
    adults = figures.get("adults_at_period_end", {})
    rates = figures["rates_per_1000_adults"]
    rows = [[RATE_LABELS[k], count(adults.get(k, 0)), rate(rates.get(k))] for k in RATE_KEYS]
    rows += [
        [RATE_LABELS[k], count(adults.get(k, 0)), rate(rates.get(k))]
        for k in DISTINCT_RATE_KEYS
        if k in rates
    ]
    return {
        "id": "rates",
        "caption": "Adults at period end per 1,000 adults in the council's population",
        "head": ["Measure", "Adults at period end", "Per 1,000 adults"],
        "rows": rows,
        "note": "The first three overlap: a direct payment managed by a third party is in both 'direct "
        "payments' and 'managed third-party budgets'. The last three are distinct kinds: only mixed "
        "people are in more than one of them.",
    }


def _rates_by_age(figures: dict) -> dict | None:
    by_band = figures.get("rates_per_1000_adults_by_age_band")
    if not by_band:
        return None
    adults = figures.get("adults_at_period_end_by_age_band", {})
    return {
        "id": "rates-by-age",
        "caption": "Adults at period end per 1,000 adults of the same age",
        "head": ["Age band", *[RATE_LABELS[k] for k in RATE_KEYS]],
        "rows": [
            [
                RATE_BAND_LABELS[band],
                *[
                    f"{rate(by_band[band][k])} ({count(adults.get(band, {}).get(k, 0))} adults)"
                    for k in RATE_KEYS
                ],
            ]
            for band in by_band
        ],
    }


def _trend(figures: dict) -> dict | None:
    trend = figures.get("trend")
    if not trend:
        return None
    rows = []
    for t in trend:
        everyone = t.get("all_councils", {})
        rows.append(
            [
                t["period"],
                count(t["people_at_period_end"]["personal_budgets"]),
                rate(t["rates_per_1000_adults"]["personal_budgets"]),
                count(t["people_at_period_end"]["managed_third_party"]),
                rate(t["rates_per_1000_adults"]["managed_third_party"]),
                rate(everyone.get("rates_per_1000_adults", {}).get("managed_third_party")),
            ]
        )
    return {
        "id": "trend",
        "caption": "The last five periods: people at each period's end, and adults per 1,000 adults",
        "head": [
            "Period",
            "Personal budgets (people)",
            "Personal budgets per 1,000 adults",
            "Managed third-party (people)",
            "Managed third-party per 1,000 adults",
            "All councils: managed third-party per 1,000 adults",
        ],
        "rows": rows,
    }


def _change(figures: dict) -> dict | None:
    change = figures.get("change_since_previous_period")
    previous = figures.get("previous_period")
    if not (change and previous):
        return None
    end = figures["people_at_period_end"]
    rows = [
        [
            DELIVERY_CLASS_LABELS[c],
            count(previous["people_at_period_end"]["by_delivery"][c]),
            count(end["by_delivery"][c]),
            signed(change["people_at_period_end"]["by_delivery"][c]),
        ]
        for c in DELIVERY_CLASSES
    ]
    rows.append(
        [
            "All people",
            count(previous["people_at_period_end"]["total"]),
            count(end["total"]),
            signed(change["people_at_period_end"]["total"]),
        ]
    )
    rows.append(
        [
            "Managed third-party budgets",
            count(previous["managed_third_party"]["people_at_period_end"]),
            count(figures["managed_third_party"]["people_at_period_end"]),
            signed(change["managed_third_party"]["people_at_period_end"]),
        ]
    )
    return {
        "id": "change",
        "caption": f"Change in people at period end since {previous['period']['label']}",
        "head": ["Delivery class", previous["period"]["label"], figures["period"]["label"], "Change"],
        "rows": rows,
    }


def _comparison(figures: dict) -> dict:
    others = figures.get("other_councils") or []
    end = figures["people_at_period_end"]
    own = {
        "name": f"{name(figures)} (this return)",
        "people_at_period_end": end,
        "managed_third_party": figures["managed_third_party"],
        "rates_per_1000_adults": figures["rates_per_1000_adults"],
    }
    everyone = figures.get("all_councils")
    rows_of = [own, *others]
    if everyone and others:
        rows_of.append({**everyone, "name": f"All {everyone['councils']} councils"})
    return {
        "id": "other-councils",
        "caption": "Comparison with other councils' published final returns for "
        + figures["period"]["label"],
        "head": [
            "Council",
            "People",
            "ISF only",
            "Mixed",
            "Managed third-party",
            "Personal budgets per 1,000 adults",
            "Managed third-party per 1,000 adults",
            "ISF per 1,000 adults",
        ],
        "rows": [
            [
                o["name"],
                count(o["people_at_period_end"]["total"]),
                count(o["people_at_period_end"]["by_delivery"]["isf_only"]),
                count(o["people_at_period_end"]["by_delivery"]["mixed"]),
                count(o["managed_third_party"]["people_at_period_end"]),
                rate(o["rates_per_1000_adults"].get("personal_budgets")),
                rate(o["rates_per_1000_adults"].get("managed_third_party")),
                rate(o["rates_per_1000_adults"].get("isf")),
            ]
            for o in rows_of
        ],
        "total": bool(everyone and others),
        "empty": "No other council has published a final return for this period yet." if not others else "",
        "note": "People are counted at period end. <5 is a count from 1 to 4, or a rate resting on fewer "
        "than 5 people; [c] is withheld so that a small number cannot be worked out from a total.",
    }


def tables(figures: dict) -> list[dict]:
    """The detail tables, in the order the PDF and the page show them."""
    result = [
        _delivery(figures),
        _with_any(figures),
        _finance(figures),
        {
            "id": "managed-third-party",
            "caption": "People with a managed third-party budget (ISF or managed direct payment)",
            "head": ["When", "People"],
            "rows": [
                ["At period end", count(figures["managed_third_party"]["people_at_period_end"])],
                ["During the period", count(figures["managed_third_party"]["people_during_period"])],
            ],
        },
        {
            "id": "age",
            "caption": "People at period end by age on the period's last day",
            "head": ["Age band", "People"],
            "rows": [[AGE_BAND_LABELS[b], count(figures["by_age_band"][b])] for b in AGE_BANDS],
        },
        _age_and_delivery(figures),
        {
            "id": "support-reason",
            "caption": "People at period end by primary support reason",
            "head": ["Primary support reason", "People"],
            "rows": [
                [SUPPORT_REASON_LABELS[r], count(figures["by_primary_support_reason"][r])]
                for r in SUPPORT_REASONS
            ],
        },
        {
            "id": "salt",
            "caption": "SALT-compatible delivery mechanism: adults at period end",
            "head": ["Delivery mechanism (SALT)", "Adults"],
            "rows": [[SALT_LABELS[m], count(figures["salt"][m])] for m in SALT_MECHANISMS],
        },
    ]
    if "sds_options" in figures:
        result.append(
            {
                "id": "sds",
                "caption": "Scottish self-directed support options: people at period end, all ages",
                "head": ["Option", "People"],
                "rows": [[SDS_LABELS[o], count(figures["sds_options"][o])] for o in SDS_OPTIONS],
            }
        )
    result += carers_tables(figures)
    result.append(budget_trend_table(figures))
    result.append(_rates(figures))
    result += [t for t in (_rates_by_age(figures), _change(figures), _trend(figures)) if t]
    result += [t for t in (funding_table(figures),) if t]
    result.append(_comparison(figures))
    return [t for t in result if t and (t["rows"] or t.get("empty"))]
