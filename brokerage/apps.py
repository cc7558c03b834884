from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "brokerage"
    verbose_name = "Independent support brokerage"

    def ready(self):
        from budgets.family_sections import register_casework_section
        from budgets.selectors import register_plan_helper_rule, register_visibility_rule
        from organisations.landing import register_landing_panels
        from providers.sections import register_detail_section

        from .landing import landing_panels
        from .selectors import (
            brokerage_casework_section,
            brokerage_detail_section,
            helps_plan_rule,
            people_seen_by_broker_rule,
        )

        register_visibility_rule(people_seen_by_broker_rule)
        register_plan_helper_rule(helps_plan_rule)
        register_landing_panels(landing_panels)
        register_detail_section(brokerage_detail_section)
        register_casework_section(brokerage_casework_section)
