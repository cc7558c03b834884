"""The council payments and management fees the daily job posts (providers/ledger/services/payments.py),
at their edges: amounts of £1.00 and of nothing, a fixed fee's words, each fund's own keys, who is
recorded in the audit trail, and how the job counts and logs the funds it could not pay."""

import datetime as dt
import logging
from decimal import Decimal

from organisations.audit import history_for
from organisations.services import system_actor
from providers.ledger import services
from providers.ledger.models import Category
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement, isf_fund
from tests.ledger.test_managed_rules import _managed_arrangement

D = Decimal


def _posted(fund):
    return list(fund.entries.order_by("pk").values_list("category", "amount", "description"))


def _event(entry):
    (log,) = history_for(entry)
    return log.actor, log.additional_data["event"]


def test_each_fund_is_paid_once_under_its_own_keys(fund, other_fund, robot):
    """Two funds share the same payment keys: one fund's payments do not stop the other's, and posting
    again adds nothing."""
    assert len(services.post_due_payments(fund=fund, actor=robot, today=START)) == 2
    assert len(services.post_due_payments(fund=other_fund, actor=robot, today=START)) == 2
    assert services.post_due_payments(fund=fund, actor=robot, today=START) == []
    assert fund.entries.count() == other_fund.entries.count() == 2


def test_a_payment_and_a_fee_of_one_pound_are_posted_and_a_fee_of_nothing_is_not(
    person, other_person, provider_org, other_provider_org, robot
):
    """£13.00 a year every 4 weeks is £1.00 a payment; at 0% there is no fee entry at all. £260.00 a
    year at 5% is a £1.00 fee."""
    small = isf_fund(person=person, provider=provider_org, actor=robot, annual="13.00", fee_percent="0.00")
    services.post_due_payments(fund=small, actor=robot, today=START)
    assert [(c, a) for c, a, _ in _posted(small)] == [(Category.COUNCIL_PAYMENT, D("1.00"))]
    fee = isf_fund(person=other_person, provider=other_provider_org, actor=robot, annual="260.00")
    services.post_due_payments(fund=fee, actor=robot, today=START)
    assert [(c, a) for c, a, _ in _posted(fee)] == [
        (Category.COUNCIL_PAYMENT, D("20.00")),
        (Category.MANAGEMENT_FEE, D("-1.00")),
    ]


def test_a_fixed_fee_with_no_payment_posts_only_the_fee_named_as_part_of_the_yearly_fee(
    person, provider_org, robot
):
    """No council money (a £0.00 budget) posts no payment; the fixed fee's part is described as part of
    the provider's yearly fee."""
    fund = isf_fund(
        person=person,
        provider=provider_org,
        actor=robot,
        annual="0.00",
        fee_percent=None,
        fee_fixed="13.00",
        overdraft="5.00",
    )
    services.post_due_payments(fund=fund, actor=robot, today=START)
    assert _posted(fund) == [
        (
            Category.MANAGEMENT_FEE,
            D("-1.00"),
            "Harbour Lights Support's fee for holding your money, 6 April 2026 to 3 May 2026 "
            "(part of the £13.00 yearly fee)",
        )
    ]


def test_each_payment_and_fee_is_audited_with_who_posted_it(fund, commissioner):
    payment, fee = services.post_due_payments(fund=fund, actor=commissioner, today=START)
    assert _event(payment) == (commissioner, "council payment posted")
    assert _event(fee) == (commissioner, "management fee posted")


def test_the_daily_job_records_the_actor_given_for_funds_and_managed_accounts_alike(
    person, other_person, provider_org, commissioner
):
    """Run by hand as someone, the job opens and pays ISFs and managed direct payments in their name."""
    agreement = isf_agreement(person=person, provider=provider_org, start=START)
    arrangement = _managed_arrangement(other_person, provider_org)
    services.post_all_due_payments(today=START, actor=commissioner)
    (opened,) = history_for(agreement.isf)
    assert opened.actor == commissioner
    account = arrangement.held_accounts.get()
    assert {e.recorded_by for e in account.entries.all()} == {commissioner}


def test_the_daily_job_opens_each_fund_as_the_system_when_no_one_is_given(person, provider_org):
    agreement = isf_agreement(person=person, provider=provider_org, start=START)
    services.post_all_due_payments(today=START)
    (opened,) = history_for(agreement.isf)
    assert (opened.actor, opened.additional_data["event"]) == (
        system_actor(),
        "Individual Service Fund opened",
    )


def test_the_daily_job_counts_and_logs_every_fund_it_could_not_pay(
    person, other_person, provider_org, other_provider_org, caplog
):
    """Two funds whose fixed fee cannot be taken (no money in, no overdraft): both counted, each logged
    by its agreement."""
    refused = [
        isf_agreement(
            person=who, provider=provider, annual="0.00", fee_percent=None, fee_fixed="130.00", start=START
        )
        for who, provider in ((person, provider_org), (other_person, other_provider_org))
    ]
    with caplog.at_level(logging.ERROR, logger="providers.ledger.services.payments"):
        result = services.post_all_due_payments(today=START + dt.timedelta(days=1))
    assert result == {"funds": 0, "entries": 0, "failed": 2}
    assert sorted(
        r.getMessage() for r in caplog.records if r.name == "providers.ledger.services.payments"
    ) == sorted(f"Could not post payments for agreement {a.pk}" for a in refused)


def test_a_providers_reference_like_a_payments_key_does_not_stop_the_payment(fund, robot, provider_finance):
    """The provider's own entry under the words of next period's payment key is not that payment: the
    daily job still posts it when it falls due."""
    services.post_due_payments(fund=fund, actor=robot, today=START)
    key = fund.entries.get(category=Category.COUNCIL_PAYMENT).idempotency_key.replace("1-1", "1-2")
    services.record_spending(
        fund=fund,
        entry_date=START,
        category=Category.SUPPORT,
        amount="10.00",
        description="Support from Ann",
        idempotency_key=key,
        actor=provider_finance,
        today=START,
    )
    posted = services.post_due_payments(fund=fund, actor=robot, today=START + dt.timedelta(weeks=4))
    assert [(e.category, e.amount, e.idempotency_key) for e in posted] == [
        (Category.COUNCIL_PAYMENT, D("1000.00"), key),
        (Category.MANAGEMENT_FEE, D("-50.00"), key.replace("council-payment", "management-fee")),
    ]
