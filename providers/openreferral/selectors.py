"""Reads for the Open Referral feed: the public directory narrowed by HSDS query parameters.

Only `ProviderProfile` (what a provider chose to publish), its provider's name and reference and the
council areas it named are read here: nothing about people, budgets, agreements or ledgers.
"""

import hashlib
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from ..models import ProviderProfile
from ..selectors import DirectoryFilters, directory_profiles
from . import taxonomy
from .objects import derived_id

EARTH_RADIUS_METRES = 6_371_000


@dataclass(frozen=True)
class FeedQuery:
    directory: DirectoryFilters = field(default_factory=DirectoryFilters)
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    proximity: float | None = None  # metres from (latitude, longitude)


def _term_q(code: str) -> Q:
    """Profiles whose service carries this term (a leaf of the taxonomy)."""
    group, _, rest = code.partition(":")
    if group == "client_group":
        return Q(client_groups__contains=[rest])
    if group == "organisation_kind":
        return Q(organisation_kind=rest)
    if group == "element" and rest.count(":") == 1:
        element, answer = rest.split(":")
        return Q(element_answers__contains={element: answer})
    if code in ("offers_isf", "manages_direct_payments", "staff_matching", "supports_self_managed_staff"):
        return Q(**{code: True})
    return Q(pk__in=[])


def _has_term(term_id: uuid.UUID) -> Q:
    term = taxonomy.BY_ID.get(term_id)
    if term is None:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for code in taxonomy.descendants(term.code):
        if not taxonomy.has_children(code):
            q |= _term_q(code)
    return q


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance; ample for "within a few miles" on a sphere of the Earth's size."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def feed_profiles(*, query: FeedQuery) -> QuerySet[ProviderProfile]:
    """The directory's profiles that match, in a stable order (by provider name, then id)."""
    qs = directory_profiles(filters=query.directory)
    if query.organization_id is not None:
        qs = qs.filter(public_id=query.organization_id)
    if query.taxonomy_term_id is not None:
        qs = qs.filter(_has_term(query.taxonomy_term_id))
    if query.taxonomy_id is not None and query.taxonomy_id != taxonomy.TAXONOMY_ID:
        qs = qs.none()
    if query.modified_after is not None:
        qs = qs.filter(updated_at__gte=query.modified_after)
    if query.latitude is not None:
        qs = qs.filter(latitude__isnull=False)
    return qs.order_by("provider__name", "pk")


def feed_page(*, query: FeedQuery, page: int, per_page: int) -> tuple[list[ProviderProfile], int]:
    """One page of matching profiles and how many match in all. Near a point, nearest first."""
    qs = feed_profiles(query=query)
    start = (page - 1) * per_page
    if query.latitude is None:
        return list(qs[start : start + per_page]), qs.count()
    distances = {
        pk: distance_metres(query.latitude, query.longitude, float(lat), float(lon))
        for pk, lat, lon in qs.values_list("pk", "latitude", "longitude")
    }
    near = sorted(
        (pk for pk, d in distances.items() if query.proximity is None or d <= query.proximity),
        key=lambda pk: (distances[pk], pk),
    )
    chunk = near[start : start + per_page]
    by_pk = {p.pk: p for p in qs.filter(pk__in=chunk)}
    return [by_pk[pk] for pk in chunk], len(near)


def feed_fingerprint(qs: QuerySet[ProviderProfile]) -> tuple[str, datetime | None]:
    """A digest of everything the matching profiles publish that can change, and when the newest of them
    changed: the ETag and Last-Modified of a feed answer, found without building it."""
    rows = list(qs.values_list("public_id", "updated_at", "provider__name").order_by("pk"))
    digest = hashlib.sha256()
    for public_id, updated_at, name in rows:
        digest.update(f"{public_id}|{updated_at.isoformat()}|{name}\n".encode())
    return digest.hexdigest(), max((row[1] for row in rows), default=None)


def profile_by_public_id(public_id: uuid.UUID) -> ProviderProfile | None:
    return directory_profiles().filter(public_id=public_id).first()


def _by_derived_id(wanted: uuid.UUID, name: str) -> ProviderProfile | None:
    # Service and service-at-location ids are uuid5 of the profile's public id, so they cannot be looked
    # up in SQL; the directory has hundreds of providers, not millions, and this reads one column.
    for public_id in ProviderProfile.objects.values_list("public_id", flat=True):
        if derived_id(public_id, name) == wanted:
            return profile_by_public_id(public_id)
    return None


def profile_by_service_id(wanted: uuid.UUID) -> ProviderProfile | None:
    return _by_derived_id(wanted, "service")


def profile_by_service_at_location_id(wanted: uuid.UUID) -> ProviderProfile | None:
    return _by_derived_id(wanted, "service_at_location")
