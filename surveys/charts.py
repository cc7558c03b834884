"""Small SVG bar charts, drawn here so that pages and PDFs show the same picture with no JavaScript.

Each chart is a figure with a text alternative; pages also show the numbers in a table beside it. SVG
presentation attributes (fill, x, y) are not inline styles, so the Content Security Policy is happy.
"""

import uuid

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from organisations.charts import FONT, label_text, wrap_label
from organisations.charts import bar_chart as shared_bar_chart

BLUE = "#1d70b8"
GREEN = "#00703c"
GREY = "#b1b4b6"
RED = "#d4351c"
CHANGE_COLOURS = {"better": GREEN, "same": GREY, "worse": RED}


def bar_chart(*, title: str, rows: list[tuple[str, object, object]], width: int = 640) -> SafeString:
    """Horizontal bars, one per (label, percent, count), on a 0–100 scale, each bar saying its share and
    how many people; a withheld share (a string such as "<5") draws no bar and says so."""
    shown = []
    for label, percent, count in rows:
        if isinstance(percent, int) and isinstance(count, int):
            shown.append((label, percent, f"{percent}% ({count} {'person' if count == 1 else 'people'})"))
        else:
            marker = percent if isinstance(percent, str) else count
            shown.append((label, 0, f"{marker} (withheld: fewer than 5 people)"))
    return shared_bar_chart(
        title=title,
        # Unique even when one page shows the same question twice (a council beside all councils).
        chart_id=f"chart-{slugify(title)[:40]}-{uuid.uuid4().hex[:8]}",
        rows=shown,
        scale_max=100,
        width=width,
        label_width=300,
    )


def change_chart(*, title: str, rows: list[tuple[str, dict]], width: int = 640) -> SafeString:
    """Stacked bars of better / same / worse shares, one per (label, cell), each segment with its share
    written in it when there is room, and how many people answered at the end of the bar. Labels wrap
    onto more lines rather than being cut off."""
    label_w, bar_w, line_h = 220, width - 300, 14
    labels = [wrap_label(label, label_w // 7) for label, _ in rows]
    heights = [max(26, line_h * len(lines) + 10) for lines in labels]
    height = sum(heights) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    y = 5
    for (_label, cell), lines, row_h in zip(rows, labels, heights, strict=True):
        middle = y + row_h // 2
        parts.append(label_text(lines, x=label_w - 8, middle=middle, line_height=line_h))
        x = label_w
        answered = cell.get("answered", 0)
        if not isinstance(answered, int):
            parts.append(
                f'<text x="{x}" y="{middle + 4}" font-size="12" fill="#0b0c0c">'
                f"{escape(str(answered))} (withheld: fewer than 5 people)</text>"
            )
            y += row_h
            continue
        for key, colour in CHANGE_COLOURS.items():
            share = cell.get(f"{key}_percent", 0)
            length = round(bar_w * share / 100) if isinstance(share, int) else 0
            if length:
                parts.append(f'<rect x="{x}" y="{middle - 9}" width="{length}" height="18" fill="{colour}"/>')
                if length >= 34:
                    ink = "#0b0c0c" if key == "same" else "#ffffff"
                    parts.append(
                        f'<text x="{x + length / 2}" y="{middle + 4}" text-anchor="middle" font-size="11" '
                        f'fill="{ink}">{share}%</text>'
                    )
            x += length
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{middle + 4}" font-size="12" fill="#0b0c0c">'
            f"{answered} answered</text>"
        )
        y += row_h
    legend_y = height - 12
    x = label_w
    for key, colour in CHANGE_COLOURS.items():
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16}" y="{legend_y}" font-size="12" fill="#0b0c0c">'
            f"{escape(key.capitalize())}</text>"
        )
        x += 90
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
