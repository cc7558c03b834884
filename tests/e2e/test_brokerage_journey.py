"""The broker journey in a real browser, with JavaScript off for the people acting (nothing needs it):
the family invites a broker; the broker reads the assessment and budget, changes the plan, shortlists
and compares providers with the family, and writes an ask; the family sends it; the family ends the
help and the broker's access is gone. Every new page is checked with axe and at 320 px wide (in a
second, JavaScript-on window, since axe runs as a script)."""

import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from brokerage.models import AskStatus, DraftAsk, Invitation
from budgets import services as budget_services
from providers.models import ChoiceStatus, ProviderChoice
from tests.brokerage.factories import broker_at, brokerage_org
from tests.budgets.factories import PersonFactory, RepresentativeFactory, approved_budget
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in
from tests.factories import ProviderFactory, UserFactory
from tests.providers.factories import profile_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


@pytest.fixture
def world(council, commissioner, provider_org):
    person = PersonFactory(council=council, person_ref="DOR-77", given_name="Jamie", family_name="Taylor")
    family = UserFactory(email="pat@test.example.org", full_name="Pat Taylor")
    RepresentativeFactory(person=person, user=family, relationship="parent")
    PersonFactory(council=council, person_ref="DOR-78", given_name="Quentin", family_name="Uninvited")
    q = budget_services.ensure_default_questionnaire(council=council)
    answers = {question.pk: list(question.options.all())[1].pk for question in q.questions.all()}
    assessment = budget_services.assessment_create(person=person, answers=answers, actor=commissioner)
    approved_budget(person, parts=(("direct_payment", "6000.00", None),))
    budget_services.support_plan_save(
        person=person, actor=family, what_matters="Music", outcomes="Friends", how_money_used="Flexibly",
        who_helps="Mum", risks="Seizures",
    )  # fmt: skip
    profile_for(provider_org, areas=[council])
    second = ProviderFactory(provider_ref="PRV-009", name="Kingfisher Care")
    profile_for(second, areas=[council], management_fee_percent=Decimal("6.00"))
    brokerage = brokerage_org("BRK-1", "Stour Valley Brokerage", areas=[council])
    broker = broker_at(brokerage, email="ash@stour.example.org", full_name="Ash Rowe")
    return {
        "person": person, "family": family, "broker": broker, "assessment": assessment,
        "provider": provider_org, "second": second, "brokerage": brokerage,
    }  # fmt: skip


def _page(browser, live_server, user, password, *, staff: bool, javascript: bool):
    page = browser.new_context(java_script_enabled=javascript).new_page()
    browser_sign_in(page, live_server, user, password, expect_two_factor=staff)
    return page


def _twin(browser, page):
    """A JavaScript-on window in the same signed-in session (for axe, which runs as a script). Signing
    in twice would reuse the security code, which is refused."""
    context = browser.new_context()
    context.add_cookies(page.context.cookies())
    return context.new_page()


def _check(page, url: str, name: str) -> None:
    """axe and 320 px on this page, in the JavaScript-on window (and it is the page asked for)."""
    response = page.goto(url)
    assert response.status == 200 and page.url == url, (url, page.url)
    assert_accessible(page)
    assert_fits_320(page, name)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_broker_journey(browser, live_server, world, password):
    base = live_server.url
    family = _page(browser, live_server, world["family"], password, staff=False, javascript=False)
    family_js = _twin(browser, family)

    # The family invites the broker, for a purpose, until they end it.
    family.goto(f"{base}/brokerage/your-help/")
    _check(family_js, family.url, "brokerage-family-empty")
    family.get_by_role("link", name="Invite a broker").click()
    _check(family_js, family.url, "brokerage-invite")
    family.get_by_label("Who you would like to help").select_option(label="Stour Valley Brokerage")
    family.get_by_label("What you would like help with").fill("Change Jamie's plan and find weekend support")
    family.get_by_role("button", name="Invite them").click()
    expect(family.get_by_text("Stour Valley Brokerage can now help you.")).to_be_visible()
    invitation = Invitation.objects.get()
    assert invitation.invited_by == world["family"] and invitation.until is None

    # The broker sees Jamie (and nobody else): assessment, indicative budget, budget.
    broker = _page(browser, live_server, world["broker"], password, staff=True, javascript=False)
    broker_js = _twin(browser, broker)
    broker.goto(f"{base}/brokerage/people/")
    _check(broker_js, broker.url, "brokerage-broker-home")
    expect(broker.get_by_text("Uninvited")).to_have_count(0)
    broker.get_by_role("link", name="Jamie Taylor").click()
    person_url = broker.url
    _check(broker_js, person_url, "brokerage-broker-person")
    amount = f"£{world['assessment'].indicative_amount:,.2f} a year"
    expect(broker.get_by_text(amount).first).to_be_visible()
    expect(broker.get_by_text("£6,000.00 a year").first).to_be_visible()

    # The broker changes the plan; the change is recorded with their name.
    broker.get_by_role("link", name=re.compile("Change the plan")).click()
    _check(broker_js, broker.url, "brokerage-broker-plan")
    broker.get_by_label("What matters to me").fill("Music, cooking, and seeing friends at weekends")
    broker.get_by_role("button", name="Save the plan").click()
    expect(broker.get_by_text("Support plan saved.")).to_be_visible()
    expect(broker.get_by_role("button", name="Agree this plan")).to_have_count(0)
    broker.get_by_role("link", name="Back to helping Jamie Taylor").click()
    expect(broker.get_by_text("Support plan changed by Ash Rowe")).to_have_count(1)

    # Shortlist two providers, and compare them; the family sees the same shortlist.
    for name in ("Harbour Lights Support", "Kingfisher Care"):
        broker.get_by_label("Add a provider to the shortlist").select_option(label=name)
        broker.get_by_role("button", name="Add to the shortlist").click()
        expect(broker.get_by_text(f"{name} is on Jamie Taylor's shortlist.")).to_be_visible()
    broker.get_by_role("link", name="Compare the shortlist side by side").click()
    expect(broker.get_by_role("columnheader", name="Kingfisher Care")).to_be_visible()
    _check(broker_js, broker.url, "brokerage-compare")
    family.goto(f"{base}/providers/your-choices/")
    expect(family.get_by_text("Kingfisher Care").first).to_be_visible()

    # The broker writes an ask; nothing reaches the provider yet.
    broker.goto(person_url)
    broker.get_by_role("link", name="Write an ask to Kingfisher Care").click()
    _check(broker_js, broker.url, "brokerage-broker-ask")
    broker.get_by_label("What to ask, in the family's words").fill("Could you meet Jamie about Saturdays?")
    broker.get_by_role("button", name="Give it to the family to check").click()
    expect(broker.get_by_text("Kingfisher Care: Waiting for the family to confirm")).to_be_visible()
    assert ProviderChoice.objects.get(provider=world["second"]).status == ChoiceStatus.SHORTLISTED

    # The family reads it and sends it.
    family.goto(f"{base}/brokerage/your-help/")
    _check(family_js, family.url, "brokerage-family-ask")
    expect(family.get_by_text("Could you meet Jamie about Saturdays?")).to_be_visible()
    family.get_by_role("button", name="Send this to Kingfisher Care").click()
    expect(family.get_by_text("Sent. We have asked Kingfisher Care to support you.")).to_be_visible()
    choice = ProviderChoice.objects.get(provider=world["second"])
    assert choice.status == ChoiceStatus.REQUESTED
    assert choice.message == "Could you meet Jamie about Saturdays?"
    assert DraftAsk.objects.get().status == AskStatus.CONFIRMED

    # The family ends the help; the broker's access is gone at once.
    family.get_by_role("link", name="End Stour Valley Brokerage's help").click()
    _check(family_js, family.url, "brokerage-end")
    family.get_by_role("button", name="End their help now").click()
    expect(family.get_by_text("Stour Valley Brokerage is no longer helping you.")).to_be_visible()
    expect(family.get_by_text("They can no longer see your records.")).to_be_visible()
    response = broker.goto(person_url)
    assert response.status == 404
    response = broker.goto(f"{base}/people/{world['person'].pk}/plan/")
    assert response.status == 404
    broker.goto(f"{base}/brokerage/people/")
    expect(broker.get_by_text("Nobody has invited you at the moment.")).to_be_visible()


def test_sound_advice_pages_for_anyone_including_self_funders(browser, live_server, world):
    """Signed out (a self-funder): the broker directory and an enquiry, the guided comparison and its
    Easy Read version, the checklist, an information page and its Easy Read version."""
    base = live_server.url
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{base}/advice/ways-to-hold-your-budget/")
    page.get_by_role("group", name=re.compile("employ your own staff")).get_by_label("No", exact=True).check()
    page.get_by_role("group", name=re.compile("paperwork")).get_by_label("No", exact=True).check()
    page.get_by_role("group", name=re.compile("know and trust")).get_by_label("Yes", exact=True).check()
    page.get_by_label("Your budget a year, if you know it (optional)").fill("18000")
    page.get_by_role("button", name="Show the ways that may suit me").click()
    first = page.locator(".govuk-summary-card__title").first
    expect(first).to_contain_text("Individual Service Fund")
    page.get_by_role("link", name="Read this in Easy Read").click()
    expect(page.get_by_text("This may suit you.").first).to_be_visible()
    page.goto(f"{base}/brokerage/")
    page.get_by_role("link", name="Ask Stour Valley Brokerage for help").click()
    page.get_by_label("Your name").fill("Hilary Brook")
    page.get_by_label("How to contact you").fill("01305 999 000")
    page.get_by_label("What you would like help with").fill("My mother needs support at home.")
    page.get_by_label("I pay for my own support, or expect to").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Sent to Stour Valley Brokerage")).to_be_visible()

    checker = browser.new_context().new_page()
    for path, name in (
        ("/advice/", "advice-index"),
        ("/advice/ways-to-hold-your-budget/?employ=no&paperwork=no&amount=18000", "advice-ways"),
        ("/advice/ways-to-hold-your-budget/easy-read/?employ=no&trusted_provider=yes", "advice-ways-easy"),
        ("/advice/questions-to-ask-a-provider/", "advice-checklist"),
        ("/advice/your-rights/", "advice-rights"),
        ("/advice/your-rights/easy-read/", "advice-rights-easy"),
        ("/brokerage/", "brokerage-directory"),
        (f"/brokerage/{world['brokerage'].pk}/ask-for-help/", "brokerage-enquire"),
        (f"/providers/{world['brokerage'].pk}/", "brokerage-detail"),
        (f"/providers/{world['provider'].pk}/", "provider-detail"),
    ):
        _check(checker, f"{base}{path}", name)
