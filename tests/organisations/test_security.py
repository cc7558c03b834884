"""Headers and pages that keep people's data safe."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.conftest import sign_in, test_database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_every_page_has_a_content_security_policy_with_a_nonce_its_scripts_carry(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts, "the page should load scripts"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_pages_for_a_signed_in_user_are_never_stored(client, commissioner):
    sign_in(client, commissioner)
    response = client.get("/")
    assert response["Cache-Control"] == "no-store"


def test_api_answers_are_never_stored(client):
    assert client.get("/api/me/")["Cache-Control"] == "no-store"


def test_the_public_home_page_may_be_cached(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_cookies_are_secure_and_http_only(client, stranger, password):
    response = client.post("/login/", {"username": stranger.email, "password": password})
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_framing_sniffing_and_referrers_are_refused(client):
    response = client.get("/", secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_a_missing_page_is_a_plain_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.organisations.urls_that_fail")
def test_a_server_error_shows_a_generic_page_without_a_traceback(client):
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page
    assert "ZeroDivisionError" not in page


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_configuration_passes_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "support.example.org",
            "SITE_URL": "https://support.example.org",
            "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org:587",
            "DATABASE_URL": test_database_url(),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_email_rather_than_log_reset_links():
    """Without EMAIL_URL, email goes to the console: reset links and sign-in codes would sit in the
    server log. With DEBUG off that is a system check error, so `migrate` (and so the web service in
    docker-compose) stops."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "support.example.org",
        "SITE_URL": "https://support.example.org",
        "DATABASE_URL": test_database_url(),
    }
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert (
        "organisations.E001) EMAIL_URL is not set, so password-reset links and sign-in codes would be "
        "written to the log." in result.stderr
    )
    assert "Set EMAIL_URL in the environment" in result.stderr
    migrate = _manage("migrate", env=env)
    assert migrate.returncode != 0
    assert "organisations.E001" in migrate.stderr
    # Development (`make run` sets DEBUG=1) still starts without it.
    assert _manage("check", env={**env, "DEBUG": "1"}).returncode == 0


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "support.example.org"})
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


def test_production_refuses_to_start_without_a_site_url_for_email_links():
    result = _manage(
        "check",
        env={"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "support.example.org"},
    )
    assert result.returncode != 0
    assert "Set SITE_URL in the environment" in result.stderr
