"""The Django admin, for platform administrators only, and only with the second factor.

django-otp's OTPAdminSite refuses a session whose device is not verified; on top of that only a
superuser or a platform administrator may enter (a council user with the admin flag may not: councils
change their own settings on their settings pages, which are scoped and audited). The admin's own
password-only login page is not used: it sends people to the product's sign-in, which has the
lock-out and the second step.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from .selectors import roles_of


def may_use_admin(user) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or roles_of(user=user).platform_admin


class PlatformAdminSite(OTPAdminSite):
    name = "admin"  # the URL names stay admin:... (OTPAdminSite's own default is "otpadmin")
    site_header = "Personalised support: platform administration"
    site_title = "Platform administration"

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    def has_permission(self, request) -> bool:
        user = request.user
        if not may_use_admin(user):
            return False
        return user.is_verified() or not settings.REQUIRE_STAFF_2FA

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse("login"))
        if self.has_permission(request):
            return redirect(next_url if next_url.startswith("/admin/") else reverse("admin:index"))
        # Signed in, but not a platform administrator (an unverified one was already sent to the
        # second step by StaffTwoFactorMiddleware).
        return render(request, "403.html", status=403)
