"""`manage.py import_budgets --council CODE FILE.csv [--actor EMAIL]`: see budgets/imports.py."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from budgets.imports import import_budgets
from organisations.selectors import council_by_code, user_by_email
from organisations.services import system_actor


class Command(BaseCommand):
    help = (
        "Import people and their arrangements from a council's case-management export (UTF-8 CSV). "
        "All or nothing: any bad row prints 'line N: column: what is wrong' and imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--council", required=True, help="the council's GSS code, like E06000059")
        parser.add_argument(
            "--actor", default="", help="email of the person running the import (default: the system actor)"
        )

    def _fail(self, *messages: str):
        for message in messages:
            self.stderr.write(message)
        sys.exit(1)

    def handle(self, *args, file: str, council: str, actor: str, **options):
        found = council_by_code(council.strip())
        if found is None:
            self._fail(f"There is no council with code '{council}'. Check the code, like E06000059.")
        if actor:
            user = user_by_email(actor)
            if user is None:
                self._fail(f"There is no user with email '{actor}'.")
        else:
            user = system_actor()
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(f"Cannot read {file}: {exc.strerror or exc}.")
        result = import_budgets(data=data, council=found, actor=user, source=path.name)
        if not result.ok:
            self._fail(*result.errors)
        self.stdout.write(result.summary)
