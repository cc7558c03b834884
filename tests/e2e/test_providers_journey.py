"""Choosing a provider and the flexible agreement, in a real browser, checked with axe on every page:
a family finds, compares and chooses a provider and the provider accepts; the commissioner sets up the
agreement and the provider accepts it; the person gives notice and moves to another provider."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import Role
from providers import services
from providers.models import AgreementStatus, FlexibleAgreement
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in
from tests.factories import ProviderFactory, UserFactory, staff
from tests.providers.factories import isf_budget, profile_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(council, other_council, provider_org, other_provider_org):
    person = PersonFactory(council=council, person_ref="DOR-1", given_name="Ava", family_name="Stone")
    family = UserFactory(email="family@test.example.org", full_name="Pat Stone")
    RepresentativeFactory(person=person, user=family, relationship="mother")
    a = profile_for(
        provider_org,
        areas=[council],
        postcode_districts=["DT1"],
        client_groups=["adults_learning_disability"],
        element_answers={"staff_matching": "yes_frequently", "direct_management": "somewhat"},
    )
    b = profile_for(
        other_provider_org,
        areas=[council],
        client_groups=["adults_learning_disability", "adults_autism"],
        management_fee_percent=None,
        management_fee_fixed="1200.00",
    )
    c = profile_for(
        ProviderFactory(provider_ref="PRV-003", name="Wessex Elder Care"),
        areas=[other_council],
        offers_isf=False,
        client_groups=["older_people"],
    )
    return {
        "person": person,
        "family": family,
        "profiles": (a, b, c),
        "commissioner": staff(Role.COMMISSIONER, council=council, email="sw@test.example.org"),
        "manager_a": staff(Role.PROVIDER_MANAGER, provider=provider_org, email="m@a.example.org"),
        "manager_b": staff(Role.PROVIDER_MANAGER, provider=other_provider_org, email="m@b.example.org"),
    }


def as_user(browser, live_server, user, password, *, staff_user=True):
    page = browser.new_context().new_page()
    browser_sign_in(page, live_server, user, password, expect_two_factor=staff_user)
    return page


def results_count(page) -> str:
    return page.locator("#results p").first.inner_text()


def family_asks(page, live_server, provider_name: str):
    page.goto(f"{live_server.url}/providers/")
    page.get_by_role("link", name=provider_name).click()
    assert_accessible(page)
    page.get_by_role("link", name="Ask them to support you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ask {provider_name} to support you")
    assert_accessible(page)
    page.get_by_label("Tell them a little about yourself (optional)").fill("I love swimming.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text(f"We have asked {provider_name} to support you.")).to_be_visible()
    assert_accessible(page)


def provider_accepts_request(page, live_server):
    page.goto(f"{live_server.url}/providers/organisation/requests/")
    assert_accessible(page)
    page.get_by_role("link", name="Ava Stone").click()
    assert_accessible(page)
    page.get_by_label("Yes, we can support them").check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("You have accepted Ava Stone.")).to_be_visible()


def commissioner_sets_up(page, live_server, *, fee: str | None):
    page.goto(f"{live_server.url}/providers/choices/")
    assert_accessible(page)
    page.get_by_role("link", name="Set up agreement for Ava Stone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a flexible agreement")
    assert_accessible(page)
    page.get_by_label("Outcomes from the support plan").fill("Swim every week.\nChoose my own staff.")
    if fee:
        page.get_by_label("A percentage of the budget").check()
        page.get_by_label("Percentage of the budget", exact=True).fill(fee)
    else:
        page.get_by_label("A fixed amount a year").check()
    page.get_by_role("button", name="Send to the provider to accept").click()
    expect(page.get_by_text("The agreement has been sent to")).to_be_visible()
    assert_accessible(page)
    return int(re.search(r"/agreements/(\d+)/", page.url).group(1))


def provider_accepts_agreement(page, live_server, pk: int):
    page.goto(f"{live_server.url}/providers/agreements/{pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Accept version 1").click()
    expect(page.get_by_text("You have accepted the agreement.")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page, "provider-agreement")
    page.goto(f"{live_server.url}/providers/agreements/")
    assert_fits_320(page, "provider-agreements")


def test_a_family_finds_compares_and_chooses_and_then_moves(browser, live_server, world, password):
    person, profiles = world["person"], world["profiles"]
    family = as_user(browser, live_server, world["family"], password, staff_user=False)

    # Find: the results update as the filters change (htmx).
    family.goto(f"{live_server.url}/providers/")
    expect(family.get_by_role("heading", level=1)).to_have_text("Find a support provider")
    assert_accessible(family)
    assert_fits_320(family, "directory")
    assert results_count(family).startswith("3 providers found")
    family.get_by_label("Can hold my budget for me (Individual Service Fund)").check()
    expect(family.locator("#results p").first).to_contain_text("2 providers found")
    family.get_by_label("Who the support is for").select_option("adults_autism")
    expect(family.locator("#results p").first).to_contain_text("1 provider found")
    family.get_by_label("Who the support is for").select_option("")
    expect(family.locator("#results p").first).to_contain_text("2 providers found")
    assert_accessible(family)

    # Compare two side by side.
    family.get_by_label("Compare Harbour Lights Support").check()
    family.get_by_label("Compare Purbeck Circles of Support").check()
    family.get_by_role("button", name="Compare ticked providers").click()
    expect(family.get_by_role("heading", level=1)).to_have_text("Compare providers")
    table = family.get_by_role("table")
    expect(table).to_contain_text("8% of your budget")
    expect(table).to_contain_text("£1,200.00 a year")
    expect(table).to_contain_text("We recruit and match staff so you get support from the right people.")
    assert_accessible(family)
    assert_fits_320(family, "family-compare")

    # Choose: ask Harbour Lights; the provider accepts.
    family_asks(family, live_server, "Harbour Lights Support")
    expect(family.get_by_text("Asked. Waiting for Harbour Lights Support to answer.")).to_be_visible()
    provider_a = as_user(browser, live_server, world["manager_a"], password)
    provider_accepts_request(provider_a, live_server)

    # With no budget yet the choice waits; once the ISF budget is approved the commissioner sets it up.
    commissioner = as_user(browser, live_server, world["commissioner"], password)
    commissioner.goto(f"{live_server.url}/providers/choices/")
    expect(
        commissioner.get_by_text("Waiting for an approved budget with an Individual Service Fund")
    ).to_be_visible()
    isf_budget(
        person, profiles[0].provider, amount="26000.00", start=timezone.localdate() - dt.timedelta(days=7)
    )
    pk = commissioner_sets_up(commissioner, live_server, fee="8")
    provider_accepts_agreement(provider_a, live_server, pk)

    # The family's list follows the latest event: agreed, not "will set up the agreement".
    family.goto(f"{live_server.url}/providers/your-choices/")
    expect(family.get_by_text("Agreed. Harbour Lights Support holds your money from")).to_be_visible()
    expect(family.get_by_text("Your social worker will set up the agreement")).to_have_count(0)
    assert_fits_320(family, "family-your-choices")

    # The family reads it in plain English and gives notice.
    family.goto(f"{live_server.url}/providers/agreements/{pk}/")
    expect(family.get_by_role("heading", level=1)).to_have_text("Your agreement with Harbour Lights Support")
    expect(family.get_by_text("You do not have to become an employer.")).to_be_visible()
    assert_accessible(family)
    assert_fits_320(family, "family-agreement")
    family.get_by_role("link", name="Give notice").click()
    assert_accessible(family)
    family.get_by_role("button", name="Give notice").click()
    last_day = timezone.localdate() + dt.timedelta(days=28)
    expect(family.get_by_text(f"ends on {last_day:%-d %B %Y}")).to_be_visible()
    assert_accessible(family)

    # The commissioner and the provider see the end date.
    commissioner.goto(f"{live_server.url}/providers/choices/")
    expect(commissioner.get_by_text(f"last day {last_day:%-d %B %Y}")).to_be_visible()
    provider_a.goto(f"{live_server.url}/providers/organisation/")
    expect(provider_a.get_by_role("table")).to_contain_text(f"{last_day:%-d %B %Y}")
    assert_accessible(provider_a)

    # The person chooses Purbeck; Purbeck accepts; the commissioner sets up the replacement agreement.
    family_asks(family, live_server, "Purbeck Circles of Support")
    provider_b = as_user(browser, live_server, world["manager_b"], password)
    provider_accepts_request(provider_b, live_server)
    new_pk = commissioner_sets_up(commissioner, live_server, fee=None)
    expect(
        commissioner.get_by_text("This agreement follows the one with Harbour Lights Support.")
    ).to_be_visible()
    provider_accepts_agreement(provider_b, live_server, new_pk)

    # On the move date the new agreement starts and the old one ends (the daily job).
    assert services.complete_due_changes(today=last_day + dt.timedelta(days=1))["moved"] == 1
    old, new = FlexibleAgreement.objects.get(pk=pk), FlexibleAgreement.objects.get(pk=new_pk)
    assert old.status == AgreementStatus.ENDED and new.arrangement.provider == profiles[1].provider
    family.goto(f"{live_server.url}/providers/agreements/{new_pk}/")
    expect(family.get_by_text("The move is complete")).to_be_visible()
    assert_accessible(family)
    # The new provider is given the moved arrangement's own reference, for its spending file.
    assert new.arrangement.budget_ref and new.arrangement.budget_ref != old.arrangement.budget_ref
    provider_b.goto(f"{live_server.url}/providers/agreements/{new_pk}/")
    budget_reference = provider_b.locator(".govuk-summary-list__row", has_text="Budget reference")
    expect(budget_reference).to_contain_text(new.arrangement.budget_ref)
    family.goto(f"{live_server.url}/providers/your-choices/")
    expect(family.get_by_text("The agreement has ended.")).to_be_visible()
    expect(family.get_by_text("Agreed. Purbeck Circles of Support holds your money from")).to_be_visible()
    assert_accessible(family)


def test_the_directory_filters_without_javascript(browser, live_server, world):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/providers/")
    assert results_count(page).startswith("3 providers found")
    page.get_by_label("Who the support is for").select_option("older_people")
    page.get_by_role("button", name="Show providers").click()
    assert "client_group=older_people" in page.url
    assert results_count(page).startswith("1 provider found")
    expect(page.get_by_role("link", name="Wessex Elder Care")).to_be_visible()
    page.get_by_label("Compare Wessex Elder Care").check()
    page.get_by_role("button", name="Compare ticked providers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare providers")
    # (axe needs JavaScript, so these pages are checked in the journey above.)


def test_provider_pages_are_accessible(browser, live_server, world, password):
    manager = as_user(browser, live_server, world["manager_a"], password)
    for path in ("/providers/organisation/", "/providers/organisation/profile/", "/providers/agreements/"):
        manager.goto(f"{live_server.url}{path}")
        assert_accessible(manager)
    manager.goto(f"{live_server.url}/providers/organisation/profile/")
    manager.get_by_label("What you offer").fill("Support at home, and help to find work.")
    manager.get_by_role("button", name="Save profile").click()
    expect(manager.get_by_text("Your profile is updated.")).to_be_visible()
