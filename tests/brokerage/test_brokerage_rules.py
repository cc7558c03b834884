"""Brokerage rules through the services and selectors (issue 20: each test kills mutmut survivors of
brokerage.services and brokerage.selectors by stating a rule): a broker sees a person only while
invited, only the family sends or declines an ask, every change is audited with who made it."""

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from brokerage import selectors, services
from brokerage.models import AskStatus, Enquiry, Invitation, InvitedAs
from brokerage.services import BrokerageError, NotAllowed
from organisations.audit import history_for
from organisations.models import Role
from providers.models import ProviderProfile
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.factories import UserFactory, staff
from tests.providers.factories import profile_for

from .factories import broker_at, brokerage_org

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def whole(message: str) -> str:
    """The whole message a person reads, not a part of it."""
    return f"^{re.escape(message)}$"


@pytest.fixture
def s(council, commissioner, provider_org):
    person = PersonFactory(council=council, given_name="Jamie", family_name="Taylor")
    family = RepresentativeFactory(person=person).user
    brokerage = brokerage_org(areas=[council])
    profile_for(provider_org, areas=[council])
    return {
        "person": person, "family": family, "brokerage": brokerage, "broker": broker_at(brokerage),
        "commissioner": commissioner, "provider": provider_org,
    }  # fmt: skip


def _invite(s, until=None, purpose="Help with my plan"):
    return services.invite(
        person=s["person"], brokerage=s["brokerage"], purpose=purpose, until=until, actor=s["family"]
    )


def test_an_invitation_needs_a_purpose_and_a_day_not_past_and_one_live_at_a_time(s):
    with pytest.raises(BrokerageError, match=whole("Say what you would like the broker to help with.")):
        _invite(s, purpose="   ")
    with pytest.raises(BrokerageError, match=whole("Say what you would like the broker to help with.")):
        _invite(s, purpose=None)
    with pytest.raises(BrokerageError, match=whole("The date the help ends must be today or later.")):
        _invite(s, until=TODAY() - dt.timedelta(days=1))
    invitation = _invite(s, until=TODAY(), purpose="  Plan for college  ")
    assert (
        invitation.purpose,
        invitation.invited_as,
        invitation.invited_by,
        invitation.family_agreement,
    ) == (
        "Plan for college",
        InvitedAs.FAMILY,
        s["family"],
        "",
    )
    with pytest.raises(
        BrokerageError, match=whole("Test Brokerage is already helping. End that first to change it.")
    ):
        _invite(s)
    invitation.refresh_from_db()
    assert invitation.until == TODAY()
    [entry] = history_for(invitation)
    assert entry.actor == s["family"] and entry.additional_data["event"] == "broker invited"
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict == {"brokerage": ["", "Test Brokerage"], "until": ["", str(TODAY())]}
    assert entry.additional_data["note"] == "Plan for college"
    # Only the person or someone acting for them invites this way.
    with pytest.raises(NotAllowed):
        services.invite(
            person=s["person"], brokerage=s["brokerage"], purpose="p", until=None, actor=s["commissioner"]
        )


def test_the_commissioner_records_the_familys_agreement_and_after_ending_a_new_invitation_is_allowed(s):
    with pytest.raises(
        BrokerageError, match=whole("Say how and when the person or their family agreed to this.")
    ):
        services.invite_for_family(
            person=s["person"], brokerage=s["brokerage"], purpose="p", until=None, family_agreement="  ",
            actor=s["commissioner"],
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        services.invite_for_family(
            person=s["person"], brokerage=s["brokerage"], purpose="p", until=None, family_agreement="yes",
            actor=staff(Role.APPROVER, council=s["person"].council),
        )  # fmt: skip
    invitation = services.invite_for_family(
        person=s["person"], brokerage=s["brokerage"], purpose="p", until=None,
        family_agreement="  Pat agreed on 3 May ", actor=s["commissioner"],
    )  # fmt: skip
    assert (invitation.invited_as, invitation.family_agreement) == (
        InvitedAs.COMMISSIONER,
        "Pat agreed on 3 May",
    )
    assert history_for(invitation)[0].additional_data["note"] == "Pat agreed on 3 May"
    assert history_for(invitation)[0].changes_dict["until"] == ["", "until ended"]
    ended = services.end_invitation(invitation=invitation, actor=s["family"], reason="  All done ")
    assert ended.ended_by == s["family"] and ended.end_reason == "All done" and ended.ended_at is not None
    # Ending again changes nothing; a new invitation is allowed once the old one has ended.
    assert services.end_invitation(invitation=invitation, actor=s["family"]).ended_at == ended.ended_at
    assert [e.additional_data["event"] for e in history_for(invitation)] == [
        "broker invited",
        "broker's help ended",
    ]
    assert _invite(s).pk != invitation.pk


def test_a_broker_sees_the_person_while_the_invitation_is_live_and_not_after_its_last_day(s):
    broker = s["broker"]
    assert not selectors.people_invited_for(user=broker).exists()
    invitation = _invite(s, until=TODAY())
    assert list(selectors.people_invited_for(user=broker)) == [s["person"]]
    assert selectors.live_invitation(user=broker, person=s["person"]) == invitation
    assert list(selectors.invitations_visible_to(user=broker)) == [invitation]
    Invitation.objects.filter(pk=invitation.pk).update(until=TODAY() - dt.timedelta(days=1))
    assert not selectors.people_invited_for(user=broker).exists()
    assert not selectors.invitations_visible_to(user=broker).exists()
    # The family and the council's commissioner still see it; another council and strangers do not.
    assert list(selectors.invitations_visible_to(user=s["family"])) == [invitation]
    assert list(selectors.family_invitations(user=s["family"])) == [invitation]
    assert list(selectors.invitations_visible_to(user=s["commissioner"])) == [invitation]
    other = staff(Role.COMMISSIONER, council=PersonFactory().council)
    assert not selectors.invitations_visible_to(user=other).exists()
    assert not selectors.invitations_visible_to(user=UserFactory()).exists()
    assert list(selectors.invitations_visible_to(user=staff(Role.PLATFORM_ADMIN))) == [invitation]


def test_an_ask_needs_words_a_provider_taking_people_and_only_one_waiting(s):
    _invite(s)
    broker, provider = s["broker"], s["provider"]
    with pytest.raises(BrokerageError, match=whole("Write what the family would like to ask.")):
        services.draft_ask(person=s["person"], provider=provider, message="  ", actor=broker)
    ProviderProfile.objects.filter(provider=provider).update(taking_new_people=False)
    with pytest.raises(
        BrokerageError, match=whole(f"{provider.name} is not taking on new people at the moment.")
    ):
        services.draft_ask(person=s["person"], provider=provider, message="Hello", actor=broker)
    ProviderProfile.objects.filter(provider=provider).update(taking_new_people=True)
    ask = services.draft_ask(person=s["person"], provider=provider, message="  Hello  ", actor=broker)
    assert (ask.message, ask.drafted_by, ask.status) == ("Hello", broker, AskStatus.WAITING)
    with pytest.raises(
        BrokerageError, match=whole(f"An ask to {provider.name} is already waiting for the family.")
    ):
        services.draft_ask(person=s["person"], provider=provider, message="Again", actor=broker)
    assert list(selectors.asks_waiting_for_family(user=s["family"])) == [ask]
    assert list(selectors.asks_visible_to(user=broker)) == [ask]
    assert not selectors.asks_visible_to(user=UserFactory()).exists()


def test_only_the_family_declines_an_ask_and_an_answered_ask_cannot_be_answered_again(s):
    _invite(s)
    ask = services.draft_ask(person=s["person"], provider=s["provider"], message="Hi", actor=s["broker"])
    for who in (s["broker"], s["commissioner"]):
        with pytest.raises(NotAllowed):
            services.decline_ask(ask=ask, actor=who)
    declined = services.decline_ask(ask=ask, actor=s["family"])
    assert (declined.status, declined.decided_by) == (AskStatus.NOT_SENT, s["family"])
    assert declined.decided_at is not None
    assert not selectors.asks_waiting_for_family(user=s["family"]).exists()
    assert [e.additional_data["event"] for e in history_for(declined)] == [
        "ask drafted by broker",
        "ask not_sent",
    ]
    drafted, decided = history_for(declined)
    assert (drafted.actor, drafted.action, drafted.additional_data["note"]) == (
        s["broker"],
        LogEntry.Action.CREATE,
        "Hi",
    )
    assert (decided.actor, decided.changes_dict) == (s["family"], {"status": ["waiting", "not_sent"]})
    # Declined, the broker may ask again; only the family sends, in the family's name.
    again = services.draft_ask(person=s["person"], provider=s["provider"], message="Hi", actor=s["broker"])
    with pytest.raises(
        NotAllowed, match=whole("Only the person, or someone acting for them, can send this.")
    ):
        services.confirm_ask(ask=again, actor=s["broker"])
    with pytest.raises(
        NotAllowed, match=whole("Only the person, or someone acting for them, can end a broker's help.")
    ):
        services.end_invitation(invitation=again.invitation, actor=s["broker"])
    with pytest.raises(BrokerageError, match=whole("This ask has already been answered.")):
        services.decline_ask(ask=ask, actor=s["family"])
    with pytest.raises(BrokerageError, match=whole("This ask has already been answered.")):
        services.confirm_ask(ask=ask, actor=s["family"])


def test_an_enquiry_needs_a_name_a_contact_and_a_message_and_goes_only_to_a_brokerage(s):
    for missing, words in (
        ("name", "your name"),
        ("contact", "how to contact you"),
        ("message", "what you need"),
    ):
        values = {"name": "Hilary", "contact": "01305 999", "message": "Help", missing: "  "}
        with pytest.raises(BrokerageError, match=whole(f"Enter {words}.")):
            services.send_enquiry(brokerage=s["brokerage"], pays_own_way=False, **values)
    with pytest.raises(
        BrokerageError, match=whole(f"{s['provider'].name} is not an independent support brokerage.")
    ):
        services.send_enquiry(brokerage=s["provider"], name="H", contact="c", message="m", pays_own_way=False)
    enquiry = services.send_enquiry(
        brokerage=s["brokerage"], name=" Hilary ", contact=" 01305 999 ", message=" Help ", pays_own_way=True
    )
    assert (enquiry.name, enquiry.contact, enquiry.message, enquiry.pays_own_way) == (
        "Hilary",
        "01305 999",
        "Help",
        True,
    )
    assert list(selectors.enquiries_for_broker(user=s["broker"])) == [enquiry]
    assert not selectors.enquiries_for_broker(user=broker_at(brokerage_org("BRK-T2", "Other"))).exists()
    assert Enquiry.objects.count() == 1


def test_the_directory_narrows_brokerages_by_language_and_who_pays(s, council, other_council):
    welsh = brokerage_org("BRK-T3", "Cymraeg Plan", areas=[council, other_council], languages=("Welsh",))
    services.save_offer(brokerage=welsh, cost="Free", funded_by=[other_council])
    assert selectors.is_brokerage(welsh) and not selectors.is_brokerage(s["provider"])
    assert [p.provider for p in selectors.brokerage_profiles(language="Welsh")] == [welsh]
    assert [p.provider for p in selectors.brokerage_profiles(council_funded=True)] == [welsh]
    assert [
        p.provider for p in selectors.brokerage_profiles(council=council.gss_code, council_funded=True)
    ] == []
    assert [
        p.provider for p in selectors.brokerage_profiles(council=other_council.gss_code, council_funded=True)
    ] == [welsh]
    assert selectors.brokerage_languages() == ["English", "Welsh"]
    assert list(selectors.brokerage_councils()) == sorted([council, other_council], key=lambda c: c.name)
    assert selectors.brokerage_profile(provider_id=welsh.pk).provider == welsh
    assert selectors.brokerage_profile(provider_id=s["provider"].pk) is None


def test_the_family_confirming_sends_the_ask_as_their_own_request_unless_the_provider_refuses_it(s):
    from providers import services as provider_services
    from providers.models import ChoiceStatus

    _invite(s)
    broker, family, provider = s["broker"], s["family"], s["provider"]
    ask = services.draft_ask(
        person=s["person"], provider=provider, message="Could you meet Jamie?", actor=broker
    )
    ProviderProfile.objects.filter(provider=provider).update(taking_new_people=False)
    with pytest.raises(
        BrokerageError, match=whole(f"{provider.name} is not taking on new people at the moment.")
    ):
        services.confirm_ask(ask=ask, actor=family)
    ask.refresh_from_db()
    assert (ask.status, ask.choice, ask.decided_by) == (AskStatus.WAITING, None, None)
    ProviderProfile.objects.filter(provider=provider).update(taking_new_people=True)
    services.confirm_ask(ask=ask, actor=family)
    ask.refresh_from_db()
    assert (ask.status, ask.decided_by) == (AskStatus.CONFIRMED, family)
    assert (ask.choice.status, ask.choice.message, ask.choice.person) == (
        ChoiceStatus.REQUESTED,
        "Could you meet Jamie?",
        s["person"],
    )
    drafted, confirmed = history_for(ask)
    assert (confirmed.actor, confirmed.additional_data["event"], confirmed.changes_dict) == (
        family,
        "ask confirmed",
        {"status": ["waiting", "confirmed"]},
    )
    # Asked already (here by the family themselves): the broker's next ask is refused when sent.
    other = brokerage_org("BRK-T4", "Other Provider")
    ProviderProfile.objects.filter(provider=other).update(taking_new_people=True)
    provider_services.ask_provider(person=s["person"], provider=other, message="Hi", actor=family)
    again = services.draft_ask(person=s["person"], provider=other, message="Hello", actor=broker)
    with pytest.raises(BrokerageError, match=whole("You have already asked Other Provider.")):
        services.confirm_ask(ask=again, actor=family)


def test_ending_the_help_leaves_the_waiting_asks_unsent_by_the_family_and_records_why(s):
    invitation = _invite(s)
    broker, family = s["broker"], s["family"]
    sent = services.draft_ask(person=s["person"], provider=s["provider"], message="One", actor=broker)
    services.confirm_ask(ask=sent, actor=family)
    other = brokerage_org("BRK-T5", "Second Provider")
    waiting = services.draft_ask(person=s["person"], provider=other, message="Two", actor=broker)
    services.end_invitation(invitation=invitation, actor=family, reason=" Found a provider ")
    sent.refresh_from_db()
    waiting.refresh_from_db()
    assert sent.status == AskStatus.CONFIRMED
    assert (waiting.status, waiting.decided_by) == (AskStatus.NOT_SENT, family)
    assert waiting.decided_at is not None
    ended = list(history_for(invitation))[-1]
    assert (ended.actor, ended.additional_data["event"], ended.changes_dict) == (
        family,
        "broker's help ended",
        {"ended": ["", "yes"]},
    )
    assert ended.additional_data["note"] == "Found a provider"
    with pytest.raises(NotAllowed, match=whole("You can help this person only while they have invited you.")):
        services.shortlist_for(person=s["person"], provider=s["provider"], actor=broker)


def test_a_broker_shortlists_only_while_invited_and_the_offer_is_saved_once_per_brokerage(
    s, council, other_council
):
    from providers.models import ChoiceStatus, ProviderChoice

    with pytest.raises(NotAllowed, match=whole("You can help this person only while they have invited you.")):
        services.shortlist_for(person=s["person"], provider=s["provider"], actor=s["broker"])
    assert not ProviderChoice.objects.exists()
    _invite(s)
    choice = services.shortlist_for(person=s["person"], provider=s["provider"], actor=s["broker"])
    assert (choice.person, choice.provider, choice.status) == (
        s["person"],
        s["provider"],
        ChoiceStatus.SHORTLISTED,
    )
    services.save_offer(brokerage=s["brokerage"], cost="Free", funded_by=[council])
    offer = services.save_offer(
        brokerage=s["brokerage"], cost="£30 an hour", hourly_rate="30.00", funded_by=[other_council],
        helps_self_funders=False,
    )  # fmt: skip
    offer = selectors.offer_of(s["brokerage"])
    assert (offer.cost, str(offer.hourly_rate), offer.helps_self_funders) == ("£30 an hour", "30.00", False)
    assert list(offer.funded_by.all()) == [other_council]


def test_each_refusal_says_who_may_do_it_and_a_missing_answer_is_refused_as_blank(s):
    only_family = "Only the person, or someone acting for them, can invite a broker this way."
    with pytest.raises(NotAllowed, match=whole(only_family)):
        services.invite(
            person=s["person"], brokerage=s["brokerage"], purpose="p", until=None, actor=s["broker"]
        )
    for who in (s["family"], staff(Role.APPROVER, council=s["person"].council)):
        with pytest.raises(
            NotAllowed, match=whole("Only the person's social worker can invite a broker for them.")
        ):
            services.invite_for_family(
                person=s["person"], brokerage=s["brokerage"], purpose="p", until=None,
                family_agreement="yes", actor=who,
            )  # fmt: skip
    with pytest.raises(
        BrokerageError, match=whole("Say how and when the person or their family agreed to this.")
    ):
        services.invite_for_family(
            person=s["person"], brokerage=s["brokerage"], purpose="p", until=None, family_agreement=None,
            actor=s["commissioner"],
        )  # fmt: skip
    invitation = services.invite_for_family(
        person=s["person"], brokerage=s["brokerage"], purpose="p", until=TODAY(), family_agreement="yes",
        actor=s["commissioner"],
    )  # fmt: skip
    invitation.refresh_from_db()
    assert invitation.until == TODAY()
    with pytest.raises(BrokerageError, match=whole("Write what the family would like to ask.")):
        services.draft_ask(person=s["person"], provider=s["provider"], message=None, actor=s["broker"])
    ask = services.draft_ask(person=s["person"], provider=s["provider"], message="Hi", actor=s["broker"])
    with pytest.raises(
        NotAllowed, match=whole("Only the person, or someone acting for them, can decide this.")
    ):
        services.decline_ask(ask=ask, actor=s["broker"])
    choice = services.confirm_ask(ask=ask, actor=s["family"]).choice
    assert choice.created_by == s["family"]
    assert services.end_invitation(invitation=invitation, actor=s["family"], reason=None).end_reason == ""
    for missing, words in (("name", "your name"), ("contact", "how to contact you")):
        values = {"name": "Hilary", "contact": "01305 999", "message": "Help", missing: None}
        with pytest.raises(BrokerageError, match=whole(f"Enter {words}.")):
            services.send_enquiry(brokerage=s["brokerage"], pays_own_way=False, **values)


def test_what_a_broker_shortlists_is_recorded_as_theirs(s):
    _invite(s)
    choice = services.shortlist_for(person=s["person"], provider=s["provider"], actor=s["broker"])
    assert choice.created_by == s["broker"]
