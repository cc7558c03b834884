"""Provider imports beyond the basic file checks: who the audit trail names, what a re-import counts as
updated, the fee and contact details written, and the progress an upload job is told."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from organisations.audit import history_for
from organisations.models import Provider
from organisations.services import SYSTEM_ACTOR_EMAIL
from providers import importing
from providers.models import ProviderProfile
from tests.factories import UserFactory
from tests.providers.factories import profile_for
from tests.providers.test_import_providers import GOOD, run

pytestmark = pytest.mark.django_db


def entry(obj, event):
    return history_for(obj).get(additional_data__event=event)


def profile(ref):
    return ProviderProfile.objects.get(provider__provider_ref=ref)


def test_an_import_is_audited_as_the_system_account_creating_renaming_and_moving_areas(
    tmp_path, council, other_council
):
    run(tmp_path, GOOD)
    seaside = Provider.objects.get(provider_ref="PRV-101")
    created = entry(seaside, "provider created")
    assert (created.action, created.actor.email) == (LogEntry.Action.CREATE, SYSTEM_ACTOR_EMAIL)
    imported = entry(profile("PRV-101"), "profile imported")
    assert imported.actor.email == SYSTEM_ACTOR_EMAIL
    assert imported.changes_dict["phone"] == ["", "01305 000 001"]

    code, out, err, _ = run(
        tmp_path, "provider_ref,name,council_codes\nPRV-101,Seaside Support Ltd,E06000059\n"
    )
    assert (code, err) == (0, [])
    assert "0 created, 1 updated, 0 unchanged" in out
    renamed = entry(seaside, "provider renamed by import")
    assert renamed.actor.email == SYSTEM_ACTOR_EMAIL
    assert renamed.changes_dict == {"name": ["Seaside Support", "Seaside Support Ltd"]}
    moved = history_for(profile("PRV-101")).filter(additional_data__event="profile imported").last()
    assert moved.actor.email == SYSTEM_ACTOR_EMAIL
    assert moved.changes_dict == {"council_areas": ["E06000023, E06000059", "E06000059"]}
    assert list(profile("PRV-101").council_areas.values_list("gss_code", flat=True)) == ["E06000059"]


def test_a_reimport_that_changes_only_profile_details_counts_each_provider_as_updated(
    tmp_path, council, other_council
):
    run(tmp_path, GOOD)
    code, out, err, _ = run(
        tmp_path,
        "provider_ref,name,offers_isf,phone,website\n"
        "PRV-101,Seaside Support,no,01305 999 999,http://seaside.example.org\n"
        "PRV-102,Moorland Care,Yes,,\n",
    )
    assert (code, err) == (0, [])
    assert "0 created, 2 updated, 0 unchanged" in out
    seaside = profile("PRV-101")
    assert (seaside.offers_isf, seaside.phone, seaside.website) == (
        False,
        "01305 999 999",
        "http://seaside.example.org",
    )
    assert profile("PRV-102").offers_isf is True

    # Columns left out change nothing: not even a placeholder for the phone.
    code, out, _, _ = run(tmp_path, "provider_ref,name\nPRV-101,Seaside Support\n")
    assert code == 0 and "0 created, 0 updated, 1 unchanged" in out
    assert profile("PRV-101").phone == "01305 999 999"


def test_a_percentage_fee_replaces_a_fixed_one_and_may_be_0_to_100_with_a_percent_sign(
    tmp_path, provider_org
):
    profile_for(provider_org, management_fee_percent=None, management_fee_fixed="1200.00")
    code, out, err, _ = run(
        tmp_path,
        "provider_ref,name,management_fee_percent\n"
        "PRV-001,Harbour Lights Support,0\n"
        "PRV-2,Half Percent,0.5\n"
        "PRV-3,All Of It,100\n"
        "PRV-4,With A Sign,7.5%\n",
    )
    assert (code, err) == (0, [])
    assert "3 created, 1 updated, 0 unchanged" in out
    harbour = profile("PRV-001")
    assert (harbour.management_fee_percent, harbour.management_fee_fixed) == (Decimal("0.00"), None)
    assert [profile(ref).management_fee_percent for ref in ("PRV-2", "PRV-3", "PRV-4")] == [
        Decimal("0.50"),
        Decimal("100.00"),
        Decimal("7.50"),
    ]


def test_a_file_with_only_the_header_imports_nothing_and_says_so(tmp_path):
    code, out, err, _ = run(tmp_path, "provider_ref,name\n")
    assert (code, err) == (0, [])
    assert "Imported providers.csv: 0 created, 0 updated, 0 unchanged." in out


def test_an_upload_job_is_told_rows_checked_and_written_and_the_uploader_is_audited(council):
    uploader = UserFactory(email="uploader@test.example.org")
    told = []
    result = importing.import_text(
        "provider_ref,name,council_codes\nPRV-1,A,E06000059\nPRV-2,B,\n",
        actor=uploader,
        progress=lambda **counts: told.append(counts),
    )
    assert result.summary() == "2 created, 0 updated, 0 unchanged"
    assert told == [{"checked": 2}, {"written": 2}]
    provider = Provider.objects.get(provider_ref="PRV-1")
    assert entry(provider, "provider created").actor == uploader
    assert entry(profile("PRV-1"), "profile imported").actor == uploader
