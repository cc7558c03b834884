"""Brokerage through the real services and pages: invitations, what a broker sees and does while
invited (and not after), asks the family confirms, enquiries without an account, and brokerage as its
own part of a budget."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from brokerage import services
from brokerage.models import AskStatus, Enquiry, Invitation
from brokerage.selectors import brokerages
from brokerage.services import BrokerageError, NotAllowed
from budgets import services as budget_services
from budgets.models import Person, SupportPlan
from budgets.selectors import counted_arrangements, people_visible_to
from organisations.audit import history_for
from providers.models import ChoiceStatus, ProviderChoice
from providers.selectors import choices_visible_to
from tests.budgets.factories import PersonFactory, RepresentativeFactory, approved_budget
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.providers.factories import profile_for

from .factories import broker_at, brokerage_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(council, commissioner, provider_a, provider_org):
    person = PersonFactory(council=council, given_name="Jamie", family_name="Taylor")
    stranger_person = PersonFactory(council=council, given_name="Quentin", family_name="Notinvited")
    family = RepresentativeFactory(person=person).user
    brokerage = brokerage_org(areas=[council])
    broker = broker_at(brokerage, full_name="Ash Rowe")
    profile_for(provider_org, areas=[council])
    budget_services.support_plan_save(
        person=person, actor=family, what_matters="Music", outcomes="Friends", how_money_used="Flexibly",
        who_helps="Mum", risks="Seizures",
    )  # fmt: skip
    return {
        "person": person, "stranger": stranger_person, "family": family, "brokerage": brokerage,
        "broker": broker, "commissioner": commissioner, "provider": provider_org, "provider_user": provider_a,
    }  # fmt: skip


def _client(user):
    client = Client()
    sign_in(client, user)
    return client


def _invite(s, **kw):
    return services.invite(
        person=s["person"], brokerage=s["brokerage"], purpose="Help with my plan", until=kw.get("until"),
        actor=s["family"],
    )  # fmt: skip


def test_a_broker_sees_only_the_people_who_invited_them_and_only_while_invited(setting):
    s = setting
    broker = _client(s["broker"])
    assert not people_visible_to(user=s["broker"]).exists()
    assert broker.get(f"/brokerage/people/{s['person'].pk}/").status_code == 404
    invitation = _invite(s)
    assert list(people_visible_to(user=s["broker"])) == [s["person"]]
    page = broker.get(f"/brokerage/people/{s['person'].pk}/")
    assert page.status_code == 200
    assert b"Help with my plan" in page.content and b"Notinvited" not in page.content
    home = broker.get("/brokerage/people/")
    assert b"Jamie Taylor" in home.content and b"Notinvited" not in home.content
    assert broker.get(f"/brokerage/people/{s['stranger'].pk}/").status_code == 404
    # The family ends it: access goes at once.
    family = _client(s["family"])
    response = family.post(f"/brokerage/invitations/{invitation.pk}/end/", {"reason": "All done"})
    assert response.status_code == 302
    assert not people_visible_to(user=s["broker"]).exists()
    assert broker.get(f"/brokerage/people/{s['person'].pk}/").status_code == 404
    assert broker.get(f"/people/{s['person'].pk}/plan/").status_code == 404
    assert b"Jamie" not in broker.get("/brokerage/people/").content


def test_an_invitation_until_a_past_day_gives_no_access(setting):
    s = setting
    with pytest.raises(BrokerageError):
        _invite(s, until=timezone.localdate() - dt.timedelta(days=1))
    invitation = _invite(s, until=timezone.localdate())
    assert people_visible_to(user=s["broker"]).exists()
    Invitation.objects.filter(pk=invitation.pk).update(until=timezone.localdate() - dt.timedelta(days=1))
    assert not people_visible_to(user=s["broker"]).exists()


def test_the_broker_changes_the_plan_each_change_recorded_with_its_author_but_cannot_agree_it(setting):
    s = setting
    _invite(s)
    broker = _client(s["broker"])
    assert broker.get(f"/people/{s['person'].pk}/plan/").status_code == 200
    response = broker.post(
        f"/people/{s['person'].pk}/plan/",
        {"what_matters": "Music and cooking", "outcomes": "Friends", "how_money_used": "Flexibly",
         "who_helps": "Mum, and Ash", "risks": "Seizures"},
    )  # fmt: skip
    assert response.status_code == 302
    plan = SupportPlan.objects.get(person=s["person"])
    assert plan.what_matters == "Music and cooking" and plan.changed_by == s["broker"]
    entries = list(history_for(plan))
    assert [e.actor for e in entries] == [s["family"], s["broker"]]
    assert entries[-1].changes_dict["what_matters"] == ["Music", "Music and cooking"]
    # Never approves: agreeing the plan is the council's.
    assert broker.post(f"/plans/{plan.pk}/agree/").status_code == 403
    with pytest.raises(budget_services.NotAllowed):
        budget_services.support_plan_agree(plan=plan, actor=s["broker"])
    # The broker's page lists the change with its author.
    assert b"Support plan changed by Ash Rowe" in broker.get(f"/brokerage/people/{s['person'].pk}/").content


def test_shortlist_and_an_ask_the_family_confirms(setting):
    s = setting
    _invite(s)
    broker = _client(s["broker"])
    assert (
        broker.post(
            f"/brokerage/people/{s['person'].pk}/shortlist/", {"provider": s["provider"].pk}
        ).status_code
        == 302
    )
    choice = ProviderChoice.objects.get(person=s["person"], provider=s["provider"])
    assert choice.status == ChoiceStatus.SHORTLISTED
    # The family sees the same shortlist.
    family = _client(s["family"])
    assert s["provider"].name.encode() in family.get("/providers/your-choices/").content
    response = broker.post(
        f"/brokerage/people/{s['person'].pk}/ask/{s['provider'].pk}/", {"message": "Could you meet Jamie?"}
    )
    assert response.status_code == 302
    # Nothing reaches the provider until the family sends it.
    assert not choices_visible_to(user=s["provider_user"]).filter(person=s["person"]).exists()
    ask = s["person"].broker_asks.get()
    assert ask.status == AskStatus.WAITING
    page = family.get("/brokerage/your-help/")
    assert b"Could you meet Jamie?" in page.content
    # The broker cannot send it for them.
    assert broker.post(f"/brokerage/asks/{ask.pk}/send/").status_code == 403
    assert family.post(f"/brokerage/asks/{ask.pk}/send/").status_code == 302
    ask.refresh_from_db()
    assert ask.status == AskStatus.CONFIRMED and ask.decided_by == s["family"]
    assert ask.choice.status == ChoiceStatus.REQUESTED and ask.choice.message == "Could you meet Jamie?"
    assert choices_visible_to(user=s["provider_user"]).filter(person=s["person"]).exists()


def test_ending_the_help_leaves_unsent_asks_unsent(setting):
    s = setting
    invitation = _invite(s)
    ask = services.draft_ask(person=s["person"], provider=s["provider"], message="Hello", actor=s["broker"])
    services.end_invitation(invitation=invitation, actor=s["family"])
    ask.refresh_from_db()
    assert ask.status == AskStatus.NOT_SENT
    with pytest.raises(NotAllowed):
        services.draft_ask(person=s["person"], provider=s["provider"], message="Again", actor=s["broker"])
    with pytest.raises(NotAllowed):
        services.shortlist_for(person=s["person"], provider=s["provider"], actor=s["broker"])


def test_only_the_family_can_end_it(setting):
    s = setting
    invitation = _invite(s)
    for who in (s["broker"], s["commissioner"]):
        with pytest.raises(NotAllowed):
            services.end_invitation(invitation=invitation, actor=who)


def test_the_commissioner_invites_only_with_the_familys_agreement_recorded(
    setting, other_council_commissioner
):
    s = setting
    client = _client(s["commissioner"])
    url = f"/brokerage/people/{s['person'].pk}/invite/"
    data = {"brokerage": s["brokerage"].pk, "purpose": "Plan for leaving college", "family_agreement": ""}
    response = client.post(url, data)
    assert response.status_code == 400
    assert b"How and when the person or their family agreed" in response.content
    assert not Invitation.objects.exists()
    response = client.post(url, {**data, "family_agreement": "Pat agreed at the review on 3 May"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.invited_as == "commissioner" and invitation.invited_by == s["commissioner"]
    assert invitation.family_agreement == "Pat agreed at the review on 3 May"
    page = client.get(f"/people/{s['person'].pk}/").content.decode()
    assert "Test Brokerage</strong> is helping with: Plan for leaving college" in page
    assert "with the family's agreement: Pat agreed at the review on 3 May" in page
    with pytest.raises(NotAllowed):
        services.invite_for_family(
            person=s["person"], brokerage=s["brokerage"], purpose="p", until=None,
            family_agreement="yes", actor=other_council_commissioner,
        )  # fmt: skip


def test_a_provider_cannot_be_invited_as_a_broker(setting):
    s = setting
    with pytest.raises(BrokerageError):
        services.invite(
            person=s["person"], brokerage=s["provider"], purpose="p", until=None, actor=s["family"]
        )


def test_anyone_asks_a_broker_for_help_without_an_account(setting, council):
    s = setting
    other_broker = broker_at(brokerage_org("BRK-T2", "Elsewhere"))
    anonymous = Client()
    response = anonymous.post(
        f"/brokerage/{s['brokerage'].pk}/ask-for-help/",
        {
            "name": "Hilary Brook",
            "contact": "01305 999",
            "message": "My mother needs help",
            "pays_own_way": "on",
        },
    )
    assert response.status_code == 200 and b"Sent to Test Brokerage" in response.content
    enquiry = Enquiry.objects.get()
    assert enquiry.pays_own_way and enquiry.brokerage == s["brokerage"]
    assert b"Hilary Brook" in _client(s["broker"]).get("/brokerage/people/").content
    assert b"Hilary Brook" not in _client(other_broker).get("/brokerage/people/").content
    response = anonymous.post(
        f"/brokerage/{s['brokerage'].pk}/ask-for-help/", {"name": "", "contact": "", "message": ""}
    )
    assert response.status_code == 400 and b"govuk-error-summary" in response.content


def test_the_broker_directory_shows_area_languages_cost_and_who_pays(setting, council, other_council):
    s = setting
    services.save_offer(
        brokerage=s["brokerage"],
        cost="Free if the council pays",
        hourly_rate=Decimal("30.00"),
        funded_by=[council],
    )
    brokerage_org("BRK-T3", "Bristol Planners", areas=[other_council], languages=("Somali",))
    page = Client().get("/brokerage/")
    assert b"Test Brokerage" in page.content and b"Bristol Planners" in page.content
    assert b"Free if the council pays" in page.content and b"Paid for by Dorset Council" in page.content
    funded = Client().get("/brokerage/", {"council_funded": "on"}).content
    assert b"Test Brokerage" in funded and b"Bristol Planners" not in funded
    somali = Client().get("/brokerage/", {"language": "Somali"}).content
    assert b"Bristol Planners" in somali and b"Test Brokerage" not in somali
    detail = Client().get(f"/providers/{s['brokerage'].pk}/").content
    assert b"Help to plan and choose" in detail and b"Dorset Council" in detail


def test_brokerage_paid_from_the_budget_is_its_own_part_counted_like_any_other(setting):
    s = setting
    budget = approved_budget(
        s["person"],
        parts=(("isf", "9000.00", s["provider"]), ("commissioner_controlled", "960.00", s["brokerage"])),
    )
    assert budget.total == Decimal("9960.00")
    counted = counted_arrangements(council_ids=[s["person"].council_id]).filter(budget__person=s["person"])
    assert sorted(a.annual_amount for a in counted) == [Decimal("960.00"), Decimal("9000.00")]
    page = _client(s["family"]).get("/your-budget/")
    assert b"Help to plan and choose (support brokerage)" in page.content
    assert b"Test Brokerage" in page.content


def test_a_person_of_another_council_is_a_404_to_the_broker(setting, other_council):
    s = setting
    elsewhere = Person.objects.create(
        council=other_council, person_ref="B-1", given_name="Bryn", date_of_birth="1970-01-01",
        primary_support_reason="social_support",
    )  # fmt: skip
    RepresentativeFactory(person=elsewhere, user=UserFactory())
    _invite(s)
    broker = _client(s["broker"])
    assert broker.get(f"/brokerage/people/{elsewhere.pk}/").status_code == 404
    assert broker.get(f"/people/{elsewhere.pk}/plan/").status_code == 404
    people = broker.get("/brokerage/people/").content.decode()
    assert "Jamie Taylor" in people and "Bryn" not in people


def test_the_invite_form_keeps_what_was_typed_and_says_what_is_wrong_by_the_field(setting):
    s = setting
    family = _client(s["family"])
    past = timezone.localdate() - dt.timedelta(days=3)
    response = family.post(
        "/brokerage/your-help/invite/",
        {"person": s["person"].pk, "brokerage": s["brokerage"].pk, "purpose": "Help me choose",
         "until_day": past.day, "until_month": past.month, "until_year": past.year},
    )  # fmt: skip
    assert response.status_code == 400
    assert b'id="id_until-error"' in response.content
    assert b"The date the help ends must be today or later." in response.content
    assert b"Help me choose" in response.content
    # Someone the user does not act for cannot be chosen (the form offers only their own people).
    response = family.post(
        "/brokerage/your-help/invite/",
        {"person": s["stranger"].pk, "brokerage": s["brokerage"].pk, "purpose": "p"},
    )
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert b"Notinvited" not in response.content
    assert not Invitation.objects.exists()
    # A stranger with no one to act for may not open the page at all.
    assert _client(UserFactory()).get("/brokerage/your-help/invite/").status_code == 403


@pytest.mark.django_db
def test_only_support_brokerages_are_offered_to_invite(provider_org):
    profile_for(provider_org)  # a provider of support, not a brokerage
    later = brokerage_org("BRK-T2", "Wessex Planning")
    first = brokerage_org("BRK-T1", "Avon Planning")
    assert list(brokerages()) == [first, later]
