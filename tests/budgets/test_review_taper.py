"""Issue 17: a review walks the plan's outcomes, a reduction after outcomes met is a proposed version
linked to the review, the family answers it in writing, and the trend counts it as tapering."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from budgets import review_services, services
from budgets.models import BudgetReview, BudgetStatus, PersonalBudget, ReviewResponse
from monitoring.budget_trend import budget_trend
from monitoring.periods import Period
from monitoring.report import build_return
from tests.budgets.factories import PersonFactory, RepresentativeFactory, approved_budget
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

TREND_KEYS = {
    "period",
    "people",
    "mean_annual_budget",
    "median_annual_budget",
    "reduced_after_outcomes_met",
    "reduced_otherwise",
    "increased",
}


def client_for(user) -> Client:
    return sign_in(Client(), user)


@pytest.fixture
def fred(council, commissioner):
    person = PersonFactory(council=council, given_name="Fred", family_name="Marsh")
    plan = services.support_plan_save(
        person=person,
        actor=commissioner,
        what_matters="My own flat and my dog",
        outcomes="- Cook my own tea\n- Make friends at the allotment\n2. Find paid work",
        how_money_used="Support workers",
        who_helps="My sister",
        risks="Crossing roads",
    )
    services.support_plan_agree(plan=plan, actor=commissioner)
    budget = approved_budget(person, start=dt.date(2024, 4, 1), parts=(("direct_payment", "12000.00", None),))
    budget.support_plan = plan
    budget.save()
    return person


def _review_post(budget, **over):
    data = {
        "outcome_0_status": "met",
        "outcome_0_words": "I make pasta on Tuesdays",
        "outcome_1_status": "partly_met",
        "outcome_1_words": "Two friends now",
        "outcome_2_status": "not_met",
        "outcome_2_words": "",
        "what_changed": ["new_skills", "friends"],
        "notes": "Fred needs less paid support in the evenings.",
        "recommendation": "reduce",
        "recommendation_reason": "Fred cooks for himself now, so evening support can taper.",
        "change_from": "2025-06-01",
        "reviewed_on": "2025-05-10",
    }
    arrangement = budget.arrangements.get()
    data[f"amount_{arrangement.pk}"] = "9,000"
    data.update(over)
    return data


def test_a_review_walks_the_outcomes_and_tapers_the_budget_into_the_trend(
    fred, commissioner, approver, council
):
    budget = fred.budgets.get()
    page = client_for(commissioner).get(f"/budgets/{budget.pk}/review/").content.decode()
    assert "Outcome 1: Cook my own tea" in page and "Outcome 3: Find paid work" in page

    response = client_for(commissioner).post(f"/budgets/{budget.pk}/review/", _review_post(budget))
    assert response.status_code == 302
    review = BudgetReview.objects.get()
    assert [o.status for o in review.outcomes.all()] == ["met", "partly_met", "not_met"]
    assert review.outcomes.first().own_words == "I make pasta on Tuesdays"
    assert review.what_changed == ["new_skills", "friends"] and review.outcomes_met
    proposal = PersonalBudget.objects.get(status=BudgetStatus.PROPOSED)
    assert proposal.from_review == review and proposal.start_date == dt.date(2025, 6, 1)
    assert proposal.total_on(proposal.start_date) == Decimal("9000.00")

    # Nothing counts before approval.
    before = budget_trend(council_id=council.pk, periods=[Period(2025)])[0]
    assert before["reduced_after_outcomes_met"] == 0

    services.budget_approve(budget=proposal, actor=approver)
    trend = budget_trend(council_id=council.pk, periods=Period(2025).history(5))
    assert [t["period"] for t in trend] == ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    assert all(set(t) == TREND_KEYS for t in trend)
    assert trend[-1] == {
        "period": "2025-26",
        "people": 1,
        "mean_annual_budget": "9000.00",
        "median_annual_budget": "9000.00",
        "reduced_after_outcomes_met": 1,
        "reduced_otherwise": 0,
        "increased": 0,
    }
    assert trend[-2]["mean_annual_budget"] == "12000.00" and trend[-2]["reduced_after_outcomes_met"] == 0

    # The person's page charts the budget by version with the review that caused the change.
    person_page = client_for(commissioner).get(f"/people/{fred.pk}/").content.decode()
    assert 'id="chart-budget-versions"' in person_page
    assert "after review on 10 May 2025" in person_page and "−£3,000.00" in person_page


def test_the_return_json_and_pdf_carry_the_budget_trend(fred, commissioner, approver, council):
    budget = fred.budgets.get()
    review_services.review_with_outcomes(
        budget=budget,
        actor=commissioner,
        notes="n",
        outcomes=[review_services.OutcomeFound("Cook my own tea", "met")],
        recommendation="reduce",
        recommendation_reason="Cooks now",
        change_from=dt.date(2025, 6, 1),
        new_amounts={budget.arrangements.get().pk: Decimal("9000.00")},
        reviewed_on=dt.date(2025, 5, 10),
    )
    services.budget_approve(budget=PersonalBudget.objects.get(status="proposed"), actor=approver)
    figures = build_return(council=council, period=Period(2025), today=dt.date(2026, 5, 1))
    trend = figures["budget_trend"]
    assert len(trend) == 5 and trend[-1]["period"] == "2025-26"
    assert trend[-1]["reduced_after_outcomes_met"] == 1 and trend[-1]["mean_annual_budget"] == "9000.00"
    from monitoring.pdf import pdf_html

    html = pdf_html(figures)
    assert 'id="chart-budget-trend"' in html and "Budget per person over time" in html
    assert "2025-26 mean" in html


def test_a_reduction_without_outcomes_met_is_a_cut_and_an_increase_counts_too(
    council, commissioner, approver
):
    people = [PersonFactory(council=council) for _ in range(3)]
    for person, (rec, amount, status) in zip(
        people,
        [("reduce", "10000.00", "not_met"), ("increase", "15000.00", "met"), ("keep", None, "met")],
        strict=True,
    ):
        budget = approved_budget(person, start=dt.date(2024, 4, 1))
        review_services.review_with_outcomes(
            budget=budget,
            actor=commissioner,
            notes="n",
            outcomes=[review_services.OutcomeFound("Go out more", status)],
            recommendation=rec,
            recommendation_reason="because",
            change_from=dt.date(2025, 9, 1) if amount else None,
            new_amounts={budget.arrangements.get().pk: Decimal(amount)} if amount else None,
            reviewed_on=dt.date(2025, 8, 1),
        )
    for proposal in PersonalBudget.objects.filter(status="proposed"):
        services.budget_approve(budget=proposal, actor=approver)
    row = budget_trend(council_id=council.pk, periods=[Period(2025)])[0]
    assert (row["reduced_after_outcomes_met"], row["reduced_otherwise"], row["increased"]) == (0, 1, 1)
    # 10,000 + 15,000 + 12,000: mean 12,333.33, median 12,000.00
    assert (row["people"], row["mean_annual_budget"], row["median_annual_budget"]) == (
        3,
        "12333.33",
        "12000.00",
    )


def test_a_reduction_that_adds_up_to_more_is_refused_by_the_field_and_nothing_is_kept(fred, commissioner):
    budget = fred.budgets.get()
    data = _review_post(budget, **{f"amount_{budget.arrangements.get().pk}": "13000"})
    response = client_for(commissioner).post(f"/budgets/{budget.pk}/review/", data)
    assert response.status_code == 400
    assert (
        "To reduce the budget, the new amounts must come to less than £12,000.00" in response.content.decode()
    )
    assert not BudgetReview.objects.exists() and fred.budgets.count() == 1


def test_an_ending_review_proposes_a_version_with_no_parts(fred, commissioner, approver):
    budget = fred.budgets.get()
    review = review_services.review_with_outcomes(
        budget=budget,
        actor=commissioner,
        notes="Fred has moved away",
        outcomes=[review_services.OutcomeFound("Cook my own tea", "no_longer_wanted")],
        recommendation="end",
        recommendation_reason="Moved to another council",
        change_from=dt.date(2026, 1, 1),
        reviewed_on=dt.date(2025, 12, 1),
    )
    ending = review.proposed_versions.get()
    services.budget_approve(budget=ending, actor=approver)
    assert budget.arrangements.get().end_date == dt.date(2025, 12, 31)
    assert ending.total_on(dt.date(2026, 1, 1)) == Decimal("0.00")


def test_the_family_reads_the_review_in_plain_english_and_disagrees_in_writing(fred, commissioner, approver):
    budget = fred.budgets.get()
    client_for(commissioner).post(f"/budgets/{budget.pk}/review/", _review_post(budget))
    review = BudgetReview.objects.get()
    rep = RepresentativeFactory(person=fred, relationship="sister")
    family = client_for(rep.user)
    landing = family.get(f"/your-budget/{fred.pk}/").content.decode()
    assert "please read it and tell us if you agree" in landing
    page = family.get(f"/your-budget/reviews/{review.pk}/").content.decode()
    assert "Cook my own tea</strong>: this has happened" in page
    assert "You said: “I make pasta on Tuesdays”" in page
    assert (
        "We suggest your budget goes down from £12,000.00 a year to £9,000.00 a year from 1 June 2025" in page
    )
    assert "commissioner_controlled" not in page and "isf" not in page.lower().split("class=")[0]

    refused = family.post(f"/your-budget/reviews/{review.pk}/", {"agrees": "no", "comment": ""})
    assert refused.status_code == 400 and "Tell us what you do not agree with." in refused.content.decode()
    assert (
        family.post(
            f"/your-budget/reviews/{review.pk}/",
            {"agrees": "no", "comment": "He still needs Friday evenings."},
        ).status_code
        == 302
    )
    assert ReviewResponse.objects.get().comment == "He still needs Friday evenings."

    # The approver sees the disagreement on the proposal before deciding.
    proposal = review.proposed_versions.get()
    approver_page = client_for(approver).get(f"/budgets/{proposal.pk}/").content.decode()
    assert "Do not agree" in approver_page and "He still needs Friday evenings." in approver_page

    # Staff are sent to their own page, and a stranger's family gets a 404.
    assert client_for(commissioner).get(f"/reviews/{review.pk}/").status_code == 200
    other = RepresentativeFactory(person=PersonFactory(council=fred.council))
    assert client_for(other.user).get(f"/your-budget/reviews/{review.pk}/").status_code == 404


def test_the_council_trend_page_shows_the_trend(fred, commissioner, monitoring_officer, provider_a):
    page = client_for(monitoring_officer).get("/monitoring/budget-trend/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="chart-budget-trend"' in text and "By primary support reason" in text
    assert "£12,000.00 / £12,000.00 (1)" in text
    assert client_for(provider_a).get("/monitoring/budget-trend/").status_code == 403
