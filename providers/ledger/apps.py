from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """Individual Service Fund ledgers: money a provider holds for a person. Lives inside providers/
    (DESIGN.md) as its own app so that it builds on agreements without tangling their migrations."""

    name = "providers.ledger"
    label = "ledger"
    verbose_name = "Individual Service Fund ledgers"

    def ready(self) -> None:
        # When a person moves provider, their unspent balance follows them, inside the move's
        # transaction (providers never imports the ledger: it offers the hook).
        from providers.hooks import register_on_end, register_on_move

        from .services import move_balance_on_move, settle_on_end

        register_on_move(move_balance_on_move)
        register_on_end(settle_on_end)

        # A managed direct payment waiting to become an ISF moves when the provider accepts.
        from providers.hooks import register_on_accept

        from .managed import complete_moves_waiting_for

        register_on_accept(complete_moves_waiting_for)

        from organisations.landing import register_landing_panels

        from .landing import landing_panels

        register_landing_panels(landing_panels)

        from organisations import jobs

        from .imports import run_upload_job

        jobs.register("isf_entries", run_upload_job)
