from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from budgets.family_sections import register_family_section
        from organisations import jobs

        from .carer_section import carer_survey_section
        from .imports import run_upload_job

        jobs.register("survey_responses", run_upload_job)

        from providers.sections import register_compare_row, register_detail_section

        from .by_provider import provider_results_compare_row, provider_results_section

        register_detail_section(provider_results_section)
        register_compare_row(provider_results_compare_row)
        register_family_section(carer_survey_section)
