from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from organisations import jobs

        from .imports import run_upload_job

        jobs.register("survey_responses", run_upload_job)
