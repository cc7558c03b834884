"""What the NHS services write, exactly: the kind of NHS body set up, and the audit trail of the
discharge list and of a provider's declared capacity (who changed what, from what, to what)."""

import datetime as dt

import pytest
from django.utils import timezone

from nhs import services
from nhs.models import CapacityDeclaration, NhsBody
from organisations.audit import history_for
from tests.budgets.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _last_change(instance):
    entry = list(history_for(instance))[-1]
    return entry.additional_data["event"], entry.actor, entry.changes


def test_an_nhs_body_is_an_integrated_care_board_unless_told_otherwise(db):
    """nhs_body_ensure: the body's kind defaults to an ICB and its ODS code is kept in capitals."""
    icb = services.nhs_body_ensure(gss_code="E54000042", name="NHS Somerset ICB", ods_code="qsl")
    body = NhsBody.objects.get(council=icb)
    assert (body.kind, body.ods_code, icb.name, icb.gss_code) == (
        "icb",
        "QSL",
        "NHS Somerset ICB",
        "E54000042",
    )


def test_each_change_to_a_line_records_what_it_was_and_what_it_became(
    council, partnership, commissioner, icb_commissioner, provider_org, other_provider_org
):
    """line_update audit: each changed field and the shortlist, old and new, and who changed them."""
    line = services.line_add(
        partnership=partnership,
        person=PersonFactory(council=council),
        actor=commissioner,
        setting="nhs_ward",
        setting_name="Ward 7",
        shortlist=[provider_org],
    )
    services.line_update(
        line=line,
        actor=icb_commissioner,
        setting_name="Ward 9",
        provider=provider_org,
        provider_has_met="yes",
        shortlist=[other_provider_org, provider_org],  # the form's order: recorded by name
    )
    assert _last_change(line) == (
        "discharge line changed",
        icb_commissioner,
        {
            "setting_name": ["Ward 7", "Ward 9"],
            "provider": ["", "Harbour Lights Support"],
            "provider_has_met": ["not_known", "yes"],
            "shortlist": ["Harbour Lights Support", "Harbour Lights Support, Purbeck Circles of Support"],
        },
    )
    line.refresh_from_db()
    assert (line.provider, line.provider_has_met, line.updated_by) == (provider_org, "yes", icb_commissioner)
    # The shortlist alone changed: only it is recorded; left out (None), it is left as it was.
    services.line_update(line=line, actor=commissioner, shortlist=[other_provider_org])
    assert _last_change(line) == (
        "discharge line changed",
        commissioner,
        {"shortlist": ["Harbour Lights Support, Purbeck Circles of Support", "Purbeck Circles of Support"]},
    )
    services.line_update(line=line, actor=commissioner, setting_name="Ward 10")
    assert list(line.shortlist.all()) == [other_provider_org]
    assert _last_change(line)[2] == {"setting_name": ["Ward 9", "Ward 10"]}


def test_a_corrected_home_date_records_the_date_it_replaces(
    council, partnership, commissioner, icb_commissioner
):
    """line_home audit: the first date from blank, a correction from the date it replaces."""
    line = services.line_add(
        partnership=partnership, person=PersonFactory(council=council), actor=commissioner, setting="nhs_ward"
    )
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    services.line_home(line=line, on=yesterday, actor=commissioner)
    assert _last_change(line) == ("came home", commissioner, {"discharged_on": ["", str(yesterday)]})
    corrected = services.line_home(line=line, on=today, actor=icb_commissioner)
    assert (corrected.discharged_on, corrected.updated_by) == (today, icb_commissioner)
    assert _last_change(line) == (
        "came home",
        icb_commissioner,
        {"discharged_on": [str(yesterday), str(today)]},
    )
    line.refresh_from_db()
    assert (line.discharged_on, line.updated_by) == (today, icb_commissioner)


def test_declared_capacity_records_the_areas_and_each_years_people(
    partnership, other_partnership, provider_org, provider_a
):
    """capacity_declare audit: the areas named in order and each year's people (none as 0 counts)."""
    experience = services.capacity_declare(
        provider=provider_org,
        actor=provider_a,
        years_offering_isfs=4,
        people_supported_home=2,
        areas=[partnership, other_partnership],
        capacity={2026: 3, 2027: None, 2028: 0},
    )
    assert _last_change(experience) == (
        "capacity declared",
        provider_a,
        {
            "areas": ["", "Dorset Transforming Care Partnership, Bristol Transforming Care Partnership"],
            "capacity_2026": ["", "3"],
            "capacity_2028": ["", "0"],
        },
    )
    declared = CapacityDeclaration.objects.filter(provider=provider_org).order_by("year")
    assert [(d.year, d.people, d.declared_by) for d in declared] == [
        (2026, 3, provider_a),
        (2028, 0, provider_a),
    ]
