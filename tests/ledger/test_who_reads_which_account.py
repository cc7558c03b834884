"""Which accounts each list shows, and to whom (providers/ledger/selectors.py): the provider's list, the
family's page and the family's notices. Each test shows that a user of another organisation or family
does not see an account as well as that the right user does; and that a list reads what its page shows
of each account with the accounts, not one query an account."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import ManagementType, Representative
from organisations.models import Membership, Role
from providers import services as provider_services
from providers.ledger import managed, selectors, services
from providers.ledger.landing import landing_panels
from providers.ledger.models import HeldKind
from providers.models import AgreementStatus
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import UserFactory, staff
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement, isf_fund

pytestmark = pytest.mark.django_db


def _listed(user) -> set[int]:
    return {pk for pk, _ in selectors.held_in_list_order(user=user)}


def _also(user, role, **where):
    Membership.objects.create(user=user, role=role, **where)
    return user


def test_the_providers_list_shows_its_live_accounts_and_a_finished_one_only_to_who_else_may_read_it(
    person, family, other_person, council, provider_org, other_provider_org, provider_finance, robot
):
    """A provider's staff list the accounts it holds while its link with the person is live. After the
    final statement of an ended agreement, the account stays on the list only for a user who may read
    it some other way too: as the council's commissioner, as the person's family, or as a platform admin.
    Another provider's account is on no list of this provider's."""
    ended = isf_agreement(person=person, provider=provider_org, start=START)
    finished = services.open_fund(agreement=ended, actor=robot)
    ended.status, ended.end_date = AgreementStatus.ENDED, START + dt.timedelta(days=20)
    ended.save()
    services.produce_statement(fund=finished, start=ended.end_date, end=ended.end_date)
    live = isf_fund(person=other_person, provider=provider_org, actor=robot, start=START)
    # Fay, in Bristol too, whom nobody here is family of: her finished account is on no one's list but
    # the platform admin's.
    fay = PersonFactory(council=other_person.council, given_name="Fay", family_name="Hale")
    fays = isf_agreement(person=fay, provider=provider_org, start=START)
    fays_finished = services.open_fund(agreement=fays, actor=robot)
    fays.status, fays.end_date = AgreementStatus.ENDED, START + dt.timedelta(days=20)
    fays.save()
    services.produce_statement(fund=fays_finished, start=fays.end_date, end=fays.end_date)
    cai = PersonFactory(council=council, given_name="Cai", family_name="Jones")
    elsewhere = isf_fund(person=cai, provider=other_provider_org, actor=robot, start=START)

    assert _listed(provider_finance) == {live.pk}
    council_too = _also(
        staff(Role.PROVIDER_MANAGER, provider=provider_org, email="manager.and.commissioner@example.org"),
        Role.COMMISSIONER,
        council=council,
    )
    assert _listed(council_too) == {finished.pk, live.pk}
    # Every page and the API read by the whole rule: the council's accounts and the provider's live ones.
    readable = set(selectors.funds_visible_to(user=council_too).values_list("pk", flat=True))
    assert readable == {finished.pk, live.pk, elsewhere.pk}
    family_too = _also(family, Role.PROVIDER_FINANCE, provider=provider_org)
    assert _listed(family_too) == {finished.pk, live.pk}
    admin_too = _also(
        staff(Role.PLATFORM_ADMIN, email="admin.and.manager@example.org"),
        Role.PROVIDER_MANAGER,
        provider=provider_org,
    )
    assert _listed(admin_too) == {finished.pk, live.pk, fays_finished.pk}
    other = staff(Role.PROVIDER_FINANCE, provider=other_provider_org, email="finance@provider-b.example.org")
    assert _listed(other) == {elsewhere.pk}


def _moved(person, provider_org, other_provider_org, robot):
    """Alys's ISF with provider A, then her money moved with her to provider B: (old, new)."""
    old = isf_agreement(person=person, provider=provider_org, start=START)
    fund = services.open_fund(agreement=old, actor=robot)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(days=9)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=START + dt.timedelta(days=10)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    return fund, services.open_fund(agreement=new, actor=robot)


def test_the_familys_page_lists_their_own_accounts_of_its_kind_newest_first_with_whether_money_moved_on(
    person, family, council, provider_org, other_provider_org, other_fund, robot
):
    old, new = _moved(person, provider_org, other_provider_org, robot)
    assert new.entries.exists()  # the money that moved in
    # Dai, whom the same family member looks after, has a managed direct payment.
    dai = PersonFactory(council=council, given_name="Dai", family_name="Taylor")
    Representative.objects.create(person=dai, user=family, relationship="father")
    budget = approved_budget(
        dai, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", provider_org),)
    )
    account = managed.open_managed_account(arrangement=budget.arrangements.get(), actor=robot)

    isfs = selectors.family_page_funds(user=family, kind=HeldKind.ISF)
    assert [(f.pk, f.has_closing) for f in isfs] == [(new.pk, False), (old.pk, True)]
    managed_dps = selectors.family_page_funds(user=family, kind=HeldKind.MANAGED_DP)
    assert [f.pk for f in managed_dps] == [account.pk]
    # Bryn's family reads only Bryn's account; a user who is nobody's family reads none.
    bryns = UserFactory(email="bryns.family@test.example.org")
    Representative.objects.create(person=other_fund.person, user=bryns, relationship="brother")
    assert [f.pk for f in selectors.family_page_funds(user=bryns, kind=HeldKind.ISF)] == [other_fund.pk]
    assert selectors.family_page_funds(user=UserFactory(), kind=HeldKind.ISF) == []

    # What the page shows of each account (the person, the organisation and how to reach it, the
    # council, the terms) came with the accounts.
    with CaptureQueriesContext(connection) as queries:
        for f in [*isfs, *managed_dps]:
            shown = (f.person.name, f.provider.name, getattr(f.provider, "profile", None), f.council.name)
            assert shown[0] and f.terms.annual_budget
            assert (f.agreement is None) == (f.kind == HeldKind.MANAGED_DP)
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_the_family_sees_only_their_own_notices_not_yet_seen(person, family, fund, other_fund, robot):
    bryns = UserFactory(email="bryns.family@test.example.org")
    Representative.objects.create(person=other_fund.person, user=bryns, relationship="brother")
    services.produce_statement(fund=fund, start=START, end=START + dt.timedelta(days=27))
    services.mark_notifications_seen(user=family, fund=fund)
    second, _ = services.produce_statement(
        fund=fund, start=START + dt.timedelta(days=28), end=START + dt.timedelta(days=55)
    )
    bryns_statement, _ = services.produce_statement(fund=other_fund, start=START, end=START)

    notices = list(selectors.unseen_notifications(user=family))
    assert [n.statement_id for n in notices] == [second.pk]
    assert [n.statement_id for n in selectors.unseen_notifications(user=bryns)] == [bryns_statement.pk]
    # The page shows each notice's account and statement: read with the notices.
    with CaptureQueriesContext(connection) as queries:
        assert [(n.fund.kind, n.statement.period_end) for n in notices] == [
            (HeldKind.ISF, START + dt.timedelta(days=55))
        ]
    assert len(queries) == 0


def test_the_family_s_landing_lists_the_money_left_in_each_open_account_newest_first(
    person, family, council, provider_org, other_provider_org, other_fund, robot
):
    """funds_of_family's order is the order of the landing page's lines: opened latest first, and of
    two opened the same day the later made first."""
    dai = PersonFactory(council=council, given_name="Dai", family_name="Taylor")
    Representative.objects.create(person=dai, user=family, relationship="father")
    later = isf_fund(person=dai, provider=other_provider_org, actor=robot, start=START + dt.timedelta(days=7))
    first = isf_fund(person=person, provider=provider_org, actor=robot, start=START)
    eve = PersonFactory(council=council, given_name="Eve", family_name="Taylor")
    Representative.objects.create(person=eve, user=family, relationship="aunt")
    same_day = isf_fund(person=eve, provider=provider_org, actor=robot, start=START)
    services.post_due_payments(fund=same_day, actor=robot, today=START)
    assert list(selectors.funds_of_family(user=family)) == [later, same_day, first]
    (panel,) = landing_panels(user=family)
    assert panel["lines"] == [
        "Money left with Purbeck Circles of Support: £0.00.",
        "Money left with Harbour Lights Support: £950.00.",
        "Money left with Harbour Lights Support: £0.00.",
    ]
    assert other_fund not in selectors.funds_of_family(user=family)


def test_the_commissioners_overview_lists_the_councils_accounts_by_name_read_with_the_rows(
    person, commissioner, council, provider_org, other_provider_org, other_fund, robot
):
    """Family name, then given name (then the account): Jones before Taylor, Alys before Dai, though
    Dai's account was opened first. Another council's account is not on it. Each row's person,
    organisation, council and terms come with the accounts: two queries for any number of rows."""
    dai = PersonFactory(council=council, given_name="Dai", family_name="Taylor")
    budget = approved_budget(
        dai, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", provider_org),)
    )
    managed_dp = managed.open_managed_account(arrangement=budget.arrangements.get(), actor=robot)
    alys = isf_fund(person=person, provider=provider_org, actor=robot, start=START)
    cai = PersonFactory(council=council, given_name="Cai", family_name="Jones")
    jones = isf_fund(person=cai, provider=other_provider_org, actor=robot, start=START)

    with CaptureQueriesContext(connection) as queries:
        rows = selectors.council_overview(user=commissioner, today=START)
        shown = [
            (r.fund.person.name, r.fund.provider.name, r.fund.council.gss_code, r.annual_budget, r.can_move)
            for r in rows
        ]
    assert [r.fund.pk for r in rows] == [jones.pk, alys.pk, managed_dp.pk]
    assert shown == [
        ("Cai Jones", "Purbeck Circles of Support", "E06000059", 13000, False),
        ("Alys Taylor", "Harbour Lights Support", "E06000059", 13000, False),
        ("Dai Taylor", "Harbour Lights Support", "E06000059", managed_dp.terms.annual_budget, True),
    ]
    assert len(queries) == 2, [q["sql"] for q in queries]  # the user's roles, then the accounts


def test_the_ledger_lines_come_with_who_recorded_them_their_corrections_and_where_money_moved(
    person, provider_org, other_provider_org, provider_finance, robot
):
    old, new = _moved_after_a_correction(person, provider_org, other_provider_org, provider_finance, robot)
    lines = selectors.running_lines(old)
    with CaptureQueriesContext(connection) as queries:
        shown = [
            (
                line.entry.category,
                line.entry.fund.words.name,
                line.entry.recorded_by.email,
                line.entry.reverses.category if line.entry.reverses_id else None,
                getattr(line.entry, "reversed_by", None) is not None,
                line.entry.transfer_pair.fund.provider.name if line.entry.transfer_pair_id else None,
                line.balance,
            )
            for line in lines
        ]
    assert len(queries) == 0, [q["sql"] for q in queries]
    isf = "Individual Service Fund"
    assert [s[:6] for s in shown] == [
        ("council_payment", isf, robot.email, None, False, None),
        ("management_fee", isf, robot.email, None, False, None),
        ("support", isf, provider_finance.email, None, True, None),
        ("correction", isf, provider_finance.email, "support", False, None),
        ("transfer", isf, robot.email, None, False, "Purbeck Circles of Support"),
    ]
    assert shown[-1][-1] == 0


def _moved_after_a_correction(person, provider_org, other_provider_org, provider_finance, robot):
    old = isf_agreement(person=person, provider=provider_org, start=START)
    fund = services.open_fund(agreement=old, actor=robot)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    spent, _ = services.record_spending(
        fund=fund,
        entry_date=START,
        category="support",
        amount="40.00",
        description="Personal assistant",
        idempotency_key="s-1",
        actor=provider_finance,
        today=START,
    )
    services.reverse_entry(entry=spent, reason="Wrong fund", actor=provider_finance, today=START)
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(days=9)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=START + dt.timedelta(days=10)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    return fund, services.open_fund(agreement=new, actor=robot)


def test_the_family_s_summary_shows_the_six_latest_statements_and_asks_no_more_than_its_page_read(
    person, family, fund, robot
):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    periods = [(START + dt.timedelta(days=28 * k), START + dt.timedelta(days=28 * k + 27)) for k in range(7)]
    made = [services.produce_statement(fund=fund, start=s, end=e)[0] for s, e in periods]
    (f,) = selectors.family_page_funds(user=family, kind=HeldKind.ISF)
    today = START + dt.timedelta(days=200)
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.family_summary(f, today=today)
    # The year's sums, then the statements: whether the money moved on was read with the account.
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert [s.pk for s in summary.statements] == [s.pk for s in reversed(made[1:])]
    assert summary.closed is False
    assert selectors.family_summary(fund, today=today).closed is False


def test_the_ledger_page_asks_about_a_family_only_for_a_family_member(fund, other_provider_org):
    """fund_visible_to, for a user of another organisation: the account, the user's roles and whether
    they are anyone's family; not which people they represent (they are nobody's family)."""
    other = staff(Role.PROVIDER_FINANCE, provider=other_provider_org, email="finance@provider-b.example.org")
    with CaptureQueriesContext(connection) as queries:
        assert selectors.fund_visible_to(user=other, pk=fund.pk) is None
    assert len(queries) == 3, [q["sql"] for q in queries]
