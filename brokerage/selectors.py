"""Reads about brokerages, invitations and asks, scoped to the user.

A broker sees a person only while an invitation to their brokerage is live (not ended, and `until`
not passed); the family sees their own invitations (live and ended); a commissioner sees those of
their council's people. Nobody else sees any.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from budgets.models import Person
from budgets.selectors import people_represented_by
from organisations.kept_queries import fetch_kept
from organisations.models import Council, Provider, Role
from organisations.selectors import roles_of
from providers.models import OrganisationKind, ProviderProfile

from .models import AskStatus, BrokerageOffer, DraftAsk, Enquiry, Invitation


def _today():
    return timezone.localdate()


def live_q(prefix: str = "", on=None) -> Q:
    on = on or _today()
    return Q(**{f"{prefix}ended_at__isnull": True}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": on})
    )


# ---- the brokerage directory (public) ----------------------------------------------------------------


def brokerage_profiles(*, council: str = "", language: str = "", council_funded: bool = False):
    """Brokerages in the directory, with their offer (cost, who pays), narrowed by area and language."""
    qs = (
        ProviderProfile.objects.filter(organisation_kind=OrganisationKind.SUPPORT_BROKERAGE)
        .select_related("provider", "provider__brokerage_offer")
        .prefetch_related("council_areas", "provider__brokerage_offer__funded_by")
    )
    if council:
        qs = qs.filter(council_areas__gss_code=council)
    if language:
        qs = qs.filter(languages__contains=[language])
    if council_funded:
        if council:
            qs = qs.filter(provider__brokerage_offer__funded_by__gss_code=council)
        else:
            qs = qs.filter(provider__brokerage_offer__funded_by__isnull=False)
    return qs.distinct().order_by("provider__name")


def brokerage_profile(*, provider_id: int) -> ProviderProfile | None:
    return brokerage_profiles().filter(provider_id=provider_id).first()


def brokerage_councils() -> QuerySet[Council]:
    return (
        Council.objects.filter(provider_profiles__organisation_kind=OrganisationKind.SUPPORT_BROKERAGE)
        .distinct()
        .order_by("name")
    )


def brokerage_languages() -> list[str]:
    seen: set[str] = set()
    for langs in ProviderProfile.objects.filter(
        organisation_kind=OrganisationKind.SUPPORT_BROKERAGE
    ).values_list("languages", flat=True):
        seen.update(langs or [])
    return sorted(seen)


def offer_of(provider: Provider) -> BrokerageOffer | None:
    return BrokerageOffer.objects.filter(provider=provider).prefetch_related("funded_by").first()


def brokerages() -> QuerySet[Provider]:
    """Every support brokerage, by name (whom a family or a commissioner may invite)."""
    return Provider.objects.filter(profile__organisation_kind=OrganisationKind.SUPPORT_BROKERAGE).order_by(
        "name"
    )


def is_brokerage(provider: Provider) -> bool:
    return ProviderProfile.objects.filter(
        provider=provider, organisation_kind=OrganisationKind.SUPPORT_BROKERAGE
    ).exists()


# ---- invitations -----------------------------------------------------------------------------------------


def brokerages_of(*, user) -> frozenset[int]:
    return roles_of(user=user).brokerages


def live_invitations_for_broker(*, user) -> QuerySet[Invitation]:
    """The live invitations to the user's brokerages: the only people a broker sees."""
    brokerages = brokerages_of(user=user)
    if not brokerages:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(live_q(), brokerage_id__in=brokerages)
        .select_related("person", "brokerage")
        .order_by("person__family_name", "person__given_name", "pk")
    )


def people_invited_for(*, user) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=live_invitations_for_broker(user=user).values("person_id"))


def live_invitation(*, user, person: Person) -> Invitation | None:
    return live_invitations_for_broker(user=user).filter(person=person).first()


def people_seen_by_broker_rule(user, roles):
    """Budgets visibility rule (registered in BrokerageConfig.ready): a broker sees a person only while
    an invitation to their brokerage is live."""
    if not roles.brokerages:
        return None
    return Q(
        pk__in=Invitation.objects.filter(live_q(), brokerage_id__in=roles.brokerages).values("person_id")
    )


def helps_plan_rule(user, person) -> bool:
    """Plan-helper rule: a broker invited for this person may draft and change their support plan."""
    if not roles_of(user=user).brokerages:
        return False
    return live_invitation(user=user, person=person) is not None


def invitations_visible_to(*, user) -> QuerySet[Invitation]:
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    roles = roles_of(user=user)
    qs = Invitation.objects.select_related("person", "brokerage", "invited_by", "ended_by")
    if roles.platform_admin:
        return qs
    q = Q(person__in=people_represented_by(user=user))
    councils = roles.councils_with(Role.COMMISSIONER, Role.APPROVER)
    if councils:
        q |= Q(person__council_id__in=councils)
    if roles.brokerages:
        q |= live_q() & Q(brokerage_id__in=roles.brokerages)
    return qs.filter(q).distinct()


def family_invitations(*, user) -> QuerySet[Invitation]:
    return invitations_visible_to(user=user).filter(person__in=people_represented_by(user=user))


def council_invitations(*, person: Person) -> QuerySet[Invitation]:
    return Invitation.objects.filter(person=person).select_related("brokerage", "invited_by", "ended_by")


def _casework_invitations_query(*, person_id: int) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(person_id=person_id)
        .select_related("brokerage", "invited_by", "ended_by")
        .order_by()
    )


# ---- asks --------------------------------------------------------------------------------------------


def asks_visible_to(*, user) -> QuerySet[DraftAsk]:
    """The family's own asks; a broker's brokerage's asks while its invitation is live."""
    if not getattr(user, "is_authenticated", False):
        return DraftAsk.objects.none()
    roles = roles_of(user=user)
    qs = DraftAsk.objects.select_related("person", "provider", "drafted_by", "invitation")
    q = Q(person__in=people_represented_by(user=user))
    if roles.brokerages:
        q |= live_q("invitation__") & Q(invitation__brokerage_id__in=roles.brokerages)
    return qs.filter(q).distinct()


def asks_waiting_for_family(*, user) -> QuerySet[DraftAsk]:
    return asks_visible_to(user=user).filter(
        person__in=people_represented_by(user=user), status=AskStatus.WAITING
    )


# ---- enquiries ---------------------------------------------------------------------------------------


def enquiries_for_broker(*, user) -> QuerySet[Enquiry]:
    return Enquiry.objects.filter(brokerage_id__in=brokerages_of(user=user)).select_related("brokerage")


# ---- the brokerage's section on its directory page --------------------------------------------------


def brokerage_detail_section(profile, request):
    if profile.organisation_kind != OrganisationKind.SUPPORT_BROKERAGE:
        return None
    return {
        "template": "brokerage/_offer_section.html",
        "context": {"profile": profile, "offer": offer_of(profile.provider)},
        "order": 10,
    }


def brokerage_casework_section(request, person):
    """On the staff's page about a person: the brokers helping now and before (for the council's
    commissioners and approvers), and, for a commissioner, the way to invite one."""
    roles = roles_of(user=request.user)
    if person.council_id not in roles.councils_with(Role.COMMISSIONER, Role.APPROVER):
        return None
    # Newest first (Invitation's ordering: created, then id, neither empty), sorted here; the query's
    # SQL (four tables' columns) is compiled once per process (issue 14).
    invitations = sorted(
        fetch_kept(_casework_invitations_query, person_id=person.pk),
        key=lambda i: (i.created_at, i.pk),
        reverse=True,
    )
    today = _today()
    return {
        "template": "brokerage/_person_section.html",
        "person": person,
        "live": [i for i in invitations if i.is_live_on(today)],
        "ended": [i for i in invitations if not i.is_live_on(today)],
        "may_invite": person.council_id in roles.councils_with(Role.COMMISSIONER),
    }
