from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "egide.references"
    label = "references"
    verbose_name = "International frameworks, missions and reference documents"
