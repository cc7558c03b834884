"""Issue 19, part 1: carers as people in their own right, with their own assessment and budget."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets import services
from budgets.carers import cared_for_by, carer_assessment_record
from budgets.models import CarerAssessment, Person
from tests.budgets.factories import PersonFactory
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "carer_ref": "CARER-1",
        "given_name": "Megan",
        "family_name": "Jones",
        "date_of_birth": "1968-03-02",
        "relationship": "mother",
        "email": "megan@example.org",
        "assessed_on": "2026-05-01",
        "caring_role": "I help Rhys every morning and most nights.",
        "what_would_help": "A break one evening a week.",
        "indicative_amount": "1800",
    }
    return {**data, **overrides}


def test_a_commissioner_records_a_carers_assessment_and_the_carer_is_a_person(client, council, commissioner):
    rhys = PersonFactory(council=council, given_name="Rhys")
    sign_in(client, commissioner)
    response = client.post(f"/people/{rhys.pk}/carers/new/", _form())
    assessment = CarerAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/carer-assessments/{assessment.pk}/"
    carer = assessment.carer
    assert carer.is_carer and carer.council == council and carer.primary_support_reason == ""
    assert carer.user.email == "megan@example.org"
    assert assessment.cared_for == rhys and assessment.indicative_amount == Decimal("1800.00")
    assert cared_for_by(carer) == [rhys]
    page = client.get(f"/people/{carer.pk}/").content.decode()
    assert "Carer for" in page and "Rhys" in page and "counted only in the carers" in page
    assert "Megan" in client.get(f"/people/{rhys.pk}/").content.decode()


def test_errors_are_shown_by_the_field_and_input_kept(client, council, commissioner):
    rhys = PersonFactory(council=council)
    sign_in(client, commissioner)
    response = client.post(f"/people/{rhys.pk}/carers/new/", _form(caring_role="", indicative_amount="-5"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Megan" in page and "govuk-error-message" in page
    # Someone with their own support is not turned into a carer by typing their reference.
    response = client.post(f"/people/{rhys.pk}/carers/new/", _form(carer_ref=rhys.person_ref))
    assert response.status_code == 400 and "not a carer" in response.content.decode()
    assert not Person.objects.filter(is_carer=True).exists()


def test_a_second_assessment_reuses_the_carer(council, commissioner):
    a, b = PersonFactory(council=council), PersonFactory(council=council)
    fields = dict(
        carer_ref="CARER-9",
        date_of_birth=dt.date(1960, 1, 1),
        assessed_on=dt.date(2026, 5, 1),
        caring_role="x",
        what_would_help="y",
        indicative_amount=Decimal("100"),
        actor=commissioner,
    )
    first = carer_assessment_record(cared_for=a, **fields)
    second = carer_assessment_record(cared_for=b, **fields)
    assert first.carer == second.carer
    assert set(cared_for_by(first.carer)) == {a, b}


def test_the_carer_sees_their_own_budget_in_plain_words(client, council, commissioner, approver):
    rhys = PersonFactory(council=council, given_name="Rhys")
    assessment = carer_assessment_record(
        cared_for=rhys,
        actor=commissioner,
        carer_ref="CARER-2",
        given_name="Megan",
        date_of_birth=dt.date(1968, 3, 2),
        email="megan2@example.org",
        assessed_on=dt.date(2026, 5, 1),
        caring_role="Mornings and nights",
        what_would_help="A break one evening a week",
        indicative_amount=Decimal("1800.00"),
    )
    carer = assessment.carer
    budget = services.budget_propose(
        person=carer,
        start_date=dt.date(2026, 6, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("1800.00"))],
        actor=commissioner,
    )
    services.budget_approve(budget=budget, actor=approver)
    sign_in(client, carer.user)
    page = client.get("/your-budget/").content.decode()
    assert "Your carer&#x27;s budget" in page or "Your carer's budget" in page
    assert "because you care for Rhys" in page
    assert "does not come out of their budget" in page
    assert "A break one evening a week" in page
    assert "£1,800.00" in page


def test_the_carers_survey_answers_are_linked_to_the_carer(client, council, commissioner):
    from budgets.models import Representative
    from surveys.definitions import OUTCOME_CARER, ensure_shipped_surveys
    from surveys.models import Response
    from surveys.services import submit_response

    ensure_shipped_surveys()
    rhys = PersonFactory(council=council, given_name="Rhys")
    assessment = carer_assessment_record(
        cared_for=rhys,
        actor=commissioner,
        carer_ref="CARER-3",
        given_name="Megan",
        date_of_birth=dt.date(1968, 3, 2),
        email="megan3@example.org",
        assessed_on=dt.date(2026, 5, 1),
        caring_role="Mornings",
        what_would_help="A break",
        indicative_amount=Decimal("900.00"),
    )
    carer = assessment.carer
    Representative.objects.create(person=rhys, user=carer.user, relationship="mother")
    sign_in(client, carer.user)
    client.post(f"/surveys/yours/{rhys.pk}/{OUTCOME_CARER}/")
    response = Response.objects.get(survey__slug=OUTCOME_CARER)
    assert response.person == rhys and response.carer == carer
    page = client.get(f"/your-budget/{carer.pk}/").content.decode()
    assert "You have not filled in the carers" in page
    from surveys.selectors import questions_for
    from surveys.services import save_answers

    save_answers(
        response=response,
        answers={q.code: [q.options.first().code] for q in questions_for(response=response)},
        actor=carer.user,
    )
    submit_response(response=response, actor=carer.user)
    page = client.get(f"/your-budget/{carer.pk}/").content.decode()
    assert "about caring for Rhys" in page
