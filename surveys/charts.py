"""Small SVG bar charts, drawn here so that pages and PDFs show the same picture with no JavaScript.

Each chart is a figure with a text alternative; pages also show the numbers in a table beside it. SVG
presentation attributes (fill, x, y) are not inline styles, so the Content Security Policy is happy.
"""

import uuid

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from organisations.charts import FONT
from organisations.charts import bar_chart as shared_bar_chart

BLUE = "#1d70b8"
GREEN = "#00703c"
GREY = "#b1b4b6"
RED = "#d4351c"
CHANGE_COLOURS = {"better": GREEN, "same": GREY, "worse": RED}


def bar_chart(*, title: str, rows: list[tuple[str, int]], width: int = 640) -> SafeString:
    """Horizontal bars, one per (label, percent), on a 0–100 scale."""
    return shared_bar_chart(
        title=title,
        # Unique even when one page shows the same question twice (a council beside all councils).
        chart_id=f"chart-{slugify(title)[:40]}-{uuid.uuid4().hex[:8]}",
        # A withheld share (a string such as "<5") draws no bar and says why.
        rows=[
            (label, percent, f"{percent}%")
            if isinstance(percent, int)
            else (label, 0, f"{percent} (withheld)")
            for label, percent in rows
        ],
        scale_max=100,
        width=width,
        label_width=360,
    )


def change_chart(*, title: str, rows: list[tuple[str, dict[str, int]]], width: int = 640) -> SafeString:
    """Stacked bars of better / same / worse shares, one per (label, {better_percent: ...})."""
    label_w, bar_w, row_h = 220, width - 240, 24
    height = row_h * len(rows) + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, shares) in enumerate(rows):
        y = 5 + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'font-family="{FONT}" fill="#0b0c0c">{escape(label[:32])}</text>'
        )
        x = label_w
        for key, colour in CHANGE_COLOURS.items():
            share = shares.get(f"{key}_percent", 0)
            length = round(bar_w * share / 100) if isinstance(share, int) else 0
            if length:
                parts.append(
                    f'<rect x="{x}" y="{y + 3}" width="{length}" height="{row_h - 8}" fill="{colour}"/>'
                )
            x += length
    legend_y = height - 12
    x = label_w
    for key, colour in CHANGE_COLOURS.items():
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16}" y="{legend_y}" font-size="12" font-family="{FONT}" fill="#0b0c0c">'
            f"{escape(key.capitalize())}</text>"
        )
        x += 90
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
