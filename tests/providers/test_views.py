"""Pages: the directory and its filters, comparing, choosing, the provider's pages and agreements."""

import datetime as dt

import pytest
from django.utils import timezone

from providers.models import AgreementStatus, ChoiceStatus, FlexibleAgreement, ProviderChoice
from tests.conftest import sign_in
from tests.factories import ProviderFactory
from tests.providers.factories import accepted_choice, agreed, isf_budget, profile_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(provider_org, other_provider_org, council, other_council):
    a = profile_for(
        provider_org,
        areas=[council],
        postcode_districts=["DT1"],
        client_groups=["adults_learning_disability", "adults_autism"],
        languages=["English", "Polish"],
        element_answers={"staff_matching": "yes_frequently", "protected_budget_isf": "no"},
    )
    b = profile_for(
        other_provider_org,
        areas=[other_council],
        offers_isf=False,
        client_groups=["older_people"],
        taking_new_people=False,
    )
    c = profile_for(
        ProviderFactory(provider_ref="PRV-003", name="Wessex Trust"), areas=[council, other_council]
    )
    return a, b, c


def names(response) -> list[str]:
    return [p.provider.name for p in response.context["profiles"]]


def test_the_directory_filters_with_a_plain_get(client, directory):
    assert names(client.get("/providers/")) == [
        "Harbour Lights Support",
        "Purbeck Circles of Support",
        "Wessex Trust",
    ]
    assert names(client.get("/providers/?council=E06000023")) == [
        "Purbeck Circles of Support",
        "Wessex Trust",
    ]
    assert names(client.get("/providers/?postcode=dt1+4aa")) == ["Harbour Lights Support"]
    assert names(client.get("/providers/?client_group=older_people")) == ["Purbeck Circles of Support"]
    assert names(client.get("/providers/?offers_isf=on")) == ["Harbour Lights Support", "Wessex Trust"]
    assert names(client.get("/providers/?language=Polish")) == ["Harbour Lights Support"]
    assert names(client.get("/providers/?taking_new_people=on&council=E06000023")) == ["Wessex Trust"]
    assert names(client.get("/providers/?text=purbeck")) == ["Purbeck Circles of Support"]


def test_htmx_gets_only_the_results(client, directory):
    response = client.get("/providers/?offers_isf=on", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "2</strong> providers found" in html
    full = client.get("/providers/?offers_isf=on").content.decode()
    assert "<html" in full and 'hx-get="/providers/"' in full


def test_a_provider_page_shows_the_ten_elements_as_plain_statements(client, directory):
    a = directory[0]
    html = client.get(f"/providers/{a.provider_id}/").content.decode()
    assert "We recruit and match staff so you get support from the right people." in html
    assert "We do not keep a separate budget for each person." in html
    assert "8% of your budget" in html
    assert "sign in</a> to ask them" in html


def test_a_provider_with_no_profile_is_not_in_the_directory(client, directory):
    hidden = ProviderFactory(provider_ref="PRV-999", name="Hidden")
    assert client.get(f"/providers/{hidden.pk}/").status_code == 404
    listed = client.get("/providers/").content.decode()
    assert f"/providers/{directory[0].provider_id}/" in listed and f"/providers/{hidden.pk}/" not in listed


def test_compare_shows_up_to_three_side_by_side(client, directory):
    a, b, c = directory
    extra = profile_for(ProviderFactory(provider_ref="PRV-004", name="Fourth"))
    ids = "&".join(f"p={p.provider_id}" for p in (a, b, c, extra))
    response = client.get(f"/providers/compare/?{ids}")
    assert [row["profile"].provider.name for row in response.context["rows"]] == [
        "Harbour Lights Support",
        "Purbeck Circles of Support",
        "Wessex Trust",
    ]
    assert "You can compare up to 3 providers at once." in response.content.decode()


def test_a_family_shortlists_and_asks_a_provider(client, family, person, directory):
    a = directory[0]
    sign_in(client, family)
    response = client.post(f"/providers/{a.provider_id}/shortlist/")
    assert response.status_code == 302 and response.url == "/providers/your-choices/"
    assert ProviderChoice.objects.get().status == ChoiceStatus.SHORTLISTED
    response = client.post(f"/providers/{a.provider_id}/ask/", {"person": person.pk, "message": "Hello"})
    assert response.status_code == 302
    choice = ProviderChoice.objects.get()
    assert choice.status == ChoiceStatus.REQUESTED and choice.message == "Hello"
    page = client.get("/providers/your-choices/").content.decode()
    assert f"Asked. Waiting for {a.provider.name} to answer." in page


def test_asking_a_full_provider_shows_the_reason_on_the_form(client, family, person, directory):
    b = directory[1]
    sign_in(client, family)
    response = client.post(f"/providers/{b.provider_id}/ask/", {"person": person.pk})
    assert response.status_code == 200
    assert (
        "Purbeck Circles of Support is not taking on new people at the moment." in response.content.decode()
    )


def test_staff_cannot_choose_for_anyone(client, commissioner, directory):
    sign_in(client, commissioner)
    assert client.post(f"/providers/{directory[0].provider_id}/shortlist/").status_code == 403
    assert not ProviderChoice.objects.exists()  # refused, and nothing was shortlisted


def test_a_provider_declines_with_a_reason_and_the_family_sees_it(
    client, family, person, provider_a, directory
):
    choice = ProviderChoice.objects.create(
        person=person, provider=directory[0].provider, status=ChoiceStatus.REQUESTED
    )
    sign_in(client, provider_a)
    response = client.post(f"/providers/requests/{choice.pk}/", {"decision": "decline", "reason": ""})
    assert "Say why you cannot support this person" in response.content.decode()
    response = client.post(
        f"/providers/requests/{choice.pk}/", {"decision": "decline", "reason": "No staff nearby."}
    )
    assert response.status_code == 302
    client.logout()
    sign_in(client, family)
    assert "cannot support you: No staff nearby." in client.get("/providers/your-choices/").content.decode()


def test_provider_finance_sees_a_request_but_cannot_answer_it(client, person, provider_finance, directory):
    choice = ProviderChoice.objects.create(
        person=person, provider=directory[0].provider, status=ChoiceStatus.REQUESTED
    )
    sign_in(client, provider_finance)
    page = client.get(f"/providers/requests/{choice.pk}/").content.decode()
    assert "Request from Ava Stone" in page
    assert 'name="decision"' not in page  # no answer form for finance staff
    assert client.post(f"/providers/requests/{choice.pk}/", {"decision": "accept"}).status_code == 403


def test_the_commissioner_sees_an_accepted_choice_waiting_for_a_budget(
    client, commissioner, person, directory
):
    accepted_choice(person, directory[0].provider)
    sign_in(client, commissioner)
    html = client.get("/providers/choices/").content.decode()
    assert "Waiting for an approved budget with an Individual Service Fund" in html


def test_the_commissioner_sets_up_an_agreement_from_the_choice(client, commissioner, person, directory):
    choice = accepted_choice(person, directory[0].provider)
    arrangement = isf_budget(person, directory[0].provider, amount="13000.00")
    sign_in(client, commissioner)
    page = client.get(f"/providers/choices/{choice.pk}/agreement/").content.decode()
    assert 'value="13000.00"' not in page and "£13,000.00 a year from" in page
    response = client.post(
        f"/providers/choices/{choice.pk}/agreement/",
        {
            "arrangement": arrangement.pk,
            "annual_budget": "13000.00",
            "fee_kind": "percent",
            "management_fee_percent": "8",
            "outcomes": "Swim every week.",
            "payment_frequency_weeks": "4",
            "overdraft_limit": "0",
            "person_notice_days": "28",
            "provider_notice_days": "56",
            "start_date": "",
            "review_date": "",
        },
    )
    agreement = FlexibleAgreement.objects.get()
    assert response.status_code == 302 and response.url == f"/providers/agreements/{agreement.pk}/"
    assert agreement.status == AgreementStatus.OFFERED
    assert str(agreement.unspent_limit) == "1000.00"


def test_the_family_reads_the_agreement_in_plain_english(client, family, person, directory):
    agreement = agreed(person, directory[0].provider, amount="26000.00")
    sign_in(client, family)
    html = client.get(f"/providers/agreements/{agreement.pk}/").content.decode()
    assert "Harbour Lights Support holds your money for you, only for you" in html
    assert "You do not have to become an employer." in html
    assert (
        "£26,000.00 a year. Your council pays it to Harbour Lights Support every 4 weeks, in advance." in html
    )
    assert "You can end this agreement at any time, for any reason. Give 28 days&#x27; notice here." in html
    assert "Give notice" in html
    assert "History" not in html  # staff-only audit trail


def test_the_provider_accepts_in_the_browser(client, person, provider_a, directory):
    agreement = agreed(person, directory[0].provider, accept=False)
    sign_in(client, provider_a)
    assert "Accept version 1" in client.get(f"/providers/agreements/{agreement.pk}/").content.decode()
    assert client.post(f"/providers/agreements/{agreement.pk}/accept/").status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE and agreement.accepted_by == provider_a


def test_the_family_gives_notice_and_is_sent_to_choose_again(client, family, person, directory):
    agreement = agreed(person, directory[0].provider)
    sign_in(client, family)
    response = client.post(f"/providers/agreements/{agreement.pk}/notice/", {"end_date": "", "reason": ""})
    assert response.status_code == 302 and response.url == "/providers/?offers_isf=on"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDING
    assert agreement.end_date == timezone.localdate() + dt.timedelta(days=28)


def test_notice_too_short_goes_back_onto_the_form(client, family, person, directory):
    agreement = agreed(person, directory[0].provider)
    sign_in(client, family)
    too_soon = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        f"/providers/agreements/{agreement.pk}/notice/",
        {"end_date": too_soon.strftime("%d/%m/%Y"), "reason": ""},
    )
    assert response.status_code == 200
    assert "You need to give 28 days&#x27; notice." in response.content.decode()


def test_the_commissioner_changes_terms_as_a_new_version(client, commissioner, person, directory):
    agreement = agreed(person, directory[0].provider)
    sign_in(client, commissioner)
    response = client.post(
        f"/providers/agreements/{agreement.pk}/edit/",
        {
            "annual_budget": "999999.00",  # not a field: typed amounts are ignored
            "fee_kind": "fixed",
            "management_fee_fixed": "1500.00",
            "outcomes": agreement.outcomes,
            "payment_frequency_weeks": "4",
            "unspent_limit": "",
            "overdraft_limit": "100",
            "person_notice_days": "28",
            "provider_notice_days": "56",
            "review_date": "",
            "reason": "Needs went up",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.version == 2 and agreement.management_fee_percent is None
    assert str(agreement.management_fee_fixed) == "1500.00" and agreement.awaiting_provider
    assert agreement.annual_budget == agreement.arrangement.annual_amount


def test_a_provider_manager_edits_the_profile(client, provider_a, provider_org, council):
    sign_in(client, provider_a)
    assert client.get("/providers/organisation/profile/").status_code == 200
    response = client.post(
        "/providers/organisation/profile/",
        {
            "summary": "About us",
            "offers": "Support",
            "council_areas": [council.pk],
            "postcode_districts": "dt1, DT2",
            "client_groups": ["older_people", "dementia"],
            "offers_isf": "on",
            "fee_kind": "percent",
            "management_fee_percent": "7.5",
            "languages": "English, welsh",
            "taking_new_people": "on",
            "element_individual_design": "yes_frequently",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = provider_org.profile
    assert profile.client_groups == ["older_people", "dementia"]
    assert profile.postcode_districts == ["DT1", "DT2"] and profile.languages == ["English", "Welsh"]
    assert profile.element_answers == {"individual_design": "yes_frequently"}


def test_a_fee_kind_without_an_amount_is_an_error_on_the_field(client, provider_a):
    sign_in(client, provider_a)
    response = client.post("/providers/organisation/profile/", {"fee_kind": "fixed"})
    assert "Enter the management fee as an amount a year, like 1200.00" in response.content.decode()


def test_finance_staff_cannot_edit_the_profile(client, provider_finance):
    sign_in(client, provider_finance)
    assert client.get("/providers/organisation/profile/").status_code == 403
    page = client.get("/providers/organisation/").content.decode()
    assert "<h1" in page and "Harbour Lights Support</h1>" in page
    assert 'href="/providers/organisation/profile/"' not in page


def test_another_councils_agreement_is_404(client, other_council_commissioner, person, directory):
    agreement = agreed(person, directory[0].provider)
    sign_in(client, other_council_commissioner)
    assert client.get(f"/providers/agreements/{agreement.pk}/").status_code == 404
    assert (
        f"/providers/agreements/{agreement.pk}/" not in client.get("/providers/agreements/").content.decode()
    )


def test_the_directory_shows_twenty_providers_a_page_and_keeps_the_filters(client, council):
    for i in range(45):
        profile_for(ProviderFactory(provider_ref=f"PRV-P{i:02d}", name=f"Provider {i:02d}"), areas=[council])
    first = client.get("/providers/?offers_isf=on")
    assert names(first) == [f"Provider {i:02d}" for i in range(20)]
    page = first.content.decode()
    assert "<strong>45</strong> providers found, showing 1 to 20" in page
    assert 'aria-label="Pages of providers"' in page
    assert 'href="?offers_isf=on&amp;page=2" rel="next"' in page
    assert names(client.get("/providers/?offers_isf=on&page=3")) == [
        f"Provider {i:02d}" for i in range(40, 45)
    ]
    assert names(client.get("/providers/?offers_isf=on&page=99")) == names(client.get("/providers/?page=3"))
    assert names(client.get("/providers/?page=nonsense")) == names(first)
    assert (
        'aria-label="Pages of providers"' not in client.get("/providers/?text=Provider+07").content.decode()
    )
