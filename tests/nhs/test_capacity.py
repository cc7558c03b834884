"""Capacity (Table 4): what providers declare, against each partnership's list by year, invitations
early, and the report for NHS England with counts under 5 suppressed."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from nhs import capacity, services
from nhs.capacity import capacity_against_list, england_report, years_from
from nhs.models import Invitation
from tests.budgets.factories import PersonFactory, approved_budget
from tests.conftest import sign_in
from tests.factories import CouncilFactory, ProviderFactory, staff

pytestmark = pytest.mark.django_db


def _in_year(year: int, day: int = 1) -> dt.date:
    return dt.date(year, 9, day)


@pytest.fixture
def world(
    council,
    other_council,
    partnership,
    other_partnership,
    commissioner,
    other_council_commissioner,
    provider_org,
    other_provider_org,
):
    y0, y1, y2 = years_from(timezone.localdate())
    manager = staff("provider_manager", provider=provider_org)
    services.capacity_declare(
        provider=provider_org, actor=manager, years_offering_isfs=12, people_supported_home=7,
        areas=[partnership], capacity={y0: 6, y1: 9, y2: 12},
    )  # fmt: skip
    services.capacity_declare(
        provider=other_provider_org, actor=staff("provider_manager", provider=other_provider_org),
        years_offering_isfs=3, people_supported_home=1, areas=[partnership, other_partnership],
        capacity={y0: 3, y1: None, y2: 4},
    )  # fmt: skip
    elsewhere = ProviderFactory(provider_ref="PRV-010", name="Far Away Support")
    services.capacity_declare(
        provider=elsewhere, actor=staff("provider_manager", provider=elsewhere), years_offering_isfs=1,
        people_supported_home=0, areas=[], capacity={y0: 50},
    )  # fmt: skip
    # Dorset: 6 planned this year (2 with a provider, 3 with an approved budget), 2 next year, 1 with no
    # date, 1 home already. Bristol: 2 planned this year.
    lines = []
    for i in range(6):
        person = PersonFactory(council=council, person_ref=f"D-{i}")
        if i < 3:
            approved_budget(person)
        lines.append(services.line_add(
            partnership=partnership, person=person, actor=commissioner, setting="nhs_ward",
            setting_name="Ward", planned_date=_in_year(y0, i + 1), provider=provider_org if i < 2 else None,
        ))  # fmt: skip
    for i in range(2):
        services.line_add(
            partnership=partnership, person=PersonFactory(council=council, person_ref=f"N-{i}"),
            actor=commissioner, setting="nhs_ward", setting_name="Ward", planned_date=_in_year(y1),
        )  # fmt: skip
    services.line_add(
        partnership=partnership, person=PersonFactory(council=council, person_ref="X-1"), actor=commissioner,
        setting="nhs_ward", setting_name="Ward",
    )  # fmt: skip
    home = services.line_add(
        partnership=partnership, person=PersonFactory(council=council, person_ref="H-1"), actor=commissioner,
        setting="nhs_ward", setting_name="Ward", planned_date=timezone.localdate() - dt.timedelta(days=3),
    )  # fmt: skip
    services.line_home(line=home, on=timezone.localdate(), actor=commissioner)
    for i in range(2):
        services.line_add(
            partnership=other_partnership, person=PersonFactory(council=other_council, person_ref=f"B-{i}"),
            actor=other_council_commissioner, setting="nhs_ward", setting_name="Ward",
            planned_date=_in_year(y0),
        )  # fmt: skip
    return {"years": (y0, y1, y2), "manager": manager}


def test_the_partnership_sees_declared_capacity_against_its_list_by_year(world, partnership):
    y0, y1, y2 = world["years"]
    table = capacity_against_list(partnership=partnership, years=[y0, y1, y2])
    assert table["being_helped_now"] == 2 and table["no_date"] == 1
    home_this_year = 1 if dt.date(y0, 4, 1) <= timezone.localdate() - dt.timedelta(days=3) else 0
    assert [(y["planned"], y["capacity"]) for y in table["years"]] == [
        (6 + home_this_year, 6 + 3), (2, 9), (0, 12 + 4)
    ]  # fmt: skip


def test_the_report_for_nhs_england_matches_its_inputs_and_suppresses_small_counts(world, partnership):
    y0, y1, y2 = world["years"]
    report = england_report(years=[y0, y1, y2])
    rows = {r["partnership"].code: r for r in report["rows"]}
    dorset, bristol = rows["dorset-tcp"], rows["bristol-tcp"]
    # Bristol's 2 are shown as <5; with the total shown, Dorset's 9 would give them away, so it is withheld.
    assert (bristol["on_list"], dorset["on_list"], report["totals"]["on_list"]) == ("<5", "[c]", 11)
    assert (dorset["known_budget"], dorset["with_provider"], dorset["home"]) == ("<5", "<5", "<5")
    assert (bristol["known_budget"], bristol["with_provider"], bristol["home"]) == (0, 0, 0)
    assert dorset["capacity"] == [9, 9, 16] and bristol["capacity"] == ["<5", 0, "<5"]
    # Across partnerships each provider counts once, wherever it works.
    assert report["totals"]["capacity"] == [6 + 3 + 50, 9, 12 + 4]


def test_with_a_third_partnership_the_smallest_other_count_is_withheld_instead(world, partnership):
    council = CouncilFactory(gss_code="E06000052", name="Cornwall Council")
    third = services.partnership_ensure(code="cornwall-tcp", name="Cornwall Partnership", members=[council])
    commissioner = staff("commissioner", council=council)
    for i in range(6):
        services.line_add(
            partnership=third, person=PersonFactory(council=council, person_ref=f"K-{i}"), actor=commissioner,
            setting="nhs_ward", setting_name="Ward",
        )  # fmt: skip
    rows = {r["partnership"].code: r for r in england_report(years=list(world["years"]))["rows"]}
    assert [rows[c]["on_list"] for c in ("dorset-tcp", "bristol-tcp", "cornwall-tcp")] == [9, "<5", "[c]"]


def test_pages_capacity_invitation_and_report(
    world, partnership, commissioner, provider_org, other_provider_org, platform_admin
):
    client = Client()
    sign_in(client, commissioner)
    page = client.get(f"/nhs/partnerships/{partnership.code}/capacity/").content.decode()
    assert (
        "Harbour Lights Support" in page and "Purbeck Circles of Support" in page and "Far Away" not in page
    )
    assert (
        client.post(
            f"/nhs/partnerships/{partnership.code}/invite/", {"provider": provider_org.pk}
        ).status_code
        == 302
    )
    assert Invitation.objects.filter(partnership=partnership, provider=provider_org).count() == 1
    sign_in(client, world["manager"])
    page = client.get("/nhs/provider/capacity/").content.decode()
    assert "Dorset Transforming Care Partnership" in page and 'value="12"' in page
    assert client.get("/nhs/report/").status_code == 403
    sign_in(client, platform_admin)
    report = client.get("/nhs/report/").content.decode()
    assert "Bristol Transforming Care Partnership" in report and "&lt;5" in report


def test_the_capacity_selectors_read_only_the_providers_own_declaration_and_invitations(
    world, partnership, other_partnership, provider_org, other_provider_org
):
    y0, y1, y2 = world["years"]
    assert capacity.provider_declaring(user=world["manager"]) == provider_org
    # "Far Away Support" comes first by name but is not this manager's provider.
    assert capacity.provider_declaring(user=staff("provider_manager", provider=other_provider_org)) == (
        other_provider_org
    )
    assert capacity.provider_declaring(user=staff("provider_finance", provider=provider_org)) is None

    experience, declared = capacity.declared_by(provider=provider_org, years=[y0, y1, y2])
    assert (experience.years_offering_isfs, declared) == (12, {y0: 6, y1: 9, y2: 12})
    experience, declared = capacity.declared_by(provider=other_provider_org, years=[y0, y2])
    assert (experience.years_offering_isfs, declared) == (3, {y0: 3, y2: 4})

    asker = world["manager"]  # who asked does not matter here
    mine = Invitation.objects.create(partnership=partnership, provider=provider_org, invited_by=asker)
    Invitation.objects.create(partnership=other_partnership, provider=other_provider_org, invited_by=asker)
    assert list(capacity.invitations_of(provider=provider_org)) == [mine]

    assert list(capacity.providers_invitable(partnership=other_partnership)) == [other_provider_org]
    assert set(capacity.providers_invitable(partnership=partnership)) == {provider_org, other_provider_org}
