"""The words of the ledger's refusals that are not about one value (providers/ledger/services/errors.py):
a batch refused as a whole says how many rows and that nothing was recorded, and lists each row's own
refusal; a refusal about no one value names no field."""

import pytest

from providers.ledger import services
from tests.ledger.conftest import START


def _row(fund, amount, key):
    return {
        "fund": fund,
        "entry_date": START,
        "category": "support",
        "amount": amount,
        "description": "Personal assistant",
        "idempotency_key": key,
    }


def test_a_batch_with_bad_rows_is_refused_whole_with_each_rows_reason(fund, robot, provider_finance):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    rows = [_row(fund, "10.00", "a"), _row(fund, "-5.00", "b"), _row(fund, "5000.00", "c")]
    with pytest.raises(services.ImportRefused) as refused:
        services.record_spending_many(rows=rows, actor=provider_finance, today=START)
    assert str(refused.value) == "2 rows could not be recorded; nothing was recorded."
    assert [(index, field) for index, field, _ in refused.value.errors] == [(1, "amount"), (2, "amount")]
    assert refused.value.errors[1][2] == (
        "There is not enough money left: £940.00 is left and this takes out £5,000.00. "
        "The agreement does not allow the balance to go below zero."
    )
    assert not fund.entries.filter(category="support").exists()


def test_a_refusal_about_no_one_value_names_no_field(fund, robot):
    with pytest.raises(services.LedgerError) as refused:
        services.transfer_balance(from_fund=fund, to_fund=fund, on_date=START, actor=robot)
    assert (str(refused.value), refused.value.field) == ("Money can only move to a different fund.", "")
