from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"

    def ready(self):
        from .batches import BatchImporter, register_batch_importer
        from .imports import check_budgets, import_budgets

        register_batch_importer("budgets", BatchImporter(check=check_budgets, apply=import_budgets))

        from . import blocks

        blocks.register()

        from organisations.landing import register_landing_panels

        from .landing import landing_panels

        register_landing_panels(landing_panels)

        from organisations import jobs

        from .imports import run_upload_job

        jobs.register("budgets", run_upload_job)
