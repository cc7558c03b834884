"""Turns a return's figures into the tables, charts and sentences a page or the PDF shows."""

from decimal import Decimal

from django.utils.safestring import mark_safe

from organisations.money import format_money, round_half_up

from . import suppression
from .charts import bar_chart
from .counting import (
    AGE_BANDS,
    DELIVERY_CLASSES,
    MANAGEMENT_TYPES,
    RATE_KEYS,
    SALT_MECHANISMS,
    SUPPORT_REASONS,
)
from .labels import (
    AGE_BAND_LABELS,
    DELIVERY_CLASS_LABELS,
    MANAGEMENT_TYPE_LABELS,
    RATE_LABELS,
    SALT_LABELS,
    SUPPORT_REASON_LABELS,
)

HOW_COUNTED = [
    (
        "Which budgets count",
        "Only arrangements of approved budget versions count. A draft, proposed, sent "
        "back or withdrawn budget is never counted.",
    ),
    (
        "Active on a day",
        "An arrangement is active on a day when it has started on or before that day and "
        "has no end date or ends on or after that day.",
    ),
    (
        "In the period",
        "An arrangement is in the period when it starts on or before the period's last day "
        "and has no end date or ends on or after the period's first day.",
    ),
    ("People at period end", "People with at least one arrangement active on the period's last day."),
    ("People during the period", "People with at least one arrangement in the period."),
    (
        "Delivery class",
        "Taken from the set of ways a person's budget is held among their arrangements in "
        "scope: one way gives that way 'only'; two or more ways give 'mixed'. A person is counted once.",
    ),
    (
        "Managed third-party budgets",
        "Individual Service Funds and direct payments managed by a third party. "
        "National returns count Individual Service Funds with council-managed budgets; "
        "here they are separate.",
    ),
    (
        "Budgets by way of holding",
        "Arrangements active at period end, and the sum of their annual amounts "
        "as stored, in pounds and pence.",
    ),
    ("Age", "In whole years on the period's last day; a birthday on that day counts."),
    (
        "SALT delivery mechanism",
        "Adults (18 and over) at period end: only direct payments of either kind "
        "gives 'direct payment only'; a direct payment and something else gives 'part direct payment'; no "
        "direct payment gives 'CASSR-managed personal budget'.",
    ),
    (
        "Status",
        "A return made on or before the period's last day is provisional: the figures at period end "
        "are a projection from the budgets known when it was made. A return made after the period "
        "ended is final. Only final returns can be published for other councils to compare against. "
        "A period that has not started cannot be asked for.",
    ),
    (
        "Rates per 1,000 adults",
        "Adults at period end divided by the council's population aged 18 and over "
        "for the year the period starts in, times 1,000, to one decimal place, rounding halves up.",
    ),
    (
        "The three overlapping rates",
        "Personal budgets, direct payments and managed third-party budgets overlap: a direct "
        "payment managed by a third party is counted both as a direct payment and as a managed "
        "third-party budget, and a person who holds their budget in more than one way is counted "
        "under each. They do not add up to the personal budgets rate.",
    ),
    (
        "The distinct rates",
        "Self-managed direct payments, Individual Service Funds and council-managed budgets each "
        "count adults with at least one arrangement of that kind at period end. None contains "
        "another; only people who hold their budget in more than one way (mixed) are in two of them.",
    ),
    (
        "Rates by age band",
        "Adults aged 18 to 64 (or 65 and over) at period end divided by the population of that band. "
        "The 65 and over population is the 65+ figure, or the sum of the 65 to 74, 75 to 84 and 85 and "
        "over figures when those are given instead. Not available without population figures.",
    ),
    (
        "People with any",
        "People with at least one arrangement of that kind active at period end. A person with an "
        "Individual Service Fund and a direct payment is counted under both.",
    ),
    (
        "Scottish self-directed support options",
        "Every person at period end, all ages, by the options of their arrangements active at period "
        "end: direct payments of either kind are option 1, Individual Service Funds option 2, "
        "council-managed budgets option 3. People whose arrangements span two or more of those options "
        "are option 4. A self-managed and a managed direct payment together are option 1.",
    ),
    (
        "Mixed people and the managed third-party figure",
        "The delivery-class bars count a person once. People with a managed third-party budget are "
        "those in 'managed direct payment only' and 'Individual Service Fund only', plus the mixed "
        "people who hold one of them alongside another way; so the managed third-party headline is "
        "more than the sum of those two bars.",
    ),
    (
        "Other councils and all councils",
        "The latest final return each other council has published for the same period. 'All "
        "councils' adds this council's figures to theirs; its rates are worked out over the councils "
        "that have population figures.",
    ),
    ("Small numbers", suppression.RULE),
]


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{round_half_up(Decimal(part) * 100 / Decimal(whole), 0)}%"


def _signed(n) -> str:
    if n is None:
        return "not available"
    return f"+{n:,}" if n > 0 else (f"{n:,}".replace("-", "−") if n < 0 else "no change")


def _people(n: int | str) -> str:
    """ "1 person", "1,234 people"; a suppressed group ("<5") is "<5 people"."""
    if not isinstance(n, int):
        return f"{n} people"
    return f"{n:,} {'person' if n == 1 else 'people'}"


def _moved(n: int) -> str:
    if n > 0:
        return f"rose by {n:,}"
    if n < 0:
        return f"fell by {-n:,}"
    return "did not change"


def period_dates(figures: dict) -> str:
    return f"{_date(figures['period']['start'])} to {_date(figures['period']['end'])}"


def _rate(value) -> str:
    if isinstance(value, str):  # suppressed or withheld
        return value
    return "not available" if value is None else f"{value:.1f}"


def _count(value) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def commentary(figures: dict) -> list[str]:
    """A few plain-English sentences about the headline figures."""
    end = figures["people_at_period_end"]
    total = end["total"]
    mtp = figures["managed_third_party"]["people_at_period_end"]
    by = end["by_delivery"]
    period = figures["period"]
    sentences = [
        f"On {_date(period['end'])}, {total:,} {'person' if total == 1 else 'people'} had a personal budget "
        f"from {figures.get('council_name', figures['council'])}; "
        f"{figures['people_during_period']['total']:,} had one at some time during the period.",
        f"{mtp:,} ({_pct(mtp, total)}) had a managed third-party budget: an Individual Service Fund or a "
        f"direct payment managed for them. {by['isf_only']:,} held only an Individual Service Fund and "
        f"{by['mixed']:,} held their budget in more than one way.",
    ]
    change = figures.get("change_since_previous_period")
    previous = figures.get("previous_period")
    if change and previous:
        sentences.append(
            f"Since the end of {previous['period']['label']}, the number of people with a personal budget "
            f"{_moved(change['people_at_period_end']['total'])} and the number with a managed third-party "
            f"budget {_moved(change['managed_third_party']['people_at_period_end'])}."
        )
    rates = figures["rates_per_1000_adults"]
    if rates["personal_budgets"] is None:
        sentences.append(
            "Rates per 1,000 adults are not available: no population figures for "
            f"{figures['period']['start'][:4]} have been imported for this council."
        )
    else:
        sentences.append(
            f"That is {_rate(rates['personal_budgets'])} adults with a personal budget per 1,000 adults, "
            f"{_rate(rates['direct_payments'])} with a direct payment and "
            f"{_rate(rates['managed_third_party'])} with a managed third-party budget."
        )
    return sentences


def _date(iso: str) -> str:
    from datetime import date

    return f"{date.fromisoformat(iso):%-d %B %Y}"


def tables(figures: dict) -> list[dict]:
    """Each table: id, caption, head (column names), rows (first cell a row header), numeric columns."""
    end, during = figures["people_at_period_end"], figures["people_during_period"]
    by_type = figures["budgets_at_period_end"]["by_management_type"]
    result = [
        {
            "id": "delivery",
            "caption": "People by how their budget is held (delivery class)",
            "head": ["Delivery class", "At period end", "During the period"],
            "rows": [
                [DELIVERY_CLASS_LABELS[c], _count(end["by_delivery"][c]), _count(during["by_delivery"][c])]
                for c in DELIVERY_CLASSES
            ]
            + [["All people", _count(end["total"]), _count(during["total"])]],
        },
        {
            "id": "management-types",
            "caption": "Arrangements active at period end, by way of holding the budget",
            "head": ["Way of holding", "Arrangements", "Annual value"],
            "rows": [
                [
                    MANAGEMENT_TYPE_LABELS[t],
                    _count(by_type[t]["count"]),
                    format_money(by_type[t]["annual_value"]),
                ]
                for t in MANAGEMENT_TYPES
            ],
        },
        {
            "id": "managed-third-party",
            "caption": "People with a managed third-party budget (ISF or managed direct payment)",
            "head": ["When", "People"],
            "rows": [
                ["At period end", _count(figures["managed_third_party"]["people_at_period_end"])],
                ["During the period", _count(figures["managed_third_party"]["people_during_period"])],
            ],
        },
        {
            "id": "age",
            "caption": "People at period end by age on the period's last day",
            "head": ["Age band", "People"],
            "rows": [[AGE_BAND_LABELS[b], _count(figures["by_age_band"][b])] for b in AGE_BANDS],
        },
        {
            "id": "support-reason",
            "caption": "People at period end by primary support reason",
            "head": ["Primary support reason", "People"],
            "rows": [
                [SUPPORT_REASON_LABELS[r], _count(figures["by_primary_support_reason"][r])]
                for r in SUPPORT_REASONS
            ],
        },
        {
            "id": "salt",
            "caption": "SALT-compatible delivery mechanism: adults at period end",
            "head": ["Delivery mechanism (SALT)", "Adults"],
            "rows": [[SALT_LABELS[m], _count(figures["salt"][m])] for m in SALT_MECHANISMS],
        },
        {
            "id": "rates",
            "caption": "Adults at period end per 1,000 adults in the council's population",
            "head": ["Measure", "Adults at period end", "Per 1,000 adults"],
            "rows": [
                [
                    RATE_LABELS[k],
                    _count(figures.get("adults_at_period_end", {}).get(k, 0)),
                    _rate(figures["rates_per_1000_adults"][k]),
                ]
                for k in RATE_KEYS
            ],
        },
    ]
    change = figures.get("change_since_previous_period")
    previous = figures.get("previous_period")
    if change and previous:
        rows = [
            [
                DELIVERY_CLASS_LABELS[c],
                _count(previous["people_at_period_end"]["by_delivery"][c]),
                _count(end["by_delivery"][c]),
                _signed(change["people_at_period_end"]["by_delivery"][c]),
            ]
            for c in DELIVERY_CLASSES
        ]
        rows.append(
            [
                "All people",
                _count(previous["people_at_period_end"]["total"]),
                _count(end["total"]),
                _signed(change["people_at_period_end"]["total"]),
            ]
        )
        rows.append(
            [
                "Managed third-party budgets",
                _count(previous["managed_third_party"]["people_at_period_end"]),
                _count(figures["managed_third_party"]["people_at_period_end"]),
                _signed(change["managed_third_party"]["people_at_period_end"]),
            ]
        )
        result.append(
            {
                "id": "change",
                "caption": f"Change in people at period end since {previous['period']['label']}",
                "head": ["Delivery class", previous["period"]["label"], figures["period"]["label"], "Change"],
                "rows": rows,
            }
        )
    others = figures.get("other_councils") or []
    own = {
        "name": f"{figures.get('council_name', figures['council'])} (this return)",
        "people_at_period_end": end,
        "managed_third_party": figures["managed_third_party"],
        "rates_per_1000_adults": figures["rates_per_1000_adults"],
    }
    result.append(
        {
            "id": "other-councils",
            "caption": f"Other councils' published returns for {figures['period']['label']}",
            "head": [
                "Council",
                "People at period end",
                "ISF only",
                "Mixed",
                "Managed third-party",
                "Personal budgets per 1,000 adults",
            ],
            "rows": [
                [
                    o["name"],
                    _count(o["people_at_period_end"]["total"]),
                    _count(o["people_at_period_end"]["by_delivery"]["isf_only"]),
                    _count(o["people_at_period_end"]["by_delivery"]["mixed"]),
                    _count(o["managed_third_party"]["people_at_period_end"]),
                    _rate(o["rates_per_1000_adults"]["personal_budgets"]),
                ]
                for o in [own, *others]
            ],
            "empty": "No other council has published its return for this period yet." if not others else "",
        }
    )
    return result


def charts(figures: dict) -> list[dict]:
    end = figures["people_at_period_end"]["by_delivery"]
    delivery = bar_chart(
        chart_id="chart-delivery",
        title="People at period end by delivery class",
        description="; ".join(f"{DELIVERY_CLASS_LABELS[c]}: {end[c]}" for c in DELIVERY_CLASSES),
        bars=[(DELIVERY_CLASS_LABELS[c], end[c]) for c in DELIVERY_CLASSES],
    )
    history = figures.get("managed_third_party_history") or []
    trend = bar_chart(
        chart_id="chart-trend",
        title="People with a managed third-party budget at the end of each period",
        description="; ".join(f"{h['period']}: {h['people_at_period_end']}" for h in history),
        bars=[(h["period"], h["people_at_period_end"]) for h in history],
    )
    return [
        {"id": "delivery", "title": "People at period end by delivery class", "svg": mark_safe(delivery)},  # noqa: S308
        {
            "id": "trend",
            "title": "Managed third-party budgets over the last periods",
            "svg": mark_safe(trend),
        },  # noqa: S308
    ]


def outcome_tables(figures: dict) -> list[dict]:
    survey = figures.get("outcome_survey")
    if not survey:
        return []
    result = []
    for management_type, block in (survey.get("by_management_type") or {}).items():
        name = {
            **MANAGEMENT_TYPE_LABELS,
            "mixed": "More than one way (mixed)",
            "none": "No budget arrangement at the time",
        }.get(management_type, management_type)
        rows = [
            [
                area.replace("_", " ").capitalize(),
                _count(v.get("better", 0)),
                _count(v.get("same", 0)),
                _count(v.get("worse", 0)),
            ]
            for area, v in (block.get("life_areas") or {}).items()
        ]
        result.append(
            {
                "id": f"outcomes-{management_type}",
                "caption": f"{name}: {_people(block.get('respondents', 0))} answered",
                "head": ["Life area", "Better", "Same", "Worse"],
                "rows": rows,
            }
        )
    return result


def return_context(figures: dict) -> dict:
    return {
        "figures": figures,
        "commentary": commentary(figures),
        "tables": tables(figures),
        "charts": charts(figures),
        "outcome_tables": outcome_tables(figures),
        "outcome_respondents": (figures.get("outcome_survey") or {}).get("respondents"),
        "how_counted": HOW_COUNTED,
        "period_dates": period_dates(figures),
    }
