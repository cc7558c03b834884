"""The monitoring_return command's JSON follows DESIGN.md's counting rules on the edge cases."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from budgets.models import BudgetStatus
from monitoring.models import PopulationFigure
from tests.monitoring.factories import arrangement, budget, person

pytestmark = pytest.mark.django_db

FIVE = [
    "direct_payment_only",
    "direct_payment_managed_only",
    "isf_only",
    "commissioner_controlled_only",
    "mixed",
]


def run(council_code="E06000059", period="2026-27") -> dict:
    out = io.StringIO()
    call_command("monitoring_return", council=council_code, period=period, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_an_empty_council_has_every_key_with_zeros(council):
    data = run()
    assert data["council"] == "E06000059"
    assert data["period"] == {"label": "2026-27", "start": "2026-04-01", "end": "2027-03-31"}
    zeros = dict.fromkeys(FIVE, 0)
    types = ["direct_payment", "direct_payment_managed", "isf", "commissioner_controlled"]
    assert data["people_at_period_end"] == {
        "total": 0,
        "by_delivery": zeros,
        "with_any": dict.fromkeys(types, 0),
    }
    assert data["people_during_period"] == {"total": 0, "by_delivery": zeros}
    assert data["budgets_at_period_end"] == {
        "by_management_type": {
            t: {"count": 0, "annual_value": "0.00"}
            for t in ["direct_payment", "direct_payment_managed", "isf", "commissioner_controlled"]
        }
    }
    assert data["managed_third_party"] == {"people_at_period_end": 0, "people_during_period": 0}
    assert data["by_age_band"] == {"0-17": 0, "18-64": 0, "65-74": 0, "75-84": 0, "85+": 0}
    assert data["by_primary_support_reason"] == {
        "physical_support": 0,
        "sensory_support": 0,
        "memory_and_cognition": 0,
        "learning_disability": 0,
        "mental_health": 0,
        "social_support": 0,
    }
    assert data["salt"] == {
        "direct_payment_only": 0,
        "part_direct_payment": 0,
        "cassr_managed_personal_budget": 0,
    }
    assert data["rates_per_1000_adults"] == {
        "personal_budgets": None,
        "direct_payments": None,
        "managed_third_party": None,
        "self_managed_direct_payments": None,
        "isf": None,
        "council_managed": None,
    }
    assert data["sds_options"] == {"option_1": 0, "option_2": 0, "option_3": 0, "option_4": 0}


def test_arrangement_dates_at_the_edges_of_the_period(council):
    # Ends on the period's last day: active at period end.
    arrangement(person(council), "isf", start="2025-01-01", end="2027-03-31")
    # Ends on the period's first day: in the period, not at its end.
    arrangement(person(council), "direct_payment", start="2025-01-01", end="2026-04-01")
    # Ends the day before the period starts: not counted at all.
    arrangement(person(council), "direct_payment", start="2025-01-01", end="2026-03-31")
    # Starts on the period's last day: active at period end.
    arrangement(person(council), "commissioner_controlled", start="2027-03-31")
    # Starts the day after the period ends: not counted.
    arrangement(person(council), "commissioner_controlled", start="2027-04-01")
    data = run()
    assert data["people_at_period_end"]["total"] == 2
    assert data["people_at_period_end"]["by_delivery"]["isf_only"] == 1
    assert data["people_at_period_end"]["by_delivery"]["commissioner_controlled_only"] == 1
    assert data["people_at_period_end"]["by_delivery"]["direct_payment_only"] == 0
    assert data["people_during_period"]["total"] == 3
    assert data["people_during_period"]["by_delivery"]["direct_payment_only"] == 1
    assert data["managed_third_party"] == {"people_at_period_end": 1, "people_during_period": 1}
    by_type = data["budgets_at_period_end"]["by_management_type"]
    assert by_type["isf"] == {"count": 1, "annual_value": "10000.00"}
    assert by_type["direct_payment"] == {"count": 0, "annual_value": "0.00"}


def test_a_person_with_several_types_is_mixed_and_counted_once(council):
    someone = person(council)
    pb = budget(someone)
    arrangement(pb, "isf", amount="12000.50")
    arrangement(pb, "direct_payment", amount="3000.25")
    # Two arrangements of one type are still "one type".
    other = person(council)
    pb2 = budget(other)
    arrangement(pb2, "direct_payment_managed", amount="100.00")
    arrangement(pb2, "direct_payment_managed", amount="200.00")
    data = run()
    assert data["people_at_period_end"]["total"] == 2
    assert data["people_at_period_end"]["by_delivery"]["mixed"] == 1
    assert data["people_at_period_end"]["by_delivery"]["direct_payment_managed_only"] == 1
    assert data["managed_third_party"]["people_at_period_end"] == 2
    by_type = data["budgets_at_period_end"]["by_management_type"]
    assert by_type["isf"] == {"count": 1, "annual_value": "12000.50"}
    assert by_type["direct_payment"] == {"count": 1, "annual_value": "3000.25"}
    assert by_type["direct_payment_managed"] == {"count": 2, "annual_value": "300.00"}
    assert data["salt"] == {
        "direct_payment_only": 1,
        "part_direct_payment": 1,
        "cassr_managed_personal_budget": 0,
    }


def test_mixed_during_the_period_but_one_type_at_its_end(council):
    someone = person(council)
    pb = budget(someone)
    arrangement(pb, "commissioner_controlled", start="2025-04-01", end="2026-09-30")
    arrangement(pb, "isf", start="2026-10-01")
    data = run()
    assert data["people_during_period"]["by_delivery"]["mixed"] == 1
    assert data["people_at_period_end"]["by_delivery"]["isf_only"] == 1
    assert data["people_at_period_end"]["by_delivery"]["mixed"] == 0


def test_age_is_taken_on_the_last_day_and_a_birthday_that_day_counts(council):
    arrangement(person(council, born="2009-03-31"), "direct_payment")  # 18 on 31 March 2027
    arrangement(person(council, born="2009-04-01"), "direct_payment")  # still 17
    arrangement(person(council, born="1962-03-31"), "direct_payment")  # 65 that day
    arrangement(person(council, born="1962-04-01"), "direct_payment")  # 64
    arrangement(person(council, born="1952-03-31"), "direct_payment")  # 75
    arrangement(person(council, born="1942-03-31"), "direct_payment")  # 85
    arrangement(person(council, born="1942-04-01"), "direct_payment")  # 84
    data = run()
    assert data["by_age_band"] == {"0-17": 1, "18-64": 2, "65-74": 1, "75-84": 2, "85+": 1}
    # SALT counts adults only.
    assert data["salt"]["direct_payment_only"] == 6


def test_age_bands_in_a_quarter_use_the_quarters_last_day(council):
    arrangement(person(council, born="2008-06-30"), "isf")  # 18 on 30 June 2026
    data = run(period="2026-27-Q1")
    assert data["period"] == {"label": "2026-27-Q1", "start": "2026-04-01", "end": "2026-06-30"}
    assert data["by_age_band"]["18-64"] == 1
    data = run(period="2025-26-Q4")
    assert data["period"] == {"label": "2025-26-Q4", "start": "2026-01-01", "end": "2026-03-31"}
    assert data["by_age_band"]["0-17"] == 1


def test_quarters(council):
    arrangement(person(council), "isf", start="2025-08-15", end="2025-11-30")
    assert run(period="2025-26-Q1")["people_during_period"]["total"] == 0
    q2 = run(period="2025-26-Q2")
    assert q2["period"] == {"label": "2025-26-Q2", "start": "2025-07-01", "end": "2025-09-30"}
    assert q2["people_at_period_end"]["total"] == 1
    q3 = run(period="2025-26-Q3")
    assert q3["people_during_period"]["total"] == 1
    assert q3["people_at_period_end"]["total"] == 0
    assert run(period="2025-26-Q4")["people_during_period"]["total"] == 0


def test_support_reasons_and_salt_mechanisms(council):
    arrangement(person(council, reason="learning_disability"), "commissioner_controlled")
    arrangement(person(council, reason="mental_health"), "isf")
    arrangement(person(council, reason="mental_health", born="2015-01-01"), "direct_payment")
    data = run()
    assert data["by_primary_support_reason"]["learning_disability"] == 1
    assert data["by_primary_support_reason"]["mental_health"] == 2
    # The child is left out of SALT (an adults' return); ISF and council-managed are "CASSR managed".
    assert data["salt"] == {
        "direct_payment_only": 0,
        "part_direct_payment": 0,
        "cassr_managed_personal_budget": 2,
    }


def test_other_councils_data_and_unapproved_budgets_are_not_counted(council, other_council):
    arrangement(person(other_council), "isf")
    for status in (BudgetStatus.DRAFT, BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK, BudgetStatus.WITHDRAWN):
        arrangement(person(council), "isf", status=status)
    arrangement(person(council), "direct_payment")
    data = run()
    assert data["people_during_period"]["total"] == 1
    assert data["budgets_at_period_end"]["by_management_type"]["isf"]["count"] == 0
    assert run("E06000023")["people_at_period_end"]["by_delivery"]["isf_only"] == 1


def test_rates_per_1000_adults_round_half_up(council):
    PopulationFigure.objects.create(council=council, year=2026, age_band="0-17", population=500)
    PopulationFigure.objects.create(council=council, year=2026, age_band="18-64", population=300)
    PopulationFigure.objects.create(council=council, year=2026, age_band="65+", population=100)
    # A figure for another year is not used.
    PopulationFigure.objects.create(council=council, year=2027, age_band="18-64", population=1)
    arrangement(person(council), "direct_payment")
    arrangement(person(council), "isf")
    arrangement(person(council, born="2015-01-01"), "isf")  # a child: not in the rates
    data = run()
    # 2 / 400 × 1000 = 5.0; 1 / 400 × 1000 = 2.5
    assert data["rates_per_1000_adults"] == {
        "personal_budgets": 5.0,
        "direct_payments": 2.5,
        "managed_third_party": 2.5,
        "self_managed_direct_payments": 2.5,
        "isf": 2.5,
        "council_managed": 0.0,
    }
    # Half up: 1 / 800 × 1000 = 1.25 → 1.3 (banker's rounding would give 1.2).
    PopulationFigure.objects.filter(age_band="65+").update(population=500)
    assert run()["rates_per_1000_adults"]["direct_payments"] == 1.3


def test_later_changes_count_in_the_previous_period_comparison(council):
    arrangement(person(council), "isf", start="2025-05-01")
    arrangement(person(council), "isf", start="2026-05-01")
    data = run()
    assert data["previous_period"]["period"]["label"] == "2025-26"
    assert data["change_since_previous_period"]["people_at_period_end"]["by_delivery"]["isf_only"] == 1
    assert [h["people_at_period_end"] for h in data["managed_third_party_history"]] == [0, 0, 0, 1, 2]


def _manage(*args, database: str):
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_an_unknown_council_or_a_malformed_period_is_an_error_with_status_1(council):
    # The subprocess uses the test database, which this transactional test has committed to.
    from django.db import connection

    db = connection.settings_dict["NAME"]
    bad_council = _manage("monitoring_return", "--council", "E09999999", "--period", "2026-27", database=db)
    assert bad_council.returncode == 1
    assert "There is no council with code 'E09999999'." in bad_council.stderr
    bad_period = _manage("monitoring_return", "--council", "E06000059", "--period", "2026", database=db)
    assert bad_period.returncode == 1
    assert "'2026' is not a period" in bad_period.stderr
    not_started = _manage("monitoring_return", "--council", "E06000059", "--period", "2040-41", database=db)
    assert not_started.returncode == 1
    assert "The period 2040-41 has not started: it starts on 1 April 2040." in not_started.stderr
    assert not_started.stdout == ""
    good = _manage("monitoring_return", "--council", "E06000059", "--period", "2026-27-Q2", database=db)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["period"]["label"] == "2026-27-Q2"


def test_the_command_writes_csv_and_pdf(council, tmp_path):
    arrangement(person(council), "isf", amount="1234.50")
    out = io.StringIO()
    call_command("monitoring_return", council="E06000059", period="2026-27", format="csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "section,measure,breakdown,value,suppressed"
    assert "people_at_period_end,by_delivery,isf_only,1,false" in lines
    assert "people_at_period_end,with_any,isf,1,false" in lines
    assert "budgets_at_period_end,annual_value,isf,1234.50,false" in lines
    assert "budgets_at_period_end,arrangements,isf,1,false" in lines
    # Not available (no population): blank, and not suppressed.
    assert "rates_per_1000_adults,personal_budgets,,,false" in lines
    target = tmp_path / "return.pdf"
    err = io.StringIO()
    call_command(
        "monitoring_return",
        council="E06000059",
        period="2026-27",
        format="pdf",
        output=str(target),
        stderr=err,
    )
    assert target.read_bytes().startswith(b"%PDF")
    assert err.getvalue().strip() == f"Wrote {target}"


def test_outcome_survey_results_are_included_when_the_surveys_app_offers_them(council):
    from monitoring.report import outcome_results_by_management_type

    data = run()
    if outcome_results_by_management_type is None:
        assert "outcome_survey" not in data
    else:
        assert data["outcome_survey"]["respondents"] == 0
        assert data["outcome_survey"]["by_management_type"] == {}
