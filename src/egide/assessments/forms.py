"""The forms of the assessment pages. They collect and convert; the services check and write."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments.frameworks import Scale
from egide.assessments.models import Answer, AnswerState, Confidence, FrameworkVersion, Question
from egide.assessments.services import AnswerData
from egide.core.labels import active_language
from egide.core.reference import countries

ANSWERED = "answered"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, term.label) for code, term in countries().items()), key=lambda item: item[1])


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_("YAML or JSON, in the published format (see its schema)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )


class AnswersImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled questionnaire"),
        help_text=_("The XLSX workbook downloaded from this assessment's page, with its answers filled in."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class AssessmentForm(forms.Form):
    framework_version = forms.ModelChoiceField(queryset=FrameworkVersion.objects.none(), label=_("Framework"))
    country = forms.ChoiceField(label=_("Country"))
    as_of = forms.DateField(label=_("As of"), widget=DATE, help_text=_("The date the assessment describes."))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"))
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.ORGANISATION
    )

    def __init__(self, *args: Any, owners: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
        cast(forms.ModelChoiceField, self.fields["framework_version"]).queryset = versions
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", "—"), *country_choices()]


def _number(value: float) -> str:
    return f"{value:g}"


class AnswerForm(forms.Form):
    """One question's answer: a level (or, on a numeric scale, a value), not applicable where allowed, or
    insufficient evidence; with the justification, the sources and the confidence."""

    answer = forms.ChoiceField(label=_("Answer"))
    value = forms.DecimalField(
        label=_("Value"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6})
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this answer; for “not applicable”, why the question does not apply."),
    )
    source = forms.CharField(
        label=_("Other evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Interviews, visits or documents that are not sources of the map, with where in them; cite the map's "
            "sources below the answer."
        ),
    )
    confidence = forms.ChoiceField(label=_("Confidence"), choices=Confidence.choices, initial=Confidence.MEDIUM)

    def __init__(self, *args: Any, question: Question, scale: Scale, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"q{question.pk}")
        super().__init__(*args, **kwargs)
        self.scale = scale
        language = active_language()
        if scale.kind == "levels":
            choices = [
                (_number(level.value), f"{_number(level.value)} — {level.label.read(language)}")
                for level in scale.levels
            ]
            del self.fields["value"]
        else:
            choices = [(ANSWERED, _("A value from %(minimum)s to %(maximum)s") % _range(scale))]
            cast(forms.DecimalField, self.fields["value"]).help_text = _("From %(minimum)s to %(maximum)s.") % _range(
                scale
            )
        if question.not_applicable_allowed:
            choices.append((AnswerState.NOT_APPLICABLE, str(AnswerState.NOT_APPLICABLE.label)))
        choices.append((AnswerState.INSUFFICIENT_EVIDENCE, str(AnswerState.INSUFFICIENT_EVIDENCE.label)))
        cast(forms.ChoiceField, self.fields["answer"]).choices = [("", "—"), *choices]

    @classmethod
    def of(cls, answer: Answer | None, *, question: Question, scale: Scale) -> "AnswerForm":
        if answer is None:
            return cls(question=question, scale=scale)
        if answer.state != AnswerState.ANSWERED:
            choice = answer.state
        elif scale.kind == "levels" and answer.value is not None:
            choice = _number(float(answer.value))
        else:
            choice = ANSWERED
        return cls(
            question=question,
            scale=scale,
            initial={
                "answer": choice,
                "value": answer.value.normalize() if answer.value is not None else None,
                "justification": answer.justification,
                "source": answer.source,
                "confidence": answer.confidence,
            },
        )

    def data_class(self) -> AnswerData:
        choice = self.cleaned_data["answer"]
        common = {
            "justification": self.cleaned_data["justification"],
            "source": self.cleaned_data["source"],
            "confidence": self.cleaned_data["confidence"],
        }
        if choice in (AnswerState.NOT_APPLICABLE, AnswerState.INSUFFICIENT_EVIDENCE):
            return AnswerData(state=choice, **common)
        value = Decimal(choice) if self.scale.kind == "levels" else self.cleaned_data.get("value")
        return AnswerData(state=AnswerState.ANSWERED, value=value, **common)


def _range(scale: Scale) -> dict[str, str]:
    return {"minimum": _number(scale.minimum), "maximum": _number(scale.maximum)}


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=20_000
    )
