"""The IATI import in a real browser: files chosen and sent, the run page following the background import live
until its report shows; and the IATI pages at desktop and phone widths, in English and French.

With EGIDE_SCREENSHOTS set to a folder, the pages are also photographed there (for a person to look at).
"""

from pathlib import Path
from typing import Any

from egide.iati.models import IatiImportRun
from egide.iati.services import iati_import_run_execute
from egide.programmes.models import Programme
from tests.browser import test_map
from tests.browser.test_map import Visit
from tests.browser.test_programme_form import _shot as shot
from tests.iati.test_pages import FILE

browser = test_map.browser
static_root = test_map.static_root
visit = test_map.visit


def _shot(page: Any, name: str) -> None:
    shot(page, f"iati-{name}")


def test_a_member_imports_a_file_and_sees_its_report_arrive(visit: Visit, tmp_path: Path) -> None:
    source = tmp_path / "donor.xml"
    source.write_bytes(FILE)
    visit.log_in("/iati/import/")
    page = visit.page
    page.set_input_files("#id_activity_files", str(source))
    page.check("input[name=sectors][value=ssr]")
    page.click("#iati-import-form button[type=submit]")
    page.wait_for_selector("#iati-run[data-status=queued]")
    assert "Waiting for the background worker" in page.inner_text("#iati-run-state")
    run = IatiImportRun.objects.get()
    assert iati_import_run_execute(run_id=str(run.pk)) == "done"
    # The page asks again every two seconds, and shows the report once the run has ended.
    page.wait_for_selector("#iati-run[data-status=done] #iati-run-report", timeout=15_000)
    cells = page.locator("#iati-run-report tbody td").all_inner_texts()
    assert cells[:5] == ["2", "1", "0", "0", "1"]
    assert Programme.objects.get().iati_identifier == "XM-DAC-7-1"
    assert visit.errors == []
    for language in ("en", "fr"):
        if language == "fr":
            page.click("button[name=language][value=fr]")
            page.wait_for_selector("html[lang=fr]")
        for width, label in ((1280, "desktop"), (390, "phone")):
            page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
            for path, name in (
                ("/iati/import/", "import"),
                (f"/iati/imports/{run.pk}/", "run"),
                ("/iati/export/", "export"),
            ):
                page.goto(visit.url(path))
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, (path, language, width, overflow)
                _shot(page, f"{name}-{language}-{label}")
    assert visit.errors == []
