"""The reads behind indicators linked to assessments (models.AssessmentSource): the scores of the published
assessments a reader may see, for every linked indicator of a programme at once.

Computed when read, not stored: an assessment is published, corrected or shared at any time, and each reader sees
only the assessments they may see, so a stored value would be stale or say too much. The cost is bounded: five
queries for the whole framework, whatever the number of linked indicators or assessments (the published
assessments of the linked frameworks in the programme's country; their answers, scopes and framework documents, as
assessments.selectors.scorecards_of reads them; the linked sections' titles), and none when no indicator is linked.
A reader who may see the programme but not an assessment gets nothing from it, neither its score nor its date: the
period shows no value, as if the assessment did not exist.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from egide.assessments.models import Assessment, Framework, Section, Status
from egide.assessments.scoring import Score, Scorecard
from egide.assessments.selectors import assessments_visible, frameworks_with_versions, scorecards_of
from egide.core.users import Caller
from egide.results.assessment_values import Measured
from egide.results.models import AssessmentSource, Indicator

TENTH = Decimal("0.1")


def source_of(indicator: Indicator) -> AssessmentSource | None:
    """The indicator's link to assessments, read with it (select_related), or None."""
    try:
        return indicator.assessment_source
    except AssessmentSource.DoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class Derived:
    """A value taken from an assessment the reader may see."""

    measured: Measured
    assessment: Assessment


@dataclass(slots=True)
class Scores:
    """What the reader may see of the assessments of the linked frameworks in one country."""

    measured: dict[tuple[int, str], list[Measured]]
    """By (framework id, section code or "" for the overall score), every visible published assessment's score."""
    assessments: dict[int, Assessment]
    section_titles: dict[tuple[int, str], str]

    def derived(self, measured: Measured | None) -> Derived | None:
        return None if measured is None else Derived(measured, self.assessments[measured.assessment])


def _decimal(value: float | None, places: Decimal = TENTH) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(places)


def _measured(assessment: Assessment, score: Score) -> Measured:
    return Measured(
        assessment=assessment.pk,
        as_of=assessment.as_of,
        score=_decimal(score.score),
        coverage=_decimal(score.coverage, Decimal(1)),
    )


def _part(card: Scorecard, code: str) -> Score | None:
    if not code:
        return card
    return next((section for section in card.sections if section.code == code), None)


def scores_for(*, user: Caller, country: str, sources: Iterable[AssessmentSource]) -> Scores:
    sources = list(sources)
    if not sources:
        return Scores({}, {}, {})
    framework_ids = sorted({source.framework_id for source in sources})
    assessments = list(
        assessments_visible(user=user, country=country)
        .filter(status=Status.PUBLISHED, framework_version__framework_id__in=framework_ids)
        .select_related("framework_version")
        .defer("framework_version__document")  # read once per version by scorecards_of
        .order_by("as_of", "id")
    )
    cards = scorecards_of(assessments) if assessments else {}
    wanted = {(source.framework_id, source.section_code) for source in sources}
    measured: dict[tuple[int, str], list[Measured]] = {key: [] for key in wanted}
    for assessment in assessments:
        framework_id = assessment.framework_version.framework_id
        for key in wanted:
            if key[0] != framework_id:
                continue
            part = _part(cards[assessment.pk], key[1])
            if part is not None:
                measured[key].append(_measured(assessment, part))
    return Scores(
        measured=measured,
        assessments={assessment.pk: assessment for assessment in assessments},
        section_titles=section_titles(wanted),
    )


def section_titles(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The title of each (framework id, section code) in the reader's language, from the latest version that has
    the section, in one query."""
    keys = [key for key in keys if key[1]]
    if not keys:
        return {}
    titles: dict[tuple[int, str], str] = {}
    sections = (
        Section.objects.filter(version__framework_id__in={key[0] for key in keys}, code__in={key[1] for key in keys})
        .select_related("version")
        .order_by("-version__loaded_at", "-version_id")
    )
    for section in sections:
        titles.setdefault((section.version.framework_id, section.code), section.title)
    return titles


def link_choices() -> list[tuple[Framework, list[Section]]]:
    """Every framework with the sections of its latest version, for the form that links an indicator, in two
    queries."""
    frameworks = list(frameworks_with_versions())
    latest = {framework.pk: framework.versions.all()[0].pk for framework in frameworks if framework.versions.all()}
    sections: dict[int, list[Section]] = {}
    for section in Section.objects.filter(version_id__in=latest.values()).order_by("order"):
        sections.setdefault(section.version_id, []).append(section)
    return [(framework, sections.get(latest.get(framework.pk, 0), [])) for framework in frameworks]


def baseline_choices(*, user: Caller, country: str) -> QuerySet[Assessment]:
    """The published assessments of the country the user may see, for choosing a baseline assessment."""
    return (
        assessments_visible(user=user, country=country)
        .filter(status=Status.PUBLISHED)
        .select_related("framework_version")
        .order_by("-as_of", "-id")
    )
