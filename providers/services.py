"""Writes for directory profiles, choices of provider and flexible agreements.

Each service is keyword-only, takes the acting user, runs in one transaction, writes its audit entry and
raises `ProviderError` with a message a person can read. State changes lock the row first
(`select_for_update`) so that two clicks, or a person and a scheduled job at once, cannot both act.
"""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from budgets.models import Arrangement, BudgetStatus, ManagementType, Person
from budgets.services import arrangement_end, arrangement_move_to_provider
from config.api import DomainConflict
from organisations import audit
from organisations.models import Provider
from organisations.money import format_money, to_money
from organisations.services import system_actor

from . import hooks
from .elements import ANSWER_CODES, CLIENT_GROUP_CODES, ELEMENT_CODES, ClientGroup
from .models import (
    DEFAULT_UNSPENT_LIMIT_WEEKS,
    OPEN_CHOICE_STATUSES,
    TERM_FIELDS,
    AgreementStatus,
    AgreementVersion,
    ChoiceMade,
    ChoiceStatus,
    FlexibleAgreement,
    NoticeFrom,
    ProviderChoice,
    ProviderProfile,
)
from .selectors import is_commissioner_for


class ProviderError(DomainConflict):
    """A rule about providers, choices or agreements was broken; the message is for a person to read."""


# ---- profiles --------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "summary",
    "offers",
    "postcode_districts",
    "client_groups",
    "offers_isf",
    "organisation_kind",
    "manages_direct_payments",
    "management_fee_percent",
    "management_fee_fixed",
    "languages",
    "staff_matching",
    "supports_self_managed_staff",
    "taking_new_people",
    "regulator",
    "regulator_registration",
    "regulator_rating",
    "email",
    "phone",
    "website",
    "address",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "element_answers",
    "isf_years",
)


def normalise_postcode_district(value: str) -> str:
    """ "dt1 1aa" -> "DT1"; "bh15" -> "BH15". The outward code is what providers list as an area."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    return value.split()[0][:4] if " " in value else (value[:-3] if len(value) > 4 else value)


def normalise_language(value: str) -> str:
    value = " ".join((value or "").split())
    return value[:1].upper() + value[1:] if value else ""


def ensure_profile(*, provider: Provider) -> ProviderProfile:
    profile, _ = ProviderProfile.objects.get_or_create(provider=provider)
    return profile


POSTCODE_DISTRICT = re.compile(r"^[A-Z0-9]{2,4}$")  # fits the column (4)
LANGUAGE_MAX_LENGTH = 60


def _check_profile_values(values: dict[str, Any]) -> None:
    # Each value must fit its column, so a long one is a message on the form, never a database error.
    bad = [d for d in values.get("postcode_districts") or [] if not POSTCODE_DISTRICT.match(d)]
    if bad:
        raise ProviderError(f"'{bad[0]}' is not a postcode district. Use the first part, like DT1 or BH15.")
    long = [lang for lang in values.get("languages") or [] if len(lang) > LANGUAGE_MAX_LENGTH]
    if long:
        raise ProviderError(f"Write each language in {LANGUAGE_MAX_LENGTH} characters or fewer.")
    groups = values.get("client_groups")
    if groups is not None:
        unknown = sorted(set(groups) - CLIENT_GROUP_CODES)
        if unknown:
            raise ProviderError(f"Unknown group of people: {', '.join(unknown)}.")
    answers = values.get("element_answers")
    if answers is not None:
        _check_element_answers(answers)
    percent, fixed = values.get("management_fee_percent"), values.get("management_fee_fixed")
    if percent is not None and fixed is not None:
        raise ProviderError("State the management fee as a percentage or a fixed annual amount, not both.")
    if percent is not None and not (Decimal(0) <= percent <= Decimal(100)):
        raise ProviderError("A management fee percentage must be between 0 and 100.")
    if fixed is not None and fixed < 0:
        raise ProviderError("A management fee cannot be negative.")


def _check_element_answers(answers: dict[str, str]) -> None:
    unknown = sorted(set(answers) - set(ELEMENT_CODES))
    if unknown:
        raise ProviderError(f"Unknown element of personalised support: {', '.join(unknown)}.")
    bad = sorted(code for code, answer in answers.items() if answer not in ANSWER_CODES)
    if bad:
        raise ProviderError(f"Unknown answer for: {', '.join(bad)}.")


def update_profile(
    *, provider: Provider, values: dict[str, Any], actor, council_areas=None, event: str = "profile updated"
) -> ProviderProfile:
    """Change the given profile fields (and, if given, the council areas); audit what changed."""
    with transaction.atomic():
        values = {k: v for k, v in values.items() if k in PROFILE_FIELDS}
        if "postcode_districts" in values:
            values["postcode_districts"] = sorted(
                {d for d in (normalise_postcode_district(v) for v in values["postcode_districts"]) if d}
            )
        if "client_groups" in values:
            # Kept in Table 2's order, without repeats; unknown codes are refused below.
            wanted = set(values["client_groups"])
            known = [code for code in ClientGroup.values if code in wanted]
            values["client_groups"] = known + sorted(wanted - set(known))
        if "languages" in values:
            values["languages"] = sorted(
                {lang for lang in map(normalise_language, values["languages"]) if lang}
            )
        for key in ("management_fee_percent", "management_fee_fixed"):
            if values.get(key) is not None:
                values[key] = to_money(values[key])
        profile = ensure_profile(provider=provider)
        profile = ProviderProfile.objects.select_for_update().get(pk=profile.pk)
        merged = {
            "management_fee_percent": profile.management_fee_percent,
            "management_fee_fixed": profile.management_fee_fixed,
            **values,
        }
        _check_profile_values(merged)
        changes = {}
        for key, new in values.items():
            old = getattr(profile, key)
            if old != new:
                changes[key] = (old, new)
                setattr(profile, key, new)
        if council_areas is not None:
            old_codes = sorted(profile.council_areas.values_list("gss_code", flat=True))
            new_codes = sorted(c.gss_code for c in council_areas)
            if old_codes != new_codes:
                profile.council_areas.set(council_areas)
                changes["council_areas"] = (", ".join(old_codes), ", ".join(new_codes))
        if changes:
            profile.save()
            audit.record(actor=actor, instance=profile, event=event, changes=changes)
        return profile


def update_profile_from_self_assessment(
    *,
    provider: Provider,
    client_groups: list[str],
    element_answers: dict[str, str],
    isf_years: str | None,
    actor,
) -> ProviderProfile:
    """Called by the surveys app when a provider submits its self-assessment: the groups it supports,
    its answers to the ten elements (plus funder_flexibility) and how long it has offered ISFs replace
    what the profile said. Unknown codes are refused (ProviderError) and nothing changes."""
    values: dict[str, Any] = {
        "client_groups": list(client_groups),
        "element_answers": dict(element_answers),
        "isf_years": isf_years or "",
    }
    return update_profile(
        provider=provider, values=values, actor=actor, event="profile updated from self-assessment"
    )


# ---- choosing a provider ---------------------------------------------------------------------------


def _open_choice(person: Person, provider: Provider) -> ProviderChoice | None:
    return (
        ProviderChoice.objects.select_for_update()
        .filter(person=person, provider=provider, status__in=OPEN_CHOICE_STATUSES)
        .first()
    )


def shortlist_provider(*, person: Person, provider: Provider, actor) -> ProviderChoice:
    """Put a provider on the person's shortlist (does nothing if it is there, or already asked)."""
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)  # one shortlist change per person at a time
        existing = _open_choice(person, provider)
        if existing:
            return existing
        choice = ProviderChoice.objects.create(person=person, provider=provider, created_by=actor)
        audit.record(
            actor=actor,
            instance=choice,
            event="provider shortlisted",
            action=audit.CREATE,
            changes={"status": (None, choice.status)},
        )
        return choice


def ask_provider(*, person: Person, provider: Provider, message: str, actor) -> ProviderChoice:
    """The person asks the provider to support them. A shortlisted choice becomes a request."""
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        profile = ProviderProfile.objects.filter(provider=provider).first()
        if profile is not None and not profile.taking_new_people:
            raise ProviderError(f"{provider.name} is not taking on new people at the moment.")
        choice = _open_choice(person, provider)
        if choice and choice.status != ChoiceStatus.SHORTLISTED:
            raise ProviderError(f"You have already asked {provider.name}.")
        if choice is None:
            choice = ProviderChoice(person=person, provider=provider, created_by=actor)
        old = choice.status if choice.pk else None
        choice.status = ChoiceStatus.REQUESTED
        choice.message = (message or "").strip()
        choice.requested_at = timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event="provider asked",
            action=audit.UPDATE if old else audit.CREATE,
            changes={"status": (old, choice.status)},
            note=choice.message,
        )
        return choice


def record_choice(
    *,
    person: Person,
    provider: Provider,
    made: str,
    chosen_by: str,
    chosen_on: date,
    actor,
    message: str = "",
    today: date | None = None,
) -> ProviderChoice:
    """The commissioner records a choice the person made by phone, on paper or at a meeting (who chose,
    how, when). The provider sees it as a request to accept, like one made online; the commissioner may
    set up the agreement from it straight away, and the provider accepting the agreement accepts it."""
    with transaction.atomic():
        if not is_commissioner_for(user=actor, agreement_or_person=person):
            raise ProviderError("Only a commissioner of the person's council can record their choice.")
        if made not in (ChoiceMade.PHONE, ChoiceMade.PAPER, ChoiceMade.MEETING):
            raise ProviderError("Say how the choice was made: by phone, on paper or at a meeting.")
        chosen_by = (chosen_by or "").strip()
        if not chosen_by:
            raise ProviderError("Say who made the choice, for example the person or their mother.")
        if chosen_on > (today or timezone.localdate()):
            raise ProviderError("The date the choice was made cannot be in the future.")
        Person.objects.select_for_update().get(pk=person.pk)
        choice = _open_choice(person, provider)
        if choice and choice.status != ChoiceStatus.SHORTLISTED:
            raise ProviderError(f"{person} has already asked {provider.name}.")
        if choice is None:
            choice = ProviderChoice(person=person, provider=provider, created_by=actor)
        old = choice.status if choice.pk else None
        choice.status = ChoiceStatus.REQUESTED
        choice.made, choice.chosen_by, choice.chosen_on = made, chosen_by, chosen_on
        choice.message = (message or "").strip()
        choice.requested_at = timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event=f"choice recorded by the commissioner ({ChoiceMade(made).label.lower()})",
            action=audit.UPDATE if old else audit.CREATE,
            changes={
                "status": (old, choice.status),
                "chosen_by": (None, chosen_by),
                "chosen_on": (None, chosen_on),
            },
            note=choice.message,
        )
        return choice


def _lock_choice(choice: ProviderChoice) -> ProviderChoice:
    return (
        ProviderChoice.objects.select_for_update(of=("self",))
        .select_related("person", "provider")
        .get(pk=choice.pk)
    )


def withdraw_choice(*, choice: ProviderChoice, actor) -> ProviderChoice:
    """The person takes a provider off their shortlist, or withdraws a request or acceptance."""
    with transaction.atomic():
        choice = _lock_choice(choice)
        if choice.status == ChoiceStatus.WITHDRAWN:
            return choice
        if choice.status not in OPEN_CHOICE_STATUSES:
            raise ProviderError("This choice has already been answered and cannot be withdrawn.")
        if choice.agreements.exclude(
            status__in=[AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN, AgreementStatus.ENDED]
        ).exists():
            raise ProviderError(
                "There is an agreement with this provider. To end it, give notice on the agreement."
            )
        old = choice.status
        choice.status = ChoiceStatus.WITHDRAWN
        choice.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, instance=choice, event="choice withdrawn", changes={"status": (old, choice.status)}
        )
        return choice


def accept_choice(*, choice: ProviderChoice, actor) -> ProviderChoice:
    """The provider agrees to support the person. The commissioner now sees the choice."""
    with transaction.atomic():
        choice = _lock_choice(choice)
        if choice.status == ChoiceStatus.ACCEPTED:
            return choice
        if choice.status != ChoiceStatus.REQUESTED:
            raise ProviderError("Only a request waiting for an answer can be accepted.")
        choice.status = ChoiceStatus.ACCEPTED
        choice.decided_by, choice.decided_at = actor, timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event="request accepted",
            changes={"status": (ChoiceStatus.REQUESTED, ChoiceStatus.ACCEPTED)},
        )
        return choice


def decline_choice(*, choice: ProviderChoice, reason: str, actor) -> ProviderChoice:
    with transaction.atomic():
        reason = (reason or "").strip()
        if not reason:
            raise ProviderError("Say why you cannot support this person, so they can choose again.")
        choice = _lock_choice(choice)
        if choice.status == ChoiceStatus.DECLINED:
            return choice
        if choice.status != ChoiceStatus.REQUESTED:
            raise ProviderError("Only a request waiting for an answer can be declined.")
        choice.status = ChoiceStatus.DECLINED
        choice.decline_reason = reason
        choice.decided_by, choice.decided_at = actor, timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event="request declined",
            changes={"status": (ChoiceStatus.REQUESTED, ChoiceStatus.DECLINED)},
            note=reason,
        )
        return choice


# ---- flexible agreements ---------------------------------------------------------------------------


def default_unspent_limit(annual_budget: Decimal) -> Decimal:
    """Four weeks of budget: annual / 52 × 4, to the penny, half up."""
    return to_money(Decimal(annual_budget) * DEFAULT_UNSPENT_LIMIT_WEEKS / 52)


def isf_arrangements_for(*, person: Person, provider: Provider):
    """The person's ISF arrangements with this provider, in approved budgets, not yet under an
    agreement that is offered or in force: the ones an agreement may be set up for."""
    taken = FlexibleAgreement.objects.filter(
        status__in=[AgreementStatus.OFFERED, AgreementStatus.ACTIVE, AgreementStatus.ENDING]
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


def accept_agreement(*, agreement: FlexibleAgreement, actor) -> FlexibleAgreement:
    """The provider accepts the current version of the terms. A first acceptance makes it agreed."""
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        if not agreement.awaiting_provider:
            return agreement
        old_status = agreement.status
        if agreement.status == AgreementStatus.OFFERED:
            agreement.status = AgreementStatus.ACTIVE
        agreement.accepted_version = agreement.version
        agreement.accepted_by, agreement.accepted_at = actor, timezone.now()
        agreement.save()
        AgreementVersion.objects.filter(agreement=agreement, number=agreement.version).update(
            accepted_by=actor, accepted_at=agreement.accepted_at
        )
        audit.record(
            actor=actor,
            instance=agreement,
            event=f"agreement accepted by provider (version {agreement.version})",
            changes={"status": (old_status, agreement.status)} if old_status != agreement.status else {},
        )
        if agreement.choice_id and agreement.choice.status == ChoiceStatus.REQUESTED:
            # A choice the commissioner recorded: accepting the agreement accepts the request too.
            accept_choice(choice=agreement.choice, actor=actor)
        if agreement.replaces_id and agreement.start_date <= timezone.localdate():
            _complete_move(agreement=agreement, on_date=agreement.start_date, actor=actor)
        hooks.run_on_accept(agreement=agreement, actor=actor)
        return agreement


def decline_agreement(*, agreement: FlexibleAgreement, reason: str, actor) -> FlexibleAgreement:
    with transaction.atomic():
        reason = (reason or "").strip()
        if not reason:
            raise ProviderError("Say why you cannot accept this agreement.")
        agreement = _lock_agreement(agreement)
        if agreement.status == AgreementStatus.DECLINED:
            return agreement
        if agreement.status != AgreementStatus.OFFERED:
            raise ProviderError("Only an agreement waiting for you to accept can be declined.")
        agreement.status = AgreementStatus.DECLINED
        agreement.decline_reason = reason
        agreement.save()
        audit.record(
            actor=actor,
            instance=agreement,
            event="agreement declined by provider",
            changes={"status": (AgreementStatus.OFFERED, AgreementStatus.DECLINED)},
            note=reason,
        )
        if agreement.choice_id and agreement.choice.status == ChoiceStatus.REQUESTED:
            decline_choice(choice=agreement.choice, reason=reason, actor=actor)
        return agreement


def withdraw_agreement(*, agreement: FlexibleAgreement, actor) -> FlexibleAgreement:
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        if agreement.status == AgreementStatus.WITHDRAWN:
            return agreement
        if agreement.status != AgreementStatus.OFFERED:
            raise ProviderError("Only an agreement the provider has not yet accepted can be withdrawn.")
        agreement.status = AgreementStatus.WITHDRAWN
        agreement.save()
        audit.record(
            actor=actor,
            instance=agreement,
            event="agreement withdrawn",
            changes={"status": (AgreementStatus.OFFERED, AgreementStatus.WITHDRAWN)},
        )
        return agreement


def give_notice(
    *,
    agreement: FlexibleAgreement,
    notice_from: str,
    actor,
    end_date: date | None = None,
    reason: str = "",
    today: date | None = None,
) -> FlexibleAgreement:
    """End an agreement. The person may do so at any time, for any reason, with the agreed notice
    (28 days by default); the provider must say why and give its longer notice (56 days by default).
    `end_date` is the last day of the agreement; it defaults to the earliest the notice allows."""
    with transaction.atomic():
        today = today or timezone.localdate()
        reason = (reason or "").strip()
        agreement = _lock_agreement(agreement)
        if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDING):
            raise ProviderError("Notice can only be given on an agreement that is in place.")
        if agreement.status == AgreementStatus.ENDING:
            raise ProviderError(
                f"Notice has already been given: the agreement ends on {agreement.end_date:%-d %B %Y}."
            )
        if notice_from == NoticeFrom.PERSON:
            earliest = agreement.earliest_person_end_date(today)
            days = agreement.person_notice_days
            who = "You need to give"
        elif notice_from == NoticeFrom.PROVIDER:
            if not reason:
                raise ProviderError(
                    "Say why you are ending the agreement. The person and the council will see it."
                )
            earliest = agreement.earliest_provider_end_date(today)
            days = agreement.provider_notice_days
            who = "The provider must give"
        else:
            raise ProviderError("Notice comes from the person or the provider.")
        end_date = end_date or earliest
        if end_date < earliest:
            raise ProviderError(f"{who} {days} days' notice. The earliest end date is {earliest:%-d %B %Y}.")
        old_end = agreement.end_date
        agreement.status = AgreementStatus.ENDING
        agreement.end_date = end_date
        agreement.notice_from = notice_from
        agreement.notice_given_by, agreement.notice_given_at = actor, timezone.now()
        agreement.notice_reason = reason
        agreement.save()
        audit.record(
            actor=actor,
            instance=agreement,
            event=f"notice given by the {notice_from}",
            changes={
                "status": (AgreementStatus.ACTIVE, AgreementStatus.ENDING),
                "end_date": (old_end, end_date),
            },
            note=reason,
        )
        return agreement


def _end_arrangement(arrangement: Arrangement | None, last_day: date, *, actor, event: str) -> None:
    """End the ISF arrangement on the agreement's last day, so monitoring counts stay true."""
    if arrangement is not None:
        arrangement_end(arrangement=arrangement, last_day=last_day, actor=actor, event=event)


def _complete_move(*, agreement: FlexibleAgreement, on_date: date, actor) -> FlexibleAgreement:
    """The person moves from `agreement.replaces` to `agreement`: the old one ends, the ISF arrangement
    passes to the new provider, and the hooks (the ledger moving the unspent balance) run in this same
    transaction. Callers hold the lock on `agreement`."""
    if agreement.move_completed_at is not None:
        return agreement
    old = _lock_agreement(agreement.replaces)
    if old.status in (AgreementStatus.ACTIVE, AgreementStatus.ENDING):
        old_status = old.status
        old.status = AgreementStatus.ENDED
        old.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            instance=old,
            event="agreement ended: person moved",
            changes={"status": (old_status, old.status)},
        )
    _end_arrangement(
        old.arrangement,
        old.end_date or on_date - timedelta(days=1),
        actor=actor,
        event="arrangement ended: person moved provider",
    )
    if agreement.arrangement_id is None:
        source = old.arrangement
        if source is None:
            raise ProviderError("The old agreement has no arrangement to move.")
        agreement.arrangement = arrangement_move_to_provider(
            arrangement=source,
            provider=agreement.provider,
            annual_amount=agreement.annual_budget,
            start_date=agreement.start_date,
            actor=actor,
        )
    agreement.move_completed_at = timezone.now()
    agreement.save(update_fields=["arrangement", "move_completed_at", "updated_at"])
    audit.record(
        actor=actor,
        instance=agreement,
        event="person moved to this agreement",
        changes={"replaces": (old, agreement)},
    )
    hooks.run_on_move(old_agreement=old, new_agreement=agreement, on_date=on_date, actor=actor)
    return agreement


def complete_move(*, agreement: FlexibleAgreement, actor, today: date | None = None) -> FlexibleAgreement:
    with transaction.atomic():
        today = today or timezone.localdate()
        agreement = _lock_agreement(agreement)
        if agreement.replaces_id is None:
            raise ProviderError("This agreement does not replace another.")
        if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDING):
            raise ProviderError("The provider has not accepted this agreement yet.")
        if agreement.start_date > today:
            raise ProviderError(f"The move happens on {agreement.start_date:%-d %B %Y}.")
        return _complete_move(agreement=agreement, on_date=agreement.start_date, actor=actor)


def end_agreement(*, agreement: FlexibleAgreement, actor, today: date | None = None) -> FlexibleAgreement:
    """An agreement whose last day has passed ends. With no replacement waiting, the `on_end` hooks run
    (the unspent balance is then settled with the council)."""
    with transaction.atomic():
        today = today or timezone.localdate()
        agreement = _lock_agreement(agreement)
        if agreement.status == AgreementStatus.ENDED:
            return agreement
        if (
            agreement.status != AgreementStatus.ENDING
            or agreement.end_date is None
            or agreement.end_date >= today
        ):
            raise ProviderError("This agreement has not reached its end date.")
        agreement.status = AgreementStatus.ENDED
        agreement.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            instance=agreement,
            event="agreement ended",
            changes={"status": (AgreementStatus.ENDING, AgreementStatus.ENDED)},
        )
        _end_arrangement(
            agreement.arrangement, agreement.end_date, actor=actor, event="arrangement ended: agreement ended"
        )
        replacement = FlexibleAgreement.objects.filter(replaces=agreement).first()
        if replacement is None or replacement.status in (AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN):
            hooks.run_on_end(agreement=agreement, on_date=agreement.end_date + timedelta(days=1), actor=actor)
        return agreement


def complete_due_changes(*, today: date | None = None, actor=None) -> dict[str, int]:
    """The daily job: complete every move whose date has come, then end agreements whose last day has
    passed. Each runs in its own transaction and re-checks under its row lock, so a second worker or a
    retry does nothing twice; one failure does not stop the rest."""
    today = today or timezone.localdate()
    actor = actor or system_actor()
    done = {"moved": 0, "ended": 0, "failed": 0}
    due_moves = FlexibleAgreement.objects.filter(
        replaces__isnull=False,
        move_completed_at__isnull=True,
        status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDING],
        start_date__lte=today,
    ).values_list("pk", flat=True)
    for pk in list(due_moves):
        try:
            complete_move(agreement=FlexibleAgreement(pk=pk), actor=actor, today=today)
            done["moved"] += 1
        except (ProviderError, IntegrityError):
            done["failed"] += 1
    due_ends = FlexibleAgreement.objects.filter(
        status=AgreementStatus.ENDING, end_date__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due_ends):
        try:
            end_agreement(agreement=FlexibleAgreement(pk=pk), actor=actor, today=today)
            done["ended"] += 1
        except (ProviderError, IntegrityError):
            done["failed"] += 1
    return done


__all__ = [
    "ProviderError",
    "accept_agreement",
    "accept_choice",
    "ask_provider",
    "change_agreement_terms",
    "complete_due_changes",
    "complete_move",
    "decline_agreement",
    "decline_choice",
    "default_unspent_limit",
    "end_agreement",
    "ensure_profile",
    "give_notice",
    "set_up_agreement",
    "shortlist_provider",
    "update_profile",
    "update_profile_from_self_assessment",
    "withdraw_agreement",
    "withdraw_choice",
]
