"""The council's checks run every day by beat (issue 19), not only from the staff's button: every
council, idempotent, and not asking the family the same question again straight after a decision."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from budgets.history import in_words
from organisations.audit import history_for
from organisations.services import system_actor
from oversight import services
from oversight.models import Check, CheckKind, CheckStatus, Outcome
from oversight.tasks import run_all_councils_checks
from providers.ledger.managed import open_managed_account, post_all_due_managed_payments
from tests.budgets.factories import PersonFactory, approved_budget
from tests.monitoring.conftest import set_celery_conf

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    from config.celery import app

    before = app.conf.task_always_eager
    set_celery_conf(task_always_eager=True)
    yield
    set_celery_conf(task_always_eager=before)


def managed_dp(council, provider):
    """A carer's managed direct payment with money built up and nothing spent for over 91 days."""
    carer = PersonFactory(council=council, is_carer=True)
    start = timezone.localdate() - dt.timedelta(days=200)
    budget = approved_budget(carer, start=start, parts=(("direct_payment_managed", "5200.00", provider),))
    arrangement = budget.arrangements.get()
    open_managed_account(arrangement=arrangement, actor=system_actor())
    return arrangement


def test_beat_runs_every_councils_checks_daily_once_and_waits_after_a_decision(
    council, other_council, provider_org, commissioner, eager_celery
):
    entry = settings.CELERY_BEAT_SCHEDULE["oversight-daily-checks"]
    assert entry["task"] == "oversight.tasks.run_all_councils_checks"
    assert entry["schedule"].hour == {4} and entry["schedule"].minute == {0}  # daily at 04:00

    mine, theirs = managed_dp(council, provider_org), managed_dp(other_council, provider_org)
    post_all_due_managed_payments(actor=system_actor())
    today = timezone.localdate()
    assert set(run_all_councils_checks(today=today.isoformat())) >= {council.pk, other_council.pk}
    for arrangement in (mine, theirs):
        checks = Check.objects.filter(arrangement=arrangement)
        assert {c.kind for c in checks} == {CheckKind.LARGE_BALANCE, CheckKind.NO_SPENDING}
        assert all(c.raised_by is None and c.status == CheckStatus.TALK_FIRST for c in checks)
        assert all(c.council_id == arrangement.council_id for c in checks)

    # In the budget's history, the daily run is the council's rules (no person pressed anything).
    entry = in_words(history_for(mine).get(additional_data__event__startswith="check started (a large"))
    assert entry["headline"].startswith("Check started (a large unspent balance) by the council's rules: “")

    # The next day (and the button the same day) start nothing twice: the checks are still open.
    run_all_councils_checks(today=(today + dt.timedelta(days=1)).isoformat())
    assert services.run_checks(council=council, today=today + dt.timedelta(days=1)) == []
    assert Check.objects.count() == 4

    # Decided today: the daily rules wait the council's own period before asking again.
    check = Check.objects.get(arrangement=mine, kind=CheckKind.LARGE_BALANCE)
    services.record_conversation(check=check, actor=commissioner, note="Saving for a break in June.")
    services.decide(
        check=check, actor=commissioner, outcome=Outcome.KEPT, reason="Agreed: keep it for the break.",
        amount_kept=check.balance, kept_for="a break in June",
    )  # fmt: skip
    run_all_councils_checks(today=(today + dt.timedelta(days=30)).isoformat())
    assert Check.objects.count() == 4  # 12 weeks not yet passed since the decision
    run_all_councils_checks(today=(today + dt.timedelta(weeks=12, days=1)).isoformat())
    again = Check.objects.filter(arrangement=mine, kind=CheckKind.LARGE_BALANCE).exclude(pk=check.pk)
    assert again.count() == 1 and again.get().raised_by is None
    assert Check.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_beat_and_the_button_at_the_same_moment_start_each_check_once(council, provider_org):
    import threading

    from django.db import connection

    managed_dp(council, provider_org)
    post_all_due_managed_payments(actor=system_actor())
    services.settings_for(council)
    barrier, started = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            started.append(len(services.run_checks(council=council)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(started) == [0, 2] and Check.objects.count() == 2
