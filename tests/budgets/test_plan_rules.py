"""Support plans: every part filled in, each change recorded with who wrote it, an agreed plan never
rewritten (a change starts a new draft), and only the council's commissioner agrees one (issue 20:
each test here kills mutants that survived the earlier tests)."""

import pytest
from auditlog.models import LogEntry

from budgets import services
from budgets.models import PlanStatus, SupportPlan
from budgets.services import BudgetError, NotAllowed

pytestmark = pytest.mark.django_db

PLAN = {
    "what_matters": "My garden and my dog.",
    "outcomes": "Go out twice a week.",
    "how_money_used": "A personal assistant.",
    "who_helps": "My sister.",
    "risks": "Falls: a pendant alarm.",
}


def _events(plan):
    return list(
        LogEntry.objects.filter(object_pk=str(plan.pk), content_type__model="supportplan")
        .order_by("pk")
        .values_list("additional_data__event", "actor__email", "changes")
    )


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_every_part_of_the_plan_is_needed_and_the_first_missing_is_named(person, family, blank):
    for name, label in (("what_matters", "What matters to me"), ("risks", "Risks and how they are handled")):
        with pytest.raises(BudgetError) as refused:
            services.support_plan_save(person=person, actor=family, **{**PLAN, name: blank})
        assert str(refused.value) == f"Fill in '{label}'."
    with pytest.raises(BudgetError) as refused:
        services.support_plan_save(person=person, actor=family, what_matters="x")
    assert str(refused.value) == "Fill in 'The outcomes I want'."
    assert not SupportPlan.objects.exists()


def test_the_first_plan_is_a_draft_by_whoever_wrote_it(person, family):
    plan = services.support_plan_save(person=person, actor=family, **{k: f"  {v} " for k, v in PLAN.items()})
    plan.refresh_from_db()
    assert {k: getattr(plan, k) for k in PLAN} == PLAN
    assert (plan.person, plan.status, plan.drafted_by, plan.changed_by) == (
        person,
        PlanStatus.DRAFT,
        family,
        family,
    )
    entry = LogEntry.objects.get(object_pk=str(plan.pk), additional_data__event="support plan drafted")
    assert (entry.actor, entry.action) == (family, LogEntry.Action.CREATE)


def test_a_change_to_a_draft_records_only_what_changed_and_who_changed_it(person, family, commissioner):
    plan = services.support_plan_save(person=person, actor=family, **PLAN)
    same = services.support_plan_save(person=person, actor=commissioner, **PLAN)
    assert same.pk == plan.pk
    plan.refresh_from_db()
    assert plan.changed_by == family  # saving it unchanged is no change
    assert [e[0] for e in _events(plan)] == ["support plan drafted"]
    changed = services.support_plan_save(
        person=person, actor=commissioner, **{**PLAN, "who_helps": "My brother."}
    )
    assert changed.pk == plan.pk
    plan.refresh_from_db()
    assert (plan.who_helps, plan.changed_by, plan.drafted_by) == ("My brother.", commissioner, family)
    entry = LogEntry.objects.get(object_pk=str(plan.pk), additional_data__event="support plan changed")
    assert entry.actor == commissioner
    assert entry.changes_dict == {"who_helps": ["My sister.", "My brother."]}
    assert SupportPlan.objects.count() == 1


def test_changing_an_agreed_plan_starts_a_new_draft_and_leaves_the_agreed_one(person, family, commissioner):
    agreed = services.support_plan_agree(
        plan=services.support_plan_save(person=person, actor=family, **PLAN), actor=commissioner
    )
    draft = services.support_plan_save(person=person, actor=family, **{**PLAN, "outcomes": "Go swimming."})
    assert draft.pk != agreed.pk and draft.status == PlanStatus.DRAFT and draft.outcomes == "Go swimming."
    agreed.refresh_from_db()
    assert (agreed.status, agreed.outcomes) == (PlanStatus.AGREED, "Go out twice a week.")
    # The newest plan is the one changed next.
    again = services.support_plan_save(person=person, actor=family, **{**PLAN, "outcomes": "Go to the sea."})
    assert again.pk == draft.pk and again.outcomes == "Go to the sea."


def test_only_a_commissioner_of_the_council_agrees_a_plan_and_it_is_recorded_once(
    person, family, commissioner, other_council_commissioner
):
    plan = services.support_plan_save(person=person, actor=family, **PLAN)
    for actor in (family, other_council_commissioner):
        with pytest.raises(NotAllowed):
            services.support_plan_agree(plan=plan, actor=actor)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.agreed_by is None
    agreed = services.support_plan_agree(plan=plan, actor=commissioner)
    agreed.refresh_from_db()
    assert (agreed.status, agreed.agreed_by) == (PlanStatus.AGREED, commissioner)
    assert agreed.agreed_at is not None
    services.support_plan_agree(plan=plan, actor=commissioner)
    entries = LogEntry.objects.filter(object_pk=str(plan.pk), additional_data__event="support plan agreed")
    assert [(e.actor, e.changes_dict) for e in entries] == [(commissioner, {"status": ["draft", "agreed"]})]


def test_the_plan_changed_is_the_latest_made_whatever_its_number(person, family):
    import datetime as dt

    older = SupportPlan.objects.create(person=person, drafted_by=family, **PLAN)
    newer = SupportPlan.objects.create(person=person, drafted_by=family, **PLAN)
    SupportPlan.objects.filter(pk=older.pk).update(created_at=newer.created_at + dt.timedelta(seconds=1))
    changed = services.support_plan_save(person=person, actor=family, **{**PLAN, "risks": "None now."})
    assert changed.pk == older.pk
    # Made at the same moment: the later number is the latest (the older row read first here).
    SupportPlan.objects.filter(pk=older.pk).update(created_at=newer.created_at)
    SupportPlan.objects.filter(pk=newer.pk).update(risks="Touched.")
    SupportPlan.objects.filter(pk=older.pk).update(risks="Touched too.")
    again = services.support_plan_save(person=person, actor=family, **{**PLAN, "risks": "Later."})
    assert again.pk == newer.pk
