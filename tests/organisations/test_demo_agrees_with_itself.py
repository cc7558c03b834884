"""The demo `make run` loads agrees with itself: each provider's self-assessment says what its directory
profile says, each provider has a sign-in, and no raw email is printed while it loads."""

import importlib.util
from io import StringIO
from pathlib import Path

import environ
import pytest
from django.core.management import call_command

from organisations.models import Provider, Role, User
from organisations.selectors import roles_of
from providers.selectors import DirectoryFilters, directory_profiles
from surveys.selectors import latest_self_assessment

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
PROVIDER_SIGN_INS = {
    "PRV-001": "provider@example.org",
    "PRV-002": "provider.purbeck@example.org",
    "PRV-003": "provider.wessex@example.org",
    "PRV-004": "provider.avon@example.org",
    "PRV-005": "provider.kingfisher@example.org",
}


def _run_script():
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_sends_emails_to_files_not_to_its_output():
    env, notes = _run_script().run_environment({"REDIS_URL": "redis://x"})
    assert environ.Env.email_url_config(env["EMAIL_URL"])["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert any("emails are saved as files in" in note for note in notes)
    # A configured EMAIL_URL is left alone.
    env, _ = _run_script().run_environment({"EMAIL_URL": "smtp://mail.example.org:25"})
    assert env["EMAIL_URL"] == "smtp://mail.example.org:25"


def test_the_demo_agrees_with_itself_and_prints_no_email(
    settings, tmp_path, capsys, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    email = environ.Env.email_url_config(_run_script().run_environment({})[0]["EMAIL_URL"])
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = email["EMAIL_BACKEND"], str(tmp_path)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    printed = out.getvalue() + capsys.readouterr().out
    assert "Subject:" not in printed and "statement/?start=" not in printed
    assert list(tmp_path.iterdir()), "the statement emails were written to files"

    for ref, email_address in PROVIDER_SIGN_INS.items():
        provider = Provider.objects.get(provider_ref=ref)
        user = User.objects.get(email=email_address)
        assert provider.pk in roles_of(user=user).providers_with(Role.PROVIDER_MANAGER), ref
        answers = latest_self_assessment(provider=provider)
        assert answers is not None, ref
        # Submitting the self-assessment rewrote the profile; it still says what the demo meant.
        assert provider.profile.client_groups, ref
    harbour = Provider.objects.get(provider_ref="PRV-001")
    assert "adults_learning_disability" in harbour.profile.client_groups
    found = directory_profiles(filters=DirectoryFilters(client_group="adults_learning_disability"))
    assert harbour.profile in found
    older = {
        p.provider.provider_ref
        for p in directory_profiles(filters=DirectoryFilters(client_group="older_people"))
    }
    assert "PRV-005" not in older  # the children's provider is not listed for older people
