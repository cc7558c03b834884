"""Request-wide safety rules: two-factor sign-in for staff, no caching of personal data, and the
idle time-out kept without writing the session on every request."""

import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

_ALWAYS_ALLOWED_PREFIXES = ("/static/", "/healthz", "/login/", "/logout/", "/password-reset/")


class StaffTwoFactorMiddleware:
    """Council and provider staff, platform administrators and Django superusers (anyone who can
    reach staff pages or the admin) reach nothing but the sign-in pages until they have given a code
    from their authenticator app (when REQUIRE_STAFF_2FA is on). API calls with a token are machine
    access and are not stopped here; a half-signed-in browser session is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_second_factor(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Finish signing in with your security code first."}, status=401
                )
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request) -> bool:
        if not settings.REQUIRE_STAFF_2FA:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(_ALWAYS_ALLOWED_PREFIXES):
            return False
        if not two_factor.required_for(user):
            return False
        return not user.is_verified()


class NoStoreForPersonalDataMiddleware:
    """Pages shown to a signed-in user, and every API answer, may carry personal data: tell browsers
    and proxies not to keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "public_data", False):
            # A view that serves only published data whatever the user (the Open Referral feed) says
            # so, and keeps its own Cache-Control so that consumers can revalidate with its ETag.
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


# Where the session remembers when its expiry was last pushed back (seconds since the epoch).
SESSION_REFRESHED_KEY = "_refreshed_at"


class SessionIdleRefreshMiddleware:
    """The idle time-out (SESSION_COOKIE_AGE after the last request) without a database write on every
    request: a session that nothing changed is saved again, moving its expiry on, only when its last
    save is more than SESSION_REFRESH_AFTER seconds old. A signed-in person who is busy therefore writes
    their session at most once a minute, and one who stops is signed out between
    SESSION_COOKIE_AGE - SESSION_REFRESH_AFTER and SESSION_COOKIE_AGE later.

    Goes after SessionMiddleware, so that its mark is in place before the session is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no cookie and nothing stored: nothing to keep alive (and no query)
        refreshed = session.get(SESSION_REFRESHED_KEY, 0)
        if session.is_empty():
            return response  # a cookie for a session that has gone: never start one for it here
        now = int(time.time())
        if session.modified or now - refreshed >= settings.SESSION_REFRESH_AFTER:
            session[SESSION_REFRESHED_KEY] = now
        return response
