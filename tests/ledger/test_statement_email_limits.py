"""Rate limits on statement emails: per family address, and per client asking for statements."""

import datetime as dt

import pytest
from django.core import mail

from providers.ledger.models import Statement
from tests.conftest import sign_in
from tests.ledger.conftest import START

pytestmark = pytest.mark.django_db


def _ask(client, fund, n):
    start = START + dt.timedelta(days=n)
    body = {"start": f"{start:%Y-%m-%d}", "end": f"{start + dt.timedelta(days=6):%Y-%m-%d}"}
    return client.post(f"/api/isf/{fund.pk}/statements/", body, content_type="application/json")


def _statement_emails():
    return [m for m in mail.outbox if m.subject == "Your statement is ready"]


def test_a_family_gets_at_most_five_statement_emails_a_day(
    client, fund, provider_a, family, django_capture_on_commit_callbacks
):
    sign_in(client, provider_a)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            assert _ask(client, fund, n).status_code == 201
    # Seven statements are made and each is on the family's page, but only five emails go out.
    assert Statement.objects.filter(fund=fund).count() == 7
    assert family.isf_notices.count() == 7
    assert len(_statement_emails()) == 5
    assert all(m.to == [family.email] for m in _statement_emails())


def test_one_client_asking_for_statements_again_and_again_is_stopped(client, fund, provider_a, settings):
    settings.EMAIL_RATE_LIMITS = {**settings.EMAIL_RATE_LIMITS, "statement-request-per-client": (3, 3600)}
    sign_in(client, provider_a)
    for n in range(3):
        assert _ask(client, fund, n).status_code == 201
    response = _ask(client, fund, 3)
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many statement requests. Try again later.")
    assert int(response["Retry-After"]) > 0
    assert Statement.objects.filter(fund=fund).count() == 3


def test_the_person_and_each_representative_are_told_once_each_and_limited_each(
    fund, person, family, robot, settings, django_capture_on_commit_callbacks
):
    """The person (with their own sign-in) and their mother are each told, once, even when someone is
    both; each address has its own daily limit."""
    from budgets.models import Representative
    from providers.ledger import services
    from providers.ledger.models import HeldAccount
    from tests.factories import UserFactory

    settings.EMAIL_RATE_LIMITS = {**settings.EMAIL_RATE_LIMITS, "statement-email-per-address": (3, 3600)}
    own = UserFactory(email="alys@test.example.org")
    person.user = own
    person.save(update_fields=["user"])
    fund = HeldAccount.objects.get(pk=fund.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.produce_statement(fund=fund, start=START, end=START, actor=robot)
    Representative.objects.create(person=person, user=own, relationship="self")
    with django_capture_on_commit_callbacks(execute=True):
        services.produce_statement(fund=fund, start=START, end=START + dt.timedelta(days=1), actor=robot)
    both = ["alys@test.example.org", "family@test.example.org"]
    assert [sorted(m.to) for m in _statement_emails()] == [both, both]
    assert own.isf_notices.count() == 2 and family.isf_notices.count() == 2
