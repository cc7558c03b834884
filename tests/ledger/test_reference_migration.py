"""Arrangements made before references were generated (issue 12) get one by migration: the next in the
council's pattern, oldest first, and a held account with no reference takes its arrangement's, so the
provider's spending file reaches it. References already given are kept."""

import datetime as dt
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps

from budgets import services as budget_services
from budgets.models import Arrangement, ManagementType
from providers.ledger import services
from providers.ledger.imports import import_isf_entries
from providers.ledger.models import IndividualServiceFund
from tests.ledger.test_reference_after_move import START, _csv, _isf_through_the_services

pytestmark = pytest.mark.django_db

migration = importlib.import_module("providers.ledger.migrations.0006_give_every_arrangement_a_reference")


def test_arrangements_with_no_reference_get_the_next_in_the_councils_pattern(
    person, provider_org, commissioner, approver, robot
):
    agreement = _isf_through_the_services(person, provider_org, commissioner, approver, robot)
    isf = agreement.arrangement
    generated = isf.budget_ref
    prefix, number = re.fullmatch(r"(.+-PB-)(\d{5})", generated).groups()
    services.post_all_due_payments(today=START, actor=robot)
    fund = IndividualServiceFund.objects.get(agreement=agreement)
    # A later budget for the same council, with a typed reference and a generated one.
    budget = budget_services.budget_propose(
        person=person,
        start_date=START + dt.timedelta(days=1),
        arrangements=[
            budget_services.ArrangementInput(
                ManagementType.DIRECT_PAYMENT, Decimal("1000.00"), budget_ref="TYPED-9"
            ),
            budget_services.ArrangementInput(ManagementType.DIRECT_PAYMENT, Decimal("500.00")),
        ],
        actor=commissioner,
    )
    typed, later = budget.arrangements.order_by("pk")
    assert later.budget_ref == f"{prefix}{int(number) + 1:05d}"
    # As made before the change: the ISF and its fund have no reference.
    Arrangement.objects.filter(pk=isf.pk).update(budget_ref="")
    IndividualServiceFund.objects.filter(pk=fund.pk).update(budget_ref="")

    assert migration.give_references(apps) == 1

    isf.refresh_from_db()
    fund.refresh_from_db()
    typed.refresh_from_db()
    later.refresh_from_db()
    given = f"{prefix}{int(number) + 2:05d}"
    assert isf.budget_ref == given and fund.budget_ref == given
    assert typed.budget_ref == "TYPED-9" and later.budget_ref == f"{prefix}{int(number) + 1:05d}"
    assert not Arrangement.objects.filter(budget_ref="").exists()
    # Nothing left to do the second time.
    assert migration.give_references(apps) == 0

    # The provider's spending file now reaches the fund.
    result = import_isf_entries(
        data=_csv(f"{given},{START},support,25.00,Cinema,OLD-ISF-1"),
        provider=provider_org,
        actor=robot,
        today=START,
    )
    assert result.ok, result.errors
    assert fund.entries.filter(idempotency_key="OLD-ISF-1", amount=Decimal("-25.00")).exists()
