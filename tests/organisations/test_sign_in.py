"""Signing in: email and password, lock-out, and two-factor sign-in for staff."""

import datetime as dt

import pytest
from django.urls import reverse

from budgets.models import Person, Representative
from tests.conftest import current_code, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _post_login(client, email, password, next_url=""):
    return client.post("/login/", {"username": email, "password": password, "next": next_url})


def test_a_person_signs_in_with_email_and_password(stranger, client):
    response = _post_login(client, "stranger@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == stranger


def test_the_email_is_not_case_sensitive(stranger, client):
    response = _post_login(client, "Stranger@Example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"] == stranger  # signed in as the account spelt in lower case


def test_a_wrong_password_is_refused_with_a_clear_message_and_the_email_kept(stranger, client):
    response = _post_login(client, "stranger@example.org", "not-the-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a correct email address and password." in page
    assert 'value="stranger@example.org"' in page
    assert "govuk-error-summary" in page


def test_passwords_are_stored_with_argon2(db):
    user = UserFactory()
    assert user.password.startswith("argon2$")


def test_after_five_failures_the_account_is_locked_out_even_with_the_right_password(stranger, client):
    for _ in range(5):
        _post_login(client, "stranger@example.org", "wrong-password")
    response = _post_login(client, "stranger@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_are_asked_for_a_security_code_before_any_page(commissioner, client):
    response = _post_login(client, commissioner.email, PASSWORD)
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/two-factor/")


def test_the_api_refuses_a_half_signed_in_staff_session(commissioner, client):
    _post_login(client, commissioner.email, PASSWORD)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Finish signing in with your security code first."}


def test_staff_with_a_device_enter_the_current_code(commissioner, client):
    code = current_code(commissioner)  # confirms a device
    _post_login(client, commissioner.email, PASSWORD)
    page = client.get("/login/two-factor/")
    assert "Enter your security code" in page.content.decode()
    response = client.post("/login/two-factor/?next=/api/me/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/api/me/"


def test_a_wrong_code_is_refused_and_the_next_try_is_slowed_down(commissioner, client):
    code = current_code(commissioner)
    _post_login(client, commissioner.email, PASSWORD)
    wrong = client.post("/login/two-factor/", {"code": "000000" if code != "000000" else "111111"})
    assert "That code is not right or has run out." in wrong.content.decode()
    # django-otp throttles a device after a failure: even the right code waits a moment.
    again = client.post("/login/two-factor/", {"code": code})
    assert again.status_code == 200
    assert client.get("/").status_code == 302


def test_a_security_code_must_be_six_digits(commissioner, client):
    current_code(commissioner)
    _post_login(client, commissioner.email, PASSWORD)
    response = client.post("/login/two-factor/", {"code": "12ab"})
    assert "Enter the 6-digit security code from your authenticator app." in response.content.decode()


def test_the_two_factor_page_never_redirects_off_site(commissioner, client):
    code = current_code(commissioner)
    _post_login(client, commissioner.email, PASSWORD)
    response = client.post("/login/two-factor/", {"code": code, "next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_families_are_not_asked_for_a_security_code(council, client):
    family = UserFactory(email="family@test.example.org")
    person = Person.objects.create(
        council=council, person_ref="P1", date_of_birth="1990-01-01", primary_support_reason="social_support"
    )
    Representative.objects.create(person=person, user=family)
    _post_login(client, family.email, PASSWORD)
    home = client.get("/")
    assert home.status_code == 200 and home.wsgi_request.user == family
    assert "Your budget" in [item["label"] for item in home.context["nav_items"]]


def test_staff_are_not_asked_for_a_code_when_the_setting_is_off(commissioner, client, settings):
    settings.REQUIRE_STAFF_2FA = False
    _post_login(client, commissioner.email, PASSWORD)
    home = client.get("/")
    assert home.status_code == 200 and home.wsgi_request.user == commissioner
    assert "People" in [item["label"] for item in home.context["nav_items"]]


def test_signing_out_ends_the_session(commissioner, client):
    sign_in(client, commissioner)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_inactivity_and_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    # The expiry moves on at most once a minute (SessionIdleRefreshMiddleware), not on every request.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_AFTER == 60


def _session_writes(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_plain_get_does_not_write_the_session_but_activity_keeps_it_alive(commissioner, client):
    from organisations.middleware import SESSION_REFRESHED_KEY

    sign_in(client, commissioner)
    client.get("/people/")  # the first request after signing in marks when the expiry last moved
    before = _expiry(client)
    assert _session_writes(client, "/people/") == []
    assert _session_writes(client, "/accessibility/") == []
    assert _expiry(client) == before
    # A minute later (the mark moved back), the next request pushes the expiry on: one UPDATE.
    session = client.session
    session[SESSION_REFRESHED_KEY] -= 61
    session.save()
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(session_key=session.session_key).update(expire_date=soon)
    writes = _session_writes(client, "/people/")
    assert len(writes) == 1 and writes[0].startswith("UPDATE"), writes
    assert _expiry(client) > timezone.now() + dt.timedelta(minutes=29)
    assert _session_writes(client, "/people/") == []
    assert client.get("/people/").wsgi_request.user == commissioner


def test_a_cookie_for_a_session_that_has_gone_starts_no_session(client, db):
    from django.contrib.sessions.models import Session

    client.cookies["sessionid"] = "nosuchsession0000000000000000000"
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert Session.objects.count() == 0
    assert not response.cookies.get("sessionid") or not response.cookies["sessionid"].value


# ---- lock-out cannot be dodged (issue 10) -------------------------------------------------------


def test_the_lock_out_holds_for_the_same_email_in_another_case_or_with_spaces(client):
    family = UserFactory(email="family@example.org")
    for _ in range(5):
        _post_login(client, "family@example.org", "wrong-password")
    for written in (" FAMILY@Example.org ", "Family@EXAMPLE.org", "family@example.org\t"):
        response = _post_login(client, written, PASSWORD)
        assert response.status_code == 429, written
        assert "Too many attempts to sign in" in response.content.decode()
        assert "_auth_user_id" not in client.session
    assert client.get("/").context["user"] != family


def test_failures_in_mixed_case_count_towards_one_lock_out(settings, client):
    settings.AXES_FAILURE_LIMIT = 3  # fewer slow (Argon2) attempts; the rule is the same
    UserFactory(email="family@example.org")
    for written in ("FAMILY@example.org", " family@Example.org", "Family@example.ORG "):
        _post_login(client, written, "wrong-password")
    response = _post_login(client, "family@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _post_login_from(client, address_header, email, password):
    return client.post(
        "/login/", {"username": email, "password": password}, headers={"X-Forwarded-For": address_header}
    )


def test_behind_the_proxy_one_persons_failures_do_not_lock_out_everyone_else(settings, client):
    """Every request reaches Django from the proxy's address; the client's address is the rightmost
    one in X-Forwarded-For (added by our proxy). Locking by the proxy's address would let one person
    lock an account for everybody."""
    settings.BEHIND_TLS_PROXY = True
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="family@example.org")
    attacker, family = client, type(client)()
    for _ in range(2):
        _post_login_from(attacker, "203.0.113.5", "family@example.org", "wrong-password")
    assert _post_login_from(attacker, "203.0.113.5", "family@example.org", PASSWORD).status_code == 429

    response = _post_login_from(family, "198.51.100.7", "family@example.org", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in family.session


def test_behind_the_proxy_an_address_the_client_wrote_itself_is_not_believed(settings, client):
    """A client may send its own X-Forwarded-For; the proxy appends the real address to it. Only the
    rightmost address counts, so changing the left part does not escape the lock-out."""
    settings.BEHIND_TLS_PROXY = True
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="family@example.org")
    for n in range(2):
        _post_login_from(client, f"10.0.0.{n}, 203.0.113.5", "family@example.org", "wrong-password")
    response = _post_login_from(client, "10.9.9.9, 203.0.113.5", "family@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_without_the_proxy_setting_the_forwarded_header_is_ignored(settings, client):
    """Not behind our proxy, anyone can write X-Forwarded-For: it must not give a fresh address."""
    settings.BEHIND_TLS_PROXY = False
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="family@example.org")
    for n in range(2):
        _post_login_from(client, f"203.0.113.{n}", "family@example.org", "wrong-password")
    response = _post_login_from(client, "198.51.100.99", "family@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session
