"""Demo data for surveys (made up): outcome responses from demo people across the ways budgets are
held, and a self-assessment from each demo provider. Idempotent: a second run adds nothing.

Demo people come from the budgets demo. People the demo family account acts for are left alone so
that the survey can be tried from "Your surveys". If there are no demo people yet, council-linked
demo respondents with a made-up management type stand in for them.
"""

import random
from datetime import timedelta

from django.utils import timezone

from budgets.models import ManagementType, Person
from organisations.models import Council, Provider, User
from organisations.services import system_actor

from .definitions import (
    AREA_CODES,
    CARER_AREA_CODES,
    CLIENT_GROUPS,
    ELEMENT_CODES,
    ISF_YEARS,
    OUTCOME_BUDGET_HOLDER,
    OUTCOME_CARER,
    PROCESS_QUESTIONS,
    PROVIDER_SELF_ASSESSMENT,
    ensure_shipped_surveys,
)
from .models import Answer, Channel, Response, ResponseStatus, Survey
from .selectors import latest_self_assessment, management_types_on
from .services import save_answers, start_or_continue_response, submit_response

ORDER = 40
DEMO_FAMILY_EMAIL = "family@example.org"
# How likely "better" is, by delivery class: made up, to make the demo charts worth looking at.
BETTER_CHANCE = {
    "isf": 0.7,
    "direct_payment": 0.6,
    "direct_payment_managed": 0.55,
    "mixed": 0.6,
    "commissioner_controlled": 0.4,
    "none": 0.4,
}


def _outcome_answers(rng: random.Random, klass: str, *, carer: bool) -> dict[str, list[str]]:
    chance = BETTER_CHANCE.get(klass, 0.5)
    answers = {}
    for code, _, _ in PROCESS_QUESTIONS:
        answers[code] = [rng.choices(["yes", "partly", "no", "dont_know"], [chance, 0.25, 0.2, 0.05])[0]]
    for code in AREA_CODES:
        if code in CARER_AREA_CODES and not carer:
            continue
        if code in ("paid_work", "volunteering") and rng.random() < 0.5:
            answers[code] = ["not_applicable"]
            continue
        answers[code] = [rng.choices(["better", "same", "worse"], [chance, 0.9 - chance, 0.1])[0]]
    return answers


def _store(*, survey: Survey, answers: dict[str, list[str]], when, **fields) -> Response:
    """A sent demo response written directly (demo respondents without a person have no service path)."""
    version = survey.current_version()
    response = Response.objects.create(
        survey=survey,
        version=version,
        status=ResponseStatus.SUBMITTED,
        submitted_at=when,
        **fields,
    )
    questions = {q.code: q for q in version.questions.prefetch_related("options")}
    rows = []
    for code, options in answers.items():
        by_code = {o.code: o for o in questions[code].options.all()}
        rows += [Answer(response=response, question=questions[code], option=by_code[c]) for c in options]
    Answer.objects.bulk_create(rows)
    return response


def build(*, stdout) -> None:
    ensure_shipped_surveys()
    actor = system_actor()
    holder = Survey.objects.get(slug=OUTCOME_BUDGET_HOLDER)
    carer = Survey.objects.get(slug=OUTCOME_CARER)
    now = timezone.now()
    made = 0

    people = Person.objects.filter(council__gss_code__in=["E06000059", "E06000023"]).exclude(
        representatives__user__email=DEMO_FAMILY_EMAIL
    )
    for person in people.order_by("pk")[:60]:
        ref = f"demo/{person.council.gss_code}/{person.person_ref}"[:64]
        if Response.objects.filter(respondent_ref=ref).exists():
            continue
        rng = random.Random(ref)  # noqa: S311 - made-up demo answers, reproducible
        types = management_types_on(person=person, day=timezone.localdate())
        klass = "none" if not types else (types[0] if len(types) == 1 else "mixed")
        survey = carer if rng.random() < 0.3 else holder
        _store(
            survey=survey,
            answers=_outcome_answers(rng, klass, carer=survey == carer),
            when=now - timedelta(days=rng.randint(1, 200)),
            person=person,
            council=person.council,
            respondent_ref=ref,
            channel=rng.choice([Channel.ONLINE, Channel.PAPER]),
            management_types=types,
            submitted_by=actor,
        )
        made += 1

    if not people.exists():
        # Stand-ins until the budgets demo has people: ten per council across the management types.
        classes = [*ManagementType.values, "mixed"]
        for council in Council.objects.filter(gss_code__in=["E06000059", "E06000023"]):
            for i in range(10):
                ref = f"demo/{council.gss_code}/R{i + 1:02d}"
                if Response.objects.filter(respondent_ref=ref).exists():
                    continue
                rng = random.Random(ref)  # noqa: S311
                klass = classes[i % len(classes)]
                types = ["direct_payment", "isf"] if klass == "mixed" else [klass]
                _store(
                    survey=holder,
                    answers=_outcome_answers(rng, klass, carer=False),
                    when=now - timedelta(days=rng.randint(1, 200)),
                    council=council,
                    respondent_ref=ref,
                    channel=Channel.PAPER,
                    management_types=types,
                    submitted_by=actor,
                )
                made += 1

    assessed = 0
    survey = Survey.objects.get(slug=PROVIDER_SELF_ASSESSMENT)
    for provider in Provider.objects.filter(provider_ref__startswith="PRV-").order_by("provider_ref"):
        if latest_self_assessment(provider=provider) is not None:
            continue
        answers = _self_assessment_from_profile(provider)
        response = start_or_continue_response(survey=survey, provider=provider, actor=actor)
        save_answers(response=response, answers=answers, actor=actor)
        submit_response(response=response, actor=actor)
        assessed += 1

    made += _families_of_harbour_lights(holder=holder, actor=actor, now=now)
    stdout.write(f"surveys: {made} outcome responses and {assessed} provider self-assessments added")


def _families_of_harbour_lights(*, holder: Survey, actor, now) -> int:
    """Six more Dorset people whose ISF Harbour Lights (PRV-001) holds, each with a sent outcome survey,
    so its directory page shows what families say (5 or more respondents; fewer would be suppressed)."""
    import datetime as dt
    from decimal import Decimal

    from budgets import services as budget_services

    provider = Provider.objects.filter(provider_ref="PRV-001").first()
    council = Council.objects.filter(gss_code="E06000059").first()
    commissioner = User.objects.filter(email="commissioner@example.org").first()
    approver = User.objects.filter(email="approver@example.org").first()
    if not (provider and council and commissioner and approver):
        return 0
    made = 0
    for i in range(6):
        ref = f"DOR-HL{i + 1:02d}"
        if Person.objects.filter(council=council, person_ref=ref).exists():
            continue
        person = budget_services.person_create(
            council=council, person_ref=ref, given_name=["Ari", "Bo", "Cal", "Dee", "Eli", "Fen"][i],
            family_name="Harbour", date_of_birth=dt.date(1980 + i, 1 + i, 10), postcode="DT1 1AA",
            primary_support_reason="learning_disability", actor=commissioner,
        )  # fmt: skip
        budget = budget_services.budget_propose(
            person=person, start_date=dt.date(2025, 4, 1),
            arrangements=[budget_services.ArrangementInput("isf", Decimal(14000 + 500 * i), provider)],
            actor=commissioner,
        )  # fmt: skip
        budget_services.budget_approve(budget=budget, actor=approver)
        rng = random.Random(ref)  # noqa: S311 - made-up demo answers, reproducible
        _store(
            survey=holder, answers=_outcome_answers(rng, "isf", carer=False),
            when=now - timedelta(days=rng.randint(1, 90)), person=person, council=council,
            respondent_ref=f"demo/{council.gss_code}/{ref}", channel=Channel.ONLINE,
            management_types=["isf"], submitted_by=actor,
        )  # fmt: skip
        made += 1
    return made


def _self_assessment_from_profile(provider: Provider) -> dict[str, list[str]]:
    """The provider's self-assessment says what its directory profile says (submitting it rewrites the
    profile's "who we support"), so the demo agrees with itself: Harbour Lights still supports adults
    with learning disabilities. Elements the profile leaves unanswered are answered "somewhat"."""
    profile = getattr(provider, "profile", None) if hasattr(provider, "profile") else None
    known_groups = {code for code, _ in CLIENT_GROUPS}
    groups = [code for code in (profile.client_groups if profile else []) if code in known_groups]
    element_answers = profile.element_answers if profile else {}
    answers = {"client_groups": groups or ["other"]}
    for code in (*ELEMENT_CODES, "funder_flexibility"):
        answers[code] = [element_answers.get(code, "somewhat")]
    isf_years = profile.isf_years if profile and profile.isf_years else ""
    if not isf_years:
        isf_years = "1_to_3" if profile and profile.offers_isf else "not_offered"
    answers["isf_years"] = [isf_years if isf_years in {code for code, _ in ISF_YEARS} else "not_offered"]
    return answers
