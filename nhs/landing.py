"""The landing page's panels from the nhs app: a family's plan to come home; each partnership's list at
a glance for its staff; funding shares waiting for an approver."""

from django.urls import reverse
from django.utils import timezone

from organisations.landing import panel

from .discharge import at_a_glance, describe
from .selectors import lines_for_family, lines_of, partnerships_visible_to, shares_to_approve


def landing_panels(*, user) -> list[dict]:
    panels = []
    if lines_for_family(user=user).exists():
        panels.append(
            panel(
                "Coming home",
                lines=["See the plan for coming home from hospital, and how it is going."],
                links=[("Coming home", reverse("nhs:coming-home"))],
                order=15,
            )
        )
    today = timezone.localdate()
    for partnership in partnerships_visible_to(user=user)[:5]:
        glance = at_a_glance([describe(line, today) for line in lines_of(partnership=partnership)])
        panels.append(
            panel(
                partnership.name,
                lines=[
                    f"{glance['on_list']} on the list to come home from hospital: "
                    f"{glance['known_budget']} with a known budget, "
                    f"{glance['with_provider']} with a provider, {glance['stuck']} stuck.",
                ],
                links=[("The list", reverse("nhs:tracker", args=[partnership.code]))],
                order=40,
            )
        )
    waiting = shares_to_approve(user=user).count()
    if waiting:
        panels.append(
            panel(
                "Funding shares",
                lines=[f"{waiting} funding share{'' if waiting == 1 else 's'} waiting for your approval."],
                links=[("Funding shares", reverse("nhs:shares"))],
                order=20,
            )
        )
    return panels
