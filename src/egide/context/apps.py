from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContextConfig(AppConfig):
    name = "egide.context"
    verbose_name = _("Country context")
    default_auto_field = "django.db.models.BigAutoField"
