from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "egide.results"
    label = "results"
    verbose_name = "Results frameworks"
