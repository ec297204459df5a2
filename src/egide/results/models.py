"""A programme's results framework, as IATI and Akvo RSR shape it: result → indicator → period → update.

Everything here belongs to a programme and is read and changed through it (egide.programmes.selectors): these
records carry no owner or confidentiality of their own. An update is a value reported for a period with its
evidence; it counts in progress and exports only once a reviewer of the programme's owner organisation approved it.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.actors.models import Actor
from egide.assessments.models import Assessment
from egide.assessments.models import Framework as AssessmentFramework
from egide.core import iati_codes, taxonomy
from egide.core.labels import active_language
from egide.core.models import TimestampedModel
from egide.programmes.models import Programme

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as Label
else:
    Label = str

UNIT, PERCENTAGE, QUALITATIVE = (term.code for term in iati_codes.INDICATOR_MEASURES)


def amount_field(label: Label) -> models.DecimalField:
    """A measured or targeted value: up to twelve digits before the point and four after, empty when not given."""
    return models.DecimalField(label, max_digits=16, decimal_places=4, null=True, blank=True)


class Bilingual(models.Model):
    """A title and a description in English and French; pages show the reader's language when it is written."""

    title_en = models.CharField(_("title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_fr if active_language() == "fr" and self.title_fr else self.title_en

    @property
    def description(self) -> str:
        return self.description_fr if active_language() == "fr" and self.description_fr else self.description_en


class Result(TimestampedModel, Bilingual):
    """What the programme means to achieve: an output, an outcome or an impact (IATI's result type)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="results")
    type = models.CharField(
        _("result type"),
        max_length=2,
        choices=taxonomy.choices(iati_codes.RESULT_TYPES),
        default=iati_codes.RESULT_TYPES[0].code,
    )
    order = models.PositiveIntegerField(_("order"), default=1)
    aggregation_status = models.BooleanField(
        _("aggregation status"),
        default=False,
        help_text=_("The result's data may be added up with other activities' (IATI's aggregation status)."),
    )

    class Meta:
        verbose_name, verbose_name_plural = _("result"), _("results")
        ordering = ["programme", "order", "id"]
        indexes = [models.Index(fields=["programme", "order"])]

    @property
    def type_label(self) -> str:
        return iati_codes.RESULT_TYPE_BY_CODE[self.type].label


class Indicator(TimestampedModel, Bilingual):
    """How a result is measured: a count of units, a percentage, or a qualitative judgement; whether higher is
    better (ascending) or lower (descending); where it starts from (the baseline)."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    measure = models.CharField(
        _("measure"), max_length=2, choices=taxonomy.choices(iati_codes.INDICATOR_MEASURES), default=UNIT
    )
    ascending = models.BooleanField(
        _("ascending"), default=True, help_text=_("Higher values are better; untick when lower values are better.")
    )
    baseline_value = amount_field(_("baseline value"))
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_comment = models.TextField(_("baseline comment"), blank=True)
    # An institution of the map that the indicator measures (a court's backlog, a police unit's training).
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("actor of the map"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="result_indicators",
    )
    order = models.PositiveIntegerField(_("order"), default=1)

    class Meta:
        verbose_name, verbose_name_plural = _("indicator"), _("indicators")
        ordering = ["result", "order", "id"]
        indexes = [models.Index(fields=["result", "order"])]

    @property
    def measure_label(self) -> str:
        return iati_codes.INDICATOR_MEASURE_BY_CODE[self.measure].label

    @property
    def qualitative(self) -> bool:
        return self.measure == QUALITATIVE


class Period(TimestampedModel):
    """A span of time with what the indicator should reach by its end (the target)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    target_value = amount_field(_("target value"))
    target_comment = models.TextField(_("target comment"), blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("period"), _("periods")
        ordering = ["indicator", "start", "end", "id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_ends_after_start")]
        indexes = [models.Index(fields=["indicator", "start"])]

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Update(TimestampedModel):
    """A value reported for a period, with its evidence, through the review: draft → submitted → approved, or
    returned with a reason, corrected and submitted again. Only approved updates count."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="updates")
    value = amount_field(_("value"))
    text = models.TextField(_("narrative"), blank=True, help_text=_("What was observed, for a qualitative indicator."))
    value_date = models.DateField(_("date of the value"))
    comment = models.TextField(_("comment and evidence"), blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_document = models.FileField(_("evidence document"), upload_to="results/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("indicator update"), _("indicator updates")
        ordering = ["period", "value_date", "id"]
        indexes = [models.Index(fields=["period", "status"]), models.Index(fields=["status", "period"])]

    def __str__(self) -> str:
        shown = self.text[:60] if self.value is None else f"{self.value.normalize():f}"
        return f"{self.value_date.isoformat()}: {shown}"


class Disaggregation(models.Model):
    """A part of a target or of an update along a dimension (sex, region, unit…): dimension, category, value.
    It belongs to a period (a part of its target) or to an update (a part of the value reported), never both."""

    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.CASCADE, related_name="target_disaggregations"
    )
    update = models.ForeignKey(Update, null=True, blank=True, on_delete=models.CASCADE, related_name="disaggregations")
    dimension = models.CharField(_("dimension"), max_length=100)
    category = models.CharField(_("category"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name, verbose_name_plural = _("disaggregation"), _("disaggregations")
        ordering = ["dimension", "category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__isnull=False, update__isnull=True) | Q(period__isnull=True, update__isnull=False),
                name="disaggregation_of_target_or_update",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} / {self.category}: {self.value.normalize():f}"


class AssessmentSource(TimestampedModel):
    """An indicator that takes its baseline and its periods' actuals from the published assessments of a framework
    in the programme's lead country: the score of one of its sections (by code, across the framework's versions),
    or the overall score when no section is named. The values are derived when the framework is read
    (egide.results.assessment_values), never typed."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="assessment_source")
    framework = models.ForeignKey(
        AssessmentFramework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="+"
    )
    section_code = models.CharField(_("section"), max_length=64, blank=True)
    baseline_assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("baseline assessment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name, verbose_name_plural = _("assessment source"), _("assessment sources")

    def __str__(self) -> str:
        return f"{self.framework_id}:{self.section_code or '*'}"
