"""Managed direct payments in a real browser (issue 13), JavaScript off for the organisation and the
commissioner: the hub records spending through the plain form, the family reads "Your managed direct
payment", "Your budget" with the support and the management cost as two lines, and a statement
(fits 320 px); the commissioner reads the assessment with the same two lines, sees the account
flagged and moves it to another organisation. Every page passes axe."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from budgets.models import Assessment, ManagementType, Representative
from organisations.models import Role
from organisations.services import system_actor
from providers.ledger import managed, services
from providers.ledger.models import HeldAccount
from providers.models import OrganisationKind, ProviderProfile
from tests.budgets.factories import PersonFactory, approved_budget
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in, screenshot_at
from tests.factories import ProviderFactory, UserFactory, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family(db):
    return UserFactory(email="june@e2e.example.org", full_name="June Hollow")


@pytest.fixture
def hub(council):
    hub = ProviderFactory(provider_ref="HUB-E2E", name="Purbeck Community Hub")
    ProviderProfile.objects.filter(provider=hub).delete()
    profile = ProviderProfile.objects.create(
        provider=hub,
        organisation_kind=OrganisationKind.COMMUNITY_HUB,
        manages_direct_payments=True,
        phone="01929 555 010",
        client_groups=["older_people"],
    )
    profile.council_areas.add(council)
    return hub


@pytest.fixture
def other_hub(council):
    other = ProviderFactory(provider_ref="HUB-E2E-2", name="Swanage Money Help")
    ProviderProfile.objects.filter(provider=other).delete()
    profile = ProviderProfile.objects.create(
        provider=other,
        organisation_kind=OrganisationKind.MANAGED_ACCOUNT_SERVICE,
        manages_direct_payments=True,
    )
    profile.council_areas.add(council)
    return other


@pytest.fixture
def account(council, hub, family):
    person = PersonFactory(council=council, given_name="Iris", family_name="Hollow")
    Representative.objects.create(person=person, user=family, relationship="daughter")
    start = timezone.localdate() - dt.timedelta(days=40)
    budget = approved_budget(
        person, start=start, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "9100.00", hub),)
    )
    budget.assessment = Assessment.objects.create(
        person=person,
        assessed_on=start - dt.timedelta(days=14),
        assessed_by=system_actor(),
        breakdown={"answers": [], "points": 26, "price_per_point": "350.00", "base": "9100.00"},
        total_points=26,
        price_per_point=Decimal("350.00"),
        indicative_amount=Decimal("9100.00"),
        agreed_amount=Decimal("9100.00"),
    )
    budget.save(update_fields=["assessment"])
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent = Decimal("7.00")
    arrangement.budget_ref = "DOR-HUB-E2E"
    arrangement.save()
    robot = system_actor()
    account = managed.open_managed_account(arrangement=arrangement, actor=robot)
    services.post_due_payments(fund=account, actor=robot, today=timezone.localdate())
    services.produce_statement(fund=account, start=start, end=start + dt.timedelta(days=27), actor=robot)
    return account


def test_hub_family_and_commissioner_each_see_and_do_their_part(
    browser, live_server, account, hub, other_hub, family, commissioner, password
):
    hub_staff = staff(Role.PROVIDER_FINANCE, provider=hub, email="finance@hub-e2e.example.org")
    # axe and the 320 px check run scripts, so they run in a normal browser; the forms are then
    # submitted again in a browser with JavaScript off.
    hub_ctx = browser.new_context()
    page = hub_ctx.new_page()
    browser_sign_in(page, live_server, hub_staff, password)
    page.goto(f"{live_server.url}/isf/provider/")
    assert page.get_by_role("heading", level=1).inner_text() == "Managed direct payment accounts"
    assert_accessible(page)
    page.get_by_role("link", name="Iris Hollow").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Managed direct payment ledger"
    assert_accessible(page)
    page.goto(f"{live_server.url}/isf/{account.pk}/entries/new/")
    assert_accessible(page)

    # The same signed-in session without JavaScript: a second sign-in within one code step would be
    # refused (a security code is good once), so the cookies are shared instead.
    no_js = browser.new_context(java_script_enabled=False)
    no_js.add_cookies(hub_ctx.cookies())
    plain = no_js.new_page()
    plain.goto(f"{live_server.url}/isf/{account.pk}/entries/new/")
    plain.get_by_label("Amount spent, in pounds").fill("96.00")
    plain.get_by_label("What the money was for").fill("Personal assistant, 6 hours help at home")
    plain.get_by_label("Support").check()
    plain.get_by_role("button", name="Record spending").click()
    plain.get_by_text("Spending recorded: Personal assistant, 6 hours help at home").wait_for()
    no_js.close()
    page.goto(f"{live_server.url}/isf/{account.pk}/")
    expect(
        page.get_by_role("cell", name="Personal assistant, 6 hours help at home", exact=True)
    ).to_be_visible()
    assert_fits_320(page, "hub-ledger")
    hub_ctx.close()

    fam = browser.new_context(accept_downloads=True)
    family_page = fam.new_page()
    browser_sign_in(family_page, live_server, family, password, expect_two_factor=False)
    # "Your budget": the money for support and the management cost on top, as two lines.
    family_page.goto(f"{live_server.url}{reverse('budgets:your-budget')}")
    expect(family_page.get_by_text("Money for your support").first).to_be_visible()
    expect(
        family_page.get_by_text("Management cost, paid on top to Purbeck Community Hub").first
    ).to_be_visible()
    expect(family_page.get_by_text("£637.00").first).to_be_visible()  # 7% of £9,100
    assert_accessible(family_page)
    screenshot_at(family_page, "family-your-budget")
    assert_fits_320(family_page, "family-your-budget")
    family_page.goto(f"{live_server.url}/isf/managed/")
    assert family_page.get_by_role("heading", level=1).inner_text() == "Your managed direct payment"
    expect(family_page.get_by_text("Purbeck Community Hub's management cost").first).to_be_visible()
    expect(family_page.get_by_text("01929 555 010")).to_be_visible()
    expect(family_page.get_by_role("link", name="Your managed direct payment").first).to_be_visible()
    assert_accessible(family_page)
    assert_fits_320(family_page, "family-your-managed-dp")
    family_page.get_by_role("link", name="See a statement for the last four weeks").click()
    assert_accessible(family_page)
    assert_fits_320(family_page, "family-managed-statement")
    with family_page.expect_download() as info:
        family_page.get_by_role("link", name="Download this statement (PDF)").click()
    with open(info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    fam.close()

    council_ctx = browser.new_context()
    council_page = council_ctx.new_page()
    browser_sign_in(council_page, live_server, commissioner, password)
    # The assessment shows the same two lines.
    assessment = reverse("budgets:assessment", args=[account.arrangement.budget.assessment_id])
    council_page.goto(f"{live_server.url}{assessment}")
    expect(council_page.get_by_text("Money for support").first).to_be_visible()
    expect(council_page.get_by_text("Management cost, paid on top to Purbeck Community Hub")).to_be_visible()
    expect(council_page.get_by_text("£9,737.00").first).to_be_visible()  # together
    assert_accessible(council_page)
    screenshot_at(council_page, "council-assessment")
    assert_fits_320(council_page, "council-assessment")
    council_page.goto(f"{live_server.url}/isf/council/?kind=direct_payment_managed")
    assert council_page.get_by_role("heading", level=1).inner_text() == "Money held for people"
    assert_accessible(council_page)
    assert_fits_320(council_page, "council-managed")
    council_page.get_by_role("link", name="Move or change Iris Hollow's direct payment").click()
    assert_accessible(council_page)
    assert_fits_320(council_page, "council-move")
    council_page.get_by_role("button", name="Move the direct payment").click()
    expect(council_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(council_page)

    no_js = browser.new_context(java_script_enabled=False)
    no_js.add_cookies(council_ctx.cookies())
    plain = no_js.new_page()
    plain.goto(f"{live_server.url}/isf/{account.pk}/move/")
    plain.get_by_role("radio", name="Another organisation manages it").check()
    today = timezone.localdate()
    plain.get_by_label("Day").fill(str(today.day))
    plain.get_by_label("Month").fill(str(today.month))
    plain.get_by_label("Year").fill(str(today.year))
    plain.get_by_label("The new organisation").select_option(label="Swanage Money Help")
    plain.get_by_role("button", name="Move the direct payment").click()
    plain.get_by_text("the money left went with it").wait_for()
    new = HeldAccount.objects.get(provider=other_hub)
    assert plain.url.endswith(f"/isf/{new.pk}/")
    assert new.balance > 0 and HeldAccount.objects.get(pk=account.pk).balance == 0
    no_js.close()
    council_page.goto(f"{live_server.url}/isf/{new.pk}/")
    assert_accessible(council_page)
    council_ctx.close()
