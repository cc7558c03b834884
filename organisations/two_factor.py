"""Two-factor sign-in for staff, with django-otp's time-based codes (TOTP).

django-otp (maintained by the django-otp organisation, used by django-two-factor-auth) holds the
devices and checks codes with drift tolerance and replay protection; we only add the pages.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit


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


def verify(request, *, code: str) -> bool:
    """Check a code against the user's confirmed device, or confirm a device being set up."""
    user = request.user
    device = confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = pending_device(user)
    if not device.verify_token(code):
        return False
    if setting_up:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor=user, instance=user, event="two-factor sign-in set up")
    otp_login(request, device)
    return True


def required_for(user) -> bool:
    """Who must give the second factor: anyone who can reach staff pages or the Django admin, which
    includes a superuser or an account with the admin flag that holds no council or provider role."""
    from .selectors import roles_of

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.is_staff or roles_of(user=user).is_staff
