"""What a programme is made of, as the services take it: from a form, the API, an import or the demo."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from egide.accounts.levels import Confidentiality
from egide.core import iati_codes

if TYPE_CHECKING:
    from egide.accounts.models import Organisation
    from egide.actors.models import Actor


@dataclass(slots=True)
class CountryShare:
    country: str
    percentage: Decimal | None = None


@dataclass(slots=True)
class ParticipationData:
    role: str
    organisation: "Organisation | None" = None
    name: str = ""
    iati_reference: str = ""
    organisation_type: str = ""


@dataclass(slots=True)
class SectorShare:
    code: str
    percentage: Decimal | None = None
    vocabulary: str = iati_codes.DAC_VOCABULARY


@dataclass(slots=True)
class SupportData:
    actor: "Actor"
    support_en: str = ""
    support_fr: str = ""


@dataclass(slots=True)
class LocationData:
    name: str
    country: str = ""
    region: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(slots=True)
class ProgrammeData:
    """A whole programme: its own fields (those of `fields.PROGRAMME`, the lead country, owner and confidentiality)
    and every part it holds. A service replaces the parts with these lists."""

    country: str
    title_en: str
    owner: "Organisation | None" = None
    confidentiality: str = str(Confidentiality.PARTNERS)
    iati_identifier: str = ""
    title_fr: str = ""
    description_en: str = ""
    description_fr: str = ""
    status: str = "1"
    planned_start: date | None = None
    actual_start: date | None = None
    planned_end: date | None = None
    actual_end: date | None = None
    default_currency: str = "EUR"
    requested_by: "Actor | None" = None
    requested_by_name: str = ""
    requested_on: date | None = None
    request_reference: str = ""
    lifecycle_stage: str = "request"
    years_committed: int | None = None
    illustrative: bool = False
    countries: list[CountryShare] = field(default_factory=list)
    participations: list[ParticipationData] = field(default_factory=list)
    sectors: list[SectorShare] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    supports: list[SupportData] = field(default_factory=list)
    locations: list[LocationData] = field(default_factory=list)


@dataclass(slots=True)
class DocumentData:
    title_en: str
    title_fr: str = ""
    url: str = ""
    category: str = "A02"
    language: str = ""
    document_date: date | None = None
