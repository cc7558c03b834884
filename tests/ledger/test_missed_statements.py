"""Issue 15: if the statement job does not run for more than four weeks, every missed period is made
when it next runs, oldest first, each once."""

import datetime as dt

from providers.ledger import services
from providers.ledger.models import Notification, Statement
from tests.ledger.conftest import START


def test_every_missed_statement_period_is_made_oldest_first_each_once(fund, robot, family):
    today = START + dt.timedelta(days=28 * 3 + 2)  # three periods have ended; the job never ran
    services.post_due_payments(fund=fund, actor=robot, today=today)

    assert services.produce_due_statements(today=today) == {"produced": 3, "already": 0}

    made = list(Statement.objects.order_by("pk").values_list("period_start", "period_end"))
    assert made == [
        (START + dt.timedelta(days=28 * n), START + dt.timedelta(days=28 * n + 27)) for n in range(3)
    ]
    assert Statement.objects.filter(scheduled=True).count() == 3
    assert Notification.objects.filter(user=family).count() == 3
    # The next run (and a second worker running it too) makes none twice.
    assert services.produce_due_statements(today=today) == {"produced": 0, "already": 3}
    assert Statement.objects.count() == 3


def test_no_statement_period_after_the_agreement_ended(fund, robot):
    agreement = fund.agreement
    agreement.end_date = START + dt.timedelta(days=30)
    agreement.save(update_fields=["end_date"])
    services.produce_due_statements(today=START + dt.timedelta(days=28 * 5))
    assert Statement.objects.count() == 2  # the period holding the last day is the last one
