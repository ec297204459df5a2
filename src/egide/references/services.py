"""Every write to frameworks, missions and reference documents: checked, atomic and audited."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_create, can_edit, can_manage
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, FuzzyDate, FuzzyDateError
from egide.core.reference import countries
from egide.core.users import Caller, author
from egide.programmes.models import Programme
from egide.programmes.selectors import programmes_visible
from egide.references import pdf_text, search
from egide.references.data import Access, DocumentData, FrameworkData, MissionData
from egide.references.models import (
    LANGUAGES,
    DocumentType,
    Framework,
    Mission,
    MissionKind,
    ReferenceDocument,
    ReferenceDocumentCountry,
)
from egide.references.selectors import reference_documents_visible

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LINK = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
MAX_LINKS = 20

type Record = Framework | Mission | ReferenceDocument


def fuzzy_or_none(text: str, *, field: str) -> FuzzyDate | None:
    """A date typed as YYYY, YYYY-MM or YYYY-MM-DD (none when empty); refused naming its field."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return FuzzyDate.parse(text)
    except FuzzyDateError:
        raise ValidationError(
            {field: [_("“%(text)s” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.") % {"text": text}]}
        ) from None


def pdf_limits() -> pdf_text.Limits:
    return pdf_text.Limits(
        max_bytes=settings.EGIDE_REFERENCE_MAX_BYTES,
        max_pages=settings.EGIDE_REFERENCE_TEXT_MAX_PAGES,
        max_characters=settings.EGIDE_REFERENCE_TEXT_MAX_CHARACTERS,
        max_seconds=settings.EGIDE_REFERENCE_TEXT_MAX_SECONDS,
    )


def pdf_read(upload: UploadedFile) -> pdf_text.PdfText:
    """Check an uploaded file and read its text; ValidationError on the `file` field when it is refused. The size
    is checked before the file is read, and only its first bytes are read before its signature is."""
    limits = pdf_limits()
    try:
        pdf_text.check_size(upload.size or 0, limits)
        upload.seek(0)
        pdf_text.check_signature(upload.read(pdf_text.SIGNATURE_WINDOW))
        upload.seek(0)
        content = upload.read(limits.max_bytes + 1)
        upload.seek(0)
        return pdf_text.read_pdf(content, limits)
    except pdf_text.PdfRefused as refused:
        name = upload.name or _("the file")
        raise ValidationError({"file": [_("%(name)s: %(reason)s") % {"name": name, "reason": refused}]}) from None


def _state(record: Record) -> dict[str, Any]:
    """What the audit log keeps of a record: its fields (not the search index nor a file's whole text) and its
    links, as the lists of the linked records' ids (the history names each for those who may see it)."""
    values = snapshot(record)
    values.pop("search_vector", None)
    values.pop("rank_vector", None)
    values.pop("file_text", None)
    if isinstance(record, ReferenceDocument) and record.pk is not None:
        values["countries"] = sorted(record.country_links.values_list("country", flat=True))
    if isinstance(record, Mission) and record.pk is not None:
        values["documents"] = sorted(record.documents.values_list("pk", flat=True))
    if isinstance(record, Mission | ReferenceDocument) and record.pk is not None:
        values["programmes"] = sorted(record.programmes.values_list("pk", flat=True))
    return values


def _visible_programmes(user: Caller, problems: dict[str, list[str]], ids: list[int]) -> list[Programme]:
    """The programmes named by id, among those the user may see; a problem on `programmes` for the others."""
    wanted = sorted(set(ids))
    programmes = list(programmes_visible(user=user).filter(pk__in=wanted))
    missing = sorted(set(wanted) - {programme.pk for programme in programmes})
    if missing:
        _problem(
            problems,
            "programmes",
            _("No programme has the id %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)},
        )
    return programmes


def _set_programmes(user: Caller, record: Mission | ReferenceDocument, programmes: list[Programme]) -> None:
    """The record's programmes become `programmes`, keeping those linked that the user may not see."""
    hidden = record.programmes.exclude(pk__in=programmes_visible(user=user).values("pk"))
    record.programmes.set([*programmes, *hidden])


def _raise(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)


def _problem(problems: dict[str, list[str]], field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def _check_access(problems: dict[str, list[str]], data: Access) -> None:
    if data.confidentiality not in Confidentiality.values:
        _problem(
            problems, "confidentiality", _("Confidentiality must be public, partners, organisation or restricted.")
        )


def _check_country(problems: dict[str, list[str]], field: str, code: str, *, required: bool) -> None:
    if not code and required:
        _problem(problems, field, _("Choose a country."))
    elif code and code not in countries():
        _problem(problems, field, _("No country has the code “%(code)s”.") % {"code": code})


def _check_titles(problems: dict[str, list[str]], field: str, english: str, french: str, label: str) -> None:
    if not english.strip() and not french.strip():
        _problem(problems, field, _("Give the %(label)s in English or in French.") % {"label": label})


def _check_period(problems: dict[str, list[str]], field: str, start: FuzzyDate | None, end: FuzzyDate | None) -> None:
    if start is not None and end is not None and end.last_day < start.first_day:
        _problem(problems, field, _("The end comes before the start."))


def _check_url(problems: dict[str, list[str]], field: str, url: str) -> None:
    if url and (not LINK.match(url) or len(url) > 1000):
        _problem(problems, field, _("“%(url)s” is not a web address (http:// or https://).") % {"url": url[:100]})


def _require_create(user: Caller, owner: Organisation | None, country: str) -> None:
    if not can_create(user=user, owner=owner, country=country):
        if country:
            raise PermissionDenied(_("You may not create records for this organisation in this country."))
        raise PermissionDenied(
            _(
                "You may not create global records for this organisation: "
                "it takes an editing role covering every country."
            )
        )


def _require_change(user: Caller, current: Record, data: Access, country: str) -> None:
    if not can_edit(user=user, record=current):
        raise PermissionDenied(_("You may not change this record."))
    owner_id = data.owner.pk if data.owner else None
    if (owner_id != current.owner_id or data.confidentiality != current.confidentiality) and not can_manage(
        user=user, record=current
    ):
        raise PermissionDenied(
            _("Only the owner organisation's editors may change the owner or who may read this record.")
        )
    if owner_id != current.owner_id or country != current.country:
        _require_create(user, data.owner, country)


def _require_delete(user: Caller, record: Record) -> None:
    if not can_edit(user=user, record=record):
        raise PermissionDenied(_("You may not delete this record."))


def _set_date(record: Model, name: str, value: FuzzyDate | None) -> None:
    setattr(record, f"{name}_date", value.first_day if value else None)
    setattr(record, f"{name}_precision", value.precision if value else DAY)


def _lock[R: (Framework, Mission, ReferenceDocument)](record: R) -> R:
    return type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)


def _save_new(user: Caller, record: Record) -> None:
    record.created_by = record.updated_by = author(user)
    record.save()


def _audit_change(user: Caller, record: Record, before: dict[str, Any]) -> None:
    after = _state(record)
    if after != before:
        audit_record(user=user, action=Action.UPDATE, instance=record, before=before, after=after)


def _audit_delete(user: Caller, record: Record) -> None:
    audit_record(user=user, action=Action.DELETE, instance=record, before=_state(record), after=None)


# Frameworks


def _check_framework(data: FrameworkData, framework: Framework | None) -> None:
    problems: dict[str, list[str]] = {}
    _check_access(problems, data)
    if not CODE.match(data.code):
        _problem(problems, "code", _("The code is made of letters, digits, dots, dashes and underscores (64 at most)."))
    elif Framework.objects.filter(code=data.code).exclude(pk=framework.pk if framework else 0).exists():
        _problem(problems, "code", _("“%(code)s” is already the code of another framework.") % {"code": data.code})
    _check_titles(problems, "title_en", data.title_en, data.title_fr, _("title"))
    _check_country(problems, "country", data.country, required=False)
    _check_period(problems, "ended", data.adopted, data.ended)
    if len(data.links) > MAX_LINKS:
        _problem(problems, "links", _("Give %(count)s links at most.") % {"count": MAX_LINKS})
    for link in data.links:
        _check_url(problems, "links", link)
    _raise(problems)


def _apply_framework(framework: Framework, data: FrameworkData) -> None:
    framework.code = data.code
    framework.title_en = data.title_en.strip() or data.title_fr.strip()
    framework.title_fr = data.title_fr.strip() or data.title_en.strip()
    framework.description_en, framework.description_fr = data.description_en.strip(), data.description_fr.strip()
    framework.issuing_body = data.issuing_body.strip()
    framework.links = [link.strip() for link in data.links if link.strip()]
    framework.country = data.country
    framework.owner, framework.confidentiality = data.owner, data.confidentiality
    _set_date(framework, "adopted", data.adopted)
    _set_date(framework, "ended", data.ended)


@transaction.atomic
def framework_create(*, user: Caller, data: FrameworkData) -> Framework:
    _require_create(user, data.owner, data.country)
    data.code = data.code.strip()
    _check_framework(data, None)
    framework = Framework()
    _apply_framework(framework, data)
    _save_new(user, framework)
    audit_record(user=user, action=Action.CREATE, instance=framework, before=None, after=_state(framework))
    return framework


@transaction.atomic
def framework_update(*, user: Caller, framework: Framework, data: FrameworkData) -> Framework:
    current = _lock(framework)
    _require_change(user, current, data, data.country)
    data.code = data.code.strip()
    _check_framework(data, current)
    before = _state(current)
    _apply_framework(current, data)
    current.updated_by = author(user)
    current.save()
    _audit_change(user, current, before)
    return current


@transaction.atomic
def framework_delete(*, user: Caller, framework: Framework) -> None:
    current = _lock(framework)
    _require_delete(user, current)
    _audit_delete(user, current)
    current.delete()


# Missions


def _check_mission(user: Caller, data: MissionData) -> tuple[list[ReferenceDocument], list[Programme]]:
    problems: dict[str, list[str]] = {}
    _check_access(problems, data)
    _check_country(problems, "country", data.country, required=True)
    if data.kind not in MissionKind.values:
        _problem(problems, "kind", _("Choose the kind of mission."))
    _check_titles(problems, "name_en", data.name_en, data.name_fr, _("name"))
    _check_period(problems, "end", data.start, data.end)
    unknown = [code for code in data.areas if code not in taxonomy.AREA_BY_CODE]
    if unknown:
        _problem(problems, "areas", _("Unknown areas of action: %(codes)s.") % {"codes": ", ".join(unknown)})
    wanted = sorted(set(data.document_ids))
    documents = list(reference_documents_visible(user=user).filter(pk__in=wanted))
    missing = sorted(set(wanted) - {document.pk for document in documents})
    if missing:
        _problem(
            problems,
            "documents",
            _("No document has the id %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)},
        )
    programmes = _visible_programmes(user, problems, data.programme_ids)
    _raise(problems)
    return documents, programmes


def _apply_mission(mission: Mission, data: MissionData) -> None:
    mission.country, mission.kind = data.country, data.kind
    mission.name_en = data.name_en.strip() or data.name_fr.strip()
    mission.name_fr = data.name_fr.strip() or data.name_en.strip()
    mission.acronym_en, mission.acronym_fr = data.acronym_en.strip(), data.acronym_fr.strip()
    mission.lead_organisation, mission.lead_body = data.lead_organisation, data.lead_body.strip()
    mission.areas = [code for code in taxonomy.AREA_BY_CODE if code in data.areas]
    mission.tasks_en, mission.tasks_fr = data.tasks_en.strip(), data.tasks_fr.strip()
    mission.owner, mission.confidentiality = data.owner, data.confidentiality
    _set_date(mission, "start", data.start)
    _set_date(mission, "end", data.end)


def _set_documents(user: Caller, mission: Mission, documents: list[ReferenceDocument]) -> None:
    """The mission's documents become `documents`, keeping those linked that the user may not see."""
    hidden = mission.documents.exclude(pk__in=reference_documents_visible(user=user).values("pk"))
    mission.documents.set([*documents, *hidden])


@transaction.atomic
def mission_create(*, user: Caller, data: MissionData) -> Mission:
    _require_create(user, data.owner, data.country)
    documents, programmes = _check_mission(user, data)
    mission = Mission()
    _apply_mission(mission, data)
    _save_new(user, mission)
    mission.documents.set(documents)
    mission.programmes.set(programmes)
    audit_record(user=user, action=Action.CREATE, instance=mission, before=None, after=_state(mission))
    return mission


@transaction.atomic
def mission_update(*, user: Caller, mission: Mission, data: MissionData) -> Mission:
    current = _lock(mission)
    _require_change(user, current, data, data.country)
    documents, programmes = _check_mission(user, data)
    before = _state(current)
    _apply_mission(current, data)
    current.updated_by = author(user)
    current.save()
    _set_documents(user, current, documents)
    _set_programmes(user, current, programmes)
    _audit_change(user, current, before)
    return current


@transaction.atomic
def mission_delete(*, user: Caller, mission: Mission) -> None:
    current = _lock(mission)
    _require_delete(user, current)
    _audit_delete(user, current)
    current.delete()


# Reference documents


def document_access_country(codes: list[str]) -> str:
    """The country whose teams' rules apply to a document: its only country, or none (global) when it concerns
    several countries or none."""
    return codes[0] if len(codes) == 1 else ""


def _check_document(user: Caller, data: DocumentData) -> list[Programme]:
    problems: dict[str, list[str]] = {}
    _check_access(problems, data)
    if data.type not in DocumentType.values:
        _problem(problems, "type", _("Choose the type of document."))
    _check_titles(problems, "title_en", data.title_en, data.title_fr, _("title"))
    for code in data.countries:
        _check_country(problems, "countries", code, required=False)
    unknown = [code for code in data.languages if code not in LANGUAGES]
    if unknown:
        _problem(problems, "languages", _("Unknown languages: %(codes)s.") % {"codes": ", ".join(unknown)})
    _check_url(problems, "url", data.url)
    programmes = _visible_programmes(user, problems, data.programme_ids)
    _raise(problems)
    return programmes


def _apply_document(document: ReferenceDocument, data: DocumentData) -> None:
    document.type = data.type
    document.title_en = data.title_en.strip() or data.title_fr.strip()
    document.title_fr = data.title_fr.strip() or data.title_en.strip()
    document.symbol, document.issuing_body = data.symbol.strip(), data.issuing_body.strip()
    document.languages = [code for code in LANGUAGES if code in data.languages]
    document.summary_en, document.summary_fr = data.summary_en.strip(), data.summary_fr.strip()
    document.url = data.url.strip()
    document.country = document_access_country(data.countries)
    document.owner, document.confidentiality = data.owner, data.confidentiality
    _set_date(document, "issued", data.issued)


def _set_countries(document: ReferenceDocument, codes: list[str]) -> None:
    document.country_links.exclude(country__in=codes).delete()
    present = set(document.country_links.values_list("country", flat=True))
    ReferenceDocumentCountry.objects.bulk_create(
        [ReferenceDocumentCountry(document=document, country=code) for code in codes if code not in present]
    )


def _normalise(data: DocumentData) -> None:
    data.countries = sorted({code.strip().upper() for code in data.countries if code.strip()})
    data.languages = [code.strip().lower() for code in data.languages if code.strip()]


@transaction.atomic
def reference_document_create(
    *, user: Caller, data: DocumentData, upload: UploadedFile | None = None
) -> ReferenceDocument:
    """Create a document with, optionally, its PDF: the file is checked and its text read for the search before
    anything is written."""
    _normalise(data)
    _require_create(user, data.owner, document_access_country(data.countries))
    programmes = _check_document(user, data)
    text = pdf_read(upload).text if upload is not None else ""
    document = ReferenceDocument()
    _apply_document(document, data)
    if upload is not None:
        document.file_text = text
        document.file.save(upload.name or "document.pdf", upload, save=False)
    _save_new(user, document)
    _set_countries(document, data.countries)
    document.programmes.set(programmes)
    search.index_document(document)
    audit_record(user=user, action=Action.CREATE, instance=document, before=None, after=_state(document))
    return document


@transaction.atomic
def reference_document_update(
    *,
    user: Caller,
    document: ReferenceDocument,
    data: DocumentData,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
) -> ReferenceDocument:
    """Change a document; a new upload replaces its file, `remove_file` drops it; without either it is kept."""
    _normalise(data)
    current = _lock(document)
    _require_change(user, current, data, document_access_country(data.countries))
    programmes = _check_document(user, data)
    text = pdf_read(upload).text if upload is not None else None
    before = _state(current)
    _apply_document(current, data)
    if upload is not None and text is not None:
        current.file_text = text
        current.file.save(upload.name or "document.pdf", upload, save=False)
    elif remove_file:
        current.file_text = ""
        current.file = None
    current.updated_by = author(user)
    current.save()
    _set_countries(current, data.countries)
    _set_programmes(user, current, programmes)
    search.index_document(current)
    _audit_change(user, current, before)
    return current


@transaction.atomic
def reference_document_delete(*, user: Caller, document: ReferenceDocument) -> None:
    current = _lock(document)
    _require_delete(user, current)
    _audit_delete(user, current)
    pk = current.pk
    current.delete()
    search.unindex_document(pk)
