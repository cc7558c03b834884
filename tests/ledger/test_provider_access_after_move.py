"""A provider reads a person's fund only while its link with them is live: after the money moved with
the person to another provider, or the agreement ended, until the statement covering the move or the
end (the final statement) is made."""

import datetime as dt

import pytest
from django.test import Client

from providers import services as provider_services
from providers.ledger import services
from providers.ledger.models import Category
from providers.ledger.selectors import fund_visible_to, funds_visible_to
from providers.models import AgreementStatus
from tests.conftest import sign_in
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement

pytestmark = pytest.mark.django_db


def test_the_old_provider_reads_a_moved_fund_until_its_final_statement_then_not_at_all(
    person, family, provider_org, other_provider_org, provider_a, commissioner, robot
):
    old = isf_agreement(person=person, provider=provider_org, start=START)
    fund = services.open_fund(agreement=old, actor=robot)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(days=9)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=START + dt.timedelta(days=10)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    moved = fund.entries.get(category=Category.TRANSFER, amount__lt=0)

    provider = sign_in(Client(), provider_a)
    page = provider.get(f"/isf/{fund.pk}/")
    assert page.status_code == 200 and person.given_name in page.content.decode()
    assert person.given_name in provider.get("/isf/provider/").content.decode()

    # A statement that ends before the move is not the final one.
    services.produce_statement(fund=fund, start=START, end=moved.entry_date - dt.timedelta(days=1))
    assert provider.get(f"/isf/{fund.pk}/").status_code == 200

    services.produce_statement(fund=fund, start=moved.entry_date, end=moved.entry_date)
    assert provider.get(f"/isf/{fund.pk}/").status_code == 404
    assert provider.get(f"/isf/{fund.pk}/statement/").status_code == 404
    assert person.given_name not in provider.get("/isf/provider/").content.decode()
    # The council and the family still read it.
    assert sign_in(Client(), commissioner).get(f"/isf/{fund.pk}/").status_code == 200
    assert sign_in(Client(), family).get(f"/isf/{fund.pk}/").status_code == 200


def test_the_provider_reads_an_ended_agreements_fund_until_the_statement_covering_its_end(
    person, family, provider_org, provider_a, commissioner, robot
):
    agreement = isf_agreement(person=person, provider=provider_org, start=START)
    fund = services.open_fund(agreement=agreement, actor=robot)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    agreement.status, agreement.end_date = AgreementStatus.ENDED, START + dt.timedelta(days=20)
    agreement.save()
    provider = sign_in(Client(), provider_a)
    shown = f"<title>Ledger for {person.given_name}"
    assert shown in provider.get(f"/isf/{fund.pk}/").content.decode()
    services.produce_statement(fund=fund, start=START, end=agreement.end_date - dt.timedelta(days=1))
    assert shown in provider.get(f"/isf/{fund.pk}/").content.decode()
    services.produce_statement(fund=fund, start=agreement.end_date, end=agreement.end_date)
    assert provider.get(f"/isf/{fund.pk}/").status_code == 404
    assert person.given_name not in provider.get("/isf/provider/").content.decode()
    assert sign_in(Client(), commissioner).get(f"/isf/{fund.pk}/").status_code == 200
    assert sign_in(Client(), family).get(f"/isf/{fund.pk}/").status_code == 200


def _agree(fund, users) -> dict:
    """Who reads `fund`, by the page's one-account rule (fund_visible_to) and by the lists' rule
    (funds_visible_to), which must give the same answer for every user."""
    one = {u.email: fund_visible_to(user=u, pk=fund.pk) is not None for u in users}
    listed = {u.email: funds_visible_to(user=u).filter(pk=fund.pk).exists() for u in users}
    assert one == listed
    return one


def test_one_account_s_rule_agrees_with_the_lists_rule_through_a_move_an_end_and_a_close(
    person,
    family,
    provider_org,
    other_provider_org,
    provider_a,
    commissioner,
    approver,
    monitoring_officer,
    other_council_commissioner,
    platform_admin,
    robot,
):
    """The ledger page asks about one account by fund_visible_to (issue 14: the whole rule compiled as
    one query was a third of the page); it must answer as funds_visible_to does for every kind of user,
    in every state of the provider's link with the person."""
    users = [
        provider_a,
        commissioner,
        approver,
        monitoring_officer,
        other_council_commissioner,
        platform_admin,
        family,
    ]
    readers = {commissioner.email, approver.email, platform_admin.email, family.email}
    old = isf_agreement(person=person, provider=provider_org, start=START)
    fund = services.open_fund(agreement=old, actor=robot)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    assert {e for e, sees in _agree(fund, users).items() if sees} == readers | {provider_a.email}
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(days=9)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=START + dt.timedelta(days=10)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    moved = fund.entries.get(category=Category.TRANSFER, amount__lt=0)
    assert _agree(fund, users)[provider_a.email]
    services.produce_statement(fund=fund, start=START, end=moved.entry_date - dt.timedelta(days=1))
    assert _agree(fund, users)[provider_a.email]
    services.produce_statement(fund=fund, start=moved.entry_date, end=moved.entry_date)
    assert {e for e, sees in _agree(fund, users).items() if sees} == readers

    # An agreement that ended (no move), then an account closed on a day: the statement covering each.
    ended = isf_agreement(
        person=person, provider=provider_org, start=START + dt.timedelta(days=40), budget_ref="ISF-SECOND"
    )
    second = services.open_fund(agreement=ended, actor=robot)
    ended.status, ended.end_date = AgreementStatus.ENDED, START + dt.timedelta(days=60)
    ended.save()
    assert _agree(second, users)[provider_a.email]
    services.produce_statement(fund=second, start=ended.end_date, end=ended.end_date)
    assert not _agree(second, users)[provider_a.email]
    ended.status = AgreementStatus.ACTIVE
    ended.save()
    second.closed_on = START + dt.timedelta(days=70)
    second.save(update_fields=["closed_on"])
    assert _agree(second, users)[provider_a.email]
    services.produce_statement(fund=second, start=second.closed_on, end=second.closed_on)
    assert not _agree(second, users)[provider_a.email]
    assert fund_visible_to(user=provider_a, pk=second.pk + 1000) is None
