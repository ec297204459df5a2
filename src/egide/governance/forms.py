"""Forms of the governance pages: the filters and dates of the findings, a decision on a finding, a rule's
parameters. They only collect and check input; the selectors read and the services write."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egide.core import taxonomy
from egide.core.labels import active_language
from egide.governance.models import DecisionStatus
from egide.governance.rules import RULES, Parameter, Rule

SEVERITIES = (
    ("high", pgettext_lazy("severity", "High")),
    ("medium", pgettext_lazy("severity", "Medium")),
    ("low", pgettext_lazy("severity", "Low")),
)
OPEN = "open"
STATUSES = (
    (OPEN, pgettext_lazy("finding", "Open")),
    (DecisionStatus.ACKNOWLEDGED, DecisionStatus.ACKNOWLEDGED.label),
    (DecisionStatus.FALSE_POSITIVE, DecisionStatus.FALSE_POSITIVE.label),
)


def rule_title(rule: Rule) -> str:
    return rule.title_fr if active_language() == "fr" else rule.title_en


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February that has no match)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FindingFilterForm(forms.Form):
    """The Governance tab's filters; every field may be left empty (the date then means today)."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"])
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    principle = forms.ChoiceField(label=_("Principle"), required=False)
    area = forms.ChoiceField(label=_("Area of action"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields
        choice["severity"].choices = [("", _("All severities")), *SEVERITIES]  # type: ignore[attr-defined]
        choice["principle"].choices = [  # type: ignore[attr-defined]
            ("", _("All principles")),
            *[(term.code, term.label) for term in taxonomy.PRINCIPLES],
        ]
        choice["area"].choices = [  # type: ignore[attr-defined]
            ("", _("All areas of action")),
            *[(term.code, term.label) for term in taxonomy.AREAS_OF_ACTION],
        ]
        choice["status"].choices = [("", _("All statuses")), *STATUSES]  # type: ignore[attr-defined]
        choice["rule"].choices = [("", _("All rules")), *[(rule.code, rule_title(rule)) for rule in RULES]]  # type: ignore[attr-defined]

    def value(self, name: str) -> Any:
        """The cleaned value; empty when the field is invalid (the other filters still apply)."""
        self.is_valid()
        return self.cleaned_data.get(name) or None  # the form is always bound


class ComparisonForm(forms.Form):
    """Two dates, sent as `from` and `to` (names a Python class cannot declare)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("first of two dates", "From"), widget=DateInput(), input_formats=["%Y-%m-%d"]
        )
        self.fields["to"] = forms.DateField(
            label=pgettext_lazy("second of two dates", "To"), widget=DateInput(), input_formats=["%Y-%m-%d"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        earlier, later = data.get("from"), data.get("to")
        if earlier and later and earlier > later:
            self.add_error("to", _("Choose a date after the first one."))
        return data


class DecisionForm(forms.Form):
    """Acknowledge a finding, or mark it as a false positive; the finding is named by its key."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=500)
    as_of = forms.DateField(required=False, widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    status = forms.ChoiceField(label=_("Decision"), choices=DecisionStatus.choices)
    comment = forms.CharField(
        label=_("Comment, or the reason why it is a false positive"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


class BulkDecisionForm(forms.Form):
    """The same decision, with one comment, on the findings ticked on the page (sent as repeated `key`)."""

    key = forms.MultipleChoiceField(required=False)  # the choices are the findings the reader may see
    as_of = forms.DateField(required=False, widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    status = forms.ChoiceField(label=_("Decision"), choices=DecisionStatus.choices)
    comment = forms.CharField(
        label=_("Comment for every finding chosen (required for false positives: say why)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def __init__(self, *args: Any, keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, key) for key in keys]  # type: ignore[attr-defined]
        self.fields["key"].error_messages["invalid_choice"] = _(
            "One of the findings chosen is not on the map you may see on this date: reload the page and choose again."
        )


class ReopenForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=500)
    as_of = forms.DateField(required=False, widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])


def parameter_kind(parameter: Parameter) -> str:
    """What a parameter lists: "boolean", "types" (relationship types), "families" or "kinds" (of actors)."""
    if isinstance(parameter.default, bool):
        return "boolean"
    if parameter.name.endswith("_types"):
        return "types"
    if parameter.name.endswith("_families"):
        return "families"
    return "kinds"


def parameter_choices(kind: str) -> list[Any]:
    if kind == "types":
        return [(term.code, term.label) for term in taxonomy.RELATIONSHIP_TYPES]
    if kind == "families":
        return [(term.code, term.label) for term in taxonomy.FAMILIES]
    return [
        (family.label, [(term.code, term.label) for term in taxonomy.KINDS if term.family == family.code])
        for family in taxonomy.FAMILIES
    ]


def parameter_label(parameter: Parameter) -> str:
    return parameter.label_fr if active_language() == "fr" else parameter.label_en


class RuleSettingForm(forms.Form):
    """A rule's parameters for a country: lists of codes and flags, all as check boxes."""

    def __init__(self, *args: Any, rule: Rule, values: dict[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", rule.code)
        super().__init__(*args, **kwargs)
        self.rule = rule
        for parameter in rule.parameters:
            kind = parameter_kind(parameter)
            field: forms.Field
            if kind == "boolean":
                field = forms.BooleanField(label=parameter_label(parameter), required=False)
            else:
                field = forms.MultipleChoiceField(
                    label=parameter_label(parameter),
                    required=False,
                    choices=parameter_choices(kind),
                    # Drawn as groups of check boxes by the template (governance/_rule.html), never a list that
                    # needs Ctrl-click.
                    widget=forms.CheckboxSelectMultiple,
                )
            field.initial = values.get(parameter.name)
            self.fields[parameter.name] = field

    def parameters(self) -> dict[str, Any]:
        return {parameter.name: self.cleaned_data[parameter.name] for parameter in self.rule.parameters}
