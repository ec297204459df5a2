"""What the public portal keeps of its own: the licence each organisation publishes its public records under."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.portal.licences import DEFAULT, Licence


class OpenDataLicence(models.Model):
    """The licence an organisation's public records are published under, in the portal's pages and downloads. An
    organisation without one publishes under `licences.DEFAULT`."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="open_data_licence"
    )
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices, default=DEFAULT)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name, verbose_name_plural = _("open-data licence"), _("open-data licences")

    def __str__(self) -> str:
        return f"{self.organisation.acronym}: {self.licence}"
