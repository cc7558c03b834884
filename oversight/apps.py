from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Proportionate direct-payment oversight (issue 19): light annual statements, council-configured
    risk-based checks, a conversation before anything else, and recovery only by a named person with a
    written reason the family sees. Reads budgets and the ledger's selectors; never writes to ledgers."""

    name = "oversight"

    def ready(self):
        from budgets.family_sections import register_casework_section, register_family_section

        from .family import casework_section, family_section

        register_family_section(family_section)
        register_casework_section(casework_section)
