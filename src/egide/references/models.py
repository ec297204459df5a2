"""International frameworks, missions and the reference documents that set or frame them.

Each record has an owner organisation and a confidentiality level, read through egide.accounts.selectors like the
map. `country` is the country whose teams' access rules apply; it is empty for a global record (a framework, a
resolution on security sector reform in general), which egide.references.selectors reads with the rule written
there.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import ConfidentialRecord, Organisation
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, PRECISIONS, format_fuzzy
from egide.core.labels import active_language
from egide.core.models import TimestampedModel
from egide.core.reference import country_name
from egide.references.fields import SearchVectorField

PRECISION_CHOICES = [(precision, precision) for precision in PRECISIONS]


def _in_language(english: str, french: str) -> str:
    return french if active_language() == "fr" and french else english


class Framework(TimestampedModel, ConfidentialRecord):
    """A body or policy that frames security sector reform: a UN doctrine, the EU's concept, the OECD DAC's
    guidelines."""

    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("A short identifier used in links and files (for example EU-SSR-CONCEPT)."),
    )
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=300, blank=True)
    adopted_date = models.DateField(_("adopted"), null=True, blank=True)
    adopted_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    ended_date = models.DateField(_("ended"), null=True, blank=True)
    ended_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    links = models.JSONField(_("references (links)"), default=list, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("framework"), _("frameworks")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_fr)

    @property
    def description(self) -> str:
        return _in_language(self.description_en, self.description_fr)

    @property
    def adopted(self) -> str:
        return format_fuzzy(self.adopted_date, self.adopted_precision)

    @property
    def ended(self) -> str:
        return format_fuzzy(self.ended_date, self.ended_precision)


class DocumentType(models.TextChoices):
    RESOLUTION = "resolution", _("Security Council resolution")
    PRESIDENTIAL_STATEMENT = "presidential_statement", _("Presidential statement")
    SECRETARY_GENERAL_REPORT = "secretary_general_report", _("Secretary-General report")
    NATIONAL_STATEMENT = "national_statement", _("National statement")
    GUIDANCE = "guidance", _("Handbook or guidance")
    DEBATE = "debate", _("Debate record")
    OTHER = "other", _("Other document")


LANGUAGES = {
    "en": _("English"),
    "fr": _("French"),
    "es": _("Spanish"),
    "ar": _("Arabic"),
    "ru": _("Russian"),
    "zh": _("Chinese"),
    "pt": _("Portuguese"),
}


class ReferenceDocument(TimestampedModel, ConfidentialRecord):
    """A resolution, statement, report or handbook, with its link and, optionally, the file itself."""

    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    type = models.CharField(_("type"), max_length=32, choices=DocumentType.choices)
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    symbol = models.CharField(_("symbol"), max_length=100, blank=True, help_text=_("For example S/RES/2151 (2014)."))
    issued_date = models.DateField(_("date"), null=True, blank=True)
    issued_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    issuing_body = models.CharField(_("issuing body"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(_("file (PDF)"), upload_to="references/%Y/", blank=True)
    # The uploaded file's text, for the full-text search only (egide.references.pdf_text).
    file_text = models.TextField(blank=True, editable=False)
    # PostgreSQL's stored search vectors (egide.references.search): every text, the uploaded file's included,
    # GIN-indexed by a migration, which finds the documents; and the same without the file's text, small, which
    # ranks them. Unused on SQLite, whose search reads an FTS5 table kept beside this one.
    search_vector = SearchVectorField(null=True, editable=False)
    rank_vector = SearchVectorField(null=True, editable=False)
    programmes = models.ManyToManyField(
        "programmes.Programme", verbose_name=_("programmes"), blank=True, related_name="reference_documents"
    )

    class Meta:
        verbose_name, verbose_name_plural = _("reference document"), _("reference documents")
        ordering = ["-issued_date", "title_en"]
        indexes = [models.Index(fields=["issued_date"]), models.Index(fields=["type", "issued_date"])]

    def __str__(self) -> str:
        return f"{self.symbol} — {self.title}" if self.symbol else self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_fr)

    @property
    def summary(self) -> str:
        return _in_language(self.summary_en, self.summary_fr)

    @property
    def issued(self) -> str:
        return format_fuzzy(self.issued_date, self.issued_precision)

    @property
    def country_codes(self) -> list[str]:
        return [link.country for link in self.country_links.all()]

    @property
    def language_labels(self) -> list[str]:
        return [str(LANGUAGES.get(code, code)) for code in self.languages]


class ReferenceDocumentCountry(models.Model):
    """A country a document concerns (a document may concern several, or none: a global text)."""

    document = models.ForeignKey(ReferenceDocument, on_delete=models.CASCADE, related_name="country_links")
    country = models.CharField(_("country"), max_length=2)

    class Meta:
        ordering = ["country"]
        constraints = [models.UniqueConstraint(fields=["document", "country"], name="reference_country_once")]
        indexes = [models.Index(fields=["country", "document"])]

    def __str__(self) -> str:
        return self.country

    @property
    def name(self) -> str:
        return country_name(self.country)


class MissionKind(models.TextChoices):
    UN_PEACE_OPERATION = "un_peace_operation", _("UN peace operation")
    UN_POLITICAL_MISSION = "un_political_mission", _("UN political mission")
    EU_CSDP_CIVILIAN = "eu_csdp_civilian", _("EU CSDP civilian mission")
    EU_CSDP_MILITARY = "eu_csdp_military", _("EU CSDP military mission")
    BILATERAL = "bilateral", _("Bilateral mission")
    OTHER = "other", _("Other mission")


class Mission(TimestampedModel, ConfidentialRecord):
    """A peace operation, political mission, CSDP mission or bilateral mission in one country."""

    country = models.CharField(_("country"), max_length=2)
    kind = models.CharField(_("kind"), max_length=24, choices=MissionKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    acronym_en = models.CharField(_("acronym (English)"), max_length=32, blank=True)
    acronym_fr = models.CharField(_("acronym (French)"), max_length=32, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_missions",
    )
    lead_body = models.CharField(_("lead body"), max_length=300, blank=True)
    areas = models.JSONField(_("areas of action of the mandate"), default=list, blank=True)
    tasks_en = models.TextField(_("SSR tasks of the mandate (English)"), blank=True)
    tasks_fr = models.TextField(_("SSR tasks of the mandate (French)"), blank=True)
    documents = models.ManyToManyField(
        ReferenceDocument, verbose_name=_("documents that set it"), blank=True, related_name="missions"
    )
    programmes = models.ManyToManyField(
        "programmes.Programme", verbose_name=_("programmes"), blank=True, related_name="missions"
    )

    class Meta:
        verbose_name, verbose_name_plural = _("mission"), _("missions")
        ordering = ["-start_date", "name_en"]
        indexes = [models.Index(fields=["country", "start_date"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_en, self.name_fr)

    @property
    def acronym(self) -> str:
        return _in_language(self.acronym_en, self.acronym_fr)

    @property
    def tasks(self) -> str:
        return _in_language(self.tasks_en, self.tasks_fr)

    @property
    def start(self) -> str:
        return format_fuzzy(self.start_date, self.start_precision)

    @property
    def end(self) -> str:
        return format_fuzzy(self.end_date, self.end_precision)

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def lead(self) -> str:
        if self.lead_organisation is not None:
            return self.lead_organisation.acronym
        return self.lead_body

    @property
    def area_labels(self) -> list[str]:
        return [str(taxonomy.AREA_BY_CODE[code].label) for code in self.areas if code in taxonomy.AREA_BY_CODE]
