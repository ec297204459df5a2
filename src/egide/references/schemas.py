"""The API's bodies and answers for frameworks, missions and reference documents."""

from typing import Annotated, Self

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from egide.actors.schemas import Line24, Line300, Line500, Text, TextRule
from egide.references.models import Framework, Mission, ReferenceDocument

Code = Annotated[str, TextRule(64)]
Symbol = Annotated[str, TextRule(100)]
Acronym = Annotated[str, TextRule(32)]
Address = Annotated[str, TextRule(1000)]
Country = Annotated[str, TextRule(2)]
Date = Annotated[str, TextRule(10)]
Ids = Annotated[list[int], Field(max_length=500)]
Codes = Annotated[list[Line24], Field(max_length=300)]


class AccessIn(Schema):
    owner: int | None = None
    confidentiality: Line24 = "public"


class FrameworkIn(AccessIn):
    code: Code
    title_en: Line500 = ""
    title_fr: Line500 = ""
    description_en: Text = ""
    description_fr: Text = ""
    issuing_body: Line300 = ""
    adopted: Date | None = None
    ended: Date | None = None
    links: Annotated[list[Address], Field(max_length=20)] = []
    country: Country = ""


class FrameworkOut(Schema):
    id: int
    code: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    issuing_body: str
    adopted: str
    ended: str
    links: list[str]
    country: str
    owner: int | None
    confidentiality: str

    @classmethod
    def of(cls, framework: Framework) -> Self:
        return cls(
            id=framework.pk,
            code=framework.code,
            title_en=framework.title_en,
            title_fr=framework.title_fr,
            description_en=framework.description_en,
            description_fr=framework.description_fr,
            issuing_body=framework.issuing_body,
            adopted=framework.adopted,
            ended=framework.ended,
            links=list(framework.links),
            country=framework.country,
            owner=framework.owner_id,
            confidentiality=framework.confidentiality,
        )


class MissionIn(AccessIn):
    country: Country
    kind: Line24
    name_en: Line300 = ""
    name_fr: Line300 = ""
    acronym_en: Acronym = ""
    acronym_fr: Acronym = ""
    start: Date | None = None
    end: Date | None = None
    lead_organisation: int | None = None
    lead_body: Line300 = ""
    areas: Codes = []
    tasks_en: Text = ""
    tasks_fr: Text = ""
    documents: Ids = []
    programmes: Ids = []


class MissionOut(Schema):
    id: int
    country: str
    kind: str
    name_en: str
    name_fr: str
    acronym_en: str
    acronym_fr: str
    start: str
    end: str
    lead_organisation: int | None
    lead_body: str
    areas: list[str]
    tasks_en: str
    tasks_fr: str
    documents: list[int]
    programmes: list[int]
    owner: int | None
    confidentiality: str

    @classmethod
    def of(cls, mission: Mission) -> Self:
        return cls(
            id=mission.pk,
            country=mission.country,
            kind=mission.kind,
            name_en=mission.name_en,
            name_fr=mission.name_fr,
            acronym_en=mission.acronym_en,
            acronym_fr=mission.acronym_fr,
            start=mission.start,
            end=mission.end,
            lead_organisation=mission.lead_organisation_id,
            lead_body=mission.lead_body,
            areas=list(mission.areas),
            tasks_en=mission.tasks_en,
            tasks_fr=mission.tasks_fr,
            # Prefetched by the selector with what the reader may see.
            documents=[document.pk for document in mission.documents.all()],
            programmes=[programme.pk for programme in mission.programmes.all()],
            owner=mission.owner_id,
            confidentiality=mission.confidentiality,
        )


class DocumentIn(AccessIn):
    type: Line24
    title_en: Line500 = ""
    title_fr: Line500 = ""
    symbol: Symbol = ""
    issued: Date | None = None
    issuing_body: Line300 = ""
    languages: Codes = []
    summary_en: Text = ""
    summary_fr: Text = ""
    url: Address = ""
    countries: Codes = []
    programmes: Ids = []


class DocumentOut(Schema):
    id: int
    type: str
    title_en: str
    title_fr: str
    symbol: str
    issued: str
    issuing_body: str
    languages: list[str]
    summary_en: str
    summary_fr: str
    url: str
    file: str | None
    countries: list[str]
    programmes: list[int] | None
    owner: int | None
    confidentiality: str
    rank: float | None = None

    @classmethod
    def of(cls, document: ReferenceDocument, *, with_programmes: bool = False) -> Self:
        return cls(
            id=document.pk,
            type=document.type,
            title_en=document.title_en,
            title_fr=document.title_fr,
            symbol=document.symbol,
            issued=document.issued,
            issuing_body=document.issuing_body,
            languages=list(document.languages),
            summary_en=document.summary_en,
            summary_fr=document.summary_fr,
            url=document.url,
            file=reverse("document-file", kwargs={"pk": document.pk}) if document.file else None,
            countries=document.country_codes,
            programmes=[programme.pk for programme in document.programmes.all()] if with_programmes else None,
            owner=document.owner_id,
            confidentiality=document.confidentiality,
            rank=getattr(document, "rank", None),
        )
