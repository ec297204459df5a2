from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "egide.assessments"
    label = "assessments"
    verbose_name = "Assessments"
