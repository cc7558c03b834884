"""Setting or resetting a password by email (how a representative added by a commissioner signs in)."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _link_from(message) -> str:
    return re.search(r"https?://testserver(/password-reset/\S+/)", message.body).group(1)


def test_a_person_without_a_password_sets_one_from_the_emailed_link_and_signs_in(client):
    user = UserFactory(email="new.rep@example.org")
    user.set_unusable_password()
    user.save()

    response = client.post("/password-reset/", {"email": "New.Rep@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.rep@example.org"]
    assert mail.outbox[0].subject == "Set your password for Personalised support"

    form_page = client.get(_link_from(mail.outbox[0]), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a-brand-new-pass-2026", "new_password2": "a-brand-new-pass-2026"}
    )
    assert done["Location"] == "/password-reset/done/"

    signed_in = client.post(
        "/login/", {"username": "new.rep@example.org", "password": "a-brand-new-pass-2026"}
    )
    assert signed_in.status_code == 302


def test_an_unknown_address_gets_the_same_page_and_no_email(client):
    response = client.post("/password-reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_beside_the_field(client):
    UserFactory(email="someone@example.org")
    client.post("/password-reset/", {"email": "someone@example.org"})
    form_page = client.get(_link_from(mail.outbox[0]), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This password is too short. It must contain at least 12 characters." in page


def test_a_used_or_broken_link_says_so(client):
    page = client.get("/password-reset/MQ/not-a-token/").content.decode()
    assert "This link has run out or has been used" in page
