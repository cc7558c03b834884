"""Issue 19, part 2: proportionate direct-payment oversight, from the trigger to the outcome, with the
family's page at each step; nothing recovered without a recorded person and reason."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from budgets.models import Representative
from organisations.services import system_actor
from oversight import services
from oversight.models import Check, CheckKind, CheckStatus, Decision, Outcome
from oversight.services import OversightError
from tests.budgets.factories import PersonFactory, approved_budget
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.ledger.factories import isf_fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def carer_dp(council):
    """A carer with a self-managed direct payment of £5,200 a year (£100 a week), and their sign-in."""
    carer = PersonFactory(council=council, given_name="Megan", family_name="Jones", is_carer=True)
    carer.primary_support_reason = ""
    carer.user = UserFactory(email="megan@example.org", full_name="Megan Jones")
    carer.save()
    budget = approved_budget(
        carer,
        start=timezone.localdate() - dt.timedelta(days=200),
        parts=(("direct_payment", "5200.00", None),),
    )
    return budget.arrangements.get()


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_check_from_trigger_to_outcome_with_the_familys_page_at_each_step(
    client, council, commissioner, approver, carer_dp
):
    family, staff2 = carer_dp.budget.person.user, approver
    fam, staff = client, type(client)()
    sign_in(fam, family)
    sign_in(staff, commissioner)
    year_end = timezone.localdate() - dt.timedelta(days=1)

    # 1. The light annual statement, in their own words, with totals; the commissioner reads it.
    own = page(fam, "/your-budget/")
    assert "Send your annual statement" in own and "no money is ever taken back automatically" in own
    response = fam.post(
        f"/your-budget/statements/{carer_dp.pk}/",
        {"year_end": year_end.isoformat(), "paid_for": "A sitter on Tuesday evenings, and a gym pass.",
         "money_received": "5200", "money_spent": "2700"},
    )  # fmt: skip
    assert response.status_code == 302
    statement = carer_dp.annual_statements.get()
    assert statement.money_left == Decimal("2500.00")
    home = page(staff, "/oversight/")
    assert "Megan Jones" in home and "Annual statements to read" in home
    assert "A sitter on Tuesday evenings" in page(staff, f"/oversight/statements/{statement.pk}/")
    assert staff.post(f"/oversight/statements/{statement.pk}/", {"note": "Thanks"}).status_code == 302

    # 2. The council's rule (12 weeks unspent = £1,200) starts a check: a conversation, nothing else.
    assert staff.post("/oversight/run/").status_code == 302
    check = Check.objects.get()
    assert check.kind == CheckKind.LARGE_BALANCE and check.status == CheckStatus.TALK_FIRST
    assert check.raised_by is None and not Decision.objects.exists()
    assert staff.post("/oversight/run/").status_code == 302
    assert Check.objects.count() == 1  # one open check of a kind at a time
    family_url = f"/your-budget/checks/{check.pk}/"
    assert "We would like to talk with you" in page(fam, "/your-budget/")
    text = page(fam, family_url)
    assert "Why we are asking" in text and "£2,500.00 has built up unspent" in text
    assert "more than 12 weeks of your budget (£1,200.00)" in text
    assert "Your social worker will contact you" in text and "no money is ever taken back" in text
    assert fam.post(family_url, {"text": "We are saving for a week away in June."}).status_code == 302

    # 3. Nothing is decided before the conversation.
    decision = {"outcome": Outcome.RECOVERED, "reason": "Too much", "amount_recovered": "500"}
    response = staff.post(f"/oversight/checks/{check.pk}/decide/", decision)
    assert response.status_code == 400 and "Talk with the family first" in response.content.decode()
    assert "saving for a week away" in page(staff, f"/oversight/checks/{check.pk}/")
    note = "Talked with Megan: the plan is right; £1,500 is for a week away in June."
    assert staff.post(f"/oversight/checks/{check.pk}/conversation/", {"note": note}).status_code == 302
    text = page(fam, family_url)
    assert "What we talked about" in text and "week away in June" in text
    assert "A named person at the council will now decide" in text

    # 4. A named person decides, with a written reason the family sees.
    decision = {
        "outcome": Outcome.RECOVERED,
        "reason": "£1,500 is kept for the agreed break; the other £500 is more than you need.",
        "amount_kept": "1500",
        "kept_for": "a week away in June",
        "amount_recovered": "500",
    }
    assert staff.post(f"/oversight/checks/{check.pk}/decide/", decision).status_code == 302
    text = page(fam, family_url)
    assert commissioner.display_name in text and "the other £500 is more than you need" in text
    assert "You keep £1,500.00 for a week away in June" in text and "£500.00 goes back" in text
    assert "Ask us to look again" in text

    # 5. The right to ask again; someone else decides.
    response = fam.post(f"/your-budget/checks/{check.pk}/ask-again/", {"reason": "The £500 is for respite."})
    assert response.status_code == 302
    assert "Someone who did not make the first decision" in page(fam, family_url)
    again = {
        "outcome": Outcome.KEPT,
        "reason": "Agreed: keep it.",
        "amount_kept": "2000",
        "kept_for": "breaks",
    }
    response = staff.post(f"/oversight/checks/{check.pk}/decide/", again)
    assert response.status_code == 400 and "Someone other than" in response.content.decode()
    sign_in(staff, staff2)
    assert staff.post(f"/oversight/checks/{check.pk}/decide/", again).status_code == 302
    text = page(fam, family_url)
    assert "Agreed: keep it." in text and "Ask us to look again" not in text

    # Every step is in the budget's history, and the council report counts it by how it is held.
    sign_in(staff, commissioner)
    history = page(staff, f"/budgets/{carer_dp.budget_id}/history/")
    for event in ("Annual statement sent", "Check started", "The family said", "Talked with the family",
                  "Check decided", "The family asked us to look again"):  # fmt: skip
        assert event in history, event
    # In words a family would use: money as money, and what started the check.
    history = html.unescape(history)
    started = "Check started (a large unspent balance) by the council's rules"
    assert f"{started} (run by {commissioner.display_name}): “£2,500.00 has built up" in history
    assert "Money left: £2,500.00." in history and "Money returned to the council: £500.00." in history
    assert "Money kept: £1,500.00." in history and "Kept for: a week away in June." in history
    assert "Outcome changed from Some money returned to the council to Money kept" in history
    assert "Money kept: £2,000.00." in history and "Kept for: breaks." in history
    assert "2500.00" not in history and "by the system" not in history
    from oversight.selectors import council_report

    today = timezone.localdate()
    row = council_report(council_id=council.pk, start=today - dt.timedelta(days=1), end=today)[
        "direct_payment"
    ]
    assert row["checks"] == 1 and row["by_reason"]["large_balance"] == 1
    assert row["by_outcome"][Outcome.KEPT] == 1 and row["by_outcome"][Outcome.RECOVERED] == 0
    assert row["money_kept"] == Decimal("2000.00") and row["money_recovered"] == Decimal("0.00")
    assert "Direct payment, self-managed" in page(staff, "/oversight/report/")
    year = today.year if today.month >= 4 else today.year - 1
    label = f"{year}-{(year + 1) % 100:02d}"
    lines = page(staff, f"/oversight/report.csv?period={label}").splitlines()
    assert lines[0].startswith("council,period,management_type,checks,reason_large_balance")
    assert f"{council.gss_code},{label},direct_payment,1,1,0,0,0,1,0,0,0,0.00,2000.00" in lines


def test_nothing_is_recovered_without_a_recorded_person_and_reason(council, commissioner, carer_dp):
    check = services.raise_concern(arrangement=carer_dp, actor=commissioner, concern="Payments bounced")
    services.record_conversation(check=check, actor=commissioner, note="Talked")
    with pytest.raises(OversightError):
        services.decide(
            check=check, actor=commissioner, outcome=Outcome.RECOVERED, reason=" ", amount_recovered=1
        )
    with pytest.raises(services.NotAllowed):
        services.decide(
            check=check, actor=system_actor(), outcome=Outcome.RECOVERED, reason="x", amount_recovered=1
        )
    with pytest.raises(OversightError):
        services.decide(
            check=check, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="x", amount_recovered=5
        )
    # The database refuses a recovery with no reason or no person, whatever code writes it.
    for fields in (
        {"reason": "", "decided_by": commissioner},
        {"reason": "x", "decided_by": None},
        {"reason": "x", "decided_by": commissioner, "outcome": Outcome.NO_CHANGE},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.create(
                check_obj=check, **{"outcome": Outcome.RECOVERED, "amount_recovered": Decimal("10"), **fields}
            )
    assert not Decision.objects.exists()


def test_the_isf_side_checks_the_ledger_balance_and_the_council_settings_apply(
    client, council, commissioner, council_admin, provider_org
):
    person = PersonFactory(council=council)
    family = UserFactory()
    Representative.objects.create(person=person, user=family)
    start = timezone.localdate() - dt.timedelta(days=120)
    fund = isf_fund(
        person=person, provider=provider_org, actor=system_actor(), start=start, annual="13000.00"
    )
    from providers.ledger.services import post_due_payments

    post_due_payments(fund=fund, actor=system_actor())
    sign_in(client, council_admin)
    url = f"/council/{council.gss_code}/settings/direct-payment-checks/"
    assert "Check large unspent balances" in page(client, url)
    response = client.post(url, {"large_balance_weeks": "8", "no_spending_days": "5"})
    assert response.status_code == 400 and "28" in response.content.decode()
    assert client.post(url, {"large_balance_weeks": "8", "no_spending_days": "91"}).status_code == 302
    assert services.run_checks(council=council) == []  # large balances switched off (box left unticked)
    assert (
        client.post(
            url, {"large_balance_enabled": "on", "large_balance_weeks": "8", "no_spending_days": "91"}
        ).status_code
        == 302
    )
    started = services.run_checks(council=council)
    assert [c.kind for c in started] == [CheckKind.LARGE_BALANCE]
    assert "Individual Service Fund" in started[0].reason and "8 weeks" in started[0].reason
    sign_in(client, family)
    assert "We would like to talk" in page(client, f"/your-budget/checks/{started[0].pk}/")


def test_a_managed_direct_payment_is_checked_from_its_held_account(council, provider_org, commissioner):
    """The managed-account side: the balance and the last spending come from the account the managing
    organisation keeps (providers.ledger's HeldAccount); nothing spent for over three months and money
    built up each start a check (a conversation, never a recovery)."""
    from providers.ledger.managed import open_managed_account, post_all_due_managed_payments

    carer = PersonFactory(council=council, is_carer=True)
    start = timezone.localdate() - dt.timedelta(days=200)
    budget = approved_budget(carer, start=start, parts=(("direct_payment_managed", "5200.00", provider_org),))
    arrangement = budget.arrangements.get()
    open_managed_account(arrangement=arrangement, actor=system_actor())
    post_all_due_managed_payments(actor=system_actor())
    started = {c.kind: c for c in services.run_checks(council=council)}
    assert set(started) == {CheckKind.LARGE_BALANCE, CheckKind.NO_SPENDING}
    assert "the organisation that manages your direct payment" in started[CheckKind.LARGE_BALANCE].reason
    assert f"since {start:%-d %B %Y}, more than 91 days" in started[CheckKind.NO_SPENDING].reason
    assert not Decision.objects.exists()
    assert services.run_checks(council=council) == []  # already open: not started twice


def test_the_parts_to_check_are_picked_from_the_versions_the_page_loaded_as_the_query_picks_them(
    client, council, other_council, commissioner, carer_dp, provider_org
):
    """Issue 14: the person page and Your budget hand oversight the versions they loaded
    (`person.loaded_budgets`), and oversight picks the parts to check from them: approved versions only,
    parts of the person's council active today, of the kinds it checks, in start-date order; the
    same parts as arrangements_to_check, and the same links on both pages."""
    from budgets.selectors import casework_budgets, family_budgets
    from oversight.selectors import arrangements_to_check, arrangements_to_check_for

    person = carer_dp.budget.person
    today = timezone.localdate()
    # A later approved version with a managed direct payment and an ISF (both checked), a part that
    # ended yesterday and one that starts tomorrow (not checked today), and a proposal (not approved).
    later = approved_budget(
        person,
        start=today - dt.timedelta(days=10),
        parts=(
            ("direct_payment_managed", "1000.00", provider_org),
            ("isf", "2000.00", provider_org),
            ("direct_payment", "300.00", None),
            ("direct_payment", "400.00", None),
        ),
    )
    ended, starting = later.arrangements.filter(management_type="direct_payment").order_by("pk")
    ended.end_date = today - dt.timedelta(days=1)
    ended.save()
    starting.start_date = today + dt.timedelta(days=1)
    starting.save()
    expected = list(
        arrangements_to_check(council_id=person.council_id, today=today).filter(budget__person=person)
    )
    kinds = sorted(a.management_type for a in expected)
    assert kinds == ["direct_payment", "direct_payment_managed", "isf"] or kinds == [
        "direct_payment_managed",
        "isf",
    ]  # the first version's direct payment unless the later version ended it; never the ended one
    assert ended not in expected and starting not in expected
    assert arrangements_to_check_for(person, today=today) == expected
    for loaded in (casework_budgets(person), family_budgets(person)):
        person.loaded_budgets = loaded
        assert arrangements_to_check_for(person, today=today) == expected

    sign_in(client, commissioner)
    staff_page = page(client, f"/people/{person.pk}/")
    for part in expected:
        assert f"/oversight/arrangements/{part.pk}/concern/" in staff_page
    assert staff_page.count("Raise a concern about the") == len(expected)
    sign_in(client, person.user)
    statements = [a for a in expected if a.management_type in ("direct_payment", "direct_payment_managed")]
    assert page(client, "/your-budget/").count("Send your annual statement") == len(statements)
