"""Reads for advice pages: which council's contacts to show, and the contacts for a topic."""

from django.db.models import Q, QuerySet

from budgets.models import Person
from budgets.selectors import people_represented_by, people_visible_to
from organisations.models import Council

from .models import ALL_TOPICS, LocalContact


def council_for_page(*, user, code: str = "") -> Council | None:
    """The council chosen on the page (?council=), else the signed-in family's own council."""
    if code:
        return Council.objects.filter(gss_code=code).first()
    person = people_represented_by(user=user).select_related("council").first()
    return person.council if person else None


def contacts_for(*, council: Council | None, topic: str) -> QuerySet[LocalContact]:
    if council is None:
        return LocalContact.objects.none()
    return LocalContact.objects.filter(Q(topic=topic) | Q(topic=ALL_TOPICS), council=council)


def indicative_amount_for(*, user):
    """The signed-in family's latest indicative (or agreed) budget a year, to put the comparison in
    their own money; None for anyone else."""
    person: Person | None = people_represented_by(user=user).first()
    if person is None or not people_visible_to(user=user).filter(pk=person.pk).exists():
        return None
    assessment = person.assessments.first()
    return assessment.agreed_amount if assessment else None
