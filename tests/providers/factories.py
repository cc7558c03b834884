"""Factories for provider profiles, choices and flexible agreements."""

import datetime as dt
from decimal import Decimal

from budgets.models import ManagementType
from organisations.services import system_actor
from providers import services
from providers.models import ChoiceStatus, ProviderChoice, ProviderProfile
from tests.budgets.factories import approved_budget


def profile_for(provider, *, areas=(), **values) -> ProviderProfile:
    defaults = {
        "offers": "Support at home and in the community.",
        "offers_isf": True,
        "management_fee_percent": Decimal("8.00"),
        "taking_new_people": True,
        "client_groups": ["adults_learning_disability"],
        "languages": ["English"],
    }
    defaults.update(values)
    return services.update_profile(
        provider=provider, values=defaults, council_areas=list(areas), actor=system_actor()
    )


def accepted_choice(person, provider, *, actor=None) -> ProviderChoice:
    actor = actor or system_actor()
    choice = ProviderChoice.objects.create(
        person=person, provider=provider, status=ChoiceStatus.REQUESTED, created_by=actor
    )
    return services.accept_choice(choice=choice, actor=actor)


def isf_budget(person, provider, *, amount="26000.00", start=dt.date(2026, 4, 1)):
    """An approved budget with one ISF arrangement held by `provider`; returns the arrangement."""
    budget = approved_budget(person, start=start, parts=((ManagementType.ISF, amount, provider),))
    return budget.arrangements.get()


TERMS = {
    "outcomes": "Go swimming every week.\nChoose my own staff.",
    "management_fee_percent": Decimal("8.00"),
}


def agreed(person, provider, *, amount="26000.00", start=dt.date(2026, 4, 1), accept=True, **terms):
    """An accepted choice, an ISF budget and an agreement (accepted by the provider unless told)."""
    actor = system_actor()
    choice = accepted_choice(person, provider)
    arrangement = isf_budget(person, provider, amount=amount, start=start)
    agreement = services.set_up_agreement(
        choice=choice,
        arrangement=arrangement,
        actor=actor,
        terms={**TERMS, "start_date": start, **terms},
    )
    if accept:
        agreement = services.accept_agreement(agreement=agreement, actor=actor)
    return agreement
