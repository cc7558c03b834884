"""Agreements and funds for ledger tests, built directly (the providers services are tested there)."""

import datetime as dt
import itertools
from decimal import Decimal

from budgets.models import ManagementType
from providers.ledger.services import open_fund
from providers.models import AgreementStatus, FlexibleAgreement
from tests.budgets.factories import approved_budget

_refs = itertools.count(1)


def isf_agreement(
    *,
    person,
    provider,
    annual: str = "13000.00",
    start: dt.date = dt.date(2026, 4, 6),
    end: dt.date | None = None,
    fee_percent: str | None = "5.00",
    fee_fixed: str | None = None,
    overdraft: str = "0.00",
    unspent_limit: str = "1000.00",
    frequency_weeks: int = 4,
    in_advance: bool = True,
    budget_ref: str | None = None,
    replaces: FlexibleAgreement | None = None,
    status: str = AgreementStatus.ACTIVE,
) -> FlexibleAgreement:
    arrangement = None
    if replaces is None:
        budget = approved_budget(person, start=start, parts=((ManagementType.ISF, annual, provider),))
        arrangement = budget.arrangements.get()
        arrangement.budget_ref = budget_ref or f"ISF-{next(_refs):05d}"
        arrangement.save(update_fields=["budget_ref"])
    return FlexibleAgreement.objects.create(
        person=person,
        provider=provider,
        council=person.council,
        arrangement=arrangement,
        replaces=replaces,
        status=status,
        annual_budget=Decimal(annual),
        management_fee_percent=Decimal(fee_percent) if fee_percent is not None else None,
        management_fee_fixed=Decimal(fee_fixed) if fee_fixed is not None else None,
        outcomes="To get out and about, and to cook my own meals.",
        payment_frequency_weeks=frequency_weeks,
        payment_in_advance=in_advance,
        unspent_limit=Decimal(unspent_limit),
        overdraft_limit=Decimal(overdraft),
        start_date=start,
        end_date=end,
        review_date=start + dt.timedelta(days=365),
        version=1,
        accepted_version=1,
    )


def isf_fund(*, person, provider, actor, **kwargs):
    return open_fund(agreement=isf_agreement(person=person, provider=provider, **kwargs), actor=actor)
