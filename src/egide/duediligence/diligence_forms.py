"""The forms of due-diligence assessments: opening or changing one, and recording its decision. They collect and
check types; the services decide (egide.duediligence.diligence_services)."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.duediligence.access import allowed_levels
from egide.duediligence.diligence_services import DecisionData, DiligenceData
from egide.duediligence.levels import DEFAULT_LEVEL, LEVELS_HELP
from egide.duediligence.models import Decision, RiskLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class DiligenceForm(forms.Form):
    period_start = forms.DateField(label=_("Support from"), widget=DATE)
    period_end = forms.DateField(label=_("Support until"), widget=DATE, required=False)
    include_parents = forms.BooleanField(
        label=_("Include the parent units"),
        required=False,
        initial=True,
        help_text=_("List the incidents alleged against the units above the supported one and their commanders too."),
    )
    owner = forms.ModelChoiceField(label=_("Owner organisation"), queryset=Organisation.objects.none())
    confidentiality = forms.ChoiceField(label=_("Who may read it"), initial=DEFAULT_LEVEL, help_text=LEVELS_HELP)
    risk_level = forms.ChoiceField(label=_("Risk level"), required=False)
    factors = forms.CharField(label=_("Risk factors"), widget=TEXT, required=False, max_length=20_000)
    mitigation = forms.CharField(label=_("Mitigating measures"), widget=TEXT, required=False, max_length=20_000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
        cast(forms.ChoiceField, self.fields["confidentiality"]).choices = [
            (level.value, level.label) for level in allowed_levels()
        ]
        cast(forms.ChoiceField, self.fields["risk_level"]).choices = [("", "—"), *RiskLevel.choices]

    def to_data(self) -> DiligenceData:
        data = self.cleaned_data
        return DiligenceData(
            period_start=data["period_start"],
            period_end=data["period_end"],
            include_parents=data["include_parents"],
            owner=data["owner"],
            confidentiality=data["confidentiality"],
            risk_level=data["risk_level"],
            factors=data["factors"],
            mitigation=data["mitigation"],
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    conditions = forms.CharField(
        label=_("Conditions of support"),
        widget=TEXT,
        required=False,
        max_length=20_000,
        help_text=_("Required for a support with conditions."),
    )
    next_review = forms.DateField(label=_("Next review"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def to_data(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(
            decision=data["decision"],
            risk_level=data["risk_level"],
            next_review=data["next_review"],
            conditions=data["conditions"],
        )
