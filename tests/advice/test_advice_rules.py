"""Advice rules through the selectors and services (issue 20: kills mutmut survivors of advice.*): a
council's contacts show on its own pages and topic only, the family sees their own council's and their
own budget, and every contact added or removed is audited with who did it."""

import pytest
from auditlog.models import LogEntry

from advice.models import LocalContact
from advice.selectors import contacts_for, council_for_page, indicative_amount_for
from advice.services import contact_add, contact_remove
from budgets import services as budget_services
from organisations.audit import history_for
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_council_on_the_page_is_the_one_asked_for_else_the_familys_own(council, other_council):
    family = RepresentativeFactory(person=PersonFactory(council=council)).user
    assert council_for_page(user=family, code=other_council.gss_code) == other_council
    assert council_for_page(user=family, code="E99999999") is None
    assert council_for_page(user=family) == council
    assert council_for_page(user=UserFactory()) is None


def test_a_topics_contacts_are_the_councils_own_for_that_topic_or_every_page(
    council, other_council, council_admin
):
    advocacy = contact_add(council=council, actor=council_admin, topic="advocate", name="Dorset Advocacy")
    everywhere = contact_add(council=council, actor=council_admin, topic="all", name="Carers Centre")
    contact_add(council=council, actor=council_admin, topic="complain", name="Complaints team")
    contact_add(council=other_council, actor=council_admin, topic="advocate", name="Bristol Advocacy")
    assert set(contacts_for(council=council, topic="advocate")) == {advocacy, everywhere}
    assert not contacts_for(council=None, topic="advocate").exists()


def test_contacts_added_and_removed_are_audited_with_who_and_what(council, council_admin):
    contact = contact_add(council=council, actor=council_admin, topic="advocate", name="Dorset Advocacy")
    assert contact.added_by == council_admin
    [added] = history_for(contact)
    assert (added.actor, added.additional_data["event"]) == (council_admin, "local contact added")
    assert added.action == LogEntry.Action.CREATE
    assert added.changes_dict == {"name": ["", "Dorset Advocacy"], "topic": ["", "advocate"]}
    pk = contact.pk
    contact_remove(contact=contact, actor=council_admin)
    assert not LocalContact.objects.filter(pk=pk).exists()
    removed = history_for(LocalContact(pk=pk)).last()
    assert (removed.actor, removed.additional_data["event"]) == (council_admin, "local contact removed")
    assert removed.action == LogEntry.Action.DELETE
    assert removed.changes_dict == {"name": ["Dorset Advocacy", ""]}


def test_the_family_sees_their_own_latest_agreed_budget_and_nobody_else_sees_one(council, commissioner):
    person = PersonFactory(council=council)
    family = RepresentativeFactory(person=person).user
    assert indicative_amount_for(user=family) is None  # not assessed yet
    q = budget_services.ensure_default_questionnaire(council=council)
    answers = {question.pk: question.options.last().pk for question in q.questions.all()}
    assessment = budget_services.assessment_create(person=person, answers=answers, actor=commissioner)
    assert indicative_amount_for(user=family) == assessment.agreed_amount > 0
    assert indicative_amount_for(user=commissioner) is None
    assert indicative_amount_for(user=UserFactory()) is None
