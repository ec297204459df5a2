"""A programme's results framework built and reviewed in a real browser: an editor adds a result, an indicator and
a period through the dialogs and reports a value; a reviewer of the owner organisation approves it; the progress bar
then shows the share of the change achieved. No page is reloaded: each change refreshes the tab in place."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.programmes.models import Programme
from egide.results.models import Update, UpdateStatus
from tests.browser import test_map
from tests.browser.test_map import PASSWORD, Visit
from tests.conftest import make_user

browser = test_map.browser
static_root = test_map.static_root
pytestmark = test_map.pytestmark


@pytest.fixture
def programme(transactional_db: None, organisation: Organisation) -> Programme:
    return Programme.objects.create(
        country="CF",
        iati_identifier="FR-BROWSER-1",
        title_en="Support for the rule of law",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )


@pytest.fixture
def tabs(browser: Any, live_server: Any, member: User, organisation: Organisation) -> Iterator[dict[str, Visit]]:
    make_user("reviewer", organisation, Role.REVIEWER)
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB") for _ in range(2)]
    yield {
        name: Visit(context.new_page(), live_server.url)
        for name, context in zip(("member", "reviewer"), contexts, strict=True)
    }
    for context in contexts:
        context.close()


def log_in(visit: Visit, username: str, path: str) -> Any:
    page = visit.page
    page.goto(visit.url(f"/login/?next={path}"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(visit.url(path))
    return page


def save_dialog(page: Any, text: str) -> None:
    page.click("#dialog button[type=submit]:not([name=draft])")
    try:
        page.wait_for_selector("#dialog:not([open])", state="attached", timeout=5000)
    except Exception:
        raise AssertionError(page.inner_text("#dialog")) from None
    page.wait_for_selector(f"#results-framework :text('{text}')")


def test_an_editor_builds_a_framework_and_a_reviewer_approves_its_value(
    tabs: dict[str, Visit], programme: Programme
) -> None:
    path = reverse("programme-results", kwargs={"pk": programme.pk})
    page = log_in(tabs["member"], "member", path)
    page.evaluate("() => { window.notReloaded = true; }")

    page.click("#new-result")
    page.wait_for_selector("#dialog[open] #id_title_en")
    page.select_option("#id_type", "2")
    page.fill("#id_title_en", "Police work under the law")
    save_dialog(page, "Police work under the law")

    page.click("#results-framework button:text-is('New indicator')")
    page.wait_for_selector("#dialog[open] #id_title_en")
    page.fill("#id_title_en", "Officers trained")
    page.fill("#id_baseline_value", "20")
    save_dialog(page, "Officers trained")

    page.click("#results-framework button:text-is('New period')")
    page.wait_for_selector("#dialog[open] #id_start")
    page.fill("#id_start", "2020-01-01")
    page.fill("#id_end", "2020-12-31")
    page.fill("#id_target_value", "220")
    save_dialog(page, "No approved value yet")

    page.click("#results-framework button:text-is('Report a value')")
    page.wait_for_selector("#dialog[open] #id_value")
    page.fill("#id_value", "120")
    page.fill("#id_value_date", "2020-06-30")
    page.fill("#id_comment", "Attendance sheets of the June course")
    save_dialog(page, "1 waiting")
    assert Update.objects.get().status == UpdateStatus.SUBMITTED
    assert page.evaluate("() => window.notReloaded") is True  # every change was made without reloading the page

    review = log_in(tabs["reviewer"], "reviewer", path)
    review.wait_for_selector("#review-queue-title:text('1 value awaiting review')")
    review.click("#results-framework button:text-is('Approve') >> nth=0")
    bar = review.wait_for_selector(".periods progress")
    assert bar is not None
    # (120 − 20) / (220 − 20) = 50 % of the intended change; the period is over, so the status is red.
    assert bar.evaluate("element => [element.value, element.max, element.position]") == [50, 100, 0.5]
    row = review.inner_text(".periods tbody tr")
    assert "50 %" in row
    assert "Off track" in row
    assert Update.objects.get().status == UpdateStatus.APPROVED
    assert tabs["member"].errors == []
    assert tabs["reviewer"].errors == []
