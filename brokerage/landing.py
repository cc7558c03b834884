"""Landing-page panels: a broker's people; a family's broker and asks waiting for them."""

from django.urls import reverse

from budgets.selectors import is_family_member
from organisations.landing import panel
from organisations.selectors import roles_of

from .selectors import asks_waiting_for_family, live_invitations_for_broker


def landing_panels(*, user) -> list[dict]:
    panels = []
    if roles_of(user=user).is_broker:
        count = live_invitations_for_broker(user=user).count()
        panels.append(
            panel(
                "People you are helping",
                lines=[f"{count} {'person has' if count == 1 else 'people have'} invited you to help."],
                links=[("See the people you are helping", reverse("brokerage:home"))],
                order=10,
            )
        )
    if is_family_member(user=user):
        waiting = asks_waiting_for_family(user=user).count()
        lines = ["An independent broker can help you plan and choose, for as long as you want."]
        if waiting:
            lines = [
                f"Your broker has written {waiting} {'ask' if waiting == 1 else 'asks'} for you to check."
            ]
        panels.append(
            panel(
                "Help to plan and choose",
                lines=lines,
                links=[("Your help", reverse("brokerage:family"))],
                order=40,
            )
        )
    return panels
