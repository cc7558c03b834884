"""Small SVG charts drawn here, inline in the page. They use presentation attributes (fill, stroke) and
no `style` attribute, `<style>` element or script, so they render under the site's Content Security
Policy. Each has a title and description for screen readers; the page also shows the figures as text."""

import datetime as dt
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from organisations.charts import bar_chart
from organisations.money import format_money

BLUE, GREY, BLACK, GREEN, ORANGE, PURPLE = "#1d70b8", "#b1b4b6", "#0b0c0c", "#00703c", "#f47738", "#4c2c92"
FONT = "'Document Sans', arial, helvetica, sans-serif"
BAR_COLOURS = [BLUE, GREEN, PURPLE, ORANGE]


def balance_chart(points: list[tuple[dt.date, Decimal]], *, chart_id: str) -> SafeString:
    """The balance over time as a stepped line (the balance only changes on days with entries)."""
    width, height, left, right, top, bottom = 640, 240, 80, 16, 16, 40
    if not points:
        return mark_safe("")  # noqa: S308 - empty
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    values = [v for _, v in points]
    low, high = min(min(values), Decimal(0)), max(max(values), Decimal(1))
    rng = high - low or Decimal(1)

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (day - first).days / span

    def y(value: Decimal) -> float:
        return top + float((high - value) / rng) * (height - top - bottom)

    path = []
    for i, (day, value) in enumerate(points):
        if i == 0:
            path.append(f"M{x(day):.1f},{y(value):.1f}")
        else:
            path.append(f"H{x(day):.1f}V{y(value):.1f}")
    lines = [
        f'<svg class="app-chart" id="{chart_id}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="{FONT}">',
        f'<title id="{chart_id}-title">Money left over time</title>',
        f'<desc id="{chart_id}-desc">From {format_money(values[0])} on {first:%-d %B %Y} to '
        f"{format_money(values[-1])} on {last:%-d %B %Y}; highest {format_money(max(values))}.</desc>",
        f'<line x1="{left}" y1="{y(Decimal(0)):.1f}" x2="{width - right}" y2="{y(Decimal(0)):.1f}" '
        f'stroke="{GREY}" stroke-width="1"/>',
    ]
    for value in (high, (high + low) / 2, low):
        lines.append(
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12" fill="{BLACK}">'
            f"{escape(format_money(value))}</text>"
        )
    lines.append(
        f'<text x="{left}" y="{height - 12}" font-size="12" fill="{BLACK}">{first:%-d %b %Y}</text>'
        f'<text x="{width - right}" y="{height - 12}" text-anchor="end" font-size="12" fill="{BLACK}">'
        f"{last:%-d %b %Y}</text>"
    )
    lines.append(f'<path d="{"".join(path)}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    lines.append("</svg>")
    return mark_safe("".join(lines))  # noqa: S308 - built from numbers, dates and escaped text


def spending_chart(rows: list[tuple[str, Decimal]], *, chart_id: str) -> SafeString:
    """Spending by kind as horizontal bars."""
    if not rows:
        return mark_safe("")  # noqa: S308 - empty
    return bar_chart(
        title="Spending by kind",
        description="; ".join(f"{label}: {format_money(amount)}" for label, amount in rows),
        chart_id=chart_id,
        rows=[(label, amount, format_money(amount)) for label, amount in rows],
        colours=BAR_COLOURS,
        label_width=160,
        css_class="app-chart",
    )
