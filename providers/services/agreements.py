"""Setting up a flexible agreement with the provider the person chose, and changing its terms: which ISF
arrangement it is for (or which agreement it replaces), the money taken from the approved budget, the
defaults, the rules every version of the terms must keep, and the versions kept."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from budgets.models import Arrangement, BudgetStatus, ManagementType, Person
from organisations import audit
from organisations.models import Provider
from organisations.money import format_money, to_money

from ..models import (
    DEFAULT_UNSPENT_LIMIT_WEEKS,
    TERM_FIELDS,
    AgreementStatus,
    AgreementVersion,
    ChoiceMade,
    ChoiceStatus,
    FlexibleAgreement,
    ProviderChoice,
    ProviderProfile,
)
from .choices import _lock_choice
from .errors import ProviderError


def default_unspent_limit(annual_budget: Decimal) -> Decimal:
    """Four weeks of budget: annual / 52 × 4, to the penny, half up."""
    return to_money(Decimal(annual_budget) * DEFAULT_UNSPENT_LIMIT_WEEKS / 52)


def isf_arrangements_for(*, person: Person, provider: Provider):
    """The person's ISF arrangements with this provider, in approved budgets, not yet under an
    agreement that is offered or in force: the ones an agreement may be set up for."""
    # Not NULL: a replacement (or a managed direct payment becoming an ISF) has no arrangement until its
    # move, and `pk NOT IN (..., NULL)` would refuse every arrangement of every person.
    taken = FlexibleAgreement.objects.filter(
        status__in=[AgreementStatus.OFFERED, AgreementStatus.ACTIVE, AgreementStatus.ENDING],
        arrangement__isnull=False,
    ).values("arrangement_id")
    return (
        Arrangement.objects.filter(
            budget__person=person,
            budget__status=BudgetStatus.APPROVED,
            management_type=ManagementType.ISF,
            provider=provider,
        )
        .exclude(pk__in=taken)
        .exclude(end_date__lt=timezone.localdate())
        .select_related("budget")
    )


def agreement_being_left(*, person: Person, provider: Provider) -> FlexibleAgreement | None:
    """The person's agreement with another provider that has an end date and no replacement yet: a new
    agreement with `provider` would replace it."""
    return (
        FlexibleAgreement.objects.filter(
            person=person,
            status=AgreementStatus.ENDING,
            end_date__isnull=False,
        )
        .exclude(provider=provider)
        .exclude(
            replaced_by__status__in=[AgreementStatus.OFFERED, AgreementStatus.ACTIVE, AgreementStatus.ENDING]
        )
        .order_by("-end_date")
        .first()
    )


def _snapshot(agreement: FlexibleAgreement) -> dict[str, str | None]:
    terms = {}
    for name in TERM_FIELDS:
        value = getattr(agreement, name)
        terms[name] = None if value is None else str(value)
    return terms


def _check_terms(agreement: FlexibleAgreement) -> None:
    if agreement.annual_budget is None or agreement.annual_budget < 0:
        raise ProviderError("Enter the annual budget.")
    if agreement.management_fee_percent is not None and agreement.management_fee_fixed is not None:
        raise ProviderError("Agree the management fee as a percentage or a fixed annual amount, not both.")
    if agreement.management_fee_percent is None and agreement.management_fee_fixed is None:
        raise ProviderError(
            "Agree the management fee up front: a percentage or a fixed annual amount (it may be 0)."
        )
    if agreement.management_fee_percent is not None and not (0 <= agreement.management_fee_percent <= 100):
        raise ProviderError("A management fee percentage must be between 0 and 100.")
    if (
        agreement.management_fee_fixed is not None
        and agreement.management_fee_fixed > agreement.annual_budget
    ):
        raise ProviderError("The management fee cannot be more than the annual budget.")
    if not (agreement.outcomes or "").strip():
        raise ProviderError(
            "Write the outcomes from the support plan: what the person wants from their support."
        )
    if agreement.payment_frequency_weeks < 1 or agreement.payment_frequency_weeks > 52:
        raise ProviderError("Pay the provider at least once a year and at most every week.")
    if agreement.unspent_limit < 0 or agreement.overdraft_limit < 0:
        raise ProviderError("Limits cannot be negative.")
    if agreement.end_date and agreement.end_date < agreement.start_date:
        raise ProviderError("The end date cannot be before the start date.")
    if agreement.review_date < agreement.start_date:
        raise ProviderError("The review date cannot be before the start date.")


def _money_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_money(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ProviderError(f"'{value}' is not an amount of money.") from exc


MONEY_TERMS = (
    "annual_budget",
    "unspent_limit",
    "overdraft_limit",
    "management_fee_fixed",
    "management_fee_percent",
)


def _apply_terms(agreement: FlexibleAgreement, terms: dict[str, Any]) -> None:
    """Set the terms given. The annual budget is not one of them: it is the approved Individual Service
    Fund's amount (set before this), so a different number typed by one person is refused."""
    for name, value in terms.items():
        if name not in TERM_FIELDS:
            raise ProviderError(f"'{name}' is not a term of the agreement.")
        if name in MONEY_TERMS:
            value = _money_or_none(value)
        if name == "annual_budget":
            if value != agreement.annual_budget:
                approved = format_money(agreement.annual_budget)
                raise ProviderError(
                    f"The annual budget comes from the approved budget: {approved} a year."
                    " To change it, propose a new budget version for an approver to approve."
                )
            continue
        setattr(agreement, name, value)


def set_up_agreement(
    *,
    choice: ProviderChoice,
    terms: dict[str, Any],
    actor,
    arrangement: Arrangement | None = None,
    moving_from: Arrangement | None = None,
) -> FlexibleAgreement:
    """The commissioner offers a flexible agreement to the provider the person chose.

    `moving_from` is a managed direct payment's arrangement that becomes this ISF from
    `terms["start_date"]` (providers/ledger/managed.py): the amount for support is its, and the ISF
    arrangement is made when that move completes.

    For a person's first ISF, `arrangement` is their ISF arrangement with the chosen provider (in an
    approved budget). For a move, where the person has given notice on an agreement with another
    provider, the new agreement replaces it: it starts the day after the old one ends, and the
    arrangement with the new provider is made on that day (unless one is given).

    Defaults: paid every 4 weeks in advance; unspent limit 4 weeks of budget; 28 days' notice from the
    person, 56 from the provider; no overdraft; review a year after the start.
    """
    with transaction.atomic():
        choice = _lock_choice(choice)
        recorded = choice.status == ChoiceStatus.REQUESTED and choice.made != ChoiceMade.ONLINE
        if choice.status != ChoiceStatus.ACCEPTED and not recorded:
            raise ProviderError(
                "The provider must accept the person's request before an agreement is set up."
            )
        person, provider = choice.person, choice.provider
        Person.objects.select_for_update().get(pk=person.pk)  # one set-up per person at a time
        if FlexibleAgreement.objects.filter(
            person=person, provider=provider, status__in=[AgreementStatus.OFFERED, AgreementStatus.ACTIVE]
        ).exists():
            raise ProviderError(f"{person} already has an agreement with {provider.name}.")
        replaces = None if moving_from is not None else agreement_being_left(person=person, provider=provider)
        if moving_from is not None:
            if (
                moving_from.management_type != ManagementType.DIRECT_PAYMENT_MANAGED
                or "start_date" not in terms
            ):
                raise ProviderError("Only a managed direct payment becomes an ISF from a date.")
        elif arrangement is not None:
            if not isf_arrangements_for(person=person, provider=provider).filter(pk=arrangement.pk).exists():
                raise ProviderError(
                    "Choose an Individual Service Fund with this provider in the person's approved budget."
                )
        elif replaces is None:
            raise ProviderError(
                f"{person} has no approved budget with an Individual Service Fund held by "
                f"{provider.name} yet. The choice is kept and waits for the budget."
            )
        terms = dict(terms)
        agreement = FlexibleAgreement(
            person=person,
            provider=provider,
            council=person.council,
            arrangement=arrangement,
            choice=choice,
            replaces=replaces,
            created_by=actor,
            status=AgreementStatus.OFFERED,
        )
        source = arrangement or (replaces.arrangement if replaces else None) or moving_from
        # The money is the approved arrangement's, never a number typed in (separation of duties).
        agreement.annual_budget = source.annual_amount if source is not None else replaces.annual_budget
        if replaces is not None:
            # The move: the new agreement starts the day after the old one's last day.
            terms["start_date"] = replaces.end_date + timedelta(days=1)
        elif arrangement is not None:
            terms.setdefault("start_date", max(arrangement.start_date, timezone.localdate()))
        _apply_terms(agreement, terms)
        if agreement.management_fee_percent is None and agreement.management_fee_fixed is None:
            profile = ProviderProfile.objects.filter(provider=provider).first()
            if profile is not None:
                agreement.management_fee_percent = profile.management_fee_percent
                agreement.management_fee_fixed = profile.management_fee_fixed
        if agreement.unspent_limit is None:
            agreement.unspent_limit = default_unspent_limit(agreement.annual_budget)
        if agreement.review_date is None:
            agreement.review_date = agreement.start_date + timedelta(days=365)
        if source is not None and source.budget.person_id != person.pk:
            raise ProviderError("That budget belongs to someone else.")
        _check_terms(agreement)
        agreement.save()
        AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            terms=_snapshot(agreement),
            created_by=actor,
            reason="Agreement set up",
        )
        audit.record(
            actor=actor,
            instance=agreement,
            event="agreement offered to provider",
            action=audit.CREATE,
            changes={name: (None, value) for name, value in _snapshot(agreement).items()},
        )
        return agreement


def _lock_agreement(agreement: FlexibleAgreement) -> FlexibleAgreement:
    return (
        # of=self: lock the agreement row only (the arrangement is an outer join, and not ours to lock).
        FlexibleAgreement.objects.select_for_update(of=("self",))
        .select_related("person", "provider", "council", "arrangement")
        .get(pk=agreement.pk)
    )


def change_agreement_terms(
    *, agreement: FlexibleAgreement, terms: dict[str, Any], reason: str, actor
) -> FlexibleAgreement:
    """The commissioner changes the terms: a new version, kept with the old ones. The provider accepts
    the new version in the browser; until then the page says it is waiting for them."""
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        if agreement.status not in (AgreementStatus.OFFERED, AgreementStatus.ACTIVE, AgreementStatus.ENDING):
            raise ProviderError("This agreement has ended; its terms can no longer change.")
        if agreement.replaces_id and "start_date" in terms:
            terms = {
                k: v for k, v in terms.items() if k != "start_date"
            }  # a move's start is fixed by the notice
        before = _snapshot(agreement)
        _apply_terms(agreement, terms)
        _check_terms(agreement)
        after = _snapshot(agreement)
        changes = {k: (before[k], after[k]) for k in TERM_FIELDS if before[k] != after[k]}
        if not changes:
            return agreement
        agreement.version += 1
        agreement.save()
        AgreementVersion.objects.create(
            agreement=agreement,
            number=agreement.version,
            terms=after,
            created_by=actor,
            reason=(reason or "").strip(),
        )
        audit.record(
            actor=actor,
            instance=agreement,
            event=f"agreement terms changed (version {agreement.version})",
            changes=changes,
            note=(reason or "").strip(),
        )
        return agreement
