"""Sound advice through the real pages: the guided comparison of ways to hold a budget, the information
pages and their Easy Read versions with a council's local contacts, the printable checklist, and what
families say on a provider's page (suppressed under 5 respondents)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from advice.content import TOPICS
from advice.guidance import Answers, ways_to_hold
from advice.models import LocalContact
from budgets.models import Arrangement, BudgetStatus, PersonalBudget
from organisations.audit import history_for
from providers.elements import ELEMENTS
from surveys.by_provider import outcome_results_for_providers
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.conftest import sign_in
from tests.factories import ProviderFactory, UserFactory
from tests.providers.factories import profile_for
from tests.surveys.factories import person_holding, send_response

pytestmark = pytest.mark.django_db


def _order(answers: Answers) -> list[tuple[str, str]]:
    return [(w["code"], w["fit"]) for w in ways_to_hold(answers)]


def test_the_ways_that_fit_come_first_from_the_persons_own_answers(db):
    no_employer = _order(Answers(employ="no", paperwork="no", trusted_provider="yes"))
    assert no_employer[0] == ("isf", "fits")
    assert dict(no_employer)["direct_payment"] == "less_likely"
    employer_with_help = _order(Answers(employ="yes", paperwork="yes", trusted_provider="no"))
    assert employer_with_help[0] == ("direct_payment", "fits")
    employer_alone = _order(Answers(employ="yes", paperwork="no", trusted_provider="no"))
    assert employer_alone[0] == ("direct_payment_managed", "fits")
    assert dict(employer_alone)["direct_payment"] == "maybe"
    # No answers: all four, in the usual order, none judged.
    assert [fit for _, fit in _order(Answers())] == ["", "", "", ""]


def test_money_is_put_in_the_persons_own_budget_from_the_directorys_fees(db, council):
    for ref, fee in (("F1", "6.00"), ("F2", "8.00"), ("F3", "10.00")):
        profile_for(ProviderFactory(provider_ref=ref), areas=[council], management_fee_percent=Decimal(fee))
    isf = next(
        w for w in ways_to_hold(Answers(employ="no", amount=Decimal("20000.00"))) if w["code"] == "isf"
    )
    assert "between 6% and 10%" in isf["money"] and "the middle is 8%" in isf["money"]
    assert "about £1,600.00 a year, leaving £18,400.00" in isf["money"]
    page = Client().get(
        "/advice/ways-to-hold-your-budget/", {"employ": "no", "paperwork": "no", "trusted_provider": "yes",
                                              "amount": "20000"}
    )  # fmt: skip
    body = page.content.decode()
    assert page.status_code == 200 and "leaving £18,400.00" in body
    assert body.index("Individual Service Fund") < body.index("You hold the money yourself")
    easy = Client().get(
        "/advice/ways-to-hold-your-budget/easy-read/", {"employ": "no", "trusted_provider": "yes"}
    )
    assert b"This may suit you." in easy.content and b"Picture" in easy.content


def test_a_bad_amount_is_shown_by_its_field(db):
    page = Client().get("/advice/ways-to-hold-your-budget/", {"employ": "yes", "amount": "lots"})
    assert page.status_code == 200
    assert b'id="id_amount-error"' in page.content and b'value="lots"' in page.content


def test_the_family_sees_the_comparison_in_their_own_indicative_budget(db, council, commissioner):
    from budgets import services

    person = PersonFactory(council=council)
    family = RepresentativeFactory(person=person).user
    q = services.ensure_default_questionnaire(council=council)
    answers = {question.pk: question.options.last().pk for question in q.questions.all()}
    assessment = services.assessment_create(person=person, answers=answers, actor=commissioner)
    client = Client()
    sign_in(client, family)
    page = client.get("/advice/ways-to-hold-your-budget/")
    assert assessment.agreed_amount > 0
    assert f"£{assessment.agreed_amount:,.2f}".encode() in page.content


@pytest.mark.parametrize("slug", list(TOPICS))
def test_every_information_page_has_an_easy_read_version(db, slug):
    page = Client().get(f"/advice/{slug}/")
    assert page.status_code == 200 and TOPICS[slug]["title"].encode() in page.content
    easy = Client().get(f"/advice/{slug}/easy-read/")
    assert easy.status_code == 200
    body = easy.content.decode()
    assert body.count("Picture</span>") == len(TOPICS[slug]["easy"])
    # Short sentences, one idea each.
    for _, sentence in TOPICS[slug]["easy"]:
        assert len(sentence.split()) <= 15, sentence


def test_rights_page_says_how_to_end_an_agreement(db):
    body = Client().get("/advice/your-rights/").content.decode()
    assert "Ending an agreement" in body and "money left over moves with you" in body


def test_councils_add_local_contacts_that_show_on_their_pages_only(
    db, council, other_council, council_admin, other_council_admin
):
    client = Client()
    sign_in(client, council_admin)
    url = f"/council/{council.gss_code}/settings/local-contacts/"
    bad = client.post(url, {"topic": "advocate", "name": "", "email": "not an email"})
    assert bad.status_code == 400 and b'id="id_name-error"' in bad.content and b"not an email" in bad.content
    assert (
        client.post(url, {"topic": "advocate", "name": "Dorset Advocacy", "phone": "01305 1"}).status_code
        == 302
    )
    contact = LocalContact.objects.get()
    assert [e.actor for e in history_for(contact)] == [council_admin]
    shown = Client().get("/advice/advocate/", {"council": council.gss_code}).content
    assert b"Dorset Advocacy" in shown
    assert (
        b"Dorset Advocacy"
        in Client().get("/advice/advocate/easy-read/", {"council": council.gss_code}).content
    )
    assert (
        b"Dorset Advocacy"
        not in Client().get("/advice/advocate/", {"council": other_council.gss_code}).content
    )
    assert b"Dorset Advocacy" not in Client().get("/advice/complain/", {"council": council.gss_code}).content
    other = Client()
    sign_in(other, other_council_admin)
    assert other.get(url).status_code == 404
    assert other.post(f"{url}{contact.pk}/remove/").status_code == 404
    assert client.post(f"{url}{contact.pk}/remove/").status_code == 302
    assert not LocalContact.objects.exists()


def test_a_signed_in_family_sees_their_own_councils_contacts(db, council):
    LocalContact.objects.create(council=council, topic="all", name="Carers Centre", added_by=UserFactory())
    person = PersonFactory(council=council)
    family = RepresentativeFactory(person=person).user
    client = Client()
    sign_in(client, family)
    assert b"Carers Centre" in client.get("/advice/isf/").content


def test_the_checklist_asks_about_all_ten_elements(db):
    body = Client().get("/advice/questions-to-ask-a-provider/").content.decode()
    for code, (title, _) in ELEMENTS.items():
        if code != "funder_flexibility":
            assert title in body
    assert len(re.findall(r'class="govuk-checkboxes__input"', body)) == 10 + 4
    assert "govuk-!-display-none-print" in body


# ---- what families say, by provider ----------------------------------------------------------------


def _holding_with(council, provider, *, start=dt.date(2025, 4, 1)):
    person = person_holding(council)
    budget = PersonalBudget.objects.create(person=person, start_date=start, status=BudgetStatus.APPROVED)
    Arrangement.objects.create(
        budget=budget, management_type="isf", annual_amount=Decimal("9000.00"), start_date=start,
        provider=provider, council=council,
    )  # fmt: skip
    return person


def test_what_families_say_is_shown_from_5_respondents_and_only_for_that_provider(db, council, commissioner):
    provider, other = ProviderFactory(provider_ref="HOLD-1"), ProviderFactory(provider_ref="HOLD-2")
    profile_for(provider, areas=[council])
    people = [_holding_with(council, provider) for _ in range(5)]
    for person in people[:4]:
        send_response("outcome-budget-holder", actor=commissioner, person=person, on=dt.date(2026, 5, 1),
                      answers={"dignity": "better", "feeling_safe": "same"})  # fmt: skip
    # Sent before the ISF with this provider started: not theirs to count.
    early = _holding_with(council, provider, start=dt.date(2026, 6, 1))
    send_response("outcome-budget-holder", actor=commissioner, person=early, on=dt.date(2026, 5, 1),
                  answers={"dignity": "worse"})  # fmt: skip
    # Another provider's family.
    send_response("outcome-budget-holder", actor=commissioner, person=_holding_with(council, other),
                  on=dt.date(2026, 5, 1), answers={"dignity": "worse"})  # fmt: skip
    results = outcome_results_for_providers([provider.pk])[provider.pk]
    assert results == {"respondents": "<5", "shown": False, "areas": []}
    page = Client().get(f"/providers/{provider.pk}/").content
    assert b"Fewer than 5 families have answered" in page
    send_response("outcome-budget-holder", actor=commissioner, person=people[4], on=dt.date(2026, 5, 2),
                  answers={"dignity": "worse"})  # fmt: skip
    results = outcome_results_for_providers([provider.pk])[provider.pk]
    assert results["respondents"] == 5 and results["any_better_percent"] == 80
    dignity = next(a for a in results["areas"] if a["code"] == "dignity")
    assert dignity["answered"] == 5 and dignity["better_percent"] == 80 and dignity["worse_percent"] == 20
    safe = next(a for a in results["areas"] if a["code"] == "feeling_safe")
    assert safe["answered"] == "<5" and safe["better_percent"] is None
    page = Client().get(f"/providers/{provider.pk}/").content.decode()
    assert "5 people who hold their budget with them answered" in page and "80%" in page
    compare = Client().get("/providers/compare/", {"p": [provider.pk]}).content.decode()
    assert "80% of 5 families said at least one part of life got better" in compare


def test_provider_pages_show_years_offering_isfs_taking_new_people_and_fee(db, council):
    provider = ProviderFactory(provider_ref="YRS-1")
    profile_for(provider, areas=[council], isf_years="5_to_10", taking_new_people=False,
                management_fee_percent=Decimal("7.50"))  # fmt: skip
    body = Client().get(f"/providers/{provider.pk}/").content.decode()
    assert "How long they have offered Individual Service Funds" in body and "5 to 10 years" in body
    assert "Not at the moment" in body and "7.50% of your budget" in body
    compare = Client().get("/providers/compare/", {"p": [provider.pk]}).content.decode()
    assert "5 to 10 years" in compare
