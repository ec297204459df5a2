"""Programmes: what partners commit to in a country for years, aligned with the IATI activity standard.

A programme is a confidential record (owner organisation, confidentiality level). Its `country` is the lead
partner country, the one the access rules read (a member limited to some countries sees the programmes led in
them); the recipient countries with their shares are `ProgrammeCountry` rows. Everything a programme holds
(countries, participants, sectors, areas, supported actors, locations, and the money and results that other apps
keep) is read and changed with the programme, under its access rules.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import ConfidentialRecord, Organisation
from egide.actors.models import Actor
from egide.core import iati_codes, taxonomy
from egide.core.labels import active_language
from egide.core.models import TimestampedModel
from egide.core.reference import country_name
from egide.programmes import codes


def percentage_field() -> models.DecimalField:
    """A share in percent (0 to 100, two decimals), empty when the source does not give it."""
    return models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)


class Programme(TimestampedModel, ConfidentialRecord):
    """An SSR programme (an IATI activity): who asked for it, who funds and implements it, where, in which
    sectors and areas, for which institutions of the map, from when to when."""

    country = models.CharField(_("lead country"), max_length=2)
    iati_identifier = models.CharField(
        _("IATI identifier"),
        max_length=150,
        blank=True,
        help_text=_("The reporting organisation's identifier followed by the activity's own (for example FR-3-ABC)."),
    )
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    status = models.CharField(
        _("status"), max_length=2, choices=taxonomy.choices(iati_codes.STATUSES), default=iati_codes.STATUSES[0].code
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    default_currency = models.CharField(_("default currency"), max_length=3, default="EUR")

    # National ownership: who in the partner country asked for the programme, when, and under which reference.
    requested_by = models.ForeignKey(
        Actor,
        verbose_name=_("requested by (institution of the map)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_programmes",
    )
    requested_by_name = models.CharField(_("requested by"), max_length=300, blank=True)
    requested_on = models.DateField(_("request date"), null=True, blank=True)
    request_reference = models.CharField(_("request reference"), max_length=300, blank=True)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=24, choices=taxonomy.choices(codes.LIFECYCLE_STAGES), default="request"
    )
    years_committed = models.PositiveSmallIntegerField(_("years committed"), null=True, blank=True)
    # Demo programmes whose details are invented around the seed's facts say so on every page.
    illustrative = models.BooleanField(_("illustrative"), default=False)
    # Counts the changes saved through the services: a form or an API call made from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    supported_actors = models.ManyToManyField(
        Actor, through="SupportedActor", related_name="supporting_programmes", blank=True
    )

    class Meta:
        verbose_name, verbose_name_plural = _("programme"), _("programmes")
        ordering = ["title_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"], condition=~Q(iati_identifier=""), name="programme_iati_identifier_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["country", "status"]),
            models.Index(fields=["country", "id"]),
            models.Index(fields=["planned_start"]),
            # The list's default order (by title, then id): its first page read from the index at 100,000
            # programmes (35 ms → 4 ms on PostgreSQL, benchmarks/RESULTS.md, timeline).
            models.Index(fields=["title_en", "id"], name="programme_by_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_fr if active_language() == "fr" and self.title_fr else self.title_en

    @property
    def status_label(self) -> str:
        return iati_codes.STATUS_BY_CODE[self.status].label

    @property
    def lifecycle_label(self) -> str:
        return codes.LIFECYCLE_BY_CODE[self.lifecycle_stage].label

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def start(self) -> date | None:
        """The actual start when known, else the planned one (IATI's reading of the activity dates)."""
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date | None:
        return self.actual_end or self.planned_end


class ProgrammeCountry(models.Model):
    """A recipient country of the programme, with its share of the programme in percent where known."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(_("country"), max_length=2)
    percentage = percentage_field()

    class Meta:
        verbose_name, verbose_name_plural = _("recipient country"), _("recipient countries")
        ordering = ["programme", "-percentage", "country"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "country"], name="programme_country_once"),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gte=0, percentage__lte=100),
                name="programme_country_percentage_in_range",
            ),
        ]
        indexes = [models.Index(fields=["country", "programme"])]

    def __str__(self) -> str:
        return country_name(self.country)


class Participation(models.Model):
    """An organisation taking part in the programme in an IATI role (funding, accountable, extending,
    implementing). The organisation is one of the platform's where it has an account, else named as written."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(_("role"), max_length=2, choices=taxonomy.choices(iati_codes.ROLES))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    iati_reference = models.CharField(_("IATI organisation identifier"), max_length=100, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=2, blank=True, choices=taxonomy.choices(iati_codes.ORGANISATION_TYPES)
    )

    class Meta:
        verbose_name, verbose_name_plural = _("participating organisation"), _("participating organisations")
        ordering = ["programme", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(name=""), name="participation_names_an_organisation"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation is not None else self.name

    @property
    def role_label(self) -> str:
        return iati_codes.ROLE_BY_CODE[self.role].label


class ProgrammeSector(models.Model):
    """A sector of the programme in a vocabulary (1: OECD DAC five-digit purpose codes), with its percentage."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(_("vocabulary"), max_length=4, default=iati_codes.DAC_VOCABULARY)
    code = models.CharField(_("sector"), max_length=32)
    percentage = percentage_field()

    class Meta:
        verbose_name, verbose_name_plural = _("sector"), _("sectors")
        ordering = ["programme", "-percentage", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "vocabulary", "code"], name="programme_sector_once"),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gte=0, percentage__lte=100),
                name="programme_sector_percentage_in_range",
            ),
        ]
        indexes = [models.Index(fields=["code", "programme"])]

    def __str__(self) -> str:
        return self.code


class ProgrammeArea(models.Model):
    """An area of action of the seed's taxonomy that the programme works in."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(_("area of action"), max_length=48, choices=taxonomy.choices(taxonomy.AREAS_OF_ACTION))

    class Meta:
        verbose_name, verbose_name_plural = _("area of action"), _("areas of action")
        ordering = ["programme", "area"]
        constraints = [models.UniqueConstraint(fields=["programme", "area"], name="programme_area_once")]
        indexes = [models.Index(fields=["area", "programme"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return taxonomy.AREA_BY_CODE[self.area].label


class SupportedActor(models.Model):
    """An institution of the map that the programme supports, with what the support is."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="supports")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="supports")
    support_en = models.CharField(_("support (English)"), max_length=500, blank=True)
    support_fr = models.CharField(_("support (French)"), max_length=500, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("supported actor"), _("supported actors")
        ordering = ["programme", "actor__name_en"]
        constraints = [models.UniqueConstraint(fields=["programme", "actor"], name="programme_supports_actor_once")]

    def __str__(self) -> str:
        return f"{self.programme} → {self.actor}"


class Location(models.Model):
    """A place where the programme works: a name, its country and region, and coordinates where known."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=300)
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("location"), _("locations")
        ordering = ["programme", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeDocument(TimestampedModel):
    """A document of the programme (an IATI document-link): a link, an uploaded file, or both, read by whoever may
    read the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="documents")
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    category = models.CharField(
        _("category"), max_length=3, choices=taxonomy.choices(codes.DOCUMENT_CATEGORIES), default="A02"
    )
    language = models.CharField(
        _("language"), max_length=2, blank=True, choices=taxonomy.choices(codes.DOCUMENT_LANGUAGES)
    )
    document_date = models.DateField(_("document date"), null=True, blank=True)
    file = models.FileField(_("uploaded file"), upload_to="programmes/%Y/", blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("programme document"), _("programme documents")
        ordering = ["programme", "-document_date", "title_en"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_fr if active_language() == "fr" and self.title_fr else self.title_en

    @property
    def category_label(self) -> str:
        return codes.DOCUMENT_CATEGORY_BY_CODE[self.category].label

    @property
    def language_label(self) -> str:
        term = codes.DOCUMENT_LANGUAGE_BY_CODE.get(self.language)
        return term.label if term else ""
