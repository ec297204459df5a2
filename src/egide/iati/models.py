"""What the platform keeps of IATI beside the programmes: the official codelists, loaded from their files."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodelistEntry(models.Model):
    """One code of one official IATI codelist (Sector, Country, Currency, OrganisationType, ...)."""

    codelist = models.CharField(_("codelist"), max_length=64)
    code = models.CharField(_("code"), max_length=32)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name, verbose_name_plural = _("IATI code"), _("IATI codes")
        ordering = ["codelist", "code"]
        constraints = [models.UniqueConstraint(fields=["codelist", "code"], name="iati_code_once_per_codelist")]

    def __str__(self) -> str:
        return f"{self.codelist} {self.code}"
