"""Onboard providers from a CSV file, all or nothing. See providers/importing.py for the format."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.services import system_actor
from providers import importing


class Command(BaseCommand):
    help = (
        "Import providers from a CSV with header provider_ref,name and optionally offers_isf,"
        "management_fee_percent,email,phone,website,council_codes (codes separated by ;). "
        "All or nothing; re-importing updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the CSV file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: no such file") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: is not UTF-8 text") from exc
        try:
            result = importing.import_text(text, actor=system_actor)
        except importing.ImportFailed as exc:
            # Only the `line N: column: what is wrong` lines, then exit status 1: nothing was imported.
            for error in exc.errors:
                self.stderr.write(error)
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {result.summary()}."))
