"""A provider sees a person only while the link is live: a request it accepted, or an agreement
offered to it or in force. Declined requests, ended agreements and proposals give no access to the
person or their plan. Checked through the pages provider staff open."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from budgets import services as budget_services
from budgets.models import SupportPlan
from providers import services
from providers.models import AgreementStatus
from tests.conftest import sign_in
from tests.providers.factories import agreed

pytestmark = pytest.mark.django_db

PLAN = {
    "what_matters": "My garden",
    "outcomes": "Grow vegetables",
    "how_money_used": "Support at the allotment",
    "who_helps": "My brother",
    "risks": "Falls: a stick",
}


def _plan_status(user, person) -> int:
    return sign_in(Client(), user).get(f"/people/{person.pk}/plan/").status_code


def _plan_post(user, person) -> int:
    return sign_in(Client(), user).post(f"/people/{person.pk}/plan/", PLAN).status_code


def test_a_declined_request_gives_no_access_to_the_person_or_their_plan(
    person, family, profile_a, provider_a
):
    budget_services.support_plan_save(person=person, actor=family, **PLAN)
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="Hello", actor=family)
    assert _plan_status(provider_a, person) == 404
    services.decline_choice(choice=choice, reason="We are full", actor=provider_a)
    assert _plan_status(provider_a, person) == 404
    assert _plan_post(provider_a, person) == 404
    requests = sign_in(Client(), provider_a).get("/providers/organisation/requests/")
    assert person.given_name not in requests.content.decode()


def test_an_accepted_request_opens_the_plan_and_an_ended_agreement_closes_it(
    person, family, profile_a, provider_a
):
    today = dt.date.today()
    agreement = agreed(person, profile_a.provider, start=today - dt.timedelta(days=90))
    assert _plan_status(provider_a, person) == 200
    services.give_notice(
        agreement=agreement,
        notice_from="person",
        actor=family,
        end_date=today + dt.timedelta(days=28),
        today=today,
    )
    assert _plan_status(provider_a, person) == 200  # under notice: still live
    services.end_agreement(agreement=agreement, actor=family, today=today + dt.timedelta(days=29))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    # The arrangement ended on the agreement's last day, in the past from the next day on.
    arrangement = agreement.arrangement
    arrangement.end_date = today - dt.timedelta(days=1)
    arrangement.save(update_fields=["end_date"])
    agreement.end_date = today - dt.timedelta(days=1)
    agreement.save(update_fields=["end_date"])
    assert _plan_status(provider_a, person) == 404
    assert _plan_post(provider_a, person) == 404
    assert sign_in(Client(), provider_a).get(f"/providers/agreements/{agreement.pk}/").status_code == 404


def test_a_proposal_naming_the_provider_gives_no_access(person, commissioner, profile_a, provider_a):
    budget_services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[budget_services.ArrangementInput("isf", Decimal("5000.00"), profile_a.provider)],
        actor=commissioner,
    )
    assert _plan_status(provider_a, person) == 404
    assert _plan_post(provider_a, person) == 404


def test_the_family_page_says_who_wrote_the_text_shown(person, family, commissioner, provider_a, profile_a):
    budget_services.support_plan_save(person=person, actor=family, **PLAN)
    budget_services.support_plan_save(
        person=person, actor=commissioner, **{**PLAN, "outcomes": "Grow vegetables and sell them"}
    )
    plan = SupportPlan.objects.get()
    assert plan.drafted_by == family and plan.changed_by == commissioner
    page = sign_in(Client(), family).get(f"/people/{person.pk}/plan/").content.decode()
    assert f"Drafted by {family.display_name}" not in page
    assert f"Started by {family.display_name}, last changed by {commissioner.display_name}" in page
