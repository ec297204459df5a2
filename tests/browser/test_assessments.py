"""An assessment in a real browser: a question answered in place (HTMX, no reload), the assessment submitted by its
editor and approved by a reviewer, and the radar charts drawn by their script under the content security policy."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.assessments import services
from egide.assessments.models import Assessment, Status
from tests.browser import test_map
from tests.browser.test_map import Visit
from tests.conftest import PASSWORD, make_user

browser = test_map.browser
static_root = test_map.static_root
visit = test_map.visit
pytestmark = test_map.pytestmark


@pytest.fixture
def baseline(organisation: Organisation) -> Assessment:
    """The shipped baseline framework, every question answered but the first."""
    version = services.frameworks_load_shipped(user=None)[-1].version
    assert version.framework.identifier == "ssr-governance-baseline"
    assessment = services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country="CF",
            framework_version=version,
            as_of=date(2024, 6, 30),
            owner=organisation,
            confidentiality=Confidentiality.ORGANISATION,
            title="Browser review",
        ),
    )
    levels = version.definition.scale.levels
    for index, question in enumerate(version.questions.order_by("order")[1:]):
        value = levels[index % len(levels)].value
        services.answer_save(
            user=None, assessment=assessment, question=question, data=services.AnswerData(value=Decimal(str(value)))
        )
    return assessment


def _log_in(visit: Visit, username: str, path: str) -> Any:
    page = visit.page
    page.goto(visit.url(f"/login/?next={path}"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(visit.url(path))
    return page


def test_answer_submit_approve_and_see_the_radar(
    visit: Visit, baseline: Assessment, organisation: Organisation
) -> None:
    make_user("reviewer", organisation, Role.REVIEWER)
    path = f"/assessments/{baseline.pk}/"
    page = _log_in(visit, "member", path)
    page.wait_for_selector("#radar-principle canvas", state="attached")
    first = baseline.framework_version.questions.order_by("order").first()
    assert first is not None
    article = f"#question-{first.pk}"
    page.evaluate("() => { window.notReloaded = true; }")
    page.click(f"{article} summary")
    top = baseline.framework_version.definition.scale.levels[-1].value
    page.select_option(f"#id_q{first.pk}-answer", f"{top:g}")
    page.fill(f"#id_q{first.pk}-justification", "Seen in the field")
    page.click(f"{article} button[type=submit]")
    page.wait_for_selector(f"{article} .current-answer strong")
    assert page.evaluate("() => window.notReloaded") is True
    page.wait_for_function("() => document.querySelector('.overall-score').innerText.includes('40 of 40')")
    page.click("#submit-assessment")
    page.wait_for_selector("#assessment-status:has-text('In review')")
    page.click("header form button[type=submit]")  # log out
    page = _log_in(visit, "reviewer", path)
    page.click("#approve-assessment")
    page.wait_for_selector("#assessment-status:has-text('Published')")
    page.wait_for_selector("#radar-principle canvas", state="attached")
    page.wait_for_selector("#radar-area canvas", state="attached")
    baseline.refresh_from_db()
    assert baseline.status == Status.PUBLISHED
    assert visit.errors == []
