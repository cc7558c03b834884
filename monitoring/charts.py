"""The monitoring return's charts: counts of people, drawn with the shared bar chart."""

from organisations.charts import bar_chart as _bar_chart


def bar_chart(*, title: str, description: str, bars: list[tuple[str, int]], chart_id: str) -> str:
    """Horizontal bars, one per (label, value), with the value written at the end of each bar."""
    return _bar_chart(
        title=title,
        description=description,
        chart_id=chart_id,
        rows=[(label, value, f"{value:,}") for label, value in bars],
    )
