"""Writes about surveys: start a response, save answers, send it, add a council's own question.

Every function is keyword-only, takes the acting user, runs in one transaction and writes the audit
trail. Rules broken raise `SurveyError` with a message a person can read.
"""

from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from budgets.models import Person
from config.api import DomainConflict
from organisations import audit
from organisations.models import Council, Provider
from providers.services import update_profile_from_self_assessment

from .definitions import ELEMENT_CODES, PROVIDER_SELF_ASSESSMENT
from .models import (
    Answer,
    Audience,
    Channel,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Section,
    Survey,
)
from .selectors import answers_by_code, management_types_on, questions_for


class SurveyError(DomainConflict):
    """A survey rule was broken; the message is for people."""


def current_version_of(survey: Survey):
    from .definitions import ensure_shipped_surveys

    version = survey.current_version()
    if version is None:
        ensure_shipped_surveys()
        version = survey.current_version()
    if version is None:
        raise SurveyError(f"The survey “{survey.title}” has no questions yet.")
    return version


def _carer_answering(*, survey: Survey, person: Person | None, actor) -> Person | None:
    """For the carers' survey: the carer (with their own carer's assessment for `person`) whose own
    sign-in is answering, so their answers are linked to them."""
    if person is None or survey.audience != Audience.CARER or not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.filter(user=actor, is_carer=True, carer_assessments__cared_for=person).first()


def start_or_continue_response(
    *,
    survey: Survey,
    actor,
    person: Person | None = None,
    provider: Provider | None = None,
    channel: str = Channel.ONLINE,
) -> Response:
    """The respondent's unsent response to this survey, or a new one (save and come back)."""
    with transaction.atomic():
        if (person is None) == (provider is None):
            raise SurveyError("A response is for one person or one provider.")
        if provider is not None and survey.slug != PROVIDER_SELF_ASSESSMENT:
            raise SurveyError("Providers answer only the self-assessment.")
        if person is not None and not survey.is_outcome:
            raise SurveyError("People answer only the outcome surveys.")
        existing = Response.objects.select_for_update().filter(
            survey=survey, person=person, provider=provider, status=ResponseStatus.IN_PROGRESS
        )
        response = existing.first()
        if response is not None:
            return response
        response = Response(
            survey=survey,
            version=current_version_of(survey),
            person=person,
            provider=provider,
            council=person.council if person else None,
            channel=channel,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            carer=_carer_answering(survey=survey, person=person, actor=actor),
        )
        try:
            # A savepoint: two tabs starting at once hit the one-open-response constraint.
            with transaction.atomic():
                response.save()
        except IntegrityError:
            return Response.objects.get(
                survey=survey, person=person, provider=provider, status=ResponseStatus.IN_PROGRESS
            )
        audit.record(
            actor=actor,
            instance=response,
            event="survey response started",
            action=audit.CREATE,
            changes={"channel": (None, channel)},
        )
        return response


def _check_open(response: Response) -> None:
    if response.status != ResponseStatus.IN_PROGRESS:
        raise SurveyError("These answers have already been sent and cannot be changed.")


def save_answers(*, response: Response, answers: Mapping[str, Sequence[str]], actor) -> Response:
    """Replace the answers to the given questions (codes → option codes). An empty list clears one."""
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        _check_open(response)
        questions = {q.code: q for q in questions_for(response=response)}
        for code, option_codes in answers.items():
            question = questions.get(code)
            if question is None:
                raise SurveyError(f"There is no question “{code}” in this survey.")
            option_codes = list(dict.fromkeys(option_codes))
            if question.kind == QuestionKind.SINGLE and len(option_codes) > 1:
                raise SurveyError(f"Choose one answer to “{question.text}”.")
            options = {o.code: o for o in question.options.all()}
            unknown = [c for c in option_codes if c not in options]
            if unknown:
                raise SurveyError(f"“{unknown[0]}” is not an answer to “{question.text}”.")
            Answer.objects.filter(response=response, question=question).delete()
            Answer.objects.bulk_create(
                [Answer(response=response, question=question, option=options[c]) for c in option_codes]
            )
        response.save(update_fields=["updated_at"])
        return response


def submit_response(*, response: Response, actor, on=None) -> Response:
    """Send the answers. Takes the snapshot of how the person's budget is held today, and for a
    provider's self-assessment updates its directory profile."""
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        _check_open(response)
        if not response.answers.exists():
            raise SurveyError("Answer at least one question before you send your answers.")
        now = on or timezone.now()
        if response.person_id:
            response.management_types = management_types_on(
                person=response.person, day=timezone.localdate(now)
            )
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now
        response.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        response.save(
            update_fields=["management_types", "status", "submitted_at", "submitted_by", "updated_at"]
        )
        audit.record(
            actor=actor,
            instance=response,
            event="survey response sent",
            changes={"status": (ResponseStatus.IN_PROGRESS, ResponseStatus.SUBMITTED)},
            note=f"management types: {', '.join(response.management_types) or 'none'}",
        )
        if response.provider_id:
            update_directory_from(response=response, actor=actor)
        return response


def update_directory_from(*, response: Response, actor) -> None:
    """Pass a provider's self-assessment to the directory profile."""
    answers = answers_by_code(response=response)
    element_answers = {
        code: answers[code][0] for code in (*ELEMENT_CODES, "funder_flexibility") if answers.get(code)
    }
    isf_years = answers.get("isf_years", [None])[0]
    update_profile_from_self_assessment(
        provider=response.provider,
        client_groups=list(answers.get("client_groups", [])),
        element_answers=element_answers,
        isf_years=isf_years,
        actor=actor,
    )


def add_council_question(
    *, survey: Survey, council: Council, text: str, options: Sequence[str], kind: str, actor, hint: str = ""
) -> Question:
    """A council's own question, added to the survey's current version, asked only of its people.
    Its code is the council's code plus words from the question, so it cannot clash with a shipped
    code or another council's."""
    with transaction.atomic():
        if not survey.is_outcome:
            raise SurveyError("Councils can add questions to the outcome surveys only.")
        labels = [o.strip() for o in options if o.strip()]
        if len(labels) < 2:
            raise SurveyError("Give at least two answers people can choose from, one on each line.")
        if len({slugify(label) for label in labels}) != len(labels):
            raise SurveyError("Each answer must be different.")
        version = current_version_of(survey)
        base = f"{council.gss_code.lower()}_{slugify(text).replace('-', '_')}"[:56].rstrip("_")
        code, n = base, 1
        while Question.objects.filter(version=version, code=code).exists():
            n += 1
            code = f"{base}_{n}"
        last = version.questions.order_by("-order").values_list("order", flat=True).first() or 0
        question = Question.objects.create(
            version=version,
            code=code,
            text=text.strip(),
            hint=hint.strip(),
            kind=kind,
            section=Section.COUNCIL,
            order=last + 10,
            council=council,
        )
        for order, label in enumerate(labels, start=1):
            Option.objects.create(
                question=question, code=slugify(label).replace("-", "_")[:64], label=label, order=order
            )
        audit.record(
            actor=actor,
            instance=question,
            event="council survey question added",
            action=audit.CREATE,
            changes={"code": (None, code), "text": (None, question.text)},
        )
        return question
