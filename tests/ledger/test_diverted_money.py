"""Issue 15, "money that can be diverted": a provider's own references may look like the keys the
system uses for its entries, and a closed fund takes no entry of any kind.

Each test first reproduces the fault as it was reported (the key a provider chose, the order of events)
and then checks what the person's money looks like afterwards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from providers import services as provider_services
from providers.ledger import services
from providers.ledger.models import Category, KeySource, LedgerEntry
from providers.ledger.selectors import balance_of, is_closed
from providers.models import AgreementStatus
from tests.conftest import sign_in
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement

D = Decimal
TODAY = START + dt.timedelta(days=400)
MOVE_DAY = START + dt.timedelta(weeks=6)


def spend(fund, actor, amount, key, *, day=START + dt.timedelta(days=1), today=TODAY):
    entry, _ = services.record_spending(
        fund=fund,
        entry_date=day,
        category=Category.SUPPORT,
        amount=amount,
        description="Support from Ann",
        idempotency_key=key,
        actor=actor,
        today=today,
    )
    return entry


def api_spend(client, fund, key, amount="10.00", day=None):
    body = {
        "entry_date": (day or START + dt.timedelta(days=1)).isoformat(),
        "category": "support",
        "amount": amount,
        "description": "Support from Ann",
    }
    return client.post(
        f"/api/isf/{fund.pk}/entries/",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def replacement(fund, person, provider):
    """The agreement with the person's new provider (and its fund), the old one ending the day before."""
    old = fund.agreement
    old.status, old.end_date = AgreementStatus.ENDING, MOVE_DAY - dt.timedelta(days=1)
    old.save()
    return isf_agreement(person=person, provider=provider, replaces=old, start=MOVE_DAY)


def move(new_agreement, robot):
    provider_services.complete_move(agreement=new_agreement, actor=robot, today=new_agreement.start_date)
    return new_agreement.isf


# ---- keys: the system's and the provider's are kept apart -------------------------------------------


def test_a_provider_key_named_like_the_move_does_not_stop_the_money_moving(
    client, fund, person, other_provider_org, provider_finance, robot
):
    services.post_due_payments(fund=fund, actor=robot, today=START)  # £950.00
    new = replacement(fund, person, other_provider_org)
    new_fund = services.open_fund(agreement=new, actor=robot)
    # The provider's system happens to call an entry what the move calls its transfer out.
    sign_in(client, provider_finance)
    assert api_spend(client, fund, f"transfer-out:{new_fund.pk}", "50.00").status_code == 201

    move(new, robot)

    out = fund.entries.get(category=Category.TRANSFER)
    assert (out.key_source, out.idempotency_key) == (KeySource.SYSTEM, f"transfer-out:{new_fund.pk}")
    assert out.amount == D("-1850.00")  # two payments of £950.00 less the £50.00 spent
    assert out.transfer_pair.fund == new_fund and out.transfer_pair.amount == D("1850.00")
    assert balance_of(fund) == 0 and is_closed(fund)
    # The old fund is closed for spending: the API answers 409 with the reason.
    late = api_spend(client, fund, "late-invoice", "5.00")
    assert late.status_code == 409
    assert "moved with the person to their new provider" in late.json()["detail"]
    assert balance_of(fund) == 0


def test_a_move_checks_that_what_it_found_really_is_its_transfer(fund, person, other_provider_org, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    new = replacement(fund, person, other_provider_org)
    new_fund = move(new, robot)
    third = isf_agreement(person=person, provider=other_provider_org, replaces=new, start=MOVE_DAY)
    third_fund = services.open_fund(agreement=third, actor=robot)
    # Moving the old fund again, to a different fund, is refused rather than reported as done.
    with pytest.raises(services.LedgerError, match="already moved"):
        services.transfer_balance(from_fund=fund, to_fund=third_fund, on_date=MOVE_DAY, actor=robot)
    # Moving it again to the same fund is the same move: nothing more.
    assert services.transfer_balance(from_fund=fund, to_fund=new_fund, on_date=MOVE_DAY, actor=robot) is None
    assert LedgerEntry.objects.filter(category=Category.TRANSFER).count() == 2


def test_a_csv_entry_ref_named_like_a_council_payment_does_not_block_the_payments(
    tmp_path, fund, provider_finance, robot
):
    from tests.ledger.test_import import HEADER, run

    services.post_due_payments(fund=fund, actor=robot, today=START)
    code, out, err = run(
        tmp_path,
        f"{HEADER}\nDOR-ISF-1,{START + dt.timedelta(days=1)},support,20.00,Support,council-payment:1-2\n",
    )
    assert (code, err) == (0, "")
    # The next day's payment job posts period 2 (and its fee) as if nothing had happened, and again.
    for _ in range(2):
        services.post_due_payments(fund=fund, actor=robot, today=START + dt.timedelta(weeks=4))
    payments = fund.entries.filter(category=Category.COUNCIL_PAYMENT, key_source=KeySource.SYSTEM)
    assert sorted(payments.values_list("idempotency_key", flat=True)) == [
        "council-payment:1-1",
        "council-payment:1-2",
    ]
    assert balance_of(fund) == D("950.00") * 2 - D("20.00")


def test_a_provider_key_named_like_a_reversal_does_not_break_the_reversal(
    client, fund, provider_finance, robot
):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    sign_in(client, provider_finance)
    mistake = api_spend(client, fund, "INV-1", "40.00").json()
    assert api_spend(client, fund, f"reversal:{mistake['id']}", "15.00").status_code == 201

    response = client.post(
        f"/isf/{fund.pk}/entries/{mistake['id']}/reverse/", {"reason": "Invoice sent twice"}
    )

    assert response.status_code == 302
    correction = LedgerEntry.objects.get(reverses_id=mistake["id"])
    assert (correction.amount, correction.key_source) == (D("40.00"), KeySource.SYSTEM)
    assert balance_of(fund) == D("950.00") - D("15.00")


def test_the_same_given_key_twice_is_still_one_entry(fund, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    first = spend(fund, robot, "10.00", "council-payment:1-1")
    again = spend(fund, robot, "10.00", "council-payment:1-1")
    assert first == again and first.key_source == KeySource.GIVEN
    assert fund.entries.filter(idempotency_key="council-payment:1-1").count() == 2  # the payment and this


# ---- a closed fund takes nothing ----------------------------------------------------------------------


@pytest.fixture
def moved(fund, person, other_provider_org, robot):
    """Alys moved to provider B on MOVE_DAY after provider A recorded £50.00 of support by mistake."""
    services.post_due_payments(fund=fund, actor=robot, today=START)
    mistake = spend(fund, robot, "50.00", "INV-9")
    new_fund = move(replacement(fund, person, other_provider_org), robot)
    return fund, new_fund, mistake


def test_a_reversal_after_a_move_is_made_in_the_new_fund_pointing_at_the_original(
    client, moved, provider_finance
):
    old, new, mistake = moved
    new_balance = balance_of(new)
    sign_in(client, provider_finance)
    response = client.post(f"/isf/{old.pk}/entries/{mistake.pk}/reverse/", {"reason": "Ann was ill that day"})
    assert response.status_code == 302
    correction = LedgerEntry.objects.get(reverses=mistake)
    assert correction.fund == new and correction.amount == D("50.00")
    assert "recorded by Harbour Lights Support before you moved" in correction.description
    assert balance_of(old) == 0  # nothing left behind in the closed fund
    assert balance_of(new) == new_balance + D("50.00")
    # Once only.
    with pytest.raises(services.LedgerError, match="already corrected"):
        services.reverse_entry(entry=mistake, reason="again", actor=provider_finance)


def test_a_closed_fund_takes_no_entry_of_any_kind(
    tmp_path, client, moved, provider_finance, commissioner, robot, import_jobs_run_at_once
):
    from tests.ledger.test_import import HEADER, run

    old, _, _ = moved
    before = list(old.entries.values_list("pk", flat=True))
    message = "This money has moved with the person to their new provider"
    # API
    sign_in(client, provider_finance)
    response = api_spend(client, old, "API-1", "1.00")
    assert response.status_code == 409 and message in response.json()["detail"]
    # CSV (the command and the upload page)
    code, _, err = run(
        tmp_path, f"{HEADER}\nDOR-ISF-1,{START + dt.timedelta(days=2)},support,1.00,Taxi,CSV-1\n"
    )
    assert code == 1 and "line 2: budget_ref" not in err and message in err
    upload = client.post(
        "/isf/provider/upload/",
        {
            "provider": old.provider_id,
            "file": SimpleUploadedFile(
                "e.csv",
                f"{HEADER}\nDOR-ISF-1,{START + dt.timedelta(days=2)},support,1.00,Taxi,CSV-2\n".encode(),
            ),
        },
        follow=True,  # to the upload job's page, which lists the file's problems
    )
    assert upload.status_code == 200 and message in upload.content.decode()
    # The entry form
    form = client.post(
        f"/isf/{old.pk}/entries/new/",
        {
            "entry_date": (START + dt.timedelta(days=2)).isoformat(),
            "category": "support",
            "amount": "1.00",
            "description": "Taxi",
            "idempotency_key": "form:1",
        },
    )
    assert form.status_code == 200 and message in form.content.decode()
    # A refund by the commissioner, and the council payment job
    with pytest.raises(services.FundClosed):
        services.record_refund(fund=old, amount="1.00", reason="Overpaid", actor=commissioner, today=TODAY)
    assert services.post_due_payments(fund=old, actor=robot, today=TODAY) == []
    assert list(old.entries.values_list("pk", flat=True)) == before


def test_a_closed_fund_page_offers_no_reverse_links(client, moved, provider_finance, commissioner):
    old, new, mistake = moved
    sign_in(client, provider_finance)
    page = client.get(f"/isf/{old.pk}/").content.decode()
    assert "Reverse" not in page and "Record spending" not in page
    assert "Nothing more can be recorded here" in page
    sign_in(client, commissioner)
    page = client.get(f"/isf/{old.pk}/").content.decode()
    assert "Record money paid back to the council" not in page
    # The open fund still offers them to its own provider's staff (checked on the old fund before the move
    # in test_pages_and_api); here the new fund has entries nobody may reverse (transfers).
    assert mistake.fund_id == old.pk and new.pk != old.pk
