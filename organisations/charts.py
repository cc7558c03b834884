"""Horizontal bar charts as inline SVG, shared by every page and PDF that draws one.

Why not a chart library: pygal (the obvious choice) writes a `<style>` element and links a tooltip
script from the internet, which our Content Security Policy rightly blocks, and WeasyPrint does not run
scripts. These charts use SVG presentation attributes only (no `style`, no script), so they render the
same in the browser under the CSP and in WeasyPrint PDFs. Each has a title and a description for screen
readers, and every page also shows the same figures as text or a table.
"""

import textwrap
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE, GREEN, PURPLE, ORANGE, GREY, RED, BLACK = (
    "#1d70b8",
    "#00703c",
    "#4c2c92",
    "#f47738",
    "#b1b4b6",
    "#d4351c",
    "#0b0c0c",
)
FONT = "'Document Sans', arial, helvetica, sans-serif"


def wrap_label(text: str, most: int) -> list[str]:
    """A label as lines of at most `most` characters, broken between words (a longer word stays whole)."""
    return textwrap.wrap(text, width=max(most, 8), break_long_words=False) or [""]


def label_text(lines: list[str], *, x: int, middle: int, line_height: int = 14) -> str:
    """Right-aligned label lines centred on `middle`."""
    first = middle + 4 - (len(lines) - 1) * line_height // 2
    spans = "".join(
        f'<tspan x="{x}" y="{first + i * line_height}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text text-anchor="end" font-size="12" fill="{BLACK}">{spans}</text>'


def bar_chart(
    *,
    title: str,
    rows: Sequence[tuple[str, int | Decimal, str]],
    chart_id: str,
    description: str = "",
    scale_max: int | Decimal | None = None,
    colours: Sequence[str] = (BLUE,),
    width: int = 640,
    label_width: int = 260,
    css_class: str = "",
) -> SafeString:
    """One bar per (label, value, value as shown). Bars are scaled to `scale_max` (for shares, 100) or
    to the largest value; negative values draw no bar."""
    line_height, top = 14, 8
    # Labels wrap onto as many lines as they need (never cut off); each row is as tall as its label.
    labels = [wrap_label(label, label_width // 7) for label, _, _ in rows]
    heights = [max(28, line_height * len(lines) + 14) for lines in labels]
    bar_area = width - label_width - 110
    height = top * 2 + (sum(heights) if rows else 28)
    largest = Decimal(scale_max if scale_max is not None else max((v for _, v, _ in rows), default=0)) or 1
    class_attr = f' class="{css_class}"' if css_class else ""
    parts = [
        f'<svg{class_attr} id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title'
        f'{f" {chart_id}-desc" if description else ""}" font-family="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{chart_id}-desc">{escape(description)}</desc>')
    y = top
    for i, ((_, value, shown), lines, row_height) in enumerate(zip(rows, labels, heights, strict=True)):
        share = min(max(Decimal(value), Decimal(0)) / largest, Decimal(1))
        length = round(bar_area * share)
        colour = colours[i % len(colours)]
        middle = y + row_height // 2
        parts.append(label_text(lines, x=label_width - 8, middle=middle, line_height=line_height))
        parts.append(
            f'<rect x="{label_width}" y="{middle - 9}" width="{length}" height="18" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6}" y="{middle + 4}" font-size="12" fill="{BLACK}">'
            f"{escape(shown)}</text>"
        )
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
