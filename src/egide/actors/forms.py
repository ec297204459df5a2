"""Forms for the map's pages. They collect and tidy input; the services decide what is valid."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Confidentiality, Organisation
from egide.actors.data import ActorData, CitationData, RelationshipData
from egide.actors.models import Actor, Source
from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate, FuzzyDateError

DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "odt", "rtf", "txt", "xlsx", "ods", "png", "jpg", "jpeg"})
DATE_HELP = _("A year (2016), a month (2016-03) or a day (2016-03-30).")


def _kind_choices() -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("", "—")]
    for family in taxonomy.FAMILIES:
        kinds = [(kind.code, kind.label) for kind in taxonomy.KINDS if kind.family == family.code]
        groups.append((family.label, kinds))
    return groups


def _terms(terms: tuple[taxonomy.Term, ...]) -> list[tuple[str, str]]:
    return [(term.code, term.label) for term in terms]


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


class AccessFieldsMixin(forms.Form):
    """Who owns the record and who may read it."""

    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"), required=False)
    confidentiality = forms.ChoiceField(
        label=_("Who may read it"), choices=Confidentiality.choices, initial=Confidentiality.PARTNERS, required=False
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
    source_title = forms.CharField(label=_("or a new source: title"), required=False, max_length=500)
    source_author = forms.CharField(label=_("Publisher or author"), required=False, max_length=300)
    source_date = forms.CharField(label=_("Date of the source"), required=False, help_text=DATE_HELP)
    source_url = forms.URLField(label=_("Link"), required=False, max_length=1000, assume_scheme="https")
    source_document = forms.FileField(label=_("Document"), required=False)
    source_locator = forms.CharField(label=_("Page or passage relied on"), required=False, max_length=500)

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

    def clean_source_date(self) -> FuzzyDate | None:
        return _fuzzy(self.cleaned_data.get("source_date") or "")

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


class ActorForm(VersionFieldMixin, AccessFieldsMixin, CitationFieldsMixin):
    name_en = forms.CharField(label=_("Name in English"), max_length=300, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=300, required=False)
    acronym_en = forms.CharField(label=_("Acronym in English"), max_length=32, required=False)
    acronym_fr = forms.CharField(label=_("Acronym in French"), max_length=32, required=False)
    kind = forms.ChoiceField(label=_("Kind"))
    reference = forms.CharField(
        label=_("Reference"),
        max_length=64,
        required=False,
        help_text=_("A short identifier used in files and the API; left empty, one is made from the acronym."),
    )
    parent = ActorChoiceField(queryset=Actor.objects.none(), required=False, label=_("Parent actor"))
    mandate_text = forms.CharField(label=_("Legal mandate"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    mandate_reference = forms.CharField(label=_("Mandate reference"), max_length=500, required=False)
    statutory = forms.BooleanField(label=_("Statutory (established by law)"), required=False, initial=True)
    legitimacy_disputed = forms.BooleanField(label=_("Legitimacy disputed"), required=False)
    confidence = forms.ChoiceField(label=_("Confidence"), initial="medium")
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    field_order = [
        "name_en",
        "name_fr",
        "acronym_en",
        "acronym_fr",
        "kind",
        "reference",
        "parent",
        "mandate_text",
        "mandate_reference",
        "statutory",
        "legitimacy_disputed",
        "confidence",
        "owner",
        "confidentiality",
        "notes",
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
        self.fields["kind"].choices = _kind_choices()  # type: ignore[attr-defined]
        self.fields["confidence"].choices = _terms(taxonomy.CONFIDENCE_LEVELS)  # type: ignore[attr-defined]
        self.fields["parent"].queryset = actors.exclude(pk=actor.pk) if actor else actors  # type: ignore[attr-defined]
        self.setup_sources(sources)
        self.setup_owners(owners, actor)
        self.setup_version(actor)

    def to_data(self) -> ActorData:
        data = self.cleaned_data
        return ActorData(
            kind=data["kind"],
            name_en=data["name_en"],
            name_fr=data["name_fr"],
            reference=data["reference"].strip(),
            acronym_en=data["acronym_en"],
            acronym_fr=data["acronym_fr"],
            parent=data["parent"],
            mandate_text=data["mandate_text"],
            mandate_reference=data["mandate_reference"],
            statutory=data["statutory"],
            legitimacy_disputed=data["legitimacy_disputed"],
            confidence=data["confidence"],
            notes=data["notes"],
            owner=data["owner"],
            confidentiality=data["confidentiality"],
        )


class RelationshipForm(VersionFieldMixin, AccessFieldsMixin, CitationFieldsMixin):
    source = ActorChoiceField(queryset=Actor.objects.none(), label=_("From"))
    type = forms.ChoiceField(label=_("Relationship"))
    target = ActorChoiceField(queryset=Actor.objects.none(), label=_("To"))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500, required=False)
    start = forms.CharField(label=_("Start"), required=False, help_text=DATE_HELP)
    end = forms.CharField(label=_("End"), required=False, help_text=DATE_HELP)
    ongoing = forms.BooleanField(label=_("Still ongoing"), required=False, initial=True)
    strength = forms.ChoiceField(label=_("Strength"), initial="moderate")
    confidence = forms.ChoiceField(label=_("Confidence"), initial="medium")
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    field_order = [
        "source",
        "type",
        "target",
        "legal_basis",
        "start",
        "end",
        "ongoing",
        "strength",
        "confidence",
        "owner",
        "confidentiality",
        "notes",
    ]

    def __init__(
        self, *args: Any, actors: Any, sources: Any, owners: Any, relationship: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = _terms(taxonomy.RELATIONSHIP_TYPES)  # type: ignore[attr-defined]
        self.fields["strength"].choices = _terms(taxonomy.STRENGTHS)  # type: ignore[attr-defined]
        self.fields["confidence"].choices = _terms(taxonomy.CONFIDENCE_LEVELS)  # type: ignore[attr-defined]
        self.fields["source"].queryset = actors  # type: ignore[attr-defined]
        self.fields["target"].queryset = actors  # type: ignore[attr-defined]
        self.setup_sources(sources)
        self.setup_owners(owners, relationship)
        self.setup_version(relationship)

    def clean_start(self) -> FuzzyDate | None:
        return _fuzzy(self.cleaned_data.get("start") or "")

    def clean_end(self) -> FuzzyDate | None:
        return _fuzzy(self.cleaned_data.get("end") or "")

    def to_data(self) -> RelationshipData:
        data = self.cleaned_data
        return RelationshipData(
            source=data["source"],
            target=data["target"],
            type=data["type"],
            legal_basis=data["legal_basis"],
            start=data["start"],
            end=data["end"],
            ongoing=data["ongoing"],
            strength=data["strength"],
            confidence=data["confidence"],
            notes=data["notes"],
            owner=data["owner"],
            confidentiality=data["confidentiality"],
        )


class ImportForm(AccessFieldsMixin):
    field_order = ["file", "owner", "confidentiality"]

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An .xlsx workbook (sheets actors, relationships, citations), a .zip of CSV files, "
            "one .csv table, or a .json map document."
        ),
    )
