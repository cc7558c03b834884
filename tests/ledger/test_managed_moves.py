"""Issue 13, gaps 1 and 2: a managed direct payment moves from a date, like an ISF. From today (or a
day before) it happens at once; from a date to come it is planned, shown on the account's pages (the
commissioner's, the organisation's, the family's) and cancellable until then, and the daily payments job
does it on that date, the balance following in one transaction. Changing into an ISF with no agreement
yet records the person's choice and offers the provider the agreement; the money moves when the
provider accepts (at once if the date has come)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import Arrangement, ManagementType
from organisations.models import Role
from providers.ledger import managed, services
from providers.ledger.models import Category, HeldAccount, HeldKind, MoveStatus, ScheduledMove
from providers.ledger.selectors import balance_of
from providers.models import AgreementStatus, ChoiceStatus, FlexibleAgreement, ProviderChoice, ProviderProfile
from tests.budgets.factories import approved_budget
from tests.conftest import sign_in
from tests.factories import ProviderFactory, staff
from tests.ledger.conftest import START

D = Decimal


@pytest.fixture
def hub(db):
    return ProviderFactory(provider_ref="PRV-HUB", name="Wareham Community Hub")


@pytest.fixture
def hub_staff(hub):
    return staff(Role.PROVIDER_FINANCE, provider=hub, email="finance@hub.example.org")


@pytest.fixture
def account(person, hub, robot):
    budget = approved_budget(
        person, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", hub),)
    )
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent = D("8.00")
    arrangement.budget_ref = "DOR-MDP-1"
    arrangement.save()
    account = managed.open_managed_account(arrangement=arrangement, actor=robot)
    return account


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def paid_to_today(account, robot, today):
    services.post_due_payments(fund=account, actor=robot, today=today)
    return balance_of(account)


@pytest.fixture
def new_hub(other_provider_org, council):
    ProviderProfile.objects.filter(provider=other_provider_org).delete()
    profile = ProviderProfile.objects.create(
        provider=other_provider_org, manages_direct_payments=True, management_fee_percent=D("6.00")
    )
    profile.council_areas.add(council)
    return other_provider_org


@pytest.fixture
def isf_provider(provider_org, council):
    ProviderProfile.objects.filter(provider=provider_org).delete()
    profile = ProviderProfile.objects.create(
        provider=provider_org, offers_isf=True, management_fee_percent=D("5.00")
    )
    profile.council_areas.add(council)
    return provider_org


def _move_page(client, account, **data):
    return client.post(f"/isf/{account.pk}/move/", data)


def test_a_move_from_today_happens_at_once(client, commissioner, account, paid_to_today, new_hub, today):
    sign_in(client, commissioner)
    response = _move_page(client, account, to="organisation", on_date=today.isoformat(), provider=new_hub.pk)
    new = HeldAccount.objects.exclude(pk=account.pk).get(person=account.person)
    assert response.status_code == 302 and response["Location"] == f"/isf/{new.pk}/"
    moved_in = new.entries.get(category=Category.TRANSFER)
    assert moved_in.entry_date == today and moved_in.amount == paid_to_today
    assert balance_of(HeldAccount.objects.get(pk=account.pk)) == 0
    move = ScheduledMove.objects.get(account=account)
    assert (move.status, move.target_id) == (MoveStatus.DONE, new.pk)


def test_a_move_from_a_date_to_come_is_planned_shown_and_done_on_that_date(
    client, commissioner, hub_staff, family, account, paid_to_today, new_hub, today
):
    on = today + dt.timedelta(days=30)
    sign_in(client, commissioner)
    response = _move_page(client, account, to="organisation", on_date=on.isoformat(), provider=new_hub.pk)
    assert response.status_code == 302 and response["Location"] == f"/isf/{account.pk}/move/"
    move = ScheduledMove.objects.get(account=account, status=MoveStatus.SCHEDULED)
    # Nothing moved yet; the hub's arrangement now ends the day before, so no payment runs past it.
    assert (
        balance_of(account) == paid_to_today
        and HeldAccount.objects.filter(person=account.person).count() == 1
    )
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date == on - dt.timedelta(days=1)
    when = f"{on:%-d %B %Y}"
    page = client.get(f"/isf/{account.pk}/move/").content.decode()
    assert "A change is planned" in page and f"From {when}, Purbeck Circles of Support manages Alys" in page
    assert "Cancel this change" in page
    assert f"Change planned from {on:%-d %b %Y}" in client.get("/isf/council/").content.decode()
    # Asking again while one is planned is refused.
    with pytest.raises(services.LedgerError, match="already planned"):
        managed.request_move(account=account, to="self_managed", on_date=on, actor=commissioner)
    # The organisation and the family see it too.
    sign_in(client, hub_staff)
    assert "A change is planned" in client.get(f"/isf/{account.pk}/").content.decode()
    sign_in(client, family)
    family_page = client.get("/isf/managed/").content.decode()
    assert f"From {when}, Purbeck Circles of Support manages your direct payment" in family_page

    # The day before: the daily job moves nothing.
    services.post_all_due_payments(today=on - dt.timedelta(days=1))
    assert ScheduledMove.objects.get(pk=move.pk).status == MoveStatus.SCHEDULED
    left = balance_of(account)
    # On the day: the balance follows, in one transaction, dated that day.
    services.post_all_due_payments(today=on)
    move.refresh_from_db()
    new = HeldAccount.objects.get(pk=move.target_id)
    assert move.status == MoveStatus.DONE and new.provider == new_hub and new.kind == HeldKind.MANAGED_DP
    moved_in = new.entries.get(category=Category.TRANSFER)
    assert (moved_in.entry_date, moved_in.amount) == (on, left)
    assert moved_in.transfer_pair.fund_id == account.pk and balance_of(account) == 0
    assert HeldAccount.objects.get(pk=account.pk).closed_on == on - dt.timedelta(days=1)
    assert new.arrangement.start_date == on and new.arrangement.management_cost_percent == D("6.00")
    # Run again: nothing more.
    entries = new.entries.count()
    services.post_all_due_payments(today=on)
    assert new.entries.count() == entries


def test_a_planned_move_can_be_cancelled_and_the_payments_go_on(
    client, commissioner, account, paid_to_today, robot, today
):
    on = today + dt.timedelta(days=30)
    sign_in(client, commissioner)
    _move_page(client, account, to="self_managed", on_date=on.isoformat())
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date == on - dt.timedelta(days=1)
    response = client.post(f"/isf/{account.pk}/move/cancel/", follow=True)
    assert "Cancelled: the direct payment stays where it is." in response.content.decode()
    assert ScheduledMove.objects.get(account=account).status == MoveStatus.CANCELLED
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date is None
    services.post_all_due_payments(today=on + dt.timedelta(days=1))
    account.refresh_from_db()
    assert account.closed_on is None and balance_of(account) > paid_to_today  # paid on, not moved
    assert not account.entries.filter(category=Category.PAID_TO_PERSON).exists()
    # The form is back.
    assert "Move the direct payment" in client.get(f"/isf/{account.pk}/move/").content.decode()


def test_changing_into_an_isf_with_no_agreement_offers_one_and_moves_when_the_provider_accepts(
    client, commissioner, provider_a, account, paid_to_today, isf_provider, today
):
    """No dead end: the commissioner names the provider the person chose; the choice is recorded and
    the agreement offered; the provider accepts it on its agreement page; the money moves."""
    sign_in(client, commissioner)
    form = client.get(f"/isf/{account.pk}/move/").content.decode()
    assert "Harbour Lights Support" in form and "Or the provider the person chose" in form
    refused = _move_page(client, account, to="isf", on_date=today.isoformat(), isf_provider=isf_provider.pk)
    assert "Say who chose the provider" in refused.content.decode()
    response = _move_page(
        client,
        account,
        to="isf",
        on_date=today.isoformat(),
        isf_provider=isf_provider.pk,
        chosen_by="Alys, with her daughter",
        made="meeting",
        outcomes="Get out to the lunch club twice a week",
    )
    assert response.status_code == 302, re.findall(
        r"error-message[^>]*>(.*?)</p", response.content.decode(), re.S
    )
    choice = ProviderChoice.objects.get(person=account.person, provider=isf_provider)
    assert (choice.status, choice.chosen_by) == (ChoiceStatus.REQUESTED, "Alys, with her daughter")
    agreement = FlexibleAgreement.objects.get(person=account.person, provider=isf_provider)
    assert agreement.status == AgreementStatus.OFFERED and agreement.start_date == today
    assert agreement.annual_budget == D("10400.00") and agreement.management_fee_percent == D("5.00")
    assert agreement.outcomes == "Get out to the lunch club twice a week"
    page = client.get(f"/isf/{account.pk}/move/").content.decode()
    assert "has not accepted the agreement yet: the money moves when they do" in page
    assert f'href="/providers/agreements/{agreement.pk}/"' in page
    assert balance_of(account) == paid_to_today  # waiting

    # The provider accepts on its agreement page: the money moves at once (the date has come).
    sign_in(client, provider_a)
    offer = client.get(f"/providers/agreements/{agreement.pk}/").content.decode()
    assert "follows the person's managed direct payment with Wareham Community Hub" in offer
    assert "once Harbour Lights Support accepts this agreement" in offer
    assert client.post(f"/providers/agreements/{agreement.pk}/accept/").status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE and choice.__class__.objects.get(
        pk=choice.pk
    ).status == (ChoiceStatus.ACCEPTED)
    move = ScheduledMove.objects.get(account=account)
    fund = HeldAccount.objects.get(agreement=agreement)
    assert move.status == MoveStatus.DONE and move.target_id == fund.pk and fund.kind == HeldKind.ISF
    assert fund.entries.get(category=Category.TRANSFER).amount == paid_to_today
    assert balance_of(account) == 0
    # Each side of the move reads the right way round.
    sign_in(client, provider_a)
    assert "Moved here with you from the last organisation" in client.get(f"/isf/{fund.pk}/").content.decode()
    assert fund.entries.get(category=Category.TRANSFER).transfer_pair.kind_label == (
        "Moved with you to another organisation"
    )
    # The ISF arrangement was made on the day, with its own reference, which the fund takes.
    isf = agreement.arrangement
    assert (isf.management_type, isf.provider, isf.start_date) == (ManagementType.ISF, isf_provider, today)
    assert isf.budget_ref and fund.budget_ref == isf.budget_ref
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date == today - dt.timedelta(days=1)


def test_an_isf_change_from_a_date_to_come_waits_for_the_date_and_cancelling_withdraws_the_offer(
    commissioner, provider_a, account, paid_to_today, isf_provider, today
):
    from providers import services as provider_services

    on = today + dt.timedelta(days=14)
    move = managed.request_move(
        account=account,
        to="isf",
        on_date=on,
        actor=commissioner,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Lunch",
    )
    assert move.status == MoveStatus.SCHEDULED and move.made_agreement
    # Cancelled before the provider answers: the offer is withdrawn and the end date put back.
    managed.cancel_move(move=move, actor=commissioner)
    assert FlexibleAgreement.objects.get(pk=move.agreement_id).status == AgreementStatus.WITHDRAWN
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date is None

    # Asked again (the choice is reused); accepted before the date: the move waits for the date.
    move = managed.request_move(
        account=account, to="isf", on_date=on, actor=commissioner, isf_provider=isf_provider, outcomes="Lunch"
    )
    provider_services.accept_agreement(agreement=move.agreement, actor=provider_a)
    move.refresh_from_db()
    assert move.status == MoveStatus.SCHEDULED
    with pytest.raises(services.LedgerError, match="has accepted the agreement"):
        managed.cancel_move(move=move, actor=commissioner)
    services.post_all_due_payments(today=on)
    move.refresh_from_db()
    fund = HeldAccount.objects.get(pk=move.target_id)
    assert move.status == MoveStatus.DONE and fund.agreement_id == move.agreement_id
    transfer = fund.entries.get(category=Category.TRANSFER)
    assert transfer.entry_date == on and balance_of(account) == 0


def test_an_existing_agreement_still_works_and_a_bad_date_is_refused(
    commissioner, account, paid_to_today, provider_org, today
):
    from tests.ledger.factories import isf_agreement

    with pytest.raises(services.LedgerError, match="after the direct payment started"):
        managed.request_move(account=account, to="self_managed", on_date=START, actor=commissioner)
    agreement = isf_agreement(person=account.person, provider=provider_org, start=today)
    move = managed.request_move(
        account=account, to="isf", on_date=today, actor=commissioner, agreement=agreement
    )
    assert move.status == MoveStatus.DONE and move.target.agreement == agreement
    assert not ScheduledMove.objects.filter(status=MoveStatus.SCHEDULED).exists()


def test_a_managed_move_is_refused_for_a_day_to_come_a_place_unknown_or_no_agreement_and_nothing_moves(
    account, robot, commissioner, today
):
    day = START + dt.timedelta(weeks=5)
    for kwargs, message, field in (
        (
            {"to": managed.MOVE_TO_SELF_MANAGED, "on_date": today + dt.timedelta(days=1)},
            "Record the change on or after the day it happens.",
            "on_date",
        ),
        ({"to": "somewhere", "on_date": day}, "Choose where the direct payment goes.", "to"),
        (
            {"to": managed.MOVE_TO_ISF, "on_date": day},
            "Choose the person's agreement with the provider that will hold the money from that date.",
            "agreement",
        ),
    ):
        with pytest.raises(services.LedgerError, match=f"^{re.escape(message)}$") as refused:
            managed.move_managed_account(account=account, actor=commissioner, today=today, **kwargs)
        assert refused.value.field == field
    account.refresh_from_db()
    assert account.closed_on is None and account.arrangement.end_date is None


def test_taking_over_a_managed_direct_payment_is_recorded_with_who_and_why(
    account, robot, commissioner, today
):
    from organisations.audit import history_for

    day = START + dt.timedelta(weeks=5)
    managed.move_managed_account(
        account=account, to=managed.MOVE_TO_SELF_MANAGED, on_date=day, actor=commissioner, today=today
    )
    closed = [
        log for log in history_for(account) if log.additional_data["event"] == "managed direct payment closed"
    ]
    assert [(log.actor, log.additional_data["note"]) for log in closed] == [
        (commissioner, "changed into a self-managed direct payment")
    ]
    ended = [
        log
        for log in history_for(account.arrangement)
        if log.additional_data["event"] == "arrangement ended by a move"
    ]
    assert [(log.actor, log.additional_data["note"]) for log in ended] == [
        (commissioner, "changed into a self-managed direct payment")
    ]
    paid = account.entries.get(category=Category.PAID_TO_PERSON)
    assert [(log.additional_data["event"], log.actor) for log in history_for(paid)] == [
        ("balance paid to the person", commissioner)
    ]
