"""Survey rules through the services and selectors (issue 20: each test kills mutmut survivors of
surveys.services and surveys.selectors by stating a rule, not an implementation detail)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets.models import Representative
from organisations.models import Role
from surveys.models import Channel, ResponseStatus
from surveys.selectors import (
    can_see_reports,
    latest_self_assessment,
    open_outcome_surveys_for,
    questions_for,
    report_councils_of,
    responses_editable_by,
    responses_visible_to,
)
from surveys.services import (
    SurveyError,
    add_council_question,
    save_answers,
    start_or_continue_response,
    submit_response,
)
from tests.factories import UserFactory, staff
from tests.surveys.factories import person_holding, send_response, survey

pytestmark = pytest.mark.django_db


def whole(message: str) -> str:
    """The whole message a person reads, not a part of it."""
    return f"^{re.escape(message)}$"


def _dignity_text() -> str:
    return survey("outcome-budget-holder").current_version().questions.get(code="dignity").text


def _events(instance) -> list[str]:
    return [
        e.additional_data["event"]
        for e in LogEntry.objects.get_for_object(instance).order_by("timestamp", "pk")
    ]


# ---- a council's own question ---------------------------------------------------------------------


def test_a_councils_own_question_is_asked_only_of_its_people_after_the_shipped_ones(
    council, other_council, commissioner
):
    holders = survey("outcome-budget-holder")
    question = add_council_question(
        survey=holders,
        council=council,
        text="  Do you use the Dorset card?  ",
        options=["Yes, often", "", "  No  "],
        kind="single",
        actor=commissioner,
        hint=" Think of the last month. ",
    )
    assert question.code == "e06000059_do_you_use_the_dorset_card"
    assert (question.text, question.hint, question.council) == (
        "Do you use the Dorset card?",
        "Think of the last month.",
        council,
    )
    assert [(o.code, o.label, o.order) for o in question.options.order_by("order")] == [
        ("yes_often", "Yes, often", 1),
        ("no", "No", 2),
    ]
    shipped = [q for q in holders.current_version().questions.all() if q.pk != question.pk]
    assert question.order == max(q.order for q in shipped) + 10
    assert _events(question) == ["council survey question added"]
    entry = LogEntry.objects.get_for_object(question).get()
    assert entry.actor == commissioner and entry.changes_dict["code"] == ["", question.code]

    # The same words again get a code of their own; another council's people are never asked either.
    again = add_council_question(
        survey=holders, council=council, text="Do you use the Dorset card?", options=["A", "B"],
        kind="single", actor=commissioner,
    )  # fmt: skip
    assert again.code == question.code + "_2" and again.order == question.order + 10
    ours = start_or_continue_response(survey=holders, actor=commissioner, person=person_holding(council))
    theirs = start_or_continue_response(
        survey=holders, actor=commissioner, person=person_holding(other_council)
    )
    assert {question, again} <= set(questions_for(response=ours))
    assert not {question, again} & set(questions_for(response=theirs))


@pytest.mark.parametrize(
    ("slug", "options", "message"),
    [
        (
            "provider-self-assessment",
            ["Yes", "No"],
            "Councils can add questions to the outcome surveys only.",
        ),
        (
            "outcome-budget-holder",
            ["Yes", "  "],
            "Give at least two answers people can choose from, one on each line.",
        ),
        ("outcome-budget-holder", ["Yes please", "yes-please"], "Each answer must be different."),
    ],
)
def test_a_councils_question_needs_an_outcome_survey_and_two_different_answers(
    council, commissioner, slug, options, message
):
    with pytest.raises(SurveyError, match=f"^{re.escape(message)}$"):
        add_council_question(
            survey=survey(slug), council=council, text="Anything?", options=options, kind="single",
            actor=commissioner,
        )  # fmt: skip


# ---- starting, answering and sending ----------------------------------------------------------------


def test_a_response_is_for_one_person_or_one_provider_and_each_answers_only_their_surveys(
    council, provider_org, provider_a
):
    person = person_holding(council, "isf")
    with pytest.raises(SurveyError, match=whole("A response is for one person or one provider.")):
        start_or_continue_response(survey=survey("outcome-budget-holder"), actor=provider_a)
    with pytest.raises(SurveyError, match=whole("A response is for one person or one provider.")):
        start_or_continue_response(
            survey=survey("outcome-budget-holder"), actor=provider_a, person=person, provider=provider_org
        )
    with pytest.raises(SurveyError, match=whole("Providers answer only the self-assessment.")):
        start_or_continue_response(survey=survey("outcome-carer"), actor=provider_a, provider=provider_org)
    with pytest.raises(SurveyError, match=whole("People answer only the outcome surveys.")):
        start_or_continue_response(survey=survey("provider-self-assessment"), actor=provider_a, person=person)


def test_an_unsent_response_is_continued_not_started_again_and_its_start_is_audited(council, commissioner):
    person = person_holding(council, "isf")
    first = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=person, channel=Channel.PAPER
    )
    again = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=person
    )
    assert again == first
    assert (first.council, first.channel, first.started_by, first.status) == (
        council,
        Channel.PAPER,
        commissioner,
        ResponseStatus.IN_PROGRESS,
    )
    assert _events(first) == ["survey response started"]
    started = LogEntry.objects.get_for_object(first).get()
    assert (started.actor, started.action) == (commissioner, LogEntry.Action.CREATE)
    assert started.changes_dict == {"channel": ["", "paper"]}
    # Once sent, the next start is a new response.
    save_answers(response=first, answers={"dignity": ["better"]}, actor=commissioner)
    submit_response(response=first, actor=commissioner)
    third = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=person
    )
    assert third != first and third.status == ResponseStatus.IN_PROGRESS


def test_answers_must_be_to_questions_of_the_survey_and_one_for_a_single_choice(council, commissioner):
    person = person_holding(council, "isf")
    response = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=person
    )
    with pytest.raises(SurveyError, match=whole("There is no question “client_groups” in this survey.")):
        save_answers(response=response, answers={"client_groups": ["older_people"]}, actor=commissioner)
    with pytest.raises(SurveyError, match=whole(f"Choose one answer to “{_dignity_text()}”.")):
        save_answers(response=response, answers={"dignity": ["better", "worse"]}, actor=commissioner)
    with pytest.raises(SurveyError, match=whole(f"“brilliant” is not an answer to “{_dignity_text()}”.")):
        save_answers(response=response, answers={"dignity": ["brilliant"]}, actor=commissioner)
    # The same answer twice is one answer; a later save replaces it; an empty list clears it.
    save_answers(response=response, answers={"dignity": ["better", "better"], "independence": ["same"]},
                 actor=commissioner)  # fmt: skip
    assert sorted(response.answers.values_list("question__code", "option__code")) == [
        ("dignity", "better"),
        ("independence", "same"),
    ]
    save_answers(response=response, answers={"dignity": ["worse"], "independence": []}, actor=commissioner)
    assert list(response.answers.values_list("question__code", "option__code")) == [("dignity", "worse")]


def test_sending_takes_todays_ways_of_holding_the_budget_and_records_who_sent_it(council, commissioner):
    person = person_holding(council, "isf", "direct_payment", start=dt.date(2025, 4, 1))
    response = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=person
    )
    with pytest.raises(
        SurveyError, match=whole("Answer at least one question before you send your answers.")
    ):
        submit_response(response=response, actor=commissioner)
    save_answers(response=response, answers={"dignity": ["better"]}, actor=commissioner)
    sent = submit_response(response=response, actor=commissioner)
    sent.refresh_from_db()
    assert sent.status == ResponseStatus.SUBMITTED and sent.submitted_by == commissioner
    assert sent.submitted_at is not None
    assert sent.management_types == ["direct_payment", "isf"]
    assert _events(sent) == ["survey response started", "survey response sent"]
    note = LogEntry.objects.get_for_object(sent).order_by("pk").last().additional_data["note"]
    assert note == "management types: direct_payment, isf"


# ---- who sees what ---------------------------------------------------------------------------------


def test_only_council_report_staff_and_platform_admins_see_reports(council, other_council, provider_a):
    commissioner = staff(Role.COMMISSIONER, council=council)
    officer = staff(Role.MONITORING_OFFICER, council=other_council)
    admin = staff(Role.COUNCIL_ADMIN, council=council)
    platform = staff(Role.PLATFORM_ADMIN)
    assert report_councils_of(user=commissioner) == [council]
    assert report_councils_of(user=officer) == [other_council]
    assert report_councils_of(user=admin) == [] and report_councils_of(user=provider_a) == []
    assert [can_see_reports(user=u) for u in (commissioner, officer, platform, admin, provider_a)] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_providers_see_only_their_own_self_assessments_and_paper_answers_are_council_staffs(
    council, commissioner, provider_org, other_provider_org, provider_a
):
    ours = send_response(
        "provider-self-assessment", actor=provider_a, provider=provider_org, answers={"isf_years": "1_to_3"}
    )
    other_manager = staff(Role.PROVIDER_MANAGER, provider=other_provider_org)
    theirs = send_response(
        "provider-self-assessment",
        actor=other_manager,
        provider=other_provider_org,
        answers={"isf_years": "1_to_3"},
    )
    finance = staff(Role.PROVIDER_FINANCE, provider=provider_org)
    assert list(responses_visible_to(user=provider_a)) == [ours]
    assert list(responses_visible_to(user=finance)) == [ours]
    assert set(responses_visible_to(user=staff(Role.PLATFORM_ADMIN))) >= {ours, theirs}
    assert not responses_visible_to(user=UserFactory()).exists()
    # A paper form being typed in is the council staff's to see and finish; provider finance edits nothing.
    paper = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=person_holding(council),
        channel=Channel.PAPER,
    )  # fmt: skip
    assert paper in responses_visible_to(user=commissioner)
    assert list(responses_editable_by(user=commissioner)) == [paper]
    unsent_own = start_or_continue_response(
        survey=survey("provider-self-assessment"), actor=provider_a, provider=provider_org
    )
    assert list(responses_editable_by(user=provider_a)) == [unsent_own]
    assert not responses_editable_by(user=finance).exists()


def test_your_surveys_lists_each_person_and_survey_with_what_is_open_and_last_sent(council):
    user = UserFactory()
    me = person_holding(council, "isf", user=user)
    relative = person_holding(council, "direct_payment")
    Representative.objects.create(person=relative, user=user, relationship="son")
    sent = send_response("outcome-budget-holder", actor=user, person=me, answers={"dignity": "better"})
    open_ = start_or_continue_response(survey=survey("outcome-budget-holder"), actor=user, person=me)
    rows = open_outcome_surveys_for(user=user)
    summary = [(r["person"], r["is_self"], r["survey"].slug, r["open"], r["last_sent"]) for r in rows]
    # A person answering for themselves is not offered the carers' survey; for a relative they are.
    assert sorted(summary, key=lambda r: (r[0].pk, r[2])) == sorted(
        [
            (me, True, "outcome-budget-holder", open_, sent),
            (relative, False, "outcome-budget-holder", None, None),
            (relative, False, "outcome-carer", None, None),
        ],
        key=lambda r: (r[0].pk, r[2]),
    )


def test_the_latest_sent_self_assessment_is_the_one_shown(provider_org, provider_a):
    assert latest_self_assessment(provider=provider_org) is None
    send_response(
        "provider-self-assessment", actor=provider_a, provider=provider_org, answers={"isf_years": "1_to_3"},
        on=dt.date(2026, 4, 1),
    )  # fmt: skip
    later = send_response(
        "provider-self-assessment", actor=provider_a, provider=provider_org, answers={"isf_years": "1_to_3"},
        on=dt.date(2026, 6, 1),
    )  # fmt: skip
    start_or_continue_response(
        survey=survey("provider-self-assessment"), actor=provider_a, provider=provider_org
    )
    assert latest_self_assessment(provider=provider_org) == later


def test_each_respondent_continues_only_their_own_unsent_response_to_that_survey(
    council, commissioner, provider_org, other_provider_org, provider_a
):
    # Two providers' self-assessments open at once: each continues its own, never the other's.
    other_manager = staff(Role.PROVIDER_MANAGER, provider=other_provider_org)
    assessment = survey("provider-self-assessment")
    ours = start_or_continue_response(survey=assessment, actor=provider_a, provider=provider_org)
    theirs = start_or_continue_response(survey=assessment, actor=other_manager, provider=other_provider_org)
    assert theirs != ours and theirs.provider == other_provider_org
    assert start_or_continue_response(survey=assessment, actor=provider_a, provider=provider_org) == ours
    # A person's open carers' survey is not their budget holders' survey.
    person = person_holding(council, "isf")
    carers = start_or_continue_response(survey=survey("outcome-carer"), actor=commissioner, person=person)
    holders = start_or_continue_response(
        survey=survey("outcome-budget-holder"), actor=commissioner, person=person
    )
    assert holders != carers and holders.survey.slug == "outcome-budget-holder"


def test_a_long_councils_question_gets_a_code_cut_at_a_word_without_a_trailing_underscore_and_no_hint(
    council, commissioner
):
    """add_council_question: the code is cut to 56 characters with no "_" left at its end; no hint given
    is no hint."""
    holders = survey("outcome-budget-holder")
    text = "Did the people who support you help you to go out and about?"
    question = add_council_question(
        survey=holders, council=council, text=text, options=["Yes", "No"], kind="single", actor=commissioner
    )
    assert question.code == "e06000059_did_the_people_who_support_you_help_you_to_go"
    assert question.hint == ""
    again = add_council_question(
        survey=holders, council=council, text=text, options=["Yes", "No"], kind="single", actor=commissioner
    )
    assert again.code == "e06000059_did_the_people_who_support_you_help_you_to_go_2"


# ---- who answered: a carer's own sign-in, staff, or nobody signed in --------------------------------


def test_a_carers_answers_are_linked_to_them_only_on_the_carers_survey_for_the_person_they_care_for(
    council, commissioner
):
    from django.contrib.auth.models import AnonymousUser

    from budgets.carers import carer_assessment_record
    from surveys.definitions import OUTCOME_BUDGET_HOLDER, OUTCOME_CARER

    rhys, other = person_holding(council), person_holding(council)
    megan = carer_assessment_record(
        cared_for=rhys,
        actor=commissioner,
        carer_ref="CARER-9",
        given_name="Megan",
        date_of_birth=dt.date(1968, 3, 2),
        email="megan9@example.org",
        assessed_on=dt.date(2026, 5, 1),
        caring_role="Mornings",
        what_would_help="A break",
        indicative_amount=Decimal("900.00"),
    ).carer
    carers, holders = survey(OUTCOME_CARER), survey(OUTCOME_BUDGET_HOLDER)

    def carer_of(slug_survey, person, actor):
        response = start_or_continue_response(survey=slug_survey, actor=actor, person=person)
        response.delete()  # each case starts afresh
        return response.carer

    assert carer_of(carers, rhys, megan.user) == megan
    assert carer_of(holders, rhys, megan.user) is None  # not the carers' survey
    assert carer_of(carers, other, megan.user) is None  # not someone she cares for
    assert carer_of(carers, rhys, commissioner) is None  # staff typing it in are not the carer
    assert carer_of(carers, rhys, AnonymousUser()) is None
    assert carer_of(carers, rhys, None) is None


def test_answers_sent_with_nobody_signed_in_record_no_one_as_starting_or_sending_them(council):
    from django.contrib.auth.models import AnonymousUser

    for nobody in (None, AnonymousUser()):
        person = person_holding(council, "isf")
        sent = send_response(
            "outcome-budget-holder", actor=nobody, person=person, answers={"dignity": "better"}
        )
        sent.refresh_from_db()
        assert (sent.status, sent.started_by, sent.submitted_by) == (ResponseStatus.SUBMITTED, None, None)


def test_a_council_question_keeps_its_kind_and_section_an_empty_hint_and_long_answers_fit(
    council, commissioner
):
    from surveys.models import Section

    long_label = "Yes, " + "very " * 20 + "much so"
    question = add_council_question(
        survey=survey("outcome-budget-holder"),
        council=council,
        text="Which of our groups have you been to?",
        options=[long_label, "No"],
        kind="multiple",
        actor=commissioner,
    )
    question.refresh_from_db()
    assert (question.kind, question.section, question.hint) == ("multiple", Section.COUNCIL, "")
    codes = [o.code for o in question.options.order_by("order")]
    assert codes == ["yes_" + "very_" * 12, "no"] and len(codes[0]) == 64


def test_changing_ones_answers_leaves_everyone_elses_and_sending_them_is_recorded(council, commissioner):
    holders = survey("outcome-budget-holder")
    mine, theirs = (
        start_or_continue_response(survey=holders, actor=commissioner, person=person_holding(council, "isf"))
        for _ in range(2)
    )
    for response in (mine, theirs):
        save_answers(response=response, answers={"dignity": ["better"]}, actor=commissioner)
    save_answers(response=mine, answers={"dignity": ["worse"]}, actor=commissioner)
    assert [a.option.code for a in theirs.answers.all()] == ["better"]
    assert [a.option.code for a in mine.answers.all()] == ["worse"]
    submit_response(response=mine, actor=commissioner)
    entry = LogEntry.objects.get_for_object(mine).get(additional_data__event="survey response sent")
    assert (entry.actor, entry.changes) == (commissioner, {"status": ["in_progress", "submitted"]})
    assert entry.additional_data["note"] == "management types: isf"
