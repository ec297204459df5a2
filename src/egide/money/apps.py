from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "egide.money"
    label = "money"
    verbose_name = "Money"

    def ready(self) -> None:
        from egide.money import signals

        signals.connect()
