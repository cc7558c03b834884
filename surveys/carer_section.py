"""The carer's own "Your budget" page lists the carers' survey answers they sent (issue 19)."""

from django.urls import reverse

from .models import Response, ResponseStatus


def carer_survey_section(request, person) -> dict | None:
    if not person.is_carer:
        return None
    sent = list(
        Response.objects.filter(carer=person, status=ResponseStatus.SUBMITTED)
        .select_related("person")
        .order_by("-submitted_at")[:5]
    )
    return {
        "template": "surveys/_carer_section.html",
        "responses": sent,
        "surveys_url": reverse("surveys:my-surveys"),
    }
