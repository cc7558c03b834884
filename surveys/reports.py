"""Report context for the page and the PDF: a selector builds it, a template renders it, WeasyPrint
turns the HTML into bytes."""

from django.template.loader import render_to_string
from django.utils import timezone

from organisations.documents import write_pdf
from organisations.models import Council

from .charts import bar_chart, change_chart
from .disclosure import outcome_reports, survey_reports
from .models import Survey


def _labelled(survey: Survey, report: dict, council: Council | None) -> list[dict]:
    """The report's questions with their wording and option labels, and a chart each."""
    version = survey.current_version()
    if version is None:
        return []
    questions = {q.code: q for q in version.questions.prefetch_related("options")}
    out = []
    for code, data in report["questions"].items():
        question = questions[code]
        labels = {o.code: o.label for o in question.options.all()}
        options = [
            {"code": oc, "label": labels.get(oc, oc), "count": v["count"], "percent": v["percent"]}
            for oc, v in data["options"].items()
        ]
        out.append(
            {
                "code": code,
                "text": question.text,
                "section": question.get_section_display(),
                "own": bool(question.council_id),
                "options": options,
                "chart": bar_chart(title=question.text, rows=[(o["label"], o["percent"]) for o in options]),
            }
        )
    return out


def _outcome_with_charts(report: dict) -> dict:
    charts = []
    for type_index, kind in enumerate(report["types"]):
        rows = [(area["label"], area["by_type"][type_index]) for area in report["areas"]]
        charts.append(
            {
                "label": kind["label"],
                "chart": change_chart(title=f"Has life changed: {kind['label']}", rows=rows),
            }
        )
    return {**report, "charts": charts}


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
    }
    if council is not None:
        own = own_report
        own_questions = _labelled(survey, own, council)
        platform_by_code = {q["code"]: q for q in context["platform"]["questions"]}
        for question in own_questions:
            beside = platform_by_code.get(question["code"])
            for i, option in enumerate(question["options"]):
                option["platform_percent"] = beside["options"][i]["percent"] if beside else None
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
