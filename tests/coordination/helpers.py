"""Records for the coordination tests: a published assessment of the small framework with chosen answers."""

import datetime
from decimal import Decimal

from egide.accounts.models import Organisation
from egide.actors.models import Actor
from egide.assessments import services
from egide.assessments.models import Assessment, FrameworkVersion, Question
from tests.assessments.helpers import SMALL


def small_version() -> FrameworkVersion:
    version = FrameworkVersion.objects.filter(framework__identifier="small-review").first()
    return version or services.framework_load(user=None, content=SMALL.read_bytes()).version


def published_assessment(
    *,
    country: str,
    owner: Organisation,
    confidentiality: str,
    answers: dict[str, int],
    actors: tuple[Actor, ...] = (),
    as_of: datetime.date = datetime.date(2024, 6, 30),
    title: str = "Baseline review",
) -> Assessment:
    """An assessment of the small framework (scale 0-3; bands A ≥ 75, B ≥ 40, C below), answered and published."""
    version = small_version()
    assessment = services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country=country,
            framework_version=version,
            as_of=as_of,
            owner=owner,
            confidentiality=confidentiality,
            title=title,
            actors=actors,
        ),
    )
    for code, value in answers.items():
        question = Question.objects.get(version=version, code=code)
        services.answer_save(
            user=None, assessment=assessment, question=question, data=services.AnswerData(value=Decimal(value))
        )
    services.assessment_submit(user=None, assessment=assessment)
    return services.assessment_approve(user=None, assessment=assessment)
