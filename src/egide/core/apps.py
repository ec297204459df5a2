from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "egide.core"
    label = "core"
    verbose_name = "Égide core"
