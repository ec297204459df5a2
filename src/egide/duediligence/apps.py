from django.apps import AppConfig


class DueDiligenceConfig(AppConfig):
    name = "egide.duediligence"
    label = "duediligence"
    verbose_name = "Due diligence"

    def ready(self) -> None:
        # Alerts follow every save of a responsibility or a post, whoever writes it (egide.duediligence.alerts).
        from egide.core.schedules import schedule_register
        from egide.duediligence import alerts
        from egide.programmes.sections import overview_section_register

        alerts.connect()
        overview_section_register("egide.duediligence.diligence_views.programme_section")
        # The daily digest, queued by each worker as it starts if none is (egide.duediligence.digest_schedule).
        schedule_register("egide.duediligence.digest_schedule.digest_schedule")
