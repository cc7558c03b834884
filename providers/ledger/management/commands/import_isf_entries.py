"""`manage.py import_isf_entries --provider PROVIDER_REF FILE.csv [--actor EMAIL]`: see
providers/ledger/imports.py."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from organisations.selectors import provider_by_ref, user_by_email
from organisations.services import system_actor
from providers.ledger.imports import import_isf_entries


class Command(BaseCommand):
    help = (
        "Import spending into Individual Service Fund ledgers from a provider's accounting system "
        "(UTF-8 CSV: budget_ref,entry_date,category,amount,description,entry_ref). All or nothing: any "
        "bad row prints 'line N: column: what is wrong' and records nothing. entry_ref makes a re-import "
        "add nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--provider", required=True, help="the provider's reference, like PRV-001")
        parser.add_argument(
            "--actor", default="", help="email of the person running the import (default: the system actor)"
        )

    def _fail(self, *messages: str):
        for message in messages:
            self.stderr.write(message)
        sys.exit(1)

    def handle(self, *args, file: str, provider: str, actor: str, **options):
        found = provider_by_ref(provider.strip())
        if found is None:
            self._fail(
                f"There is no provider with reference '{provider}'. Check the reference, like PRV-001."
            )
        user = system_actor()
        if actor:
            user = user_by_email(actor)
            if user is None:
                self._fail(f"There is no user with email '{actor}'.")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            self._fail(f"Cannot read {file}: {exc.strerror or exc}.")
        result = import_isf_entries(data=data, provider=found, actor=user)
        if not result.ok:
            self._fail(*result.errors)
        self.stdout.write(result.summary)
