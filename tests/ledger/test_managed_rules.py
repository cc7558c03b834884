"""The rules of managed direct payments (providers/ledger/managed.py), one by one, through the services
the daily job, the commissioner's move page and the provider's acceptance call: which arrangements get
an account and when, what a move refuses (the exact words the commissioner reads), where the money goes
to the penny, the management cost the new organisation takes, and the audit trail of who did what.
Dates are fixed (today is passed in), so each boundary is checked on its day."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from budgets.models import Arrangement, BudgetStatus, ManagementType, SupportPlan
from organisations.audit import history_for
from providers.ledger import managed, services
from providers.ledger.models import Category, HeldAccount, HeldKind, KeySource, MoveStatus, ScheduledMove
from providers.ledger.selectors import balance_of
from providers.models import AgreementStatus, ChoiceStatus, ProviderChoice, ProviderProfile
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import ProviderFactory
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement

D = Decimal
# Seven weeks after the start: two payments of £864.00 (less £64.00 cost each) are in, on 6 April and 4 May.
TODAY = START + dt.timedelta(weeks=7)


@pytest.fixture
def hub(db):
    return ProviderFactory(provider_ref="PRV-HUB", name="Wareham Community Hub")


def _managed_arrangement(person, hub, *, start=START, budget_ref="DOR-MDP-1", percent="8.00"):
    budget = approved_budget(
        person, start=start, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", hub),)
    )
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent = D(percent) if percent is not None else None
    arrangement.budget_ref = budget_ref
    arrangement.save()
    return arrangement


@pytest.fixture
def arrangement(person, hub):
    return _managed_arrangement(person, hub)


@pytest.fixture
def account(arrangement, robot):
    return managed.open_managed_account(arrangement=arrangement, actor=robot)


def _profile(provider, council, **fields):
    ProviderProfile.objects.filter(provider=provider).delete()
    profile = ProviderProfile.objects.create(provider=provider, **fields)
    profile.council_areas.add(council)
    return profile


def _events(instance):
    return [log.additional_data["event"] for log in history_for(instance)]


def _log(instance, event):
    (log,) = [log for log in history_for(instance) if log.additional_data["event"] == event]
    return log


def _refused(message, field="", **kwargs):
    """The LedgerError raised, checked for its exact words and the field it names."""
    call = kwargs.pop("call")
    with pytest.raises(services.LedgerError) as refused:
        call(**kwargs)
    assert str(refused.value) == message
    assert refused.value.field == field
    return refused.value


# ---- opening accounts ----------------------------------------------------------------------------------


def test_only_a_direct_payment_an_organisation_manages_has_an_account(person, hub, provider_org, robot):
    message = "Only a direct payment managed by an organisation has an account here."
    isf = approved_budget(person, start=START, parts=((ManagementType.ISF, "1000.00", provider_org),))
    _refused(message, call=managed.open_managed_account, arrangement=isf.arrangements.get(), actor=robot)
    assert not HeldAccount.objects.exists()


def test_the_account_is_the_persons_with_the_organisation_from_the_start_and_its_opening_is_recorded_once(
    arrangement, person, hub, council, robot, commissioner
):
    account = managed.open_managed_account(arrangement=arrangement, actor=commissioner)
    assert (account.kind, account.person, account.provider, account.council) == (
        HeldKind.MANAGED_DP,
        person,
        hub,
        council,
    )
    assert (account.budget_ref, account.opened_on, account.arrangement) == ("DOR-MDP-1", START, arrangement)
    assert managed.open_managed_account(arrangement=arrangement, actor=robot) == account
    assert HeldAccount.objects.count() == 1
    (log,) = history_for(account)
    assert log.actor == commissioner and log.action == LogEntry.Action.CREATE
    assert log.additional_data["event"] == "managed direct payment account opened"
    assert log.changes_dict == {"arrangement": ["", str(arrangement.pk)], "budget_ref": ["", "DOR-MDP-1"]}


def test_an_arrangement_with_no_reference_takes_the_one_given(person, hub, robot):
    arrangement = _managed_arrangement(person, hub, budget_ref="")
    account = managed.open_managed_account(arrangement=arrangement, actor=robot, budget_ref="DOR-OLD-7")
    assert account.budget_ref == "DOR-OLD-7"


# ---- the daily job -------------------------------------------------------------------------------------


def test_the_daily_job_pays_only_arrangements_in_force_that_day(person, hub, council, provider_org, robot):
    def person_with(**changes):
        arrangement = _managed_arrangement(PersonFactory(council=council), hub, budget_ref="")
        for name, value in changes.items():
            setattr(arrangement, name, value)
        arrangement.save()
        return arrangement

    day = START + dt.timedelta(days=10)
    ends_today = person_with(end_date=day)
    starts_today = person_with(start_date=day)
    ended_yesterday = person_with(end_date=day - dt.timedelta(days=1))
    starts_tomorrow = person_with(start_date=day + dt.timedelta(days=1))
    not_approved = person_with()
    not_approved.budget.status = BudgetStatus.DRAFT
    not_approved.budget.save()
    approved_budget(person, start=START, parts=((ManagementType.ISF, "1000.00", provider_org),))

    done = managed.post_all_due_managed_payments(today=day)
    assert set(HeldAccount.objects.values_list("arrangement", flat=True)) == {ends_today.pk, starts_today.pk}
    # Each: the payment (£864.00) and the management cost (£64.00) of the period that day falls in.
    assert done == {"funds": 2, "entries": 4, "failed": 0}
    opened = HeldAccount.objects.get(arrangement=starts_today)
    assert list(opened.entries.values_list("entry_date", "amount")) == [
        (day, D("864.00")),
        (day, D("-64.00")),
    ]
    for left_out in (ended_yesterday, starts_tomorrow, not_approved):
        assert not HeldAccount.objects.filter(arrangement=left_out).exists()


def test_the_daily_job_acts_as_the_system_and_pays_up_to_today(arrangement):
    from organisations.services import system_actor

    done = managed.post_all_due_managed_payments(today=START + dt.timedelta(weeks=4))
    account = HeldAccount.objects.get(arrangement=arrangement)
    assert done == {"funds": 1, "entries": 4, "failed": 0}
    assert balance_of(account) == D("1600.00")
    assert [log.actor for log in history_for(account)] == [system_actor()]


# ---- moving: refusals ----------------------------------------------------------------------------------


ALREADY = "This direct payment has already moved or ended."
CHOOSE_AGREEMENT = "Choose the person's agreement with the provider that will hold the money from that date."
STARTED = "The change must be after the direct payment started on 6 April 2026."
DIFFERENT = "Choose a different organisation to manage it."
ONLY_MANAGED = "Only a managed direct payment moves this way; an ISF moves by agreement."


def _someone_elses_agreement(c):
    return isf_agreement(
        person=PersonFactory(council=c.account.council), provider=c.provider_org, start=START
    )


def _offered_agreement(c):
    return isf_agreement(
        person=c.account.person, provider=c.provider_org, start=START, status=AgreementStatus.OFFERED
    )


def _later_agreement(c):
    return isf_agreement(person=c.account.person, provider=c.provider_org, start=DAY + dt.timedelta(days=1))


def _closed(c):
    HeldAccount.objects.filter(pk=c.account.pk).update(closed_on=DAY)
    return {}


DAY = START + dt.timedelta(weeks=5)
# (what is asked, the words, the field): each case builds only what it needs.
MOVE_REFUSALS = {
    "on the start day": (lambda c: {"to": "self_managed", "on_date": START}, STARTED, "on_date"),
    "a day to come": (
        lambda c: {"to": "self_managed", "on_date": TODAY + dt.timedelta(days=1)},
        "Record the change on or after the day it happens.",
        "on_date",
    ),
    "nowhere": (lambda c: {"to": "somewhere"}, "Choose where the direct payment goes.", "to"),
    "no organisation": (lambda c: {"to": "organisation"}, DIFFERENT, "provider"),
    "the same organisation": (lambda c: {"to": "organisation", "provider": c.hub}, DIFFERENT, "provider"),
    "no agreement": (lambda c: {"to": "isf"}, CHOOSE_AGREEMENT, "agreement"),
    "someone else's agreement": (
        lambda c: {"to": "isf", "agreement": _someone_elses_agreement(c)},
        CHOOSE_AGREEMENT,
        "agreement",
    ),
    "an agreement not accepted": (
        lambda c: {"to": "isf", "agreement": _offered_agreement(c)},
        CHOOSE_AGREEMENT,
        "agreement",
    ),
    "an agreement from a later date": (
        lambda c: {"to": "isf", "agreement": _later_agreement(c)},
        CHOOSE_AGREEMENT,
        "agreement",
    ),
    "an ISF": (lambda c: {"account": c.fund, "to": "self_managed"}, ONLY_MANAGED, ""),
    "an account already closed": (lambda c: {"to": "self_managed", **_closed(c)}, ALREADY, ""),
}


class _Fixtures:
    """The fixtures a case asks for, made when it asks."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


@pytest.mark.parametrize("case", MOVE_REFUSALS)
def test_a_move_is_refused_with_words_that_say_what_to_do_and_nothing_changes(
    request, account, commissioner, case
):
    build, message, field = MOVE_REFUSALS[case]
    kwargs = {"account": account, "on_date": DAY, **build(_Fixtures(request))}
    _refused(message, field, call=managed.move_managed_account, actor=commissioner, today=TODAY, **kwargs)
    # Nothing changed: not even the payments due up to the day before were kept.
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date is None
    assert not account.entries.exists() and not ScheduledMove.objects.exists()


def test_an_isf_moves_by_agreement_and_an_account_moves_only_once(account, fund, robot):
    _refused(
        "Only a managed direct payment moves this way; an ISF moves by agreement.",
        call=managed.move_managed_account,
        account=fund,
        to=managed.MOVE_TO_SELF_MANAGED,
        on_date=TODAY,
        actor=robot,
        today=TODAY,
    )
    managed.move_managed_account(
        account=account, to=managed.MOVE_TO_SELF_MANAGED, on_date=TODAY, actor=robot, today=TODAY
    )
    _refused(
        "This direct payment has already moved or ended.",
        call=managed.move_managed_account,
        account=account,
        to=managed.MOVE_TO_SELF_MANAGED,
        on_date=TODAY,
        actor=robot,
        today=TODAY,
    )


def test_a_move_on_the_day_after_the_start_and_into_an_agreement_starting_that_day_is_done(
    account, robot, provider_org
):
    day = START + dt.timedelta(days=1)
    agreement = isf_agreement(
        person=account.person, provider=provider_org, start=day, status=AgreementStatus.ENDING
    )
    fund = managed.move_managed_account(
        account=account, to=managed.MOVE_TO_ISF, agreement=agreement, on_date=day, actor=robot, today=day
    )
    assert fund.agreement == agreement and fund.kind == HeldKind.ISF
    # The first payment, less the cost, moved the next day.
    assert list(fund.entries.values_list("category", "entry_date", "amount")) == [
        (Category.TRANSFER, day, D("800.00"))
    ]


# ---- moving: where the money goes ----------------------------------------------------------------------


def test_a_move_posts_what_was_due_to_the_day_before_then_moves_the_rest_on_the_day(
    account, robot, commissioner, other_provider_org, council
):
    _profile(other_provider_org, council, manages_direct_payments=True, management_fee_percent=D("6.00"))
    on = START + dt.timedelta(weeks=8)  # the third payment would be due that day: it is not the hub's
    new = managed.move_managed_account(
        account=account,
        to=managed.MOVE_TO_ORGANISATION,
        provider=other_provider_org,
        on_date=on,
        actor=commissioner,
        today=TODAY + dt.timedelta(weeks=1),
    )
    old = HeldAccount.objects.get(pk=account.pk)
    assert list(
        old.entries.filter(category=Category.COUNCIL_PAYMENT).values_list("entry_date", flat=True)
    ) == [
        START,
        START + dt.timedelta(weeks=4),
    ]
    assert old.closed_on == on - dt.timedelta(days=1) and balance_of(old) == 0
    assert list(new.entries.values_list("category", "entry_date", "amount")) == [
        (Category.TRANSFER, on, D("1600.00"))
    ]
    assert (new.kind, new.provider, new.person, new.budget_ref) == (
        HeldKind.MANAGED_DP,
        other_provider_org,
        account.person,
        "DOR-MDP-1",
    )
    arrangement = new.arrangement
    assert (
        arrangement.management_type,
        arrangement.provider,
        arrangement.start_date,
        arrangement.end_date,
    ) == (
        ManagementType.DIRECT_PAYMENT_MANAGED,
        other_provider_org,
        on,
        None,
    )
    assert (arrangement.budget, arrangement.council, arrangement.annual_amount) == (
        account.arrangement.budget,
        account.council,
        D("10400.00"),
    )
    assert (arrangement.management_cost_percent, arrangement.management_cost_amount) == (D("6.00"), None)
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date == on - dt.timedelta(days=1)


@pytest.mark.parametrize(
    "given, profile, cost",
    [
        ({"management_cost_amount": D("500.00")}, {"management_fee_percent": D("6.00")}, (None, D("500.00"))),
        ({"management_cost_percent": D("7.50")}, {"management_fee_fixed": D("300.00")}, (D("7.50"), None)),
        ({}, {"management_fee_fixed": D("300.00")}, (None, D("300.00"))),
        ({}, None, (None, None)),
    ],
)
def test_the_new_organisation_takes_the_cost_given_or_else_its_published_fee(
    account, robot, other_provider_org, council, given, profile, cost
):
    ProviderProfile.objects.filter(provider=other_provider_org).delete()
    if profile is not None:
        _profile(other_provider_org, council, manages_direct_payments=True, **profile)
    new = managed.move_managed_account(
        account=account,
        to=managed.MOVE_TO_ORGANISATION,
        provider=other_provider_org,
        on_date=TODAY,
        actor=robot,
        today=TODAY,
        **given,
    )
    arrangement = Arrangement.objects.get(pk=new.arrangement_id)
    assert (arrangement.management_cost_percent, arrangement.management_cost_amount) == cost


def test_taking_it_over_pays_the_person_what_is_left_to_the_penny(account, robot, commissioner):
    managed.move_managed_account(
        account=account, to=managed.MOVE_TO_SELF_MANAGED, on_date=TODAY, actor=commissioner, today=TODAY
    )
    paid = account.entries.get(category=Category.PAID_TO_PERSON)
    assert (paid.entry_date, paid.amount, paid.key_source, paid.idempotency_key) == (
        TODAY,
        D("-1600.00"),
        KeySource.SYSTEM,
        f"paid-to-person:{account.pk}",
    )
    assert paid.description == "Money left paid to you, to manage your direct payment yourself"
    assert balance_of(account) == 0
    new = Arrangement.objects.get(budget=account.arrangement.budget, start_date=TODAY)
    assert (new.management_type, new.provider, new.annual_amount, new.end_date) == (
        ManagementType.DIRECT_PAYMENT,
        None,
        D("10400.00"),
        None,
    )


def test_taking_it_over_with_nothing_left_pays_nothing_and_says_so(account, robot, commissioner):
    services.post_due_payments(fund=account, actor=robot, today=START)
    services.record_spending(
        fund=account,
        entry_date=START,
        category="support",
        amount="800.00",
        description="Personal assistant",
        idempotency_key="pa-1",
        actor=robot,
    )
    assert balance_of(account) == 0
    managed.move_managed_account(
        account=account,
        to=managed.MOVE_TO_SELF_MANAGED,
        on_date=START + dt.timedelta(days=1),
        actor=commissioner,
        today=START + dt.timedelta(days=1),
    )
    assert not account.entries.filter(category=Category.PAID_TO_PERSON).exists()
    log = _log(account, "nothing to pay to the person")
    assert log.actor == commissioner
    assert (
        log.additional_data["note"] == "The balance was £0.00 when the person took over their direct payment."
    )


def test_each_move_is_recorded_with_who_and_why(
    account, commissioner, provider_org, other_provider_org, council
):
    _profile(other_provider_org, council, manages_direct_payments=True, management_fee_percent=D("6.00"))
    new = managed.move_managed_account(
        account=account,
        to=managed.MOVE_TO_ORGANISATION,
        provider=other_provider_org,
        on_date=TODAY,
        actor=commissioner,
        today=TODAY,
    )
    closed = _log(account, "managed direct payment closed")
    assert (closed.actor, closed.additional_data["note"]) == (commissioner, "moved to another organisation")
    ended = _log(account.arrangement, "arrangement ended by a move")
    assert (ended.actor, ended.additional_data["note"]) == (commissioner, "moved to another organisation")
    assert ended.changes_dict == {"end_date": ["", str(TODAY - dt.timedelta(days=1))]}
    started = _log(new.arrangement, "arrangement started by a move")
    assert started.actor == commissioner and started.action == LogEntry.Action.CREATE
    assert started.changes_dict == {
        "management_type": ["", ManagementType.DIRECT_PAYMENT_MANAGED],
        "provider": ["", str(other_provider_org.pk)],
        "annual_amount": ["", "10400.00"],
        "start_date": ["", str(TODAY)],
    }
    # Into an ISF: the reason names it.
    agreement = isf_agreement(person=new.person, provider=provider_org, start=TODAY)
    managed.move_managed_account(
        account=new,
        to=managed.MOVE_TO_ISF,
        agreement=agreement,
        on_date=TODAY + dt.timedelta(days=1),
        actor=commissioner,
        today=TODAY + dt.timedelta(days=1),
    )
    assert _log(new, "managed direct payment closed").additional_data["note"] == (
        "changed into an Individual Service Fund"
    )


def test_an_agreement_the_move_offered_gets_its_isf_arrangement_with_a_new_reference_on_the_day(
    account, robot, commissioner, provider_org
):
    agreement = isf_agreement(person=account.person, provider=provider_org, start=TODAY)
    type(agreement).objects.filter(pk=agreement.pk).update(arrangement=None)
    agreement.refresh_from_db()
    assert agreement.arrangement_id is None
    fund = managed.move_managed_account(
        account=account,
        to=managed.MOVE_TO_ISF,
        agreement=agreement,
        on_date=TODAY,
        actor=commissioner,
        today=TODAY,
    )
    agreement.refresh_from_db()
    isf = agreement.arrangement
    assert (isf.management_type, isf.provider, isf.start_date, isf.budget) == (
        ManagementType.ISF,
        provider_org,
        TODAY,
        account.arrangement.budget,
    )
    assert isf.budget_ref not in ("", "DOR-MDP-1") and fund.budget_ref == isf.budget_ref
    made = _log(
        agreement, "Individual Service Fund arrangement made: the managed direct payment became this ISF"
    )
    assert made.actor == commissioner and made.changes_dict == {"arrangement": ["", str(isf.pk)]}
    assert fund.entries.get().amount == D("1600.00")


# ---- what a move may go to -----------------------------------------------------------------------------


def test_the_move_page_offers_the_organisations_and_providers_of_the_council_area_by_name(
    account, council, other_council, hub
):
    def provider(name, **profile):
        p = ProviderFactory(name=name)
        _profile(p, council, **profile)
        return p

    zeta = provider("Zeta Hub", manages_direct_payments=True, offers_isf=True)
    alpha = provider("Alpha Hub", manages_direct_payments=True)
    isf_only = provider("Isf Only", offers_isf=True)
    elsewhere = ProviderFactory(name="Elsewhere Hub")
    _profile(elsewhere, other_council, manages_direct_payments=True, offers_isf=True)
    _profile(hub, council, manages_direct_payments=True)
    for p in (zeta, alpha, hub):
        p.profile.council_areas.add(other_council)  # two areas: still listed once
    assert managed.organisations_to_manage(council=council, excluding=hub) == [alpha, zeta]
    assert managed.organisations_to_manage(council=council) == [alpha, hub, zeta]
    assert managed.isf_providers_for(council=council, person=account.person) == [isf_only, zeta]


def test_only_agreements_in_force_can_take_the_money(account, provider_org, other_provider_org, council):
    active = isf_agreement(person=account.person, provider=provider_org)
    ending = isf_agreement(person=account.person, provider=other_provider_org, status=AgreementStatus.ENDING)
    for status in (AgreementStatus.OFFERED, AgreementStatus.ENDED, AgreementStatus.DECLINED):
        isf_agreement(person=account.person, provider=provider_org, status=status)
    isf_agreement(person=PersonFactory(council=council), provider=provider_org)
    assert set(managed.agreements_to_move_into(person=account.person)) == {active, ending}


def test_the_outcomes_offered_are_the_latest_plan_that_has_some(person, robot):
    assert managed.plan_outcomes(person) == ""
    for outcomes in ("To cook", "To swim", ""):
        SupportPlan.objects.create(person=person, outcomes=outcomes, drafted_by=robot)
    assert managed.plan_outcomes(person) == "To swim"


# ---- asking for a move from a date ---------------------------------------------------------------------


def _ask(account, actor, **kwargs):
    kwargs.setdefault("today", TODAY)
    return managed.request_move(account=account, actor=actor, **kwargs)


def _planned(c):
    managed.request_move(
        account=c.account, to="self_managed", on_date=dt.date(2026, 9, 1), actor=c.commissioner, today=TODAY
    )
    return {}


def _ended(c):
    Arrangement.objects.filter(pk=c.account.arrangement_id).update(end_date=dt.date(2026, 9, 30))
    return {"on_date": dt.date(2026, 10, 2)}


ASK_REFUSALS = {
    "an ISF": (lambda c: {"account": c.fund}, ONLY_MANAGED, ""),
    "an account already closed": (lambda c: _closed(c), ALREADY, ""),
    "a move already planned": (
        _planned,
        "A change from 1 September 2026 is already planned. Cancel it first to plan another.",
        "",
    ),
    "nowhere": (lambda c: {"to": "abroad"}, "Choose where the direct payment goes.", "to"),
    "on the start day": (lambda c: {"on_date": START}, STARTED, "on_date"),
    "two days after it ends": (
        _ended,
        "The direct payment ends on 30 September 2026: choose a date up to the day after.",
        "on_date",
    ),
    "no organisation": (lambda c: {"to": "organisation"}, DIFFERENT, "provider"),
    "the same organisation": (lambda c: {"to": "organisation", "provider": c.hub}, DIFFERENT, "provider"),
    "someone else's agreement": (
        lambda c: {"to": "isf", "agreement": _someone_elses_agreement(c)},
        CHOOSE_AGREEMENT,
        "agreement",
    ),
    "an agreement not accepted": (
        lambda c: {"to": "isf", "agreement": _offered_agreement(c)},
        CHOOSE_AGREEMENT,
        "agreement",
    ),
    "an agreement from a later date": (
        lambda c: {"to": "isf", "agreement": _later_agreement(c)},
        CHOOSE_AGREEMENT,
        "agreement",
    ),
    "no provider named": (
        lambda c: {"to": "isf"},
        "Choose the provider the person chose to hold their Individual Service Fund.",
        "isf_provider",
    ),
    "nobody said who chose": (
        lambda c: {"to": "isf", "isf_provider": c.isf_provider, "chosen_by": "   "},
        "Say who chose the provider, for example the person or their daughter.",
        "chosen_by",
    ),
    "no outcomes": (
        lambda c: {"to": "isf", "isf_provider": c.isf_provider, "chosen_by": "Alys", "outcomes": "  "},
        "Write the outcomes from the support plan: what the person wants from their support.",
        "outcomes",
    ),
}


@pytest.mark.parametrize("case", ASK_REFUSALS)
def test_asking_is_refused_with_words_that_say_what_to_do(request, account, commissioner, case):
    build, message, field = ASK_REFUSALS[case]
    kwargs = {"account": account, "to": "self_managed", "on_date": DAY, **build(_Fixtures(request))}
    planned = set(ScheduledMove.objects.values_list("pk", flat=True))
    _refused(message, field, call=managed.request_move, actor=commissioner, today=TODAY, **kwargs)
    assert set(ScheduledMove.objects.values_list("pk", flat=True)) == planned
    assert not ProviderChoice.objects.exists()


def test_a_move_may_be_asked_for_up_to_the_day_after_the_direct_payment_ends(account, commissioner):
    arrangement = account.arrangement
    arrangement.end_date = dt.date(2026, 9, 30)
    arrangement.save()
    _refused(
        "The direct payment ends on 30 September 2026: choose a date up to the day after.",
        "on_date",
        call=managed.request_move,
        account=account,
        to=managed.MOVE_TO_SELF_MANAGED,
        on_date=dt.date(2026, 10, 2),
        actor=commissioner,
        today=TODAY,
    )
    move = _ask(account, commissioner, to=managed.MOVE_TO_SELF_MANAGED, on_date=dt.date(2026, 10, 1))
    assert (move.status, move.previous_end_date) == (MoveStatus.SCHEDULED, dt.date(2026, 9, 30))
    # Its end date is already the day before: nothing more is recorded about it.
    assert "arrangement ended by a move" not in _events(arrangement)


def test_a_planned_move_is_kept_with_who_asked_and_ends_the_old_arrangement_the_day_before(
    account, commissioner, other_provider_org
):
    on = TODAY + dt.timedelta(days=30)
    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ORGANISATION,
        provider=other_provider_org,
        on_date=on,
        management_cost_amount=D("400.00"),
        management_cost_percent=None,
    )
    move.refresh_from_db()
    assert (move.status, move.to, move.on_date, move.provider, move.agreement, move.made_agreement) == (
        MoveStatus.SCHEDULED,
        managed.MOVE_TO_ORGANISATION,
        on,
        other_provider_org,
        None,
        False,
    )
    assert (move.management_cost_amount, move.previous_end_date, move.created_by, move.target) == (
        D("400.00"),
        None,
        commissioner,
        None,
    )
    assert managed.scheduled_move_of(account) == move
    asked = _log(account, "managed direct payment move asked for")
    assert asked.actor == commissioner and asked.additional_data["note"] == str(move)
    assert asked.changes_dict == {"to": ["", "organisation"], "on_date": ["", str(on)]}
    ended = _log(account.arrangement, "arrangement ended by a move")
    assert (ended.actor, ended.additional_data["note"]) == (commissioner, "a move is planned from this date")
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date == on - dt.timedelta(days=1)
    _refused(
        f"A change from {on:%-d %B %Y} is already planned. Cancel it first to plan another.",
        call=managed.request_move,
        account=account,
        to=managed.MOVE_TO_SELF_MANAGED,
        on_date=on,
        actor=commissioner,
        today=TODAY,
    )
    # Nothing is paid to the old account for days from the move's date.
    managed.post_all_due_managed_payments(today=on + dt.timedelta(weeks=8), actor=commissioner)
    assert ScheduledMove.objects.get(pk=move.pk).status == MoveStatus.DONE


def test_a_move_to_a_self_managed_payment_names_no_provider_and_one_into_an_isf_its_provider(
    account, commissioner, provider_org
):
    on = TODAY + dt.timedelta(days=3)
    move = _ask(account, commissioner, to=managed.MOVE_TO_SELF_MANAGED, on_date=on, provider=provider_org)
    assert (move.provider, move.agreement) == (None, None)
    managed.cancel_move(move=move, actor=commissioner)
    agreement = isf_agreement(person=account.person, provider=provider_org, start=TODAY)
    move = _ask(account, commissioner, to=managed.MOVE_TO_ISF, agreement=agreement, on_date=on)
    assert (move.provider, move.agreement, move.made_agreement) == (provider_org, agreement, False)


def test_a_move_from_today_is_done_at_once_by_whoever_asked(account, commissioner):
    move = _ask(account, commissioner, to=managed.MOVE_TO_SELF_MANAGED, on_date=TODAY)
    move.refresh_from_db()
    assert (move.status, move.target, move.finished_by) == (MoveStatus.DONE, None, commissioner)
    assert move.finished_at is not None
    assert account.entries.get(category=Category.PAID_TO_PERSON).amount == D("-1600.00")
    assert managed.scheduled_move_of(account) is None


# ---- into an ISF with no agreement yet ------------------------------------------------------------------


@pytest.fixture
def isf_provider(provider_org, council):
    _profile(provider_org, council, offers_isf=True, management_fee_percent=D("5.00"))
    return provider_org


def test_into_an_isf_the_choice_is_recorded_and_the_agreement_offered_from_the_date(
    account, commissioner, isf_provider
):
    SupportPlan.objects.create(person=account.person, outcomes="To swim on Fridays", drafted_by=commissioner)
    on = TODAY + dt.timedelta(days=7)
    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ISF,
        on_date=on,
        isf_provider=isf_provider,
        chosen_by=" Alys ",
        made="phone",
    )
    choice = ProviderChoice.objects.get(person=account.person, provider=isf_provider)
    assert (choice.made, choice.status) == ("phone", ChoiceStatus.REQUESTED)
    agreement = move.agreement
    assert (agreement.status, agreement.start_date, agreement.outcomes, agreement.provider) == (
        AgreementStatus.OFFERED,
        on,
        "To swim on Fridays",
        isf_provider,
    )
    assert (move.made_agreement, move.provider, move.status) == (True, isf_provider, MoveStatus.SCHEDULED)
    # The choice already asked for is used again: nobody has to say again who chose it.
    managed.cancel_move(move=move, actor=commissioner)
    again = _ask(
        account, commissioner, to=managed.MOVE_TO_ISF, on_date=on, isf_provider=isf_provider, outcomes="Swim"
    )
    assert again.agreement.outcomes == "Swim" and ProviderChoice.objects.count() == 1


def test_a_provider_rule_broken_is_shown_against_the_provider(account, commissioner, isf_provider):
    # An offer to this provider is already waiting for its answer: a second one is refused.
    isf_agreement(person=account.person, provider=isf_provider, status=AgreementStatus.OFFERED)
    refused = _refused(
        f"{account.person} already has an agreement with Harbour Lights Support.",
        "isf_provider",
        call=managed.request_move,
        account=account,
        to=managed.MOVE_TO_ISF,
        on_date=TODAY,
        actor=commissioner,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Swim",
        today=TODAY,
    )
    assert refused.__cause__ is not None and not ScheduledMove.objects.exists()


# ---- completing and cancelling -------------------------------------------------------------------------


def test_a_move_into_an_isf_waits_for_the_provider_then_the_date(
    account, commissioner, provider_a, isf_provider, robot
):
    from providers import services as provider_services

    # Accepting moves the money at once from the date on the real calendar: a date to come.
    today = timezone.localdate()
    on = today + dt.timedelta(days=7)
    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ISF,
        on_date=on,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Swim",
        today=today,
    )
    # The choice is recorded as made today, at a meeting unless said otherwise, with why.
    choice = ProviderChoice.objects.get()
    assert (choice.made, choice.chosen_by, choice.chosen_on) == ("meeting", "Alys", today)
    assert choice.message == "To hold the money of their managed direct payment as an Individual Service Fund"
    # The date has come but the provider has not accepted: nothing moves.
    assert managed.complete_due_moves(today=on, actor=robot) == {"moved": 0, "failed": 0}
    assert managed.complete_move(move=move, actor=robot, today=on).status == MoveStatus.SCHEDULED
    provider_services.accept_agreement(agreement=move.agreement, actor=provider_a)  # before the date
    assert ScheduledMove.objects.get(pk=move.pk).status == MoveStatus.SCHEDULED
    assert managed.complete_move(move=move, actor=robot, today=on - dt.timedelta(days=1)).status == (
        MoveStatus.SCHEDULED
    )
    assert managed.complete_due_moves(today=on - dt.timedelta(days=1), actor=robot) == {
        "moved": 0,
        "failed": 0,
    }
    assert managed.complete_due_moves(today=on, actor=robot) == {"moved": 1, "failed": 0}
    done = ScheduledMove.objects.get(pk=move.pk)
    assert (done.status, done.finished_by) == (MoveStatus.DONE, robot)
    assert done.target.agreement == move.agreement and balance_of(done.target) > 0
    # Done: again does nothing.
    assert managed.complete_move(move=move, actor=commissioner, today=on).finished_by == robot
    assert managed.complete_due_moves(today=on, actor=robot) == {"moved": 0, "failed": 0}


def test_accepting_on_or_after_the_date_moves_the_money_at_once(
    account, commissioner, provider_a, isf_provider
):
    from providers import services as provider_services

    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ISF,
        on_date=TODAY,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Swim",
    )
    assert move.status == MoveStatus.SCHEDULED
    services.post_due_payments(fund=account, actor=commissioner, today=TODAY)
    provider_services.accept_agreement(agreement=move.agreement, actor=provider_a)
    done = ScheduledMove.objects.get(pk=move.pk)
    assert (done.status, done.finished_by) == (MoveStatus.DONE, provider_a)
    assert done.target.entries.get(category=Category.TRANSFER).amount == D("1600.00")


def test_the_daily_job_counts_a_move_it_cannot_do_and_does_the_others(
    account, commissioner, robot, council, hub, other_provider_org
):
    other = managed.open_managed_account(
        arrangement=_managed_arrangement(PersonFactory(council=council), hub, budget_ref="DOR-MDP-2"),
        actor=robot,
    )
    on = TODAY + dt.timedelta(days=7)
    _ask(account, commissioner, to=managed.MOVE_TO_SELF_MANAGED, on_date=on)
    _ask(other, commissioner, to=managed.MOVE_TO_ORGANISATION, provider=other_provider_org, on_date=on)
    # The second account is closed another way before the day (ended by the council).
    HeldAccount.objects.filter(pk=other.pk).update(closed_on=on - dt.timedelta(days=3))
    assert managed.complete_due_moves(today=on, actor=robot) == {"moved": 1, "failed": 1}
    assert ScheduledMove.objects.get(account=other).status == MoveStatus.SCHEDULED
    # The daily payments job counts it too, every day until someone looks at it.
    done = managed.post_all_due_managed_payments(today=on + dt.timedelta(days=1), actor=robot)
    assert done == {"funds": 0, "entries": 0, "failed": 1}


def test_a_providers_acceptance_stands_when_the_money_cannot_move_yet(
    account, commissioner, provider_a, isf_provider
):
    from providers import services as provider_services

    today = timezone.localdate()
    move = managed.request_move(
        account=account,
        to=managed.MOVE_TO_ISF,
        on_date=today,
        actor=commissioner,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Swim",
        today=today,
    )
    assert move.status == MoveStatus.SCHEDULED  # waiting for the provider
    HeldAccount.objects.filter(pk=account.pk).update(closed_on=today - dt.timedelta(days=2))
    provider_services.accept_agreement(agreement=move.agreement, actor=provider_a)
    assert type(move.agreement).objects.get(pk=move.agreement_id).status == AgreementStatus.ACTIVE
    assert ScheduledMove.objects.get(pk=move.pk).status == MoveStatus.SCHEDULED


def test_cancelling_puts_the_end_date_back_and_is_recorded(account, commissioner, robot):
    arrangement = account.arrangement
    arrangement.end_date = dt.date(2027, 3, 31)
    arrangement.save()
    on = TODAY + dt.timedelta(days=30)
    move = _ask(account, commissioner, to=managed.MOVE_TO_SELF_MANAGED, on_date=on)
    cancelled = managed.cancel_move(move=move, actor=robot)
    assert (cancelled.status, cancelled.finished_by) == (MoveStatus.CANCELLED, robot)
    assert cancelled.finished_at is not None
    assert Arrangement.objects.get(pk=arrangement.pk).end_date == dt.date(2027, 3, 31)
    put_back = _log(arrangement, "planned move cancelled: end date put back")
    assert put_back.actor == robot
    assert put_back.changes_dict == {"end_date": [str(on - dt.timedelta(days=1)), "2027-03-31"]}
    log = _log(account, "planned move cancelled")
    assert (log.actor, log.additional_data["note"]) == (robot, str(move))
    # Twice: nothing more.
    assert managed.cancel_move(move=move, actor=commissioner).finished_by == robot
    assert _events(account).count("planned move cancelled") == 1
    assert managed.scheduled_move_of(account) is None


def test_a_move_that_happened_or_was_accepted_cannot_be_cancelled(
    account, commissioner, provider_a, isf_provider
):
    from providers import services as provider_services

    done = _ask(account, commissioner, to=managed.MOVE_TO_SELF_MANAGED, on_date=TODAY)
    _refused("This change has already happened.", call=managed.cancel_move, move=done, actor=commissioner)

    other = managed.open_managed_account(
        arrangement=_managed_arrangement(
            PersonFactory(council=account.council), account.provider, budget_ref="X-2"
        ),
        actor=commissioner,
    )
    # Accepting moves the money at once from the date on the real calendar: a date to come.
    today = timezone.localdate()
    on = today + dt.timedelta(days=7)
    move = _ask(
        other,
        commissioner,
        to=managed.MOVE_TO_ISF,
        on_date=on,
        isf_provider=isf_provider,
        chosen_by="Sam",
        outcomes="Swim",
        today=today,
    )
    provider_services.accept_agreement(agreement=move.agreement, actor=provider_a)
    _refused(
        "Harbour Lights Support has accepted the agreement, so the change can no longer be cancelled. "
        "It happens on the date planned.",
        call=managed.cancel_move,
        move=move,
        actor=commissioner,
    )


def test_cancelling_an_isf_move_with_an_agreement_already_in_force_leaves_the_agreement(
    account, commissioner, provider_org
):
    agreement = isf_agreement(person=account.person, provider=provider_org, start=TODAY)
    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ISF,
        agreement=agreement,
        on_date=TODAY + dt.timedelta(days=5),
    )
    managed.cancel_move(move=move, actor=commissioner)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date is None


def test_cancelling_withdraws_the_offer_the_move_made_and_a_declined_one_stays_declined(
    account, commissioner, provider_a, isf_provider
):
    from providers import services as provider_services

    on = TODAY + dt.timedelta(days=7)
    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ISF,
        on_date=on,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Swim",
    )
    provider_services.decline_agreement(agreement=move.agreement, reason="No staff", actor=provider_a)
    managed.cancel_move(move=move, actor=commissioner)
    assert type(move.agreement).objects.get(pk=move.agreement_id).status == AgreementStatus.DECLINED
    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ISF,
        on_date=on,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Swim",
    )
    managed.cancel_move(move=move, actor=commissioner)
    assert type(move.agreement).objects.get(pk=move.agreement_id).status == AgreementStatus.WITHDRAWN


# ---- the words -----------------------------------------------------------------------------------------


def test_a_planned_move_in_words_for_the_commissioner_and_for_the_family(
    account, commissioner, provider_a, other_provider_org, isf_provider
):
    from providers import services as provider_services

    on = dt.date(2026, 9, 1)
    move = _ask(
        account, commissioner, to=managed.MOVE_TO_ORGANISATION, provider=other_provider_org, on_date=on
    )
    assert managed.describe(move) == (
        "From 1 September 2026, Purbeck Circles of Support manages Alys's direct payment instead of "
        "Wareham Community Hub. The money left moves to Purbeck Circles of Support that day."
    )
    assert managed.describe(move, for_family=True) == (
        "From 1 September 2026, Purbeck Circles of Support manages your direct payment instead of "
        "Wareham Community Hub. The money left moves to Purbeck Circles of Support that day."
    )
    managed.cancel_move(move=move, actor=commissioner)
    move = _ask(account, commissioner, to=managed.MOVE_TO_SELF_MANAGED, on_date=on)
    assert managed.describe(move) == (
        "From 1 September 2026, Alys manages their direct payment themselves, "
        "and the money left is paid to them."
    )
    assert managed.describe(move, for_family=True) == (
        "From 1 September 2026, you manage your direct payment yourself, and the money left is paid to you."
    )
    move.account.person.given_name = ""
    assert managed.describe(move).startswith("From 1 September 2026, the person manages their direct payment")
    move.account.person.given_name = "Alys"
    managed.cancel_move(move=move, actor=commissioner)

    move = _ask(
        account,
        commissioner,
        to=managed.MOVE_TO_ISF,
        on_date=on,
        isf_provider=isf_provider,
        chosen_by="Alys",
        outcomes="Swim",
    )
    isf = (
        "From 1 September 2026, Harbour Lights Support holds {} money as an Individual Service Fund "
        "instead of Wareham Community Hub. The money left moves to Harbour Lights Support that day."
    )
    waiting = " Harbour Lights Support has not accepted the agreement yet: the money moves when they do."
    assert managed.describe(move) == isf.format("Alys's") + waiting
    assert managed.describe(move, for_family=True) == isf.format("your") + waiting
    provider_services.decline_agreement(
        agreement=move.agreement, reason="No staff in Wareham", actor=provider_a
    )
    move = ScheduledMove.objects.get(pk=move.pk)
    declined = " Harbour Lights Support declined the agreement: No staff in Wareham."
    assert managed.describe(move) == isf.format("Alys's") + declined + " Cancel this change to choose again."
    assert managed.describe(move, for_family=True) == isf.format("your") + declined
    type(move.agreement).objects.filter(pk=move.agreement_id).update(decline_reason="")
    move = ScheduledMove.objects.get(pk=move.pk)
    assert (
        managed.describe(move, for_family=True)
        == isf.format("your") + " Harbour Lights Support declined the agreement."
    )
    managed.cancel_move(move=move, actor=commissioner)
    agreement = isf_agreement(person=account.person, provider=isf_provider, start=TODAY)
    move = _ask(account, commissioner, to=managed.MOVE_TO_ISF, agreement=agreement, on_date=on)
    assert managed.describe(move) == isf.format("Alys's")
