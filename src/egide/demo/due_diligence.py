"""The demo's human-rights due diligence, in a fictional training country ("XT", a code ISO 3166 leaves to its
users: "Exercise country" / "Pays d'exercice"): a small map of invented units (data/training/XT.json, through the
map's importer), invented commanders and their posts, a few incidents with invented sources, and a programme whose
support to a battalion is assessed with a conditional decision and carries one alert.

Every name is made up so that it cannot be mistaken for a real person; every page of the country says it is
fictional (egide.core.templatetags.training). Loading twice changes nothing: the map's import is idempotent and
the rest is written once, in one transaction, when the demo's assessment does not exist yet.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from egide.accounts.models import Confidentiality, Organisation
from egide.actors.documents import read_document
from egide.actors.importer import ImportReport, country_map_import
from egide.actors.models import Actor, Source
from egide.core.users import Caller
from egide.duediligence import diligence_services
from egide.duediligence.models import (
    Decision,
    DiligenceAssessment,
    Evidence,
    Incident,
    NameKind,
    Person,
    PersonName,
    Post,
    PostRole,
    Responsibility,
    ResponsibilityStatus,
    RiskLevel,
    Violation,
)
from egide.programmes.models import Programme, SupportedActor

COUNTRY = "XT"
MAP = Path(__file__).resolve().parent / "data" / "training" / "XT.json"
PROGRAMME_IDENTIFIER = "FR-DEMO-XT-TRAINING"
OWNER = "MEAE"
DECIDER = "meae-admin"


@dataclass
class DueDiligenceDemo:
    map: ImportReport
    created: bool


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    alias: str


PEOPLE = (
    DemoPerson("fictius", "Colonel Fictius Exemplaris (fictional)", "Fictius the Trainer"),
    DemoPerson("imaginus", "General Imaginus Placeholder (fictional)", "Old Placeholder"),
    DemoPerson("inventa", "Major Inventa Samplewood (fictional)", ""),
)


def _source(title: str, owner: Organisation) -> Source:
    source, _created = Source.objects.get_or_create(
        country=COUNTRY,
        title=title,
        url="",
        defaults={"author": "Égide demo (invented)", "published_on": datetime.date(2024, 1, 1), "owner": owner},
    )
    return source


def _person(demo: DemoPerson, owner: Organisation) -> Person:
    person = Person.objects.create(
        country=COUNTRY,
        nationality=COUNTRY,
        owner=owner,
        confidentiality=Confidentiality.RESTRICTED,
        notes="An invented person, for training only.",
    )
    PersonName.objects.create(person=person, name=demo.name, kind=NameKind.PRIMARY, script="Latin")
    if demo.alias:
        PersonName.objects.create(person=person, name=demo.alias, kind=NameKind.ALIAS, script="Latin")
    return person


def _incident(owner: Organisation, source: Source, **fields: object) -> Incident:
    incident = Incident.objects.create(
        country=COUNTRY, owner=owner, confidentiality=Confidentiality.RESTRICTED, **fields
    )
    Evidence.objects.create(source=source, incident=incident, locator="Invented paragraph 4", confidence="medium")
    return incident


def due_diligence_demo_load(*, user: Caller, organisations: dict[str, Organisation]) -> DueDiligenceDemo:
    owner = organisations[OWNER]
    tables = read_document(MAP.read_bytes(), filename=MAP.name)
    report = country_map_import(
        user=user, country=COUNTRY, tables=tables, owner=owner, confidentiality=Confidentiality.PUBLIC
    )
    if DiligenceAssessment.objects.filter(programme__iati_identifier=PROGRAMME_IDENTIFIER).exists():
        return DueDiligenceDemo(map=report, created=False)
    with transaction.atomic():
        _write(user, owner)
    return DueDiligenceDemo(map=report, created=True)


def _write(user: Caller, owner: Organisation) -> None:
    units = {actor.reference: actor for actor in Actor.objects.filter(country=COUNTRY)}
    battalion, land, second = units["XT-BN1"], units["XT-LAND"], units["XT-BN2"]
    report = _source("Exercise monitoring report no. 1 (invented)", owner)
    press = _source("The Exercise Gazette, invented newspaper", owner)
    people = {demo.key: _person(demo, owner) for demo in PEOPLE}

    def post(key: str, actor: Actor, role: str, start: str, end: str | None) -> Post:
        return Post.objects.create(
            person=people[key],
            actor=actor,
            country=COUNTRY,
            role=role,
            start_date=datetime.date(int(start), 1, 1),
            start_precision="year",
            end_date=datetime.date(int(end), 1, 1) if end else None,
            end_precision="year",
            ongoing=end is None,
            confidence="medium",
        )

    post("imaginus", battalion, PostRole.COMMANDER, "2016", "2019")
    post("imaginus", land, PostRole.COMMANDER, "2020", None)
    post("fictius", battalion, PostRole.COMMANDER, "2020", None)
    post("inventa", second, PostRole.COMMANDER, "2018", None)

    def allege(incident: Incident, source: Source, **link: object) -> Responsibility:
        responsibility = Responsibility.objects.create(incident=incident, **link)
        Evidence.objects.create(source=source, responsibility=responsibility, locator="Invented annex B")
        return responsibility

    detention = _incident(
        owner,
        report,
        title_en="Arbitrary detention of market traders (invented)",
        title_fr="Détention arbitraire de commerçants du marché (inventé)",
        violation=Violation.ARBITRARY_DETENTION,
        occurred_on=datetime.date(2017, 6, 1),
        occurred_precision="month",
        region="Northern exercise district",
        place="Exampletown",
        victims=12,
    )
    allege(detention, report, actor=battalion)
    allege(detention, report, person=people["imaginus"])
    beating = _incident(
        owner,
        press,
        title_en="Ill-treatment at a checkpoint (invented)",
        title_fr="Mauvais traitements à un poste de contrôle (inventé)",
        violation=Violation.TORTURE,
        occurred_on=datetime.date(2021, 1, 1),
        occurred_precision="year",
        region="Northern exercise district",
        place="Sampleville",
    )
    allege(beating, press, actor=land)
    cleared = _incident(
        owner,
        press,
        title_en="Shooting at a roadblock, charges dismissed (invented)",
        title_fr="Tirs à un barrage, charges abandonnées (inventé)",
        violation=Violation.UNLAWFUL_KILLING,
        occurred_on=datetime.date(2019, 3, 1),
        occurred_precision="month",
        place="Mockford",
        victims=1,
    )
    allege(cleared, press, person=people["inventa"], status=ResponsibilityStatus.DISMISSED)

    programme = Programme.objects.create(
        country=COUNTRY,
        iati_identifier=PROGRAMME_IDENTIFIER,
        title_en="Training the 1st Exercise Battalion (fictional)",
        title_fr="Formation du 1er bataillon d’exercice (fictif)",
        owner=owner,
        confidentiality=Confidentiality.ORGANISATION,
        illustrative=True,
    )
    support = SupportedActor.objects.create(
        programme=programme,
        actor=battalion,
        support_en="Training in the law of armed conflict",
        support_fr="Formation au droit des conflits armés",
    )
    assessment = diligence_services.diligence_create(
        user=user,
        support=support,
        data=diligence_services.DiligenceData(
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2027, 12, 31),
            include_parents=True,
            owner=owner,
            factors="A former commander is alleged responsible for arbitrary detentions in 2017; the land forces "
            "are alleged responsible for ill-treatment in 2021.",
            mitigation="Individual vetting of trainees; human-rights module in every course; monitoring visits.",
        ),
    )
    decider = User.objects.filter(username=DECIDER).first()
    diligence_services.diligence_decide(
        user=decider or user,
        assessment=assessment,
        data=diligence_services.DecisionData(
            decision=Decision.CONDITIONAL,
            risk_level=RiskLevel.MEDIUM,
            conditions="No trainee named in an allegation; quarterly report on detentions; review after any new "
            "allegation.",
            next_review=timezone.localdate() + datetime.timedelta(days=182),
        ),
    )
    # After the decision: a new allegation against the supported battalion raises the demo's one alert
    # (egide.duediligence.alerts).
    raid = _incident(
        owner,
        report,
        title_en="Night raid on a village (invented)",
        title_fr="Raid nocturne sur un village (inventé)",
        violation=Violation.ATTACK_ON_CIVILIANS,
        occurred_on=datetime.date(2025, 9, 14),
        occurred_precision="day",
        region="Northern exercise district",
        place="Testhill",
    )
    allege(raid, report, actor=battalion, status=ResponsibilityStatus.UNDER_INVESTIGATION)
