"""Carers and proportionate direct-payment oversight in a real browser (issue 19): a commissioner
records a carer's assessment; the carer (JavaScript off) sends the light annual statement; the
council's rule starts a check; the carer sees why and what happens next at every step, replies, sees
the conversation and the named person's decision, and asks again. axe and 320 px on every page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets import services as budget_services
from budgets.models import CarerAssessment
from oversight.models import Check, CheckStatus
from tests.budgets.factories import PersonFactory
from tests.conftest import totp_device_for
from tests.e2e.helpers import assert_accessible, assert_fits_320, browser_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _new_page(browser, live_server, user, password, *, staff=True, javascript=True):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    browser_sign_in(page, live_server, user, password, expect_two_factor=staff)
    return page


def _check_page(page, name):
    assert_accessible(page)
    assert_fits_320(page, name)


def test_a_carers_budget_and_a_proportionate_check_from_trigger_to_outcome(
    browser, live_server, council, commissioner, approver, password
):
    rhys = PersonFactory(council=council, given_name="Rhys", family_name="Jones")
    staff = _new_page(browser, live_server, commissioner, password)
    staff.goto(f"{live_server.url}/people/{rhys.pk}/")
    staff.get_by_role("link", name="Record a carer's assessment for someone who cares for them").click()
    _check_page(staff, "carer-assessment-form")
    staff.get_by_label("Carer's council reference").fill("CARER-E2E")
    staff.get_by_label("Carer's given name").fill("Megan")
    staff.get_by_label("Carer's family name").fill("Jones")
    staff.get_by_role("group", name="Carer's date of birth").get_by_label("Day").fill("2")
    staff.get_by_role("group", name="Carer's date of birth").get_by_label("Month").fill("3")
    staff.get_by_role("group", name="Carer's date of birth").get_by_label("Year").fill("1968")
    staff.get_by_label("Carer's email address (optional)").fill("megan@e2e.example.org")
    day = timezone.localdate() - dt.timedelta(days=300)
    group = staff.get_by_role("group", name="Date of the carer's assessment")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    staff.get_by_label("What caring involves for them").fill("Mornings, evenings and some nights.")
    staff.get_by_label("What would help them keep well and keep caring").fill("A break one evening a week.")
    staff.get_by_label("Indicative carer's budget a year").fill("5200")
    staff.get_by_role("button", name="Record the assessment").click()
    staff.get_by_role("heading", name="Carer's assessment: £5,200.00 a year").wait_for()
    _check_page(staff, "carer-assessment")
    carer = CarerAssessment.objects.get().carer
    budget = budget_services.budget_propose(
        person=carer,
        start_date=day,
        arrangements=[budget_services.ArrangementInput("direct_payment", Decimal("5200.00"))],
        actor=commissioner,
    )
    budget_services.budget_approve(budget=budget, actor=approver)
    carer.user.set_password(password)
    carer.user.save()

    # The carer, with JavaScript off: their own budget page, then the light annual statement.
    family = _new_page(browser, live_server, carer.user, password, staff=False, javascript=False)
    # axe and the 320 px check run scripts, so the same pages are looked at in a second window that has
    # JavaScript; every step is taken in the window without it.
    looker = _new_page(browser, live_server, carer.user, password, staff=False)

    def look(name):
        looker.goto(family.url)
        _check_page(looker, name)

    family.goto(f"{live_server.url}/your-budget/")
    family.get_by_role("heading", name="Your carer's budget").wait_for()
    assert "because you care for Rhys" in family.content()
    look("carer-your-budget")
    family.get_by_role("link", name="Send your annual statement").click()
    look("carer-statement")
    family.get_by_label("What did the money pay for?").fill("A sitter on Tuesday evenings, and a gym pass.")
    family.get_by_label("Money paid to you this year").fill("5200")
    family.get_by_label("Money you spent this year").fill("2700")
    family.get_by_role("button", name="Send your statement").click()
    family.get_by_text("Your statement is sent").wait_for()

    # The commissioner reads it and runs the council's checks: a check starts, at "talk first".
    staff.goto(f"{live_server.url}/oversight/")
    _check_page(staff, "oversight-home")
    staff.get_by_role("link", name="Megan Jones: year to").click()
    staff.get_by_role("button", name="Mark as read").click()
    staff.get_by_role("button", name="Run the council's checks now").click()
    staff.get_by_text("1 new check").wait_for()
    check = Check.objects.get()

    family.goto(f"{live_server.url}/your-budget/")
    family.get_by_role("link", name="See why, and what happens next").click()
    family.get_by_role("heading", name="Why we are asking").wait_for()
    text = family.content()
    assert "£2,500.00 has built up unspent" in text and "no money is ever taken back automatically" in text
    assert "Your social worker will contact you" in text
    look("check-1-talk-first")
    family.get_by_label("Anything you would like us to know").fill("We are saving for a week away in June.")
    family.get_by_role("button", name="Send").click()
    family.get_by_text("Your social worker will read this").wait_for()

    # The conversation, then a named person's decision with a reason.
    staff.goto(f"{live_server.url}/oversight/checks/{check.pk}/")
    _check_page(staff, "oversight-check")
    staff.get_by_label("What you talked about").fill("Megan is saving £1,500 for a week away in June.")
    staff.get_by_role("button", name="Record the conversation").click()
    staff.get_by_text("Conversation recorded").wait_for()

    family.reload()
    assert "What we talked about" in family.content()
    assert "A named person at the council will now decide" in family.content()
    look("check-2-talked")

    staff.get_by_label("Some money returned to the council").check()
    staff.get_by_label("Your reason").fill(
        "£1,500 is for the agreed break; the other £500 is more than needed."
    )
    staff.get_by_label("Amount kept for an agreed purpose, in pounds").fill("1500")
    staff.get_by_label("What the kept money is for").fill("a week away in June")
    staff.get_by_label("Amount going back to the council, in pounds").fill("500")
    staff.get_by_role("button", name="Record the decision").click()
    staff.get_by_text("Decision recorded").wait_for()

    family.reload()
    text = family.content()
    assert "What we decided about your carer" in text and "more than needed" in text
    assert commissioner.display_name in text
    look("check-3-decided")
    family.get_by_label("Why would you like us to look again?").fill("The £500 pays for respite in August.")
    family.get_by_role("button", name="Ask us to look again").click()
    family.get_by_text("Someone else at the council will decide").wait_for()
    look("check-4-asked-again")
    check.refresh_from_db()
    assert check.status == CheckStatus.ASKED_AGAIN

    staff.goto(f"{live_server.url}/oversight/report/")
    _check_page(staff, "oversight-report")
    totp_device_for(commissioner)
