"""The foundation's pages and API."""

import pytest
from rest_framework.authtoken.models import Token

from organisations.models import Role
from tests.conftest import sign_in
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_service_to_a_newcomer(client):
    page = client.get("/").content.decode()
    assert "Personalised support, without becoming an employer" in page
    assert "Individual Service Fund" in page
    assert "You do not have to become an employer" in page
    assert 'href="/login/"' in page


def test_the_header_has_the_products_own_name_and_no_crown(client):
    page = client.get("/").content.decode()
    assert "Personalised support" in page
    assert "govuk-header__logotype" not in page
    assert "GOV.UK" not in page


def test_the_stylesheet_uses_a_system_font_and_never_gds_transport():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "vendor" / "application.css").read_text()
    assert "GDS Transport" not in css
    assert "system-ui" in css
    assert "@font-face" not in css


def test_each_role_sees_its_own_navigation(client, council):
    commissioner = staff(Role.COMMISSIONER, council=council)
    sign_in(client, commissioner)
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert "Find a provider" in labels
    assert "Administration" not in labels


def test_healthz_reports_the_database_and_redis(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["redis"] == "ok"


def test_healthz_says_503_when_redis_cannot_be_reached(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")


def test_the_api_tells_a_caller_who_they_are_by_token(client, council):
    user = staff(Role.APPROVER, council=council)
    token = Token.objects.create(user=user)
    response = client.get("/api/me/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200
    assert response.json()["council_roles"] == {council.gss_code: ["approver"]}


def test_an_anonymous_api_call_is_told_how_to_authenticate(client):
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_councils_are_scoped_to_the_caller(client, council, other_council):
    user = staff(Role.COMMISSIONER, council=council)
    sign_in(client, user)
    codes = [c["gss_code"] for c in client.get("/api/councils/").json()["results"]]
    assert codes == [council.gss_code]


def test_the_openapi_schema_describes_the_api(client):
    response = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Personalised support platform API"
    assert "/api/me/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
