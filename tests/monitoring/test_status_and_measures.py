"""Status (provisional or final), refused periods, and the measures the research asks for."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from monitoring import services
from monitoring.models import PopulationFigure
from monitoring.periods import Period, PeriodNotStarted, parse_period, period_containing
from monitoring.report import build_return
from tests.monitoring.factories import arrangement, budget, person, quick_pdf

pytestmark = pytest.mark.django_db

YEAR = parse_period("2026-27")


def run(period="2026-27", **kwargs) -> dict:
    out = io.StringIO()
    call_command("monitoring_return", council="E06000059", period=period, stdout=out, **kwargs)
    return json.loads(out.getvalue())


def population(council, year=2026, **bands):
    for band, n in bands.items():
        PopulationFigure.objects.create(
            council=council, year=year, age_band=band.replace("_", "-").replace("plus", "+"), population=n
        )


# ---- status ---------------------------------------------------------------------------------------


def test_a_return_made_on_the_last_day_is_provisional_and_the_day_after_final(council):
    assert build_return(council=council, period=YEAR, today=YEAR.end)["status"] == "provisional"
    assert build_return(council=council, period=YEAR, today=YEAR.start)["status"] == "provisional"
    after = YEAR.end + dt.timedelta(days=1)
    assert build_return(council=council, period=YEAR, today=after)["status"] == "final"


def test_a_period_that_has_not_started_is_refused(council):
    with pytest.raises(PeriodNotStarted, match="The period 2026-27 has not started"):
        build_return(council=council, period=YEAR, today=YEAR.start - dt.timedelta(days=1))
    future = Period(period_containing(timezone.localdate()).year + 4)
    with pytest.raises(
        CommandError, match=f"The period {future.label} has not started: it starts on 1 April"
    ):
        run(period=future.label)


def test_the_command_says_provisional_for_the_current_year_and_final_for_the_last(council):
    current = Period(period_containing(timezone.localdate()).year)
    assert run(period=current.label)["status"] == "provisional"
    assert run(period=current.previous().label)["status"] == "final"


def test_a_provisional_return_cannot_be_published_and_a_final_one_can(council, monitoring_officer):
    provisional = services.make_return_now(
        council=council,
        period=YEAR,
        created_at=timezone.make_aware(dt.datetime(2027, 3, 31, 23, 0)),
        render_pdf=quick_pdf,
    )
    assert provisional.status == "provisional"
    with pytest.raises(services.MonitoringError, match="This return is provisional"):
        services.publish_return(monitoring_return=provisional, actor=monitoring_officer)
    provisional.refresh_from_db()
    assert provisional.published_at is None
    final = services.make_return_now(
        council=council,
        period=YEAR,
        created_at=timezone.make_aware(dt.datetime(2027, 4, 1, 9, 0)),
        render_pdf=quick_pdf,
    )
    assert (final.status, final.version) == ("final", 2)
    assert services.publish_return(monitoring_return=final, actor=monitoring_officer).published_at


def test_asking_for_a_period_that_has_not_started_is_refused(council, monitoring_officer):
    future = Period(period_containing(timezone.localdate()).year + 1)
    with pytest.raises(services.MonitoringError, match="has not started"):
        services.request_return(council=council, period=future, actor=monitoring_officer, enqueue=False)


def test_the_actor_is_named_and_an_unknown_one_refused(council, monitoring_officer, tmp_path):
    from tests.monitoring.test_pdf import pdf_text

    target = tmp_path / "r.pdf"
    call_command(
        "monitoring_return",
        council="E06000059",
        period="2025-26",
        format="pdf",
        output=str(target),
        actor="Monitoring@Test.example.org",
        stderr=io.StringIO(),
    )
    text = " ".join(pdf_text(target.read_bytes(), tmp_path, layout=False).split())
    assert f"Asked for by {monitoring_officer.display_name}" in text
    assert "scheduled" not in text
    with pytest.raises(CommandError, match="There is no user with email address 'nobody@example.org'"):
        run(actor="nobody@example.org")


def test_each_stored_version_prints_its_number_and_status(council, tmp_path):
    from tests.monitoring.test_pdf import pdf_text

    last_year = parse_period("2025-26")
    services.make_return_now(council=council, period=last_year)
    second = services.make_return_now(council=council, period=last_year)
    text = " ".join(pdf_text(bytes(second.pdf), tmp_path, layout=False).split())
    assert "Version 2" in text
    assert "Final" in text
    assert "the scheduled end-of-period run" in text


# ---- measures -------------------------------------------------------------------------------------


def test_with_any_counts_a_person_under_each_type_they_hold(council):
    pb = budget(person(council))
    arrangement(pb, "isf")
    arrangement(pb, "direct_payment")
    arrangement(person(council), "isf")
    arrangement(person(council), "commissioner_controlled", end="2026-12-31")  # ended before period end
    data = run()
    assert data["people_at_period_end"]["with_any"] == {
        "direct_payment": 1,
        "direct_payment_managed": 0,
        "isf": 2,
        "commissioner_controlled": 0,
    }
    assert data["people_at_period_end"]["total"] == 2


def test_sds_options_self_managed_and_managed_direct_payment_is_option_1(council):
    both_dp = budget(person(council))
    arrangement(both_dp, "direct_payment")
    arrangement(both_dp, "direct_payment_managed")
    arrangement(person(council, born="2015-05-05"), "isf")  # a child: every age counts
    arrangement(person(council), "commissioner_controlled")
    dp_and_isf = budget(person(council))
    arrangement(dp_and_isf, "direct_payment_managed")
    arrangement(dp_and_isf, "isf")
    isf_and_cc = budget(person(council))
    arrangement(isf_and_cc, "isf")
    arrangement(isf_and_cc, "commissioner_controlled", end="2027-03-30")  # ended: option 2 at the end
    data = run()
    assert data["sds_options"] == {"option_1": 1, "option_2": 2, "option_3": 1, "option_4": 1}
    assert sum(data["sds_options"].values()) == data["people_at_period_end"]["total"]


def test_adults_by_distinct_kind_and_their_rates_round_half_up(council):
    population(council, **{"0_17": 100, "18_64": 600, "65plus": 200})  # 800 adults
    pb = budget(person(council))
    arrangement(pb, "direct_payment")
    arrangement(pb, "commissioner_controlled")
    arrangement(person(council), "direct_payment_managed")
    arrangement(person(council, born="2010-01-01"), "isf")  # a child: not an adult
    data = run()
    assert data["adults_at_period_end"] == {
        "personal_budgets": 2,
        "direct_payments": 2,
        "managed_third_party": 1,
        "self_managed_direct_payments": 1,
        "isf": 0,
        "council_managed": 1,
    }
    # 1 / 800 × 1000 = 1.25 → 1.3 half up; 2 / 800 × 1000 = 2.5
    assert data["rates_per_1000_adults"] == {
        "personal_budgets": 2.5,
        "direct_payments": 2.5,
        "managed_third_party": 1.3,
        "self_managed_direct_payments": 1.3,
        "isf": 0.0,
        "council_managed": 1.3,
    }


def test_rates_by_age_band_use_the_65_plus_row_or_the_sum_of_the_finer_bands(council):
    # 65 on the period's last day (a birthday that day counts): an older person.
    arrangement(person(council, born="1962-03-31"), "isf")
    arrangement(person(council, born="1962-04-01"), "direct_payment")  # 64
    population(council, **{"0_17": 10, "18_64": 400, "65plus": 800})
    data = run()
    assert data["rates_per_1000_adults_by_age_band"] == {
        "18-64": {"personal_budgets": 2.5, "direct_payments": 2.5, "managed_third_party": 0.0},
        "65+": {"personal_budgets": 1.3, "direct_payments": 0.0, "managed_third_party": 1.3},
    }
    assert data["adults_at_period_end_by_age_band"]["65+"]["managed_third_party"] == 1
    PopulationFigure.objects.filter(age_band="65+").delete()
    population(council, **{"65_74": 100, "75_84": 100, "85plus": 200})  # 400 in all
    data = run()
    assert data["rates_per_1000_adults_by_age_band"]["65+"]["personal_budgets"] == 2.5
    assert data["adult_population"]["by_age_band"] == {"18-64": 400, "65+": 400}


def test_rates_without_population_are_null(council):
    arrangement(person(council), "isf")
    data = run()
    assert data["rates_per_1000_adults"]["isf"] is None
    assert data["rates_per_1000_adults_by_age_band"]["18-64"] == dict.fromkeys(
        ["personal_budgets", "direct_payments", "managed_third_party"]
    )
    # Only the 18-64 row: that band has a rate, 65+ and the overall rates do not.
    population(council, **{"18_64": 1000})
    data = run()
    assert data["rates_per_1000_adults_by_age_band"]["18-64"]["personal_budgets"] == 1.0
    assert data["rates_per_1000_adults_by_age_band"]["65+"]["personal_budgets"] is None
    assert data["rates_per_1000_adults"]["personal_budgets"] is None


def test_people_by_age_band_and_delivery_class(council):
    arrangement(person(council, born="2009-03-31"), "isf")  # 18 on the last day
    arrangement(person(council, born="2009-04-01"), "isf")  # 17
    pb = budget(person(council, born="1940-01-01"))
    arrangement(pb, "isf")
    arrangement(pb, "direct_payment")
    data = run()
    table = data["by_age_band_and_delivery"]
    assert table["0-17"]["isf_only"] == 1
    assert table["18-64"]["isf_only"] == 1
    assert table["85+"]["mixed"] == 1
    assert sum(sum(row.values()) for row in table.values()) == data["people_at_period_end"]["total"] == 3
    for band, row in table.items():
        assert sum(row.values()) == data["by_age_band"][band]


def test_the_trend_has_counts_rates_and_all_councils(council, other_council):
    population(council, year=2025, **{"18_64": 300, "65plus": 100})
    population(other_council, year=2025, **{"18_64": 500, "65plus": 100})
    for _ in range(2):
        arrangement(person(council), "isf", start="2025-05-01")
    for _ in range(7):
        arrangement(person(other_council), "isf", start="2025-05-01")
    last_year = parse_period("2025-26")
    theirs = services.make_return_now(council=other_council, period=last_year, render_pdf=quick_pdf)
    services.publish_return(monitoring_return=theirs, actor=None)
    data = build_return(council=council, period=YEAR, today=dt.date(2026, 11, 1))
    assert [t["period"] for t in data["trend"]] == ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]
    row = data["trend"][3]
    assert row["people_at_period_end"] == {"personal_budgets": 2, "managed_third_party": 2}
    assert row["rates_per_1000_adults"] == {"personal_budgets": 5.0, "managed_third_party": 5.0}
    # All councils: 9 people over 1,000 adults.
    assert row["all_councils"]["people_at_period_end"] == {"personal_budgets": 9, "managed_third_party": 9}
    assert row["all_councils"]["rates_per_1000_adults"] == {
        "personal_budgets": 9.0,
        "managed_third_party": 9.0,
    }
    assert row["all_councils"]["councils"] == 2
    # 2026-27 has no published return from anyone else: all councils is this council alone.
    assert data["trend"][4]["all_councils"]["councils"] == 1
