"""Every change to a choice or an agreement is recorded with who, when and what (DESIGN.md, "Access"):
each service's audit entry names the person who acted, what changed (field by field) and their reason."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from organisations.audit import history_for
from providers import services
from providers.models import AgreementStatus, ChoiceMade, ChoiceStatus, NoticeFrom
from providers.services import ProviderError
from tests.providers.factories import TERMS, agreed, isf_budget

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def entry(obj, event):
    return history_for(obj).get(additional_data__event=event)


def test_asking_is_recorded_as_a_new_request_or_as_a_shortlist_turned_request(
    person, family, profile_a, profile_b
):
    asked = services.ask_provider(
        person=person, provider=profile_a.provider, message="Can you help?", actor=family
    )
    log = entry(asked, "provider asked")
    assert (log.action, log.actor, log.additional_data["note"]) == (
        LogEntry.Action.CREATE,
        family,
        "Can you help?",
    )
    assert log.changes_dict == {"status": ["", ChoiceStatus.REQUESTED]}
    listed = services.shortlist_provider(person=person, provider=profile_b.provider, actor=family)
    services.ask_provider(person=person, provider=profile_b.provider, message="", actor=family)
    log = entry(listed, "provider asked")
    assert log.action == LogEntry.Action.UPDATE
    assert log.changes_dict == {"status": [ChoiceStatus.SHORTLISTED, ChoiceStatus.REQUESTED]}


def test_a_recorded_choice_says_who_chose_and_when_and_takes_over_the_shortlist(
    person, family, commissioner, profile_a
):
    with pytest.raises(
        ProviderError, match=r"^Say who made the choice, for example the person or their mother\.$"
    ):
        services.record_choice(
            person=person,
            provider=profile_a.provider,
            made=ChoiceMade.PHONE,
            chosen_by=" ",
            chosen_on=TODAY,
            actor=commissioner,
        )
    listed = services.shortlist_provider(person=person, provider=profile_a.provider, actor=family)
    chosen_on = TODAY - dt.timedelta(days=3)
    choice = services.record_choice(
        person=person,
        provider=profile_a.provider,
        made=ChoiceMade.MEETING,
        chosen_by="Ava",
        chosen_on=chosen_on,
        actor=commissioner,
    )
    assert choice.pk == listed.pk and choice.status == ChoiceStatus.REQUESTED
    log = entry(choice, "choice recorded by the commissioner (at a meeting)")
    assert log.actor == commissioner
    assert log.changes_dict == {
        "status": [ChoiceStatus.SHORTLISTED, ChoiceStatus.REQUESTED],
        "chosen_by": ["", "Ava"],
        "chosen_on": ["", str(chosen_on)],
    }
    with pytest.raises(ProviderError, match=rf"^{person} has already asked {profile_a.provider.name}\.$"):
        services.record_choice(
            person=person,
            provider=profile_a.provider,
            made=ChoiceMade.PAPER,
            chosen_by="Ava",
            chosen_on=chosen_on,
            actor=commissioner,
        )


def test_answers_to_a_request_are_recorded_with_the_status_change_and_reason(
    person, family, profile_a, profile_b, provider_a, provider_b_manager
):
    accepted = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    services.accept_choice(choice=accepted, actor=provider_a)
    log = entry(accepted, "request accepted")
    assert log.actor == provider_a
    assert log.changes_dict == {"status": [ChoiceStatus.REQUESTED, ChoiceStatus.ACCEPTED]}
    declined = services.ask_provider(person=person, provider=profile_b.provider, message="", actor=family)
    services.decline_choice(choice=declined, reason="No staff near you.", actor=provider_b_manager)
    log = entry(declined, "request declined")
    assert (log.actor, log.additional_data["note"]) == (provider_b_manager, "No staff near you.")
    assert log.changes_dict == {"status": [ChoiceStatus.REQUESTED, ChoiceStatus.DECLINED]}


def test_declining_the_agreement_for_a_recorded_choice_declines_the_request_too(
    person, commissioner, profile_a, provider_a
):
    arrangement = isf_budget(person, profile_a.provider)
    choice = services.record_choice(
        person=person,
        provider=profile_a.provider,
        made=ChoiceMade.PHONE,
        chosen_by="Ava",
        chosen_on=TODAY,
        actor=commissioner,
    )
    agreement = services.set_up_agreement(
        choice=choice, arrangement=arrangement, terms=dict(TERMS), actor=commissioner
    )
    services.decline_agreement(agreement=agreement, reason="Too far away.", actor=provider_a)
    log = entry(agreement, "agreement declined by provider")
    assert (log.actor, log.additional_data["note"]) == (provider_a, "Too far away.")
    assert log.changes_dict == {"status": [AgreementStatus.OFFERED, AgreementStatus.DECLINED]}
    choice.refresh_from_db()
    assert (choice.status, choice.decline_reason) == (ChoiceStatus.DECLINED, "Too far away.")


def test_notice_is_recorded_with_the_new_end_date(person, family, profile_a):
    agreement = agreed(person, profile_a.provider)
    services.give_notice(agreement=agreement, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    log = entry(agreement, "notice given by the person")
    assert log.actor == family
    assert log.changes_dict == {
        "status": [AgreementStatus.ACTIVE, AgreementStatus.ENDING],
        "end_date": ["", str(TODAY + dt.timedelta(days=28))],
    }


def test_the_daily_job_counts_every_agreement_it_ends(person, other_person, family, profile_a):
    for who in (person, other_person):
        services.give_notice(
            agreement=agreed(who, profile_a.provider),
            notice_from=NoticeFrom.PERSON,
            actor=family,
            today=TODAY,
        )
    assert services.complete_due_changes(today=TODAY + dt.timedelta(days=29)) == {
        "moved": 0,
        "ended": 2,
        "failed": 0,
    }
