"""import_population: all or nothing, errors as `line N: column: what is wrong`, re-import replaces."""

import io

import pytest
from django.core.management import call_command

from monitoring.models import PopulationFigure
from monitoring.services import PopulationImportError, import_population

pytestmark = pytest.mark.django_db

HEADER = "council_code,year,age_band,population\n"


def test_a_good_file_is_imported(council, other_council, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(
        HEADER
        + "E06000059,2026,0-17,66000\nE06000059,2026,18-64,200000\nE06000059,2026,65+,110000\n"
        + "E06000023,2026,0-17,95000\nE06000023,2026,18-64,317000\n"
        + "E06000023,2026,65-74,34000\nE06000023,2026,75-84,21000\nE06000023,2026,85+,9000\n"
    )
    out = io.StringIO()
    call_command("import_population", str(path), stdout=out)
    assert out.getvalue().strip() == f"Imported 8 population figures from {path}."
    assert PopulationFigure.objects.count() == 8
    from monitoring.counting import adult_population

    assert adult_population(council_id=council.pk, year=2026) == 310000
    assert adult_population(council_id=other_council.pk, year=2026) == 381000
    assert adult_population(council_id=council.pk, year=2025) is None


def test_every_problem_is_reported_with_its_line_and_nothing_is_imported(council, tmp_path):
    text = (
        HEADER
        + "E06000059,2026,0-17,66000\n"
        + "E09999999,2026,18-64,100\n"
        + "E06000059,20x6,18-64,100\n"
        + "E06000059,2026,16-64,100\n"
        + "E06000059,2026,18-64,-5\n"
        + "E06000059,2026\n"
    )
    with pytest.raises(PopulationImportError) as caught:
        import_population(text=text)
    assert caught.value.errors == [
        "line 3: council_code: no council with code 'E09999999'",
        "line 4: year: '20x6' is not a year like 2026",
        "line 5: age_band: '16-64' is not one of 0-17, 18-64, 65+, 65-74, 75-84, 85+",
        "line 6: population: '-5' is not a whole number of people",
        "line 7: row: expected 4 values, found 2",
    ]
    assert PopulationFigure.objects.count() == 0


def test_the_command_exits_with_an_error_and_prints_each_problem(council, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,year,band,population\nE06000059,2026,0-17,1\n")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_population", str(path), stderr=err)
    assert exit_status.value.code == 1
    assert err.getvalue().strip() == (
        "line 1: header: expected council_code,year,age_band,population, found code,year,band,population"
    )


def test_incomplete_or_doubled_bands_are_refused(council):
    with pytest.raises(PopulationImportError) as caught:
        import_population(
            text=HEADER + "E06000059,2026,0-17,1\nE06000059,2026,18-64,2\nE06000059,2026,65-74,3\n"
        )
    assert caught.value.errors == [
        "line 2: age_band: E06000059 2026 is missing 65+ (or 65-74, 75-84 and 85+)"
    ]
    with pytest.raises(PopulationImportError) as caught:
        import_population(
            text=HEADER
            + "E06000059,2026,0-17,1\nE06000059,2026,18-64,2\nE06000059,2026,65+,3\nE06000059,2026,85+,1\n"
        )
    assert caught.value.errors == [
        "line 2: age_band: E06000059 2026 gives 65+ and also 65-74, 75-84 or 85+; give one or the other"
    ]
    with pytest.raises(PopulationImportError) as caught:
        import_population(text=HEADER + "E06000059,2026,0-17,1\nE06000059,2026,0-17,2\n")
    assert caught.value.errors == ["line 3: age_band: 0-17 for E06000059 in 2026 is already on line 2"]


def test_a_second_import_replaces_that_council_and_year_only(council):
    import_population(
        text=HEADER
        + "E06000059,2026,0-17,1\nE06000059,2026,18-64,2\nE06000059,2026,65-74,3\n"
        + "E06000059,2026,75-84,4\nE06000059,2026,85+,5\n"
        + "E06000059,2025,0-17,1\nE06000059,2025,18-64,2\nE06000059,2025,65+,3\n"
    )
    import_population(
        text=HEADER + "E06000059,2026,0-17,10\nE06000059,2026,18-64,20\nE06000059,2026,65+,30\n"
    )
    assert dict(PopulationFigure.objects.filter(year=2026).values_list("age_band", "population")) == {
        "0-17": 10,
        "18-64": 20,
        "65+": 30,
    }
    assert PopulationFigure.objects.filter(year=2025).count() == 3
