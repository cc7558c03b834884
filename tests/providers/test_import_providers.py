"""`python manage.py import_providers FILE.csv`: all or nothing, line-numbered errors, re-import updates."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.models import Provider
from providers.models import ProviderProfile

pytestmark = pytest.mark.django_db


def run(tmp_path, text: str):
    path = tmp_path / "providers.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_providers", str(path), stdout=out, stderr=err)
    except CommandError as exc:  # a file that cannot be read at all
        return 1, out.getvalue(), err.getvalue().splitlines(), str(exc)
    except SystemExit as exc:  # bad rows: the line errors on stderr, nothing imported
        return exc.code, out.getvalue(), err.getvalue().splitlines(), ""
    return 0, out.getvalue(), err.getvalue().splitlines(), ""


GOOD = (
    "provider_ref,name,offers_isf,management_fee_percent,email,phone,website,council_codes\n"
    "PRV-101,Seaside Support,yes,7.5,hi@seaside.example.org,01305 000 001,https://seaside.example.org,"
    "E06000059;E06000023\n"
    "PRV-102,Moorland Care,no,,,,,\n"
)


def test_a_good_file_creates_providers_and_profiles(tmp_path, council, other_council):
    code, out, err, _ = run(tmp_path, GOOD)
    assert (code, err) == (0, [])
    assert "Imported providers.csv: 2 created, 0 updated, 0 unchanged." in out
    seaside = ProviderProfile.objects.get(provider__provider_ref="PRV-101")
    assert seaside.offers_isf is True
    assert seaside.management_fee_percent == Decimal("7.50")
    assert seaside.email == "hi@seaside.example.org" and seaside.website == "https://seaside.example.org"
    assert sorted(seaside.council_areas.values_list("gss_code", flat=True)) == ["E06000023", "E06000059"]
    assert ProviderProfile.objects.get(provider__provider_ref="PRV-102").offers_isf is False


def test_reimporting_updates_and_never_duplicates(tmp_path, council, other_council):
    run(tmp_path, GOOD)
    code, out, _, _ = run(tmp_path, GOOD)
    assert code == 0 and "0 created, 0 updated, 2 unchanged" in out
    code, out, _, _ = run(
        tmp_path, "provider_ref,name,management_fee_percent\nPRV-101,Seaside Support Ltd,9\n"
    )
    assert code == 0 and "0 created, 1 updated, 0 unchanged" in out
    assert Provider.objects.filter(provider_ref="PRV-101").count() == 1
    profile = ProviderProfile.objects.get(provider__provider_ref="PRV-101")
    assert profile.provider.name == "Seaside Support Ltd"
    assert profile.management_fee_percent == Decimal("9.00")
    assert profile.email == "hi@seaside.example.org"  # a column left out leaves the detail as it was


def test_only_the_required_columns_are_needed(tmp_path):
    code, out, _, _ = run(tmp_path, "provider_ref,name\nPRV-201,Tiny Trust\n")
    assert code == 0 and "1 created" in out


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("", ["line 1: header: the file is empty; the first line must be provider_ref,name"]),
        ("provider_ref,offers_isf\nPRV-1,yes\n", ["line 1: name: missing column"]),
        ("name\nA\n", ["line 1: provider_ref: missing column"]),
        ("provider_ref,name,colour\nPRV-1,A,blue\n", ["line 1: colour: unknown column"]),
        (
            "provider_ref,name\nPRV 1,A\n",
            [
                "line 2: provider_ref: 'PRV 1' is not a reference "
                "(1 to 64 letters, digits, full stops, underscores, slashes or hyphens)"
            ],
        ),
        ("provider_ref,name\n,A\n", ["line 2: provider_ref: is blank"]),
        ("provider_ref,name\nPRV-1,\n", ["line 2: name: is blank"]),
        (
            "provider_ref,name\nPRV-1,A\nPRV-2,B\nPRV-1,C\n",
            ["line 4: provider_ref: PRV-1 is already on line 2"],
        ),
        (
            "provider_ref,name,offers_isf\nPRV-1,A,maybe\n",
            ["line 2: offers_isf: 'maybe' is not true or false"],
        ),
        (
            "provider_ref,name,management_fee_percent\nPRV-1,A,lots\nPRV-2,B,120\nPRV-3,C,5.125\n",
            [
                "line 2: management_fee_percent: 'lots' is not a number",
                "line 3: management_fee_percent: 120 is not between 0 and 100",
                "line 4: management_fee_percent: 5.125 has more than 2 decimal places",
            ],
        ),
        (
            "provider_ref,name,council_codes\nPRV-1,A,E06000059;E09999999\nPRV-2,B,dorset\n",
            [
                "line 2: council_codes: unknown council code E09999999",
                "line 3: council_codes: 'dorset' is not a council code like E06000059",
            ],
        ),
        (
            "provider_ref,name,email\nPRV-1,A,not-an-email\n",
            ["line 2: email: 'not-an-email' is not an email address"],
        ),
        ("provider_ref,name\nPRV-1,A,extra\n", ["line 2: row: has 3 cells, the header has 2"]),
        ("provider_ref,name,Name\nPRV-1,A,B\n", ["line 1: name: column appears twice"]),
        (
            "provider_ref,name,phone,website\n"
            f"PRV-1,{'N' * 201},{'0' * 41},seaside.example.org\n"
            f"PRV-2,{'N' * 200},{'0' * 40},ftp://seaside.example.org\n",
            [
                "line 2: name: is longer than 200 characters",
                "line 2: phone: is longer than 40 characters",
                "line 2: website: 'seaside.example.org' is not a web address starting http:// or https://",
                "line 3: website: 'ftp://seaside.example.org' is not a web address starting http:// or https://",
            ],
        ),
        (
            "provider_ref,name,management_fee_percent\nPRV-1,A,-0.01\nPRV-2,B,100.01\nPRV-3,C,5X\n",
            [
                "line 2: management_fee_percent: -0.01 is not between 0 and 100",
                "line 3: management_fee_percent: 100.01 is not between 0 and 100",
                "line 4: management_fee_percent: '5X' is not a number",
            ],
        ),
        (
            "provider_ref,name\nPRV-1,A,extra\nPRV-2,\n",
            ["line 2: row: has 3 cells, the header has 2", "line 3: name: is blank"],
        ),
        ("provider_ref,name,\nPRV-1,A,\n", ["line 1: (blank): unknown column"]),
        (
            "\nprovider_ref,name\nPRV-1,A\n",
            ["line 1: provider_ref: missing column", "line 1: name: missing column"],
        ),
    ],
    ids=[
        "empty file",
        "missing name column",
        "missing ref column",
        "unknown column",
        "bad ref",
        "blank ref",
        "blank name",
        "duplicate ref in file",
        "bad boolean",
        "bad percent",
        "unknown council code",
        "bad email",
        "ragged row",
        "column twice",
        "too long and not a web address",
        "percent just outside 0 to 100",
        "rows after a ragged row still checked",
        "trailing comma in the header",
        "blank first line is the header",
    ],
)
def test_a_bad_file_imports_nothing_and_says_what_is_wrong(tmp_path, council, text, errors):
    code, out, err, message = run(tmp_path, text)
    assert code == 1
    assert err == errors
    assert message == ""
    assert not Provider.objects.exists()


def test_a_blank_council_code_between_semicolons_is_skipped_not_the_end_of_the_list(
    tmp_path, council, other_council
):
    code, _, err, _ = run(tmp_path, "provider_ref,name,council_codes\nPRV-1,A, ;E06000059;;E06000023;\n")
    assert (code, err) == (0, [])
    profile = ProviderProfile.objects.get(provider__provider_ref="PRV-1")
    assert sorted(profile.council_areas.values_list("gss_code", flat=True)) == ["E06000023", "E06000059"]


def test_one_bad_row_stops_the_good_ones_too(tmp_path, council):
    code, _, err, _ = run(tmp_path, "provider_ref,name,offers_isf\nPRV-1,Good,yes\nPRV-2,Bad,perhaps\n")
    assert code == 1 and err == ["line 3: offers_isf: 'perhaps' is not true or false"]
    assert not Provider.objects.filter(provider_ref="PRV-1").exists()


def test_the_command_exits_1_on_errors(tmp_path):
    import os
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("provider_ref\nPRV-1\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_providers", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DEBUG": "1"},
    )
    assert result.returncode == 1
    assert "line 1: name: missing column" in result.stderr
