"""Print a council's monitoring return for a period as JSON or CSV, or write it as a PDF."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organisations.selectors import council_by_code

from ... import exports
from ...periods import PeriodError, parse_period
from ...report import build_return


class Command(BaseCommand):
    help = "Produce a council's monitoring return: --council E06000059 --period 2026-27 --format json"

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's code, like E06000059")
        parser.add_argument("--period", required=True, help="2026-27, or a quarter like 2026-27-Q1")
        parser.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        parser.add_argument("--output", help="write to this file instead of standard output (needed for pdf)")
        parser.add_argument(
            "--actor", metavar="EMAIL", help="the email address of the person asking; the PDF names them"
        )

    def handle(
        self, *args, council: str, period: str, format: str, output: str | None, actor: str | None, **options
    ):
        try:
            parsed = parse_period(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        found = council_by_code((council or "").strip())
        if found is None:
            raise CommandError(f"There is no council with code '{council}'.")
        asker = None
        if actor is not None:
            asker = get_user_model().objects.filter(email__iexact=actor.strip()).first()
            if asker is None:
                raise CommandError(f"There is no user with email address '{actor}'.")
        try:
            figures = build_return(council=found, period=parsed)
        except PeriodError as exc:  # the period has not started
            raise CommandError(str(exc)) from exc
        if format == "pdf":
            if not output:
                raise CommandError("Give --output FILE for a PDF.")
            from ...pdf import render_pdf

            Path(output).write_bytes(render_pdf(figures, requested_by=asker, asked_by_command=True))
            self.stderr.write(f"Wrote {output}")
            return
        text = exports.to_json(figures) if format == "json" else exports.to_csv(figures)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
