"""Every arrangement has its own reference, a move's too (issue 12): a person's ISF proposed with no
reference typed gets the next in the council's pattern; when they move to a new provider the new
arrangement gets the next one, the new fund carries it, and the provider's spending file (keyed by
reference) reaches the new fund. The old reference stays with the old provider's closed fund."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets import services as budget_services
from budgets.models import ManagementType
from organisations.models import Role
from providers import services as provider_services
from providers.ledger import services
from providers.ledger.imports import import_isf_entries
from providers.ledger.models import IndividualServiceFund
from providers.ledger.selectors import balance_of
from providers.models import NoticeFrom
from tests.conftest import sign_in
from tests.factories import staff
from tests.providers.factories import TERMS, accepted_choice

pytestmark = pytest.mark.django_db

# The move is still to come (so the daily jobs can run before it on its day, as they may in life).
NOTICE_ON = timezone.localdate()
START = NOTICE_ON - dt.timedelta(weeks=8)


def _isf_through_the_services(person, provider, commissioner, approver, robot):
    budget = budget_services.budget_propose(
        person=person,
        start_date=START,
        arrangements=[budget_services.ArrangementInput(ManagementType.ISF, Decimal("13000.00"), provider)],
        actor=commissioner,
    )
    budget_services.budget_approve(budget=budget, actor=approver)
    arrangement = budget.arrangements.get()
    agreement = provider_services.set_up_agreement(
        choice=accepted_choice(person, provider),
        arrangement=arrangement,
        actor=commissioner,
        terms={**TERMS, "start_date": START},
    )
    return provider_services.accept_agreement(agreement=agreement, actor=robot)


def _move(person, family, old, new_provider, commissioner, robot):
    provider_services.give_notice(agreement=old, notice_from=NoticeFrom.PERSON, actor=family, today=NOTICE_ON)
    new = provider_services.set_up_agreement(
        choice=accepted_choice(person, new_provider), terms={**TERMS, "outcomes": "Swim."}, actor=commissioner
    )
    return provider_services.accept_agreement(agreement=new, actor=robot)


def _csv(*rows: str) -> bytes:
    return ("budget_ref,entry_date,category,amount,description,entry_ref\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("fund_opened_before_the_move", [False, True])
def test_a_moved_isf_has_its_own_reference_and_the_spending_file_reaches_the_new_fund(
    person,
    family,
    provider_org,
    other_provider_org,
    commissioner,
    approver,
    robot,
    fund_opened_before_the_move,
):
    old = _isf_through_the_services(person, provider_org, commissioner, approver, robot)
    first_ref = old.arrangement.budget_ref
    assert re.fullmatch(r".+-PB-\d{5}", first_ref)  # none typed: generated in the council's pattern
    services.post_all_due_payments(today=START, actor=robot)
    old_fund = IndividualServiceFund.objects.get(agreement=old)
    assert old_fund.budget_ref == first_ref

    new = _move(person, family, old, other_provider_org, commissioner, robot)
    move_day = new.start_date
    assert move_day == NOTICE_ON + dt.timedelta(days=29)  # 28 days' notice, then the new provider
    if fund_opened_before_the_move:
        # The daily payments job ran before the move on its day: the new fund opens with no reference yet.
        services.post_all_due_payments(today=move_day, actor=robot)
        assert IndividualServiceFund.objects.get(agreement=new).budget_ref == ""
    provider_services.complete_due_changes(today=move_day, actor=robot)
    new.refresh_from_db()
    old_fund.refresh_from_db()
    new_fund = IndividualServiceFund.objects.get(agreement=new)

    # Its own reference, the next number in the council's pattern; the old fund keeps the old one.
    prefix, number = re.fullmatch(r"(.+-PB-)(\d{5})", first_ref).groups()
    second_ref = f"{prefix}{int(number) + 1:05d}"
    assert new.arrangement.budget_ref == second_ref
    assert new_fund.budget_ref == second_ref and old_fund.budget_ref == first_ref
    assert balance_of(new_fund) > 0 and balance_of(old_fund) == 0

    # The new provider's file, keyed by the new reference, lands in the new fund.
    after = move_day + dt.timedelta(days=3)
    result = import_isf_entries(
        data=_csv(f"{second_ref},{after},support,40.00,Swimming with Sam,NEW-1"),
        provider=other_provider_org,
        actor=robot,
        today=after,
    )
    assert result.ok, result.errors
    assert new_fund.entries.filter(idempotency_key="NEW-1", amount=Decimal("-40.00")).exists()
    # The old reference is not the new provider's...
    result = import_isf_entries(
        data=_csv(f"{first_ref},{after},support,40.00,Swimming with Sam,NEW-2"),
        provider=other_provider_org,
        actor=robot,
        today=after,
    )
    not_held = f"'{first_ref}' is not an Individual Service Fund held by {other_provider_org.name}"
    assert result.errors == [f"line 2: budget_ref: {not_held}"]
    # ...and the old provider's fund under it is closed: the money moved with the person.
    result = import_isf_entries(
        data=_csv(f"{first_ref},{START + dt.timedelta(days=7)},support,10.00,Late bill,OLD-1"),
        provider=provider_org,
        actor=robot,
        today=after,
    )
    assert len(result.errors) == 1 and "moved with the person" in result.errors[0]
    assert not old_fund.entries.filter(idempotency_key="OLD-1").exists()


def test_the_new_reference_is_on_the_pages_and_statement_the_provider_and_council_use(
    client, person, family, provider_org, other_provider_org, commissioner, approver, robot
):
    old = _isf_through_the_services(person, provider_org, commissioner, approver, robot)
    first_ref = old.arrangement.budget_ref
    services.post_all_due_payments(today=START, actor=robot)
    new = _move(person, family, old, other_provider_org, commissioner, robot)
    manager_b = staff(Role.PROVIDER_MANAGER, provider=other_provider_org, email="manager@b.example.org")
    sign_in(client, manager_b)
    # Before the move: the provider is told when the reference comes.
    page = client.get(reverse("providers:agreement-detail", args=[new.pk])).content.decode()
    assert f"Given on {new.start_date:%-d %B %Y}, when the move happens" in page
    listing = client.get(reverse("providers:agreements")).content.decode()
    assert f'<td class="govuk-table__cell">Given on {new.start_date:%-d %b %Y}</td>' in listing
    provider_services.complete_due_changes(today=new.start_date, actor=robot)
    new.refresh_from_db()
    second_ref = new.arrangement.budget_ref
    assert second_ref and second_ref != first_ref
    new_fund = IndividualServiceFund.objects.get(agreement=new)

    page = client.get(reverse("providers:agreement-detail", args=[new.pk])).content.decode()
    assert f"{second_ref}<div" in page and first_ref not in page
    # The provider's list of agreements shows each one's reference too.
    listing = client.get(reverse("providers:agreements")).content.decode()
    assert f'<td class="govuk-table__cell">{second_ref}</td>' in listing and first_ref not in listing
    for url in (reverse("ledger:provider-ledgers"), reverse("ledger:ledger", args=[new_fund.pk])):
        assert second_ref in client.get(url).content.decode(), url
    statement = client.get(reverse("ledger:statement", args=[new_fund.pk]))
    assert f"(reference {second_ref})" in statement.content.decode()

    # The council sees both funds, each with its own reference, and both parts on the budget page.
    sign_in(client, commissioner)
    listing = client.get(reverse("providers:agreements")).content.decode()
    assert f'<td class="govuk-table__cell">{second_ref}</td>' in listing
    page = client.get(reverse("ledger:commissioner-isfs")).content.decode()
    # Each fund's reference sits under the person's name in the "Person and budget reference" column.
    for ref in (first_ref, second_ref):
        assert f'margin-bottom-0">{ref}</span></td>' in page, ref
    page = client.get(reverse("budgets:budget", args=[new.arrangement.budget_id])).content.decode()
    assert f"({first_ref})" in page and f"({second_ref})" in page
