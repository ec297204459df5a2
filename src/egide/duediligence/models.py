"""Human-rights due diligence: the people who hold posts in the units of the map, the incidents those units and
people are credibly alleged to be responsible for, and the assessments a programme team makes before supporting a
unit.

People and incidents are confidential records like the map's, but **restricted** by default and never public
(egide.duediligence.access decides, whatever a record's level says). Every fact is backed by `Evidence`: a source
of the map's country (egide.actors.models.Source), the page or passage relied on, and how sure the editors are.
Dates are imprecise where sources are (egide.core.fuzzy_dates).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, ConfidentialRecord
from egide.actors.models import Actor, Source
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, PRECISIONS, format_fuzzy
from egide.core.labels import active_language
from egide.core.models import TimestampedModel
from egide.core.reference import country_name
from egide.programmes.models import Programme

PRECISION_CHOICES = [(precision, precision) for precision in PRECISIONS]
CONFIDENCE_CHOICES = taxonomy.choices(taxonomy.CONFIDENCE_LEVELS)


def restricted_by_default() -> models.CharField:
    """The confidentiality of the records of due diligence: restricted unless their owner decides otherwise (and
    never public unless the platform allows it: egide.duediligence.access)."""
    return models.CharField(
        _("confidentiality"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.RESTRICTED
    )


def _in_language(english: str, french: str) -> str:
    return french if active_language() == "fr" and french else english


def _audit_name(record: models.Model) -> str:
    """A record about a person as the audit log names it: its type and id, nothing a person could be found by."""
    return f"{record._meta.verbose_name} #{record.pk}"


class DueDiligenceRecord(TimestampedModel, ConfidentialRecord):
    """What a person and an incident both carry: restricted by default, how sure the editors are, and a version
    that refuses a change made from an older copy."""

    country = models.CharField(_("country"), max_length=2)
    confidentiality = restricted_by_default()
    confidence = models.CharField(_("confidence"), max_length=8, choices=CONFIDENCE_CHOICES, default="medium")
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def confidence_label(self) -> str:
        return taxonomy.CONFIDENCE_BY_CODE[self.confidence].label

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class Person(DueDiligenceRecord):
    """A person who holds or held a post in the security system. `country` is the country whose teams' access rules
    apply (where the person serves); `nationality` is what the sources say of the person."""

    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    notes = models.TextField(_("notes"), blank=True)
    # Every name of the person, folded (lower case, accents and punctuation removed, transliterated to Latin
    # letters where a rule exists), separated by newlines: the search reads it (a trigram index on PostgreSQL).
    search_names = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name, verbose_name_plural = _("person"), _("people")
        ordering = ["id"]
        indexes = [models.Index(fields=["country", "id"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The primary name (the first name recorded when none is marked primary), read from prefetched names when
        the caller prefetched them."""
        names = list(self.names.all())
        primary = [name for name in names if name.kind == NameKind.PRIMARY]
        chosen = (primary or names)[:1]
        return chosen[0].name if chosen else f"#{self.pk}"

    @property
    def born(self) -> str:
        return format_fuzzy(self.birth_date, self.birth_precision)

    @property
    def audit_name(self) -> str:
        """How the audit log names the record: never by the person's name (egide.audit.services)."""
        return _audit_name(self)


class NameKind(models.TextChoices):
    PRIMARY = "primary", _("Primary name")
    SPELLING = "spelling", _("Other spelling")
    TRANSLITERATION = "transliteration", _("Transliteration")
    ALIAS = "alias", _("Alias or nickname")
    FORMER = "former", _("Former name")


class PersonName(models.Model):
    """A name of a person, in any script, as a source writes it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind of name"), max_length=16, choices=NameKind.choices, default=NameKind.SPELLING)
    script = models.CharField(
        _("script or language"), max_length=32, blank=True, help_text=_("For example Latin, Arabic, Cyrillic.")
    )

    class Meta:
        verbose_name, verbose_name_plural = _("name"), _("names")
        ordering = ["person", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="person_name_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_name(self) -> str:
        return _audit_name(self)


class PostRole(models.TextChoices):
    COMMANDER = "commander", _("Commander")
    DEPUTY_COMMANDER = "deputy_commander", _("Deputy commander")
    DIRECTOR = "director", _("Director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
    MINISTER = "minister", _("Minister")
    CHIEF_OF_STAFF = "chief_of_staff", _("Chief of staff")
    HEAD = "head", _("Head")
    OFFICER = "officer", _("Officer")
    OTHER = "other", _("Other role")


COMMAND_ROLES = frozenset({PostRole.COMMANDER, PostRole.DIRECTOR, PostRole.MINISTER, PostRole.HEAD})
"""The roles that command a unit: the risk listing follows a unit's holders of these roles, and the map shows them
as the unit's commander on a date. Deputies and staff are shown on the actor page but do not command."""


class Post(TimestampedModel):
    """A person holding a role in an actor of the map, from one imprecise date to another. A post is read and
    changed with its person, under the person's access rules; `country` is the actor's."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    actor = models.ForeignKey(Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="posts")
    country = models.CharField(_("country"), max_length=2)
    role = models.CharField(_("role"), max_length=24, choices=PostRole.choices)
    title = models.CharField(
        _("title"), max_length=300, blank=True, help_text=_("The post's title as the sources give it.")
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    ongoing = models.BooleanField(_("ongoing"), default=True)
    confidence = models.CharField(_("confidence"), max_length=8, choices=CONFIDENCE_CHOICES, default="medium")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("post"), _("posts")
        ordering = ["start_date", "id"]
        indexes = [
            models.Index(fields=["actor", "role", "start_date"]),
            models.Index(fields=["person", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.actor}"

    @property
    def start(self) -> str:
        return format_fuzzy(self.start_date, self.start_precision)

    @property
    def end(self) -> str:
        return format_fuzzy(self.end_date, self.end_precision)

    @property
    def commands(self) -> bool:
        return self.role in COMMAND_ROLES

    @property
    def audit_name(self) -> str:
        return _audit_name(self)


class Violation(models.TextChoices):
    UNLAWFUL_KILLING = "unlawful_killing", _("Unlawful killing")
    TORTURE = "torture", _("Torture or ill-treatment")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    ENFORCED_DISAPPEARANCE = "enforced_disappearance", _("Enforced disappearance")
    ARBITRARY_DETENTION = "arbitrary_detention", _("Arbitrary detention")
    CHILD_RECRUITMENT = "child_recruitment", _("Recruitment or use of children")
    ATTACK_ON_CIVILIANS = "attack_on_civilians", _("Attack on civilians")
    OTHER = "other", _("Other violation")


class Incident(DueDiligenceRecord):
    """Something that happened, on an imprecise date and at a place, that sources describe as a violation."""

    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    violation = models.CharField(_("type of violation"), max_length=24, choices=Violation.choices)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    occurred_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    region = models.CharField(_("region"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    victims = models.PositiveIntegerField(_("number of victims"), null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("incident"), _("incidents")
        ordering = ["-occurred_on", "id"]
        indexes = [models.Index(fields=["country", "occurred_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_fr)

    @property
    def description(self) -> str:
        return _in_language(self.description_en, self.description_fr)

    @property
    def occurred(self) -> str:
        return format_fuzzy(self.occurred_on, self.occurred_precision)


class ResponsibilityStatus(models.TextChoices):
    ALLEGED = "alleged", _("Alleged")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    PROSECUTED = "prosecuted", _("Prosecuted")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Dismissed")


CLEARED_STATUSES = frozenset({ResponsibilityStatus.ACQUITTED, ResponsibilityStatus.DISMISSED})
"""A link whose status is one of these is listed in a risk assessment (the history matters) but is not a credible
allegation: it raises no alert."""


class Responsibility(TimestampedModel):
    """A unit (an actor of the map) or a person alleged responsible for an incident, with its own sources,
    confidence and status. Read and changed with its incident, under the incident's access rules."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="responsibilities")
    actor = models.ForeignKey(
        Actor, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    status = models.CharField(
        _("status"), max_length=24, choices=ResponsibilityStatus.choices, default=ResponsibilityStatus.ALLEGED
    )
    status_date = models.DateField(_("status since"), null=True, blank=True)
    status_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    confidence = models.CharField(_("confidence"), max_length=8, choices=CONFIDENCE_CHOICES, default="medium")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("alleged responsibility"), _("alleged responsibilities")
        ordering = ["incident", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=False, person__isnull=True) | Q(actor__isnull=True, person__isnull=False),
                name="responsibility_names_one_unit_or_person",
            ),
            models.UniqueConstraint(
                fields=["incident", "actor"], condition=Q(actor__isnull=False), name="responsibility_unit_once"
            ),
            models.UniqueConstraint(
                fields=["incident", "person"], condition=Q(person__isnull=False), name="responsibility_person_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor or self.person} · {self.incident}"

    @property
    def status_since(self) -> str:
        return format_fuzzy(self.status_date, self.status_precision)

    @property
    def credible(self) -> bool:
        return self.status not in CLEARED_STATUSES

    @property
    def audit_name(self) -> str:
        """A link to a person is logged without the person's name (`str` holds it)."""
        return _audit_name(self)


class PersonFact(models.TextChoices):
    """What a piece of evidence on a person backs."""

    IDENTITY = "identity", _("Identity and names")
    BIRTH = "birth", _("Date of birth")
    NATIONALITY = "nationality", _("Nationality")
    OTHER = "other", _("Other fact")


class Evidence(models.Model):
    """A source cited for one fact of due diligence (a person, a post, an incident or an alleged responsibility),
    with the page or passage relied on and how much the editors trust it."""

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    fact = models.CharField(_("fact"), max_length=16, choices=PersonFact.choices, blank=True)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    responsibility = models.ForeignKey(
        Responsibility, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    locator = models.CharField(_("page or passage"), max_length=500, blank=True)
    confidence = models.CharField(_("confidence"), max_length=8, choices=CONFIDENCE_CHOICES, default="medium")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name, verbose_name_plural = _("evidence"), _("evidence")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, post__isnull=True, incident__isnull=True, responsibility__isnull=True)
                    | Q(person__isnull=True, post__isnull=False, incident__isnull=True, responsibility__isnull=True)
                    | Q(person__isnull=True, post__isnull=True, incident__isnull=False, responsibility__isnull=True)
                    | Q(person__isnull=True, post__isnull=True, incident__isnull=True, responsibility__isnull=False)
                ),
                name="evidence_backs_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.locator}".strip()


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Decision(models.TextChoices):
    SUPPORT = "support", _("Support")
    CONDITIONAL = "conditional", _("Support with conditions")
    NO_SUPPORT = "no_support", _("No support")


class DiligenceAssessment(TimestampedModel, ConfidentialRecord):
    """A programme team's assessment of the risk of supporting one unit over a period, and its decision.

    The incidents it weighs are not stored: they are listed, when read, from the unit, its parents (when
    `include_parents`) and its commanders during the period (egide.duediligence.risk). `country` is the unit's.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="diligence_assessments"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("supported unit"), on_delete=models.CASCADE, related_name="diligence_assessments"
    )
    country = models.CharField(_("country"), max_length=2)
    confidentiality = restricted_by_default()
    period_start = models.DateField(_("support from"))
    period_end = models.DateField(_("support until"), null=True, blank=True)
    include_parents = models.BooleanField(
        _("include the parent units"),
        default=True,
        help_text=_("List the incidents alleged against the units above the supported one as well."),
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, blank=True)
    factors = models.TextField(_("risk factors"), blank=True)
    mitigation = models.TextField(_("mitigating measures"), blank=True)
    conditions = models.TextField(_("conditions of support"), blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name, verbose_name_plural = _("due-diligence assessment"), _("due-diligence assessments")
        ordering = ["next_review", "id"]
        indexes = [models.Index(fields=["country", "next_review"]), models.Index(fields=["actor"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="diligence_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} → {self.actor}"

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class AlertKind(models.TextChoices):
    UNIT_INCIDENT = "unit_incident", _("New incident alleged against a supported unit")
    COMMANDER_INCIDENT = "commander_incident", _("New incident alleged against a commander of a supported unit")
    ALLEGED_COMMANDER = "alleged_commander", _("A person with a credible allegation took command of a supported unit")


class Alert(models.Model):
    """Something that changed what an assessment weighs, for its owners to look at: raised once per assessment and
    cause (a responsibility or a post), shown on their dashboard until acknowledged, and sent once in a digest."""

    assessment = models.ForeignKey(DiligenceAssessment, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    responsibility = models.ForeignKey(
        Responsibility, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)
    emailed_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name, verbose_name_plural = _("alert"), _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind", "responsibility"],
                condition=Q(responsibility__isnull=False),
                name="alert_once_per_responsibility",
            ),
            models.UniqueConstraint(
                fields=["assessment", "kind", "post"], condition=Q(post__isnull=False), name="alert_once_per_post"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.assessment}"


class AlertMailing(models.Model):
    """That an alert was e-mailed to one of its readers: the digest mails each reader apart and records it right
    after their mail left, so that a failed mail is tried again the next day without mailing the others twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="mailings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name, verbose_name_plural = _("alert e-mailed"), _("alerts e-mailed")
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="alert_mailed_once_per_user")]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.user_id}"


class DigestRun(models.Model):
    """A daily digest sent by the background worker, one per time slot (the day's EGIDE_DIGEST_HOUR): the first task
    to record its slot sends the digest and schedules the next one; any other task for the same slot (two workers,
    a task enqueued twice) finds it recorded and does nothing (egide.duediligence.digest_schedule)."""

    slot = models.DateTimeField(_("time slot"), unique=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    sent = models.PositiveIntegerField(_("e-mails sent"), default=0)

    class Meta:
        verbose_name, verbose_name_plural = _("digest sent"), _("digests sent")
        ordering = ["-slot"]

    def __str__(self) -> str:
        return self.slot.isoformat()


class ReaderLanguage(models.Model):
    """The language a user last read the due-diligence pages in: their alert digest is written in it (an account
    holds no language of its own; the pages follow the browser or the language chosen in the menu)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name, verbose_name_plural = _("reader's language"), _("readers' languages")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
