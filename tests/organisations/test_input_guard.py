"""NUL bytes anywhere in a request are a 400 naming the field (pages and API alike), and every upload
page refuses a file over the size limit with a clear error before it is imported."""

import json
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from budgets.models import Person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/openreferral/services/?text=%00", "text"),
        ("/api/openreferral/services/?page=1&postcode=DT1%00", "postcode"),
        ("/api/openreferral/services/?%00=1", "non_field_errors"),
    ],
)
def test_a_nul_byte_in_an_api_query_string_is_a_400_naming_the_parameter(path, field):
    response = Client().get(path)
    assert response.status_code == 400
    assert response.json() == {field: ["Remove the null character (\\x00): it cannot be stored."]}


def test_a_nul_byte_in_a_page_query_string_is_a_400_page_naming_the_field():
    response = Client().get("/providers/?q=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "q: Remove the null character" in page


def test_a_nul_byte_in_a_form_post_is_a_400_and_changes_nothing(commissioner, council):
    client = sign_in(Client(), commissioner)
    response = client.post(
        "/people/new/",
        {
            "person_ref": "DOR-77",
            "given_name": "Ola\x00",
            "family_name": "Reed",
            "date_of_birth": "1990-01-01",
            "primary_support_reason": "sensory_support",
        },
    )
    assert response.status_code == 400
    assert "given_name: Remove the null character" in response.content.decode()
    assert not Person.objects.exists()


def test_a_nul_byte_in_a_json_slug_field_is_a_400_with_the_field(commissioner, council):
    response = _api(commissioner).post(
        "/api/people/",
        json.dumps(
            {
                "council": "E0600\x000059",
                "person_ref": "DOR-9",
                "date_of_birth": "1990-01-01",
                "primary_support_reason": "sensory_support",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"council": ["Remove the null character (\\x00): it cannot be stored."]}
    assert not Person.objects.exists()


def test_a_nul_byte_deep_in_a_json_body_names_the_path(commissioner, council):
    response = _api(commissioner).post(
        "/api/budgets/",
        json.dumps({"person": 1, "start_date": "2026-04-01", "arrangements": [{"budget_ref": "B\x00"}]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["arrangements.0.budget_ref"]


# ---- uploads over the size limit -----------------------------------------------------------------

HEADER = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
    "start_date,end_date,provider_ref\n"
)


def test_the_budget_upload_refuses_a_file_over_the_limit_before_importing_it(commissioner, council, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    text = HEADER + "".join(
        f"P-{i},1980-05-01,learning_disability,B-{i},direct_payment,100.00,2026-04-01,,\n" for i in range(40)
    )
    assert len(text) > 1024
    response = sign_in(Client(), commissioner).post(
        "/imports/budgets/", {"file": SimpleUploadedFile("big.csv", text.encode(), "text/csv")}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The file must be smaller than 1.0\xa0KB. This one is 3.1\xa0KB: split it into smaller files." in (
        page
    )
    assert 'id="file-error"' in page or "govuk-error-message" in page
    assert not Person.objects.exists()


def test_the_isf_upload_refuses_a_file_over_the_limit(provider_a, settings):
    settings.UPLOAD_MAX_BYTES = 100
    text = (
        "budget_ref,entry_date,category,amount,description,entry_ref\n"
        + "X-1,2026-04-07,support,1.00,x,A\n" * 5
    )
    response = sign_in(Client(), provider_a).post(
        "/isf/provider/upload/", {"file": SimpleUploadedFile("a.csv", text.encode())}
    )
    assert "The file must be smaller than 100\xa0bytes." in response.content.decode()


def _limit_with(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "UPLOAD_MAX_MB"} | {"DEBUG": "1"}
    if env_value is not None:
        env["UPLOAD_MAX_MB"] = env_value
    code = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "django.setup(); from django.conf import settings; print(settings.UPLOAD_MAX_BYTES)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_limit_comes_from_the_environment_and_is_20_mb_by_default():
    assert _limit_with(None) == str(20 * 1024 * 1024)
    assert _limit_with("5") == str(5 * 1024 * 1024)
