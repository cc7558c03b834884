"""The landing page's panels from providers: a provider's requests and agreements to accept; a
commissioner's choices ready for an agreement and agreements ending; a family's choices."""

from django.urls import reverse

from budgets.selectors import people_represented_by
from organisations.landing import panel
from organisations.models import Role
from organisations.selectors import roles_of

from .models import AgreementStatus, ChoiceMade, ChoiceStatus
from .selectors import (
    agreements_visible_to,
    choices_visible_to,
    providers_staffed_by,
    where_a_choice_is_up_to,
)
from .services import agreement_being_left, isf_arrangements_for


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def landing_panels(*, user) -> list[dict]:
    roles = roles_of(user=user)
    panels = []
    for provider in providers_staffed_by(user=user).order_by("name"):
        requests = (
            choices_visible_to(user=user).filter(provider=provider, status=ChoiceStatus.REQUESTED).count()
        )
        to_accept = [
            a
            for a in agreements_visible_to(user=user).filter(
                provider=provider, status__in=[AgreementStatus.OFFERED, AgreementStatus.ACTIVE]
            )
            if a.awaiting_provider
        ]
        panels.append(
            panel(
                provider.name,
                lines=[
                    f"{_plural(requests, 'request')} from people who chose you, waiting for an answer.",
                    f"{_plural(len(to_accept), 'agreement')} waiting for you to accept.",
                ],
                links=[
                    ("Requests", reverse("providers:provider-requests") + f"?provider={provider.pk}"),
                    ("Your organisation", reverse("providers:provider-home") + f"?provider={provider.pk}"),
                ],
                order=10,
            )
        )
    councils = roles.councils_with(Role.COMMISSIONER)
    if councils:
        ready = 0
        choices = choices_visible_to(user=user).filter(
            person__council_id__in=councils, status__in=[ChoiceStatus.ACCEPTED, ChoiceStatus.REQUESTED]
        )
        for choice in choices.select_related("person", "provider").prefetch_related("agreements"):
            live = [
                a
                for a in choice.agreements.all()
                if a.status not in (AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN)
            ]
            recorded = choice.status == ChoiceStatus.REQUESTED and choice.made != ChoiceMade.ONLINE
            if live or not (choice.status == ChoiceStatus.ACCEPTED or recorded):
                continue
            if isf_arrangements_for(
                person=choice.person, provider=choice.provider
            ).exists() or agreement_being_left(person=choice.person, provider=choice.provider):
                ready += 1
        ending = (
            agreements_visible_to(user=user)
            .filter(council_id__in=councils, status=AgreementStatus.ENDING)
            .count()
        )
        panels.append(
            panel(
                "Provider choices",
                lines=[
                    f"{_plural(ready, 'choice')} ready for you to set up the agreement.",
                    f"{_plural(ending, 'agreement')} ending after notice.",
                ],
                links=[("Provider choices", reverse("providers:commissioner-choices"))],
                order=25,
            )
        )
    family_choices = (
        choices_visible_to(user=user)
        .filter(person__in=people_represented_by(user=user))
        .exclude(status__in=[ChoiceStatus.WITHDRAWN, ChoiceStatus.SHORTLISTED])
        .select_related("provider")
        .prefetch_related("agreements")
    )
    lines = [f"{c.provider.name}: {where_a_choice_is_up_to(c)}" for c in family_choices]
    if lines:
        panels.append(
            panel(
                "Your choice of provider",
                lines=lines,
                links=[("Your choice of provider", reverse("providers:your-choices"))],
                order=12,
            )
        )
    return panels
