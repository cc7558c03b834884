"""Issue 19: a carer's own budget is counted only in the return's `carers` section, by the counting
rules, and never in the people figures."""

import csv
import io

import pytest

from monitoring.exports import to_csv
from monitoring.periods import parse_period
from monitoring.report import build_return
from tests.monitoring.factories import arrangement, budget, d, person
from tests.monitoring.test_counting import run

pytestmark = pytest.mark.django_db

TYPES = ["direct_payment", "direct_payment_managed", "isf", "commissioner_controlled"]


def carer(council, **kw):
    someone = person(council, **kw)
    someone.is_carer = True
    someone.primary_support_reason = ""
    someone.save()
    return someone


def test_an_empty_council_has_a_carers_section_of_zeros(council):
    data = run()
    zeros = {"direct_payment_only": 0, "direct_payment_managed_only": 0, "isf_only": 0}
    zeros |= {"commissioner_controlled_only": 0, "mixed": 0}
    for when in ("at_period_end", "during_period"):
        assert data["carers"][when]["total"] == 0
        assert data["carers"][when]["by_delivery"] == zeros
        assert data["carers"][when]["with_any"] == dict.fromkeys(TYPES, 0)
        assert data["carers"][when]["receiving_direct_payment"] == 0
    assert data["carers"]["at_period_end"]["annual_value"] == dict.fromkeys(TYPES, "0.00")


def test_a_carers_budget_is_counted_only_in_the_carers_section(council):
    arrangement(person(council), "isf", amount="20000.00")
    without_carers = run()
    # A carer with a direct payment and a council-managed part (mixed), a carer whose managed direct
    # payment ended in the period, and a carer whose proposal is not approved (not counted anywhere).
    mixed = budget(carer(council))
    arrangement(mixed, "direct_payment", amount="1200.00")
    arrangement(mixed, "commissioner_controlled", amount="300.00")
    arrangement(carer(council), "direct_payment_managed", start="2025-04-01", end="2026-09-30", amount="900")
    arrangement(carer(council), "direct_payment", status="proposed")
    data = run()
    for key in (
        "people_at_period_end",
        "people_during_period",
        "budgets_at_period_end",
        "managed_third_party",
        "by_age_band",
        "by_primary_support_reason",
        "salt",
        "sds_options",
        "adults_at_period_end",
        "by_age_band_and_delivery",
        "trend",
        "managed_third_party_history",
    ):
        assert data[key] == without_carers[key], key
    end, during = data["carers"]["at_period_end"], data["carers"]["during_period"]
    assert end["total"] == 1
    assert end["by_delivery"]["mixed"] == 1
    assert end["with_any"] == {
        "direct_payment": 1,
        "direct_payment_managed": 0,
        "isf": 0,
        "commissioner_controlled": 1,
    }
    assert end["receiving_direct_payment"] == 1
    assert end["annual_value"]["direct_payment"] == "1200.00"
    assert end["annual_value"]["commissioner_controlled"] == "300.00"
    assert during["total"] == 2
    assert during["by_delivery"]["direct_payment_managed_only"] == 1
    assert during["receiving_direct_payment"] == 2


def test_the_carers_section_is_in_the_csv_and_the_tables(council):
    arrangement(carer(council), "direct_payment", amount="1500.00")
    figures = build_return(council=council, period=parse_period("2026-27"), today=d("2027-05-01"))
    rows = list(csv.reader(io.StringIO(to_csv(figures))))
    assert ["carers", "at_period_end.by_delivery", "direct_payment_only", "1", "false"] in rows
    assert ["carers", "at_period_end", "receiving_direct_payment", "1", "false"] in rows
    from monitoring.tables import tables

    carers = next(t for t in tables(figures) if t["id"] == "carers")
    assert carers["rows"][-1] == ["All carers with a budget", "1", "1"]
    assert "Direct payment, self-managed £1,500.00" in carers["note"]
    dp = next(t for t in tables(figures) if t["id"] == "carers-direct-payment")
    assert dp["rows"] == [["Receiving a direct payment", "1", "1"]]
