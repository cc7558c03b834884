from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = "Sound advice: information pages, ways to hold a budget, questions to ask"
