"""Rules for assessments, proposals, approvals, new versions and reviews."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets import services
from budgets.models import Arrangement, BudgetStatus, PlanStatus, SupportPlan
from budgets.services import ArrangementInput, BudgetError, NotAllowed
from organisations.models import Role
from organisations.services import grant_role
from tests.budgets.factories import approved_budget

pytestmark = pytest.mark.django_db

D = Decimal


def _propose(person, actor, *parts, start=dt.date(2026, 4, 1)):
    parts = parts or (ArrangementInput("direct_payment", D("1000.00")),)
    return services.budget_propose(person=person, start_date=start, arrangements=list(parts), actor=actor)


def _answers(questionnaire, pick):
    return {q.pk: list(q.options.all())[pick].pk for q in questionnaire.questions.all()}


# ---- indicative budgets ----


def test_the_indicative_budget_is_points_times_price_with_adjustments_in_order(questionnaire):
    carer = questionnaire.adjustments.get(percent__isnull=False)
    rural = questionnaire.adjustments.get(amount__isnull=False)
    calc = services.calculate_indicative(
        questionnaire=questionnaire, answers=_answers(questionnaire, 1), adjustment_ids=[carer.pk, rural.pk]
    )
    # 15 points × £850 = £12,750; −10% = −£1,275.00 → £11,475.00; + £600 = £12,075.00
    assert (calc.points, calc.base, calc.indicative) == (15, D("12750.00"), D("12075.00"))
    assert [a["change"] for a in calc.breakdown["adjustments"]] == ["-1275.00", "600.00"]


def test_percentages_are_rounded_to_pennies_half_up(questionnaire):
    questionnaire.price_per_point = D("0.05")
    questionnaire.save()
    carer = questionnaire.adjustments.get(percent__isnull=False)
    calc = services.calculate_indicative(
        questionnaire=questionnaire, answers=_answers(questionnaire, 1), adjustment_ids=[carer.pk]
    )
    # 15 × £0.05 = £0.75; 10% of that is £0.075 → £0.08 off (half up) → £0.67
    assert calc.indicative == D("0.67")


def test_every_question_needs_an_answer(questionnaire):
    answers = _answers(questionnaire, 0)
    answers.popitem()
    with pytest.raises(
        BudgetError, match="Answer every question: 'Managing money, letters and appointments'"
    ):
        services.calculate_indicative(questionnaire=questionnaire, answers=answers)


def test_the_explanation_speaks_to_the_person(questionnaire, person, commissioner):
    carer = questionnaire.adjustments.get(percent__isnull=False)
    assessment = services.assessment_create(
        person=person,
        answers=_answers(questionnaire, 1),
        adjustment_ids=[carer.pk],
        agreed_amount=D("12000"),
        departure_reason="Extra support at night",
        actor=commissioner,
    )
    assert services.explain_assessment(assessment) == [
        "You told us about 5 parts of your life. Your answers add up to 15 points.",
        "Each point is worth £850.00 a year, so 15 points give £12,750.00 a year.",
        "Because someone close to you gives you regular unpaid support, we took off 10% (£1,275.00).",
        'So your indicative budget is £11,475.00 a year. "Indicative" means an early amount to plan with: '
        "the final amount is agreed with you when your support plan is ready.",
        "Your social worker set your budget at £12,000.00 a year instead. The reason they gave: "
        "Extra support at night",
    ]


def test_only_a_commissioner_of_the_council_can_assess(questionnaire, person, other_council_commissioner):
    with pytest.raises(NotAllowed, match="Only a commissioner of this council can do this."):
        services.assessment_create(
            person=person, answers=_answers(questionnaire, 0), actor=other_council_commissioner
        )


# ---- proposals and approval ----


def test_a_proposer_can_never_approve_their_own_budget(person, commissioner, council):
    grant_role(user=commissioner, role=Role.APPROVER, council=council, approval_limit=D("99999.00"))
    budget = _propose(person, commissioner)
    entries = LogEntry.objects.count()
    with pytest.raises(BudgetError, match="^You proposed this budget, so someone else must approve it.$"):
        services.budget_approve(budget=budget, actor=commissioner)
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED
    assert LogEntry.objects.count() == entries


def test_a_larger_budget_needs_a_higher_limit(person, commissioner, second_approver, approver):
    budget = _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("15000.00")),
        ArrangementInput("commissioner_controlled", D("5000.01")),
    )
    with pytest.raises(BudgetError) as exc:
        services.budget_approve(budget=budget, actor=second_approver)
    assert str(exc.value) == (
        "This budget is £20,000.01 a year, above your approval limit of £20,000.00. "
        "Ask an approver with a higher limit."
    )
    assert services.budget_approve(budget=budget, actor=approver).status == BudgetStatus.APPROVED


def test_approving_twice_changes_nothing_the_second_time(person, commissioner, approver):
    budget = services.budget_approve(budget=_propose(person, commissioner), actor=approver)
    entries = LogEntry.objects.count()
    assert services.budget_approve(budget=budget, actor=approver).decided_at == budget.decided_at
    assert LogEntry.objects.count() == entries


def test_an_approver_of_another_council_is_not_allowed(person, commissioner, other_council):
    from tests.factories import staff

    outsider = staff(Role.APPROVER, council=other_council, approval_limit=D("1000000"))
    with pytest.raises(NotAllowed):
        services.budget_approve(budget=_propose(person, commissioner), actor=outsider)


def test_only_one_proposal_may_wait_at_a_time(person, commissioner):
    _propose(person, commissioner)
    with pytest.raises(BudgetError, match="A budget for Ava Stone is already waiting for approval."):
        _propose(person, commissioner, start=dt.date(2026, 5, 1))


def test_a_sent_back_budget_can_be_proposed_again_with_changes(person, commissioner, approver):
    budget = _propose(person, commissioner)
    services.budget_send_back(budget=budget, actor=approver, reason="Add respite")
    budget.refresh_from_db()
    assert (budget.status, budget.decision_reason) == (BudgetStatus.SENT_BACK, "Add respite")
    assert _propose(person, commissioner).status == BudgetStatus.PROPOSED


def test_sending_back_needs_a_reason(person, commissioner, approver):
    with pytest.raises(BudgetError, match="^Say why you are sending it back.$"):
        services.budget_send_back(budget=_propose(person, commissioner), actor=approver, reason="  ")


def test_a_held_by_provider_arrangement_needs_a_provider(person, commissioner):
    with pytest.raises(BudgetError) as exc:
        _propose(person, commissioner, ArrangementInput("direct_payment_managed", D("10.00")))
    assert exc.value.messages == [
        "Choose the organisation that holds the money for the budget (Direct payment, managed by a third "
        "party)."
    ]


def test_approval_sets_the_review_a_year_after_the_start(person, commissioner, approver):
    budget = services.budget_approve(
        budget=_propose(person, commissioner, start=dt.date(2028, 2, 29)), actor=approver
    )
    assert budget.review_due == dt.date(2029, 2, 28)


# ---- effective-dated new versions ----


def test_a_new_version_end_dates_the_old_arrangements_on_approval_and_keeps_the_old_approved(
    person, commissioner, approver, provider_org
):
    old = services.budget_approve(
        budget=_propose(
            person,
            commissioner,
            ArrangementInput("isf", D("9000.00"), provider_org),
            ArrangementInput("direct_payment", D("1000.00"), end_date=dt.date(2026, 6, 30)),
        ),
        actor=approver,
    )
    new = _propose(
        person, commissioner, ArrangementInput("isf", D("9500.00"), provider_org), start=dt.date(2026, 9, 1)
    )
    assert new.replaces == old
    # Until it is approved, nothing about the old version changes.
    assert list(old.arrangements.values_list("end_date", flat=True)) == [None, dt.date(2026, 6, 30)]
    services.budget_approve(budget=new, actor=approver)
    old.refresh_from_db()
    assert old.status == BudgetStatus.APPROVED
    assert list(old.arrangements.values_list("end_date", flat=True)) == [
        dt.date(2026, 8, 31),
        dt.date(2026, 6, 30),
    ]
    from budgets.selectors import active_arrangements, counted_arrangements, current_budget_for

    assert counted_arrangements().count() == 3
    assert current_budget_for(person=person, on=dt.date(2026, 8, 31)) == old
    assert current_budget_for(person=person, on=dt.date(2026, 9, 1)) == new
    assert [a.annual_amount for a in active_arrangements(person=person, on=dt.date(2026, 9, 1))] == [
        D("9500.00")
    ]
    assert [
        a.annual_amount
        for a in active_arrangements(person=person, on=dt.date(2026, 8, 31), management_type="isf")
    ] == [D("9000.00")]
    event = LogEntry.objects.get(additional_data__event="arrangement ended by a new budget version")
    assert event.changes == {"end_date": ["", "2026-08-31"]}


def test_a_new_version_must_start_after_the_current_one(person, commissioner, approver):
    services.budget_approve(budget=_propose(person, commissioner), actor=approver)
    with pytest.raises(BudgetError, match="A new version must start after 1 April 2026"):
        _propose(person, commissioner, start=dt.date(2026, 4, 1))


def test_a_stale_new_version_cannot_be_approved(person, commissioner, approver):
    first = services.budget_approve(budget=_propose(person, commissioner), actor=approver)
    stale = _propose(person, commissioner, start=dt.date(2026, 6, 1))
    services.budget_withdraw(budget=stale, actor=commissioner)
    newer = services.budget_approve(
        budget=_propose(person, commissioner, start=dt.date(2026, 7, 1)), actor=approver
    )
    assert newer.replaces == first
    stale.status = BudgetStatus.PROPOSED
    stale.save()
    with pytest.raises(BudgetError, match="Another version of this budget was approved after this one"):
        services.budget_approve(budget=stale, actor=approver)


def test_arrangement_council_always_matches_the_persons(person, commissioner):
    budget = _propose(person, commissioner)
    assert {a.council_id for a in Arrangement.objects.filter(budget=budget)} == {person.council_id}


# ---- plans and reviews ----


def test_changing_an_agreed_plan_starts_a_new_draft(person, family, commissioner):
    fields = {"what_matters": "a", "outcomes": "b", "how_money_used": "c", "who_helps": "d", "risks": "e"}
    plan = services.support_plan_save(person=person, actor=family, **fields)
    services.support_plan_agree(plan=plan, actor=commissioner)
    new = services.support_plan_save(person=person, actor=family, **{**fields, "outcomes": "more"})
    assert new.pk != plan.pk and new.status == PlanStatus.DRAFT
    assert SupportPlan.objects.get(pk=plan.pk).outcomes == "b"


def test_a_plan_needs_every_part(person, family):
    with pytest.raises(BudgetError, match="Fill in 'Risks and how they are handled'."):
        services.support_plan_save(
            person=person, actor=family, what_matters="a", outcomes="b", how_money_used="c", who_helps="d"
        )


def test_reviews_due_shows_only_current_versions_in_the_commissioners_council(
    person, other_person, commissioner, approver
):
    from budgets.selectors import reviews_due

    today = services.today()
    old = approved_budget(
        person, start=today - dt.timedelta(days=500), review_due=today - dt.timedelta(days=1)
    )
    approved_budget(other_person, start=today - dt.timedelta(days=500), review_due=today)
    assert list(reviews_due(user=commissioner)) == [old]
    newer = approved_budget(
        person, start=today - dt.timedelta(days=10), replaces=old, review_due=today + dt.timedelta(days=355)
    )
    assert newer.replaces == old
    assert list(reviews_due(user=commissioner)) == []


def test_proposing_again_withdraws_the_sent_back_version(person, commissioner, approver):
    first = _propose(person, commissioner)
    services.budget_send_back(budget=first, actor=approver, reason="Add respite")
    second = _propose(person, commissioner)
    first.refresh_from_db()
    assert (first.status, second.status) == (BudgetStatus.WITHDRAWN, BudgetStatus.PROPOSED)
    assert LogEntry.objects.filter(additional_data__event="replaced by a new proposal").count() == 1


def test_an_arrangement_takes_its_persons_council_and_refuses_another(person, other_council):
    budget = approved_budget(person, parts=())
    arrangement = Arrangement.objects.create(
        budget=budget,
        management_type="direct_payment",
        annual_amount=D("1.00"),
        start_date=dt.date(2026, 4, 1),
    )
    assert arrangement.council_id == person.council_id
    with pytest.raises(
        ValueError, match="An arrangement's council must be the council of the budget's person."
    ):
        Arrangement.objects.create(
            budget=budget,
            council=other_council,
            management_type="direct_payment",
            annual_amount=D("1.00"),
            start_date=dt.date(2026, 4, 1),
        )


def test_an_approver_with_no_limit_set_cannot_approve(person, commissioner, council):
    from tests.factories import staff

    unlimited = staff(Role.APPROVER, council=council)
    with pytest.raises(
        BudgetError, match="^You have no approval limit in this council yet, so you cannot approve"
    ):
        services.budget_approve(budget=_propose(person, commissioner), actor=unlimited)
