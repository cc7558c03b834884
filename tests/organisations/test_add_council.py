"""`manage.py add_council --code CODE --name NAME`."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from organisations.models import Council
from tests.conftest import test_database_url

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_it_creates_a_council_and_says_so():
    out = StringIO()
    call_command("add_council", "--code", "E06000059", "--name", "Dorset Council", stdout=out)
    assert out.getvalue().strip() == "Created council E06000059 Dorset Council"
    assert Council.objects.get(gss_code="E06000059").name == "Dorset Council"


def test_the_creation_is_in_the_audit_trail():
    from organisations.audit import history_for

    call_command(
        "add_council", "--code", "S12000036", "--name", "City of Edinburgh Council", stdout=StringIO()
    )
    entries = list(history_for(Council.objects.get(gss_code="S12000036")))
    assert [e.additional_data["event"] for e in entries] == ["council created"]


@pytest.mark.parametrize(
    "code", ["e06000059", "E0600005", "E060000590", "06000059X", "E06 00059", "", "EE6000059"]
)
def test_a_malformed_code_is_refused(code):
    with pytest.raises(CommandError) as error:
        call_command("add_council", "--code", code, "--name", "Somewhere", stdout=StringIO())
    assert "is not a council code: use one capital letter and eight digits, like E06000059." in str(
        error.value
    )
    assert not Council.objects.exists()


def test_a_second_council_with_the_same_code_is_refused():
    call_command("add_council", "--code", "W06000015", "--name", "Cardiff", stdout=StringIO())
    with pytest.raises(CommandError, match="A council with code W06000015 already exists."):
        call_command("add_council", "--code", "W06000015", "--name", "Cardiff again", stdout=StringIO())


def test_the_command_exits_with_status_1_on_a_malformed_code():
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": test_database_url()}
    result = subprocess.run(
        [sys.executable, "manage.py", "add_council", "--code", "BAD", "--name", "Nowhere"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "'BAD' is not a council code" in result.stderr


def test_the_database_refuses_a_malformed_code_too():
    with pytest.raises(IntegrityError):
        Council.objects.create(gss_code="bad", name="Nowhere")
