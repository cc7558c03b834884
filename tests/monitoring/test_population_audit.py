"""A population import is recorded for each council it touches, with who imported it and which years.
Written to kill mutants that `make mutate` found surviving in monitoring/services.py."""

import pytest

from monitoring.models import PopulationFigure
from monitoring.services import import_population
from organisations.audit import history_for

pytestmark = pytest.mark.django_db

HEADER = "council_code,year,age_band,population\n"


def test_each_council_in_the_file_gets_one_audit_entry_naming_the_actor_and_its_years(
    council, other_council, monitoring_officer
):
    PopulationFigure.objects.create(council=council, year=2026, age_band="85+", population=1)
    kept = PopulationFigure.objects.create(council=other_council, year=2026, age_band="85+", population=2)
    rows = [
        (code, year, band)
        for code, year in (("E06000059", 2026), ("E06000059", 2025), ("E06000023", 2024))
        for band in ("0-17", "18-64", "65+")
    ]
    text = HEADER + "".join(f"{code},{year},{band},1000\n" for code, year, band in rows)
    told = []
    assert import_population(text=text, actor=monitoring_officer, progress=lambda **n: told.append(n)) == 9
    assert told[-1] == {"written": 9}
    # Bristol's 2026 figures are not in the file: they stay.
    assert PopulationFigure.objects.filter(pk=kept.pk).exists()
    # The file replaces what was held for Dorset 2026: the old 85+ figure is gone.
    assert not PopulationFigure.objects.filter(council=council, age_band="85+").exists()
    (dorset,) = history_for(council)
    (bristol,) = history_for(other_council)
    assert dorset.actor == bristol.actor == monitoring_officer
    assert dorset.additional_data["event"] == "population figures imported"
    assert dorset.changes_dict["population_years"] == ["", "2025, 2026"]
    assert bristol.changes_dict["population_years"] == ["", "2024"]
