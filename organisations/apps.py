from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class OrganisationsConfig(AppConfig):
    default = True
    name = "organisations"
    verbose_name = "Organisations, people and roles"

    def ready(self) -> None:
        # Registers the system checks, and the `__any` lookup the imports use.
        from . import checks, imports  # noqa: F401


class PlatformAdminConfig(admin_apps.AdminConfig):
    """The Django admin on our own site class (platform administrators, second factor required)."""

    default = False
    default_site = "organisations.admin_site.PlatformAdminSite"
