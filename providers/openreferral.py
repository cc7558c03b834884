"""The public directory as Open Referral UK / Human Services Data Specification (HSDS 3.0) objects.

Each provider profile is one `organization` offering one `service` (personalised support) at one
`location` (its office), with one `contact`. Identifiers are UUIDs: the organisation's is the profile's
`public_id`; the others are derived from it (uuid5), so they are stable without extra tables.
Client groups, ISFs and the ten elements are published as `attributes` on the service, with taxonomy
terms in our own taxonomy `personalised-support` (HSDS allows local taxonomies).
"""

import uuid
from math import ceil

from .elements import ClientGroup, statement_for
from .models import ProviderProfile

TAXONOMY = "personalised-support"
TAXONOMY_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://personalised-support.example.org/taxonomy")


def service_id(profile: ProviderProfile) -> uuid.UUID:
    return uuid.uuid5(profile.public_id, "service")


def location_id(profile: ProviderProfile) -> uuid.UUID:
    return uuid.uuid5(profile.public_id, "location")


def contact_id(profile: ProviderProfile) -> uuid.UUID:
    return uuid.uuid5(profile.public_id, "contact")


def _sub_id(profile: ProviderProfile, name: str) -> str:
    return str(uuid.uuid5(profile.public_id, name))


def _phones(profile: ProviderProfile, **links) -> list[dict]:
    if not profile.phone:
        return []
    return [
        {
            "id": _sub_id(profile, "phone"),
            "number": profile.phone,
            "extension": None,
            "type": "voice",
            "description": None,
            "languages": [],
            **links,
        }
    ]


def _term(code: str, name: str) -> dict:
    term_id = str(uuid.uuid5(TAXONOMY_ID, code))
    return {
        "id": term_id,
        "code": code,
        "name": name,
        "description": name,
        "parent_id": None,
        "taxonomy": TAXONOMY,
        "language": "en",
        "taxonomy_id": str(TAXONOMY_ID),
        "term_uri": None,
    }


def _attributes(profile: ProviderProfile) -> list[dict]:
    attrs = []
    sid = str(service_id(profile))

    def add(code: str, name: str, value: str | None = None):
        term = _term(code, name)
        attrs.append(
            {
                "id": _sub_id(profile, f"attribute:{code}"),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "value": value,
                "label": name,
                "taxonomy_term": term,
            }
        )

    for code in profile.client_groups or []:
        add(f"client_group:{code}", ClientGroup(code).label)
    if profile.offers_isf:
        add("offers_isf", "Offers Individual Service Funds")
    if profile.staff_matching:
        add("staff_matching", "Matches staff to the person")
    if profile.supports_self_managed_staff:
        add("supports_self_managed_staff", "Supports people to manage their own staff")
    for code, answer in (profile.element_answers or {}).items():
        add(f"element:{code}", statement_for(code, answer), answer)
    return attrs


def organization(profile: ProviderProfile, *, full: bool = True) -> dict:
    data = {
        "id": str(profile.public_id),
        "name": profile.provider.name,
        "alternate_name": None,
        "description": profile.summary or profile.offers or profile.provider.name,
        "email": profile.email or None,
        "website": profile.website or None,
        "tax_status": None,
        "tax_id": None,
        "year_incorporated": None,
        "legal_status": None,
        "logo": None,
        "uri": None,
        "parent_organization_id": None,
        "organization_identifiers": [
            {
                "id": _sub_id(profile, "identifier:provider_ref"),
                "organization_id": str(profile.public_id),
                "identifier_scheme": "local",
                "identifier_type": "provider_ref",
                "identifier": profile.provider.provider_ref,
            }
        ]
        + (
            [
                {
                    "id": _sub_id(profile, "identifier:regulator"),
                    "organization_id": str(profile.public_id),
                    "identifier_scheme": profile.regulator or "regulator",
                    "identifier_type": "registration",
                    "identifier": profile.regulator_registration,
                }
            ]
            if profile.regulator_registration
            else []
        ),
    }
    if full:
        data.update(
            services=[service(profile, full=False)],
            locations=[location(profile)],
            contacts=[contact(profile)],
            phones=_phones(profile, organization_id=str(profile.public_id)),
            funding=[],
            programs=[],
            attributes=[],
            metadata=_metadata(profile),
        )
    return data


def _metadata(profile: ProviderProfile) -> list[dict]:
    return [
        {
            "id": _sub_id(profile, "metadata"),
            "resource_id": str(profile.public_id),
            "resource_type": "organization",
            "last_action_date": profile.updated_at.date().isoformat(),
            "last_action_type": "update",
            "field_name": "",
            "previous_value": "",
            "replacement_value": "",
            "updated_by": profile.provider.name,
        }
    ]


def service(profile: ProviderProfile, *, full: bool = True) -> dict:
    sid = str(service_id(profile))
    fee = None
    if profile.management_fee_percent is not None:
        fee = f"Management fee {profile.management_fee_percent}% of the budget"
    elif profile.management_fee_fixed is not None:
        fee = f"Management fee £{profile.management_fee_fixed:,.2f} a year"
    data = {
        "id": sid,
        "organization_id": str(profile.public_id),
        "program_id": None,
        "name": f"Personalised support from {profile.provider.name}",
        "alternate_name": None,
        "description": profile.offers or profile.summary or "",
        "url": profile.website or None,
        "email": profile.email or None,
        "status": "active" if profile.taking_new_people else "temporarily closed",
        "interpretation_services": ", ".join(profile.languages) or None,
        "application_process": "Ask through the personalised support service, or contact the provider.",
        "fees_description": fee,
        "wait_time": None,
        "fees": fee,
        "accreditations": profile.get_regulator_rating_display() if profile.regulator_rating else None,
        "eligibility_description": ", ".join(ClientGroup(c).label for c in profile.client_groups) or None,
        "minimum_age": None,
        "maximum_age": None,
        "assured_date": None,
        "assurer_email": None,
        "licenses": profile.regulator_registration or None,
        "alert": None,
        "last_modified": profile.updated_at.isoformat(),
        "languages": [
            {
                "id": _sub_id(profile, f"language:{lang}"),
                "service_id": sid,
                "location_id": None,
                "phone_id": None,
                "name": lang,
                "code": None,
                "note": None,
            }
            for lang in profile.languages
        ],  # fmt: skip
        "service_areas": [
            {
                "id": _sub_id(profile, f"area:{c.gss_code}"),
                "service_id": sid,
                "service_at_location_id": None,
                "name": c.name,
                "description": None,
                "extent": None,
                "extent_type": None,
                "uri": f"http://statistics.data.gov.uk/id/statistical-geography/{c.gss_code}",
            }
            for c in profile.council_areas.all()
        ]
        + [
            {
                "id": _sub_id(profile, f"area:{d}"),
                "service_id": sid,
                "service_at_location_id": None,
                "name": d,
                "description": "Postcode district",
                "extent": None,
                "extent_type": None,
                "uri": None,
            }
            for d in profile.postcode_districts
        ],  # fmt: skip
        "attributes": _attributes(profile),
    }
    if full:
        data.update(
            organization=organization(profile, full=False),
            service_at_locations=[
                {
                    "id": _sub_id(profile, "service_at_location"),
                    "service_id": sid,
                    "location_id": str(location_id(profile)),
                    "description": None,
                    "location": location(profile),
                }
            ],
            contacts=[contact(profile)],
            phones=_phones(profile, service_id=sid),
            cost_options=(
                [
                    {
                        "id": _sub_id(profile, "cost_option"),
                        "service_id": sid,
                        "valid_from": None,
                        "valid_to": None,
                        "option": "Management fee (fixed, a year)",
                        "currency": "GBP",
                        "amount": str(profile.management_fee_fixed),
                        "amount_description": "A fixed annual management fee, stated up front",
                    }
                ]
                if profile.management_fee_fixed is not None
                else []
            ),
            schedules=[],
            funding=[],
            required_documents=[],
            metadata=_metadata(profile),
        )
    return data


def location(profile: ProviderProfile) -> dict:
    lid = str(location_id(profile))
    return {
        "id": lid,
        "location_type": "physical" if profile.address or profile.postcode else "virtual",
        "url": profile.website or None,
        "organization_id": str(profile.public_id),
        "name": profile.provider.name,
        "alternate_name": None,
        "description": None,
        "transportation": None,
        "latitude": None,
        "longitude": None,
        "external_identifier": None,
        "external_identifier_type": None,
        "addresses": (
            [
                {
                    "id": _sub_id(profile, "address"),
                    "location_id": lid,
                    "attention": None,
                    "address_1": profile.address,
                    "address_2": None,
                    "city": profile.town,
                    "region": None,
                    "state_province": "",
                    "postal_code": profile.postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ]
            if profile.address or profile.postcode
            else []
        ),
        "languages": [],
        "accessibility": [],
        "phones": _phones(profile, location_id=lid),
        "schedules": [],
    }


def contact(profile: ProviderProfile) -> dict:
    return {
        "id": str(contact_id(profile)),
        "organization_id": str(profile.public_id),
        "service_id": str(service_id(profile)),
        "service_at_location_id": None,
        "location_id": None,
        "name": f"{profile.provider.name} enquiries",
        "title": None,
        "department": None,
        "email": profile.email or None,
        "phones": _phones(profile, contact_id=str(contact_id(profile))),
    }


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
