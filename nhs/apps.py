from django.apps import AppConfig


class NhsConfig(AppConfig):
    name = "nhs"
    verbose_name = "NHS commissioners, partnerships and Transforming Care"

    def ready(self):
        from budgets.services import register_approval_rule

        from .funding import approval_rule

        register_approval_rule(approval_rule)

        from organisations.landing import register_landing_panels

        from .landing import landing_panels

        register_landing_panels(landing_panels)
