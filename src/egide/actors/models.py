"""The security system map: actors, the relationships between them, and the sources that back both."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import ConfidentialRecord, Organisation
from egide.actors import fields
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, PRECISIONS, format_fuzzy
from egide.core.labels import active_language
from egide.core.models import TimestampedModel
from egide.core.reference import country_name

PRECISION_CHOICES = [(precision, precision) for precision in PRECISIONS]


class Source(TimestampedModel):
    """A document a fact relies on: a constitution, a law, a decree, a published report."""

    country = models.CharField(_("country"), max_length=2, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    author = models.CharField(_("publisher or author"), max_length=300, blank=True)
    published_on = models.DateField(_("date"), null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.FileField(_("document"), upload_to="sources/%Y/", blank=True)
    # Described as evidence about a person (egide.duediligence): its title or link may name them, so the audit log
    # names it by its id only, and erasing the last person whose evidence cites it erases it too.
    about_person = models.BooleanField(_("about a person"), default=False, db_default=False, editable=False)

    class Meta:
        verbose_name, verbose_name_plural = _("source"), _("sources")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["country", "title", "url"], name="source_unique_per_country"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def published(self) -> str:
        return format_fuzzy(self.published_on, self.published_precision)

    @property
    def audit_name(self) -> str | None:
        """How the audit log names a source about a person: its type and id (None: by its title, as usual)."""
        return f"{self._meta.verbose_name} #{self.pk}" if self.about_person else None


class MapRecord(TimestampedModel, ConfidentialRecord):
    """What actors and relationships both carry: how sure the editors are, notes in English and French, and a
    version."""

    confidence = models.CharField(
        _("confidence"), max_length=8, choices=taxonomy.choices(taxonomy.CONFIDENCE_LEVELS), default="medium"
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_fr = models.TextField(_("notes (French)"), blank=True)
    # Counts the changes saved through the services: a form or an API call made from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def confidence_label(self) -> str:
        return taxonomy.CONFIDENCE_BY_CODE[self.confidence].label


class Actor(MapRecord):
    """An institution of a country's security system."""

    country = models.CharField(_("country"), max_length=2)
    reference = models.CharField(
        _("reference"),
        max_length=64,
        help_text=_("A short identifier, unique in the country, used in files and links (for example FACA)."),
    )
    family = models.CharField(_("family"), max_length=32, choices=taxonomy.choices(taxonomy.FAMILIES))
    kind = models.CharField(_("kind"), max_length=48, choices=taxonomy.choices(taxonomy.KINDS))
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    acronym_en = models.CharField(_("acronym (English)"), max_length=32, blank=True)
    acronym_fr = models.CharField(_("acronym (French)"), max_length=32, blank=True)
    # How French sentences name the actor (the governance findings): its article, or "unknown" for none given.
    article_fr = models.CharField(
        _("article in French"), max_length=8, default="unknown", choices=fields.ACTOR["article_fr"].choices
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    mandate_text = models.TextField(_("legal mandate"), blank=True)
    mandate_text_fr = models.TextField(_("legal mandate (French)"), blank=True)
    mandate_reference = models.CharField(_("mandate reference"), max_length=500, blank=True)
    statutory = models.BooleanField(_("statutory"), default=True)
    legitimacy_disputed = models.BooleanField(_("legitimacy disputed"), default=False)

    class Meta:
        verbose_name, verbose_name_plural = _("actor"), _("actors")
        ordering = ["name_en"]
        constraints = [
            models.UniqueConstraint(fields=["country", "reference"], name="actor_reference_unique_per_country"),
        ]
        # (country, id): the map reads a country's actors in order of id, a batch after another (the map's API).
        indexes = [models.Index(fields=["country", "family"]), models.Index(fields=["country", "id"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if active_language() == "fr" and self.name_fr else self.name_en

    @property
    def acronym(self) -> str:
        return (self.acronym_fr if active_language() == "fr" and self.acronym_fr else self.acronym_en) or ""

    @property
    def family_label(self) -> str:
        return taxonomy.FAMILY_BY_CODE[self.family].label

    @property
    def kind_label(self) -> str:
        return taxonomy.KIND_BY_CODE[self.kind].label

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class Relationship(MapRecord):
    """A typed, dated edge between two actors of the same country."""

    country = models.CharField(_("country"), max_length=2)
    source = models.ForeignKey(Actor, verbose_name=_("from"), on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Actor, verbose_name=_("to"), on_delete=models.CASCADE, related_name="incoming")
    type = models.CharField(_("type"), max_length=24, choices=taxonomy.choices(taxonomy.RELATIONSHIP_TYPES))
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    legal_basis_fr = models.CharField(_("legal basis (French)"), max_length=500, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    ongoing = models.BooleanField(_("ongoing"), default=True)
    strength = models.CharField(
        _("strength"), max_length=8, choices=taxonomy.choices(taxonomy.STRENGTHS), default="moderate"
    )

    class Meta:
        verbose_name, verbose_name_plural = _("relationship"), _("relationships")
        ordering = ["source__name_en", "type"]
        indexes = [
            models.Index(fields=["country", "type"]),
            models.Index(fields=["country", "id"]),  # the map reads them in order of id, as it does actors
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="relationship_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.type_label} {self.target}"

    @property
    def type_label(self) -> str:
        return taxonomy.RELATIONSHIP_TYPE_BY_CODE[self.type].label

    @property
    def strength_label(self) -> str:
        return taxonomy.STRENGTH_BY_CODE[self.strength].label

    @property
    def start(self) -> str:
        return format_fuzzy(self.start_date, self.start_precision)

    @property
    def end(self) -> str:
        return format_fuzzy(self.end_date, self.end_precision)


class Citation(models.Model):
    """A source cited for one actor or one relationship, with the page or passage relied on."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations")
    actor = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    relationship = models.ForeignKey(
        Relationship, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    locator = models.CharField(_("page or passage"), max_length=500, blank=True)
    locator_fr = models.CharField(_("page or passage (French)"), max_length=500, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("citation"), _("citations")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=False, relationship__isnull=True)
                | Q(actor__isnull=True, relationship__isnull=False),
                name="citation_cites_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.locator}".strip()


class MapVersion(models.Model):
    """The version of a country's map, as what is computed from it (the governance findings) is cached under.

    `token` is random and replaced, in the same transaction, by every write that changes what a reader of the map
    may see or what the governance rules read (egide.actors.versions): a cached answer keyed by an old token is
    never read again, and no two databases (or test runs) ever share a token.
    """

    country = models.CharField(_("country"), max_length=2, unique=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name, verbose_name_plural = _("map version"), _("map versions")

    def __str__(self) -> str:
        return f"{self.country} {self.token}"
