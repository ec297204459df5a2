"""The forms of the results tab. They collect and parse; the services check and write."""

from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egide.actors.models import Actor
from egide.assessments.models import Assessment, Section
from egide.assessments.models import Framework as AssessmentFramework
from egide.core import iati_codes
from egide.core.labels import Term
from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData
from egide.results.disaggregations import DisaggregationError, Part, parse, write
from egide.results.models import AssessmentSource, Disaggregation, Indicator, Period, Result, Update
from egide.results.services import SourceData

DISAGGREGATION_HELP = _("One a line: dimension / category = value, for example “sex / female = 12”.")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def labelled(terms: tuple[Term, ...]) -> list[tuple[str, str]]:
    """A form's choices with their labels in the reader's language (read when the form is built)."""
    return [(term.code, term.label) for term in terms]


def _text(
    label: Any, *, required: bool = False, rows: int | None = None, max_length: int | None = None
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget, strip=True)


def _amount(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, max_digits=16, decimal_places=4)


class DisaggregationField(forms.CharField):
    """Disaggregations typed one a line, parsed into parts (egide.results.disaggregations)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=DISAGGREGATION_HELP, **kwargs
        )

    def clean(self, value: Any) -> tuple[Part, ...]:
        text = super().clean(value)
        try:
            return tuple(parse(text or ""))
        except DisaggregationError as error:
            raise ValidationError(str(error)) from None


def parts_text(parts: QuerySet[Disaggregation] | list[Disaggregation]) -> str:
    return write([Part(part.dimension, part.category, part.value) for part in parts])


class ResultForm(forms.Form):
    type = forms.ChoiceField(label=_("Result type"), choices=partial(labelled, iati_codes.RESULT_TYPES))
    title_en = _text(_("Title (English)"), required=True, max_length=500)
    title_fr = _text(_("Title (French)"), max_length=500)
    description_en = _text(_("Description (English)"), rows=3)
    description_fr = _text(_("Description (French)"), rows=3)
    order = forms.IntegerField(label=_("Order"), required=False, min_value=1, max_value=10_000)

    @classmethod
    def of(cls, result: Result) -> dict[str, Any]:
        names = ("type", "title_en", "title_fr", "description_en", "description_fr", "order")
        return {name: getattr(result, name) for name in names}

    def data_object(self) -> ResultData:
        return ResultData(**self.cleaned_data)


class IndicatorForm(forms.Form):
    title_en = _text(_("Title (English)"), required=True, max_length=500)
    title_fr = _text(_("Title (French)"), max_length=500)
    description_en = _text(_("Description (English)"), rows=2)
    description_fr = _text(_("Description (French)"), rows=2)
    measure = forms.ChoiceField(label=_("Measure"), choices=partial(labelled, iati_codes.INDICATOR_MEASURES))
    ascending = forms.TypedChoiceField(
        label=_("Direction"),
        choices=[("1", _("Ascending: higher is better")), ("0", _("Descending: lower is better"))],
        coerce=lambda value: value == "1",
        initial="1",
    )
    baseline_value = _amount(_("Baseline value"))
    baseline_date = forms.DateField(label=_("Baseline date"), required=False, widget=DATE_INPUT)
    baseline_comment = _text(_("Baseline comment"), rows=2)
    actor = forms.ModelChoiceField(
        label=_("Actor of the map"),
        queryset=Actor.objects.none(),
        required=False,
        help_text=_("The institution whose change the indicator measures, if any."),
    )
    order = forms.IntegerField(label=_("Order"), required=False, min_value=1, max_value=10_000)

    def __init__(self, *args: Any, actors: QuerySet[Actor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = actors

    @classmethod
    def of(cls, indicator: Indicator) -> dict[str, Any]:
        names = ("title_en", "title_fr", "description_en", "description_fr", "measure", "baseline_value")
        initial = {name: getattr(indicator, name) for name in names}
        return initial | {
            "ascending": "1" if indicator.ascending else "0",
            "baseline_date": indicator.baseline_date,
            "baseline_comment": indicator.baseline_comment,
            "actor": indicator.actor_id,
            "order": indicator.order,
        }

    def data_object(self) -> IndicatorData:
        data = dict(self.cleaned_data)
        actor = data.pop("actor")
        return IndicatorData(**data, actor_id=actor.pk if actor is not None else None)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Start"), widget=DATE_INPUT)
    end = forms.DateField(label=_("End"), widget=DATE_INPUT)
    target_value = _amount(_("Target value"))
    target_comment = _text(_("Target comment"), rows=2)
    target_disaggregations = DisaggregationField(label=_("Target disaggregations"))

    @classmethod
    def of(cls, period: Period) -> dict[str, Any]:
        return {
            "start": period.start,
            "end": period.end,
            "target_value": period.target_value,
            "target_comment": period.target_comment,
            "target_disaggregations": parts_text(list(period.target_disaggregations.all())),
        }

    def data_object(self) -> PeriodData:
        return PeriodData(**self.cleaned_data)


class UpdateForm(forms.Form):
    value = _amount(_("Value"))
    text = _text(_("Narrative"), rows=3)
    value_date = forms.DateField(label=_("Date of the value"), widget=DATE_INPUT)
    comment = _text(_("Comment and evidence"), rows=3)
    evidence_link = forms.CharField(label=_("Evidence link"), required=False, max_length=500)
    evidence_document = forms.FileField(
        label=_("Evidence document"), required=False, help_text=_("PDF, office document or image, at most 20 MB.")
    )
    disaggregations = DisaggregationField(label=_("Disaggregations"))

    def __init__(self, *args: Any, qualitative: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A qualitative indicator is reported in words; the others in numbers.
        del self.fields["value" if qualitative else "text"]
        if qualitative:
            del self.fields["disaggregations"]

    @classmethod
    def of(cls, update: Update) -> dict[str, Any]:
        return {
            "value": update.value,
            "text": update.text,
            "value_date": update.value_date,
            "comment": update.comment,
            "evidence_link": update.evidence_link,
            "disaggregations": parts_text(list(update.disaggregations.all())),
        }

    def data_object(self) -> UpdateData:
        data = {name: value for name, value in self.cleaned_data.items() if name != "evidence_document"}
        return UpdateData(**data)


class ReturnForm(forms.Form):
    reason = _text(_("Why is it returned?"), required=True, rows=3)


class AssessmentSourceForm(forms.Form):
    """Which assessment score an indicator takes its baseline and actuals from: a framework's section, or its
    overall score, in the programme's country; and the assessment that gives the baseline, when not the latest on
    or before the baseline date."""

    score = forms.ChoiceField(
        label=_("Score"),
        help_text=_("A section's score, or the framework's overall score, in the programme's lead country."),
    )
    baseline_assessment = forms.ModelChoiceField(
        label=_("Baseline assessment"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("The latest published on or before the baseline date"),
    )

    def __init__(
        self,
        *args: Any,
        frameworks: list[tuple[AssessmentFramework, list[Section]]],
        assessments: QuerySet[Assessment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.frameworks = {framework.pk: framework for framework, _sections in frameworks}
        choices: list[tuple[str, Any]] = []
        for framework, sections in frameworks:
            options: list[tuple[str, Any]] = [(f"{framework.pk}:", _("Overall score"))]
            options += [(f"{framework.pk}:{section.code}", str(section)) for section in sections]
            choices.append((framework.title, options))
        score = self.fields["score"]
        assert isinstance(score, forms.ChoiceField)
        score.choices = choices
        baseline = self.fields["baseline_assessment"]
        assert isinstance(baseline, forms.ModelChoiceField)
        baseline.queryset = assessments

    @classmethod
    def of(cls, source: AssessmentSource | None) -> dict[str, Any]:
        if source is None:
            return {}
        return {
            "score": f"{source.framework_id}:{source.section_code}",
            "baseline_assessment": source.baseline_assessment_id,
        }

    def data_object(self) -> SourceData:
        framework_id, _colon, code = self.cleaned_data["score"].partition(":")
        return SourceData(
            framework=self.frameworks[int(framework_id)],
            section_code=code,
            baseline_assessment=self.cleaned_data["baseline_assessment"],
        )
