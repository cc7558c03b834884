from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from organisations.landing import register_landing_panels

        from .landing import landing_panels

        register_landing_panels(landing_panels)

        from organisations import jobs

        from .services import run_population_job

        jobs.register("population", run_population_job)
