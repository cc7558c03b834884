"""Reads about the directory, choices and agreements. Everything about a person is scoped to the user:
a person or representative sees their own; a provider's staff see people who asked or chose them;
a commissioner sees their council's people (not a family's private shortlist); a platform admin all."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from budgets.models import Person
from budgets.selectors import people_represented_by
from organisations.models import Council, Provider, Role
from organisations.selectors import roles_of

from .elements import ELEMENTS, Answer, ClientGroup, statement_for
from .models import (
    AGREED_STATUSES,
    CHOICE_STATUSES_SEEN_BY_PROVIDER,
    AgreementStatus,
    ChoiceStatus,
    FlexibleAgreement,
    ProviderChoice,
    ProviderProfile,
)

COMPARE_AT_MOST = 3
# Agreements through which a provider sees the person: offered to it, agreed, or under notice.
LIVE_AGREEMENT_STATUSES = (AgreementStatus.OFFERED, AgreementStatus.ACTIVE, AgreementStatus.ENDING)
PROVIDER_STAFF = (Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE)
COUNCIL_CASE_ROLES = (Role.COMMISSIONER, Role.APPROVER)


# ---- the public directory --------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""
    council: str = ""  # a council's GSS code
    postcode: str = ""  # a postcode or postcode district
    client_group: str = ""
    offers_isf: bool = False
    language: str = ""
    taking_new_people: bool = False
    organisation_kind: str = ""  # support_provider, community_hub, managed_account_service, ...
    manages_direct_payments: bool = False


def directory_profiles(*, filters: DirectoryFilters | None = None) -> QuerySet[ProviderProfile]:
    """Providers in the public directory, narrowed by the family's filters."""
    from .services import normalise_postcode_district

    f = filters or DirectoryFilters()
    qs = ProviderProfile.objects.select_related("provider").prefetch_related("council_areas")
    if f.text:
        qs = qs.filter(
            Q(provider__name__icontains=f.text) | Q(offers__icontains=f.text) | Q(summary__icontains=f.text)
        )
    if f.council:
        # The only filter through a many-to-many join, and so the only one that can repeat a profile.
        qs = qs.filter(council_areas__gss_code=f.council).distinct()
    if f.postcode:
        district = normalise_postcode_district(f.postcode)
        qs = qs.filter(postcode_districts__contains=[district])
    if f.client_group:
        qs = qs.filter(client_groups__contains=[f.client_group])
    if f.offers_isf:
        qs = qs.filter(offers_isf=True)
    if f.language:
        qs = qs.filter(languages__contains=[f.language])
    if f.taking_new_people:
        qs = qs.filter(taking_new_people=True)
    if f.organisation_kind:
        qs = qs.filter(organisation_kind=f.organisation_kind)
    if f.manages_direct_payments:
        qs = qs.filter(manages_direct_payments=True)
    return qs.order_by("provider__name")


def directory_languages() -> list[str]:
    """Every language some provider in the directory speaks, for the filter."""
    seen: set[str] = set()
    for langs in ProviderProfile.objects.values_list("languages", flat=True):
        seen.update(langs or [])
    return sorted(seen)


def directory_councils() -> QuerySet[Council]:
    return Council.objects.filter(provider_profiles__isnull=False).distinct().order_by("name")


def directory_profile(*, provider_id: int) -> ProviderProfile | None:
    return directory_profiles().filter(provider_id=provider_id).first()


def element_statements(profile: ProviderProfile) -> list[dict[str, str]]:
    """The profile's answers to the ten elements as plain statements, in the report's order."""
    rows = []
    for code, (title, _) in ELEMENTS.items():
        answer = (profile.element_answers or {}).get(code)
        if not answer:
            continue
        rows.append(
            {
                "code": code,
                "title": title,
                "answer": answer,
                "answer_label": Answer(answer).label,
                "statement": statement_for(code, answer),
            }
        )
    return rows


# The self-assessment's answer to "how long have you offered ISFs" (surveys.definitions.ISF_YEARS), in
# words a family reads on the provider's page.
ISF_YEARS_WORDS = {
    "not_offered": "They do not offer Individual Service Funds",
    "less_than_1": "Less than a year",
    "1_to_3": "1 to 3 years",
    "3_to_5": "3 to 5 years",
    "5_to_10": "5 to 10 years",
    "more_than_10": "More than 10 years",
}


def isf_years_label(profile: ProviderProfile) -> str:
    return ISF_YEARS_WORDS.get(profile.isf_years or "", "Not stated")


def client_group_labels(profile: ProviderProfile) -> list[str]:
    return [ClientGroup(code).label for code in ClientGroup.values if code in (profile.client_groups or [])]


# ---- choices and agreements, scoped -----------------------------------------------------------------


def providers_staffed_by(*, user) -> QuerySet[Provider]:
    return Provider.objects.filter(pk__in=roles_of(user=user).providers_with(*PROVIDER_STAFF))


def providers_to_choose_for(*, person: Person) -> QuerySet[Provider]:
    """The providers a commissioner may record as the person's choice: those serving the person's
    council, or every provider when none says it does."""
    serving = Provider.objects.filter(profile__council_areas=person.council_id).order_by("name")
    return serving if serving.exists() else Provider.objects.order_by("name")


def choices_visible_to(*, user) -> QuerySet[ProviderChoice]:
    if not getattr(user, "is_authenticated", False):
        return ProviderChoice.objects.none()
    roles = roles_of(user=user)
    qs = ProviderChoice.objects.select_related("person", "provider", "person__council")
    if roles.platform_admin:
        return qs
    q = Q(person__in=people_represented_by(user=user))
    providers = roles.providers_with(*PROVIDER_STAFF)
    if providers:
        q |= Q(provider_id__in=providers, status__in=CHOICE_STATUSES_SEEN_BY_PROVIDER)
    councils = roles.councils_with(*COUNCIL_CASE_ROLES)
    if councils:
        q |= Q(person__council_id__in=councils) & ~Q(status=ChoiceStatus.SHORTLISTED)
    return qs.filter(q).distinct()


def agreements_visible_to(*, user) -> QuerySet[FlexibleAgreement]:
    if not getattr(user, "is_authenticated", False):
        return FlexibleAgreement.objects.none()
    roles = roles_of(user=user)
    qs = FlexibleAgreement.objects.select_related("person", "provider", "council", "arrangement")
    if roles.platform_admin:
        return qs
    q = Q(person__in=people_represented_by(user=user))
    providers = roles.providers_with(*PROVIDER_STAFF)
    if providers:
        q |= Q(provider_id__in=providers, status__in=LIVE_AGREEMENT_STATUSES)
    councils = roles.councils_with(*COUNCIL_CASE_ROLES)
    if councils:
        q |= Q(council_id__in=councils)
    return qs.filter(q).distinct()


def agreements_in_force(*, on: date) -> QuerySet[FlexibleAgreement]:
    """Agreements money may move under on day `on` (for the ledger and its scheduled payments): accepted
    by the provider, started, and not past their last day. (An ended agreement was in force until its
    last day.)"""
    return FlexibleAgreement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), status__in=AGREED_STATUSES, start_date__lte=on
    )


def is_commissioner_for(*, user, agreement_or_person) -> bool:
    council_id = getattr(agreement_or_person, "council_id", None)
    return council_id in roles_of(user=user).councils_with(Role.COMMISSIONER)


def is_manager_of(*, user, provider_id: int) -> bool:
    return provider_id in roles_of(user=user).providers_with(Role.PROVIDER_MANAGER)


def acts_for(*, user, person: Person) -> bool:
    """The user is the person, or represents them."""
    return people_represented_by(user=user).filter(pk=person.pk).exists()


def people_seen_by_provider_rule(user, roles):
    """Budgets visibility rule: a provider's staff see a person only while the link is live: a request
    it accepted, or an agreement offered to it or in force (registered in ProvidersConfig.ready). A
    declined request or an ended agreement gives no access to the person or their plan."""
    providers = roles.providers_with(*PROVIDER_STAFF)
    if not providers:
        return None
    return Q(
        # An accepted request stops counting once an agreement made from it has ended.
        pk__in=ProviderChoice.objects.filter(provider_id__in=providers, status=ChoiceStatus.ACCEPTED)
        .exclude(agreements__status=AgreementStatus.ENDED)
        .values("person_id")
    ) | Q(
        pk__in=FlexibleAgreement.objects.filter(
            provider_id__in=providers, status__in=LIVE_AGREEMENT_STATUSES
        ).values("person_id")
    )


def accepted_terms(agreement: FlexibleAgreement) -> dict[str, str | None] | None:
    """The terms of the latest version the provider accepted (strings, as stored in the version), or
    None before the first acceptance. While a changed version waits for the provider, the row holds the
    new terms and this still answers the accepted ones."""
    version = agreement.versions.filter(accepted_at__isnull=False).order_by("-number").first()
    return version.terms if version else None


def where_a_choice_is_up_to(choice: ProviderChoice) -> str:
    """What a family reads about a choice: the latest event, so "Accepted" becomes "Agreed" once the
    agreement is in place, and so on. Uses the choice's newest agreement (prefetch `agreements`)."""
    agreements = sorted(choice.agreements.all(), key=lambda a: (a.created_at, a.pk))
    latest = agreements[-1] if agreements else None
    name = choice.provider.name
    if latest is not None:
        if latest.status == AgreementStatus.OFFERED:
            return f"Accepted. Your social worker has sent the agreement to {name} to sign."
        if latest.status == AgreementStatus.ACTIVE:
            return f"Agreed. {name} holds your money from {latest.start_date:%-d %B %Y}."
        if latest.status == AgreementStatus.ENDING:
            return f"Notice given. The agreement ends on {latest.end_date:%-d %B %Y}."
        if latest.status == AgreementStatus.ENDED:
            return "The agreement has ended."
        if latest.status == AgreementStatus.DECLINED:
            return f"{name} did not sign the agreement: {latest.decline_reason}"
    if choice.status == ChoiceStatus.REQUESTED:
        return f"Asked. Waiting for {name} to answer."
    if choice.status == ChoiceStatus.ACCEPTED:
        return "Accepted. Your social worker will set up the agreement."
    if choice.status == ChoiceStatus.DECLINED:
        return f"{name} cannot support you: {choice.decline_reason}"
    return choice.get_status_display()


def managed_direct_payments_of(*, provider, on: date) -> QuerySet:
    """The direct payments this organisation manages on day `on` (approved budgets only): it holds the
    money for these people (their accounts are on the ledger pages)."""
    from budgets.models import Arrangement, BudgetStatus, ManagementType

    return (
        Arrangement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on),
            management_type=ManagementType.DIRECT_PAYMENT_MANAGED,
            provider=provider,
            budget__status=BudgetStatus.APPROVED,
            start_date__lte=on,
        )
        .select_related("budget__person")
        .order_by("budget__person__family_name", "budget__person__given_name", "pk")
    )


def replacement_taking_over(agreement: FlexibleAgreement) -> FlexibleAgreement | None:
    """The agreement taking this one over: a replacement declined or withdrawn takes nothing over, and
    at most one other may exist (constraint agreement_one_replacement_taking_over)."""
    return (
        FlexibleAgreement.objects.filter(replaces=agreement)
        .exclude(status__in=[AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN])
        .first()
    )
