from django.apps import AppConfig


class DueDiligenceConfig(AppConfig):
    name = "egide.duediligence"
    label = "duediligence"
    verbose_name = "Due diligence"
