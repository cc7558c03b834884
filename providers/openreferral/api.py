"""The Open Referral UK / HSDS 3.0 API: the public directory, read-only, no sign-in.

Paths follow the HSDS 3.0 API definition (`/`, `/services`, `/organizations`, `/service_at_locations`,
`/taxonomies`, `/taxonomy_terms`, each with `/{id}`), mounted under /api/openreferral/; `/locations` and
`/contacts` stay for consumers that used them before. Every answer carries an ETag and (where it comes from
profiles) a Last-Modified, and a matching If-None-Match or If-Modified-Since gets 304 with no body: the
validators are worked out from the matching profiles' ids and change times, before anything is built.
Malformed parameters answer 400 naming each bad field.
"""

import hashlib
import uuid
from datetime import UTC, datetime, time

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import DirectoryFilters
from . import objects, taxonomy
from .selectors import (
    FeedQuery,
    feed_fingerprint,
    feed_page,
    feed_profiles,
    profile_by_public_id,
    profile_by_service_at_location_id,
    profile_by_service_id,
)

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/v3.0/"
# The API definition this feed follows (as in the HSDS 3.0 example answer); our own additions to it are in
# the site's schema at /api/schema/.
HSDS_OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
# Part of every ETag: change it when the feed's format changes, so consumers fetch everything again.
FEED_FORMAT = "hsds-3.0/2026-11-27"
MAX_PER_PAGE = 100
ALL = 1_000_000  # "every item" for format=ndjson; the directory holds hundreds
DEFAULT_PER_PAGE = 50


class FlexibleDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time, or a plain date meaning its first moment (UTC)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) == 10:
            day = serializers.DateField().to_internal_value(value.strip())
            return datetime.combine(day, time.min, tzinfo=UTC)
        return super().to_internal_value(value)


class FeedParams(serializers.Serializer):
    """The query parameters of every feed list (HSDS names first, then the directory's own filters)."""

    page = serializers.IntegerField(required=False, min_value=1, max_value=100_000, default=1)
    per_page = serializers.IntegerField(required=False, min_value=1, default=DEFAULT_PER_PAGE)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    search = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    taxonomy_term_id = serializers.UUIDField(required=False)
    taxonomy_id = serializers.UUIDField(required=False)
    organization_id = serializers.UUIDField(required=False)
    modified_after = FlexibleDateTimeField(required=False)
    full = serializers.BooleanField(required=False, default=False)
    full_service = serializers.BooleanField(required=False, default=False)
    postcode = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)
    proximity = serializers.FloatField(required=False, min_value=0)
    latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
    top_only = serializers.BooleanField(required=False, default=False)
    parent_id = serializers.UUIDField(required=False)
    council = serializers.CharField(required=False, allow_blank=True, default="", max_length=9)
    client_group = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    offers_isf = serializers.BooleanField(required=False, default=False)
    language = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    taking_new_people = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        has_lat, has_long = "latitude" in data, "longitude" in data
        if has_lat != has_long:
            missing = "longitude" if has_lat else "latitude"
            raise serializers.ValidationError({missing: ["Give latitude and longitude together."]})
        if "proximity" in data and not has_lat:
            raise serializers.ValidationError(
                {
                    "proximity": [
                        "Give latitude and longitude with proximity: this feed finds services near a point, "
                        "and a postcode alone only says which services cover it."
                    ]
                }
            )
        data["per_page"] = min(data["per_page"], MAX_PER_PAGE)
        return data

    def query(self) -> FeedQuery:
        d = self.validated_data
        return FeedQuery(
            directory=DirectoryFilters(
                text=(d["text"] or d["search"]).strip(),
                council=d["council"].strip(),
                postcode=d["postcode"].strip(),
                client_group=d["client_group"].strip(),
                offers_isf=d["offers_isf"],
                language=d["language"].strip(),
                taking_new_people=d["taking_new_people"],
            ),
            taxonomy_term_id=d.get("taxonomy_term_id"),
            taxonomy_id=d.get("taxonomy_id"),
            organization_id=d.get("organization_id"),
            modified_after=d.get("modified_after"),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            proximity=d.get("proximity"),
        )


def _param(name, type_, description):
    return OpenApiParameter(name, type_, description=description)


PAGE_PARAMS = [
    _param("page", int, "Page number, from 1"),
    _param("per_page", int, f"Items a page (at most {MAX_PER_PAGE}; default {DEFAULT_PER_PAGE})"),
    _param("text", str, "Words in the name or description (HSDS `search` is the same)"),
    _param("search", str, "Words in the name or description"),
]
SERVICE_PARAMS = PAGE_PARAMS + [
    _param("taxonomy_term_id", OpenApiTypes.UUID, "Services carrying this term or a term below it"),
    _param("taxonomy_id", OpenApiTypes.UUID, "Services carrying any term of this taxonomy"),
    _param("organization_id", OpenApiTypes.UUID, "Services of this organization"),
    _param("modified_after", OpenApiTypes.DATETIME, "Changed on or after this moment (or date)"),
    _param("full", bool, "Fully nested objects"),
    _param("postcode", str, "A postcode or postcode district the service covers"),
    _param("latitude", float, "With longitude: nearest first"),
    _param("longitude", float, "With latitude: nearest first"),
    _param("proximity", float, "With latitude and longitude: only within this many metres"),
    _param("council", str, "A council's GSS code the service covers"),
    _param("client_group", str, "One of the sixteen client-group codes"),
    _param("offers_isf", bool, "Only providers offering Individual Service Funds"),
    _param("language", str, "A language the staff speak"),
    _param("taking_new_people", bool, "Only providers taking on new people"),
]
ORGANIZATION_PARAMS = SERVICE_PARAMS + [
    _param("full_service", bool, "Organizations' services fully nested"),
]
TERM_PARAMS = PAGE_PARAMS + [
    _param("taxonomy_id", OpenApiTypes.UUID, "Terms of this taxonomy"),
    _param("top_only", bool, "Only terms at the top of the tree (no parent)"),
    _param("parent_id", OpenApiTypes.UUID, "Only terms directly below this term"),
]


class NDJSONRenderer(BaseRenderer):
    """HSDS `format=ndjson`: a list's items one JSON object a line, all of them, without pages; anything
    else (one object, an error) as a single line."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        items = data["contents"] if isinstance(data, dict) and "contents" in data else [data]
        render = JSONRenderer().render
        return b"".join(render(item) + b"\n" for item in items)


def _everything(request) -> bool:
    return getattr(request.accepted_renderer, "format", "") == "ndjson"


class FeedView(APIView):
    """Public, read-only, no authentication (a stale or wrong token is ignored, not refused)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    renderer_classes = [JSONRenderer, NDJSONRenderer]

    def params(self, request) -> FeedParams:
        params = FeedParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        return params

    def conditional(
        self, request, *, fingerprint: str, last_modified: datetime | None, build
    ) -> HttpResponse:
        """Answer 304 if the consumer's copy is current; otherwise build the answer and label it."""
        representation = getattr(request.accepted_renderer, "format", "json")
        digest = hashlib.sha256(
            f"{FEED_FORMAT}|{representation}|{request.path}|{request.META.get('QUERY_STRING', '')}|"
            f"{fingerprint}".encode()
        ).hexdigest()
        etag = f'"{digest[:40]}"'
        stamp = int(last_modified.timestamp()) if last_modified else None
        headers = {"ETag": etag, "Cache-Control": "public, no-cache"}
        if stamp is not None:
            headers["Last-Modified"] = http_date(stamp)
        response = get_conditional_response(request, etag=etag, last_modified=stamp) or Response(build())
        for name, value in headers.items():
            response[name] = value
        patch_vary_headers(response, ["Accept"])
        # Only what providers published: no reason to forbid caches to keep it (see NoStore middleware).
        response.public_data = True
        return response

    def profile_list(self, request, render):
        params = self.params(request)
        query = params.query()
        page, per_page = params.validated_data["page"], params.validated_data["per_page"]
        if _everything(request):
            page, per_page = 1, ALL
        fingerprint, newest = feed_fingerprint(feed_profiles(query=query))

        def build():
            profiles, total = feed_page(query=query, page=page, per_page=per_page)
            items = [render(p, params.validated_data) for p in profiles]
            return objects.page(items, page_number=page, size=per_page, total=total)

        return self.conditional(request, fingerprint=fingerprint, last_modified=newest, build=build)

    def profile_detail(self, request, profile, render):
        if profile is None:
            raise Http404
        params = self.params(request)
        fingerprint = f"{profile.public_id}|{profile.updated_at.isoformat()}|{profile.provider.name}"
        return self.conditional(
            request,
            fingerprint=fingerprint,
            last_modified=profile.updated_at,
            build=lambda: render(profile, params.validated_data),
        )

    def static(self, request, build):
        """Answers that depend only on this release (the taxonomy): labelled by their content."""
        data = build()
        fingerprint = hashlib.sha256(repr(data).encode()).hexdigest()
        return self.conditional(request, fingerprint=fingerprint, last_modified=None, build=lambda: data)


class Root(FeedView):
    @extend_schema(
        operation_id="openreferral_root", responses=dict, summary="Open Referral UK: HSDS version and profile"
    )
    def get(self, request):
        return self.static(
            request,
            lambda: {
                "version": HSDS_VERSION,
                "profile": HSDS_PROFILE,
                "openapi_url": HSDS_OPENAPI,
            },
        )


def _schema(operation_id: str, summary: str, parameters=None):
    return extend_schema(operation_id=operation_id, parameters=parameters, responses=dict, summary=summary)


class ServiceList(FeedView):
    @_schema("openreferral_services_list", "Open Referral UK: services", SERVICE_PARAMS)
    def get(self, request):
        return self.profile_list(request, lambda p, o: objects.service(p, full=o["full"]))


class ServiceDetail(FeedView):
    @_schema("openreferral_service_retrieve", "Open Referral UK: one service, fully nested")
    def get(self, request, id: uuid.UUID):  # noqa: A002 - HSDS names it id
        return self.profile_detail(request, profile_by_service_id(id), lambda p, o: objects.service(p))


class OrganizationList(FeedView):
    @_schema("openreferral_organizations_list", "Open Referral UK: organizations", ORGANIZATION_PARAMS)
    def get(self, request):
        return self.profile_list(
            request,
            lambda p, o: objects.organization(
                p, full=o["full"] or o["full_service"], full_service=o["full_service"]
            ),
        )


class OrganizationDetail(FeedView):
    @_schema(
        "openreferral_organization_retrieve",
        "Open Referral UK: one organization, fully nested",
        [_param("full_service", bool, "Its services fully nested")],
    )
    def get(self, request, id: uuid.UUID):  # noqa: A002
        return self.profile_detail(
            request,
            profile_by_public_id(id),
            lambda p, o: objects.organization(p, full_service=o["full_service"]),
        )


class ServiceAtLocationList(FeedView):
    @_schema(
        "openreferral_service_at_locations_list", "Open Referral UK: services at locations", SERVICE_PARAMS
    )
    def get(self, request):
        return self.profile_list(request, lambda p, o: objects.service_at_location(p, full=o["full"]))


class ServiceAtLocationDetail(FeedView):
    @_schema("openreferral_service_at_location_retrieve", "Open Referral UK: one service at a location")
    def get(self, request, id: uuid.UUID):  # noqa: A002
        return self.profile_detail(
            request, profile_by_service_at_location_id(id), lambda p, o: objects.service_at_location(p)
        )


class LocationList(FeedView):
    @_schema("openreferral_locations_list", "Open Referral UK: locations", SERVICE_PARAMS)
    def get(self, request):
        return self.profile_list(request, lambda p, o: objects.location(p))


class ContactList(FeedView):
    @_schema("openreferral_contacts_list", "Open Referral UK: contacts", SERVICE_PARAMS)
    def get(self, request):
        return self.profile_list(request, lambda p, o: objects.contact(p))


def _text_matches(text: str, *values: str) -> bool:
    words = text.lower().split()
    haystack = " ".join(values).lower()
    return all(word in haystack for word in words)


class TaxonomyList(FeedView):
    @_schema("openreferral_taxonomies_list", "Open Referral UK: taxonomies", PAGE_PARAMS)
    def get(self, request):
        params = self.params(request).validated_data
        text = (params["text"] or params["search"]).strip()
        found = [objects.taxonomy_object()]
        found = [t for t in found if _text_matches(text, t["name"], t["description"])]
        return self.static(request, lambda: _paged(found, params, everything=_everything(request)))


class TaxonomyDetail(FeedView):
    @_schema("openreferral_taxonomy_retrieve", "Open Referral UK: one taxonomy")
    def get(self, request, id: uuid.UUID):  # noqa: A002
        if id != taxonomy.TAXONOMY_ID:
            raise Http404
        return self.static(request, objects.taxonomy_object)


class TaxonomyTermList(FeedView):
    @_schema("openreferral_taxonomy_terms_list", "Open Referral UK: taxonomy terms", TERM_PARAMS)
    def get(self, request):
        params = self.params(request).validated_data
        text = (params["text"] or params["search"]).strip()
        terms = list(taxonomy.TERMS)
        if params.get("taxonomy_id") not in (None, taxonomy.TAXONOMY_ID):
            terms = []
        if params["top_only"]:
            terms = [t for t in terms if t.parent is None]
        if params.get("parent_id") is not None:
            parent = taxonomy.BY_ID.get(params["parent_id"])
            terms = [t for t in terms if parent is not None and t.parent == parent.code]
        terms = [t for t in terms if _text_matches(text, t.code, t.name, t.description)]
        items = [objects.term_object(t) for t in terms]
        return self.static(request, lambda: _paged(items, params, everything=_everything(request)))


class TaxonomyTermDetail(FeedView):
    @_schema("openreferral_taxonomy_term_retrieve", "Open Referral UK: one taxonomy term")
    def get(self, request, id: uuid.UUID):  # noqa: A002
        term = taxonomy.BY_ID.get(id)
        if term is None:
            raise Http404
        return self.static(request, lambda: objects.term_object(term, detail=True))


def _paged(items: list, params: dict, *, everything: bool = False) -> dict:
    page, per_page = (1, ALL) if everything else (params["page"], params["per_page"])
    chunk = items[(page - 1) * per_page : page * per_page]
    return objects.page(chunk, page_number=page, size=per_page, total=len(items))


urlpatterns = [
    path("openreferral/", Root.as_view(), name="api-openreferral"),
    path("openreferral/services/", ServiceList.as_view(), name="api-openreferral-services"),
    path("openreferral/services/<uuid:id>/", ServiceDetail.as_view(), name="api-openreferral-service"),
    path("openreferral/organizations/", OrganizationList.as_view(), name="api-openreferral-organizations"),
    path(
        "openreferral/organizations/<uuid:id>/",
        OrganizationDetail.as_view(),
        name="api-openreferral-organization",
    ),
    path(
        "openreferral/service_at_locations/",
        ServiceAtLocationList.as_view(),
        name="api-openreferral-service-at-locations",
    ),
    path(
        "openreferral/service_at_locations/<uuid:id>/",
        ServiceAtLocationDetail.as_view(),
        name="api-openreferral-service-at-location",
    ),
    path("openreferral/taxonomies/", TaxonomyList.as_view(), name="api-openreferral-taxonomies"),
    path("openreferral/taxonomies/<uuid:id>/", TaxonomyDetail.as_view(), name="api-openreferral-taxonomy"),
    path("openreferral/taxonomy_terms/", TaxonomyTermList.as_view(), name="api-openreferral-taxonomy-terms"),
    path(
        "openreferral/taxonomy_terms/<uuid:id>/",
        TaxonomyTermDetail.as_view(),
        name="api-openreferral-taxonomy-term",
    ),
    path("openreferral/locations/", LocationList.as_view(), name="api-openreferral-locations"),
    path("openreferral/contacts/", ContactList.as_view(), name="api-openreferral-contacts"),
]
