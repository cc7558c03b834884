"""Matrix rows for the providers app: the directory, choosing, the provider's pages, agreements, and the
Open Referral UK and private APIs.

Objects (own tenant = council A / provider A; other = council B / provider B):
- agreement: the family's person with provider A, agreed (active).
- request: a second council-A person has asked provider A (waiting for an answer).
- family_choice: the family's person has asked provider B (the family's own choice to withdraw).
- accepted: a council-A person accepted by provider B, with an approved ISF budget: ready for an agreement.
The other tenant has the same in council B with provider B, which no own-tenant user can see.
"""

import datetime as dt

from django.utils import timezone

from budgets.models import Person
from organisations.services import system_actor
from providers import services
from providers.models import ChoiceStatus, FlexibleAgreement, ProviderChoice
from providers.openreferral import service_at_location_id, service_id
from providers.openreferral.taxonomy import BY_CODE, TAXONOMY_ID
from tests.factories import ProviderFactory
from tests.matrix.harness import Row
from tests.providers.factories import TERMS, accepted_choice, isf_budget, profile_for

ALL_OK = "200 200 200 200 200 200 200 200 200 200"
# Roles: anonymous commissioner approver monitoring_officer provider_manager provider_finance family admin
# council_admin
ONLY_FAMILY = "302 403 403 403 403 403 200 403 403 403"
OTHER_TENANT_PAGE = (
    "302 404 404 404 404 404 404 403 404 404"  # a platform admin sees it, but it is not theirs
)
OTHER_TENANT_VISIBLE_TO_ADMIN = "302 404 404 404 404 404 404 200 404 404"
OTHER_TENANT_API = "401 404 404 404 404 404 404 403 404 404"


def _person(council, ref: str) -> Person:
    return Person.objects.create(
        council=council,
        person_ref=ref,
        given_name=ref,
        family_name="Matrix",
        date_of_birth="1985-01-01",
        primary_support_reason="learning_disability",
    )


def _requested(person, provider) -> ProviderChoice:
    return ProviderChoice.objects.create(person=person, provider=provider, status=ChoiceStatus.REQUESTED)


def _agreement(person, provider):
    """The person's agreed agreement with the provider: another app's rows (the ledger's) may have
    made it already in this shared world."""
    existing = FlexibleAgreement.objects.filter(person=person, provider=provider).first()
    if existing is not None:
        return existing
    start = timezone.localdate() - dt.timedelta(days=30)
    choice = accepted_choice(person, provider)
    arrangement = isf_budget(person, provider, start=start)
    agreement = services.set_up_agreement(
        choice=choice, arrangement=arrangement, actor=system_actor(), terms={**TERMS, "start_date": start}
    )
    return services.accept_agreement(agreement=agreement, actor=system_actor())


def populate(world):
    council_a, council_b = world.councils["own"], world.councils["other"]
    provider_a, provider_b = world.providers["own"], world.providers["other"]
    profiles = {
        "own": profile_for(provider_a, areas=[council_a]),
        "other": profile_for(provider_b, areas=[council_b]),
    }
    provider_c = ProviderFactory(provider_ref="PRV-C", name="Third Provider")
    profile_for(provider_c, areas=[council_a, council_b])
    own_person, other_person = world.objects["person"]["own"], world.objects["person"]["other"]
    a2, a3 = _person(council_a, "PROV-OWN-2"), _person(council_a, "PROV-OWN-3")
    b2, b3 = _person(council_b, "PROV-OTHER-2"), _person(council_b, "PROV-OTHER-3")
    accepted = {"own": accepted_choice(a3, provider_b), "other": accepted_choice(b3, provider_b)}
    world.objects["providers"] = {
        "profile": profiles,
        "provider_c": provider_c,
        "agreement": {
            "own": _agreement(own_person, provider_a),
            "other": _agreement(other_person, provider_b),
        },
        "request": {"own": _requested(a2, provider_a), "other": _requested(b2, provider_b)},
        "family_choice": {"own": _requested(own_person, provider_b), "other": _requested(b2, provider_a)},
        "accepted": accepted,
        "arrangement": {
            "own": isf_budget(a3, provider_b),
            "other": isf_budget(b3, provider_b),
        },
    }


def obj(name):
    return lambda w, t: w.objects["providers"][name][t]


def pk_url(template: str, name: str):
    return lambda w, t: template.format(pk=w.objects["providers"][name][t].pk)


def provider_url(template: str):
    return lambda w, t: template.format(pk=w.providers[t].pk)


ROWS = [
    # ---- the public directory ----
    Row("providers:provider-detail", ALL_OK, provider_url("/providers/{pk}/"), other=ALL_OK),
    Row("providers:compare", ALL_OK, lambda w, t: f"/providers/compare/?p={w.providers['own'].pk}"),
    # ---- choosing ----
    Row(
        "providers:shortlist",
        "302 403 403 403 403 403 302 403 403 403",
        lambda w, t: f"/providers/{w.objects['providers']['provider_c'].pk}/shortlist/",
        method="post",
        data=lambda w, t: {},
    ),
    Row(
        "providers:ask",
        ONLY_FAMILY,
        lambda w, t: f"/providers/{w.objects['providers']['provider_c'].pk}/ask/",
    ),
    Row("providers:your-choices", ONLY_FAMILY, lambda w, t: "/providers/your-choices/"),
    Row(
        "providers:choice-withdraw",
        "302 403 403 404 404 404 302 403 404 404",
        pk_url("/providers/choices/{pk}/withdraw/", "family_choice"),
        other="302 404 404 404 403 403 404 403 404 404",
        method="post",
        data=lambda w, t: {},
        note="(the other tenant's choice names provider A, which the provider may see but not withdraw)",
    ),
    # ---- the provider's own pages ----
    Row(
        "providers:provider-home",
        "302 403 403 403 200 200 403 403 403 403",
        lambda w, t: "/providers/organisation/",
    ),
    Row(
        "providers:profile-edit",
        "302 403 403 403 200 403 403 403 403 403",
        lambda w, t: "/providers/organisation/profile/",
    ),
    Row(
        "providers:provider-requests",
        "302 403 403 403 200 200 403 403 403 403",
        lambda w, t: "/providers/organisation/requests/",
    ),
    Row(
        "providers:request-decide",
        "302 403 403 404 200 200 404 403 404 404",
        pk_url("/providers/requests/{pk}/", "request"),
        other=OTHER_TENANT_PAGE,
    ),
    Row(
        "providers:request-decide",
        "302 403 403 404 302 403 404 403 404 404",
        pk_url("/providers/requests/{pk}/", "request"),
        other=OTHER_TENANT_PAGE,
        method="post",
        data=lambda w, t: {"decision": "accept"},
    ),
    # ---- the commissioner ----
    Row(
        "providers:choice-record",
        "302 200 403 404 404 404 403 403 404 404",
        lambda w, t: f"/providers/people/{w.objects['person'][t].pk}/record-choice/",
        other=OTHER_TENANT_PAGE,
    ),
    Row(
        "providers:commissioner-choices",
        "302 200 403 403 403 403 403 403 403 403",
        lambda w, t: "/providers/choices/",
    ),
    Row(
        "providers:agreement-new",
        "302 200 403 404 404 404 404 403 404 404",
        pk_url("/providers/choices/{pk}/agreement/", "accepted"),
        other=OTHER_TENANT_PAGE,
    ),
    # ---- agreements ----
    Row(
        "providers:agreements",
        "302 200 200 403 200 200 200 200 403 403",
        lambda w, t: "/providers/agreements/",
    ),
    Row(
        "providers:agreement-detail",
        "302 200 200 404 200 200 200 200 404 404",
        pk_url("/providers/agreements/{pk}/", "agreement"),
        other=OTHER_TENANT_VISIBLE_TO_ADMIN,
    ),
    Row(
        "providers:agreement-edit",
        "302 200 403 404 403 403 403 403 404 404",
        pk_url("/providers/agreements/{pk}/edit/", "agreement"),
        other=OTHER_TENANT_PAGE,
    ),
    Row(
        "providers:agreement-accept",
        "302 403 403 404 302 403 403 403 404 404",
        pk_url("/providers/agreements/{pk}/accept/", "agreement"),
        other=OTHER_TENANT_PAGE,
        method="post",
        data=lambda w, t: {},
    ),
    Row(
        "providers:agreement-decline",
        "302 403 403 404 302 403 403 403 404 404",
        pk_url("/providers/agreements/{pk}/decline/", "agreement"),
        other=OTHER_TENANT_PAGE,
        method="post",
        data=lambda w, t: {"reason": "No"},
    ),
    Row(
        "providers:agreement-withdraw",
        "302 302 403 404 403 403 403 403 404 404",
        pk_url("/providers/agreements/{pk}/withdraw/", "agreement"),
        other=OTHER_TENANT_PAGE,
        method="post",
        data=lambda w, t: {},
    ),
    Row(
        "providers:agreement-notice",
        "302 403 403 404 200 403 200 403 404 404",
        pk_url("/providers/agreements/{pk}/notice/", "agreement"),
        other=OTHER_TENANT_PAGE,
    ),
    Row(
        "providers:agreement-notice",
        "302 403 403 404 302 403 302 403 404 404",
        pk_url("/providers/agreements/{pk}/notice/", "agreement"),
        other=OTHER_TENANT_PAGE,
        method="post",
        data=lambda w, t: {"end_date": "", "reason": "Moving away"},
    ),
    # ---- Open Referral UK (public, read-only) ----
    Row("api-openreferral", ALL_OK, lambda w, t: "/api/openreferral/"),
    Row("api-openreferral-organizations", ALL_OK, lambda w, t: "/api/openreferral/organizations/"),
    Row(
        "api-openreferral-organization",
        ALL_OK,
        lambda w, t: f"/api/openreferral/organizations/{w.objects['providers']['profile'][t].public_id}/",
        other=ALL_OK,
    ),
    Row("api-openreferral-services", ALL_OK, lambda w, t: "/api/openreferral/services/"),
    Row(
        "api-openreferral-service",
        ALL_OK,
        lambda w, t: f"/api/openreferral/services/{service_id(w.objects['providers']['profile'][t])}/",
        other=ALL_OK,
    ),
    Row(
        "api-openreferral-service-at-locations",
        ALL_OK,
        lambda w, t: "/api/openreferral/service_at_locations/",
    ),
    Row(
        "api-openreferral-service-at-location",
        ALL_OK,
        lambda w, t: (
            "/api/openreferral/service_at_locations/"
            f"{service_at_location_id(w.objects['providers']['profile'][t])}/"
        ),
        other=ALL_OK,
    ),
    Row("api-openreferral-taxonomies", ALL_OK, lambda w, t: "/api/openreferral/taxonomies/"),
    Row("api-openreferral-taxonomy", ALL_OK, lambda w, t: f"/api/openreferral/taxonomies/{TAXONOMY_ID}/"),
    Row("api-openreferral-taxonomy-terms", ALL_OK, lambda w, t: "/api/openreferral/taxonomy_terms/"),
    Row(
        "api-openreferral-taxonomy-term",
        ALL_OK,
        lambda w, t: f"/api/openreferral/taxonomy_terms/{BY_CODE['offers_isf'].id}/",
    ),
    Row("api-openreferral-locations", ALL_OK, lambda w, t: "/api/openreferral/locations/"),
    Row("api-openreferral-contacts", ALL_OK, lambda w, t: "/api/openreferral/contacts/"),
    # ---- private API ----
    Row(
        "api-provider-choices",
        "401 200 200 200 200 200 200 200 200 200",
        lambda w, t: "/api/provider-choices/",
    ),
    Row(
        "api-provider-choices",
        "401 403 403 403 403 403 201 403 403 403",
        lambda w, t: "/api/provider-choices/",
        method="post",
        content_type="json",
        data=lambda w, t: {"person_id": w.objects["person"]["own"].pk, "provider_ref": "PRV-C"},
    ),
    Row(
        "api-provider-choice",
        "401 200 200 404 200 200 404 200 404 404",
        pk_url("/api/provider-choices/{pk}/", "request"),
        other="401 404 404 404 404 404 404 200 404 404",
    ),
    Row(
        "api-provider-choice-decision",
        "401 403 403 404 200 403 404 403 404 404",
        pk_url("/api/provider-choices/{pk}/decision/", "request"),
        other=OTHER_TENANT_API,
        method="post",
        content_type="json",
        data=lambda w, t: {"decision": "accept"},
    ),
    Row("api-agreements", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/agreements/"),
    Row(
        "api-agreements",
        "401 201 403 404 404 404 404 403 404 404",
        lambda w, t: "/api/agreements/",
        other=OTHER_TENANT_API,
        method="post",
        content_type="json",
        data=lambda w, t: {
            "choice_id": w.objects["providers"]["accepted"][t].pk,
            "arrangement_id": w.objects["providers"]["arrangement"][t].pk,
            "outcomes": "Swim every week.",
            "management_fee_percent": "8.00",
        },
        note="(set up from the own or the other council's accepted choice)",
    ),
    Row(
        "api-agreement",
        "401 200 200 404 200 200 200 200 404 404",
        pk_url("/api/agreements/{pk}/", "agreement"),
        other="401 404 404 404 404 404 404 200 404 404",
    ),
    Row(
        "api-agreement-accept",
        "401 403 403 404 200 403 403 403 404 404",
        pk_url("/api/agreements/{pk}/accept/", "agreement"),
        other=OTHER_TENANT_API,
        method="post",
        content_type="json",
        data=lambda w, t: {},
    ),
    Row(
        "api-agreement-notice",
        "401 403 403 404 200 403 200 403 404 404",
        pk_url("/api/agreements/{pk}/notice/", "agreement"),
        other=OTHER_TENANT_API,
        method="post",
        content_type="json",
        data=lambda w, t: {"reason": "Moving away"},
    ),
]
