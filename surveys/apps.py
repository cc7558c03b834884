from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from budgets.family_sections import register_family_section
        from organisations import jobs

        from .carer_section import carer_survey_section
        from .imports import run_upload_job

        jobs.register("survey_responses", run_upload_job)
        register_family_section(carer_survey_section)
