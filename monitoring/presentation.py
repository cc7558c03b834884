"""Turns a return's figures into the sentences, charts and tables a page or the PDF shows."""

from datetime import date
from decimal import Decimal

from organisations.money import round_half_up
from surveys.selectors import AREA_LABELS

from . import suppression, tables
from .charts import bar_chart, rate_chart
from .counting import DELIVERY_CLASSES
from .labels import DELIVERY_CLASS_LABELS, GROUP_LABELS
from .trend_presentation import budget_trend_chart

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
        "people who hold one of them alongside another way; so the managed third-party headline can be "
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


def _date(iso: str) -> str:
    return f"{date.fromisoformat(iso):%-d %B %Y}"


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{round_half_up(Decimal(part) * 100 / Decimal(whole), 0)}%"


def _moved(n: int) -> str:
    if n > 0:
        return f"rose by {n:,}"
    if n < 0:
        return f"fell by {-n:,}"
    return "did not change"


def period_dates(figures: dict) -> str:
    return f"{_date(figures['period']['start'])} to {_date(figures['period']['end'])}"


def status_sentence(figures: dict, made_on: date | None = None) -> str:
    """The status in words, for page 1."""
    end = _date(figures["period"]["end"])
    if figures.get("status") == "provisional":
        made = f" It was made on {made_on:%-d %B %Y}." if made_on else ""
        return (
            f"This return was made before the period ends on {end}.{made} The figures "
            f"'on {end}' are a projection from the budgets known when it was made: budgets that start, "
            "change or end before then will change them. It cannot be published for other councils."
        )
    return f"This return was made after the period ended on {end}: it counts what happened."


def commentary(figures: dict) -> list[str]:
    """A few plain-English sentences about the headline figures."""
    end = figures["people_at_period_end"]
    total = end["total"]
    mtp = figures["managed_third_party"]["people_at_period_end"]
    by = end["by_delivery"]
    period = figures["period"]
    on = "will have had" if figures.get("status") == "provisional" else "had"
    sentences = [
        f"On {_date(period['end'])}, {total:,} {'person' if total == 1 else 'people'} {on} a personal budget "
        f"from {tables.name(figures)}"
        + (
            " (on the budgets known when this return was made)"
            if figures.get("status") == "provisional"
            else ""
        )
        + f"; {figures['people_during_period']['total']:,} had one at some time during the period.",
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
            f"That is {tables.rate(rates['personal_budgets'])} adults with a personal budget per 1,000 "
            "adults, "
            f"{tables.rate(rates['direct_payments'])} with a direct payment and "
            f"{tables.rate(rates['managed_third_party'])} with a managed third-party budget. These three "
            "overlap: a managed direct payment is in both of the last two."
        )
    return sentences


def charts(figures: dict) -> list[dict]:
    """Each chart has a title that says what is counted and in what unit."""
    end = figures["people_at_period_end"]["by_delivery"]
    delivery_title = "People at period end by delivery class (number of people)"
    delivery = bar_chart(
        chart_id="chart-delivery",
        title=delivery_title,
        description="; ".join(f"{DELIVERY_CLASS_LABELS[c]}: {end[c]} people" for c in DELIVERY_CLASSES),
        bars=[(DELIVERY_CLASS_LABELS[c], end[c]) for c in DELIVERY_CLASSES],
        unit="people",
    )
    result = [{"id": "delivery", "title": delivery_title, "svg": delivery}]
    trend = figures.get("trend") or []
    has_rates = any(t["rates_per_1000_adults"]["managed_third_party"] is not None for t in trend)
    if trend and has_rates:
        trend_title = "Managed third-party budgets: adults per 1,000 adults, this council and all councils"
        bars = []
        for t in trend:
            everyone = t.get("all_councils", {}).get("rates_per_1000_adults", {}).get("managed_third_party")
            bars.append(
                (f"{t['period']} {tables.name(figures)}", t["rates_per_1000_adults"]["managed_third_party"])
            )
            bars.append((f"{t['period']} all councils", everyone))
        svg = rate_chart(
            chart_id="chart-trend",
            title=trend_title,
            description="; ".join(f"{label}: {tables.rate(v)} per 1,000 adults" for label, v in bars),
            bars=bars,
        )
        result.append({"id": "trend", "title": trend_title, "svg": svg})
    elif trend:
        trend_title = "People with a managed third-party budget at the end of each period (number of people)"
        svg = bar_chart(
            chart_id="chart-trend",
            title=trend_title,
            description="; ".join(
                f"{t['period']}: {t['people_at_period_end']['managed_third_party']} people" for t in trend
            ),
            bars=[(t["period"], t["people_at_period_end"]["managed_third_party"]) for t in trend],
            unit="people",
        )
        result.append({"id": "trend", "title": trend_title, "svg": svg})
    budget_chart = budget_trend_chart(figures)
    if budget_chart:
        result.append(budget_chart)
    return result


def outcome_table(figures: dict) -> dict | None:
    """The outcome survey as one compact table: for each area of life, the shares who said better,
    the same or worse, by how the budget is held, with each group's size in the heading."""
    survey = figures.get("outcome_survey")
    if not survey or not survey.get("by_management_type"):
        return None
    groups = survey["by_management_type"]
    head = ["Area of life"]
    for kind, block in groups.items():
        size = block.get("respondents")
        size_words = size if isinstance(size, str) else f"{size:,}"
        head.append(f"{GROUP_LABELS.get(kind, kind)} ({size_words} answered)")
    areas = []
    for block in groups.values():
        for area in block.get("life_areas") or {}:
            if area not in areas:
                areas.append(area)
    rows = []
    for area in areas:
        row = [AREA_LABELS.get(area, area.replace("_", " ").capitalize())]
        answered_any = False
        for block in groups.values():
            v = (block.get("life_areas") or {}).get(area, {})
            values = [v.get(k, 0) for k in ("better", "same", "worse")]
            if any(isinstance(x, str) for x in values):
                row.append(next(x for x in values if isinstance(x, str)))
                continue
            answered = sum(values)
            answered_any = answered_any or bool(answered)
            shares = " / ".join(_pct(x, answered) for x in values)
            row.append(f"{shares} (n={answered})" if answered else "–")
        if answered_any:
            rows.append(row)
    if not any(isinstance(b.get("respondents"), int) for b in groups.values()):
        return {
            "id": "outcomes",
            "caption": "Has life got better?",
            "head": [],
            "rows": [],
            "empty": "Every group answering in this period has fewer than 5 people, so their answers are "
            "not shown: small numbers could identify someone.",
        }
    return {
        "id": "outcomes",
        "caption": "Has life got better? Better / same / worse as a share of those who answered about "
        "each area (n = how many answered), by how the budget is held",
        "head": head,
        "rows": rows,
        "note": "People who said an area does not apply to them are left out of it. A group of fewer than "
        "5 people is shown as <5.",
    }


def return_context(figures: dict) -> dict:
    return {
        "figures": figures,
        "status_sentence": status_sentence(figures),
        "headline": tables.headline(figures),
        "commentary": commentary(figures),
        "tables": tables.tables(figures),
        "charts": charts(figures),
        "outcome_table": outcome_table(figures),
        "outcome_respondents": (figures.get("outcome_survey") or {}).get("respondents"),
        "how_counted": HOW_COUNTED,
        "period_dates": period_dates(figures),
        "period_end_words": _date(figures["period"]["end"]),
    }
