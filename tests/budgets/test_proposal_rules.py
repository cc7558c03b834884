"""Proposing a budget through the service every page and the API share: every problem with the parts
told at once, naming its part; references new in the council; a total that differs from the
assessment needs a reason; who proposed it and what, in the audit trail; and withdrawing it (issue 20:
each test here kills mutants that survived the earlier tests)."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets import services
from budgets.models import Arrangement, BudgetStatus, PersonalBudget, SupportPlan
from budgets.services import ArrangementInput, BudgetError, NotAllowed, ReasonNeeded
from tests.budgets.factories import PersonFactory, approved_budget

pytestmark = pytest.mark.django_db

D = Decimal
APRIL = dt.date(2026, 4, 1)


def _propose(person, actor, *parts, start=APRIL, **kw):
    parts = parts or (ArrangementInput("direct_payment", D("1000.00")),)
    return services.budget_propose(
        person=person, start_date=start, arrangements=list(parts), actor=actor, **kw
    )


def _problems(person, actor, *parts, start=APRIL):
    with pytest.raises(BudgetError) as refused:
        _propose(person, actor, *parts, start=start)
    assert not PersonalBudget.objects.filter(person=person).exists()
    # Every problem is in the one message a page or the API shows, in order.
    assert str(refused.value) == " ".join(refused.value.messages)
    return refused.value.messages


def _assessment(person, commissioner, questionnaire, amount=None, reason=""):
    return services.assessment_create(
        person=person,
        answers={q.pk: q.options.all()[1].pk for q in questionnaire.questions.all()},
        actor=commissioner,
        agreed_amount=amount,
        departure_reason=reason,
    )


# ---- the parts ----


def test_a_budget_needs_at_least_one_part(person, commissioner):
    with pytest.raises(BudgetError) as refused:
        services.budget_propose(person=person, start_date=APRIL, arrangements=[], actor=commissioner)
    assert refused.value.messages == ["Add at least one part: how the money is held and how much a year."]


def test_every_problem_is_told_at_once_naming_each_part(person, commissioner, provider_org):
    problems = _problems(
        person,
        commissioner,
        ArrangementInput("cash", D("10.00")),
        ArrangementInput("isf", D("-0.01")),
        ArrangementInput("direct_payment", D("1.005"), management_cost_amount=D("5.00")),
        ArrangementInput(
            "direct_payment_managed",
            D("100.00"),
            provider=provider_org,
            management_cost_amount=D("-1.00"),
            management_cost_percent=D("5"),
            budget_ref="BAD REF",
            start_date=APRIL - dt.timedelta(days=1),
        ),
        ArrangementInput(
            "direct_payment", D("100.00"), start_date=dt.date(2026, 5, 2), end_date=dt.date(2026, 5, 1)
        ),
    )
    assert problems == [
        "Choose how the money in part 1 is held.",
        "Enter the amount a year for part 2, £0.00 or more, in pounds and pence.",
        "Choose the organisation that holds the money for part 2 (Individual Service Fund).",
        "Enter the amount a year for part 3, £0.00 or more, in pounds and pence.",
        "Only a managed direct payment has a management cost (part 3).",
        "Give the management cost for part 4 as an amount or a percentage, not both.",
        "Enter a management cost for part 4 of £0.00 or more, or 0 to 100%.",
        "Enter a reference for part 4 of 1 to 64 letters, digits, full stops, underscores, slashes or "
        "hyphens.",
        "The start of part 4 cannot be before the budget starts.",
        "The end date of part 5 cannot be before its start date.",
    ]


def test_a_single_part_is_called_the_budget(person, commissioner):
    problems = _problems(person, commissioner, ArrangementInput("direct_payment_managed", D("10.00")))
    assert problems == [
        "Choose the organisation that holds the money for the budget "
        "(Direct payment, managed by a third party)."
    ]


@pytest.mark.parametrize("percent", [D("-0.01"), D("100.01")])
def test_a_management_percentage_is_0_to_100(person, commissioner, provider_org, percent):
    part = ArrangementInput(
        "direct_payment_managed", D("100.00"), provider=provider_org, management_cost_percent=percent
    )
    assert _problems(person, commissioner, part) == [
        "Enter a management cost for the budget of £0.00 or more, or 0 to 100%."
    ]


def test_the_edges_of_each_rule_are_allowed(person, commissioner, provider_org):
    """£0.00 a year, a cost of £0.00, 0% or 100%, a part starting with the budget and ending the day it
    starts are all allowed, and each part is saved as proposed."""
    budget = _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("0.00"), end_date=APRIL, budget_ref="DOR-A.1"),
        ArrangementInput(
            "direct_payment_managed", D("100.00"), provider=provider_org, management_cost_amount=D("0.00")
        ),
        ArrangementInput(
            "direct_payment_managed",
            D("200.00"),
            provider=provider_org,
            management_cost_percent=D("0"),
            start_date=APRIL,
        ),
        ArrangementInput(
            "direct_payment_managed",
            D("300.00"),
            provider=provider_org,
            management_cost_percent=D("100"),
            start_date=dt.date(2026, 6, 1),
            end_date=dt.date(2027, 3, 31),
        ),
    )
    parts = list(budget.arrangements.order_by("annual_amount"))
    assert [
        (a.management_type, a.annual_amount, a.start_date, a.end_date, a.provider, a.council) for a in parts
    ] == [
        ("direct_payment", D("0.00"), APRIL, APRIL, None, person.council),
        ("direct_payment_managed", D("100.00"), APRIL, None, provider_org, person.council),
        ("direct_payment_managed", D("200.00"), APRIL, None, provider_org, person.council),
        (
            "direct_payment_managed",
            D("300.00"),
            dt.date(2026, 6, 1),
            dt.date(2027, 3, 31),
            provider_org,
            person.council,
        ),
    ]
    assert [(a.management_cost_amount, a.management_cost_percent) for a in parts] == [
        (None, None),
        (D("0.00"), None),
        (None, D("0")),
        (None, D("100")),
    ]
    assert parts[0].budget_ref == "DOR-A.1"
    # The others get the next references in the pattern of the council's people (DOR-1 → DOR-PB-).
    assert sorted(a.budget_ref for a in parts[1:]) == ["DOR-PB-00001", "DOR-PB-00002", "DOR-PB-00003"]


# ---- references ----


def test_a_typed_reference_must_be_new_in_the_council(person, commissioner, council, other_council):
    message = ["Each budget reference must be new and used once in this council."]
    twice = [ArrangementInput("direct_payment", D("1.00"), budget_ref="DOR-X") for _ in range(2)]
    assert _problems(person, commissioner, *twice) == message
    approved_budget(PersonFactory(council=council), parts=())
    Arrangement.objects.create(
        budget=PersonalBudget.objects.get(),
        council=council,
        management_type="direct_payment",
        annual_amount=D("1.00"),
        start_date=APRIL,
        budget_ref="DOR-TAKEN",
    )
    with pytest.raises(BudgetError) as refused:
        _propose(person, commissioner, ArrangementInput("direct_payment", D("1.00"), budget_ref="DOR-TAKEN"))
    assert refused.value.messages == message
    # Another council's reference is no obstacle.
    elsewhere = PersonFactory(council=other_council)
    budget = approved_budget(elsewhere, parts=())
    Arrangement.objects.create(
        budget=budget,
        council=other_council,
        management_type="direct_payment",
        annual_amount=D("1.00"),
        start_date=APRIL,
        budget_ref="DOR-ELSEWHERE",
    )
    ok = _propose(
        person, commissioner, ArrangementInput("direct_payment", D("1.00"), budget_ref="DOR-ELSEWHERE")
    )
    assert ok.arrangements.get().budget_ref == "DOR-ELSEWHERE"


def test_generated_references_skip_one_typed_in_the_same_proposal(person, commissioner):
    budget = _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("1.00"), budget_ref="DOR-PB-00001"),
        ArrangementInput("direct_payment", D("2.00")),
    )
    assert sorted(budget.arrangements.values_list("budget_ref", flat=True)) == [
        "DOR-PB-00001",
        "DOR-PB-00002",
    ]


# ---- who, what and when ----


def test_only_a_commissioner_of_the_persons_council_proposes(person, other_council_commissioner, approver):
    for actor in (other_council_commissioner, approver):
        with pytest.raises(NotAllowed):
            _propose(person, actor)
    assert not PersonalBudget.objects.exists()


def test_a_proposal_is_recorded_with_who_what_and_when(person, commissioner, provider_org, questionnaire):
    assessment = _assessment(person, commissioner, questionnaire)
    plan = SupportPlan.objects.create(
        person=person,
        what_matters="a",
        outcomes="b",
        how_money_used="c",
        who_helps="d",
        risks="e",
        drafted_by=commissioner,
    )
    budget = _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("1000.00")),
        ArrangementInput("isf", D("500.00"), provider=provider_org),
        assessment=assessment,
        support_plan=plan,
        review_due=dt.date(2026, 10, 1),
        difference_reason="  Night support.  ",
    )
    budget.refresh_from_db()
    assert (budget.person, budget.start_date, budget.status) == (person, APRIL, BudgetStatus.PROPOSED)
    assert (budget.proposed_by, budget.replaces, budget.review_due) == (
        commissioner,
        None,
        dt.date(2026, 10, 1),
    )
    assert (budget.assessment, budget.support_plan) == (assessment, plan)
    assert budget.difference_reason == "Night support."
    assert budget.proposed_at is not None and budget.decided_by is None
    entry = LogEntry.objects.get(object_pk=str(budget.pk), additional_data__event="budget proposed")
    assert (entry.actor, entry.action) == (commissioner, LogEntry.Action.CREATE)
    assert entry.additional_data["note"] == "Night support."
    assert entry.changes_dict == {
        "status": ["", "proposed"],
        "start_date": ["", "2026-04-01"],
        "annual_total": ["", "£1,500.00"],
        "arrangements": [
            "",
            "Direct payment, self-managed £1,000.00; "
            "Individual Service Fund £500.00 with Harbour Lights Support",
        ],
    }


def test_only_one_proposal_waits_at_a_time(person, commissioner):
    _propose(person, commissioner)
    with pytest.raises(BudgetError) as refused:
        _propose(person, commissioner)
    assert str(refused.value) == "A budget for Ava Stone is already waiting for approval."


def test_the_assessment_and_plan_must_be_the_persons_own(person, commissioner, questionnaire, council):
    someone = PersonFactory(council=council)
    theirs = _assessment(someone, commissioner, questionnaire)
    with pytest.raises(BudgetError, match="^That assessment is for someone else.$"):
        _propose(person, commissioner, assessment=theirs, difference_reason="x")
    plan = SupportPlan.objects.create(
        person=someone,
        what_matters="a",
        outcomes="b",
        how_money_used="c",
        who_helps="d",
        risks="e",
        drafted_by=commissioner,
    )
    with pytest.raises(BudgetError, match="^That support plan is for someone else.$"):
        _propose(person, commissioner, support_plan=plan)
    assert not PersonalBudget.objects.filter(person=person).exists()


# ---- a total that differs from the assessment ----


def test_a_total_that_differs_from_the_assessment_needs_a_reason(person, commissioner, questionnaire):
    assessment = _assessment(person, commissioner, questionnaire)
    assert assessment.agreed_amount == D("12750.00")
    with pytest.raises(ReasonNeeded) as refused:
        _propose(
            person,
            commissioner,
            ArrangementInput("direct_payment", D("12750.01")),
            assessment=assessment,
            difference_reason="  ",
        )
    assert str(refused.value) == (
        "The budget comes to £12,750.01 a year but the assessment gives £12,750.00. Write why the amount is "
        "different: the approver and the family will see it."
    )
    assert refused.value.field == "difference_reason"
    budget = _propose(
        person, commissioner, ArrangementInput("direct_payment", D("12750.00")), assessment=assessment
    )
    assert budget.difference_reason == ""


def test_the_total_compared_is_the_most_on_any_day_a_part_starts(person, commissioner, questionnaire):
    """Parts that follow one another are not added up; parts that overlap for a day are."""
    assessment = _assessment(person, commissioner, questionnaire)  # £12,750.00
    july = dt.date(2026, 7, 1)
    budget = _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("10000.00"), end_date=july),
        ArrangementInput("direct_payment", D("2750.00"), start_date=july),
        assessment=assessment,
    )
    services.budget_withdraw(budget=budget, actor=commissioner)
    # The same amount one after the other: the most on any day is £12,750.00 too.
    _propose(
        person,
        commissioner,
        ArrangementInput("direct_payment", D("12750.00"), end_date=july - dt.timedelta(days=1)),
        ArrangementInput("direct_payment", D("12750.00"), start_date=july),
        assessment=assessment,
    )


def test_parts_that_do_not_overlap_are_not_added_together(person, commissioner, questionnaire):
    assessment = _assessment(person, commissioner, questionnaire)  # £12,750.00
    july = dt.date(2026, 7, 1)
    with pytest.raises(ReasonNeeded, match="comes to £10,000.00 a year"):
        _propose(
            person,
            commissioner,
            ArrangementInput("direct_payment", D("10000.00"), end_date=july - dt.timedelta(days=1)),
            ArrangementInput("direct_payment", D("2750.00"), start_date=july),
            assessment=assessment,
        )


# ---- new versions, endings and proposing again ----


def test_a_new_version_replaces_the_approved_one_and_says_so(person, commissioner):
    current = approved_budget(person)
    budget = _propose(person, commissioner, start=dt.date(2027, 4, 1))
    assert budget.replaces == current
    assert LogEntry.objects.filter(
        object_pk=str(budget.pk), additional_data__event="new budget version proposed"
    ).exists()


def test_an_ending_has_no_parts_and_needs_an_approved_budget(person, commissioner):
    message = "^Only an approved budget can be ended, and the ending has no parts.$"
    with pytest.raises(BudgetError, match=message):
        services.budget_propose(
            person=person, start_date=APRIL, arrangements=[], actor=commissioner, ending=True
        )
    current = approved_budget(person)
    with pytest.raises(BudgetError, match=message):
        _propose(person, commissioner, start=dt.date(2027, 4, 1), ending=True)
    ending = services.budget_propose(
        person=person, start_date=dt.date(2027, 4, 1), arrangements=[], actor=commissioner, ending=True
    )
    assert (ending.replaces, ending.arrangements.count()) == (current, 0)
    entry = LogEntry.objects.get(object_pk=str(ending.pk), additional_data__event="budget ending proposed")
    assert entry.changes_dict["annual_total"] == ["", "£0.00"]
    assert entry.changes_dict["arrangements"] == ["", ""]


def test_proposing_again_withdraws_each_sent_back_version_and_records_it(person, commissioner, approver):
    first = _propose(person, commissioner)
    services.budget_send_back(budget=first, actor=approver, reason="Add respite")
    second = _propose(person, commissioner, ArrangementInput("direct_payment", D("1200.00")))
    first.refresh_from_db()
    assert first.status == BudgetStatus.WITHDRAWN and second.status == BudgetStatus.PROPOSED
    entry = LogEntry.objects.get(object_pk=str(first.pk), additional_data__event="replaced by a new proposal")
    assert entry.actor == commissioner
    assert entry.changes_dict == {"status": ["sent_back", "withdrawn"]}


# ---- withdrawing ----


def test_withdrawing_is_for_a_commissioner_of_the_council_and_is_recorded_once(
    person, commissioner, other_council_commissioner
):
    budget = _propose(person, commissioner)
    with pytest.raises(NotAllowed):
        services.budget_withdraw(budget=budget, actor=other_council_commissioner)
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED
    services.budget_withdraw(budget=budget, actor=commissioner)
    again = services.budget_withdraw(budget=budget, actor=commissioner)
    assert again.status == BudgetStatus.WITHDRAWN
    entries = LogEntry.objects.filter(object_pk=str(budget.pk), additional_data__event="budget withdrawn")
    assert [e.changes_dict for e in entries] == [{"status": ["proposed", "withdrawn"]}]
    assert entries.get().actor == commissioner


def test_a_draft_can_be_withdrawn(person, commissioner):
    draft = PersonalBudget.objects.create(person=person, start_date=APRIL, status=BudgetStatus.DRAFT)
    assert services.budget_withdraw(budget=draft, actor=commissioner).status == BudgetStatus.WITHDRAWN
    draft.refresh_from_db()
    assert draft.status == BudgetStatus.WITHDRAWN


def test_asking_for_a_new_reference_gives_one_and_takes_none(person, commissioner, council):
    approved_budget(person)  # its part has no reference: the council has none in a pattern yet
    assert services.new_budget_refs(council_id=council.pk) == ["DOR-PB-00001"]
    assert services.new_budget_refs(council_id=council.pk, count=2) == ["DOR-PB-00001", "DOR-PB-00002"]


def test_a_new_version_must_start_after_the_current_versions_latest_part(person, commissioner):
    current = approved_budget(person)
    Arrangement.objects.create(
        budget=current,
        council=person.council,
        management_type="direct_payment",
        annual_amount=D("1.00"),
        start_date=dt.date(2026, 9, 1),
    )
    with pytest.raises(BudgetError) as refused:
        _propose(person, commissioner, start=dt.date(2026, 9, 1))
    assert str(refused.value) == (
        "A new version must start after 1 September 2026, when the current budget's latest part starts."
    )
    assert _propose(person, commissioner, start=dt.date(2026, 9, 2)).replaces == current


def test_the_version_replaced_is_the_approved_one_starting_latest_whenever_it_was_made(person, commissioner):
    later = approved_budget(person, start=dt.date(2026, 10, 1))
    approved_budget(person, start=APRIL)
    assert services.latest_approved_version(person) == later
    assert _propose(person, commissioner, start=dt.date(2027, 4, 1)).replaces == later
