"""What a signed-in user may do, remembered in their session between requests (issue 14).

Every signed-in page needs the user's roles (memberships), whether their second factor was given (the
OTP device the session names) and, for the navigation, whether they are family and the kinds of the
accounts held for their people. Read from the database that is four queries on every request. Here they are
read once and kept in the session, stamped with `User.access_version`, which the database raises
(triggers: organisations 0006, budgets 0012, ledger 0009) whenever a membership, a device, a family link
or an account held for the user's people is added, changed or removed. The user row itself
is still read on every request (Django's authentication), so:

- a deactivated user, or one whose password changed, loses access at once (as before);
- a removed membership, a removed or unconfirmed device, a person's account unlinked: the version on
  the row no longer matches the session's copy, which is thrown away and read again from the database
  on that same request.

The copy is only ever stamped with the version read *before* its data (the user row comes first), so a
change racing with a request can make the copy look older than it is, never newer.
"""

from django.contrib.auth import SESSION_KEY
from django.utils.functional import SimpleLazyObject, empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from .selectors import Roles, roles_of

ACCESS_SESSION_KEY = "_access"
# Answers other apps remember on the request's user object, kept in the copy too (organisations does
# not import them): budgets.selectors.is_family_member and the navigation's kinds of the family's
# accounts. Each is None until asked; the database raises the version when its answer may change.
REMEMBERED_ANSWERS = ("_is_family_member", "_family_fund_kinds")


class RememberedAccessMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware (in its place in MIDDLEWARE), reading the device check, the roles and
    the family answer from the session when its copy is for the user's current access version, and
    keeping the copy up to date after the view."""

    async_capable = False  # WSGI only; OTPMiddleware's async path would skip the session copy

    def __call__(self, request):
        self._install_lazy_accessors(request)
        response = self.get_response(request)
        self._remember(request)
        return response

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if not user.is_authenticated:
            return user
        session = request.session
        persistent_id = session.get(DEVICE_ID_SESSION_KEY)
        copy = _current_copy(session, user)
        if copy is not None:
            user._roles_cache = Roles.from_data(copy["roles"])
            for name, answer in copy.get("answers", {}).items():
                if name in REMEMBERED_ANSWERS and answer is not None:
                    setattr(user, name, answer)
            if not persistent_id:
                return user
            if copy.get("device") == persistent_id:
                # Checked at this version (the device's user and confirmation): loaded only if asked.
                user.otp_device = SimpleLazyObject(lambda: self._device_from_persistent_id(persistent_id))
                return user
        device = self._device_from_persistent_id(persistent_id) if persistent_id else None
        user.otp_device = self._finalize_device(request, user, device)
        return user

    @staticmethod
    def _remember(request) -> None:
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject):
            if user._wrapped is empty:
                return  # nothing asked who the user is: nothing learnt, nothing to keep
            user = user._wrapped
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return
        session = request.session
        if session.get(SESSION_KEY) != str(user.pk):
            return  # signed out (or another user) during the request
        persistent_id = session.get(DEVICE_ID_SESSION_KEY)
        copy = {
            "user": user.pk,
            "version": user.access_version,
            "roles": roles_of(user=user).as_data(),
            "device": persistent_id if getattr(user, "otp_device", None) is not None else None,
            "answers": {name: getattr(user, name, None) for name in REMEMBERED_ANSWERS},
        }
        old = session.get(ACCESS_SESSION_KEY)
        if isinstance(old, dict) and old.get("version") == copy["version"] and old.get("user") == user.pk:
            for name, answer in old.get("answers", {}).items():
                if copy["answers"].get(name) is None:
                    copy["answers"][name] = answer  # not asked this time (an htmx fragment): kept
        if old != copy:
            session[ACCESS_SESSION_KEY] = copy


def _current_copy(session, user) -> dict | None:
    copy = session.get(ACCESS_SESSION_KEY)
    if not isinstance(copy, dict):
        return None
    if copy.get("user") != user.pk or copy.get("version") != user.access_version:
        return None
    return copy
