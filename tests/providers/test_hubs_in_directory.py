"""Community hubs and managed account services in the directory (issue 13): their kind, area and who
they serve on each result, a filter for them, and a family can choose one like a provider. A managed
direct payment with its management cost is still counted once in the return."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.models import ManagementType
from monitoring.counting import compute_figures
from monitoring.periods import parse_period
from providers.models import OrganisationKind, ProviderProfile
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import ProviderFactory


@pytest.fixture
def hub(council):
    hub = ProviderFactory(provider_ref="HUB-DIR", name="Purbeck Community Hub")
    ProviderProfile.objects.filter(provider=hub).delete()
    profile = ProviderProfile.objects.create(
        provider=hub,
        organisation_kind=OrganisationKind.COMMUNITY_HUB,
        manages_direct_payments=True,
        client_groups=["older_people"],
        summary="A hub for older people in Wareham.",
    )
    profile.council_areas.add(council)
    return hub


@pytest.fixture
def support_provider(council):
    provider = ProviderFactory(provider_ref="PRV-DIR", name="Harbour Support")
    ProviderProfile.objects.filter(provider=provider).delete()
    ProviderProfile.objects.create(provider=provider, offers_isf=True)
    return provider


def test_a_hub_shows_its_kind_area_and_who_it_serves_and_can_be_filtered(client, hub, support_provider):
    html = client.get("/providers/").content.decode()
    assert "Community hub" in html and "Can manage your direct payment" in html
    assert "Who they support: Older people" in html and "Works in: Dorset Council" in html
    only_hubs = client.get("/providers/?organisation_kind=community_hub").content.decode()
    assert "Purbeck Community Hub" in only_hubs and "Harbour Support" not in only_hubs
    managers = client.get("/providers/?manages_direct_payments=on").content.decode()
    assert "Purbeck Community Hub" in managers and "Harbour Support" not in managers
    detail = client.get(f"/providers/{hub.pk}/").content.decode()
    assert "A community hub" in detail and "You do not have to become an employer" in detail


def test_a_managed_direct_payment_with_its_cost_is_counted_once(council, hub):
    person = PersonFactory(council=council, date_of_birth=dt.date(1940, 1, 1))
    budget = approved_budget(
        person, start=dt.date(2026, 4, 1), parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "9100.00", hub),)
    )
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent = Decimal("7.00")
    arrangement.save()
    figures = compute_figures(council=council, period=parse_period("2026-27"))
    assert figures["people_at_period_end"]["total"] == 1
    assert figures["people_at_period_end"]["by_delivery"]["direct_payment_managed_only"] == 1
