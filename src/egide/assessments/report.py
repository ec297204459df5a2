"""An assessment's scores as plain data, the same for the command line and the API."""

from typing import Any

from egide.assessments.models import Assessment
from egide.assessments.scoring import Score
from egide.assessments.selectors import scorecard


def score_data(score: Score) -> dict[str, Any]:
    return {
        "score": None if score.score is None else round(score.score, 2),
        "band": score.band.code if score.band else None,
        "coverage": None if score.coverage is None else round(score.coverage, 2),
        "answered": score.answered,
        "applicable": score.applicable,
    }


def score_document(assessment: Assessment) -> dict[str, Any]:
    card = scorecard(assessment)
    version = assessment.framework_version
    return {
        "id": assessment.pk,
        "title": str(assessment),
        "country": assessment.country,
        "as_of": assessment.as_of.isoformat(),
        "status": assessment.status,
        "framework": version.framework.identifier,
        "framework_version": version.version,
        "overall": score_data(card),
        "sections": [
            {"code": section.code, "weight": section.weight, **score_data(section)} for section in card.sections
        ],
    }
