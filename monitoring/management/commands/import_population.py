"""Load population figures from a CSV file: council_code,year,age_band,population. All or nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...services import PopulationImportError, import_population


class Command(BaseCommand):
    help = "Import population figures (header council_code,year,age_band,population); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a CSV file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            count = import_population(text=text)
        except PopulationImportError as exc:
            # Only the `line N: column: what is wrong` lines, then exit status 1: nothing was imported.
            for error in exc.errors:
                self.stderr.write(error)
            sys.exit(1)
        self.stdout.write(f"Imported {count} population figures from {file}.")
