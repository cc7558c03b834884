"""The pages: commissioner journey, approver queue, the family's page, search and filters, uploads."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from budgets import services
from budgets.models import (
    Arrangement,
    Assessment,
    BudgetStatus,
    HoldingPreference,
    PersonalBudget,
    PlanStatus,
    SupportPlan,
)
from organisations.models import ImportJob
from tests.budgets.factories import PersonFactory, approved_budget
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return sign_in(Client(), user)


def _answers(questionnaire, pick=1):
    return {f"q_{q.pk}": str(list(q.options.all())[pick].pk) for q in questionnaire.questions.all()}


def test_a_commissioner_takes_a_person_from_assessment_to_an_approved_budget(
    commissioner, approver, family, person, questionnaire, provider_org
):
    c = client_for(commissioner)
    response = c.post(f"/people/{person.pk}/assessments/new/", _answers(questionnaire))
    assessment = Assessment.objects.get(person=person)
    assert response.status_code == 302 and response.url == f"/assessments/{assessment.pk}/"
    # 4 + 4 + 3 + 2 + 2 = 15 points at £850.00.
    assert assessment.indicative_amount == Decimal("12750.00")
    page = c.get(response.url).content.decode()
    assert "Each point is worth £850.00 a year, so 15 points give £12,750.00 a year." in page

    response = c.post(
        f"/people/{person.pk}/plan/",
        {
            "what_matters": "My garden and my friends",
            "outcomes": "Go to the allotment twice a week",
            "how_money_used": "Support from people I know",
            "who_helps": "My mum and Harbour Lights",
            "risks": "Seizures: staff trained",
        },
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.get(person=person)
    assert c.post(f"/plans/{plan.pk}/agree/").status_code == 302

    response = c.post(
        f"/people/{person.pk}/budgets/new/",
        {
            "start_date": "2026-04-01",
            "review_due": "",
            "arr-TOTAL_FORMS": "3",
            "arr-INITIAL_FORMS": "0",
            "arr-0-management_type": "isf",
            "arr-0-annual_amount": "10000.00",
            "arr-0-provider": str(provider_org.pk),
            "arr-1-management_type": "direct_payment",
            "arr-1-annual_amount": "2750",
        },
    )
    budget = PersonalBudget.objects.get(person=person)
    assert response.status_code == 302, response.content.decode()
    assert budget.status == BudgetStatus.PROPOSED and budget.total == Decimal("12750.00")
    assert budget.assessment == assessment and budget.support_plan == plan

    a = client_for(approver)
    queue = a.get("/approvals/").content.decode()
    assert '1 waiting, <strong class="app-money">£12,750.00</strong> a year in total.' in queue
    assert a.post(f"/budgets/{budget.pk}/approve/", {"next": "queue"}).url == "/approvals/"
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.APPROVED and budget.review_due == dt.date(2027, 4, 1)

    mine = client_for(family).get("/your-budget/").content.decode()
    assert 'Your budget is <strong class="app-money">£12,750.00</strong> a year.' in mine
    assert "A support organisation you choose holds the money (an Individual Service Fund)" in mine
    assert "without becoming an employer" in mine
    assert "Harbour Lights Support" in mine
    assert "We will review your budget with you by 1 April 2027." in mine
    assert ">isf<" not in mine and "Individual Service Fund, " not in mine


def test_the_proposal_form_shows_field_errors_and_keeps_input(commissioner, person):
    response = client_for(commissioner).post(
        f"/people/{person.pk}/budgets/new/",
        {
            "start_date": "2026-02-30",
            "arr-TOTAL_FORMS": "3",
            "arr-INITIAL_FORMS": "0",
            "arr-0-management_type": "isf",
            "arr-0-annual_amount": "12.345",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Start date must be a real date" in page
    assert "Amount a year for part 1 must have no more than 2 digits for pence, like £12.35" in page
    assert 'value="12.345"' in page
    assert not PersonalBudget.objects.exists()


def test_a_proposal_without_a_provider_for_an_isf_is_refused_with_a_message(commissioner, person):
    response = client_for(commissioner).post(
        f"/people/{person.pk}/budgets/new/",
        {
            "start_date": "2026-04-01",
            "arr-TOTAL_FORMS": "1",
            "arr-INITIAL_FORMS": "0",
            "arr-0-management_type": "isf",
            "arr-0-annual_amount": "100",
        },
    )
    page = response.content.decode()
    assert "Choose the organisation that holds the money for part 1" in page
    assert '<a href="#id_arr-0-provider">Choose the organisation that holds the money for part 1</a>' in page


def test_an_approver_cannot_approve_above_their_limit(commissioner, second_approver, person):
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("25000.00"))],
        actor=commissioner,
    )
    response = client_for(second_approver).post(f"/budgets/{budget.pk}/approve/")
    assert response.status_code == 409
    assert (
        "This budget is £25,000.00 a year, above your approval limit of £20,000.00. "
        "Ask an approver with a higher limit." in response.content.decode()
    )
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED


def test_sending_back_needs_a_reason_and_shows_it(commissioner, approver, person):
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("1000.00"))],
        actor=commissioner,
    )
    a = client_for(approver)
    response = a.post(f"/budgets/{budget.pk}/send-back/", {"reason": ""})
    assert "Say why you are sending it back." in response.content.decode()
    response = a.post(f"/budgets/{budget.pk}/send-back/", {"reason": "Add the carer's respite"})
    assert response.status_code == 302
    page = client_for(commissioner).get(f"/budgets/{budget.pk}/").content.decode()
    assert "Add the carer&#x27;s respite" in page


def test_the_caseload_searches_and_filters_with_and_without_htmx(commissioner, council, other_council):
    PersonFactory(
        council=council, given_name="Ava", family_name="Stone", primary_support_reason="mental_health"
    )
    PersonFactory(
        council=council, given_name="Ben", family_name="Stone", primary_support_reason="physical_support"
    )
    PersonFactory(council=other_council, given_name="Cara", family_name="Stone")
    c = client_for(commissioner)
    page = c.get("/people/", {"q": "stone", "reason": "mental_health"}).content.decode()
    assert "1 person found" in page and "Ava Stone" in page and "Ben Stone" not in page
    assert "Cara" not in page
    assert "<html" in page
    partial = c.get("/people/", {"q": "stone"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "2 people found" in partial and "Cara" not in partial


def test_the_caseload_shows_fifty_people_a_page_in_name_order_and_counts_them_all(commissioner, council):
    from budgets.models import Person

    Person.objects.bulk_create(
        Person(
            council=council,
            person_ref=f"PG-{i:03d}",
            given_name="Given",
            family_name=f"Family{i:03d}",
            date_of_birth=dt.date(1980, 5, 1),
            primary_support_reason="mental_health" if i % 2 else "learning_disability",
        )
        for i in range(120)
    )
    c = client_for(commissioner)
    first = c.get("/people/")
    assert [p.family_name for p in first.context["people"]] == [f"Family{i:03d}" for i in range(50)]
    page = first.content.decode()
    assert "120 people" in page and "Showing 1 to 50, in name order." in page
    assert 'aria-label="Pages of people"' in page and 'href="?page=2" rel="next"' in page
    last = c.get("/people/", {"page": "3"})
    assert [p.family_name for p in last.context["people"]] == [f"Family{i:03d}" for i in range(100, 120)]
    # The filters stay in the links; an htmx swap of the results carries the links too.
    odd = c.get("/people/", {"reason": "mental_health"}, headers={"HX-Request": "true"}).content.decode()
    assert "60 people found" in odd and 'href="?reason=mental_health&amp;page=2"' in odd
    second = c.get("/people/", {"reason": "mental_health", "page": "2"})
    assert [p.family_name for p in second.context["people"]] == [f"Family{i:03d}" for i in range(101, 120, 2)]


def test_the_caseload_filters_by_management_type(commissioner, person, council, provider_org):
    approved_budget(person, parts=(("isf", "5000.00", provider_org),))
    PersonFactory(council=council, given_name="Nobody")
    page = client_for(commissioner).get("/people/", {"management_type": "isf"}).content.decode()
    assert "Ava Stone" in page and "Nobody" not in page


def test_the_family_says_how_they_want_to_hold_the_budget(family, person, commissioner):
    c = client_for(family)
    page = c.get(f"/your-budget/{person.pk}/how-to-hold/").content.decode()
    assert "You can get personalised support without becoming an employer." in page
    assert "commissioner-controlled" not in page.lower() and ">isf<" not in page
    response = c.post(
        f"/your-budget/{person.pk}/how-to-hold/", {"management_types": ["isf", "direct_payment"]}
    )
    assert response.status_code == 302
    assert HoldingPreference.objects.get().management_types == ["direct_payment", "isf"]
    mine = c.get("/your-budget/").content.decode()
    assert (
        "You told us you would like: You hold the money yourself (a direct payment); A support organisation "
        "you choose holds the money (an Individual Service Fund)." in mine
    )
    staff_page = client_for(commissioner).get(f"/people/{person.pk}/").content.decode()
    assert "Direct payment, self-managed; Individual Service Fund" in staff_page


def test_a_commissioner_sees_the_family_page_but_cannot_choose_for_them(commissioner, person):
    c = client_for(commissioner)
    page = c.get(f"/your-budget/{person.pk}/how-to-hold/")
    assert page.status_code == 200 and page.context["person"] == person
    assert "Ways to hold your budget" in page.content.decode()
    assert 'name="management_types"' not in page.content.decode()  # nothing to choose with
    assert c.post(f"/your-budget/{person.pk}/how-to-hold/", {"management_types": ["isf"]}).status_code == 403


def test_the_family_can_draft_the_support_plan_but_not_agree_it(family, person):
    c = client_for(family)
    response = c.post(
        f"/people/{person.pk}/plan/",
        {"what_matters": "a", "outcomes": "b", "how_money_used": "c", "who_helps": "d", "risks": "e"},
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert (plan.person, plan.status, plan.drafted_by) == (person, PlanStatus.DRAFT, family)
    written = (plan.what_matters, plan.outcomes, plan.how_money_used, plan.who_helps, plan.risks)
    assert written == tuple("abcde")
    assert c.post(f"/plans/{plan.pk}/agree/").status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT  # refused, and nothing changed


def test_a_departure_from_the_indicative_budget_needs_a_reason(commissioner, person, questionnaire):
    c = client_for(commissioner)
    data = {**_answers(questionnaire), "agreed_amount": "14000"}
    page = c.post(f"/people/{person.pk}/assessments/new/", data).content.decode()
    assert "The indicative budget is £12,750.00. To set a different amount, write down why." in page
    assert not Assessment.objects.exists()
    response = c.post(
        f"/people/{person.pk}/assessments/new/", {**data, "departure_reason": "Night-time support needed"}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.agreed_amount == Decimal("14000.00")


def test_reviews_due_lists_current_budgets_due_soon(commissioner, person, council):
    today = services.today()
    approved_budget(person, start=today - dt.timedelta(days=400), review_due=today - dt.timedelta(days=5))
    later = PersonFactory(council=council, given_name="Later")
    approved_budget(later, start=today, review_due=today + dt.timedelta(days=200))
    page = client_for(commissioner).get("/reviews/").content.decode()
    assert "Ava Stone" in page and "Overdue" in page and "Later" not in page


def test_recording_a_review_moves_the_next_review_a_year_on(commissioner, person):
    budget = approved_budget(person, review_due=dt.date(2026, 5, 1))
    response = client_for(commissioner).post(
        f"/budgets/{budget.pk}/review/",
        {
            "notes": "Going well",
            "reviewed_on": "2026-04-20",
            "recommendation": "keep",
            "recommendation_reason": "Support is about right",
        },
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.review_due == dt.date(2027, 4, 20)


def test_the_history_page_shows_each_step(commissioner, approver, person):
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("1000.00"))],
        actor=commissioner,
    )
    services.budget_approve(budget=budget, actor=approver)
    page = client_for(commissioner).get(f"/budgets/{budget.pk}/history/").content.decode()
    assert "Budget proposed" in page and "Budget approved" in page
    assert commissioner.display_name in page and approver.display_name in page


def test_the_history_reads_in_words(commissioner, second_approver, person):
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("1000.00"))],
        actor=commissioner,
    )
    services.budget_send_back(budget=budget, actor=second_approver, reason="Check the hours with Ava.")
    page = client_for(commissioner).get(f"/budgets/{budget.pk}/history/").content.decode()
    assert f"Budget sent back by {second_approver.display_name}: “Check the hours with Ava.”" in page
    assert "Status changed from waiting for approval to sent back." in page
    assert f"Budget proposed by {commissioner.display_name}" in page and "Start date: 1 April 2026." in page
    assert "sent_back" not in page and "→" not in page


def test_the_upload_page_checks_the_file_and_sends_it_for_approval(
    commissioner, council, provider_org, import_jobs_run_at_once
):
    text = (
        "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
        "start_date,end_date,provider_ref\nP-1,1980-05-01,learning_disability,B-1,isf,100.00,2026-04-01,,PRV-001\n"
    )
    c = client_for(commissioner)
    response = c.post(
        "/imports/budgets/", {"file": SimpleUploadedFile("x.csv", text.encode(), "text/csv")}, follow=True
    )
    page = response.content.decode()
    assert "1 row for 1 person. An approver must confirm the file before anything in it is imported." in page
    batch_page = c.get(ImportJob.objects.get().result_url).content.decode()
    assert "Waiting for an approver" in batch_page and "£100.00" in batch_page
    assert not Arrangement.objects.exists()


def test_the_upload_page_shows_the_same_errors_and_imports_nothing(
    commissioner, council, import_jobs_run_at_once
):
    text = (
        "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
        "start_date,end_date,provider_ref\nP-1,1980-05-01,learning_disability,B-1,isf,100.00,2026-04-01,,\n"
    )
    response = client_for(commissioner).post(
        "/imports/budgets/", {"file": SimpleUploadedFile("x.csv", text.encode(), "text/csv")}, follow=True
    )
    page = response.content.decode()
    assert "Nothing was imported: fix these lines and upload the file again" in page
    assert "line 2: provider_ref: is required when management_type is isf" in page
    assert not Arrangement.objects.exists()


def test_a_commissioner_adds_a_person_and_a_representative(commissioner, council):
    c = client_for(commissioner)
    response = c.post(
        "/people/new/",
        {
            "person_ref": "DOR-77",
            "given_name": "Ola",
            "family_name": "Reed",
            "date_of_birth": "1990-01-01",
            "primary_support_reason": "sensory_support",
            "postcode": "",
        },
    )
    assert response.status_code == 302
    person_url = response.url
    response = c.post(
        f"{person_url}representatives/",
        {"email": "Sister@Example.org", "full_name": "Mia Reed", "relationship": "sister"},
    )
    assert response.status_code == 302
    page = c.get(person_url).content.decode()
    assert "Mia Reed (sister@example.org), sister" in page
    duplicate = c.post(
        "/people/new/",
        {"person_ref": "DOR-77", "date_of_birth": "1990-01-01", "primary_support_reason": "sensory_support"},
    )
    assert "Dorset Council already has a person with reference DOR-77." in duplicate.content.decode()


def test_someone_with_no_budget_linked_is_told_what_to_do(stranger):
    page = client_for(stranger).get("/your-budget/").content.decode()
    assert "There is no personal budget linked to your account yet." in page


def test_the_family_page_says_who_to_contact_and_what_happens_next_before_any_budget(family, person, council):
    council.contact_phone = "01305 000 000"
    council.save()
    page = client_for(family).get("/your-budget/").content.decode()
    assert "You do not have an agreed budget yet." in page
    assert "Dorset Council: 01305 000 000" in page
    assert "Your social worker will talk with you about what you need." in page


def test_an_agreed_plan_reads_as_text_with_change_links(commissioner, family, person):
    plan = services.support_plan_save(
        person=person,
        actor=family,
        what_matters="My garden",
        outcomes="Grow vegetables",
        how_money_used="Flexibly",
        who_helps="Mum",
        risks="None known",
    )
    services.support_plan_agree(plan=plan, actor=commissioner)
    c = client_for(family)
    page = c.get(f"/people/{person.pk}/plan/").content.decode()
    assert "<textarea" not in page
    assert '<dd class="govuk-summary-list__value">Grow vegetables</dd>' in page
    change = '<span class="govuk-visually-hidden"> the outcomes I want</span>'
    assert f'href="?change=outcomes#id_outcomes">Change{change}' in page
    # What happens next follows where the plan is now.
    assert "The plan is agreed. The social worker proposes the budget" in page
    assert "When the plan is agreed" not in page
    page = c.get(f"/people/{person.pk}/plan/?change=outcomes").content.decode()
    assert 'id="id_outcomes"' in page and "Your changes make a new draft." in page


def test_the_approval_queue_shows_fifty_proposals_a_page_and_counts_and_totals_them_all(
    commissioner, approver, council, other_council, other_council_commissioner
):
    """Issue 14: the queue is 50 proposals a page, oldest first (GOV.UK pagination, plain links), while
    the count, the total a year and the approver's limit are of every proposal waiting; each row knows
    whether it is above the approver's limit in its council."""
    people = [PersonFactory(council=council, person_ref=f"AQ-{i:03d}") for i in range(55)]
    proposals = [
        services.budget_propose(
            person=p,
            start_date=dt.date(2026, 4, 1),
            # The last one is above the approver's limit of £50,000.
            arrangements=[
                services.ArrangementInput("direct_payment", Decimal("60000.00" if i == 54 else "100.00"))
            ],
            actor=commissioner,
        )
        for i, p in enumerate(people)
    ]
    # Another council's proposal is neither listed nor counted.
    services.budget_propose(
        person=PersonFactory(council=other_council),
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("7.00"))],
        actor=other_council_commissioner,
    )
    c = client_for(approver)
    first = c.get("/approvals/")
    assert [b.pk for b in first.context["proposals"]] == [b.pk for b in proposals[:50]]
    page = first.content.decode()
    assert '55 waiting, <strong class="app-money">£65,400.00</strong> a year in total.' in page
    assert "Your approval limit is £50,000.00 a year." in page
    assert "1 to 50 of 55" in page and 'aria-label="Pages of proposals"' in page
    assert 'href="?page=2" rel="next"' in page
    assert page.count("Above your approval limit.") == 0 and page.count(">Approve<") == 50
    second = c.get("/approvals/", {"page": "2"})
    assert [b.pk for b in second.context["proposals"]] == [b.pk for b in proposals[50:]]
    later = second.content.decode()
    assert "55 waiting" in later and "51 to 55 of 55" in later and 'rel="prev"' in later
    assert later.count("Above your approval limit.") == 1 and later.count(">Approve<") == 4
    # A short queue has no page links.
    from organisations.models import Role
    from tests.factories import staff

    other = staff(
        Role.APPROVER, council=other_council, approval_limit=Decimal("5.00"), email="aq@o.example.org"
    )
    short = client_for(other).get("/approvals/").content.decode()
    assert (
        "1 waiting" in short and "Pages of proposals" not in short and "Above your approval limit." in short
    )
