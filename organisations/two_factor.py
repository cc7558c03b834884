"""Two-factor sign-in for staff, with django-otp's time-based codes (TOTP).

django-otp (maintained by the django-otp organisation, used by django-two-factor-auth) holds the
devices and checks codes with drift tolerance and replay protection; we only add the pages.

Setting up an authenticator needs more than the password: a one-time code emailed to the address on
record first (django-otp's EmailDevice: expiry, a cool-down between emails, throttling of wrong
codes). Someone who only knows the password cannot add their own authenticator. Whenever a device is
added, its owner is told by email.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit

# The session remembers that this sign-in proved the email address (for this user only; signing in
# again starts a new session).
_EMAIL_PROVED_KEY = "two_factor_email_proved_for"


def required_for(user) -> bool:
    """Who must give the second factor: anyone who can reach staff pages or the Django admin, which
    includes a superuser or an account with the admin flag that holds no council or provider role."""
    from .selectors import roles_of

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.is_staff or roles_of(user=user).is_staff


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device a user is setting up, made once so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_code_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


# ---- proving the email address before setting up ---------------------------------------------------


def _email_device(user) -> EmailDevice:
    """The user's enrolment-code device. Never confirmed: it proves the address, it is not a way to
    sign in, so django-otp never counts it as a second factor."""
    device = EmailDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = EmailDevice.objects.create(user=user, name="Set-up code by email", confirmed=False)
    return device


def email_proved(request) -> bool:
    return request.session.get(_EMAIL_PROVED_KEY) == request.user.pk


def send_set_up_code(user, *, again: bool = False) -> bool:
    """Email a one-time set-up code to the address on record. Without `again`, only when no code is
    still valid (reloading the page sends nothing new). False while the cool-down between emails
    runs."""
    device = _email_device(user)
    if not again and device.token and device.valid_until and device.valid_until > timezone.now():
        return True
    allowed, _ = device.generate_is_allowed()
    if not allowed:
        return False
    device.generate_challenge({"minutes": code_minutes()})
    return True


def prove_email(request, *, code: str) -> bool:
    device = _email_device(request.user)
    if not device.verify_token(code):
        return False
    request.session[_EMAIL_PROVED_KEY] = request.user.pk
    return True


def code_minutes() -> int:
    return settings.OTP_EMAIL_TOKEN_VALIDITY // 60


# ---- checking codes ---------------------------------------------------------------------------------


def verify(request, *, code: str) -> bool:
    """Check a code against the user's confirmed device, or confirm a device being set up (only after
    the emailed code was given in this session)."""
    user = request.user
    device = confirmed_device(user)
    setting_up = device is None
    if setting_up:
        if not email_proved(request):
            return False
        device = pending_device(user)
    if not device.verify_token(code):
        return False
    if setting_up:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor=user, instance=user, event="two-factor sign-in set up")
        request.session.pop(_EMAIL_PROVED_KEY, None)
        tell_owner_device_added(user=user, device=device)
    otp_login(request, device)
    return True


def tell_owner_device_added(*, user, device) -> None:
    """Email the address on record: if it was not them, someone knows their password."""
    body = render_to_string(
        "organisations/two_factor_added_email.txt",
        {"user": user, "device": device, "when": timezone.localtime(), "service": settings.SERVICE_NAME},
    )
    transaction.on_commit(
        lambda: send_mail(
            f"Two-factor sign-in was set up on your {settings.SERVICE_NAME} account",
            body,
            None,
            [user.email],
            fail_silently=True,
        )
    )
