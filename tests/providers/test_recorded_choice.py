"""A choice made by phone, on paper or at a meeting: the commissioner records it (who chose, how, when),
sets up the agreement from it, and the provider sees a request to accept. A person with no family account
still reaches their provider."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from organisations.audit import history_for
from providers import services
from providers.models import AgreementStatus, ChoiceMade, ChoiceStatus, ProviderChoice
from providers.services import ProviderError
from tests.conftest import sign_in
from tests.providers.factories import isf_budget

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return sign_in(Client(), user)


def test_a_commissioner_records_a_phone_choice_and_the_provider_accepts_the_agreement(
    person, commissioner, provider_a, profile_a
):
    assert not person.representatives.exists()  # nobody in the family has an account
    arrangement = isf_budget(person, profile_a.provider)
    c = client_for(commissioner)
    page = c.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/providers/people/{person.pk}/record-choice/"' in page

    response = c.post(
        f"/providers/people/{person.pk}/record-choice/",
        {
            "provider": profile_a.provider.pk,
            "chosen_by": "Ava, with her mother Pat",
            "made": "phone",
            "chosen_on_day": "20",
            "chosen_on_month": "11",
            "chosen_on_year": "2026",
        },
    )
    assert response.status_code == 302 and response.url == "/providers/choices/"
    choice = ProviderChoice.objects.get(person=person)
    assert (choice.status, choice.made, choice.chosen_by, choice.chosen_on) == (
        ChoiceStatus.REQUESTED,
        ChoiceMade.PHONE,
        "Ava, with her mother Pat",
        dt.date(2026, 11, 20),
    )
    assert history_for(choice).last().actor == commissioner

    # The provider sees it as a request, with who chose, how and when.
    p = client_for(provider_a)
    request_page = p.get(f"/providers/requests/{choice.pk}/").content.decode()
    assert "By Ava, with her mother Pat, by phone, on 20 November 2026." in request_page
    requests_page = p.get("/providers/organisation/requests/").content.decode()
    assert "chose you by phone on 20 November 2026 (recorded by their council)" in requests_page

    # The commissioner starts the agreement from it straight away.
    choices_page = c.get("/providers/choices/").content.decode()
    assert f'href="/providers/choices/{choice.pk}/agreement/"' in choices_page
    agreement = services.set_up_agreement(
        choice=choice, arrangement=arrangement, terms={"outcomes": "Swim."}, actor=commissioner
    )
    home = p.get("/providers/organisation/").content.decode()
    assert f'href="/providers/agreements/{agreement.pk}/"' in home
    agreement = services.accept_agreement(agreement=agreement, actor=provider_a)
    choice.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE and choice.status == ChoiceStatus.ACCEPTED


def test_a_recorded_choice_needs_who_how_and_a_date_not_in_the_future(person, commissioner, profile_a):
    c = client_for(commissioner)
    page = c.post(f"/providers/people/{person.pk}/record-choice/", {}).content.decode()
    for message in ("Choose the organisation they chose", "Say who made the choice", "Say how they told you"):
        assert message in page
    assert '<a href="#id_chosen_on_day">Enter when they chose</a>' in page
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ProviderError, match=r"^The date the choice was made cannot be in the future\.$"):
        services.record_choice(
            person=person,
            provider=profile_a.provider,
            made=ChoiceMade.MEETING,
            chosen_by="Ava",
            chosen_on=tomorrow,
            actor=commissioner,
        )
    assert not ProviderChoice.objects.exists()


def test_only_the_persons_commissioner_records_a_choice(
    person, approver, profile_a, other_council_commissioner
):
    for actor in (approver, other_council_commissioner):
        with pytest.raises(
            ProviderError, match=r"^Only a commissioner of the person's council can record their choice\.$"
        ):
            services.record_choice(
                person=person,
                provider=profile_a.provider,
                made=ChoiceMade.PAPER,
                chosen_by="Ava",
                chosen_on=dt.date(2026, 11, 1),
                actor=actor,
            )


def test_an_online_request_still_waits_for_the_provider_before_an_agreement(
    person, family, commissioner, profile_a
):
    isf_budget(person, profile_a.provider)
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    with pytest.raises(ProviderError, match="must accept the person's request"):
        services.set_up_agreement(choice=choice, terms={"outcomes": "Swim."}, actor=commissioner)
