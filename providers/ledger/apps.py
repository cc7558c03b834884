from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """Individual Service Fund ledgers: money a provider holds for a person. Lives inside providers/
    (DESIGN.md) as its own app so that it builds on agreements without tangling their migrations."""

    name = "providers.ledger"
    label = "ledger"
    verbose_name = "Individual Service Fund ledgers"
