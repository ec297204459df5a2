from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "egide.programmes"
    label = "programmes"
    verbose_name = "Programmes"
