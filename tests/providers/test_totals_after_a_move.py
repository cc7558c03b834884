"""A family, their commissioner and the API are told the budget the person has on the day shown, also
after a move to a new provider, when the budget holds the old ISF part (ended) and the new one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.models import ManagementType
from organisations.services import system_actor
from providers import services
from providers.models import NoticeFrom
from tests.budgets.factories import approved_budget
from tests.conftest import sign_in
from tests.providers.factories import TERMS, accepted_choice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _budget_with_isf_and_direct_payment(person, provider):
    budget = approved_budget(
        person,
        start=dt.date(2026, 4, 1),
        parts=((ManagementType.ISF, "9975.00", provider), (ManagementType.DIRECT_PAYMENT, "1500.00", None)),
    )
    arrangement = budget.arrangements.get(management_type=ManagementType.ISF)
    choice = accepted_choice(person, provider)
    agreement = services.set_up_agreement(
        choice=choice,
        arrangement=arrangement,
        actor=system_actor(),
        terms={**TERMS, "start_date": dt.date(2026, 4, 1)},
    )
    return budget, services.accept_agreement(agreement=agreement, actor=system_actor())


def _move(person, family, old, new_provider, *, notice_on):
    """The person gives notice on `notice_on`; the new provider accepts the agreement that replaces it."""
    services.give_notice(agreement=old, notice_from=NoticeFrom.PERSON, actor=family, today=notice_on)
    choice = accepted_choice(person, new_provider)
    new = services.set_up_agreement(choice=choice, terms={"outcomes": "Swim."}, actor=system_actor())
    return services.accept_agreement(agreement=new, actor=system_actor())


def _pages_say(client, user, person, budget) -> tuple[str, str, dict]:
    sign_in(client, user)
    family_page = client.get(reverse("budgets:your-budget-person", kwargs={"pk": person.pk})).content.decode()
    person_page = client.get(reverse("budgets:person", kwargs={"pk": person.pk})).content.decode()
    api = client.get(reverse("api-budget", kwargs={"pk": budget.pk})).json()
    return family_page, person_page, api


def test_after_a_completed_move_the_family_commissioner_and_api_show_the_budget_once(
    client, person, family, commissioner, profile_a, profile_b
):
    budget, old = _budget_with_isf_and_direct_payment(person, profile_a.provider)
    # Notice given two months ago: the old agreement has ended and the move is done by now.
    new = _move(person, family, old, profile_b.provider, notice_on=TODAY - dt.timedelta(days=60))
    new.refresh_from_db()
    assert new.move_completed_at is not None and new.start_date < TODAY
    assert budget.arrangements.count() == 3  # old ISF (ended), direct payment, new ISF

    family_page, _, _ = _pages_say(client, family, person, budget)
    assert 'Your budget is <strong class="app-money">£11,475.00</strong> a year.' in family_page
    assert "£21,450.00" not in family_page
    assert profile_b.provider.name in family_page
    _, person_page, api = _pages_say(client, commissioner, person, budget)
    assert 'Current budget: <strong class="app-money">£11,475.00</strong> a year' in person_page
    assert "£21,450.00" not in person_page
    assert api["annual_total"] == "11475.00" and api["annual_total_on"] == TODAY.isoformat()


def test_while_a_move_waits_the_total_is_todays_and_the_new_part_is_news(
    client, person, family, commissioner, profile_a, profile_b
):
    budget, old = _budget_with_isf_and_direct_payment(person, profile_a.provider)
    new = _move(person, family, old, profile_b.provider, notice_on=TODAY)
    # The move is done ahead of its day by the daily job's own service, as on the day itself.
    services.complete_due_changes(today=new.start_date)
    new.refresh_from_db()
    assert new.start_date > TODAY and new.arrangement is not None

    family_page, person_page, api = _pages_say(client, family, person, budget)
    assert 'Your budget is <strong class="app-money">£11,475.00</strong> a year.' in family_page
    assert (
        f"From {new.start_date:%-d %B %Y}: A support organisation you choose holds the money" in family_page
    )
    assert api["annual_total"] == "11475.00"
    budget.refresh_from_db()
    assert budget.total_on(new.start_date) == Decimal("11475.00")
    assert budget.total_on(new.start_date - dt.timedelta(days=1)) == Decimal("11475.00")
    assert budget.highest_total == Decimal("11475.00")
