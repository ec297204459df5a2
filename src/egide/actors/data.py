"""Plain inputs for the map's services, built by forms, the API, imports and the demo loader alike."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from egide.core.fuzzy_dates import FuzzyDate

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from egide.accounts.models import Organisation
    from egide.actors.models import Actor, Source


@dataclass(slots=True)
class ActorData:
    kind: str
    name_en: str
    name_fr: str = ""
    reference: str = ""
    acronym_en: str = ""
    acronym_fr: str = ""
    article_fr: str = "unknown"
    parent: "Actor | None" = None
    mandate_text: str = ""
    mandate_reference: str = ""
    statutory: bool = True
    legitimacy_disputed: bool = False
    confidence: str = "medium"
    notes: str = ""
    owner: "Organisation | None" = None
    confidentiality: str = "partners"


@dataclass(slots=True)
class RelationshipData:
    source: "Actor"
    target: "Actor"
    type: str
    legal_basis: str = ""
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    ongoing: bool = True
    strength: str = "moderate"
    confidence: str = "medium"
    notes: str = ""
    owner: "Organisation | None" = None
    confidentiality: str = "partners"


@dataclass(frozen=True, slots=True)
class CitationData:
    """A source and the passage relied on; the source is matched by country, title and link."""

    title: str
    author: str = ""
    published: FuzzyDate | None = None
    url: str = ""
    locator: str = ""


@dataclass(frozen=True, slots=True)
class SourceCitation:
    """A source cited along with the creation or change of a record: one already recorded, or a new one described
    (with its uploaded document, if any); and the page or passage relied on."""

    recorded: "Source | None" = None
    new: CitationData | None = None
    document: "UploadedFile | None" = None
    locator: str = ""
