"""The budget trend (issue 17) as a table and a chart, for the return's page and its PDF."""

from decimal import Decimal

from organisations.charts import BLUE, GREY, bar_chart
from organisations.money import format_money


def budget_trend_table(figures: dict) -> dict | None:
    """A return made before issue 17 has no `budget_trend`: no table."""
    trend = figures.get("budget_trend")
    if not trend:
        return None
    return {
        "id": "budget-trend",
        "caption": "Budget per person at the end of each period, and changes after reviews",
        "head": [
            "Period",
            "People",
            "Mean a year",
            "Median a year",
            "Reduced after outcomes met",
            "Reduced otherwise",
            "Increased",
        ],
        "rows": [
            [
                t["period"],
                f"{t['people']:,}",
                format_money(t["mean_annual_budget"]),
                format_money(t["median_annual_budget"]),
                t["reduced_after_outcomes_met"],
                t["reduced_otherwise"],
                t["increased"],
            ]
            for t in trend
        ],
        "note": "A budget per person is the sum of their budget's parts in place on the period's last day. "
        "Reductions and increases count new budget versions that started in the period: 'after outcomes "
        "met' means the review that led to it found at least one outcome met (support tapering as life "
        "grows); 'otherwise' is any other reduction.",
    }


def budget_trend_chart(figures: dict) -> dict | None:
    trend = figures.get("budget_trend")
    if not trend:
        return None
    title = "Mean and median budget per person at the end of each period (pounds a year)"
    rows = []
    for t in trend:
        for kind, key in (("mean", "mean_annual_budget"), ("median", "median_annual_budget")):
            value = Decimal(t[key])
            rows.append((f"{t['period']} {kind}", value, format_money(value)))
    svg = bar_chart(
        chart_id="chart-budget-trend",
        title=title,
        description="; ".join(f"{label}: {shown}" for label, _, shown in rows),
        rows=rows,
        colours=(BLUE, GREY),
        label_width=200,
    )
    return {"id": "budget-trend", "title": title, "svg": svg}
