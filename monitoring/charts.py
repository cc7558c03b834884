"""The monitoring return's charts, drawn with the shared bar chart; each names its unit."""

from organisations.charts import BLUE, GREY
from organisations.charts import bar_chart as _bar_chart


def bar_chart(*, title: str, description: str, bars: list[tuple[str, int]], chart_id: str, unit: str) -> str:
    singular = {"people": "person"}.get(unit, unit)
    """Horizontal bars, one per (label, count), with the count and its unit at the end of each bar."""
    return _bar_chart(
        title=title,
        description=description,
        chart_id=chart_id,
        rows=[(label, value, f"{value:,} {unit if value != 1 else singular}") for label, value in bars],
        label_width=300,
    )


def rate_chart(*, title: str, description: str, bars: list[tuple[str, object]], chart_id: str) -> str:
    """Rates per 1,000 adults in pairs (this council in blue, all councils in grey); a withheld or
    unavailable rate draws no bar and says so."""
    rows = []
    for label, value in bars:
        if isinstance(value, float | int):
            rows.append((label, value, f"{value:.1f} per 1,000"))
        else:
            rows.append((label, 0, "not available" if value is None else f"{value} (withheld)"))
    return _bar_chart(
        title=title,
        description=description,
        chart_id=chart_id,
        rows=rows,
        colours=(BLUE, GREY),
        label_width=300,
    )
