from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class OrganisationsConfig(AppConfig):
    default = True
    name = "organisations"
    verbose_name = "Organisations, people and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Registers the system checks, and the `__any` lookup the imports use.
        from . import checks, expression_identity, imports  # noqa: F401
        from .database_roles import grant_after_migrate
        from .landing import register_landing_panels
        from .settings_views import landing_panels

        register_landing_panels(landing_panels)
        # The same expression identity as Django's, without inspect's binding (issue 14).
        expression_identity.install()

        # post_migrate is sent after every migration has run, so every table exists by then.
        post_migrate.connect(
            grant_after_migrate, sender=self, dispatch_uid="organisations.grant_runtime_role"
        )


class PlatformAdminConfig(admin_apps.AdminConfig):
    """The Django admin on our own site class (platform administrators, second factor required)."""

    default = False
    default_site = "organisations.admin_site.PlatformAdminSite"
