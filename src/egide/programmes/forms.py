"""The programme forms, their fields made from `fields`: the programme itself, then one formset per part
(countries, participants, sectors, supported actors, locations), all saved by one service call."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.actors.models import Actor
from egide.core import taxonomy
from egide.core.reference import countries, dac_sectors
from egide.programmes import fields
from egide.programmes.data import (
    CountryShare,
    DocumentData,
    LocationData,
    ParticipationData,
    ProgrammeData,
    SectorShare,
    SupportData,
)
from egide.programmes.models import Programme

EMPTY = ("", "—")


def _country_choices() -> list[tuple[str, str]]:
    return [EMPTY, *sorted(((code, term.label) for code, term in countries().items()), key=lambda item: item[1])]


def _sector_choices() -> list[tuple[str, str]]:
    return [EMPTY, *((code, f"{code} · {term.label}") for code, term in dac_sectors().items())]


def _choose(form: forms.Form, name: str, choices: Any) -> None:
    """Set a choice field's choices when the form is made, so that their labels are in the reader's language."""
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def form_field(field: fields.Field, **options: Any) -> forms.Field:
    """The form field of a declared field. ACTOR and ORGANISATION fields need their `queryset`."""
    common: dict[str, Any] = {"label": field.label, "required": field.required, "help_text": field.help_text}
    if field.default not in (None, "") and field.kind is not fields.Kind.CODE:
        common["initial"] = field.default
    kind = field.kind
    if kind is fields.Kind.LINE:
        return forms.CharField(max_length=field.max_length, **common)
    if kind is fields.Kind.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind is fields.Kind.CODE:
        choices = field.options() if field.required else [EMPTY, *field.options()]
        return forms.ChoiceField(choices=choices, initial=field.default, **common)
    if kind is fields.Kind.YES_NO:
        common["required"] = False
        return forms.BooleanField(**common)
    if kind is fields.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind is fields.Kind.NUMBER:
        return forms.DecimalField(max_digits=9, decimal_places=6, **common)
    if kind is fields.Kind.INTEGER:
        return forms.IntegerField(min_value=0, max_value=100, **common)
    if kind is fields.Kind.COUNTRY:
        return forms.ChoiceField(choices=_country_choices(), **common)
    return forms.ModelChoiceField(queryset=options["queryset"], **common)


def _percentage(field: fields.Field) -> forms.Field:
    return forms.DecimalField(
        label=field.label, required=False, min_value=Decimal(0), max_value=Decimal(100), decimal_places=2
    )


class ProgrammeForm(forms.Form):
    """The programme's own fields, its lead country, owner and areas."""

    country = forms.ChoiceField(label=_("Lead country"))
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"))
    areas = forms.MultipleChoiceField(label=_("Areas of action"), required=False, widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, owners: QuerySet[Organisation], actors: QuerySet[Actor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "country", _country_choices())
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        _choose(self, "areas", taxonomy.choices(taxonomy.AREAS_OF_ACTION))
        for field in fields.PROGRAMME.fields:
            self.fields[field.name] = form_field(field, queryset=actors)
        # A file names its programmes by their identifiers; a programme made here may wait for its identifier.
        self.fields["iati_identifier"].required = False
        self.order_fields(["country", "iati_identifier", "title_en", "title_fr"])

    def show_version(self, version: int) -> None:
        data = self.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(version)
        self.data = data


class CountryForm(forms.Form):
    country = forms.ChoiceField(label=fields.COUNTRY["country"].label)
    percentage = _percentage(fields.COUNTRY["percentage"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "country", _country_choices())


class ParticipationForm(forms.Form):
    role = form_field(fields.PARTICIPATION["role"])
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, label=fields.PARTICIPATION["organisation"].label
    )
    name = form_field(fields.PARTICIPATION["name"])
    iati_reference = form_field(fields.PARTICIPATION["iati_reference"])
    organisation_type = form_field(fields.PARTICIPATION["organisation_type"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels of codes in the reader's language, read when the form is made.
        _choose(self, "role", fields.PARTICIPATION["role"].options())
        _choose(self, "organisation_type", [EMPTY, *fields.PARTICIPATION["organisation_type"].options()])
        for name in ("organisation", "name", "iati_reference", "organisation_type"):
            self.fields[name].help_text = ""


class SectorForm(forms.Form):
    code = forms.ChoiceField(label=fields.SECTOR["code"].label)
    percentage = _percentage(fields.SECTOR["percentage"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "code", _sector_choices())


class SupportForm(forms.Form):
    actor = forms.ModelChoiceField(queryset=Actor.objects.none(), label=fields.SUPPORT["actor"].label)
    support_en = form_field(fields.SUPPORT["support_en"])
    support_fr = form_field(fields.SUPPORT["support_fr"])

    def __init__(self, *args: Any, actors: QuerySet[Actor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors  # type: ignore[attr-defined]


class LocationForm(forms.Form):
    name = form_field(fields.LOCATION["name"])
    country = forms.ChoiceField(label=fields.LOCATION["country"].label, required=False)
    region = form_field(fields.LOCATION["region"])
    latitude = forms.DecimalField(label=_("Latitude"), required=False, min_value=-90, max_value=90, decimal_places=6)
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, decimal_places=6
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "country", _country_choices())


PARTS: dict[str, tuple[type[forms.Form], Any]] = {
    "countries": (CountryForm, fields.COUNTRY.label),
    "participations": (ParticipationForm, fields.PARTICIPATION.label),
    "sectors": (SectorForm, fields.SECTOR.label),
    "supports": (SupportForm, fields.SUPPORT.label),
    "locations": (LocationForm, fields.LOCATION.label),
}
"""The formsets of the programme form, by prefix, with their legends."""


def part_formsets(
    data: Any, *, programme: Programme | None, actors: QuerySet[Actor], initial_country: str = ""
) -> dict[str, Any]:
    """One formset per part, filled from the programme (or empty for a new one), each with one blank row."""
    initial: dict[str, list[dict[str, Any]]] = {name: [] for name in PARTS}
    if programme is not None:
        initial["countries"] = [
            {"country": row.country, "percentage": row.percentage} for row in programme.countries.all()
        ]
        initial["participations"] = [
            {
                "role": row.role,
                "organisation": row.organisation_id,
                "name": row.name,
                "iati_reference": row.iati_reference,
                "organisation_type": row.organisation_type,
            }
            for row in programme.participations.all()
        ]
        initial["sectors"] = [{"code": row.code, "percentage": row.percentage} for row in programme.sectors.all()]
        initial["supports"] = [
            {"actor": row.actor_id, "support_en": row.support_en, "support_fr": row.support_fr}
            for row in programme.supports.filter(actor__in=actors)
        ]
        initial["locations"] = [
            {
                "name": row.name,
                "country": row.country,
                "region": row.region,
                "latitude": row.latitude,
                "longitude": row.longitude,
            }
            for row in programme.locations.all()
        ]
    elif initial_country:
        initial["countries"] = [{"country": initial_country, "percentage": Decimal(100)}]
    formsets = {}
    for prefix, (form_class, _label) in PARTS.items():
        formset_class = formset_factory(form_class, extra=1, can_delete=True)
        form_kwargs: dict[str, Any] = {"actors": actors} if prefix == "supports" else {}
        formsets[prefix] = formset_class(data, initial=initial[prefix], prefix=prefix, form_kwargs=form_kwargs)
    return formsets


def _rows(formset: Any) -> list[dict[str, Any]]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def programme_data(form: ProgrammeForm, formsets: dict[str, Any]) -> ProgrammeData:
    """What a valid form and its formsets say, as the services take it."""
    values = form.cleaned_data
    own: dict[str, Any] = {field.name: values.get(field.name) for field in fields.PROGRAMME.fields}
    for field in fields.PROGRAMME.fields:
        if field.is_text or field.kind is fields.Kind.CODE:
            own[field.name] = own[field.name] or (field.default if field.kind is fields.Kind.CODE else "")
    own["illustrative"] = bool(own["illustrative"])
    return ProgrammeData(
        country=values["country"],
        owner=values["owner"],
        areas=list(values.get("areas") or []),
        countries=[CountryShare(row["country"], row.get("percentage")) for row in _rows(formsets["countries"])],
        participations=[
            ParticipationData(
                role=row["role"],
                organisation=row.get("organisation"),
                name=row.get("name") or "",
                iati_reference=row.get("iati_reference") or "",
                organisation_type=row.get("organisation_type") or "",
            )
            for row in _rows(formsets["participations"])
        ],
        sectors=[SectorShare(row["code"], row.get("percentage")) for row in _rows(formsets["sectors"])],
        supports=[
            SupportData(row["actor"], row.get("support_en") or "", row.get("support_fr") or "")
            for row in _rows(formsets["supports"])
        ],
        locations=[
            LocationData(
                row["name"],
                row.get("country") or "",
                row.get("region") or "",
                row.get("latitude"),
                row.get("longitude"),
            )
            for row in _rows(formsets["locations"])
        ],
        **own,
    )


def programme_initial(programme: Programme) -> dict[str, Any]:
    values: dict[str, Any] = {field.name: getattr(programme, field.name) for field in fields.PROGRAMME.fields}
    values["requested_by"] = programme.requested_by_id
    values.update(
        country=programme.country,
        owner=programme.owner_id,
        areas=list(programme.areas.values_list("area", flat=True)),
        version=programme.version,
    )
    return values


class DocumentForm(forms.Form):
    """A document of the programme: a link, an uploaded file, or both."""

    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in fields.DOCUMENT.fields:
            self.fields[field.name] = form_field(field)
        self.fields["url"] = forms.URLField(label=fields.DOCUMENT["url"].label, required=False, max_length=1000)
        self.order_fields([field.name for field in fields.DOCUMENT.fields])

    def to_data(self) -> DocumentData:
        values = self.cleaned_data
        return DocumentData(
            title_en=values.get("title_en") or "",
            title_fr=values.get("title_fr") or "",
            url=values.get("url") or "",
            category=values.get("category") or "A02",
            language=values.get("language") or "",
            document_date=values.get("document_date"),
        )


CONFIDENTIALITY_CHOICES = Confidentiality.choices


class ProgrammesImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An .xlsx workbook (sheets programmes, countries, participations, sectors, areas, supported_actors), "
            "a .zip of CSV files, or one .csv table, as the export writes them."
        ),
    )
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Owner of the new programmes"),
        help_text=_("Programmes already recorded keep their owner."),
    )
    dry_run = forms.BooleanField(label=_("Check only: write nothing"), required=False)

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        if owners.count() == 1:
            self.fields["owner"].initial = owners.first()
