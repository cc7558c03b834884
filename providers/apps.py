from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers, choices and flexible agreements"

    def ready(self):
        from budgets.selectors import register_visibility_rule

        from .selectors import people_seen_by_provider_rule

        register_visibility_rule(people_seen_by_provider_rule)

        from . import block_conversion

        block_conversion.register()

        from organisations.landing import register_landing_panels

        from .landing import landing_panels

        register_landing_panels(landing_panels)
