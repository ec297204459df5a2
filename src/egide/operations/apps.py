from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "egide.operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from egide.operations import task_signals  # noqa: F401 - connects the background tasks' log and metrics
