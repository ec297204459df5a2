from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "egide.actors"
    label = "actors"
    verbose_name = "Security system map"
