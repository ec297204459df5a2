"""The demo programmes' results frameworks: loaded through the import after the programmes, a mix of approved,
submitted and returned values, nothing changed by loading twice, and a clear note while the programmes are missing."""

import pytest

from egide.demo.loader import demo_load
from egide.demo.results import results_folders, results_load
from egide.programmes.models import Programme
from egide.results.models import Indicator, Result, Update, UpdateStatus

pytestmark = pytest.mark.django_db

DEMO_PROGRAMMES = {
    "FR-DEMO-KOSOVO": "XK",
    "FR-DEMO-AFGHANISTAN": "AF",
    "FR-DEMO-JUSSEC": "ML",
    "FR-DEMO-CAR-ROL": "CF",
    "FR-DEMO-CAR-GOV": "CF",
    "FR-DEMO-DRC-ROL": "CD",
    "FR-DEMO-HAITI": "HT",
}


def test_every_demo_programme_has_a_results_folder() -> None:
    assert {folder.name for folder in results_folders()} == set(DEMO_PROGRAMMES.values())


def test_without_the_programmes_the_results_are_skipped_with_a_note() -> None:
    demo_load(user=None)
    Programme.objects.all().delete()  # with their results: as before the programmes' step has run
    _results, notes = results_load(user=None)
    assert not Result.objects.exists()
    assert "CF: results of FR-DEMO-CAR-ROL skipped: the programme is not loaded yet" in "\n".join(notes)
    assert len(notes) == 7


def test_the_demo_frameworks_load_once_with_a_review_queue() -> None:
    result = demo_load(user=None)  # the organisations, users, maps and programmes, then the results
    assert result.notes == []
    assert set(Result.objects.values_list("programme__iati_identifier", flat=True)) == set(DEMO_PROGRAMMES)
    statuses = set(Update.objects.values_list("status", flat=True))
    assert statuses == {UpdateStatus.APPROVED, UpdateStatus.SUBMITTED, UpdateStatus.RETURNED}
    assert Indicator.objects.filter(actor__reference="PNC", actor__country="CD").exists()
    counts = (Result.objects.count(), Indicator.objects.count(), Update.objects.count())
    again = demo_load(user=None)
    assert all(not report.changed for report in again.results.values())
    assert (Result.objects.count(), Indicator.objects.count(), Update.objects.count()) == counts
