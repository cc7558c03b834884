"""Every account that can reach staff pages or the Django admin gives the second factor (issue 10).

A Django superuser made with `createsuperuser` holds no council or provider role; it must still be
asked for a code, whichever sign-in page it uses, and /admin/ itself refuses a session without one.
"""

import pytest
from django.test import Client

from organisations.models import Role, User
from tests.conftest import current_code, sign_in
from tests.factories import PASSWORD, UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@platform.example.org", password=PASSWORD)


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.REQUIRE_STAFF_2FA = True


def test_a_superuser_signing_in_at_login_is_asked_for_a_code_before_the_admin(superuser, client):
    response = client.post("/login/", {"username": superuser.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/two-factor/")
    # Nothing of the admin is shown on the way.
    assert client.get("/admin/organisations/user/").status_code == 302


def test_the_admin_login_page_does_not_sign_anyone_in_with_a_password_alone(superuser, client):
    response = client.post("/admin/login/?next=/admin/", {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/?next=")
    assert "Django administration" not in response.content.decode()


def test_a_superuser_reaches_the_admin_after_giving_the_code(superuser, client):
    code = current_code(superuser)
    client.post("/login/", {"username": superuser.email, "password": PASSWORD})
    response = client.post("/login/two-factor/", {"code": code, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Site administration" in page.content.decode()


def test_the_admin_site_itself_refuses_a_session_without_the_second_factor(superuser, settings):
    """Even without the middleware that sends staff to the second step, the admin site (django-otp's
    OTPAdminSite) checks for a verified device."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("StaffTwoFactorMiddleware")]
    client = Client()
    client.force_login(superuser)  # password only: no device in the session
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "Site administration" not in response.content.decode()
    assert client.get("/admin/organisations/user/").status_code == 302


def test_a_user_with_the_admin_flag_but_no_role_is_asked_for_a_code_too(client):
    flagged = UserFactory(email="flagged@example.org", is_staff=True)
    client.post("/login/", {"username": flagged.email, "password": PASSWORD})
    response = client.get("/")
    assert response["Location"].startswith("/login/two-factor/")


def test_the_admin_is_for_platform_administrators_only(council, client):
    """A council user with the Django admin flag (and the second factor) still gets no admin page."""
    council_user = staff(Role.COMMISSIONER, council=council, is_staff=True, email="dorset@example.org")
    sign_in(client, council_user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "Site administration" not in response.content.decode()
    assert client.get("/admin/budgets/allocationquestionnaire/").status_code in (302, 403)


def test_a_platform_administrator_with_the_second_factor_reaches_the_admin(platform_admin, client):
    platform_admin.is_staff = True
    platform_admin.save()
    sign_in(client, platform_admin)
    page = client.get("/admin/")
    assert page.status_code == 200 and page.wsgi_request.user == platform_admin
    assert "Site administration" in page.content.decode()
