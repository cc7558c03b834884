"""Setting up two-factor sign-in needs more than the password (issue 10).

Someone who knows only a staff member's password must not be able to add their own authenticator:
the set-up starts with a one-time code emailed to the address on record, and the owner is emailed
whenever a device is added.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in_with_password(client, user):
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _emailed_code(user) -> str:
    message = [m for m in mail.outbox if m.subject == "Your code to set up two-factor sign-in"][-1]
    assert message.to == [user.email]
    return re.search(r"^(\d{6})$", message.body, re.MULTILINE).group(1)


def _app_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_with_the_password_alone_no_authenticator_can_be_set_up(commissioner, client):
    _sign_in_with_password(client, commissioner)
    page = client.get("/login/two-factor/").content.decode()
    assert "Check your email" in page
    assert f"We have sent a code to <strong>{commissioner.email}</strong>" in page
    # No key or QR code to copy into an attacker's app, and no device waiting to be confirmed.
    assert "<svg" not in page
    assert "Key:" not in page
    assert not TOTPDevice.objects.filter(user=commissioner).exists()
    # A code for a device the attacker might guess at is refused, and nothing else opens.
    response = client.post("/login/two-factor/", {"code": "123456"})
    assert (
        "That code is not right or has run out. Check the latest email we sent." in response.content.decode()
    )
    assert not TOTPDevice.objects.filter(user=commissioner).exists()
    assert client.get("/")["Location"].startswith("/login/two-factor/")


def test_the_code_goes_to_the_address_on_record_once_per_page_load(commissioner, client):
    _sign_in_with_password(client, commissioner)
    client.get("/login/two-factor/")
    client.get("/login/two-factor/")  # reloading sends nothing new while the code is still good
    codes = [m for m in mail.outbox if m.subject == "Your code to set up two-factor sign-in"]
    assert len(codes) == 1
    assert codes[0].to == ["commissioner@test.example.org"]
    assert "It works for 15 minutes, once." in codes[0].body


def test_staff_set_up_an_authenticator_after_the_emailed_code_and_are_told_by_email(
    commissioner, client, django_capture_on_commit_callbacks
):
    _sign_in_with_password(client, commissioner)
    client.get("/login/two-factor/")
    response = client.post("/login/two-factor/?next=/people/", {"code": _emailed_code(commissioner)})
    assert response.status_code == 302

    page = client.get(response["Location"]).content.decode()
    assert "Set up two-factor sign-in" in page
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=commissioner, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/login/two-factor/", {"code": _app_code(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200

    told = [m for m in mail.outbox if "Two-factor sign-in was set up" in m.subject]
    assert len(told) == 1
    assert told[0].to == [commissioner.email]
    assert "If it was not you, someone may know your password." in told[0].body
    # The emailed code is no sign-in factor of its own.
    assert not EmailDevice.objects.filter(user=commissioner, confirmed=True).exists()


def test_a_wrong_or_expired_emailed_code_is_refused(commissioner, client):
    _sign_in_with_password(client, commissioner)
    client.get("/login/two-factor/")
    code = _emailed_code(commissioner)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/login/two-factor/", {"code": wrong})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "That code is not right or has run out. Check the latest email we sent." in page

    EmailDevice.objects.filter(user=commissioner).update(
        valid_until=timezone.now() - dt.timedelta(seconds=1), throttling_failure_count=0
    )
    response = client.post("/login/two-factor/", {"code": code})
    assert "That code is not right or has run out." in response.content.decode()
    assert "<svg" not in client.get("/login/two-factor/").content.decode()


def test_a_new_code_can_be_asked_for_but_not_more_than_once_a_minute(commissioner, client):
    _sign_in_with_password(client, commissioner)
    client.get("/login/two-factor/")
    page = client.post("/login/two-factor/", {"send_again": "1"}).content.decode()
    assert "We sent a code less than a minute ago. Wait a minute, then ask again." in page
    EmailDevice.objects.filter(user=commissioner).update(
        last_generated_timestamp=timezone.now() - dt.timedelta(seconds=61)
    )
    page = client.post("/login/two-factor/", {"send_again": "1"}).content.decode()
    assert "We have sent a new code." in page
    assert len([m for m in mail.outbox if m.subject == "Your code to set up two-factor sign-in"]) == 2


def test_the_emailed_code_must_be_six_digits(commissioner, client):
    _sign_in_with_password(client, commissioner)
    client.get("/login/two-factor/")
    page = client.post("/login/two-factor/", {"code": "12ab"}).content.decode()
    assert "Enter the 6-digit code from the email we sent you." in page
