"""The proposal page as a commissioner uses it: parts without a limit (no JavaScript needed), a new version
starting from the current parts, a reference for every part, a reason for a different amount, money and
dates as people type them, and every error at once, naming its part."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from budgets import services
from budgets.models import Arrangement, BudgetStatus, PersonalBudget
from tests.budgets.factories import approved_budget
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return sign_in(Client(), user)


def _post(client, person, parts, **fields):
    data = {"start_date-day": "1", "start_date-month": "4", "start_date-year": "2026", **fields}
    data = {
        k.replace("-day", "_day").replace("-month", "_month").replace("-year", "_year"): v
        for k, v in data.items()
    }
    data["arr-TOTAL_FORMS"], data["arr-INITIAL_FORMS"] = str(len(parts)), "0"
    for i, part in enumerate(parts):
        data.update({f"arr-{i}-{k}": v for k, v in part.items()})
    return client.post(f"/people/{person.pk}/budgets/new/", data)


def test_add_another_part_posts_back_one_more_part_and_keeps_what_was_typed(commissioner, person):
    c = client_for(commissioner)
    parts = [{"management_type": "direct_payment", "annual_amount": "£1,000"}] * 4
    response = _post(c, person, parts, add_part="1")
    page = response.content.decode()
    assert response.status_code == 200 and not PersonalBudget.objects.exists()
    assert 'name="arr-TOTAL_FORMS" value="5"' in page
    assert "Part 5" in page and 'id="id_arr-4-annual_amount"' in page
    assert page.count('value="£1,000"') == 4
    assert "There is a problem" not in page  # nothing is checked until the proposal is sent

    response = _post(c, person, [*parts, {"management_type": "direct_payment", "annual_amount": "8,000"}])
    assert response.status_code == 302, response.content.decode()
    budget = PersonalBudget.objects.get()
    assert budget.arrangements.count() == 5 and budget.total == Decimal("12000.00")


def test_money_is_taken_as_people_type_it(commissioner, person):
    c = client_for(commissioner)
    parts = [
        {"management_type": "direct_payment", "annual_amount": "8,000"},
        {"management_type": "commissioner_controlled", "annual_amount": "£8,000.00"},
        {"management_type": "direct_payment", "annual_amount": " £3000 "},
    ]
    assert _post(c, person, parts).status_code == 302
    amounts = sorted(Arrangement.objects.values_list("annual_amount", flat=True))
    assert amounts == [Decimal("3000.00"), Decimal("8000.00"), Decimal("8000.00")]


def test_every_problem_is_told_at_once_naming_its_part_and_linked_from_the_summary(commissioner, person):
    c = client_for(commissioner)
    parts = [
        {"management_type": "direct_payment", "annual_amount": "eight thousand"},
        {"management_type": "isf", "annual_amount": "100"},
        {"management_type": "", "annual_amount": "12"},
    ]
    page = _post(c, person, parts, start_date_month="13").content.decode()
    expected = {
        "id_start_date_day": "Start date must be a real date",
        "id_arr-0-annual_amount": (
            "Amount a year for part 1 must be an amount of money, like £1,250.00 or 1250"
        ),
        "id_arr-1-provider": "Choose the organisation that holds the money for part 2",
        "id_arr-2-management_type": "Choose how the money in part 3 is held",
    }
    for anchor, message in expected.items():
        assert f'<a href="#{anchor}">{message}</a>' in page
    assert (
        'value="eight thousand"' in page
        and 'name="start_date_month" type="text" inputmode="numeric" value="13"' in page
    )
    assert not PersonalBudget.objects.exists()


def test_a_date_missing_a_part_says_which(commissioner, person):
    page = _post(
        client_for(commissioner),
        person,
        [{"management_type": "direct_payment", "annual_amount": "10"}],
        start_date_year="",
    ).content.decode()
    assert '<a href="#id_start_date_day">Start date must include a year</a>' in page


def test_every_part_gets_a_reference_in_the_councils_pattern(commissioner, person, council):
    other = approved_budget(person, start=dt.date(2025, 4, 1))
    Arrangement.objects.filter(budget=other).update(budget_ref="DOR-PB-00041")
    c = client_for(commissioner)
    parts = [
        {"management_type": "direct_payment", "annual_amount": "10"},
        {"management_type": "commissioner_controlled", "annual_amount": "20", "budget_ref": "CM-7"},
        {"management_type": "direct_payment", "annual_amount": "30"},
    ]
    assert _post(c, person, parts).status_code == 302
    refs = list(
        PersonalBudget.objects.get(status=BudgetStatus.PROPOSED).arrangements.values_list(
            "budget_ref", flat=True
        )
    )
    assert refs == ["DOR-PB-00042", "CM-7", "DOR-PB-00043"]


def test_a_council_with_no_references_yet_gets_them_from_its_peoples_pattern(commissioner, person):
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("10.00"))],
        actor=commissioner,
    )
    assert budget.arrangements.get().budget_ref == "DOR-PB-00001"


def test_a_new_version_starts_from_the_current_parts(commissioner, person, provider_org):
    approved_budget(
        person,
        parts=(
            ("isf", "9000.00", provider_org),
            ("direct_payment", "1500.00", None),
            ("direct_payment", "1.00", None),
            ("direct_payment", "2.00", None),
        ),
    )
    page = client_for(commissioner).get(f"/people/{person.pk}/budgets/new/").content.decode()
    assert 'name="arr-TOTAL_FORMS" value="4"' in page
    assert 'name="arr-0-annual_amount" value="9000.00"' in page
    assert f'<option value="{provider_org.pk}" selected>' in page
    assert "Part 4" in page and "Part 5" not in page


def test_a_different_amount_from_the_assessment_needs_a_reason_the_approver_and_family_see(
    commissioner, approver, family, person, questionnaire
):
    assessment = services.assessment_create(
        person=person,
        answers={q.pk: q.options.all()[1].pk for q in questionnaire.questions.all()},
        actor=commissioner,
    )
    assert assessment.agreed_amount == Decimal("12750.00")
    c = client_for(commissioner)
    parts = [{"management_type": "direct_payment", "annual_amount": "40,000"}]
    page = _post(c, person, parts).content.decode()
    message = (
        "The budget comes to £40,000.00 a year but the assessment gives £12,750.00. Write why the amount is "
        "different: the approver and the family will see it."
    )
    # By the reason's box, and linked to it from the error summary.
    assert f'<a href="#id_difference_reason">{message}</a>' in page
    assert 'id="id_difference_reason-error"' in page
    assert not PersonalBudget.objects.exists()

    response = _post(c, person, parts, difference_reason="Two people support Ava at night.")
    assert response.status_code == 302
    budget = PersonalBudget.objects.get()
    assert budget.difference_reason == "Two people support Ava at night."
    assert (
        "Two people support Ava at night."
        in client_for(approver).get(f"/budgets/{budget.pk}/").content.decode()
    )
    budget = services.budget_approve(budget=budget, actor=approver)
    mine = client_for(family).get("/your-budget/").content.decode()
    assert "because: Two people support Ava at night." in mine


def test_the_family_is_told_a_new_versions_amount_and_why_it_differs_before_it_starts(
    commissioner, approver, family, person, questionnaire
):
    assessment = services.assessment_create(
        person=person,
        answers={q.pk: q.options.all()[1].pk for q in questionnaire.questions.all()},
        actor=commissioner,
    )
    approved_budget(person, start=dt.date(2026, 4, 1), assessment=assessment)
    starts = services.today() + dt.timedelta(days=30)
    budget = services.budget_propose(
        person=person,
        start_date=starts,
        arrangements=[services.ArrangementInput("direct_payment", Decimal("19000.00"))],
        assessment=assessment,
        difference_reason="Day services three days a week.",
        actor=commissioner,
    )
    services.budget_approve(budget=budget, actor=approver)
    page = client_for(family).get("/your-budget/").content.decode()
    assert (
        f'A new budget of <strong class="app-money">£19,000.00</strong> a year has been approved from '
        f"{starts:%-d %B %Y}. It is different from the amount worked out from your assessment because: "
        "Day services three days a week."
    ) in page
