"""Demo data for monitoring: population figures for the two demo councils and a published return for
a past period for each. Idempotent."""

from datetime import date

from organisations.models import Council

from .models import MonitoringReturn, PopulationFigure
from .periods import Period, period_containing
from .services import make_return_now, publish_return

ORDER = 50

# Made-up but plausible mid-year estimates (Dorset ≈ 380,000 people, Bristol ≈ 480,000).
POPULATION = {
    "E06000059": {"0-17": 66_400, "18-64": 200_900, "65-74": 55_300, "75-84": 39_800, "85+": 14_600},
    "E06000023": {"0-17": 95_700, "18-64": 317_800, "65-74": 34_100, "75-84": 21_300, "85+": 8_900},
}
YEARS = (2024, 2025, 2026)


def build(*, stdout) -> None:
    councils = {c.gss_code: c for c in Council.objects.filter(gss_code__in=POPULATION)}
    for code, bands in POPULATION.items():
        council = councils.get(code)
        if council is None:
            continue
        for year in YEARS:
            growth = 1 + 0.006 * (year - 2024)
            for band, population in bands.items():
                PopulationFigure.objects.update_or_create(
                    council=council,
                    year=year,
                    age_band=band,
                    defaults={"population": round(population * growth)},
                )
    # A published return for the last finished financial year (made by no person: the scheduler's kind).
    year = Period(period_containing(date.today()).year - 1)
    made = 0
    for council in councils.values():
        if MonitoringReturn.objects.filter(council=council, period=year.label).exists():
            continue
        snapshot = make_return_now(council=council, period=year, actor=None)
        publish_return(monitoring_return=snapshot, actor=None)
        made += 1
    stdout.write(
        f"monitoring: population for {len(councils)} councils, {made} published {year.label} returns"
    )
