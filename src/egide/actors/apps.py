from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "egide.actors"
    label = "actors"
    verbose_name = "Security system map"

    def ready(self) -> None:
        from egide.actors import versions

        versions.connect()
