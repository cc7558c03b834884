"""Who is trying to sign in, and from where: one answer for the sign-in form and for django-axes.

The lock-out counts failures per (email, client address). Both must be worked out the same way
everywhere, or the count can be dodged: an email in another case or with spaces would be a new
"username", and behind the TLS proxy every request would come from the proxy's own address.
"""

import ipaddress

from django.conf import settings


def normalise_email(value: str | None) -> str:
    """Emails are stored lower-case (UserManager.create_user); compare them the same way."""
    return (value or "").strip().lower()


def axes_username(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised email from the credentials or, failing that, the form."""
    raw = None
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return normalise_email(raw)


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address the request came from.

    Behind our TLS proxy (BEHIND_TLS_PROXY) the connection comes from the proxy, which appends the
    client's address to X-Forwarded-For; only that rightmost entry is trusted, because anything to its
    left was written by the client. Without the proxy the header is ignored: anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_TLS_PROXY:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [part for part in forwarded.split(",") if part.strip()]
    if not entries:
        return remote
    return _valid_address(entries[-1]) or remote
