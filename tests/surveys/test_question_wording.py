"""The outcome surveys' life-area questions read as whole, grammatical sentences, for the person and for
a carer, and installations that shipped the old generated wording are rewritten by migration."""

import importlib
import re

import pytest
from django.apps import apps

from surveys.definitions import (
    CARER_AREAS,
    LIFE_AREA_QUESTIONS,
    OUTCOME_BUDGET_HOLDER,
    OUTCOME_CARER,
    OUTCOME_SLUGS,
    PROCESS_QUESTIONS,
    SHIPPED,
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


# "has your relationships", "has their chances": a plural after "has your/their".
_HAS_PLURAL = re.compile(r"\bhas (your|their) (own )?\w*[^s\W]s\b")
_CLUMSY = ("has how ", "has living ", "has getting ", "has volunteering ", " for them?")


def _wording_problems(text: str) -> list[str]:
    problems = []
    if not text[:1].isupper():
        problems.append("does not start with a capital")
    if not text.endswith("?"):
        problems.append("does not end with '?'")
    problems += [f"reads {bit.strip()!r}" for bit in _CLUMSY if bit in text]
    match = _HAS_PLURAL.search(text)
    if match:
        problems.append(f"reads {match.group(0)!r}")
    return problems


def test_the_checks_catch_the_old_clumsy_wording():
    assert _wording_problems("Since you got your budget, has how safe you feel got better?")
    assert _wording_problems("Since you got your budget, has your relationships with your family got better?")
    assert _wording_problems("since the budget, do they feel safer?")
    assert _wording_problems("Since the budget, do they feel safer")
    assert _wording_problems("Since the budget, has their chances of work got better?")
    assert not _wording_problems("Since the budget, has their independence got better?")
    assert not _wording_problems("Has your own wellness got better?")


def test_every_generated_outcome_question_is_a_whole_sentence():
    ensure_shipped_surveys()
    checked = 0
    for spec in SHIPPED:
        if spec["slug"] not in OUTCOME_SLUGS:
            continue
        for number, build in spec["versions"].items():
            for question in build():
                assert _wording_problems(question["text"]) == [], (spec["slug"], number, question["code"])
                stored = Question.objects.get(
                    version__survey__slug=spec["slug"],
                    version__number=number,
                    council__isnull=True,
                    code=question["code"],
                )
                assert stored.text == question["text"]
                checked += 1
    assert checked == 2 * (len(PROCESS_QUESTIONS) + len(LIFE_AREA_QUESTIONS)) + len(CARER_AREAS)
    safe = _question(OUTCOME_BUDGET_HOLDER, "feeling_safe").text
    assert safe == "Since you got your budget, do you feel safer, about as safe or less safe?"
    assert _question(OUTCOME_CARER, "feeling_safe").text == (
        "Since the budget, do they feel safer, about as safe or less safe?"
    )


def test_the_second_migration_rewrites_the_clumsy_wording_and_keeps_a_councils_own():
    ensure_shipped_surveys()
    migration = importlib.import_module("surveys.migrations.0005_life_area_questions_written_for_each_area")
    holder_safe = _question(OUTCOME_BUDGET_HOLDER, "feeling_safe")
    carer_work = _question(OUTCOME_CARER, "paid_work")
    holder_self = _question(OUTCOME_BUDGET_HOLDER, "self_esteem")
    Question.objects.filter(pk=holder_safe.pk).update(text=migration.OLD["feeling_safe"][0])
    Question.objects.filter(pk=carer_work.pk).update(text=migration.OLD["paid_work"][1])
    Question.objects.filter(pk=holder_self.pk).update(text="Our own question about self-esteem?")
    migration.forwards(apps, None)
    for question in (holder_safe, carer_work, holder_self):
        question.refresh_from_db()
    assert holder_safe.text == "Since you got your budget, do you feel safer, about as safe or less safe?"
    assert carer_work.text == (
        "Since the budget, have their chances of getting or keeping paid work got better, stayed the same or "
        "got worse?"
    )
    assert holder_self.text == "Our own question about self-esteem?"
