"""A table that scrolls sideways on a phone must be reachable by keyboard (WCAG 2.1.1; axe's
scrollable-region-focusable): every scroll region is a labelled, focusable region."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_scrolling_table_region_is_labelled_and_focusable():
    templates = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    regions = [
        (template, tag)
        for template in templates
        for tag in re.findall(r"<div[^>]*app-table-scroll[^>]*>", template.read_text())
    ]
    assert len(regions) >= 10
    for template, tag in regions:
        assert 'tabindex="0"' in tag and 'role="region"' in tag, (template, tag)
        assert "aria-label" in tag, (template, tag)
