"""Issue 19's oversight rules, one at a time through the services the staff's and the family's pages
call (fast: no pages). A check only starts a conversation; nothing is decided before it; a decision is
made by a named commissioner or approver of the council with a reason; money kept or returned is
stated and never more than was unspent; the family may ask again once, and then someone else decides."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from organisations.audit import history_for
from organisations.models import Role
from oversight import services
from oversight.models import AnnualStatement, Check, CheckKind, CheckStatus, Decision, Outcome
from oversight.services import NotAllowed, OversightError
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct_payment(council):
    person = PersonFactory(council=council, given_name="Megan", family_name="Jones")
    budget = approved_budget(
        person,
        start=timezone.localdate() - dt.timedelta(days=200),
        parts=(("direct_payment", "5200.00", None),),
    )
    return budget.arrangements.get()


@pytest.fixture
def family():
    return UserFactory(email="megan@example.org", full_name="Megan Jones")


def _talked(arrangement, actor, *, balance=None) -> Check:
    check = services.raise_concern(arrangement=arrangement, actor=actor, concern="Payments bounced twice")
    if balance is not None:
        Check.objects.filter(pk=check.pk).update(balance=balance)
    return services.record_conversation(check=check, actor=actor, note="We talked on the phone.")


def refused(message):
    """The step is refused with this whole message (the family or the staff read it as it is)."""
    return pytest.raises(OversightError, match=f"^{re.escape(message)}$")


def _events(instance):
    return [(e.additional_data["event"], e.actor) for e in history_for(instance)]


def test_only_the_councils_commissioners_and_approvers_raise_concerns_talk_and_decide(
    council, other_council, direct_payment, commissioner, monitoring_officer
):
    outsider = staff(Role.COMMISSIONER, council=other_council, email="c@bristol.example.org")
    for who in (outsider, monitoring_officer):
        with pytest.raises(NotAllowed):
            services.raise_concern(arrangement=direct_payment, actor=who, concern="x")
    check = services.raise_concern(arrangement=direct_payment, actor=commissioner, concern="Payments bounced")
    assert (check.kind, check.status, check.raised_by) == (
        CheckKind.CONCERN,
        CheckStatus.TALK_FIRST,
        commissioner,
    )
    assert "Payments bounced" in check.reason
    with pytest.raises(NotAllowed):
        services.record_conversation(check=check, actor=outsider, note="x")
    services.record_conversation(check=check, actor=commissioner, note="Talked")
    with pytest.raises(NotAllowed):
        services.decide(check=check, actor=outsider, outcome=Outcome.NO_CHANGE, reason="x")
    assert not Decision.objects.exists()


def test_a_concern_needs_words_and_the_councils_leave(council, direct_payment, commissioner):
    with refused("Say what the concern is, in words the family will read."):
        services.raise_concern(arrangement=direct_payment, actor=commissioner, concern="   ")
    services.settings_save(council=council, actor=commissioner, concern_enabled=False)
    with refused("This council does not use concerns as a reason for a check."):
        services.raise_concern(arrangement=direct_payment, actor=commissioner, concern="Payments bounced")
    assert not Check.objects.exists()


def test_changing_the_settings_records_who_changed_what(council, council_admin):
    saved = services.settings_save(
        council=council, actor=council_admin, large_balance_weeks=8, concern_enabled=True
    )
    assert (saved.large_balance_weeks, saved.updated_by) == (8, council_admin)
    (entry,) = history_for(saved)
    assert entry.actor == council_admin
    assert entry.additional_data["event"] == "direct-payment check settings changed"
    assert set(entry.changes) == {"large_balance_weeks"}  # only what changed


def test_the_conversation_is_recorded_with_who_and_when_and_only_before_a_decision(
    council, direct_payment, commissioner
):
    check = services.raise_concern(arrangement=direct_payment, actor=commissioner, concern="Bounced")
    with refused("Write what you talked about: the family will read it."):
        services.record_conversation(check=check, actor=commissioner, note=" ")
    check.refresh_from_db()
    assert check.status == CheckStatus.TALK_FIRST
    on = timezone.localdate() - dt.timedelta(days=2)
    talked = services.record_conversation(check=check, actor=commissioner, note=" On the phone ", on=on)
    assert (talked.status, talked.conversation_note, talked.conversation_by, talked.conversation_on) == (
        CheckStatus.TALKED,
        "On the phone",
        commissioner,
        on,
    )
    # Talked again before deciding: the note is updated, the check stays talked.
    again = services.record_conversation(check=check, actor=commissioner, note="And in person")
    assert (again.status, again.conversation_on) == (CheckStatus.TALKED, timezone.localdate())
    services.decide(check=check, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="All fine")
    with refused("This check has been decided. The family can ask us to look again."):
        services.record_conversation(check=check, actor=commissioner, note="Later")
    assert _events(direct_payment)[-1] == ("check decided", commissioner)
    assert [e for e, _ in _events(check)].count("talked with the family") == 2


def test_the_family_replies_in_their_own_words(council, direct_payment, commissioner, family):
    check = services.raise_concern(arrangement=direct_payment, actor=commissioner, concern="Bounced")
    with refused("Write what you would like us to know."):
        services.family_reply(check=check, actor=family, text="  ")
    replied = services.family_reply(check=check, actor=family, text=" We changed bank. ")
    assert replied.family_reply == "We changed bank." and replied.family_reply_at is not None
    assert ("the family said", family) in _events(check)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": "lost"}, "Choose what was decided."),
        ({"outcome": Outcome.RECOVERED}, "Enter the amount going back to the council."),
        (
            {"outcome": Outcome.RECOVERED, "amount_recovered": Decimal("-1")},
            "Enter the amount going back to the council.",
        ),
        (
            {"outcome": Outcome.PLAN_REVIEW, "amount_recovered": Decimal("1")},
            "Money goes back to the council only when that is the decision.",
        ),
        ({"outcome": Outcome.KEPT, "amount_kept": Decimal("10")}, "Say what the kept money is for."),
        ({"outcome": Outcome.KEPT, "kept_for": "a holiday"}, "Enter the amount kept for the agreed purpose."),
        (
            {"outcome": Outcome.KEPT, "kept_for": "x", "amount_kept": Decimal("-5")},
            "Enter the amount kept for the agreed purpose.",
        ),
        (
            {"outcome": Outcome.NO_CHANGE, "reason": "  "},
            "Write the reason for the decision: the family will read it.",
        ),
        (
            {
                "outcome": Outcome.RECOVERED,
                "amount_recovered": Decimal("600.00"),
                "amount_kept": Decimal("400.01"),
                "kept_for": "a week away",
            },
            "The amounts come to more than the £1,000.00 unspent.",
        ),
    ],
)
def test_a_decision_states_its_outcome_and_amounts_and_never_more_than_was_unspent(
    council, direct_payment, commissioner, fields, message
):
    check = _talked(direct_payment, commissioner, balance=Decimal("1000.00"))
    with refused(message):
        services.decide(check=check, actor=commissioner, **{"reason": "Because", **fields})
    check.refresh_from_db()
    assert check.status == CheckStatus.TALKED and not Decision.objects.exists()


def test_a_decision_up_to_the_whole_unspent_balance_is_recorded_with_who_and_why(
    council, direct_payment, commissioner
):
    check = _talked(direct_payment, commissioner, balance=Decimal("1000.00"))
    decision = services.decide(
        check=check,
        actor=commissioner,
        outcome=Outcome.RECOVERED,
        reason=" More than needed ",
        amount_recovered=Decimal("600.00"),
        amount_kept=Decimal("400.00"),
        kept_for=" a week away ",
    )
    assert (decision.decided_by, decision.reason, decision.kept_for) == (
        commissioner,
        "More than needed",
        "a week away",
    )
    assert (decision.amount_recovered, decision.amount_kept, decision.on_asking_again) == (
        Decimal("600.00"),
        Decimal("400.00"),
        False,
    )
    check.refresh_from_db()
    assert check.status == CheckStatus.DECIDED
    entry = list(history_for(direct_payment))[-1]
    assert (entry.additional_data["event"], entry.actor) == ("check decided", commissioner)
    assert set(entry.changes) == {"outcome", "amount_recovered", "amount_kept", "kept_for"}
    with refused("This check has been decided. The family can ask us to look again."):
        services.decide(check=check, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="x")
    assert Decision.objects.count() == 1


def test_nothing_is_decided_before_the_conversation(council, direct_payment, commissioner):
    check = services.raise_concern(arrangement=direct_payment, actor=commissioner, concern="Bounced")
    with refused("Talk with the family first: record the conversation before deciding."):
        services.decide(check=check, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="Fine")
    assert not Decision.objects.exists()


def test_the_family_asks_again_once_and_someone_else_decides(
    council, direct_payment, commissioner, approver, family
):
    check = _talked(direct_payment, commissioner)
    with refused("You can ask us to look again once a decision has been made."):
        services.ask_again(check=check, actor=family, reason="Please")
    first = services.decide(check=check, actor=commissioner, outcome=Outcome.PLAN_REVIEW, reason="Review it")
    with refused("Tell us why you would like us to look again."):
        services.ask_again(check=check, actor=family, reason=" ")
    asked = services.ask_again(check=check, actor=family, reason=" We disagree ")
    assert (asked.status, asked.ask_again_reason) == (CheckStatus.ASKED_AGAIN, "We disagree")
    assert asked.asked_again_at is not None
    with refused("Someone other than the person who made the first decision must look again."):
        services.decide(check=check, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="Still")
    second = services.decide(check=check, actor=approver, outcome=Outcome.NO_CHANGE, reason="Agreed")
    assert second.on_asking_again and not first.on_asking_again
    entry = list(history_for(check))[-1]
    assert entry.changes["outcome"] == [
        "Plan or budget to be reviewed",
        "Nothing needs to change",
    ]
    with refused("This decision was already looked at again. Contact the council to complain."):
        services.ask_again(check=check, actor=family, reason="Again")
    check.refresh_from_db()
    assert check.status == CheckStatus.DECIDED


def test_the_annual_statement_is_for_direct_payments_once_a_year_with_what_is_left(
    council, direct_payment, commissioner, family, provider_org
):
    year_end = timezone.localdate() - dt.timedelta(days=1)
    with refused("Tell us, in your own words, what the money paid for."):
        services.send_statement(
            arrangement=direct_payment,
            actor=family,
            year_end=year_end,
            paid_for=" ",
            money_received=Decimal("5200"),
            money_spent=Decimal("1"),
        )
    statement = services.send_statement(
        arrangement=direct_payment,
        actor=family,
        year_end=year_end,
        paid_for=" A sitter ",
        money_received=Decimal("5200.00"),
        money_spent=Decimal("2700.50"),
    )
    assert (statement.paid_for, statement.money_left, statement.sent_by) == (
        "A sitter",
        Decimal("2499.50"),
        family,
    )
    assert statement.council == council
    with pytest.raises(OversightError, match="already sent a statement for the year to"):
        services.send_statement(
            arrangement=direct_payment,
            actor=family,
            year_end=year_end,
            paid_for="Again",
            money_received=Decimal("1"),
            money_spent=Decimal("1"),
        )
    entry = list(history_for(direct_payment))[-1]
    assert (entry.additional_data["event"], entry.actor) == ("annual statement sent", family)
    isf = approved_budget(
        PersonFactory(council=council), start=timezone.localdate(), parts=(("isf", "1000.00", provider_org),)
    ).arrangements.get()
    with refused("Annual statements are for direct payments."):
        services.send_statement(
            arrangement=isf,
            actor=family,
            year_end=year_end,
            paid_for="x",
            money_received=Decimal("1"),
            money_spent=Decimal("1"),
        )
    assert AnnualStatement.objects.count() == 1


def test_only_council_staff_read_a_statement_and_who_read_it_is_recorded(
    council, other_council, direct_payment, commissioner, family
):
    statement = services.send_statement(
        arrangement=direct_payment,
        actor=family,
        year_end=timezone.localdate(),
        paid_for="A sitter",
        money_received=Decimal("100"),
        money_spent=Decimal("40"),
    )
    with pytest.raises(NotAllowed):
        services.read_statement(statement=statement, actor=family)
    outsider = staff(Role.APPROVER, council=other_council, email="a@bristol.example.org", approval_limit=1)
    with pytest.raises(NotAllowed):
        services.read_statement(statement=statement, actor=outsider)
    read = services.read_statement(statement=statement, actor=commissioner, note=" Thanks ")
    statement.refresh_from_db()
    assert (statement.read_by, statement.read_note) == (commissioner, "Thanks")
    assert statement.read_at is not None and read.read_at == statement.read_at
    entry = list(history_for(direct_payment))[-1]
    assert (entry.additional_data["event"], entry.actor) == ("annual statement read", commissioner)


def test_checks_and_statements_are_seen_by_their_councils_case_staff_and_their_family_only(
    council, other_council, direct_payment, commissioner, approver, monitoring_officer, platform_admin, family
):
    from django.contrib.auth.models import AnonymousUser

    from budgets.models import Representative
    from oversight import selectors

    Representative.objects.create(person=direct_payment.budget.person, user=family)
    check = services.raise_concern(arrangement=direct_payment, actor=commissioner, concern="Bounced")
    statement = services.send_statement(
        arrangement=direct_payment,
        actor=family,
        year_end=timezone.localdate(),
        paid_for="A sitter",
        money_received=Decimal("100"),
        money_spent=Decimal("40"),
    )
    bristol = staff(Role.COMMISSIONER, council=other_council, email="c@bristol.example.org")
    for user in (commissioner, approver, platform_admin):
        assert list(selectors.checks_visible_to(user=user)) == [check]
        assert list(selectors.statements_visible_to(user=user)) == [statement]
    for user in (bristol, monitoring_officer, family, AnonymousUser()):
        assert not selectors.checks_visible_to(user=user).exists()
        assert not selectors.statements_visible_to(user=user).exists()
    assert list(selectors.checks_of_family(user=family)) == [check]
    assert not selectors.checks_of_family(user=UserFactory()).exists()
    assert list(selectors.arrangements_of_family(user=family)) == [direct_payment]
    assert selectors.may_decide(user=approver, council_id=council.pk)
    assert not selectors.may_decide(user=monitoring_officer, council_id=council.pk)
    assert not selectors.may_decide(user=bristol, council_id=council.pk)
