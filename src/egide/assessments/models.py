"""Frameworks and the assessments made with them.

A framework is known by its identifier; each version loaded keeps its document whole (the file as JSON) and, as
rows, its sections and questions, which answers point at and which comparisons and heatmaps group by. A version is
never changed once loaded: a new file makes a new version, and assessments keep the version they started on.

An assessment is a confidential record (owner organisation, confidentiality level) of a country, reviewed through
draft → in review → published; a published assessment is frozen, and a correction is a new draft linked to it.

An answer cites the map's sources and the governance findings it rests on (AnswerCitation), each with the passage
relied on; reviewers comment on each question (ReviewComment), editors reply and resolve, and the conversation stays
with the assessment across returns.
"""

from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import ConfidentialRecord
from egide.actors.models import Actor, Source
from egide.core.labels import active_language
from egide.core.models import TimestampedModel
from egide.core.reference import country_name

if TYPE_CHECKING:
    from egide.assessments import frameworks


def _in_language(english: str, french: str) -> str:
    return french if active_language() == "fr" and french else english


class Framework(models.Model):
    """A framework across its versions; its titles are those of the latest version loaded."""

    identifier = models.SlugField(_("identifier"), max_length=100, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name, verbose_name_plural = _("framework"), _("frameworks")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_fr)


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=50)
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    document = models.JSONField(_("document"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name, verbose_name_plural = _("framework version"), _("framework versions")
        ordering = ["framework__identifier", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"], name="framework_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_fr)

    @cached_property
    def definition(self) -> "frameworks.Framework":
        """The framework as the scoring reads it, from the stored document (checked when it was loaded)."""
        # Imported here: its dataclasses and the rules it reads are not made at every command's start (Django's setup).
        from egide.assessments import frameworks

        return frameworks.framework_from_data(self.document)


class Section(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=64)
    order = models.PositiveIntegerField(_("order"))
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    principle = models.CharField(_("principle"), max_length=32, blank=True)
    area = models.CharField(_("area of action"), max_length=32, blank=True)
    weight = models.FloatField(_("weight"), default=1)

    class Meta:
        verbose_name, verbose_name_plural = _("section"), _("sections")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="framework_section_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_fr)


class Question(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=64)
    order = models.PositiveIntegerField(_("order"))
    text_en = models.TextField(_("question (English)"))
    text_fr = models.TextField(_("question (French)"))
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_fr = models.TextField(_("guidance (French)"), blank=True)
    weight = models.FloatField(_("weight"), default=1)
    not_applicable_allowed = models.BooleanField(_("may be not applicable"), default=False)
    families = models.JSONField(_("actor families"), default=list, blank=True)
    kinds = models.JSONField(_("actor kinds"), default=list, blank=True)
    rules = models.JSONField(_("governance rules"), default=list, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("question"), _("questions")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="framework_question_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} — {self.text}"

    @property
    def text(self) -> str:
        return _in_language(self.text_en, self.text_fr)

    @property
    def guidance(self) -> str:
        return _in_language(self.guidance_en, self.guidance_fr)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Assessment(TimestampedModel, ConfidentialRecord):
    """A dated, scored review of a country's security system (or of some of its actors) against a framework."""

    country = models.CharField(_("country"), max_length=2)
    title = models.CharField(_("title"), max_length=300, blank=True)
    framework_version = models.ForeignKey(
        FrameworkVersion, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="assessments"
    )
    as_of = models.DateField(_("as of"))
    actors = models.ManyToManyField(Actor, verbose_name=_("scope"), blank=True, related_name="assessments")
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="assessment_teams"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("assessment"), _("assessments")
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["country", "as_of"]),
            models.Index(fields=["framework_version", "country"]),
            models.Index(fields=["status", "country"]),
        ]

    def __str__(self) -> str:
        name = self.title or f"{self.framework_version.title}, {country_name(self.country)}"
        return f"{name} ({self.as_of.isoformat()})"

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def frozen(self) -> bool:
        return self.status == Status.PUBLISHED


class AnswerState(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", _("Insufficient evidence")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Answer(models.Model):
    """An answer to one question: a value of the scale, or not applicable (with its reason as the justification),
    or insufficient evidence; with its justification, sources and confidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    state = models.CharField(_("answer"), max_length=24, choices=AnswerState.choices, default=AnswerState.ANSWERED)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    source = models.TextField(_("sources and evidence"), blank=True)
    confidence = models.CharField(_("confidence"), max_length=6, choices=Confidence.choices, default=Confidence.MEDIUM)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name, verbose_name_plural = _("answer"), _("answers")
        ordering = ["assessment", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=models.Q(state="answered", value__isnull=False) | ~models.Q(state="answered"),
                name="answer_has_a_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value if self.state == AnswerState.ANSWERED else self.state}"


class AnswerCitation(models.Model):
    """A source of the country's map, or a governance finding, cited for an answer, with the passage relied on.

    A finding is known by its stable key (egide.governance.findings.Finding.key); its rule and its title as the
    citing person read it are kept, so that the citation still reads when the map has changed since."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answer_citations",
    )
    finding_key = models.CharField(_("governance finding"), max_length=500, blank=True)
    finding_rule = models.CharField(_("governance rule"), max_length=64, blank=True)
    finding_title = models.CharField(_("finding as cited"), max_length=500, blank=True)
    locator = models.CharField(_("page, paragraph or passage"), max_length=500, blank=True)
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cited_at = models.DateTimeField(_("cited at"), auto_now_add=True)

    class Meta:
        verbose_name, verbose_name_plural = _("citation of an answer"), _("citations of answers")
        ordering = ["answer", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__isnull=False, finding_key="")
                | (models.Q(source__isnull=True) & ~models.Q(finding_key="")),
                name="answer_citation_cites_one_thing",
            ),
        ]

    def __str__(self) -> str:
        cited = str(self.source) if self.source_id is not None else self.finding_title or self.finding_key
        return f"{cited}, {self.locator}" if self.locator else cited

    @property
    def reference(self) -> str:
        """How the questionnaire names what is cited: S<id> for a source, finding:<key> for a finding."""
        return source_reference(self.source_id) if self.source_id is not None else f"finding:{self.finding_key}"


def source_reference(source_id: int) -> str:
    return f"S{source_id}"


class ReviewComment(models.Model):
    """A reviewer's comment on one question of an assessment (on its answer, or on the question left unanswered),
    or a reply to one (`parent`). Comments are written while the assessment is in review, replied to and resolved
    while it is in draft or in review, and read, frozen, once it is published."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="review_comments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="review_comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("reply to")
    )
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("review comment"), _("review comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["assessment", "question"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None
