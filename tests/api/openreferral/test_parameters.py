"""The HSDS 3.0 query parameters of the feed, each on its own, and the directory's own filters."""

import json

import pytest

from providers.openreferral import taxonomy
from providers.openreferral.objects import service_id
from tests.api.hsds_schemas import errors

from .conftest import FEED

pytestmark = pytest.mark.django_db

HARBOUR, PURBECK, WESSEX = "Harbour Lights Support", "Purbeck Circles of Support", "Wessex Community Hub"


def names(feed, url) -> list[str]:
    response = feed.get(FEED + url)
    assert response.status_code == 200, response.content[:500]
    return [
        item.get("name") or item["service"]["organization"]["name"] for item in response.json()["contents"]
    ]


def org_names(feed, query="") -> list[str]:
    return names(feed, f"/organizations/?{query}")


def term(code: str) -> str:
    return str(taxonomy.BY_CODE[code].id)


def test_pages_follow_hsds(feed, three_profiles):
    first = feed.get(f"{FEED}/organizations/?per_page=2").json()
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert [o["name"] for o in first["contents"]] == [HARBOUR, PURBECK]
    second = feed.get(f"{FEED}/organizations/?per_page=2&page=2").json()
    assert [o["name"] for o in second["contents"]] == [WESSEX]
    assert second["last_page"] and not second["first_page"]
    beyond = feed.get(f"{FEED}/organizations/?per_page=2&page=9").json()
    assert beyond["contents"] == [] and beyond["empty"] and beyond["total_items"] == 3


def test_per_page_is_capped_at_a_hundred(feed, three_profiles):
    assert feed.get(f"{FEED}/services/?per_page=1000").json()["size"] == 100


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("page=abc", "page", "A valid integer is required."),
        ("page=0", "page", "Ensure this value is greater than or equal to 1."),
        ("page=99999999999999999999", "page", "Ensure this value is less than or equal to 100000."),
        ("per_page=-1", "per_page", "Ensure this value is greater than or equal to 1."),
        ("taxonomy_term_id=offers_isf", "taxonomy_term_id", "Must be a valid UUID."),
        ("organization_id=12", "organization_id", "Must be a valid UUID."),
        ("modified_after=yesterday", "modified_after", None),
        ("full=perhaps", "full", "Must be a valid boolean."),
        ("latitude=50.6", "longitude", "Give latitude and longitude together."),
        ("latitude=91&longitude=0", "latitude", "Ensure this value is less than or equal to 90."),
        ("postcode=DT1&proximity=1000", "proximity", None),
    ],
)
def test_a_malformed_parameter_is_400_naming_it(feed, three_profiles, query, field, message):
    response = feed.get(f"{FEED}/services/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    if message:
        assert body[field] == [message]


def test_text_and_search_find_words_in_name_or_description(feed, three_profiles):
    assert org_names(feed, "text=bristol") == [PURBECK]
    assert org_names(feed, "search=community hub") == [WESSEX]
    assert org_names(feed, "text=nothing-like-this") == []


def test_taxonomy_term_id_filters_on_the_products_taxonomy(feed, three_profiles):
    assert org_names(feed, f"taxonomy_term_id={term('offers_isf')}") == [HARBOUR]
    assert org_names(feed, f"taxonomy_term_id={term('manages_direct_payments')}") == [WESSEX]
    assert org_names(feed, f"taxonomy_term_id={term('organisation_kind:community_hub')}") == [WESSEX]
    assert org_names(feed, f"taxonomy_term_id={term('client_group:older_people')}") == [PURBECK, WESSEX]
    # A term higher in the tree finds services carrying any term below it.
    assert org_names(feed, f"taxonomy_term_id={term('holding_money')}") == [HARBOUR, WESSEX]
    assert org_names(feed, f"taxonomy_term_id={term('element:staff_matching:yes_frequently')}") == [HARBOUR]
    assert org_names(feed, f"taxonomy_term_id={term('element:staff_matching')}") == [HARBOUR, PURBECK]
    unknown = "00000000-0000-0000-0000-000000000001"
    assert org_names(feed, f"taxonomy_term_id={unknown}") == []


def test_the_terms_a_service_carries_are_in_the_taxonomy(feed, three_profiles):
    a = three_profiles[0]
    data = feed.get(f"{FEED}/services/{service_id(a)}/").json()
    codes = [(attr["taxonomy_term"]["code"], attr.get("value")) for attr in data["attributes"]]
    assert codes == [
        ("client_group:adults_autism", None),
        ("offers_isf", None),
        ("organisation_kind:support_provider", None),
        ("element:staff_matching:yes_frequently", "yes_frequently"),
    ]
    for attr in data["attributes"]:
        published = feed.get(f"{FEED}/taxonomy_terms/{attr['taxonomy_term_id']}/").json()
        assert published["code"] == attr["taxonomy_term"]["code"]


def test_taxonomy_id_keeps_our_taxonomy_and_drops_any_other(feed, three_profiles):
    assert len(org_names(feed, f"taxonomy_id={taxonomy.TAXONOMY_ID}")) == 3
    assert org_names(feed, "taxonomy_id=00000000-0000-0000-0000-000000000002") == []


def test_organization_id_gives_that_organizations_services(feed, three_profiles):
    b = three_profiles[1]
    data = feed.get(f"{FEED}/services/?organization_id={b.public_id}").json()
    assert [s["id"] for s in data["contents"]] == [str(service_id(b))]


def test_full_nests_everything_and_full_service_nests_services(feed, three_profiles):
    plain = feed.get(f"{FEED}/services/").json()["contents"][0]
    assert "attributes" not in plain and plain["organization"]["name"] == HARBOUR
    full = feed.get(f"{FEED}/services/?full=true").json()["contents"][0]
    assert full["attributes"] and full["service_areas"]
    org = feed.get(f"{FEED}/organizations/").json()["contents"][0]
    assert "services" not in org
    org = feed.get(f"{FEED}/organizations/?full=true").json()["contents"][0]
    assert set(org["services"][0]) >= {"id", "name", "status"} and "attributes" not in org["services"][0]
    org = feed.get(f"{FEED}/organizations/?full_service=true").json()["contents"][0]
    assert org["services"][0]["attributes"]
    detail = feed.get(f"{FEED}/organizations/{three_profiles[0].public_id}/?full_service=true").json()
    assert detail["services"][0]["service_areas"]


def test_postcode_finds_services_covering_it(feed, three_profiles):
    assert names(feed, "/service_at_locations/?postcode=DT4 8AA") == [HARBOUR]
    assert names(feed, "/service_at_locations/?postcode=bs1") == [PURBECK]


def test_coordinates_give_nearest_first_and_proximity_limits_the_distance(feed, three_profiles):
    weymouth = "latitude=50.6139&longitude=-2.4571"
    # Wessex published no coordinates, so it cannot be placed near anything.
    assert names(feed, f"/service_at_locations/?{weymouth}") == [HARBOUR, PURBECK]
    assert names(feed, "/service_at_locations/?latitude=51.45&longitude=-2.59") == [PURBECK, HARBOUR]
    assert names(feed, f"/service_at_locations/?{weymouth}&proximity=5000") == [HARBOUR]
    # Weymouth to Bristol is about 95 km.
    assert names(feed, f"/service_at_locations/?{weymouth}&proximity=100000") == [HARBOUR, PURBECK]
    assert names(feed, f"/service_at_locations/?{weymouth}&proximity=90000") == [HARBOUR]


def test_service_at_locations_link_the_service_and_its_place(feed, three_profiles):
    a = three_profiles[0]
    (item,) = [
        i
        for i in feed.get(f"{FEED}/service_at_locations/").json()["contents"]
        if i["service_id"] == str(service_id(a))
    ]
    assert item["location"]["latitude"] == 50.6081
    detail = feed.get(f"{FEED}/service_at_locations/{item['id']}/").json()
    assert detail["location"]["id"] == item["location_id"] and detail["service"]["name"].endswith(HARBOUR)


def test_taxonomy_terms_top_only_and_parent_id(feed):
    top = feed.get(f"{FEED}/taxonomy_terms/?top_only=true").json()
    assert [t["code"] for t in top["contents"]] == [
        "client_group",
        "holding_money",
        "organisation_kind",
        "ways_of_working",
        "element",
    ]
    assert all("parent_id" not in t for t in top["contents"])
    below = feed.get(f"{FEED}/taxonomy_terms/?parent_id={term('holding_money')}").json()
    assert [t["code"] for t in below["contents"]] == ["offers_isf", "manages_direct_payments"]
    answers = feed.get(f"{FEED}/taxonomy_terms/?parent_id={term('element:staff_matching')}").json()
    assert [t["name"] for t in answers["contents"]][0] == "Staff who suit you: Yes, frequently"
    assert feed.get(f"{FEED}/taxonomy_terms/?text=dementia").json()["contents"][0]["code"] == (
        "client_group:dementia"
    )
    assert feed.get(f"{FEED}/taxonomies/").json()["contents"][0]["id"] == str(taxonomy.TAXONOMY_ID)


def test_an_unknown_id_is_404(feed, three_profiles):
    nobody = "00000000-0000-0000-0000-000000000000"
    for kind in ("services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"):
        response = feed.get(f"{FEED}/{kind}/{nobody}/")
        assert response.status_code == 404, kind
        assert "name" not in response.json(), kind


def test_the_directorys_own_filters_still_work(feed, three_profiles):
    assert org_names(feed, "council=E06000023") == [PURBECK]
    assert org_names(feed, "offers_isf=true") == [HARBOUR]
    assert org_names(feed, "client_group=dementia") == [WESSEX]
    assert org_names(feed, "taking_new_people=true") == [HARBOUR, WESSEX]


def test_the_feed_needs_no_sign_in_and_ignores_a_bad_token(feed, three_profiles):
    feed.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert feed.get(f"{FEED}/services/").status_code == 200
    root = feed.get(f"{FEED}/").json()
    assert root == {
        "version": "3.0",
        "profile": "https://docs.openreferral.org/en/v3.0/",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
    }


def test_format_ndjson_gives_every_item_a_line_without_pages(feed, three_profiles):
    response = feed.get(f"{FEED}/services/?format=ndjson&per_page=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = response.content.decode().splitlines()
    services = [json.loads(line) for line in lines]
    assert [s["organization"]["name"] for s in services] == [HARBOUR, PURBECK, WESSEX]
    assert all(errors(s, "compiled/service_list.json") == [] for s in services)
    terms = feed.get(f"{FEED}/taxonomy_terms/?format=ndjson").content.decode().splitlines()
    assert len(terms) == len(taxonomy.TERMS)
    # Not the same answer as the JSON page, so not the same validator.
    assert response["ETag"] != feed.get(f"{FEED}/services/?per_page=1")["ETag"]
    assert "Accept" in response["Vary"]


def test_a_nul_in_a_feed_parameter_is_refused_by_the_sites_own_rule(feed, three_profiles):
    response = feed.get(f"{FEED}/services/", {"text": "a\x00b"})
    assert response.status_code == 400 and "text" in response.content.decode()
