"""Every page of the URL map, read in French with the demo's data by someone who may see and do everything, holds
no English sentence of the catalogue: a string that is wrapped for translation but shows in English on a French
page (untranslated, translated too early, or taken from a model's English choices) fails here.

A new page must be walked: each named address is either given its parameters below or skipped with a reason
(addresses that only take posts answer 405 and are passed over).
"""

import datetime
import gettext
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import egide
from egide.accounts import services as account_services
from egide.accounts.models import Organisation, Role
from egide.accounts.selectors import PLATFORM
from egide.actors.models import Actor, Relationship
from egide.context import services as context_services
from egide.context.models import Indicator
from egide.context.sources import SOURCE_BY_CODE, Observation, Reading
from egide.demo.loader import demo_load
from egide.governance.rules import RULES
from egide.iati.models import IatiImportRun
from egide.imports.models import ImportJob
from egide.money.demo import money_demo_load
from egide.money.models import ExchangeRate
from egide.programmes.models import Programme
from egide.references.models import Framework, Mission, ReferenceDocument
from egide.reports.models import Brief, BriefStatus
from egide.reports.services import PUBLIC, brief_build
from tests.security.helpers import verified_client

SKIPPED = {
    # Files, not pages.
    "country-export": "a file download",
    "import-template": "a file download",
    "source-document": "a file download",
    "document-file": "a file download",
    "import-job-status": "a JSON answer",
    "country-results-export": "a file download",
    "update-evidence": "a file download",
    "country-programmes-export": "a file download",
    "programme-document-file": "a file download",
    "programmes-import-template": "a file download",
    "money-export": "a file download",
    "export-list": "a file download",
    "export-country-list": "a file download",
    "export-programme-list": "a file download",
    "export-download": "a file download",
    "export-job": "a background export's page, its requester's alone: walked in French by tests/exports",
    "export-job-status": "a background export's page, its requester's alone: walked in French by tests/exports",
    "diligence:programme-report-export": "a file download",
    "diligence:country-report-export": "a file download",
    "brief-pdf": "a file download",
    "brief-html": "a file download",
    # Posts only, on records the walk does not make (the other post-only addresses answer 405 and are passed over).
    "citation-delete": "post only",
    "membership-remove": "post only",
    "share-remove": "post only",
    "invitation-revoke": "post only",
    "invitation-create": "post only",
    "token-revoke": "post only",
    "people:export-json": "a file download",
    "people:export-xlsx": "a file download",
    # Django's own pages and the API's JSON, outside the product's catalogue.
    "login-code": "needs a session between the two log-in steps",
    "metrics": "Prometheus's text for a scraper, off by default (tests/operations/test_metrics.py)",
}
ROUTE_PREFIXES_SKIPPED = ("admin/", "api/")

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
MINIMUM_LETTERS = 4


def _catalogue_sentences() -> list[re.Pattern[str]]:
    """The English msgids whose French differs, as patterns matching a whole piece of text (placeholders match any
    text), read from the compiled catalogues; too short to tell apart from content once placeholders are removed,
    they are left out."""
    translations: dict[str, set[str]] = {}
    root = Path(egide.__file__).parent
    for compiled in root.glob("**/locale/fr/LC_MESSAGES/django.mo"):
        with compiled.open("rb") as file:
            catalogue = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
        for key, french in catalogue.items():
            english = key[0] if isinstance(key, tuple) else key
            english = english.split("\x04", 1)[-1]  # without its context
            translations.setdefault(english, set()).add(french)
    patterns = []
    for english, french in translations.items():
        if not english or english in french or "\n" in english:
            continue  # the catalogue's header; the same word in both languages ("Notes", "Type", "Police")
        if sum(character.isalpha() for character in PLACEHOLDER.sub("", english)) < MINIMUM_LETTERS:
            continue
        pieces = [re.escape(piece) for piece in PLACEHOLDER.split(" ".join(english.split()))]
        patterns.append(re.compile(".+?".join(pieces)))
    return patterns


def _visible_texts(html: str) -> Iterator[str]:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    for node in soup.descendants:
        if isinstance(node, NavigableString):
            text = " ".join(str(node).split())
            if text:
                yield text
        elif hasattr(node, "attrs"):
            for name, value in node.attrs.items():
                # Data attributes hold codes, except in a page's bundle of strings for its script (#map-strings).
                strings = str(node.attrs.get("id", "")).endswith("-strings")
                wanted = name in ("title", "placeholder", "aria-label", "alt") or (strings and name.startswith("data-"))
                if wanted and isinstance(value, str) and " ".join(value.split()):
                    yield " ".join(value.split())


def _routes(
    resolvers: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern, str]]:
    """Each address's route, pattern and name (with its namespace, as `reverse` takes it)."""
    for item in resolvers:
        if isinstance(item, URLResolver):
            inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from _routes(item.url_patterns, prefix + str(item.pattern), inner)
        else:
            yield prefix + str(item.pattern), item, f"{namespace}{item.name}" if item.name else ""


@pytest.fixture
def demo(db: None) -> None:
    demo_load(user=PLATFORM)


def _parameters(staff: User) -> dict[str, dict[str, object]]:
    """For each named address with parameters, the ones that open a real record of the demo."""
    actor = Actor.objects.filter(country="CF").order_by("pk").first()
    relationship = Relationship.objects.filter(country="CF").order_by("pk").first()
    organisation = Organisation.objects.get(acronym="ST-RSS")
    assert actor is not None
    assert relationship is not None
    secrets: list[str] = []
    account_services.invitation_create(
        user=PLATFORM,
        organisation=organisation,
        email="invited@example.org",
        role=Role.VIEWER,
        countries=[],
        accept_url=lambda secret: secrets.append(secret) or secret,
    )
    job = ImportJob.objects.create(
        user=staff, country="CF", owner=organisation, confidentiality="public", filename="map.csv", size=10
    )
    reset_user = User.objects.get(username="strss-editor")
    framework = _results_framework(organisation)
    programme = Programme.objects.filter(country="CF").order_by("pk").first()
    assert programme is not None
    money = _money_programme(organisation)
    run = IatiImportRun.objects.create(
        user=staff,
        owner=organisation,
        filenames=["donor.xml"],
        status="done",
        files_done=1,
        report=[
            {
                "file": "donor.xml",
                "read": 3,
                "created": 1,
                "updated": 0,
                "unchanged": 0,
                "skipped_by_filter": 1,
                "warnings": 2,
                "errors": ["line 9: an activity without an identifier is left out"],
                "refused": "",
            }
        ],
    )
    indicator = _context_indicator()
    return {
        **_people(organisation, actor),
        **_incident(organisation),
        "diligence": _diligence(),
        "context_indicator": {"code": indicator.code},
        **_assessment(organisation),
        "iati": {"pk": run.pk},
        **framework,
        "actor": {"pk": actor.pk},
        "relationship": {"pk": relationship.pk},
        "organisation": {"pk": organisation.pk},
        "framework": {"pk": Framework.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "mission": {"pk": Mission.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "document": {"pk": ReferenceDocument.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "country": {"code": "CF"},
        "rule": {"code": "CF", "rule": RULES[0].code},
        "invitation": {"secret": secrets[0]},
        "job": {"pk": job.pk},
        "programme": {"pk": programme.pk},
        "money": {"pk": money.pk},
        "budget": {"pk": money.pk, "budget": money.budgets.values_list("pk", flat=True)[0]},
        "transaction": {"pk": money.pk, "transaction": money.transactions.values_list("pk", flat=True)[0]},
        "rate": {"pk": ExchangeRate.objects.values_list("pk", flat=True)[0]},
        "brief": {"pk": _brief(staff)},
        "reset": {
            "uidb64": urlsafe_base64_encode(force_bytes(reset_user.pk)),
            "token": default_token_generator.make_token(reset_user),
        },
    }


# The results framework's addresses, by the record whose id they take (egide.results.urls).
RESULTS_ADDRESSES = {
    "programme-results": "programme",
    "result-create": "programme",
    "result-edit": "result",
    "result-delete": "result",
    "indicator-create": "result",
    "indicator-edit": "indicator",
    "indicator-delete": "indicator",
    "indicator-source": "indicator",
    "indicator-source-remove": "indicator",
    "period-create": "indicator",
    "period-edit": "period",
    "period-delete": "period",
    "period-values": "period",
    "update-create": "period",
    "update-edit": "value",
    "update-submit": "value",
    "update-approve": "value",
    "update-return": "value",
    "update-delete": "value",
}


def _brief(staff: User) -> int:
    """A public brief of the Central African Republic in French, built from the demo and kept as it would be."""
    built = brief_build(country="CF", as_of=datetime.date(2025, 6, 30), language="fr", audience=PUBLIC)
    brief = Brief.objects.create(
        country="CF",
        as_of=datetime.date(2025, 6, 30),
        language="fr",
        audience=PUBLIC,
        level="public",
        sections=built.content.sections,
        requested_by=staff,
        status=BriefStatus.DONE,
    )
    brief.html.save("brief.html", ContentFile(built.html.encode()))
    return brief.pk


def _results_framework(owner: Organisation) -> dict[str, dict[str, object]]:
    """A programme with a result, an indicator, a period and a submitted value, so that every page of its results
    framework has a record to show (the demo's programmes may not be loaded)."""
    import datetime
    from decimal import Decimal

    from egide.accounts.models import Confidentiality
    from egide.programmes.models import Programme
    from egide.results import services as results
    from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData

    programme = Programme.objects.create(
        country="CF", title_en="Walked programme", owner=owner, confidentiality=Confidentiality.PUBLIC
    )
    result = results.result_create(user=PLATFORM, programme=programme, data=ResultData(title_en="Walked result"))
    indicator = results.indicator_create(user=PLATFORM, result=result, data=IndicatorData(title_en="Walked"))
    period = results.period_create(
        user=PLATFORM,
        indicator=indicator,
        data=PeriodData(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31), target_value=Decimal(9)),
    )
    value = results.update_create(
        user=PLATFORM, period=period, data=UpdateData(value=Decimal(3), value_date=datetime.date(2020, 5, 1))
    )
    return {
        "programme": {"pk": programme.pk},
        "result": {"pk": result.pk},
        "indicator": {"pk": indicator.pk},
        "period": {"pk": period.pk},
        "value": {"pk": value.pk},
    }


def _assessment(owner: Organisation) -> dict[str, dict[str, object]]:
    """The shipped frameworks loaded, and a public assessment of the demo country with one answer, so that the
    assessment pages have records to show."""
    import datetime
    from decimal import Decimal

    from egide.accounts.models import Confidentiality
    from egide.assessments import services as assessments

    version = assessments.frameworks_load_shipped(user=PLATFORM)[0].version
    assessment = assessments.assessment_create(
        user=PLATFORM,
        data=assessments.AssessmentData(
            country="CF",
            framework_version=version,
            as_of=datetime.date(2024, 6, 30),
            owner=owner,
            confidentiality=Confidentiality.PUBLIC,
        ),
    )
    question = version.questions.order_by("order").first()
    assert question is not None
    level = version.definition.scale.levels[-1].value if version.definition.scale.levels else 0
    assessments.answer_save(
        user=PLATFORM,
        assessment=assessment,
        question=question,
        data=assessments.AnswerData(value=Decimal(str(level)), justification="Walked"),
    )
    return {
        "assessment": {"pk": assessment.pk},
        "assessment_framework": {"identifier": version.framework.identifier},
        "assessment_answer": {"pk": assessment.pk, "question": question.pk},
        # Addresses that only take posts (405 to a walk): any number places them.
        "assessment_comment": {"pk": assessment.pk, "comment": 1},
        "assessment_citation": {"pk": assessment.pk, "citation": 1},
    }


def _incident(owner: Organisation) -> dict[str, dict[str, object]]:
    """An incident of the demo country with a unit alleged responsible and evidence, so that the incidents' pages
    have records to show."""
    from egide.actors.data import CitationData
    from egide.duediligence import incident_services as incidents

    unit = Actor.objects.filter(country="CF").order_by("pk").first()
    assert unit is not None
    incident = incidents.incident_create(
        user=PLATFORM,
        country="CF",
        data=incidents.IncidentData(title_en="Walked incident", violation="torture", owner=owner, victims=2),
    )
    responsibility = incidents.responsibility_create(
        user=PLATFORM, incident=incident, data=incidents.ResponsibilityData(actor=unit)
    )
    evidence = incidents.evidence_add(
        user=PLATFORM, incident=incident, data=incidents.EvidenceData(new=CitationData(title="Walked report"))
    )
    return {
        "incident": {"pk": incident.pk},
        "incident_responsibility": {"pk": responsibility.pk},
        "incident_evidence": {"pk": evidence.pk},
    }


def _money_programme(organisation: Organisation) -> Programme:
    """A demo programme with its money: the programmes' demo makes it; without it, one is made here and the money
    demo loaded again for it."""
    programme = Programme.objects.filter(iati_identifier="FR-DEMO-CAR-ROL").first()
    if programme is None:
        programme = Programme.objects.create(
            country="CF",
            iati_identifier="FR-DEMO-CAR-ROL",
            title_en="Rule of law",
            title_fr="État de droit",
            owner=organisation,
            confidentiality="public",
            illustrative=True,
        )
        money_demo_load(user=PLATFORM)
    return programme


def _context_indicator() -> Indicator:
    """A public source's indicator with values for the demo country and its region, as `egide context load` makes
    them (the demo ships no public source's data)."""
    source = SOURCE_BY_CODE["fsi"]
    reading = Reading("fsi", [Observation("fsi.total", country, 2023, value) for country, value in FSI_VALUES])
    context_services.source_load(user=PLATFORM, source=source, reading=reading)
    return Indicator.objects.get(code="fsi.total")


FSI_VALUES = (("CF", 105.7), ("TD", 106.1), ("CM", 97.0), ("CD", 106.7))


def _people(owner: Organisation, actor: Actor) -> dict[str, dict[str, object]]:
    """An invented person of the demo country with a post in one of its units and a source for it, so that every
    page of the people has a record to show."""
    from egide.actors.data import CitationData
    from egide.duediligence import people_services as people

    person = people.person_create(
        user=PLATFORM,
        data=people.PersonData(country="CF", owner=owner, confidentiality="restricted", notes="Invented"),
        names=[people.NameData("Colonel Exemplar Testperson"), people.NameData("Exemplaire Testpersonne", "spelling")],
    )
    post = people.post_create(user=PLATFORM, person=person, data=people.PostData(actor=actor, role="commander"))
    evidence = people.evidence_add(
        user=PLATFORM, person=person, post=post, new_source=CitationData(title="Invented report"), locator="p. 1"
    )
    name = person.names.order_by("id").values_list("pk", flat=True)[1]
    return {
        "person": {"pk": person.pk},
        "person_name": {"pk": person.pk, "name": name},
        "person_post": {"pk": person.pk, "post": post.pk},
        "person_evidence": {"pk": person.pk, "evidence": evidence.pk},
        "person_organisation": {"pk": owner.pk},
    }


def _diligence() -> dict[str, object]:
    """The demo's due-diligence assessment of the fictional training country, its programme, support and alert."""
    from egide.duediligence.models import Alert, DiligenceAssessment
    from egide.programmes.models import SupportedActor

    assessment = DiligenceAssessment.objects.get(country="XT")
    support = SupportedActor.objects.get(programme_id=assessment.programme_id, actor_id=assessment.actor_id)
    return {
        "assessment": {"pk": assessment.pk},
        "programme": {"pk": assessment.programme_id},
        "create": {"pk": assessment.programme_id, "support": support.pk},
        "alert": {"pk": Alert.objects.filter(assessment=assessment).values_list("pk", flat=True)[0]},
    }


# The due-diligence addresses (egide.duediligence.diligence_urls), by the record whose id they take.
DILIGENCE_ADDRESSES = {
    "diligence:assessment-detail": "assessment",
    "diligence:assessment-edit": "assessment",
    "diligence:assessment-decide": "assessment",
    "diligence:assessment-share": "assessment",
    "diligence:alert-acknowledge": "alert",
    "diligence:assessment-create": "create",
    "diligence:programme-report": "programme",
}


def _kwargs_for(name: str, keys: list[str], values: dict[str, dict[str, object]]) -> dict[str, object] | None:
    if not keys:
        return {}
    if name in DILIGENCE_ADDRESSES:
        return values["diligence"][DILIGENCE_ADDRESSES[name]]  # type: ignore[index, no-any-return]
    if name.startswith("people:"):
        if name == "people:consultations":
            return values["person_organisation"]
        for group in ("person_name", "person_post", "person_evidence", "person"):
            if set(keys) == set(values[group]):
                return values[group]
    if name.startswith("incidents:") and keys == ["pk"]:
        if name.startswith("incidents:responsibility-") and name != "incidents:responsibility-create":
            return values["incident_responsibility"]
        if name.startswith("incidents:evidence-delete"):
            return values["incident_evidence"]
        return values["incident"]
    if name == "brief-style":
        return values["organisation"]
    if name.startswith("brief-"):
        return values["brief"]
    if name.startswith("portal:"):
        # The public portal's addresses carry their language: the walk reads them in French.
        portal = {"language": "fr", "code": "CF", "name": "actors", "fmt": "csv", **values["organisation"]}
        return {key: portal[key] for key in keys}
    if name == "context-indicator-map":
        return values["context_indicator"]
    if name in RESULTS_ADDRESSES:
        return values[RESULTS_ADDRESSES[name]]
    if name.startswith("assessment-"):
        for group in (
            "assessment",
            "assessment_framework",
            "assessment_answer",
            "assessment_comment",
            "assessment_citation",
        ):
            if set(keys) == set(values[group]):
                return values[group]
    for group in ("budget", "transaction"):
        if set(keys) == set(values[group]) and name.startswith(group):
            return values[group]
    if keys == ["pk"] and name.startswith(("programme-money", "budget-", "transaction-", "rate-")):
        return values["rate" if name.startswith("rate-") else "money"]
    if keys == ["pk"] and name.startswith("iati-import-run"):
        return values["iati"]
    for group in ("rule", "invitation", "reset", "job"):
        if set(keys) == set(values[group]) and (group != "job" or name.startswith("import-job")):
            return values[group]
    if keys == ["code"]:
        return values["country"]
    for group in ("actor", "relationship", "organisation", "programme", "framework", "mission", "document"):
        if keys == ["pk"] and name.startswith(group):
            return values[group]
    return None


def test_no_page_shows_an_english_sentence_of_the_catalogue_in_french(demo: None) -> None:
    staff = User.objects.create_superuser(username="walker", password="a-long-test-password")
    values = _parameters(staff)
    reader = verified_client(staff)
    visitor = Client()
    for client in (reader, visitor):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    sentences = _catalogue_sentences()
    assert len(sentences) > 500

    walked, unplaced, english = [], [], []
    for route, pattern, name in _routes(get_resolver().url_patterns):
        if route.startswith(ROUTE_PREFIXES_SKIPPED) or not name or name in SKIPPED:
            continue
        keys = list(pattern.pattern.regex.groupindex)
        kwargs = _kwargs_for(name, keys, values)
        if kwargs is None:
            unplaced.append(name)
            continue
        address = reverse(name, kwargs=kwargs)
        # Pages for people without an account are read as a visitor; the rest as platform staff.
        client = visitor if name.startswith(("password-reset", "invitation-accept", "login")) else reader
        response = client.get(address, follow=True)
        if response.status_code == 405:
            continue  # an address that only takes posts: no page to read
        assert response.status_code == 200, (address, response.status_code)
        if not response["Content-Type"].startswith("text/html"):
            continue
        walked.append(address)
        for text in set(_visible_texts(response.content.decode())):
            for sentence in sentences:
                if sentence.fullmatch(text):
                    english.append(f"{address}: {text!r}")
                    break
    assert unplaced == [], f"give {unplaced} these addresses parameters in the walk, or skip them with a reason"
    assert len(walked) >= 25
    assert english == [], "\n".join(english)
