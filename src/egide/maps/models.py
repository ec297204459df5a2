"""What a reader chose for the map and keeps from one visit to the next: the layout."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Layout(models.TextChoices):
    """How the map places the actors (egide/map/layout.js)."""

    FORCE = "force", pgettext_lazy("map layout", "Network")
    LAYERED = "layered", pgettext_lazy("map layout", "Layers of authority")
    GROUPED = "grouped", pgettext_lazy("map layout", "Grouped by family")


class MapPreference(models.Model):
    """One user's choices for the map (an anonymous visitor's are kept in the session)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="map_preference", verbose_name=_("user")
    )
    layout = models.CharField(_("layout"), max_length=16, choices=Layout.choices, default=Layout.FORCE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("map preference")
        verbose_name_plural = _("map preferences")

    def __str__(self) -> str:
        return f"Map preference of {self.user.get_username()}"
