"""What the services take to create or change a record, filled by the forms, the API and the demo loader."""

from dataclasses import dataclass, field

from egide.accounts.models import Confidentiality, Organisation
from egide.core.fuzzy_dates import FuzzyDate


@dataclass
class Access:
    owner: Organisation | None = None
    confidentiality: str = Confidentiality.PUBLIC


@dataclass
class FrameworkData(Access):
    code: str = ""
    title_en: str = ""
    title_fr: str = ""
    description_en: str = ""
    description_fr: str = ""
    issuing_body: str = ""
    adopted: FuzzyDate | None = None
    ended: FuzzyDate | None = None
    links: list[str] = field(default_factory=list)
    country: str = ""


@dataclass
class MissionData(Access):
    country: str = ""
    kind: str = ""
    name_en: str = ""
    name_fr: str = ""
    acronym_en: str = ""
    acronym_fr: str = ""
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    lead_organisation: Organisation | None = None
    lead_body: str = ""
    areas: list[str] = field(default_factory=list)
    tasks_en: str = ""
    tasks_fr: str = ""
    document_ids: list[int] = field(default_factory=list)
    programme_ids: list[int] = field(default_factory=list)


@dataclass
class DocumentData(Access):
    type: str = ""
    title_en: str = ""
    title_fr: str = ""
    symbol: str = ""
    issued: FuzzyDate | None = None
    issuing_body: str = ""
    languages: list[str] = field(default_factory=list)
    summary_en: str = ""
    summary_fr: str = ""
    url: str = ""
    countries: list[str] = field(default_factory=list)
    programme_ids: list[int] = field(default_factory=list)
