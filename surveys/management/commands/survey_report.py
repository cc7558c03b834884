"""Print a survey's results as JSON, or write a PDF report with charts."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Council
from surveys.definitions import ensure_shipped_surveys
from surveys.disclosure import protect_groups
from surveys.models import Survey
from surveys.reports import render_pdf, report_context
from surveys.selectors import survey_report, survey_report_by_management_type


class Command(BaseCommand):
    help = (
        'JSON: {"respondents": N, "questions": {CODE: {"options": {OPTION: {"count": n, "percent": p}}}}, '
        '"by_management_type": {GROUP: {"respondents": N, "questions": {...the same...}}}}, percent a '
        "whole-number share of respondents rounded half up; groups under 5 are <5. "
        "PDF: --format pdf --output FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, help="the survey's slug")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--output", help="where to write the PDF")
        parser.add_argument(
            "--council", help="a council code (GSS): that council's results beside all councils'"
        )

    def handle(self, *args, survey: str, format: str, output: str | None, council: str | None, **options):
        ensure_shipped_surveys()
        found = Survey.objects.filter(slug=survey).first()
        if found is None:
            slugs = ", ".join(Survey.objects.values_list("slug", flat=True))
            raise CommandError(f"unknown survey “{survey}”; surveys are: {slugs}")
        scope = None
        if council:
            scope = Council.objects.filter(gss_code=council).first()
            if scope is None:
                raise CommandError(f"unknown council “{council}”")
        if format == "json":
            if scope is not None:
                raise CommandError("--council is for the PDF; the JSON report is platform-wide")
            report = survey_report(survey=found)
            # The same shape for each way of holding the budget; groups under 5 are <5.
            report["by_management_type"] = protect_groups(survey_report_by_management_type(survey=found))
            self.stdout.write(json.dumps(report))
            return
        if not output:
            raise CommandError("--format pdf needs --output FILE")
        Path(output).write_bytes(render_pdf(context=report_context(survey=found, council=scope)))
        self.stdout.write(f"Wrote {output}")
