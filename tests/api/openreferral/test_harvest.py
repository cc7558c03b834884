"""An aggregator harvesting the feed: incremental harvests with modified_after, stable ids, and validators
(ETag, Last-Modified) that make an unchanged page cost nothing; a provider's own change shows at once."""

import pytest
from django.utils import timezone

from providers.openreferral.objects import service_id
from tests.conftest import sign_in

from .conftest import FEED, update

pytestmark = pytest.mark.django_db


def harvest(feed, query="") -> list[dict]:
    """Every service, page after page, as an aggregator would take them."""
    found, page = [], 1
    while True:
        data = feed.get(f"{FEED}/services/?per_page=2&page={page}&{query}").json()
        found += data["contents"]
        if data["last_page"]:
            return found
        page += 1


def test_harvesting_twice_with_modified_after_returns_only_what_changed(feed, three_profiles):
    a, b, c = three_profiles
    first = harvest(feed)
    assert {s["id"] for s in first} == {str(service_id(p)) for p in three_profiles}
    since = timezone.now()
    assert harvest(feed, f"modified_after={since.isoformat()}".replace("+", "%2B")) == []

    update(b, offers="Home support and dementia care in Bristol.", taking_new_people=True)
    second = harvest(feed, f"modified_after={since.isoformat()}".replace("+", "%2B"))
    assert [(s["id"], s["description"], s["status"]) for s in second] == [
        (str(service_id(b)), "Home support and dementia care in Bristol.", "active")
    ]
    # The same ids every time: the aggregator can update what it holds in place.
    assert {s["id"] for s in harvest(feed)} == {s["id"] for s in first}
    # A date is enough for a daily harvest.
    assert len(harvest(feed, f"modified_after={since.date().isoformat()}")) == 3


def test_an_unchanged_page_is_304_with_no_body(feed, three_profiles):
    url = f"{FEED}/services/?per_page=2"
    response = feed.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")
    assert response["Cache-Control"] == "public, no-cache"  # public data: caches may keep and revalidate it

    again = feed.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    since = feed.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == 304

    update(three_profiles[0], summary="Something new about us.")
    changed = feed.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert feed.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_each_object_and_the_taxonomy_carry_their_own_validators(feed, three_profiles):
    a = three_profiles[0]
    detail = feed.get(f"{FEED}/services/{service_id(a)}/")
    assert feed.get(f"{FEED}/services/{service_id(a)}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
    terms = feed.get(f"{FEED}/taxonomy_terms/")
    assert feed.get(f"{FEED}/taxonomy_terms/", HTTP_IF_NONE_MATCH=terms["ETag"]).status_code == 304
    # Another page or another filter is another answer.
    assert feed.get(f"{FEED}/services/?page=2")["ETag"] != feed.get(f"{FEED}/services/")["ETag"]


def test_a_provider_renamed_changes_the_etag(feed, three_profiles):
    a = three_profiles[0]
    etag = feed.get(f"{FEED}/organizations/")["ETag"]
    a.provider.name = "Harbour Lights"
    a.provider.save()
    response = feed.get(f"{FEED}/organizations/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["contents"][0]["name"] == "Harbour Lights"


def test_a_providers_profile_change_appears_in_the_feed(client, feed, provider_a, provider_org, council):
    sign_in(client, provider_a)
    form = {
        "summary": "About us",
        "offers": "Support at home",
        "council_areas": [council.pk],
        "postcode_districts": "dt1",
        "client_groups": ["older_people"],
        "organisation_kind": "support_provider",
        "fee_kind": "none",
        "languages": "English",
        "taking_new_people": "on",
    }
    assert client.post("/providers/organisation/profile/", form).status_code == 302
    before = timezone.now()
    services = feed.get(f"{FEED}/services/?full=true").json()["contents"]
    assert [s["name"] for s in services] == ["Personalised support from Harbour Lights Support"]
    assert "offers_isf" not in [a["taxonomy_term"]["code"] for a in services[0]["attributes"]]

    form.update(
        offers="Support at home, and we hold your budget for you",
        offers_isf="on",
        manages_direct_payments="on",
        organisation_kind="community_hub",
        fee_kind="percent",
        management_fee_percent="7.5",
        latitude="50.7156",
        longitude="-2.4397",
        element_staff_matching="yes_frequently",
    )
    response = client.post("/providers/organisation/profile/", form)
    assert response.status_code == 302, response.content.decode()[:3000]

    (changed,) = feed.get(f"{FEED}/services/?full=true&modified_after={before.date()}").json()["contents"]
    assert changed["description"] == "Support at home, and we hold your budget for you"
    assert changed["fees_description"] == "Management fee 7.50% of the budget"
    codes = [a["taxonomy_term"]["code"] for a in changed["attributes"]]
    assert codes == [
        "client_group:older_people",
        "offers_isf",
        "manages_direct_payments",
        "organisation_kind:community_hub",
        "element:staff_matching:yes_frequently",
    ]
    location = changed["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (50.7156, -2.4397)


def test_half_a_position_on_the_profile_form_is_an_error_on_the_field(client, provider_a):
    sign_in(client, provider_a)
    response = client.post(
        "/providers/organisation/profile/", {"fee_kind": "none", "latitude": "50.7", "longitude": ""}
    )
    assert response.status_code == 200
    assert "Enter the longitude too, or leave both blank" in response.content.decode()
