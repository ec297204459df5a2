"""Forms for the map's pages. They collect and tidy input; the services decide what is valid."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, Organisation
from egide.actors import fields
from egide.actors.data import ActorData, CitationData, RelationshipData
from egide.actors.models import Actor, Source
from egide.actors.tabular import UnknownColumns
from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate, FuzzyDateError

DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "odt", "rtf", "txt", "xlsx", "ods", "png", "jpg", "jpeg"})
DATE_HELP = fields.DATE_HELP


def _kind_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("", "—")]
    for family in taxonomy.FAMILIES:
        kinds = [(kind.code, kind.label) for kind in taxonomy.KINDS if kind.family == family.code]
        groups.append((family.label, kinds))
    return groups


if TYPE_CHECKING:
    _ModelChoiceField = forms.ModelChoiceField[Actor]
else:
    _ModelChoiceField = forms.ModelChoiceField


class ActorChoiceField(_ModelChoiceField):
    def label_from_instance(self, obj: Actor) -> str:
        return f"{obj.name} ({obj.acronym})" if obj.acronym else obj.name


def _fuzzy(value: str) -> FuzzyDate | None:
    if not value.strip():
        return None
    try:
        return FuzzyDate.parse(value)
    except FuzzyDateError as error:
        raise ValidationError(str(error)) from error


class FuzzyDateField(forms.CharField):
    """A year, a month or a day, typed as text and cleaned to a FuzzyDate (or None when empty)."""

    def clean(self, value: Any) -> FuzzyDate | None:
        return _fuzzy(super().clean(value) or "")


def form_field(spec: fields.Field) -> forms.Field:
    """The form field for a declared field; an actor reference is a choice of actors, made by the form itself."""
    optional: dict[str, Any] = {"label": spec.label, "required": False}
    if spec.help_text:
        optional["help_text"] = spec.help_text
    match spec.kind:
        case fields.Kind.LINE:
            return forms.CharField(max_length=spec.max_length, **optional)
        case fields.Kind.TEXT if spec.max_length is not None:
            return forms.CharField(max_length=spec.max_length, **optional)
        case fields.Kind.TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": spec.rows}), **optional)
        case fields.Kind.CODE:
            # Always one of the codes: the choices are set per form, in the language of its request.
            return forms.ChoiceField(label=spec.label, initial=spec.default or None)
        case fields.Kind.YES_NO:
            return forms.BooleanField(initial=spec.default, **optional)
        case fields.Kind.FUZZY_DATE:
            return FuzzyDateField(**optional)
        case fields.Kind.URL:
            return forms.URLField(max_length=spec.max_length, assume_scheme="https", **optional)
    raise ValueError(f"{spec.name}: a {spec.kind} field has no form field of its own")


def _declared_form(record: fields.Record, *, made_by_form: set[str]) -> type[forms.Form]:
    """A form with a field for each declared field of the record but those the form makes itself."""
    declared = {spec.name: form_field(spec) for spec in record.fields if spec.name not in made_by_form}
    return type(f"_{record.table.title()}Fields", (forms.Form,), declared)


def _set_choices(form: forms.Form, record: fields.Record) -> None:
    for spec in record.of_kind(fields.Kind.CODE):
        field = form.fields.get(spec.name)
        if isinstance(field, forms.ChoiceField):
            field.choices = _kind_choices() if spec.name == "kind" else spec.options()


class AccessFieldsMixin(forms.Form):
    """Who owns the record and who may read it."""

    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"), required=False)
    confidentiality = forms.ChoiceField(
        label=fields.CONFIDENTIALITY.label,
        choices=Confidentiality.choices,
        initial=Confidentiality.PARTNERS,
        required=False,
    )

    def setup_owners(self, owners: Any, record: Any = None) -> None:
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners
        self._record = record
        # Left out, the owner stays as it is, or is the user's only organisation when there is just one.
        self._default_owner = record.owner if record is not None else (owners.first() if owners.count() == 1 else None)
        self.initial.setdefault("owner", self._default_owner)
        if record is not None:
            self.initial.setdefault("confidentiality", record.confidentiality)

    def clean_owner(self) -> Organisation | None:
        owner: Organisation | None = self.cleaned_data.get("owner") or self._default_owner
        if owner is None and (self._record is None or self._record.owner_id is not None):
            raise ValidationError(_("Choose the organisation that owns this record."))
        return owner

    def clean_confidentiality(self) -> str:
        level: str = self.cleaned_data.get("confidentiality") or ""
        if level:
            return level
        return self._record.confidentiality if self._record is not None else Confidentiality.PARTNERS


class VersionFieldMixin(forms.Form):
    """The version of the record the form was opened with: saving is refused once someone else saved it since."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def setup_version(self, record: Any) -> None:
        if record is not None:
            self.initial.setdefault("version", record.version)

    def show_version(self, version: int) -> None:
        """After a refused save: keep what was typed, but carry the version now current, so that saving again
        applies it knowingly."""
        data = QueryDict(mutable=True)
        for key, values in self.data.lists() if isinstance(self.data, QueryDict) else self.data.items():
            if isinstance(values, list):
                data.setlist(key, values)
            else:
                data[key] = values
        data[self.add_prefix("version")] = str(version)
        self.data = data


class CitationFieldsMixin(forms.Form):
    """Optional fields to cite a source while creating or editing a record."""

    cite_source = forms.ModelChoiceField(
        queryset=Source.objects.none(), required=False, label=_("Cite a source already recorded")
    )
    source_title = form_field(fields.INLINE_SOURCE["source_title"])
    source_author = form_field(fields.INLINE_SOURCE["source_author"])
    source_date = form_field(fields.INLINE_SOURCE["source_date"])
    source_url = form_field(fields.INLINE_SOURCE["source_url"])
    source_document = forms.FileField(label=_("Document"), required=False)
    source_locator = form_field(fields.INLINE_SOURCE["source_locator"])
    source_locator_fr = form_field(fields.INLINE_SOURCE["source_locator_fr"])

    def setup_sources(self, sources: Any) -> None:
        field = self.fields["cite_source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = sources

    def clean_source_document(self) -> UploadedFile | None:
        document: UploadedFile | None = self.cleaned_data.get("source_document")
        if document is None:
            return None
        extension = (document.name or "").rsplit(".", 1)[-1].lower()
        if extension not in DOCUMENT_EXTENSIONS:
            raise ValidationError(
                _("Upload a document of one of these types: %(types)s.")
                % {"types": ", ".join(sorted(DOCUMENT_EXTENSIONS))}
            )
        if (document.size or 0) > settings.EGIDE_DOCUMENT_MAX_BYTES:
            raise ValidationError(
                _("The document is larger than %(size)s MB.") % {"size": settings.EGIDE_DOCUMENT_MAX_BYTES // 2**20}
            )
        return document

    def citation(self) -> CitationData | None:
        data = self.cleaned_data
        if not data.get("source_title"):
            return None
        return CitationData(
            title=data["source_title"],
            author=data.get("source_author") or "",
            published=data.get("source_date"),
            url=data.get("source_url") or "",
            locator=data.get("source_locator") or "",
            locator_fr=data.get("source_locator_fr") or "",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cite_source") and data.get("source_title"):
            raise ValidationError(_("Choose a recorded source or describe a new one, not both."))
        if (data.get("source_document") or data.get("source_url") or data.get("source_author")) and not (
            data.get("source_title") or data.get("cite_source")
        ):
            self.add_error("source_title", _("A new source needs a title."))
        return data


RECORD_FIELD_ORDER = ("confidence", "owner", "confidentiality", "notes", "notes_fr")
"""The fields that end both record forms."""

if TYPE_CHECKING:
    _ActorFields = forms.Form
    _RelationshipFields = forms.Form
else:
    _ActorFields = _declared_form(fields.ACTOR, made_by_form={"parent", "confidentiality"})
    _RelationshipFields = _declared_form(fields.RELATIONSHIP, made_by_form={"from", "to", "confidentiality"})


class ActorForm(VersionFieldMixin, AccessFieldsMixin, CitationFieldsMixin, _ActorFields):
    parent = ActorChoiceField(queryset=Actor.objects.none(), required=False, label=fields.ACTOR["parent"].label)

    field_order = [
        "name_en",
        "name_fr",
        "acronym_en",
        "acronym_fr",
        "kind",
        "reference",
        "parent",
        "mandate_text",
        "mandate_text_fr",
        "mandate_reference",
        "statutory",
        "legitimacy_disputed",
        *RECORD_FIELD_ORDER,
    ]

    def __init__(
        self, *args: Any, actors: Any, sources: Any, owners: Any, actor: Actor | None = None, **kwargs: Any
    ) -> None:
        if actor is not None and "initial" not in kwargs:
            # The owner and confidentiality are set up by setup_owners below.
            kwargs["initial"] = {
                name: getattr(actor, name) for name in self.field_order if name not in ("owner", "confidentiality")
            }
        super().__init__(*args, **kwargs)
        _set_choices(self, fields.ACTOR)
        self.fields["article_fr"].required = False
        self.fields["parent"].queryset = actors.exclude(pk=actor.pk) if actor else actors  # type: ignore[attr-defined]
        self.setup_sources(sources)
        self.setup_owners(owners, actor)
        self.setup_version(actor)

    def to_data(self) -> ActorData:
        values = {name: self.cleaned_data[name] for name in ActorData.names()}
        # Only the governance findings' French sentences use the article: a form sent without it means "not given".
        values["article_fr"] = values["article_fr"] or fields.ACTOR["article_fr"].default
        return ActorData(**values | {"reference": values["reference"].strip()})


class RelationshipForm(VersionFieldMixin, AccessFieldsMixin, CitationFieldsMixin, _RelationshipFields):
    source = ActorChoiceField(queryset=Actor.objects.none(), label=fields.RELATIONSHIP["from"].label)
    target = ActorChoiceField(queryset=Actor.objects.none(), label=fields.RELATIONSHIP["to"].label)

    field_order = [
        "source",
        "type",
        "target",
        "legal_basis",
        "legal_basis_fr",
        "start",
        "end",
        "ongoing",
        "strength",
        *RECORD_FIELD_ORDER,
    ]

    def __init__(
        self, *args: Any, actors: Any, sources: Any, owners: Any, relationship: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, fields.RELATIONSHIP)
        self.fields["source"].queryset = actors  # type: ignore[attr-defined]
        self.fields["target"].queryset = actors  # type: ignore[attr-defined]
        self.setup_sources(sources)
        self.setup_owners(owners, relationship)
        self.setup_version(relationship)

    def to_data(self) -> RelationshipData:
        return RelationshipData(**{name: self.cleaned_data[name] for name in RelationshipData.names()})


class ImportForm(AccessFieldsMixin):
    field_order = ["file", "owner", "confidentiality"]

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An .xlsx workbook (sheets actors, relationships, citations), a .zip of CSV files, "
            "one .csv table, or a .json map document."
        ),
    )


class ColumnMappingForm(forms.Form):
    """What each header of a file that names no column of its table stands for: a column not already in the
    header, or nothing (the column is left out). A column is chosen for one header at most."""

    pending = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, unknown: UnknownColumns, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers: list[tuple[str, str, str]] = []
        labels = {table: {spec.name: spec.label for spec in columns} for table, columns in fields.TABLES.items()}
        for table, headers in unknown.unknown.items():
            free = [column for column in unknown.expected[table] if column not in unknown.present[table]]
            choices: list[tuple[str, str]] = [("", str(_("leave this column out")))]
            choices += [(column, f"{column} · {labels[table].get(column, column)}") for column in free]
            for header in headers:
                name = f"column_{len(self.headers)}"
                self.fields[name] = forms.ChoiceField(label=header, choices=choices, required=False)
                self.headers.append((name, table, header))

    def rows(self) -> list[tuple[str, str, forms.BoundField]]:
        """Each unknown header as the page shows it: its table, its text and its choice."""
        return [(table, header, self[name]) for name, table, header in self.headers]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen: dict[tuple[str, str], str] = {}
        for name, table, header in self.headers:
            column = cleaned.get(name) or ""
            if not column:
                continue
            if (table, column) in chosen:
                self.add_error(
                    name,
                    _("“%(column)s” is already chosen for the header “%(other)s”.")
                    % {"column": column, "other": chosen[(table, column)]},
                )
            chosen[(table, column)] = header
        return cleaned

    def mapping(self) -> dict[str, dict[str, str]]:
        mapping: dict[str, dict[str, str]] = {}
        for name, table, header in self.headers:
            mapping.setdefault(table, {})[header] = self.cleaned_data.get(name) or ""
        return mapping
