"""Import survey responses from a CSV file: `respondent_ref,question,answer`, one row per answer.

All or nothing: every problem is reported as `line N: column: what is wrong` (the header is line 1)
and nothing is written unless the whole file is right.

What `respondent_ref` means:

- `provider-self-assessment`: a provider's reference (`PRV-001`) links the answers to that provider
  and updates its directory profile; any other reference is an anonymous respondent (for example the
  156 responses of a published survey), counted in reports but linked to no one.
- outcome surveys: `<council code>/<person reference>` (`E06000059/DOR-0001`) links the answers to that
  person, who must exist; the management types are taken from the person's arrangements active on the
  day of the import. Any reference without a `/` is an anonymous respondent (no council, management
  type "none"), for published or anonymised data.

Each respondent's rows become one sent response. Importing the same respondent again adds a newer
response, and reports count only each respondent's latest, so a repeated import does not double count.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from budgets.models import Person
from organisations import audit
from organisations import imports as pipeline
from organisations.models import Provider
from organisations.validators import is_reference

from .definitions import PROVIDER_SELF_ASSESSMENT
from .models import Answer, Channel, QuestionKind, Response, ResponseStatus, Survey
from .selectors import management_types_of
from .services import SurveyError, current_version_of, update_directory_from

HEADER = ["respondent_ref", "question", "answer"]


class ImportFailed(SurveyError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class ResponseImport(pipeline.CsvImport):
    """Survey responses as steps of the shared pipeline (organisations/imports.py)."""

    def __init__(self, *, survey: Survey, actor, progress=None):
        super().__init__(progress=progress)
        self.survey = survey
        self.actor = actor
        self.count = 0

    def check_file(self, reader, errors):
        respondents, self.count = _check_file(self.survey, reader, errors)
        return respondents

    def write(self, rows):
        result = _write(self.survey, rows, self.count, self.actor)
        self.written(self.count)
        return result


@dataclass
class _Respondent:
    ref: str
    person: Person | None = None
    provider: Provider | None = None
    # question code -> {option code: line}
    answers: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class ImportResult:
    responses: int
    answers: int
    linked: int
    anonymous: int

    def summary(self, slug: str) -> str:
        who = "providers" if slug == PROVIDER_SELF_ASSESSMENT else "people"
        return (
            f"Imported {self.responses} responses ({self.answers} answers) to {slug}: "
            f"{self.linked} linked to {who}, {self.anonymous} anonymous."
        )


def _resolve_all(survey: Survey, refs: list[str]) -> tuple[dict[str, Provider], dict[tuple, Person]]:
    """Every respondent reference of the file in two queries (providers, people), not one a respondent."""
    if survey.slug == PROVIDER_SELF_ASSESSMENT:
        return {p.provider_ref: p for p in Provider.objects.filter(provider_ref__any=refs)}, {}
    pairs = {tuple(ref.split("/", 1)) for ref in refs if "/" in ref}
    people = {}
    if pairs:
        query = Person.objects.select_related("council").filter(
            council__gss_code__any=sorted({c for c, _ in pairs}),
            person_ref__any=sorted({p for _, p in pairs}),
        )
        people = {(p.council.gss_code, p.person_ref): p for p in query}
    return {}, people


def _resolve(survey, ref, line, errors, providers, people) -> _Respondent:
    respondent = _Respondent(ref=ref)
    if survey.slug == PROVIDER_SELF_ASSESSMENT:
        respondent.provider = providers.get(ref)
    elif "/" in ref:
        code, _, person_ref = ref.partition("/")
        respondent.person = people.get((code, person_ref))
        if respondent.person is None:
            errors.append(f"line {line}: respondent_ref: no person “{person_ref}” in council “{code}”")
    return respondent


def parse(*, survey: Survey, text: str) -> tuple[list[_Respondent], int]:
    """Check the whole file; return the respondents and the number of answers, or raise ImportFailed."""
    errors = pipeline.LineErrors()
    found = _check_file(survey, pipeline.CsvReader(text, errors=errors, not_utf8=""), errors)
    if errors:
        raise ImportFailed(list(errors))
    return found


def _check_file(survey: Survey, reader: pipeline.CsvReader, errors) -> tuple[list[_Respondent], int]:
    version = current_version_of(survey)
    questions = {q.code: q for q in version.questions.prefetch_related("options")}
    options = {code: {o.code for o in q.options.all()} for code, q in questions.items()}
    header = reader.header()
    if header is None or [h.strip() for h in header] != HEADER:
        errors.append(f"line 1: header: expected “{','.join(HEADER)}”, found “{','.join(header or [])}”")
        return [], 0
    records = list(reader)
    refs = sorted({r[0].strip() for _, r in records if len(r) == 3 and is_reference(r[0].strip())})
    providers, people = _resolve_all(survey, refs)
    respondents: dict[str, _Respondent] = {}
    count = 0
    for line, row in records:
        if len(row) != 3:
            errors.append(f"line {line}: row: expected 3 columns, found {len(row)}")
            continue
        ref, code, answer = (cell.strip() for cell in row)
        if not ref:
            errors.append(f"line {line}: respondent_ref: is empty")
            continue
        if not is_reference(ref):
            errors.append(
                f"line {line}: respondent_ref: “{ref}” may use only letters, digits, . _ / - (64 at most)"
            )
            continue
        respondent = respondents.get(ref)
        if respondent is None:
            respondent = respondents[ref] = _resolve(survey, ref, line, errors, providers, people)
        question = questions.get(code)
        if question is None:
            errors.append(f"line {line}: question: unknown question “{code}” in {survey.slug}")
            continue
        if question.council_id and (
            respondent.person is None or respondent.person.council_id != question.council_id
        ):
            errors.append(f"line {line}: question: “{code}” is asked only of {question.council}'s people")
            continue
        if answer not in options[code]:
            errors.append(f"line {line}: answer: “{answer}” is not an answer to “{code}”")
            continue
        given = respondent.answers.setdefault(code, {})
        if answer in given:
            errors.append(f"line {line}: answer: repeats line {given[answer]} for “{ref}”")
            continue
        if question.kind == QuestionKind.SINGLE and given:
            first = next(iter(given.values()))
            errors.append(
                f"line {line}: answer: “{code}” takes one answer "
                f"and “{ref}” already answered it on line {first}"
            )
            continue
        given[answer] = line
        count += 1
    if not errors and not respondents:
        errors.append("line 2: respondent_ref: the file has no answers")
    return list(respondents.values()), count


def import_responses(*, survey: Survey, text: str | bytes, actor, progress=None) -> ImportResult:
    """Check, then write all or nothing; raise ImportFailed with every error."""
    try:
        return ResponseImport(survey=survey, actor=actor, progress=progress).run(text)
    except pipeline.ImportFailed as failed:
        raise ImportFailed(failed.errors) from failed


def _write(survey: Survey, respondents: list[_Respondent], count: int, actor) -> ImportResult:
    """One INSERT for the responses and one for their answers."""
    version = current_version_of(survey)
    questions = {q.code: q for q in version.questions.prefetch_related("options")}
    now = timezone.now()
    today = timezone.localdate(now)
    types = management_types_of(people=[r.person for r in respondents if r.person], day=today)
    responses = [
        Response(
            survey=survey,
            version=version,
            person=r.person,
            provider=r.provider,
            council=r.person.council if r.person else None,
            respondent_ref=r.ref,
            status=ResponseStatus.SUBMITTED,
            channel=Channel.IMPORT,
            management_types=types[r.person.pk] if r.person else [],
            started_by=actor,
            submitted_by=actor,
            submitted_at=now,
        )
        for r in respondents
    ]
    Response.objects.bulk_create(responses, batch_size=2000)
    by_code = {code: {o.code: o for o in q.options.all()} for code, q in questions.items()}
    Answer.objects.bulk_create(
        [
            Answer(response=response, question=questions[code], option=by_code[code][c])
            for r, response in zip(respondents, responses, strict=True)
            for code, given in r.answers.items()
            for c in given
        ],
        batch_size=2000,
    )
    linked = sum(1 for r in respondents if r.person or r.provider)
    providers_to_update = [resp for r, resp in zip(respondents, responses, strict=True) if r.provider]
    audit.record(
        actor=actor,
        instance=survey,
        event="survey responses imported",
        changes={"responses": (None, len(respondents))},
        note=f"{count} answers",
    )
    for response in providers_to_update:
        update_directory_from(response=response, actor=actor)
    return ImportResult(
        responses=len(respondents), answers=count, linked=linked, anonymous=len(respondents) - linked
    )


def run_upload_job(job, progress) -> tuple[str, str]:
    """An upload job (organisations/jobs.py) for a survey's answers."""
    from django.urls import reverse

    survey = Survey.objects.get(slug=job.target.removeprefix("survey:"))
    result = ResponseImport(survey=survey, actor=job.requested_by, progress=progress).run(bytes(job.data))
    return result.summary(survey.slug), reverse("surveys:upload-responses")
