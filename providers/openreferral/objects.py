"""Provider profiles as HSDS 3.0 objects (organization, service, location, service_at_location, contact,
taxonomy, taxonomy_term), valid against the Open Referral project's compiled schemas.

One profile is one `organization` offering one `service` (personalised support) at one `location` (its
office), with one `contact`. The organisation's id is the profile's `public_id`; every other id is uuid5 of
it and a fixed name, so ids are stable without extra tables. HSDS types optional fields as strings or
numbers, never null: a field with no value is left out (`_present`), and a list with nothing is `[]`.
Only what the provider published on its profile is used.
"""

import uuid
from math import ceil

from organisations.money import format_money

from ..elements import ClientGroup
from ..models import ProviderProfile
from . import taxonomy

APPLICATION_PROCESS = (
    "Ask through your council's personalised support service, or contact the provider directly."
)


def derived_id(public_id: uuid.UUID, name: str) -> uuid.UUID:
    return uuid.uuid5(public_id, name)


def service_id(profile: ProviderProfile) -> uuid.UUID:
    return derived_id(profile.public_id, "service")


def location_id(profile: ProviderProfile) -> uuid.UUID:
    return derived_id(profile.public_id, "location")


def contact_id(profile: ProviderProfile) -> uuid.UUID:
    return derived_id(profile.public_id, "contact")


def service_at_location_id(profile: ProviderProfile) -> uuid.UUID:
    return derived_id(profile.public_id, "service_at_location")


def _sub_id(profile: ProviderProfile, name: str) -> str:
    return str(derived_id(profile.public_id, name))


def _present(**fields) -> dict:
    """The fields that have a value: HSDS wants an absent field, not null or an empty string."""
    return {k: v for k, v in fields.items() if v is not None and v != ""}


# ---- small parts -------------------------------------------------------------------------------------


def _phones(profile: ProviderProfile, owner: str, **links) -> list[dict]:
    if not profile.phone:
        return []
    return [
        {
            "id": _sub_id(profile, f"phone:{owner}"),
            **links,
            "number": profile.phone,
            "type": "voice",
            "languages": [],
            "attributes": [],
            "metadata": [],
        }
    ]


def _metadata(profile: ProviderProfile, resource_id: str, resource_type: str) -> list[dict]:
    """When the provider last changed its profile (HSDS requires every field of a metadata entry)."""
    return [
        {
            "id": _sub_id(profile, f"metadata:{resource_type}"),
            "resource_id": resource_id,
            "resource_type": resource_type,
            "last_action_date": profile.updated_at.date().isoformat(),
            "last_action_type": "update",
            "field_name": "",
            "previous_value": "",
            "replacement_value": "",
            "updated_by": profile.provider.name,
        }
    ]


def taxonomy_object() -> dict:
    return {
        "id": str(taxonomy.TAXONOMY_ID),
        "name": "Personalised support",
        "description": "Who a provider supports, how it can hold a person's budget, what kind of "
        "organisation it is, and how it answered the ten elements of personalised support.",
        "version": taxonomy.TAXONOMY_VERSION,
        "metadata": [],
    }


def term_object(term: taxonomy.Term, *, detail: bool = False) -> dict:
    data = _present(
        id=str(term.id),
        code=term.code,
        name=term.name,
        description=term.description,
        parent_id=str(taxonomy.BY_CODE[term.parent].id) if term.parent else None,
        taxonomy=taxonomy.TAXONOMY_CODE,
        language="en",
        taxonomy_id=str(taxonomy.TAXONOMY_ID),
    )
    if detail:
        data.update(taxonomy_detail=taxonomy_object(), metadata=[])
    return data


def _attributes(profile: ProviderProfile, link_id: str, link_entity: str, terms) -> list[dict]:
    return [
        _present(
            id=_sub_id(profile, f"attribute:{link_entity}:{term.code}"),
            link_id=link_id,
            link_type=term.parent or term.code,
            link_entity=link_entity,
            taxonomy_term_id=str(term.id),
            taxonomy_term=term_object(term),
            value=value,
            metadata=[],
        )
        for term, value in terms
    ]


def _fee(profile: ProviderProfile) -> str | None:
    if profile.management_fee_percent is not None:
        return f"Management fee {profile.management_fee_percent}% of the budget"
    if profile.management_fee_fixed is not None:
        return f"Management fee {format_money(profile.management_fee_fixed)} a year"
    return None


# ---- organization ------------------------------------------------------------------------------------


def organization(profile: ProviderProfile, *, full: bool = True, full_service: bool = False) -> dict:
    org_id = str(profile.public_id)
    data = _present(
        id=org_id,
        name=profile.provider.name,
        description=profile.summary or profile.offers or profile.provider.name,
        email=profile.email,
        website=profile.website,
    )
    if not full:
        return data
    identifiers = [
        {
            "id": _sub_id(profile, "identifier:provider_ref"),
            "organization_id": org_id,
            "identifier_scheme": "local",
            "identifier_type": "provider_ref",
            "identifier": profile.provider.provider_ref,
            "attributes": [],
            "metadata": [],
        }
    ]
    if profile.regulator_registration:
        identifiers.append(
            {
                "id": _sub_id(profile, "identifier:regulator"),
                "organization_id": org_id,
                "identifier_scheme": profile.regulator or "regulator",
                "identifier_type": "registration",
                "identifier": profile.regulator_registration,
                "attributes": [],
                "metadata": [],
            }
        )
    kind = taxonomy.BY_CODE[f"organisation_kind:{profile.organisation_kind}"]
    data.update(
        services=[service(profile, full=full_service, with_organization=False)],
        locations=[location(profile)],
        contacts=[contact(profile)],
        phones=_phones(profile, "organization", organization_id=org_id),
        organization_identifiers=identifiers,
        funding=[],
        programs=[],
        attributes=_attributes(profile, org_id, "organization", [(kind, None)]),
        metadata=_metadata(profile, org_id, "organization"),
    )
    return data


# ---- service -----------------------------------------------------------------------------------------


def _service_areas(profile: ProviderProfile, sid: str) -> list[dict]:
    councils = [
        _present(
            id=_sub_id(profile, f"area:{c.gss_code}"),
            service_id=sid,
            name=c.name,
            description=f"The area of {c.name}",
            uri=f"http://statistics.data.gov.uk/id/statistical-geography/{c.gss_code}",
        )
        | {"attributes": [], "metadata": []}
        for c in profile.council_areas.all()
    ]
    districts = [
        {
            "id": _sub_id(profile, f"area:{d}"),
            "service_id": sid,
            "name": d,
            "description": f"Postcode district {d}",
            "attributes": [],
            "metadata": [],
        }
        for d in profile.postcode_districts
    ]
    return councils + districts


def _cost_options(profile: ProviderProfile, sid: str) -> list[dict]:
    if profile.management_fee_fixed is None:
        return []
    return [
        {
            "id": _sub_id(profile, "cost_option"),
            "service_id": sid,
            "option": "Management fee (fixed, a year)",
            "currency": "GBP",
            "amount": profile.management_fee_fixed,
            "amount_description": "A fixed annual management fee, stated up front",
            "attributes": [],
            "metadata": [],
        }
    ]


def service(profile: ProviderProfile, *, full: bool = True, with_organization: bool = True) -> dict:
    """The service; `full` adds every nested list (HSDS `/services/{id}`), otherwise only one-to-one
    fields and the organization (HSDS list items)."""
    sid = str(service_id(profile))
    fee = _fee(profile)
    data = _present(
        id=sid,
        organization_id=str(profile.public_id),
        name=f"Personalised support from {profile.provider.name}",
        description=profile.offers or profile.summary,
        url=profile.website,
        email=profile.email,
        status="active" if profile.taking_new_people else "temporarily closed",
        interpretation_services=", ".join(profile.languages),
        application_process=APPLICATION_PROCESS,
        fees_description=fee,
        fees=fee,
        accreditations=(
            f"{profile.regulator or 'Regulator'} rating: {profile.get_regulator_rating_display()}"
            if profile.regulator_rating
            else None
        ),
        eligibility_description=", ".join(ClientGroup(c).label for c in profile.client_groups or []),
        licenses=(
            f"{profile.regulator or 'Registration'}: {profile.regulator_registration}"
            if profile.regulator_registration
            else None
        ),
        last_modified=profile.updated_at.isoformat(),
    )
    if with_organization:
        data["organization"] = organization(profile, full=False)
    if not full:
        return data
    data.update(
        service_at_locations=[service_at_location(profile, with_service=False)],
        contacts=[contact(profile)],
        phones=_phones(profile, "service", service_id=sid),
        languages=[
            {"id": _sub_id(profile, f"language:{lang}"), "service_id": sid, "name": lang, "attributes": []}
            for lang in profile.languages
        ],
        service_areas=_service_areas(profile, sid),
        cost_options=_cost_options(profile, sid),
        attributes=_attributes(profile, sid, "service", taxonomy.terms_of(profile)),
        schedules=[],
        funding=[],
        required_documents=[],
        metadata=_metadata(profile, sid, "service"),
    )
    return data


# ---- location, service at location, contact ----------------------------------------------------------


def _addresses(profile: ProviderProfile, lid: str) -> list[dict]:
    if not profile.postcode:
        return []
    # HSDS requires address_1, city and state_province on every address: a UK address has no state or
    # province, and a provider may publish only its town and postcode, so these may be empty strings.
    return [
        {
            "id": _sub_id(profile, "address"),
            "location_id": lid,
            "address_1": profile.address,
            "city": profile.town,
            "state_province": "",
            "postal_code": profile.postcode,
            "country": "GB",
            "address_type": "physical",
            "attributes": [],
            "metadata": [],
        }
    ]


def location(profile: ProviderProfile, *, full: bool = True) -> dict:
    lid = str(location_id(profile))
    physical = bool(profile.address or profile.postcode or profile.latitude is not None)
    data = _present(
        id=lid,
        location_type="physical" if physical else "virtual",
        url=profile.website,
        organization_id=str(profile.public_id),
        name=profile.provider.name,
        description=f"The office of {profile.provider.name}" if physical else None,
        # Decimals: the API renderer writes them as JSON numbers, as HSDS types them.
        latitude=profile.latitude,
        longitude=profile.longitude,
    )
    if full:
        data.update(
            addresses=_addresses(profile, lid),
            phones=_phones(profile, "location", location_id=lid),
            languages=[],
            accessibility=[],
            contacts=[],
            schedules=[],
            attributes=[],
            metadata=[],
        )
    return data


def service_at_location(profile: ProviderProfile, *, full: bool = True, with_service: bool = True) -> dict:
    """The service at the provider's office. A list item has the location and service one level deep;
    `full` nests everything (HSDS `/service_at_locations/{id}`)."""
    data = {
        "id": str(service_at_location_id(profile)),
        "service_id": str(service_id(profile)),
        "location_id": str(location_id(profile)),
        "location": location(profile, full=full),
    }
    if with_service:
        data["service"] = service(profile, full=False)
    if full:
        data.update(contacts=[], phones=[], schedules=[], attributes=[], metadata=[])
    return data


def contact(profile: ProviderProfile) -> dict:
    cid = str(contact_id(profile))
    return _present(
        id=cid,
        organization_id=str(profile.public_id),
        service_id=str(service_id(profile)),
        name=f"{profile.provider.name} enquiries",
        email=profile.email,
    ) | {
        "phones": _phones(profile, "contact", contact_id=cid),
        "attributes": [],
        "metadata": [],
    }


# ---- pages -------------------------------------------------------------------------------------------


def page(items: list, *, page_number: int, size: int, total: int) -> dict:
    """HSDS 3.0 paginated response."""
    total_pages = max(1, ceil(total / size)) if size else 1
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": size,
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not items,
        "contents": items,
    }
