from django.apps import AppConfig


class DueDiligenceConfig(AppConfig):
    name = "egide.duediligence"
    label = "duediligence"
    verbose_name = "Due diligence"

    def ready(self) -> None:
        # Alerts follow every save of a responsibility or a post, whoever writes it (egide.duediligence.alerts).
        from egide.duediligence import alerts, diligence_views
        from egide.programmes.views import OVERVIEW_SECTIONS

        alerts.connect()
        if diligence_views.programme_section not in OVERVIEW_SECTIONS:
            OVERVIEW_SECTIONS.append(diligence_views.programme_section)
