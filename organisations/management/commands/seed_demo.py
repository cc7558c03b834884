"""Load the demonstration data, idempotently. Refuses to run on a production configuration."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


def demo_builders():
    """Each installed app's `demo` module, in their declared ORDER (foundation first)."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if find_spec(name) is not None:
            modules.append(import_module(name))
    return sorted(modules, key=lambda m: m.ORDER)


class Command(BaseCommand):
    help = "Create demo councils, providers, people and sign-ins (password demo-pass-2026). DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo only runs with DEBUG on (or --force): it creates known passwords.")
        for module in demo_builders():
            with transaction.atomic():
                module.build(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Sign in with any demo account: demo-pass-2026")
        )
