"""The discharge tracker: a named person goes from the list to home with a joint budget and an ISF;
each line answers Table 3's six questions; people and providers see only their own lines; partnerships
see only their own lists."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from budgets import services as budget_services
from budgets.models import BudgetStatus
from budgets.services import ArrangementInput
from monitoring.periods import parse_period
from monitoring.report import build_return
from nhs import funding, services
from nhs.discharge import at_a_glance, describe
from nhs.selectors import lines_of
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.conftest import sign_in
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


def glance(partnership):
    return at_a_glance([describe(line, timezone.localdate()) for line in lines_of(partnership=partnership)])


def test_a_person_goes_from_the_list_to_home_with_a_joint_budget_and_an_isf(
    client, council, icb, partnership, commissioner, approver, icb_approver, provider_org, other_provider_org
):
    person = PersonFactory(council=council, given_name="Ffion", family_name="Hale")
    family = UserFactory(email="mam@example.org")
    RepresentativeFactory(person=person, user=family)
    line = services.line_add(
        partnership=partnership,
        person=person,
        actor=commissioner,
        shortlist=[provider_org, other_provider_org],
        setting="assessment_and_treatment",
        setting_name="Heathside Assessment and Treatment Unit",
        planned_date=timezone.localdate() + dt.timedelta(days=60),
        housing="somewhat",
        in_the_way="Waiting for a tenancy on a bungalow",
    )
    view = describe(line, timezone.localdate())
    assert view.answers["provider"] == "somewhat" and view.answers["budget"] == "no"
    assert (
        "No budget agreed" in view.stuck_reasons
        and "Waiting for a tenancy on a bungalow" in view.stuck_reasons
    )
    assert glance(partnership) == {
        "on_list": 1,
        "known_budget": 0,
        "with_provider": 0,
        "known_budget_and_provider": 0,
        "stuck": 1,
        "home": 0,
    }

    budget = budget_services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[ArrangementInput("isf", Decimal("82000.00"), provider_org)],
        actor=commissioner,
    )
    assert describe(line, timezone.localdate()).answers["budget"] == "somewhat"
    funding.funding_set(
        budget=budget, shares={council: Decimal("32000.00"), icb: Decimal("50000.00")}, actor=commissioner
    )
    for share in budget.funding_shares.all():
        funding.share_approve(share=share, actor=approver if share.funder == council else icb_approver)
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.APPROVED

    services.line_update(
        line=line,
        actor=commissioner,
        provider=provider_org,
        provider_has_met="yes",
        work_alongside="yes",
        clinical_support="yes",
        psychiatrist_support="somewhat",
        housing="yes",
        in_the_way="",
    )
    view = describe(lines_of(partnership=partnership).get(), timezone.localdate())
    assert view.budget_amount == Decimal("82000.00") and not view.stuck
    assert [a for _, a, _ in view.rows()] == ["yes", "yes", "yes", "yes", "somewhat", "yes"]
    assert glance(partnership)["known_budget_and_provider"] == 1

    # The family's page, in plain English, before they come home.
    sign_in(client, family)
    page = client.get("/nhs/coming-home/").content.decode()
    assert "You are at Heathside Assessment and Treatment Unit now." in page
    assert "£82,000.00</span> a year has been agreed for your support at home." in page
    assert "Harbour Lights Support will support you at home. They have met you." in page
    main = page.split('id="main-content"')[1].split("</main>")[0]
    assert "Individual Service Fund" not in main and "commissioner" not in main.lower()

    services.line_home(line=line, on=timezone.localdate(), actor=commissioner)
    assert glance(partnership) == {
        "on_list": 0,
        "known_budget": 0,
        "with_provider": 0,
        "known_budget_and_provider": 0,
        "stuck": 0,
        "home": 1,
    }
    assert "You came home on" in client.get("/nhs/coming-home/").content.decode()
    figures = build_return(council=council, period=parse_period("2026-27"), today=timezone.localdate())
    assert figures["nhs_funding"]["people_at_period_end"]["joint"] == 1
    assert figures["budgets_at_period_end"]["by_management_type"]["isf"]["count"] == 1


def test_people_and_providers_see_only_their_own_lines(
    council, partnership, commissioner, provider_org, other_provider_org, provider_a
):
    mine = PersonFactory(council=council, given_name="Ifan")
    theirs = PersonFactory(council=council, given_name="Gwenllian")
    for person, provider in ((mine, provider_org), (theirs, other_provider_org)):
        services.line_add(
            partnership=partnership,
            person=person,
            actor=commissioner,
            setting="nhs_ward",
            setting_name="Ward 7",
            provider=provider,
        )
    third = ProviderFactory(provider_ref="PRV-009", name="Nobody's Provider")
    services.line_add(
        partnership=partnership,
        person=PersonFactory(council=council, given_name="Heledd"),
        actor=commissioner,
        setting="nhs_ward",
        setting_name="Ward 8",
        shortlist=[provider_org, third],
    )
    client = Client()
    sign_in(client, provider_a)
    page = client.get("/nhs/provider/coming-home/").content.decode()
    assert "Ifan" in page and "Heledd" in page and "Gwenllian" not in page
    assert "You are their chosen provider." in page and "You are on their shortlist." in page
    # A provider is no member of the partnership: its list is not theirs to see.
    assert client.get(f"/nhs/partnerships/{partnership.code}/").status_code == 404
    family = UserFactory()
    RepresentativeFactory(person=mine, user=family)
    sign_in(client, family)
    page = client.get("/nhs/coming-home/").content.decode()
    assert "Ward 7" in page and "Gwenllian" not in page and "Heledd" not in page


def test_partnerships_see_only_their_own_lists(
    council, other_council, partnership, other_partnership, commissioner, other_council_commissioner
):
    line = services.line_add(
        partnership=partnership,
        person=PersonFactory(council=council, given_name="Tegwen"),
        actor=commissioner,
        setting="secure_hospital",
        setting_name="Moorview Secure Unit",
    )
    client = Client()
    sign_in(client, other_council_commissioner)
    assert client.get(f"/nhs/partnerships/{partnership.code}/").status_code == 404
    assert client.get(f"/nhs/partnerships/{partnership.code}/people/{line.pk}/").status_code == 404
    assert client.get(f"/nhs/partnerships/{other_partnership.code}/people/{line.pk}/").status_code == 404
    assert client.get(f"/nhs/partnerships/{partnership.code}/capacity/").status_code == 404
    listing = client.get("/nhs/partnerships/").content.decode()
    assert "Bristol Transforming Care Partnership" in listing and "Dorset Transforming" not in listing
    assert "Tegwen" not in client.get(f"/nhs/partnerships/{other_partnership.code}/").content.decode()
    # Nor may they put the other partnership's people, or their own people, on a list that is not theirs.
    with pytest.raises(PermissionDenied):
        services.line_add(
            partnership=partnership,
            person=PersonFactory(council=other_council),
            actor=other_council_commissioner,
            setting="nhs_ward",
            setting_name="Ward",
        )
    with pytest.raises(services.TrackerError):
        services.line_add(
            partnership=other_partnership,
            person=PersonFactory(council=council),
            actor=other_council_commissioner,
            setting="nhs_ward",
            setting_name="Ward",
        )


def test_an_icb_commissioner_keeps_the_shared_list(
    client, council, partnership, commissioner, icb_commissioner
):
    line = services.line_add(
        partnership=partnership,
        person=PersonFactory(council=council, given_name="Owain"),
        actor=commissioner,
        setting="independent_hospital",
        setting_name="Larchfield Hospital",
    )
    sign_in(client, icb_commissioner)
    page = client.get(f"/nhs/partnerships/{partnership.code}/")
    assert page.status_code == 200 and "Owain" in page.content.decode()
    bad = client.post(
        f"/nhs/partnerships/{partnership.code}/people/{line.pk}/",
        {"setting": "independent_hospital", "setting_name": "", "provider_has_met": "yes"},
    )
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    good = client.post(
        f"/nhs/partnerships/{partnership.code}/people/{line.pk}/",
        {
            "setting": "independent_hospital",
            "setting_name": "Larchfield Hospital",
            "planned_date_day": "1",
            "planned_date_month": "3",
            "planned_date_year": "2027",
            "provider_has_met": "not_known",
            "work_alongside": "no",
            "clinical_support": "yes",
            "psychiatrist_support": "not_known",
            "housing": "not_known",
            "in_the_way": "",
        },
    )
    assert good.status_code == 302
    line.refresh_from_db()
    assert line.planned_date == dt.date(2027, 3, 1) and line.work_alongside == "no"
    assert (
        "The provider cannot work alongside them"
        in client.get(f"/nhs/partnerships/{partnership.code}/").content.decode()
    )


def test_the_provider_must_be_chosen_before_it_has_met_them(council, partnership, commissioner):
    with pytest.raises(services.TrackerError):
        services.line_add(
            partnership=partnership,
            person=PersonFactory(council=council),
            actor=commissioner,
            setting="nhs_ward",
            setting_name="Ward",
            provider_has_met="yes",
        )


def test_staff_outside_the_partnership_cannot_keep_its_list(partnership, council, icb_approver):
    with pytest.raises(PermissionDenied):
        services.line_add(
            partnership=partnership,
            person=PersonFactory(council=council),
            actor=icb_approver,
            setting="nhs_ward",
            setting_name="Ward",
        )
