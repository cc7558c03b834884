"""A brokerage organisation, a broker, and a family with a person to help."""

from organisations.models import Role
from providers.models import OrganisationKind, ProviderProfile
from tests.factories import ProviderFactory, staff


def brokerage_org(ref="BRK-T1", name="Test Brokerage", *, areas=(), languages=("English",)):
    provider = ProviderFactory(provider_ref=ref, name=name)
    profile = ProviderProfile.objects.create(
        provider=provider,
        organisation_kind=OrganisationKind.SUPPORT_BROKERAGE,
        offers_isf=False,
        languages=list(languages),
        summary=f"{name} helps you plan.",
    )
    profile.council_areas.set(list(areas))
    return provider


def broker_at(brokerage, **user_fields):
    return staff(Role.BROKER, provider=brokerage, **user_fields)
