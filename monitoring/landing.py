"""The landing page's panel from monitoring: the returns a monitoring officer can download."""

from django.urls import reverse

from organisations.landing import panel

from .selectors import may_see_monitoring, returns_visible_to


def landing_panels(*, user) -> list[dict]:
    if not may_see_monitoring(user=user):
        return []
    latest = returns_visible_to(user=user).order_by("-created_at").first()
    count = returns_visible_to(user=user).count()
    lines = [f"{count} monitoring return{'' if count == 1 else 's'} ready to download."]
    if latest is not None:
        lines.append(
            f"The latest is {latest.period} for {latest.council}, made on {latest.created_at:%-d %B %Y}."
        )
    return [
        panel(
            "Monitoring returns",
            lines=lines,
            links=[("Monitoring returns", reverse("monitoring:returns"))],
            order=30,
        )
    ]
