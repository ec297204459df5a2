"""The demo's assessments of the Central African Republic: published, answered by the secretariat's editor and
approved by its reviewer, showing movement between 2019 and 2024; loading the demo twice changes nothing."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from egide.accounts.selectors import PLATFORM
from egide.assessments import services
from egide.assessments.models import AnswerCitation, Assessment, ReviewComment, Status
from egide.assessments.selectors import scorecard
from egide.audit.models import AuditEvent
from egide.demo.loader import demo_load
from egide.results.models import AssessmentSource, Indicator
from egide.results.selectors import programme_framework


@pytest.mark.django_db
def test_two_published_baselines_of_the_central_african_republic() -> None:
    demo_load(user=PLATFORM)
    demo_load(user=PLATFORM)
    assessments = list(Assessment.objects.filter(country="CF", previous=None).order_by("as_of"))
    assert [a.as_of.year for a in assessments] == [2019, 2024]
    assert all(a.status == Status.PUBLISHED for a in assessments)
    assert all("illustrative" in a.title for a in assessments)
    assert [a.submitted_by.username for a in assessments] == ["strss-editor", "strss-editor"]  # type: ignore[union-attr]
    assert [a.reviewed_by.username for a in assessments] == ["strss-reviewer", "strss-reviewer"]  # type: ignore[union-attr]
    first, second = (scorecard(a) for a in assessments)
    assert first.score is not None
    assert second.score is not None
    assert round(first.score, 1) == 23.3
    assert round(second.score, 1) == 31.2  # the 2024 review shows progress
    assert (first.answered, first.applicable, second.answered) == (37, 40, 40)
    assert first.band is not None
    assert first.band.code == "E"
    assert second.section("intelligence").score == first.section("intelligence").score  # unchanged there


@pytest.mark.django_db
def test_citations_a_correction_in_review_and_an_indicator_measured_by_the_assessments() -> None:
    demo_load(user=PLATFORM)
    first, second = (
        Assessment.objects.get(country="CF", as_of=date(year, 6, 30), status=Status.PUBLISHED) for year in (2019, 2024)
    )
    counted = _counts()
    demo_load(user=PLATFORM)  # loading again adds and changes nothing
    assert _counts() == counted
    # Answers cite sources of the map with a locator, and one cites a governance finding.
    cited = AnswerCitation.objects.filter(answer__assessment=first).select_related("answer__question", "source")
    by_question = {citation.answer.question.code: citation for citation in cited}
    assert by_question["DF1"].finding_rule == "irregular-forces"
    assert by_question["DF1"].finding_key
    assert by_question["IS1"].source is not None
    assert by_question["IS1"].source.title.startswith("Constitution de la République centrafricaine du 30 mars 2016")
    assert by_question["IS1"].locator.startswith("Illustrative locator")
    assert AnswerCitation.objects.filter(answer__assessment=second, source__isnull=False).count() == 2
    # A correction of 2024, submitted: one comment answered and resolved, one open, written by the reviewer.
    correction = Assessment.objects.get(previous=second)
    assert correction.status == Status.IN_REVIEW
    assert correction.submitted_by.username == "strss-editor"  # type: ignore[union-attr]
    comments = ReviewComment.objects.filter(assessment=correction, parent=None).order_by("id")
    assert [(c.question.code, c.author.username, c.resolved) for c in comments] == [  # type: ignore[union-attr]
        ("CO2", "strss-reviewer", True),
        ("SB4", "strss-reviewer", False),
    ]
    assert [reply.author.username for reply in comments[0].replies.all()] == ["strss-editor"]  # type: ignore[union-attr]
    reviewer = User.objects.get(username="strss-reviewer")
    assert services.may_review(user=reviewer, assessment=correction)
    # The illustrative governance programme's indicator: its baseline is the 2019 overall score, its 2024 actual
    # the 2024 one.
    indicator = Indicator.objects.get(result__programme__iati_identifier="FR-DEMO-CAR-GOV")
    assert indicator.assessment_source.section_code == ""
    assert indicator.baseline_value is None
    framework = programme_framework(user=reviewer, programme=indicator.result.programme, today=date(2026, 1, 1))
    view = next(view for result in framework.results for view in result.indicators if view.indicator == indicator)
    assert view.source is not None
    assert view.source.baseline is not None
    assert view.source.baseline.assessment == first
    assert round(float(view.source.baseline.measured.score or 0), 1) == 23.3
    assert [period.derived.assessment if period.derived else None for period in view.periods] == [second]
    assert round(float(view.periods[0].progress.actual or 0), 1) == 31.2


def _counts() -> tuple[int, ...]:
    return (
        Assessment.objects.count(),
        AnswerCitation.objects.count(),
        ReviewComment.objects.count(),
        AssessmentSource.objects.count(),
        # The assessments' and the indicators' links' own audit trail (the maps' imports audit each run).
        AuditEvent.objects.filter(content_type__app_label__in=["assessments", "results"]).count(),
    )
