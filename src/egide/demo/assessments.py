"""The demo's assessments: the Central African Republic reviewed against the SSR governance baseline in 2019 and
in 2024 (data/assessments/CF.yaml), illustrative, answered by the partner secretariat's editor and approved by its
reviewer through the services, so that a comparison and a trend show real movement. Loading twice changes nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.db import transaction

from egide.accounts.models import Organisation
from egide.assessments import services
from egide.assessments.models import AnswerState, Assessment, FrameworkVersion, Status
from egide.core.users import Caller

FOLDER = Path(__file__).resolve().parent / "data" / "assessments"
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


def _load_file(path: Path, user: Caller, organisations: dict[str, Organisation]) -> AssessmentsLoaded:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    version = FrameworkVersion.objects.get(
        framework__identifier=document["framework"], version=str(document["version"])
    )
    owner = organisations[document["owner"]]
    editor = User.objects.get(username=document["author"])
    reviewer = User.objects.get(username=document["reviewer"])
    questions = {question.code: question for question in version.questions.all()}
    loaded = AssessmentsLoaded()
    for entry in document["assessments"]:
        title = entry["title"]["en"]
        as_of = (
            entry["as_of"] if isinstance(entry["as_of"], datetime.date) else datetime.date.fromisoformat(entry["as_of"])
        )
        if Assessment.objects.filter(
            country=document["country"], framework_version=version, as_of=as_of, title=title
        ).exists():
            loaded.unchanged += 1
            continue
        assessment = services.assessment_create(
            user=editor,
            data=services.AssessmentData(
                country=document["country"],
                framework_version=version,
                as_of=as_of,
                owner=owner,
                confidentiality=document.get("confidentiality", "public"),
                title=title,
            ),
        )
        for code, answer in entry["answers"].items():
            services.answer_save(user=editor, assessment=assessment, question=questions[code], data=_answer(answer))
        if entry.get("status") == Status.PUBLISHED:
            assessment = services.assessment_submit(user=editor, assessment=assessment)
            services.assessment_approve(
                user=reviewer, assessment=assessment, comment="Illustrative demo assessment: approved as written."
            )
        loaded.created += 1
    return loaded


@transaction.atomic
def assessments_demo_load(*, user: Caller, organisations: dict[str, Organisation]) -> AssessmentsLoaded:
    services.frameworks_load_shipped(user=user)
    total = AssessmentsLoaded()
    for path in sorted(FOLDER.glob("*.yaml")):
        loaded = _load_file(path, user, organisations)
        total.created += loaded.created
        total.unchanged += loaded.unchanged
    return total
