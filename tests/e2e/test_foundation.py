"""The foundation in a real browser: the home page, signing in, each demo user's navigation, axe."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from organisations.demo import DEMO_PASSWORD
from organisations.models import User
from tests.e2e.helpers import assert_accessible, browser_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_reads_the_home_page_and_finds_sign_in(page, live_server):
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Personalised support, without becoming an employer"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Sign in").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert_accessible(page)


def test_a_wrong_password_shows_the_error_beside_the_field_and_in_a_summary(page, live_server, stranger):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email address").fill(stranger.email)
    page.get_by_label("Password").fill("wrong-password-entirely")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.get_by_label("Email address").input_value() == stranger.email
    assert_accessible(page)


def test_staff_sign_in_with_a_security_code(page, live_server, commissioner, password):
    browser_sign_in(page, live_server, commissioner, password)
    expect(page.get_by_text(f"Signed in as {commissioner.display_name}")).to_be_visible()
    assert_accessible(page)


def test_first_time_staff_see_an_accessible_set_up_page(page, live_server, approver, password):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email address").fill(approver.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # First the code emailed to the address on record (the password alone sets nothing up).
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page)
    message = [m for m in mail.outbox if m.subject == "Your code to set up two-factor sign-in"][-1]
    assert message.to == [approver.email]
    page.get_by_label("Code from the email").fill(re.search(r"^(\d{6})$", message.body, re.M).group(1))
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert_accessible(page)


EXPECTED_NAVIGATION = {
    "commissioner@example.org": "People",
    "approver@example.org": "Budgets to approve",
    "monitoring@example.org": "Monitoring returns",
    "provider@example.org": "Your organisation",
    "family@example.org": "Your budget",
    "council.admin@example.org": "Council settings",
}


def test_every_demo_user_signs_in_and_sees_their_own_navigation(
    browser, browser_context_args, live_server, settings
):
    """As under `make run` (two-factor off), each demo account signs in with the demo password. One
    demo for all of them (seeding it is most of the time; it was seeded once for each account), each
    account in a browser of its own (a fresh context), and every account that goes wrong is reported."""
    settings.REQUIRE_STAFF_2FA = False
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    wrong = []
    for email, own_link in EXPECTED_NAVIGATION.items():
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        try:
            user = User.objects.get(email=email)
            browser_sign_in(page, live_server, user, DEMO_PASSWORD, expect_two_factor=False)
            menu = page.get_by_role("navigation", name="Menu")
            expect(menu.get_by_role("link", name=own_link, exact=True), own_link).to_be_visible()
            expect(menu.get_by_role("link", name="Find a provider")).to_be_visible()
            assert_accessible(page)
        except AssertionError as failure:
            wrong.append(f"{email}: {failure}")
        finally:
            context.close()
    assert not wrong, "\n".join(wrong)


def test_sign_in_works_without_javascript(browser, live_server, stranger, password):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.get_by_label("Email address").fill(stranger.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Hello,")).to_be_visible()
    context.close()


def test_a_person_finds_how_to_set_a_password_from_the_sign_in_page(page, live_server):
    page.goto(live_server.url + "/login/")
    page.get_by_role("link", name="Set or reset your password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Set or reset your password"
    assert_accessible(page)
    page.get_by_label("Email address").fill("someone@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page)
