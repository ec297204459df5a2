"""Forms of the incidents' pages. They collect and tidy input into the services' data; the services decide what
is valid (and say so by field)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.actors.data import CitationData
from egide.actors.forms import DATE_HELP, FuzzyDateField
from egide.actors.models import Actor, Source
from egide.core import taxonomy
from egide.core.fuzzy_dates import format_fuzzy
from egide.duediligence.access import allowed_levels
from egide.duediligence.incident_services import EvidenceData, IncidentData, ResponsibilityData
from egide.duediligence.levels import DEFAULT_LEVEL, LEVELS_HELP
from egide.duediligence.models import Incident, Person, Responsibility, ResponsibilityStatus, Violation


def _confidence_choices() -> list[tuple[str, str]]:
    return [(term.code, term.label) for term in taxonomy.CONFIDENCE_LEVELS]


class IncidentForm(forms.Form):
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=300, required=False)
    violation = forms.ChoiceField(label=_("Type of violation"), choices=Violation.choices)
    occurred = FuzzyDateField(label=_("Date"), required=False, help_text=DATE_HELP)
    region = forms.CharField(label=_("Region"), max_length=300, required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, help_text=_("In decimal degrees, from -90 (south) to 90 (north).")
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, help_text=_("In decimal degrees, from -180 (west) to 180 (east).")
    )
    victims = forms.IntegerField(
        label=_("Number of victims"), required=False, help_text=_("Leave empty when it is not known.")
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    description_fr = forms.CharField(
        label=_("Description in French"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    confidence = forms.ChoiceField(label=_("Confidence"), initial="medium")
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"))
    confidentiality = forms.ChoiceField(label=_("Who may read it"), initial=DEFAULT_LEVEL, help_text=LEVELS_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, owners: QuerySet[Organisation], incident: Incident | None = None, **kwargs: Any):
        if incident is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(incident, name) for name in IncidentData.__dataclass_fields__ if name != "occurred"},
                "occurred": incident.occurred,
                "owner": incident.owner_id,
                "version": incident.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["confidence"].choices = _confidence_choices()  # type: ignore[attr-defined]
        self.fields["confidentiality"].choices = [(level.value, level.label) for level in allowed_levels()]  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        if incident is None and owners.count() == 1:
            self.initial.setdefault("owner", owners.first())

    def data_for_service(self) -> IncidentData:
        values = self.cleaned_data
        return IncidentData(
            title_en=values["title_en"],
            title_fr=values["title_fr"],
            description_en=values["description_en"],
            description_fr=values["description_fr"],
            violation=values["violation"],
            occurred=values["occurred"],
            region=values["region"],
            place=values["place"],
            latitude=values["latitude"],
            longitude=values["longitude"],
            victims=values["victims"],
            confidence=values["confidence"],
            confidentiality=values["confidentiality"],
            owner=values["owner"],
        )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.display_name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Actor) -> str:
        return f"{obj.name} ({obj.acronym})" if obj.acronym else obj.name


class ResponsibilityForm(forms.Form):
    actor = UnitChoiceField(queryset=Actor.objects.none(), label=_("Unit"), required=False)
    person = PersonChoiceField(queryset=Person.objects.none(), label=_("Person"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ResponsibilityStatus.choices)
    status_since = FuzzyDateField(label=_("Status since"), required=False, help_text=DATE_HELP)
    confidence = forms.ChoiceField(label=_("Confidence"), initial="medium")
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Actor],
        people: QuerySet[Person],
        responsibility: Responsibility | None = None,
        **kwargs: Any,
    ):
        if responsibility is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "actor": responsibility.actor_id,
                "person": responsibility.person_id,
                "status": responsibility.status,
                "status_since": format_fuzzy(responsibility.status_date, responsibility.status_precision),
                "confidence": responsibility.confidence,
                "notes": responsibility.notes,
            }
        super().__init__(*args, **kwargs)
        self.fields["confidence"].choices = _confidence_choices()  # type: ignore[attr-defined]
        self.fields["actor"].queryset = units  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def data_for_service(self) -> ResponsibilityData:
        values = self.cleaned_data
        return ResponsibilityData(
            actor=values["actor"],
            person=values["person"],
            status=values["status"],
            status_since=values["status_since"],
            confidence=values["confidence"],
            notes=values["notes"],
        )


class EvidenceForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), label=_("A source already recorded"), required=False
    )
    source_title = forms.CharField(label=_("Or a new source: its title"), max_length=500, required=False)
    source_author = forms.CharField(label=_("Publisher or author"), max_length=300, required=False)
    source_date = FuzzyDateField(label=_("Date of the source"), required=False, help_text=DATE_HELP)
    source_url = forms.URLField(label=_("Link"), max_length=1000, required=False, assume_scheme="https")
    locator = forms.CharField(label=_("Page or passage"), max_length=500, required=False)
    confidence = forms.ChoiceField(label=_("Confidence"), initial="medium")

    def __init__(self, *args: Any, sources: QuerySet[Source], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["confidence"].choices = _confidence_choices()  # type: ignore[attr-defined]
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]

    def data_for_service(self) -> EvidenceData:
        values = self.cleaned_data
        new = None
        if values["source_title"].strip():
            new = CitationData(
                title=values["source_title"],
                author=values["source_author"],
                published=values["source_date"],
                url=values["source_url"],
            )
        return EvidenceData(
            source=values["source"], new=new, locator=values["locator"], confidence=values["confidence"]
        )


class IncidentFilterForm(forms.Form):
    """The filters of a country's list of incidents, read from the address."""

    violation = forms.ChoiceField(label=_("Type of violation"), required=False)
    year_from = forms.IntegerField(label=_("From the year"), required=False, min_value=1900, max_value=2100)
    year_to = forms.IntegerField(label=_("To the year"), required=False, min_value=1900, max_value=2100)
    unit = UnitChoiceField(
        queryset=Actor.objects.none(), label=_("Unit alleged responsible"), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status of an allegation"), required=False)
    confidence = forms.ChoiceField(label=_("Confidence"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Actor], **kwargs: Any):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["violation"].choices = every + list(Violation.choices)  # type: ignore[attr-defined]
        self.fields["status"].choices = every + list(ResponsibilityStatus.choices)  # type: ignore[attr-defined]
        self.fields["confidence"].choices = every + _confidence_choices()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
