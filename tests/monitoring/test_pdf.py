"""The PDF reads well: checked by extracting its text with pdftotext."""

import datetime as dt
import subprocess

import pytest

from monitoring import services
from monitoring.models import PopulationFigure
from monitoring.pdf import pdf_html, render_pdf
from monitoring.periods import parse_period
from monitoring.report import build_return
from tests.monitoring.factories import arrangement, budget, person
from tests.organisations.test_documents import fonts_in

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path, *, layout: bool = True, page: int | None = None) -> str:
    """The PDF's text; with `layout` table rows stay on one line, without it a cell's wrapped lines
    read on (for names, whose wrapping depends on the column width, never asserted on)."""
    path = tmp_path / "return.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), *pages, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_pdf_has_a_cover_tables_commentary_charts_salt_comparison_and_method(
    council, other_council, monitoring_officer, tmp_path
):
    for _ in range(6):
        arrangement(person(council), "isf", start="2025-06-01")
    arrangement(person(other_council), "isf", start="2025-06-01")
    pb = budget(person(council, born="1940-01-01"))
    arrangement(pb, "direct_payment")
    arrangement(pb, "commissioner_controlled")
    for band, n in (("0-17", 1000), ("18-64", 3000), ("65+", 1000)):
        PopulationFigure.objects.create(council=council, year=2025, age_band=band, population=n)
    period = parse_period("2025-26")
    services.publish_return(
        monitoring_return=services.make_return_now(council=other_council, period=period), actor=None
    )
    figures = build_return(council=council, period=period)
    data = render_pdf(figures, requested_by=monitoring_officer)
    squashed = " ".join(pdf_text(data, tmp_path).split())
    reading_order = " ".join(pdf_text(data, tmp_path, layout=False).split())
    assert "Personal budgets monitoring return" in squashed
    assert "Dorset Council" in squashed
    assert "1 April 2025 to 31 March 2026" in squashed
    assert "Date made" in squashed
    assert "E06000059" in squashed
    assert "On 31 March 2026, 7 people had a personal budget from Dorset Council" in squashed
    assert "6 (86%) had a managed third-party budget" in squashed
    assert "People at period end by delivery class" in squashed
    assert "Individual Service Fund only 6 6" in squashed
    assert "More than one way (mixed) 1 1" in squashed
    assert "Individual Service Fund 6 6 £60,000.00 £10,000.00" in squashed
    # The finance table has a total row and the average per person: £80,000 over 7 people.
    assert "All ways of holding 8 7 £80,000.00 £11,428.57" in squashed
    assert "For the national and Scottish returns" in squashed
    assert "Part direct payment 1" in squashed
    assert "CASSR-managed personal budget 6" in squashed
    assert "Personal budgets 7 1.8" in squashed  # 7 / 4000 × 1000 = 1.75 → 1.8
    assert "Comparison with other councils" in squashed
    assert "Bristol City Council" in reading_order
    assert fonts_in(data, tmp_path) <= {"Document-Sans", "Document-Sans-Bold"}
    assert "<5" in squashed
    assert "How each figure is counted" in squashed
    assert "a birthday on that day counts" in squashed
    # The trend is in rates, labelled with each period, this council's and all councils'.
    assert "Managed third-party budgets: adults per 1,000 adults, this council and all councils" in squashed
    assert "2021-22" in squashed and "2024-25" in squashed
    assert "2025-26 all councils" in reading_order
    # The delivery-class bars are reconciled with the managed third-party headline.
    assert "6 people have a managed third-party budget at period end." in reading_order
    assert "A count from 1 to 4 is shown as <5" in squashed


def test_page_1_carries_the_answer(council, monitoring_officer, tmp_path):
    for _ in range(6):
        arrangement(person(council), "isf", start="2025-06-01")
    pb = budget(person(council, born="1940-01-01"))
    arrangement(pb, "direct_payment")
    arrangement(pb, "commissioner_controlled")
    for band, n in (("0-17", 1000), ("18-64", 3000), ("65+", 1000)):
        PopulationFigure.objects.create(council=council, year=2025, age_band=band, population=n)
    figures = build_return(council=council, period=parse_period("2025-26"))
    first = " ".join(pdf_text(render_pdf(figures, version=3), tmp_path, layout=False, page=1).split())
    assert "Dorset Council" in first
    assert "2025-26: 1 April 2025 to 31 March 2026" in first
    assert "Final This return was made after the period ended on 31 March 2026" in first
    layout = " ".join(pdf_text(render_pdf(figures, version=3), tmp_path, page=1).split())
    # Headline counts (all ages) and rates per 1,000 adults: 7 / 4,000 → 1.8, 6 / 4,000 → 1.5.
    assert "People with a personal budget 7 1.8" in layout
    assert "with an Individual Service Fund 6 1.5" in layout
    assert "with a self-managed direct payment 1 0.3" in layout
    assert "with a council-managed budget 1 0.3" in layout
    assert "Version 3" in first
    provisional = build_return(council=council, period=parse_period("2026-27"), today=dt.date(2026, 11, 27))
    first = " ".join(pdf_text(render_pdf(provisional), tmp_path, layout=False, page=1).split())
    assert "Provisional This return was made before the period ends on 31 March 2027." in first
    assert "It cannot be published for other councils." in first


def test_without_population_the_pdf_says_why_there_are_no_rates(council, tmp_path):
    figures = build_return(council=council, period=parse_period("2026-27-Q2"))
    squashed = " ".join(pdf_text(render_pdf(figures), tmp_path).split())
    assert "Rates cannot be worked out because no population figures for 2026 have been imported" in squashed
    assert "No other council has published a final return for this period yet." in squashed


def test_the_html_tables_have_headers_and_the_charts_have_titles(council):
    html = pdf_html(build_return(council=council, period=parse_period("2026-27")))
    assert '<html lang="en-GB">' in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert (
        '<title id="chart-delivery-title">People at period end by delivery class (number of people)</title>'
        in html
    )
    assert 'role="img"' in html


def test_the_outcome_survey_is_one_compact_table_with_shares_and_group_sizes():
    from monitoring.presentation import outcome_table

    areas = {
        "dignity": {"better": 4, "same": 1, "worse": 1},
        "paid_work": {"better": 0, "same": 0, "worse": 0},
    }
    figures = {
        "outcome_survey": {
            "respondents": 8,
            "by_management_type": {
                "isf": {"respondents": 6, "life_areas": areas},
                "mixed": {
                    "respondents": "<5",
                    "life_areas": {a: dict.fromkeys(("better", "same", "worse"), "<5") for a in areas},
                },
            },
        }
    }
    table = outcome_table(figures)
    assert table["head"] == [
        "Area of life",
        "Individual Service Fund only (6 answered)",
        "More than one way (mixed) (<5 answered)",
    ]
    # Nobody answered about paid work: no row for it.
    assert table["rows"] == [["Dignity", "67% / 17% / 17% (n=6)", "<5"]]
