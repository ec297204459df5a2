"""The demo's assessments: the Central African Republic reviewed against the SSR governance baseline in 2019 and
in 2024 (data/assessments/CF.yaml), illustrative, answered by the partner secretariat's editor and approved by its
reviewer through the services, so that a comparison and a trend show real movement. Loading twice changes nothing.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.db import transaction

from egide.accounts.models import Organisation
from egide.actors.models import Source
from egide.assessments import services
from egide.assessments.models import AnswerState, Assessment, FrameworkVersion, Question, Status
from egide.core.users import Caller
from egide.results import services as results_services
from egide.results.models import AssessmentSource, Indicator

FOLDER = Path(__file__).resolve().parent / "data" / "assessments"
MAPS = FOLDER.parent
STATES = {"not_applicable": AnswerState.NOT_APPLICABLE, "insufficient_evidence": AnswerState.INSUFFICIENT_EVIDENCE}


@dataclass
class AssessmentsLoaded:
    created: int = 0
    unchanged: int = 0


def _answer(entry: dict[str, Any]) -> services.AnswerData:
    value = entry["value"]
    state = STATES.get(str(value), AnswerState.ANSWERED)
    return services.AnswerData(
        state=state,
        value=Decimal(str(value)) if state == AnswerState.ANSWERED else None,
        justification=entry.get("justification") or ("Not known." if state != AnswerState.ANSWERED else ""),
        source=entry.get("source") or "",
        confidence=entry.get("confidence") or "medium",
    )


def _source_titles(country: str) -> dict[str, str]:
    """The titles of the demo map's sources by their key in the map's file, to find the source a citation names."""
    document = json.loads((MAPS / f"{country}.json").read_text(encoding="utf-8"))
    return {source["key"]: source["title"] for source in document.get("sources", [])}


def _cite(
    user: Caller, assessment: Assessment, question: Question, entry: dict[str, Any], titles: dict[str, str]
) -> None:
    """One citation of the file: a source of the map (by its key in the map's file) with a locator, or a governance
    finding at the assessment's date (by its rule and one actor it concerns)."""
    if "finding" in entry:
        resolver = services.CitationResolver(user=user, assessment=assessment)
        keys = sorted(
            key
            for key, (finding, _title) in resolver.findings().items()
            if finding.rule == entry["finding"] and entry["actor"] in finding.references
        )
        if not keys:
            raise ValueError(f"{assessment.as_of}: no finding {entry['finding']} on {entry['actor']} to cite.")
        services.answer_citation_add(
            user=user, assessment=assessment, question=question, reference=f"finding:{keys[0]}", locator=""
        )
        return
    source = Source.objects.get(country=assessment.country, title=titles[entry["source"]])
    services.answer_citation_add(
        user=user, assessment=assessment, question=question, reference=f"S{source.pk}", locator=entry["locator"]
    )


def _discuss(editor: User, reviewer: User, assessment: Assessment, question: Question, entry: dict[str, Any]) -> None:
    """A reviewer's comment on a question, the editor's reply and the reviewer's resolution when the file says so."""
    comment = services.review_comment_add(user=reviewer, assessment=assessment, question=question, text=entry["text"])
    if entry.get("reply"):
        services.review_comment_reply(user=editor, comment=comment, text=entry["reply"])
    if entry.get("resolved"):
        services.review_comment_resolve(user=reviewer, comment=comment)


def _existing(
    document: dict[str, Any], version: FrameworkVersion, entry: dict[str, Any], loaded: dict[str, Assessment]
) -> Assessment | None:
    if "corrects" in entry:
        return Assessment.objects.filter(previous=loaded[entry["corrects"]]).first()
    as_of = entry["as_of"] if isinstance(entry["as_of"], datetime.date) else datetime.date.fromisoformat(entry["as_of"])
    return Assessment.objects.filter(  # the first of its line: a correction keeps its title and date
        country=document["country"], framework_version=version, as_of=as_of, title=entry["title"]["en"], previous=None
    ).first()


def _load_file(path: Path, user: Caller, organisations: dict[str, Organisation]) -> AssessmentsLoaded:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    version = FrameworkVersion.objects.get(
        framework__identifier=document["framework"], version=str(document["version"])
    )
    owner = organisations[document["owner"]]
    editor = User.objects.get(username=document["author"])
    reviewer = User.objects.get(username=document["reviewer"])
    questions = {question.code: question for question in version.questions.all()}
    titles = _source_titles(document["country"])
    loaded = AssessmentsLoaded()
    by_key: dict[str, Assessment] = {}
    for entry in document["assessments"]:
        found = _existing(document, version, entry, by_key)
        if found is not None:
            by_key[entry["key"]] = found
            loaded.unchanged += 1
            continue
        if "corrects" in entry:
            assessment = services.assessment_correct(user=editor, assessment=by_key[entry["corrects"]])
        else:
            as_of = entry["as_of"]
            assessment = services.assessment_create(
                user=editor,
                data=services.AssessmentData(
                    country=document["country"],
                    framework_version=version,
                    as_of=as_of if isinstance(as_of, datetime.date) else datetime.date.fromisoformat(as_of),
                    owner=owner,
                    confidentiality=document.get("confidentiality", "public"),
                    title=entry["title"]["en"],
                ),
            )
        for code, answer in entry["answers"].items():
            services.answer_save(user=editor, assessment=assessment, question=questions[code], data=_answer(answer))
        for code, citations in (entry.get("citations") or {}).items():
            for citation in citations:
                _cite(editor, assessment, questions[code], citation, titles)
        if entry.get("status") in (Status.IN_REVIEW, Status.PUBLISHED):
            assessment = services.assessment_submit(user=editor, assessment=assessment)
        for comment in entry.get("comments") or ():
            _discuss(editor, reviewer, assessment, questions[comment["question"]], comment)
        if entry.get("status") == Status.PUBLISHED:
            assessment = services.assessment_approve(
                user=reviewer, assessment=assessment, comment="Illustrative demo assessment: approved as written."
            )
        by_key[entry["key"]] = assessment
        loaded.created += 1
    for link in document.get("indicators") or ():
        _link_indicator(user, version, link)
    return loaded


def _link_indicator(user: Caller, version: FrameworkVersion, link: dict[str, Any]) -> None:
    """A demo programme's indicator that takes its baseline and actuals from the assessments' scores (the overall
    score, or a section's); left alone when already linked, or when its programme is not loaded."""
    indicator = Indicator.objects.filter(
        result__programme__iati_identifier=link["programme"],
        result__order=link["result"],
        order=link["indicator"],
    ).first()
    if indicator is None or AssessmentSource.objects.filter(indicator=indicator).exists():
        return
    results_services.indicator_source_set(
        user=user,
        indicator=indicator,
        data=results_services.SourceData(framework=version.framework, section_code=link.get("section") or ""),
    )


@transaction.atomic
def assessments_demo_load(*, user: Caller, organisations: dict[str, Organisation]) -> AssessmentsLoaded:
    services.frameworks_load_shipped(user=user)
    total = AssessmentsLoaded()
    for path in sorted(FOLDER.glob("*.yaml")):
        loaded = _load_file(path, user, organisations)
        total.created += loaded.created
        total.unchanged += loaded.unchanged
    return total
