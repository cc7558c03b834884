"""More of the choice rules (issue 20): what a shortlisting, a request and a recorded choice leave behind
for the provider and the audit trail (who, when, what they said), and the answers a request needs."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from providers import services
from providers.models import ChoiceMade, ChoiceStatus, ProviderChoice
from providers.services import ProviderError
from tests.providers.test_audit_of_choices import entry

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_shortlisting_is_recorded_as_a_new_choice_by_the_person_who_shortlisted(person, family, profile_a):
    choice = services.shortlist_provider(person=person, provider=profile_a.provider, actor=family)
    log = entry(choice, "provider shortlisted")
    assert (log.action, log.actor) == (LogEntry.Action.CREATE, family)
    assert log.changes_dict == {"status": ["", ChoiceStatus.SHORTLISTED]}


def test_a_request_with_nothing_said_keeps_nothing_and_the_time_it_was_asked(person, family, profile_a):
    before = timezone.now()
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    choice.refresh_from_db()
    assert choice.message == ""
    assert choice.requested_at is not None and before <= choice.requested_at <= timezone.now()


def test_a_commissioner_cannot_record_a_choice_made_online(person, commissioner, profile_a):
    with pytest.raises(
        ProviderError, match=r"^Say how the choice was made: by phone, on paper or at a meeting\.$"
    ):
        services.record_choice(
            person=person,
            provider=profile_a.provider,
            made=ChoiceMade.ONLINE,
            chosen_by="Ava",
            chosen_on=TODAY,
            actor=commissioner,
        )
    assert not ProviderChoice.objects.exists()


def test_a_recorded_choice_needs_who_chose_even_when_left_empty(person, commissioner, profile_a):
    with pytest.raises(
        ProviderError, match=r"^Say who made the choice, for example the person or their mother\.$"
    ):
        services.record_choice(
            person=person,
            provider=profile_a.provider,
            made=ChoiceMade.PHONE,
            chosen_by="",
            chosen_on=TODAY,
            actor=commissioner,
        )
    assert not ProviderChoice.objects.exists()


def test_a_new_recorded_choice_names_the_commissioner_and_when_it_was_recorded(
    person, commissioner, profile_a
):
    before = timezone.now()
    choice = services.record_choice(
        person=person,
        provider=profile_a.provider,
        made=ChoiceMade.PAPER,
        chosen_by="Ava",
        chosen_on=TODAY,
        actor=commissioner,
    )
    choice.refresh_from_db()
    assert choice.created_by == commissioner
    assert choice.message == ""  # nothing said unless the commissioner writes it
    assert choice.requested_at is not None and before <= choice.requested_at <= timezone.now()
    log = entry(choice, "choice recorded by the commissioner (on paper)")
    assert (log.action, log.actor, log.additional_data["note"]) == (LogEntry.Action.CREATE, commissioner, "")
    assert log.changes_dict == {
        "status": ["", ChoiceStatus.REQUESTED],
        "chosen_by": ["", "Ava"],
        "chosen_on": ["", str(TODAY)],
    }


def test_a_recorded_choice_keeps_what_they_said_and_an_empty_message_stays_empty(
    person, family, commissioner, profile_a, profile_b
):
    said = services.record_choice(
        person=person,
        provider=profile_a.provider,
        made=ChoiceMade.PHONE,
        chosen_by="Ava",
        chosen_on=TODAY,
        actor=commissioner,
        message="  She wants help to swim on Tuesdays.  ",
    )
    assert said.message == "She wants help to swim on Tuesdays."
    log = entry(said, "choice recorded by the commissioner (by phone)")
    assert log.additional_data["note"] == "She wants help to swim on Tuesdays."

    listed = services.shortlist_provider(person=person, provider=profile_b.provider, actor=family)
    chosen_on = TODAY - dt.timedelta(days=2)
    choice = services.record_choice(
        person=person,
        provider=profile_b.provider,
        made=ChoiceMade.MEETING,
        chosen_by="Ava, with her mother Pat",
        chosen_on=chosen_on,
        actor=commissioner,
        message="",
    )
    choice.refresh_from_db()
    assert choice.pk == listed.pk and choice.message == ""
    log = entry(choice, "choice recorded by the commissioner (at a meeting)")
    assert (log.action, log.additional_data["note"]) == (LogEntry.Action.UPDATE, "")
    assert log.changes_dict["status"] == [ChoiceStatus.SHORTLISTED, ChoiceStatus.REQUESTED]


def test_a_provider_cannot_decline_without_saying_why(person, family, profile_a, provider_a):
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    with pytest.raises(
        ProviderError, match=r"^Say why you cannot support this person, so they can choose again\.$"
    ):
        services.decline_choice(choice=choice, reason="", actor=provider_a)
    choice.refresh_from_db()
    assert (choice.status, choice.decline_reason) == (ChoiceStatus.REQUESTED, "")
