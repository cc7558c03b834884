"""Report context for the page and the PDF: a selector builds it, a template renders it, WeasyPrint
turns the HTML into bytes."""

from django.template.loader import render_to_string
from django.utils import timezone

from organisations.documents import write_pdf
from organisations.models import Council
from organisations.small_numbers import RULE as SMALL_NUMBERS_RULE

from .charts import bar_chart, change_chart
from .disclosure import outcome_reports, survey_reports
from .models import QuestionKind, Survey
from .selectors import percent_of

NO_ANSWER = "no_answer"


def _labelled(survey: Survey, report: dict, council: Council | None) -> list[dict]:
    """The report's questions with their wording and option labels, a "No answer" row for a
    one-answer question (so its shares add up to 100%), and a chart each with shares and counts."""
    version = survey.current_version()
    if version is None:
        return []
    questions = {q.code: q for q in version.questions.prefetch_related("options")}
    respondents = report["respondents"]
    out = []
    for code, data in report["questions"].items():
        question = questions[code]
        labels = {o.code: o.label for o in question.options.all()}
        options = [
            {"code": oc, "label": labels.get(oc, oc), "count": v["count"], "percent": v["percent"]}
            for oc, v in data["options"].items()
        ]
        single = question.kind == QuestionKind.SINGLE
        counts = [o["count"] for o in options]
        if single and isinstance(respondents, int) and all(isinstance(c, int) for c in counts):
            missing = respondents - sum(counts)
            options.append(
                {
                    "code": NO_ANSWER,
                    "label": "No answer",
                    "count": missing,
                    "percent": percent_of(missing, respondents),
                }
            )
        size = f"{respondents:,}" if isinstance(respondents, int) else respondents
        out.append(
            {
                "code": code,
                "text": question.text,
                "section": question.get_section_display(),
                "own": bool(question.council_id),
                "single": single,
                "options": options,
                "chart": bar_chart(
                    title=f"{question.text} Shares of the {size} people who answered the survey",
                    rows=[(o["label"], o["percent"], o["count"]) for o in options],
                ),
            }
        )
    return out


def _outcome_with_charts(report: dict) -> dict:
    """One chart per report (everyone together, with how many answered each area) beside the table
    by way of holding the budget."""
    everyone = len(report["types"]) - 1
    rows = [(area["label"], area["by_type"][everyone]) for area in report["areas"]]
    size = report["respondents"]
    chart = change_chart(
        title=f"Has life changed since the budget? Everyone ({size} people): better, the same or worse, "
        "as shares of the people who answered about each area",
        rows=rows,
    )
    return {**report, "charts": [{"label": f"Everyone ({size} people)", "chart": chart}]}


def report_context(*, survey: Survey, council: Council | None = None) -> dict:
    """Everything the survey report shows: the council's figures (when there is a council) beside the
    platform-wide ones, and for outcome surveys the areas of life by management type and the link
    between process and outcome."""
    if not survey.is_outcome:
        # Providers belong to no council: the self-assessment is reported platform-wide only.
        council = None
    own_report, platform = survey_reports(survey=survey, council=council)
    context = {
        "survey": survey,
        "council": council,
        "generated_at": timezone.localtime(),
        "platform": {"respondents": platform["respondents"], "questions": _labelled(survey, platform, None)},
        "own": None,
        "outcome_platform": None,
        "outcome_own": None,
        "small_numbers_rule": SMALL_NUMBERS_RULE,
    }
    if council is not None:
        own = own_report
        own_questions = _labelled(survey, own, council)
        platform_by_code = {q["code"]: q for q in context["platform"]["questions"]}
        for question in own_questions:
            beside = platform_by_code.get(question["code"])
            by_code = {o["code"]: o for o in beside["options"]} if beside else {}
            for option in question["options"]:
                option["platform_percent"] = by_code.get(option["code"], {}).get("percent")
        context["own"] = {"respondents": own["respondents"], "questions": own_questions}
    if survey.is_outcome:
        own_outcomes, platform_outcomes = outcome_reports(council=council, slugs=[survey.slug])
        context["outcome_platform"] = _outcome_with_charts(platform_outcomes)
        if own_outcomes is not None:
            context["outcome_own"] = _outcome_with_charts(own_outcomes)
    context["questions"] = (
        context["own"]["questions"] if council is not None else context["platform"]["questions"]
    )
    context["outcome_blocks"] = [
        {"title": title, "data": data}
        for title, data in (
            (council.name if council else "", context["outcome_own"]),
            ("All councils" if council else "", context["outcome_platform"]),
        )
        if data is not None
    ]
    return context


def render_pdf(*, context: dict) -> bytes:
    html = render_to_string("surveys/report_pdf.html", context)
    return write_pdf(html)
