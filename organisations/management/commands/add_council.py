from django.core.management.base import BaseCommand, CommandError

from organisations.services import OrganisationError, create_council


class Command(BaseCommand):
    help = "Create a council, identified by its ONS/GSS code (one letter and eight digits)."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="ONS/GSS code, e.g. E06000059")
        parser.add_argument("--name", required=True, help="the council's name")

    def handle(self, *args, code: str, name: str, **options):
        try:
            council = create_council(code=code, name=name)
        except OrganisationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created council {council.gss_code} {council.name}")
