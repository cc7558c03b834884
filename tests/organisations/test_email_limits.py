"""Rate limits on password-reset emails, per address and per client (issue 10)."""

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _ask(client, email, **headers):
    return client.post("/password-reset/", {"email": email}, headers=headers or None)


def test_one_address_gets_at_most_three_reset_emails_an_hour(client):
    UserFactory(email="family@example.org")
    for written in ("family@example.org", "FAMILY@example.org", " family@Example.org "):
        assert _ask(client, written)["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 3
    # The fourth is answered exactly the same (it reveals nothing) but sends nothing.
    response = _ask(type(client)(), "family@example.org")
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 3


def test_one_client_asking_for_many_addresses_is_stopped(client, settings):
    settings.EMAIL_RATE_LIMITS = {**settings.EMAIL_RATE_LIMITS, "password-reset-per-client": (4, 3600)}
    for n in range(4):
        UserFactory(email=f"person{n}@example.org")
        assert _ask(client, f"person{n}@example.org").status_code == 302
    UserFactory(email="next@example.org")
    response = _ask(client, "next@example.org")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have asked for too many password emails in a short time." in page
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == 4


def test_behind_the_proxy_the_client_limit_is_per_client_not_for_everyone(client, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.EMAIL_RATE_LIMITS = {**settings.EMAIL_RATE_LIMITS, "password-reset-per-client": (2, 3600)}
    UserFactory(email="someone@example.org")
    for _ in range(2):
        _ask(client, "nobody@example.org", x_forwarded_for="203.0.113.5")
    assert _ask(client, "nobody@example.org", x_forwarded_for="203.0.113.5").status_code == 429
    response = _ask(client, "someone@example.org", x_forwarded_for="198.51.100.7")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["someone@example.org"]]
