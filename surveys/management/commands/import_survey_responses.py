"""Import survey answers from a CSV file (`respondent_ref,question,answer`), all or nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.services import system_actor
from surveys.definitions import ensure_shipped_surveys
from surveys.imports import ImportFailed, import_responses
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Import answers: header respondent_ref,question,answer, one row per answer. For the provider "
        "self-assessment respondent_ref is a provider reference (or any other reference for an anonymous "
        "respondent); for outcome surveys COUNCILCODE/PERSONREF links a person, "
        "anything without '/' is anonymous."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--survey", required=True, help="the survey's slug, e.g. provider-self-assessment"
        )
        parser.add_argument("file", help="the CSV file (UTF-8)")

    def handle(self, *args, survey: str, file: str, **options):
        ensure_shipped_surveys()
        found = Survey.objects.filter(slug=survey).first()
        if found is None:
            slugs = ", ".join(Survey.objects.values_list("slug", flat=True))
            raise CommandError(f"unknown survey “{survey}”; surveys are: {slugs}")
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            result = import_responses(survey=found, text=text, actor=system_actor())
        except ImportFailed as exc:
            # Only the `line N: column: what is wrong` lines, then exit status 1: nothing was imported.
            for error in exc.errors:
                self.stderr.write(error)
            sys.exit(1)
        self.stdout.write(result.summary(found.slug))
