"""What every signed-in page costs before its own work (issue 14): the session is read from the
cache, not the database, and the "is this a family member?" question is asked once a request. The
counts are pinned so that a middleware or navigation query added later fails here."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organisations.models import Role
from tests.conftest import sign_in
from tests.factories import CouncilFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

# Session 0 (cache), user 1, OTP device 1, memberships 1, then the home page's own queries.
COMMISSIONER_HOME = 13
FAMILY_HOME = 8
FAMILY_CHECK = 'SELECT 1 AS "a" FROM "organisations_user"'


def _queries(user, path="/"):
    client = sign_in(Client(), user)
    client.get(path)  # the first request after signing in stores its refresh mark
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_signed_in_page_reads_no_session_row_and_asks_about_family_once():
    council = CouncilFactory()
    for user in (
        staff(Role.COMMISSIONER, council=council, email="c@q14.example.org"),
        UserFactory(email="f@q14.example.org"),
    ):
        queries = _queries(user)
        assert not [q for q in queries if "django_session" in q], queries
        family_checks = [q for q in queries if q.startswith(FAMILY_CHECK)]
        assert len(family_checks) == 1, queries


def test_the_number_of_queries_a_signed_in_home_page_makes_is_pinned():
    council = CouncilFactory()
    commissioner = staff(Role.COMMISSIONER, council=council, email="c@q14.example.org")
    family = UserFactory(email="f@q14.example.org")
    assert len(_queries(commissioner)) == COMMISSIONER_HOME
    assert len(_queries(family)) == FAMILY_HOME


def test_a_signed_in_page_still_works_when_the_session_cache_cannot_be_reached(settings):
    """Redis down must not take every signed-in page with it: the session is read from the database."""
    family = UserFactory(email="f@q14.example.org")
    client = sign_in(Client(), family)
    assert client.get("/").status_code == 200
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    caches._settings = caches.settings = settings.CACHES  # the cache handler reads settings once
    try:
        caches["default"] = caches.create_connection("default")
        response = client.get("/")
        assert response.status_code == 200
        assert response.wsgi_request.user == family
    finally:
        del caches["default"]
