"""Small SVG bar charts, drawn here so that pages and PDFs show the same picture with no JavaScript.

Each chart is a figure with a text alternative; pages also show the numbers in a table beside it. SVG
presentation attributes (fill, x, y) are not inline styles, so the Content Security Policy is happy.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE = "#1d70b8"
GREEN = "#00703c"
GREY = "#b1b4b6"
RED = "#d4351c"
CHANGE_COLOURS = {"better": GREEN, "same": GREY, "worse": RED}


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def bar_chart(*, title: str, rows: list[tuple[str, int]], width: int = 640) -> SafeString:
    """Horizontal bars, one per (label, percent)."""
    label_w, bar_w, row_h = 360, width - 420, 24
    height = row_h * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, percent) in enumerate(rows):
        y = 5 + i * row_h
        length = round(bar_w * max(0, min(percent, 100)) / 100)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="11" '
            f'font-family="sans-serif" fill="#0b0c0c">{escape(_short(label, 54))}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{length}" height="{row_h - 8}" fill="{BLUE}"/>')
        parts.append(
            f'<text x="{label_w + length + 6}" y="{y + 16}" font-size="13" font-family="sans-serif" '
            f'fill="#0b0c0c">{percent}%</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


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
            f'font-family="sans-serif" fill="#0b0c0c">{escape(label[:32])}</text>'
        )
        x = label_w
        for key, colour in CHANGE_COLOURS.items():
            length = round(bar_w * shares.get(f"{key}_percent", 0) / 100)
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
            f'<text x="{x + 16}" y="{legend_y}" font-size="12" font-family="sans-serif" fill="#0b0c0c">'
            f"{escape(key.capitalize())}</text>"
        )
        x += 90
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
