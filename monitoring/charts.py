"""Simple, accessible SVG bar charts drawn from the figures (no JavaScript, works in WeasyPrint and
in the browser). Each chart has a title and a description; the same numbers are always in a table."""

from django.utils.html import escape

BAR_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"


def bar_chart(*, title: str, description: str, bars: list[tuple[str, int]], chart_id: str) -> str:
    """Horizontal bars, one per (label, value), with the value written at the end of each bar."""
    label_width, bar_area, row, top = 260, 300, 28, 10
    width = label_width + bar_area + 60
    height = top * 2 + row * max(len(bars), 1)
    largest = max((v for _, v in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * row
        length = round(bar_area * value / largest) if value else 0
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'font-family="Arial, sans-serif" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="18" fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6}" y="{y + 17}" font-size="12" '
            f'font-family="Arial, sans-serif" fill="{TEXT_COLOUR}">{value:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
