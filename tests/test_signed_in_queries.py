"""What every signed-in page costs before its own work (issue 14): the session is read from the
cache, not the database; the user's roles, second-factor device and "is this a family member?" are
remembered in the session (organisations.access) and read again only when the user's access version
changes. The counts are pinned so that a middleware or navigation query added later fails here."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgets.models import Person, Representative
from organisations.models import Membership, Role, User
from tests.conftest import sign_in
from tests.factories import CouncilFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

# Session 0 (cache), user 1, then the home page's own queries (OTP device, memberships and the family
# check come from the session's copy).
COMMISSIONER_HOME = 10
FAMILY_HOME = 5
FAMILY_CHECK = 'SELECT 1 AS "a" FROM "organisations_user"'


def _queries(user, path="/"):
    client = sign_in(Client(), user)
    client.get(path)  # the first request after signing in stores its refresh mark
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_signed_in_page_reads_no_session_row_and_asks_about_family_at_most_once():
    council = CouncilFactory()
    for user in (
        staff(Role.COMMISSIONER, council=council, email="c@q14.example.org"),
        UserFactory(email="f@q14.example.org"),
    ):
        queries = _queries(user)
        assert not [q for q in queries if "django_session" in q], queries
        family_checks = [q for q in queries if q.startswith(FAMILY_CHECK)]
        assert len(family_checks) <= 1, queries


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


# ---- the session's copy of the user's access is forgotten the moment it changes -----------------


def _signed_in(user) -> Client:
    client = sign_in(Client(), user)
    client.get("/")  # the copy is made
    client.get("/")  # and read
    return client


def test_a_removed_membership_loses_its_pages_on_the_next_request():
    council = CouncilFactory()
    commissioner = staff(Role.COMMISSIONER, council=council, email="c@q14.example.org")
    client = _signed_in(commissioner)
    assert client.get("/people/").status_code == 200
    Membership.objects.filter(user=commissioner).delete()  # in bulk: no signal, no service
    assert client.get("/people/").status_code == 403
    assert "People" not in _nav_labels(client)


def test_a_granted_membership_opens_its_pages_on_the_next_request():
    council = CouncilFactory()
    officer = staff(Role.MONITORING_OFFICER, council=council, email="m@q14.example.org")
    client = _signed_in(officer)
    assert client.get("/people/").status_code == 403
    Membership.objects.create(user=officer, council=council, role=Role.COMMISSIONER)
    assert client.get("/people/").status_code == 200


def test_a_deactivated_user_is_signed_out_on_the_next_request():
    council = CouncilFactory()
    commissioner = staff(Role.COMMISSIONER, council=council, email="c@q14.example.org")
    client = _signed_in(commissioner)
    User.objects.filter(pk=commissioner.pk).update(is_active=False)
    response = client.get("/people/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_removed_device_asks_for_the_second_factor_again():
    council = CouncilFactory()
    commissioner = staff(Role.COMMISSIONER, council=council, email="c@q14.example.org")
    client = _signed_in(commissioner)
    TOTPDevice.objects.filter(user=commissioner).delete()
    response = client.get("/people/")
    assert response.status_code == 302 and "/login/two-factor/" in response["Location"]


def test_an_unconfirmed_device_asks_for_the_second_factor_again():
    council = CouncilFactory()
    commissioner = staff(Role.COMMISSIONER, council=council, email="c@q14.example.org")
    client = _signed_in(commissioner)
    TOTPDevice.objects.filter(user=commissioner).update(confirmed=False)
    response = client.get("/people/")
    assert response.status_code == 302 and "/login/two-factor/" in response["Location"]


def test_a_person_unlinked_from_their_account_loses_the_family_pages_in_the_header():
    council = CouncilFactory()
    family = UserFactory(email="f@q14.example.org")
    person = Person.objects.create(
        council=council,
        person_ref="Q14-1",
        date_of_birth=dt.date(1970, 1, 1),
        primary_support_reason="mental_health",
        user=family,
    )
    client = _signed_in(family)
    assert "Your budget" in _nav_labels(client)
    Person.objects.filter(pk=person.pk).update(user=None)
    assert "Your budget" not in _nav_labels(client)
    Representative.objects.create(person=person, user=family, relationship="son")
    assert "Your budget" in _nav_labels(client)


def test_saving_a_user_read_before_a_change_does_not_bring_the_old_access_back():
    council = CouncilFactory()
    commissioner = staff(Role.COMMISSIONER, council=council, email="c@q14.example.org")
    client = _signed_in(commissioner)
    stale = User.objects.get(pk=commissioner.pk)
    Membership.objects.filter(user=commissioner).delete()
    stale.full_name = "Renamed"
    stale.save()  # writes the access version it read, which the database keeps from going back
    assert client.get("/people/").status_code == 403


def _nav_labels(client) -> list[str]:
    response = client.get("/")
    assert response.status_code == 200
    return [item["label"] for item in response.context["nav_items"]]
