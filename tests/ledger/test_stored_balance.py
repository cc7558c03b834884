"""Issue 14: a ledger page reads its balance from the account row, which the database keeps equal to
the sum of the entries (the state-machine test checks it after any sequence of operations)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from providers.ledger import services
from providers.ledger.models import Category, HeldAccount
from providers.ledger.selectors import balance_of
from tests.ledger.conftest import START

D = Decimal


def test_each_entry_moves_the_stored_balance_and_last_entry_date(fund, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    services.record_spending(
        fund=fund,
        entry_date=START + dt.timedelta(days=3),
        category=Category.SUPPORT,
        amount="120.50",
        description="Support from Ann",
        idempotency_key="k1",
        actor=robot,
        today=START + dt.timedelta(days=3),
    )
    row = HeldAccount.objects.get(pk=fund.pk)
    assert row.balance == D("829.50") == balance_of(fund)
    assert row.last_entry_on == START + dt.timedelta(days=3)


def test_an_old_copy_of_the_account_saved_again_does_not_write_back_its_balance(fund, robot):
    stale = HeldAccount.objects.get(pk=fund.pk)
    services.post_due_payments(fund=fund, actor=robot, today=START)
    stale.budget_ref = "DOR-ISF-NEW"
    stale.save()
    row = HeldAccount.objects.get(pk=fund.pk)
    assert (row.budget_ref, row.balance) == ("DOR-ISF-NEW", D("950.00"))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_individualservicefund SET balance = balance + 1 WHERE id = %s",
        "UPDATE ledger_individualservicefund SET last_entry_on = '2020-01-01' WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_a_balance_except_by_an_entry(fund, robot, sql):
    services.post_due_payments(fund=fund, actor=robot, today=START)
    with pytest.raises(DatabaseError, match="kept by its entries"), transaction.atomic():
        connection.cursor().execute(sql, [fund.pk])
    assert balance_of(fund) == D("950.00")


def test_an_account_cannot_be_opened_with_money_already_in_it(fund):
    with pytest.raises(DatabaseError, match="opens with no money"), transaction.atomic():
        connection.cursor().execute(
            "INSERT INTO ledger_individualservicefund (kind, person_id, provider_id, council_id, budget_ref,"
            " opened_on, balance, created_at, agreement_id)"
            " SELECT kind, person_id, provider_id, council_id, 'X', opened_on, 5, now(), NULL"
            " FROM ledger_individualservicefund WHERE id = %s",
            [fund.pk],
        )
