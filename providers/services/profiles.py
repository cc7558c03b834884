"""The provider's directory profile: what it offers, where, for whom, its fee and its answers to the ten
elements (also written by the surveys app when a provider sends its self-assessment)."""

import re
from decimal import Decimal
from typing import Any

from django.db import transaction

from organisations import audit
from organisations.models import Provider
from organisations.money import to_money

from ..elements import ANSWER_CODES, CLIENT_GROUP_CODES, ELEMENT_CODES, ClientGroup
from ..models import ProviderProfile
from .errors import ProviderError

PROFILE_FIELDS = (
    "summary",
    "offers",
    "postcode_districts",
    "client_groups",
    "offers_isf",
    "organisation_kind",
    "manages_direct_payments",
    "management_fee_percent",
    "management_fee_fixed",
    "languages",
    "staff_matching",
    "supports_self_managed_staff",
    "taking_new_people",
    "regulator",
    "regulator_registration",
    "regulator_rating",
    "email",
    "phone",
    "website",
    "address",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "element_answers",
    "isf_years",
)


def normalise_postcode_district(value: str) -> str:
    """ "dt1 1aa" -> "DT1"; "bh15" -> "BH15". The outward code is what providers list as an area."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    return value.split()[0][:4] if " " in value else (value[:-3] if len(value) > 4 else value)


def normalise_language(value: str) -> str:
    value = " ".join((value or "").split())
    return value[:1].upper() + value[1:] if value else ""


def ensure_profile(*, provider: Provider) -> ProviderProfile:
    profile, _ = ProviderProfile.objects.get_or_create(provider=provider)
    return profile


POSTCODE_DISTRICT = re.compile(r"^[A-Z0-9]{2,4}$")  # fits the column (4)
LANGUAGE_MAX_LENGTH = 60


def _check_profile_values(values: dict[str, Any]) -> None:
    # Each value must fit its column, so a long one is a message on the form, never a database error.
    bad = [d for d in values.get("postcode_districts") or [] if not POSTCODE_DISTRICT.match(d)]
    if bad:
        raise ProviderError(f"'{bad[0]}' is not a postcode district. Use the first part, like DT1 or BH15.")
    long = [lang for lang in values.get("languages") or [] if len(lang) > LANGUAGE_MAX_LENGTH]
    if long:
        raise ProviderError(f"Write each language in {LANGUAGE_MAX_LENGTH} characters or fewer.")
    groups = values.get("client_groups")
    if groups is not None:
        unknown = sorted(set(groups) - CLIENT_GROUP_CODES)
        if unknown:
            raise ProviderError(f"Unknown group of people: {', '.join(unknown)}.")
    answers = values.get("element_answers")
    if answers is not None:
        _check_element_answers(answers)
    percent, fixed = values.get("management_fee_percent"), values.get("management_fee_fixed")
    if percent is not None and fixed is not None:
        raise ProviderError("State the management fee as a percentage or a fixed annual amount, not both.")
    if percent is not None and not (Decimal(0) <= percent <= Decimal(100)):
        raise ProviderError("A management fee percentage must be between 0 and 100.")
    if fixed is not None and fixed < 0:
        raise ProviderError("A management fee cannot be negative.")


def _check_element_answers(answers: dict[str, str]) -> None:
    unknown = sorted(set(answers) - set(ELEMENT_CODES))
    if unknown:
        raise ProviderError(f"Unknown element of personalised support: {', '.join(unknown)}.")
    bad = sorted(code for code, answer in answers.items() if answer not in ANSWER_CODES)
    if bad:
        raise ProviderError(f"Unknown answer for: {', '.join(bad)}.")


def update_profile(
    *, provider: Provider, values: dict[str, Any], actor, council_areas=None, event: str = "profile updated"
) -> ProviderProfile:
    """Change the given profile fields (and, if given, the council areas); audit what changed."""
    with transaction.atomic():
        values = {k: v for k, v in values.items() if k in PROFILE_FIELDS}
        if "postcode_districts" in values:
            values["postcode_districts"] = sorted(
                {d for d in (normalise_postcode_district(v) for v in values["postcode_districts"]) if d}
            )
        if "client_groups" in values:
            # Kept in Table 2's order, without repeats; unknown codes are refused below.
            wanted = set(values["client_groups"])
            known = [code for code in ClientGroup.values if code in wanted]
            values["client_groups"] = known + sorted(wanted - set(known))
        if "languages" in values:
            values["languages"] = sorted(
                {lang for lang in map(normalise_language, values["languages"]) if lang}
            )
        for key in ("management_fee_percent", "management_fee_fixed"):
            if values.get(key) is not None:
                values[key] = to_money(values[key])
        profile = ensure_profile(provider=provider)
        profile = ProviderProfile.objects.select_for_update().get(pk=profile.pk)
        merged = {
            "management_fee_percent": profile.management_fee_percent,
            "management_fee_fixed": profile.management_fee_fixed,
            **values,
        }
        _check_profile_values(merged)
        changes = {}
        for key, new in values.items():
            old = getattr(profile, key)
            if old != new:
                changes[key] = (old, new)
                setattr(profile, key, new)
        if council_areas is not None:
            old_codes = sorted(profile.council_areas.values_list("gss_code", flat=True))
            new_codes = sorted(c.gss_code for c in council_areas)
            if old_codes != new_codes:
                profile.council_areas.set(council_areas)
                changes["council_areas"] = (", ".join(old_codes), ", ".join(new_codes))
        if changes:
            profile.save()
            audit.record(actor=actor, instance=profile, event=event, changes=changes)
        return profile


def update_profile_from_self_assessment(
    *,
    provider: Provider,
    client_groups: list[str],
    element_answers: dict[str, str],
    isf_years: str | None,
    actor,
) -> ProviderProfile:
    """Called by the surveys app when a provider submits its self-assessment: the groups it supports,
    its answers to the ten elements (plus funder_flexibility) and how long it has offered ISFs replace
    what the profile said. Unknown codes are refused (ProviderError) and nothing changes."""
    values: dict[str, Any] = {
        "client_groups": list(client_groups),
        "element_answers": dict(element_answers),
        "isf_years": isf_years or "",
    }
    return update_profile(
        provider=provider, values=values, actor=actor, event="profile updated from self-assessment"
    )
