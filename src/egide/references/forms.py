"""The pages' forms. They collect and tidy what is typed; the services decide what is valid."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, Organisation
from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate, FuzzyDateError
from egide.core.reference import countries
from egide.programmes.models import Programme
from egide.references.data import DocumentData, FrameworkData, MissionData
from egide.references.models import LANGUAGES, DocumentType, Framework, Mission, MissionKind, ReferenceDocument

DATE_HELP = _("A year (2016), a month (2016-03) or a day (2016-03-30).")


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, term.label) for code, term in countries().items()), key=lambda choice: choice[1])


def _global_or_country() -> list[tuple[str, Any]]:
    return [("", _("Global (no country)")), *country_choices()]


def _area_choices() -> list[tuple[str, str]]:
    return [(term.code, term.label) for term in taxonomy.AREAS_OF_ACTION]


def _language_choices() -> list[tuple[str, Any]]:
    return list(LANGUAGES.items())


class FuzzyDateField(forms.CharField):
    """A year, a month or a day, typed as text and cleaned to a FuzzyDate (None when empty)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=10, help_text=DATE_HELP, **kwargs)

    def clean(self, value: Any) -> FuzzyDate | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return FuzzyDate.parse(text)
        except FuzzyDateError:
            raise ValidationError(_("Write a date as YYYY, YYYY-MM or YYYY-MM-DD.")) from None


TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AccessForm(forms.Form):
    """Who owns the record and who may read it; the owner is one of the organisations the user edits for."""

    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"))
    confidentiality = forms.ChoiceField(
        label=_("Who may read it"), choices=Confidentiality.choices, initial=Confidentiality.PUBLIC
    )

    def __init__(self, *args: Any, owners: QuerySet[Organisation], record: Any = None, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        if record is not None:
            initial.update(self.record_values(record))
            initial.update(owner=record.owner_id, confidentiality=record.confidentiality)
        elif owners.count() == 1:
            initial["owner"] = owners.first()
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = owners

    def record_values(self, record: Any) -> dict[str, Any]:
        return {name: getattr(record, name) for name in self.base_fields if hasattr(record, name)}

    def access(self) -> dict[str, Any]:
        return {"owner": self.cleaned_data["owner"], "confidentiality": self.cleaned_data["confidentiality"]}


class FrameworkForm(AccessForm):
    code = forms.CharField(label=_("Code"), max_length=64, help_text=_("For example EU-SSR-CONCEPT."))
    title_en = forms.CharField(label=_("Title in English"), max_length=500, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=500, required=False)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=300, required=False)
    adopted = FuzzyDateField(label=_("Adopted"))
    ended = FuzzyDateField(label=_("Ended"))
    country = forms.ChoiceField(label=_("Country"), choices=_global_or_country, required=False)
    description_en = forms.CharField(label=_("Description in English"), widget=TEXTAREA, required=False)
    description_fr = forms.CharField(label=_("Description in French"), widget=TEXTAREA, required=False)
    links = forms.CharField(
        label=_("References (links)"), widget=TEXTAREA, required=False, help_text=_("One web address per line.")
    )
    field_order = [
        "code",
        "title_en",
        "title_fr",
        "issuing_body",
        "adopted",
        "ended",
        "country",
        "description_en",
        "description_fr",
        "links",
        "owner",
        "confidentiality",
    ]

    def record_values(self, record: Framework) -> dict[str, Any]:
        values = super().record_values(record)
        values.update(adopted=record.adopted, ended=record.ended, links="\n".join(record.links))
        return values

    def to_data(self) -> FrameworkData:
        data = self.cleaned_data
        return FrameworkData(
            code=data["code"],
            title_en=data["title_en"],
            title_fr=data["title_fr"],
            description_en=data["description_en"],
            description_fr=data["description_fr"],
            issuing_body=data["issuing_body"],
            adopted=data["adopted"],
            ended=data["ended"],
            links=[line.strip() for line in data["links"].splitlines() if line.strip()],
            country=data["country"],
            **self.access(),
        )


class ProgrammesForm(AccessForm):
    """The programmes a record is linked to, among those the user may see."""

    programmes = forms.ModelMultipleChoiceField(
        queryset=Programme.objects.none(), label=_("Programmes"), required=False
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programmes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = programmes
        record = kwargs.get("record")
        if record is not None:
            self.initial["programmes"] = [programme.pk for programme in record.programmes.all()]

    def programme_ids(self) -> list[int]:
        return [programme.pk for programme in self.cleaned_data.get("programmes") or []]


class MissionForm(ProgrammesForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MissionKind.choices)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    name_en = forms.CharField(label=_("Name in English"), max_length=300, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=300, required=False)
    acronym_en = forms.CharField(label=_("Acronym in English"), max_length=32, required=False)
    acronym_fr = forms.CharField(label=_("Acronym in French"), max_length=32, required=False)
    start = FuzzyDateField(label=_("Start"))
    end = FuzzyDateField(label=_("End"))
    lead_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), label=_("Lead organisation"), required=False
    )
    lead_body = forms.CharField(
        label=_("Lead body"),
        max_length=300,
        required=False,
        help_text=_("When the lead is not an organisation of the platform (for example: United Nations)."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas of action of the mandate"),
        choices=_area_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tasks_en = forms.CharField(label=_("SSR tasks of the mandate, in English"), widget=TEXTAREA, required=False)
    tasks_fr = forms.CharField(label=_("SSR tasks of the mandate, in French"), widget=TEXTAREA, required=False)
    documents = forms.ModelMultipleChoiceField(
        queryset=ReferenceDocument.objects.none(), label=_("Documents that set it"), required=False
    )
    field_order = [
        "kind",
        "country",
        "name_en",
        "name_fr",
        "acronym_en",
        "acronym_fr",
        "start",
        "end",
        "lead_organisation",
        "lead_body",
        "documents",
        "programmes",
        "owner",
        "confidentiality",
        "areas",
        "tasks_en",
        "tasks_fr",
    ]

    def __init__(self, *args: Any, documents: QuerySet[ReferenceDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = documents

    def record_values(self, record: Mission) -> dict[str, Any]:
        values = super().record_values(record)
        values.update(start=record.start, end=record.end, documents=list(record.documents.all()))
        return values

    def to_data(self) -> MissionData:
        data = self.cleaned_data
        return MissionData(
            country=data["country"],
            kind=data["kind"],
            name_en=data["name_en"],
            name_fr=data["name_fr"],
            acronym_en=data["acronym_en"],
            acronym_fr=data["acronym_fr"],
            start=data["start"],
            end=data["end"],
            lead_organisation=data["lead_organisation"],
            lead_body=data["lead_body"],
            areas=list(data["areas"]),
            tasks_en=data["tasks_en"],
            tasks_fr=data["tasks_fr"],
            document_ids=[document.pk for document in data["documents"]],
            programme_ids=self.programme_ids(),
            **self.access(),
        )


class DocumentForm(ProgrammesForm):
    type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    symbol = forms.CharField(
        label=_("Symbol"), max_length=100, required=False, help_text=_("For example S/RES/2151 (2014).")
    )
    title_en = forms.CharField(label=_("Title in English"), max_length=500, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=500, required=False)
    issued = FuzzyDateField(label=_("Date"))
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=300, required=False)
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=country_choices,
        required=False,
        help_text=_("None for a text on security sector reform in general."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=_language_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    url = forms.CharField(label=_("Link"), max_length=1000, required=False)
    file = forms.FileField(label=_("File (PDF)"), required=False)
    remove_file = forms.BooleanField(label=_("Remove the uploaded file"), required=False)
    summary_en = forms.CharField(label=_("Summary in English"), widget=TEXTAREA, required=False)
    summary_fr = forms.CharField(label=_("Summary in French"), widget=TEXTAREA, required=False)
    field_order = [
        "type",
        "symbol",
        "title_en",
        "title_fr",
        "issued",
        "issuing_body",
        "url",
        "programmes",
        "owner",
        "confidentiality",
        "countries",
        "languages",
        "file",
        "remove_file",
        "summary_en",
        "summary_fr",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"
        record = kwargs.get("record")
        if record is None or not record.file:
            del self.fields["remove_file"]

    def record_values(self, record: ReferenceDocument) -> dict[str, Any]:
        values = super().record_values(record)
        values.update(issued=record.issued, countries=record.country_codes)
        values.pop("file", None)
        return values

    def to_data(self) -> DocumentData:
        data = self.cleaned_data
        return DocumentData(
            type=data["type"],
            title_en=data["title_en"],
            title_fr=data["title_fr"],
            symbol=data["symbol"],
            issued=data["issued"],
            issuing_body=data["issuing_body"],
            languages=list(data["languages"]),
            summary_en=data["summary_en"],
            summary_fr=data["summary_fr"],
            url=data["url"],
            countries=list(data["countries"]),
            programme_ids=self.programme_ids(),
            **self.access(),
        )
