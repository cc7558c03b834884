"""A council's resource allocation settings pages, for its council administrator (issue 10).

Councils set their questions, points, price per point and adjustments here, scoped to their council
and audited, instead of in the Django admin (where a Dorset user changed Bristol's price per point).
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from budgets import services
from budgets.models import AllocationAdjustment, AllocationQuestion, AllocationQuestionnaire
from organisations.audit import history_for
from organisations.models import Role
from tests.conftest import sign_in
from tests.factories import staff

pytestmark = pytest.mark.django_db
DORSET, BRISTOL = "E06000059", "E06000023"


@pytest.fixture
def dorset(council):
    return services.ensure_default_questionnaire(council=council, price_per_point=Decimal("850.00"))


@pytest.fixture
def bristol(other_council):
    return services.ensure_default_questionnaire(council=other_council, price_per_point=Decimal("700.00"))


def _events(obj):
    return [e.additional_data["event"] for e in history_for(obj)]


# ---- the attack in the issue -----------------------------------------------------------------------


def test_a_dorset_user_with_admin_rights_cannot_change_bristols_price_in_the_django_admin(
    client, council, dorset, bristol
):
    dorset_user = staff(Role.COMMISSIONER, council=council, is_staff=True, email="dorset.admin@example.org")
    dorset_user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_allocationquestionnaire", "view_allocationquestionnaire"]
        )
    )
    sign_in(client, dorset_user)
    response = client.post(
        f"/admin/budgets/allocationquestionnaire/{bristol.pk}/change/",
        {"council": bristol.council_id, "price_per_point": "1.00", "introduction": "changed"},
    )
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").endswith("/admin/budgets/allocationquestionnaire/")
    bristol.refresh_from_db()
    assert bristol.price_per_point == Decimal("700.00")


def test_a_dorset_council_admin_cannot_change_bristols_settings_through_the_settings_pages(
    client, council_admin, dorset, bristol
):
    sign_in(client, council_admin)
    assert (
        client.post(f"/council/{BRISTOL}/settings/allocation/price/", {"price_per_point": "1"}).status_code
        == 404
    )
    bristol_question = bristol.questions.first()
    bristol_adjustment = bristol.adjustments.first()
    # Bristol's objects under Dorset's own address are not found either.
    for path in (
        f"/council/{DORSET}/settings/allocation/questions/{bristol_question.pk}/",
        f"/council/{DORSET}/settings/allocation/adjustments/{bristol_adjustment.pk}/",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path, {"remove": "1"}).status_code == 404
    assert client.get(f"/council/{BRISTOL}/settings/allocation/").status_code == 404
    bristol.refresh_from_db()
    assert bristol.price_per_point == Decimal("700.00")
    assert AllocationQuestion.objects.filter(pk=bristol_question.pk).exists()
    assert AllocationAdjustment.objects.filter(pk=bristol_adjustment.pk).exists()


def test_other_staff_of_the_council_and_platform_admins_may_not_change_its_settings(
    client, commissioner, platform_admin, dorset
):
    for user in (commissioner, platform_admin):
        sign_in(client, user)
        assert client.get(f"/council/{DORSET}/settings/allocation/").status_code == 403
        assert (
            client.post(f"/council/{DORSET}/settings/allocation/price/", {"price_per_point": "1"}).status_code
            == 403
        )
    dorset.refresh_from_db()
    assert dorset.price_per_point == Decimal("850.00")


# ---- the pages -------------------------------------------------------------------------------------


def test_the_council_admin_changes_the_price_per_point_and_it_is_audited(client, council_admin, dorset):
    sign_in(client, council_admin)
    page = client.get(f"/council/{DORSET}/settings/allocation/").content.decode()
    assert "£850.00 a year" in page
    assert "Washing, dressing and looking after yourself" in page or dorset.questions.first().text in page
    response = client.post(
        f"/council/{DORSET}/settings/allocation/price/", {"price_per_point": "£900", "introduction": "Hello"}
    )
    assert response["Location"] == f"/council/{DORSET}/settings/allocation/"
    dorset.refresh_from_db()
    assert dorset.price_per_point == Decimal("900.00")
    assert "£900.00 a year" in client.get(response["Location"]).content.decode()
    entry = history_for(dorset).get(additional_data__event="price per point changed")
    assert entry.actor == council_admin
    assert entry.changes["price_per_point"] == ["850.00", "900.00"]


def test_a_price_that_is_not_money_goes_back_onto_the_form(client, council_admin, dorset):
    sign_in(client, council_admin)
    response = client.post(f"/council/{DORSET}/settings/allocation/price/", {"price_per_point": "lots"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Price per point must be an amount of money, like £1,250.00 or 1250" in page
    assert 'value="lots"' in page


def test_the_council_admin_adds_a_question_with_its_answers_which_new_assessments_use(
    client, council_admin, dorset
):
    sign_in(client, council_admin)
    data = {
        "text": "Getting out and about",
        "hint": "Shops, clubs, friends",
        "order": "9",
        "answers-TOTAL_FORMS": "3",
        "answers-INITIAL_FORMS": "0",
        "answers-0-label": "I go out on my own",
        "answers-0-points": "0",
        "answers-1-label": "I need someone with me",
        "answers-1-points": "3",
        "answers-2-label": "",
        "answers-2-points": "",
    }
    response = client.post(f"/council/{DORSET}/settings/allocation/questions/add/", data)
    assert response.status_code == 302
    question = dorset.questions.get(text="Getting out and about")
    assert [(o.label, o.points) for o in question.options.all()] == [
        ("I go out on my own", 0),
        ("I need someone with me", 3),
    ]
    assert (
        "I need someone with me (3)" in client.get(f"/council/{DORSET}/settings/allocation/").content.decode()
    )
    assert "allocation question added" in _events(dorset)
    answers = {q.pk: q.options.last().pk for q in dorset.questions.all()}
    calc = services.calculate_indicative(questionnaire=dorset, answers=answers)
    assert "Getting out and about" in [row["question"] for row in calc.breakdown["answers"]]


def test_a_question_needs_two_answers_and_points_for_each(client, council_admin, dorset):
    sign_in(client, council_admin)
    data = {
        "text": "Sleeping",
        "order": "1",
        "answers-TOTAL_FORMS": "3",
        "answers-INITIAL_FORMS": "0",
        "answers-0-label": "Fine",
        "answers-0-points": "",
        "answers-1-label": "",
        "answers-1-points": "",
        "answers-2-label": "",
        "answers-2-points": "",
    }
    page = client.post(f"/council/{DORSET}/settings/allocation/questions/add/", data).content.decode()
    assert "Enter the points this answer is worth, from 0 to 1000." in page
    data["answers-0-points"] = "1"
    page = client.post(f"/council/{DORSET}/settings/allocation/questions/add/", data).content.decode()
    assert "Give the question at least 2 answers, each with its points." in page
    assert 'value="Sleeping"' in page
    assert not dorset.questions.filter(text="Sleeping").exists()


def test_the_council_admin_changes_and_removes_a_question(client, council_admin, dorset):
    sign_in(client, council_admin)
    question = dorset.questions.first()
    url = f"/council/{DORSET}/settings/allocation/questions/{question.pk}/"
    form_page = client.get(url).content.decode()
    assert f'value="{question.text}"' in form_page
    data = {
        "text": "Personal care",
        "hint": "",
        "order": "0",
        "answers-TOTAL_FORMS": "2",
        "answers-INITIAL_FORMS": "2",
        "answers-0-label": "None",
        "answers-0-points": "0",
        "answers-1-label": "Daily",
        "answers-1-points": "5",
    }
    assert client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.text == "Personal care"
    assert [o.points for o in question.options.all()] == [0, 5]
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not AllocationQuestion.objects.filter(pk=question.pk).exists()
    assert {"allocation question changed", "allocation question removed"} <= set(_events(dorset))


def test_the_council_admin_adds_changes_and_removes_an_adjustment(client, council_admin, dorset):
    sign_in(client, council_admin)
    add = {
        "label": "Lives alone",
        "family_wording": "you live on your own",
        "percent": "5",
        "amount": "",
        "order": "3",
    }
    assert client.post(f"/council/{DORSET}/settings/allocation/adjustments/add/", add).status_code == 302
    adjustment = dorset.adjustments.get(label="Lives alone")
    assert adjustment.percent == Decimal("5.00") and adjustment.amount is None
    url = f"/council/{DORSET}/settings/allocation/adjustments/{adjustment.pk}/"
    both = {**add, "amount": "100"}
    page = client.post(url, both).content.decode()
    assert "Enter either a percentage or an amount of money, not both." in page
    assert client.post(url, {**add, "percent": "", "amount": "-250"}).status_code == 302
    adjustment.refresh_from_db()
    assert (adjustment.percent, adjustment.amount) == (None, Decimal("-250.00"))
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not AllocationAdjustment.objects.filter(pk=adjustment.pk).exists()
    events = _events(dorset)
    assert {
        "allocation adjustment added",
        "allocation adjustment changed",
        "allocation adjustment removed",
    } <= set(events)


def test_a_council_with_no_resource_allocation_yet_starts_one_from_the_price_page(
    client, council_admin, council
):
    sign_in(client, council_admin)
    assert "Not set yet" in client.get(f"/council/{DORSET}/settings/allocation/").content.decode()
    client.post(f"/council/{DORSET}/settings/allocation/price/", {"price_per_point": "500"})
    assert AllocationQuestionnaire.objects.get(council=council).price_per_point == Decimal("500.00")


def test_the_django_admin_shows_resource_allocation_to_read_only(client, platform_admin, dorset):
    platform_admin.is_staff = True
    platform_admin.is_superuser = True
    platform_admin.save()
    sign_in(client, platform_admin)
    page = client.get(f"/admin/budgets/allocationquestionnaire/{dorset.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no way to save a change
    assert client.get("/admin/budgets/allocationquestionnaire/add/").status_code == 403
    client.post(
        f"/admin/budgets/allocationquestionnaire/{dorset.pk}/change/",
        {"council": dorset.council_id, "price_per_point": "1.00"},
    )
    dorset.refresh_from_db()
    assert dorset.price_per_point == Decimal("850.00")
