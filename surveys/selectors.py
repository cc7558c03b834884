"""Reads about surveys and responses, always scoped to what the user may see, and the reports.

Counting rules used by every report, page, export and the monitoring return:

- Only sent (`submitted`) responses count.
- A respondent counts once per survey: their latest sent response. A respondent is the person (outcome
  surveys), the provider (self-assessment), or an imported `respondent_ref`.
- A share (`percent`) is the count over respondents, times 100, as a whole number rounded half up with
  `Decimal` (never float rounding): 57 of 156 is 36.54 → 37.
- Results by management type use the snapshot taken when the response was sent: one type's code, `mixed`
  for several, `none` when the person had no active arrangement (or an imported anonymous response).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet

from budgets.labels import GROUP_LABELS
from budgets.models import ManagementType, Person
from budgets.selectors import counted_arrangements, people_represented_by
from organisations.models import Council, Role
from organisations.selectors import roles_of

from .definitions import AREA_CODES, CHANGE_CODES, OUTCOME_SLUGS, PROCESS_QUESTIONS, PROVIDER_SELF_ASSESSMENT
from .models import Answer, Audience, Channel, Question, Response, ResponseStatus, Survey

REPORT_ROLES = (Role.COMMISSIONER, Role.MONITORING_OFFICER)
MANAGEMENT_CLASSES = [*ManagementType.values, "mixed", "none"]
# The same words for the groups as the monitoring return uses.
MANAGEMENT_CLASS_LABELS = GROUP_LABELS


def percent_of(count: int, total: int) -> int:
    """A whole-number share, rounded half up in Decimal (57 of 156 → 37)."""
    if not total:
        return 0
    return int((Decimal(count) * 100 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---- who may see what ----------------------------------------------------------------------------


def management_types_on(*, person: Person, day: date) -> list[str]:
    """The sorted set of management types of the person's active arrangements on `day` (DESIGN.md:
    active when start_date <= d and end_date blank or >= d; approved budgets only)."""
    types = (
        counted_arrangements(council_ids=[person.council_id])
        .filter(budget__person=person, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("management_type", flat=True)
    )
    return sorted(set(types))


def management_types_of(*, people: list[Person], day: date) -> dict[int, list[str]]:
    """`management_types_on` for many people in one query (the import): person id → sorted types."""
    found: dict[int, set[str]] = {p.pk: set() for p in people}
    rows = (
        counted_arrangements(council_ids=sorted({p.council_id for p in people}))
        .filter(budget__person_id__any=list(found), start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("budget__person_id", "management_type")
    )
    for person_id, management_type in rows:
        found[person_id].add(management_type)
    return {pk: sorted(types) for pk, types in found.items()}


def report_councils_of(*, user) -> list[Council]:
    """Councils whose survey results the user may see (commissioners and monitoring officers)."""
    ids = roles_of(user=user).councils_with(*REPORT_ROLES)
    return list(Council.objects.filter(pk__in=ids))


def can_see_reports(*, user) -> bool:
    roles = roles_of(user=user)
    return roles.platform_admin or bool(roles.councils_with(*REPORT_ROLES))


def responses_visible_to(*, user) -> QuerySet[Response]:
    """The person and their representatives see their own; commissioners and monitoring officers see
    their council's sent and paper responses; provider staff see their organisation's
    self-assessments; a platform admin sees all."""
    if not getattr(user, "is_authenticated", False):
        return Response.objects.none()
    roles = roles_of(user=user)
    if roles.platform_admin:
        return Response.objects.all()
    q = Q(person__in=people_represented_by(user=user))
    councils = roles.councils_with(*REPORT_ROLES)
    if councils:
        # Council staff see what was sent, and paper forms staff are typing in, never a family's
        # unfinished online answers.
        q |= Q(council_id__in=councils) & (Q(status=ResponseStatus.SUBMITTED) | Q(channel=Channel.PAPER))
    providers = roles.providers_with(Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE)
    if providers:
        q |= Q(provider_id__in=providers, survey__slug=PROVIDER_SELF_ASSESSMENT)
    return Response.objects.filter(q).distinct()


def responses_editable_by(*, user) -> QuerySet[Response]:
    """Unsent responses this user may answer: their own (or their relative's) online response, a paper
    response for their council's person (commissioners), their organisation's self-assessment
    (provider managers)."""
    if not getattr(user, "is_authenticated", False):
        return Response.objects.none()
    roles = roles_of(user=user)
    q = Q(person__in=people_represented_by(user=user), channel=Channel.ONLINE)
    councils = roles.councils_with(Role.COMMISSIONER)
    if councils:
        q |= Q(council_id__in=councils, channel=Channel.PAPER)
    providers = roles.providers_with(Role.PROVIDER_MANAGER)
    if providers:
        q |= Q(provider_id__in=providers, survey__slug=PROVIDER_SELF_ASSESSMENT)
    return Response.objects.filter(q, status=ResponseStatus.IN_PROGRESS).distinct()


def questions_for(*, response: Response) -> list[Question]:
    """The questions this respondent is asked: the version's shipped questions and, for a person of
    a council, that council's own questions."""
    qs = response.version.questions.prefetch_related("options")
    qs = (
        qs.filter(Q(council__isnull=True) | Q(council_id=response.council_id))
        if response.council_id
        else qs.filter(council__isnull=True)
    )
    return list(qs.order_by("order", "pk"))


def answers_by_code(*, response: Response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for question_code, option_code in response.answers.order_by("option__order").values_list(
        "question__code", "option__code"
    ):
        out[question_code].append(option_code)
    return dict(out)


def open_outcome_surveys_for(*, user) -> list[dict]:
    """For "Your surveys": each person the user is or acts for, each outcome survey, and where they are."""
    people = list(people_represented_by(user=user))
    surveys = list(Survey.objects.filter(slug__in=OUTCOME_SLUGS).order_by("audience"))
    responses = Response.objects.filter(person__in=people, survey__in=surveys).order_by("-updated_at")
    latest: dict[tuple[int, int], Response] = {}
    open_: dict[tuple[int, int], Response] = {}
    for response in responses:
        key = (response.person_id, response.survey_id)
        if response.status == ResponseStatus.IN_PROGRESS:
            open_.setdefault(key, response)
        else:
            latest.setdefault(key, response)
    rows = []
    for person in people:
        for survey in surveys:
            if survey.audience == Audience.CARER and person.user_id == user.pk:
                continue  # the carers' survey is for the people who care for them, not the person
            key = (person.pk, survey.pk)
            rows.append(
                {
                    "person": person,
                    "is_self": person.user_id == user.pk,
                    "survey": survey,
                    "open": open_.get(key),
                    "last_sent": latest.get(key),
                }
            )
    return rows


def latest_self_assessment(*, provider) -> Response | None:
    return (
        Response.objects.filter(
            survey__slug=PROVIDER_SELF_ASSESSMENT, provider=provider, status=ResponseStatus.SUBMITTED
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


# ---- counting ------------------------------------------------------------------------------------


def _respondent_key(response: Response) -> tuple:
    if response.person_id:
        return ("person", response.person_id)
    if response.provider_id:
        return ("provider", response.provider_id)
    if response.respondent_ref:
        return ("ref", response.respondent_ref)
    return ("response", response.pk)


def counted_responses(
    *,
    surveys: Iterable[Survey],
    council: Council | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Response]:
    """Sent responses that count: each respondent's latest per survey, optionally one council's and
    sent between two dates (inclusive, in UK time)."""
    qs = Response.objects.filter(survey__in=list(surveys), status=ResponseStatus.SUBMITTED)
    if council is not None:
        qs = qs.filter(council=council)
    if start is not None:
        qs = qs.filter(submitted_at__date__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__date__lte=end)
    qs = qs.order_by("-submitted_at", "-pk").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question", "option"))
    )
    seen: set[tuple] = set()
    counted = []
    for response in qs:
        key = (response.survey_id, *_respondent_key(response))
        if key in seen:
            continue
        seen.add(key)
        counted.append(response)
    return counted


def _answer_map(response: Response) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for answer in response.answers.all():
        out[answer.question.code].add(answer.option.code)
    return out


def survey_report(
    *, survey: Survey, council: Council | None = None, include_council_questions: bool = False
) -> dict:
    """`{"respondents": N, "questions": {CODE: {"options": {OPTION: {"count": n, "percent": p}}}}}`.

    Every question and option of the current version is listed (zero counts included), in order. A
    council's own questions are left out unless asked for (they would be shares of other councils'
    respondents who were never asked them)."""
    responses = counted_responses(surveys=[survey], council=council)
    return _report_of(survey, responses, council=council, include_council_questions=include_council_questions)


def survey_report_by_management_type(*, survey: Survey, council: Council | None = None) -> dict:
    """The same report for each way of holding the budget (the snapshot taken when each response was
    sent): `{group: {"respondents": N, "questions": {...}}}`, groups with respondents only, shares of
    the group's respondents. Outcome surveys only; providers hold no budget (`{}`)."""
    if not survey.is_outcome:
        return {}
    groups: dict[str, list[Response]] = defaultdict(list)
    for response in counted_responses(surveys=[survey], council=council):
        groups[response.management_class].append(response)
    return {mc: _report_of(survey, groups[mc]) for mc in MANAGEMENT_CLASSES if mc in groups}


def _report_of(
    survey: Survey,
    responses: list[Response],
    *,
    council: Council | None = None,
    include_council_questions: bool = False,
) -> dict:
    total = len(responses)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for response in responses:
        for code, options in _answer_map(response).items():
            for option in options:
                counts[code][option] += 1
    version = survey.current_version()
    questions = {}
    if version is not None:
        qs = version.questions.prefetch_related("options").order_by("order", "pk")
        if include_council_questions and council is not None:
            qs = qs.filter(Q(council__isnull=True) | Q(council=council))
        else:
            qs = qs.filter(council__isnull=True)
        for question in qs:
            questions[question.code] = {
                "options": {
                    option.code: {
                        "count": counts[question.code][option.code],
                        "percent": percent_of(counts[question.code][option.code], total),
                    }
                    for option in question.options.all()
                }
            }
    return {"respondents": total, "questions": questions}


def _empty_areas() -> dict[str, dict[str, int]]:
    return {code: dict.fromkeys(CHANGE_CODES, 0) for code in AREA_CODES}


def outcome_results_by_management_type(*, council: Council, start: date, end: date) -> dict:
    """For the monitoring return: outcome survey responses (budget holders' and carers') sent between
    `start` and `end` (inclusive) by the council's people, by management type at the time.

    `{"respondents": int, "by_management_type": {<type code | "mixed" | "none">: {"respondents": int,
    "life_areas": {<area code>: {"better": int, "same": int, "worse": int}}}}}`. A type appears only
    when it has respondents; "Does not apply to me" answers are not counted in an area."""
    surveys = Survey.objects.filter(slug__in=OUTCOME_SLUGS)
    responses = counted_responses(surveys=surveys, council=council, start=start, end=end)
    by_type: dict[str, dict] = {}
    for response in responses:
        group = by_type.setdefault(
            response.management_class, {"respondents": 0, "life_areas": _empty_areas()}
        )
        group["respondents"] += 1
        answers = _answer_map(response)
        for code in AREA_CODES:
            for option in answers.get(code, ()):
                if option in CHANGE_CODES:
                    group["life_areas"][code][option] += 1
    ordered = {key: by_type[key] for key in MANAGEMENT_CLASSES if key in by_type}
    return {"respondents": len(responses), "by_management_type": ordered}


def outcome_report(
    *,
    council: Council | None = None,
    start: date | None = None,
    end: date | None = None,
    slugs: Iterable[str] = OUTCOME_SLUGS,
) -> dict:
    """The outcome report: every area by management type (better / same / worse, with shares of those
    who answered the area), and the link between process and outcome."""
    surveys = list(Survey.objects.filter(slug__in=list(slugs)))
    responses = counted_responses(surveys=surveys, council=council, start=start, end=end)
    answer_maps = [(_answer_map(r), r.management_class) for r in responses]
    classes_present = [c for c in MANAGEMENT_CLASSES if any(mc == c for _, mc in answer_maps)]
    area_labels = _area_labels()

    asked = set(
        Question.objects.filter(version__survey__in=surveys, code__in=AREA_CODES).values_list(
            "code", flat=True
        )
    )
    areas = []
    for code in (c for c in AREA_CODES if c in asked):
        row = {"code": code, "label": area_labels.get(code, code), "by_type": []}
        for mc in [*classes_present, "all"]:
            counts = dict.fromkeys(CHANGE_CODES, 0)
            for answers, klass in answer_maps:
                if mc != "all" and klass != mc:
                    continue
                for option in answers.get(code, ()):
                    if option in CHANGE_CODES:
                        counts[option] += 1
            answered = sum(counts.values())
            row["by_type"].append(
                {
                    "type": mc,
                    "answered": answered,
                    **counts,
                    **{f"{k}_percent": percent_of(v, answered) for k, v in counts.items()},
                }
            )
        areas.append(row)

    # Process → outcome: of those who said "yes" to a process question, and of those who did not,
    # how many said at least one area of life got better, and the share of all their area answers
    # that were "better".
    links = []
    for code, person_text, _ in PROCESS_QUESTIONS:
        groups = []
        for label, test in (
            ("Said yes", lambda a: a == {"yes"}),
            ("Did not say yes", lambda a: bool(a) and a != {"yes"}),
        ):
            members = [answers for answers, _ in answer_maps if test(answers.get(code, set()))]
            better_people = sum(
                1 for answers in members if any("better" in answers.get(area, ()) for area in AREA_CODES)
            )
            area_answers = [
                option
                for answers in members
                for area in AREA_CODES
                for option in answers.get(area, ())
                if option in CHANGE_CODES
            ]
            better_answers = area_answers.count("better")
            groups.append(
                {
                    "label": label,
                    "respondents": len(members),
                    "any_better": better_people,
                    "any_better_percent": percent_of(better_people, len(members)),
                    "area_answers": len(area_answers),
                    "better_answers": better_answers,
                    "better_percent": percent_of(better_answers, len(area_answers)),
                }
            )
        links.append({"code": code, "question": person_text, "groups": groups})

    return {
        "respondents": len(responses),
        "types": [{"code": c, "label": MANAGEMENT_CLASS_LABELS[c]} for c in classes_present]
        + [{"code": "all", "label": "All"}],
        "areas": areas,
        "links": links,
        "by_management_type": {
            mc: sum(1 for _, klass in answer_maps if klass == mc) for mc in classes_present
        },
    }


AREA_LABELS = {
    "dignity": "Dignity",
    "independence": "Independence",
    "physical_health": "Physical health",
    "mental_wellbeing": "Mental wellbeing",
    "control_daily_life": "Control over daily life",
    "feeling_safe": "Feeling safe",
    "relationships_family": "Family relationships",
    "relationships_friends": "Friendships",
    "relationships_paid_supporters": "Paid supporters",
    "self_esteem": "Self-esteem",
    "where_you_live": "Where you live",
    "who_you_live_with": "Who you live with",
    "paid_work": "Paid work",
    "volunteering": "Volunteering",
    "staying_well": "Carer: staying well",
    "able_to_keep_caring": "Carer: able to keep caring",
    "quality_of_life": "Carer: quality of life",
}


def _area_labels() -> dict[str, str]:
    return AREA_LABELS
