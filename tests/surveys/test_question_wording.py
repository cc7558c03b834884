"""The outcome surveys' life-area questions read as whole, grammatical sentences, for the person and for
a carer, and installations that shipped the old generated wording are rewritten by migration."""

import importlib

import pytest
from django.apps import apps

from surveys.definitions import (
    LIFE_AREA_QUESTIONS,
    OUTCOME_BUDGET_HOLDER,
    OUTCOME_CARER,
    ensure_shipped_surveys,
)
from surveys.models import Question

pytestmark = pytest.mark.django_db


def _question(slug: str, code: str) -> Question:
    return Question.objects.get(version__survey__slug=slug, council__isnull=True, code=code)


def test_plural_areas_ask_have_and_the_carer_version_is_about_them():
    ensure_shipped_surveys()
    holder = _question(OUTCOME_BUDGET_HOLDER, "relationships_family").text
    carer = _question(OUTCOME_CARER, "relationships_family").text
    assert holder == (
        "Since you got your budget, have your relationships with your family got better, stayed the same or "
        "got worse?"
    )
    assert carer == (
        "Since the budget, have their relationships with their family got better, stayed the same or got "
        "worse?"
    )
    for code, _, person_text, carer_text in LIFE_AREA_QUESTIONS:
        for text in (person_text, carer_text):
            assert text.startswith("Since ") and text.endswith("?"), code
            assert "has your relationships" not in text and "has their relationships" not in text
        assert " you" not in carer_text.removeprefix("Since the budget"), code


def test_the_migration_rewrites_the_old_generated_wording():
    ensure_shipped_surveys()
    question = _question(OUTCOME_BUDGET_HOLDER, "relationships_friends")
    old = (
        "Since you got your budget, has your relationships with your friends got better, stayed the same or "
        "got worse?"
    )
    Question.objects.filter(pk=question.pk).update(text=old)
    migration = importlib.import_module("surveys.migrations.0003_life_area_questions_in_whole_sentences")
    migration.forwards(apps, None)
    question.refresh_from_db()
    assert question.text.startswith("Since you got your budget, have your relationships with your friends")
