from django.apps import AppConfig


class IatiConfig(AppConfig):
    name = "egide.iati"
    label = "iati"
    verbose_name = "IATI"
