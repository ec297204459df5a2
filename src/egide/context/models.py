"""Public indicator series per country and year (governance, fragility, conflict, peace), and each load of a
source.

An indicator from a public source is public; an organisation's own series (uploaded as CSV) has its owner and
confidentiality level, read through egide.context.selectors with the rule for global records of
egide.accounts.selectors. A missing value is no row: never a zero.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, ConfidentialRecord
from egide.core.labels import active_language
from egide.core.models import TimestampedModel

UPLOADED = "upload"
"""The `source` of an organisation's own series."""


class Indicator(TimestampedModel, ConfidentialRecord):
    # Indicators hold every country's values: the record itself belongs to no country (see the selectors).
    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    code = models.CharField(_("code"), max_length=80, unique=True)
    source = models.CharField(_("source"), max_length=16, db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    minimum = models.FloatField(_("lowest value of the scale"), null=True, blank=True)
    maximum = models.FloatField(_("highest value of the scale"), null=True, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    unit_fr = models.CharField(_("unit (French)"), max_length=60, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("indicator"), _("indicators")
        ordering = ["source", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if active_language() == "fr" and self.name_fr else self.name_en

    @property
    def unit(self) -> str:
        return self.unit_fr if active_language() == "fr" and self.unit_fr else self.unit_en

    @property
    def is_public_source(self) -> bool:
        return self.source != UPLOADED and self.confidentiality == Confidentiality.PUBLIC


class Observation(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    country = models.CharField(_("country"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name, verbose_name_plural = _("observation"), _("observations")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "country", "year"], name="one_value_per_country_and_year")
        ]
        indexes = [models.Index(fields=["country", "indicator", "year"], name="observation_country")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.country} {self.year}: {self.value:g}"


class SourceLoad(models.Model):
    """One load of a public source's files: what it changed and which of the source's codes named no country."""

    source = models.CharField(_("source"), max_length=16)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    files = models.JSONField(_("files"), default=list)
    created = models.PositiveIntegerField(_("values added"), default=0)
    updated = models.PositiveIntegerField(_("values changed"), default=0)
    deleted = models.PositiveIntegerField(_("values removed"), default=0)
    unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    missing = models.PositiveIntegerField(_("values missing in the source"), default=0)
    unmapped = models.JSONField(_("codes naming no country"), default=list)

    class Meta:
        verbose_name, verbose_name_plural = _("source load"), _("source loads")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.loaded_at:%Y-%m-%d %H:%M}"
