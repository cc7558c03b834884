"""Money rules of the ISF ledger at their edges: each test was written against a fault seeded into
providers/ledger/services.py that the suite did not catch."""

import datetime as dt
from decimal import Decimal

import pytest

from providers import services as provider_services
from providers.ledger import services
from providers.ledger.models import Category
from providers.ledger.selectors import balance_of
from providers.models import AgreementStatus
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_negative_balance_stays_with_the_old_provider_on_a_move(
    person, provider_org, other_provider_org, robot
):
    # Paid in arrears, with an overdraft: the provider spends before the first payment is due.
    old = isf_agreement(
        person=person, provider=provider_org, overdraft="100.00", in_advance=False, start=START
    )
    fund = services.open_fund(agreement=old, actor=robot)
    services.record_spending(
        fund=fund,
        entry_date=START,
        category=Category.SUPPORT,
        amount="80.00",
        description="Support from Ann",
        idempotency_key="k1",
        actor=robot,
        today=START,
    )
    old.status, old.end_date = AgreementStatus.ENDING, START + dt.timedelta(days=9)
    old.save()
    new = isf_agreement(
        person=person, provider=other_provider_org, replaces=old, start=START + dt.timedelta(days=10)
    )
    provider_services.complete_move(agreement=new, actor=robot, today=new.start_date)
    assert balance_of(fund) == D("-80.00")
    assert not fund.entries.filter(category=Category.TRANSFER).exists()
    new_fund = new.isf
    assert balance_of(new_fund) == D("0.00")
    assert not new_fund.entries.exists()


def test_a_fee_that_would_pass_the_overdraft_limit_is_refused_and_nothing_is_posted(
    person, provider_org, robot
):
    # A fixed yearly fee with no money paid in (an agreement whose budget was cut to nothing).
    agreement = isf_agreement(
        person=person,
        provider=provider_org,
        annual="0.00",
        fee_percent=None,
        fee_fixed="130.00",
        overdraft="5.00",
        start=START,
    )
    fund = services.open_fund(agreement=agreement, actor=robot)
    with pytest.raises(
        services.LedgerError, match="There is not enough money left: £0.00 is left and this takes out £10.00"
    ):
        services.post_due_payments(fund=fund, actor=robot, today=START)
    assert not fund.entries.exists()
    assert balance_of(fund) == D("0.00")
