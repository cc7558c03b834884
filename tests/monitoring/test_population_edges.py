"""Population files at their edges: empty, header only, the years allowed, blank lines, every band
missing. Written to kill mutants that `make mutate` found surviving in monitoring/population.py."""

import pytest

from monitoring.models import PopulationFigure
from monitoring.services import PopulationImportError, import_population

pytestmark = pytest.mark.django_db

HEADER = "council_code,year,age_band,population\n"


def _refused(text) -> list[str]:
    with pytest.raises(PopulationImportError) as caught:
        import_population(text=text)
    assert not PopulationFigure.objects.exists()
    return caught.value.errors


def _complete(year, code="E06000059") -> str:
    return "".join(f"{code},{year},{band},100\n" for band in ("0-17", "18-64", "65+"))


def test_an_empty_file_and_a_header_alone_are_refused(council):
    assert _refused("") == [
        "line 1: header: the file is empty; the first line must be council_code,year,age_band,population"
    ]
    assert _refused(HEADER) == ["line 2: row: the file has a header but no figures"]


@pytest.mark.parametrize("year", ["1990", "2100"])
def test_the_first_and_last_years_allowed_are_taken(council, year):
    assert import_population(text=HEADER + _complete(year)) == 3


@pytest.mark.parametrize("year", ["1989", "2101", "-2026", "20.6"])
def test_years_outside_1990_to_2100_are_refused(council, year):
    errors = _refused(HEADER + _complete(year))
    assert errors[0] == f"line 2: year: '{year}' is not a year like 2026"
    assert len(errors) == 3  # one per line


def test_blank_lines_are_skipped_and_the_rows_after_them_still_read(council):
    assert import_population(text=HEADER + "\n" + _complete(2026) + "\n\n" + _complete(2025)) == 6
    assert PopulationFigure.objects.filter(year=2025).count() == 3


def test_every_missing_band_is_named(council):
    assert _refused(HEADER + "E06000059,2026,65-74,1\nE06000059,2026,85+,1\n") == [
        "line 2: age_band: E06000059 2026 is missing 0-17, 18-64, 65+ (or 65-74, 75-84 and 85+)"
    ]
    # 65+ split into all three finer bands is complete.
    split = "".join(f"E06000059,2026,{b},1\n" for b in ("0-17", "18-64", "65-74", "75-84", "85+"))
    assert import_population(text=HEADER + split) == 5


def test_a_header_in_capitals_and_values_with_spaces_are_read(council):
    text = " Council_Code,YEAR ,Age_Band,Population\n" + "".join(
        f" E06000059 , 2026 ,{band} , 100 \n" for band in ("0-17", "18-64", "65+")
    )
    assert import_population(text=text) == 3
    assert dict(
        PopulationFigure.objects.filter(council=council, year=2026).values_list("age_band", "population")
    ) == {
        "0-17": 100,
        "18-64": 100,
        "65+": 100,
    }


def test_the_three_finer_over_65_bands_alone_miss_only_the_younger_bands(council):
    assert _refused(HEADER + "".join(f"E06000059,2026,{b},1\n" for b in ("65-74", "75-84", "85+"))) == [
        "line 2: age_band: E06000059 2026 is missing 0-17, 18-64"
    ]


def test_each_council_and_year_is_checked_for_completeness(council, other_council):
    # Dorset gives the over-65s twice over; Bristol (later in the file) misses its children.
    text = (
        HEADER
        + _complete(2026)
        + "E06000059,2026,75-84,1\n"
        + "E06000023,2026,18-64,1\nE06000023,2026,65+,1\n"
    )
    assert _refused(text) == [
        "line 2: age_band: E06000059 2026 gives 65+ and also 65-74, 75-84 or 85+; give one or the other",
        "line 6: age_band: E06000023 2026 is missing 0-17",
    ]


def test_a_row_with_too_few_values_does_not_stop_the_rows_after_it_being_checked(council):
    assert _refused(HEADER + "E06000059,2026\nE06000059,2026,16-64,1\nE06000059,2026,18-64,1,2\n") == [
        "line 2: row: expected 4 values, found 2",
        "line 3: age_band: '16-64' is not one of 0-17, 18-64, 65+, 65-74, 75-84, 85+",
        "line 4: row: expected 4 values, found 5",
    ]
