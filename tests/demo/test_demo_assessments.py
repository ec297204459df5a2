"""The demo's assessments of the Central African Republic: published, answered by the secretariat's editor and
approved by its reviewer, showing movement between 2019 and 2024; loading the demo twice changes nothing."""

import pytest

from egide.accounts.selectors import PLATFORM
from egide.assessments.models import Assessment, Status
from egide.assessments.selectors import scorecard
from egide.demo.loader import demo_load


@pytest.mark.django_db
def test_two_published_baselines_of_the_central_african_republic() -> None:
    demo_load(user=PLATFORM)
    demo_load(user=PLATFORM)
    assessments = list(Assessment.objects.filter(country="CF").order_by("as_of"))
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
