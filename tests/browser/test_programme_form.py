"""Creating a programme through its form in a real browser: rows added in place, the save without a page reload
of the form, the programme's page after it; and the pages at desktop and phone widths, in English and French.

With EGIDE_SCREENSHOTS set to a folder, the pages are also photographed there (for a person to look at).
"""

import os
from pathlib import Path
from typing import Any

from egide.programmes.models import Programme
from tests.browser import test_map
from tests.browser.test_map import Visit
from tests.conftest import ActorFactory, SmallMap

browser = test_map.browser
static_root = test_map.static_root
visit = test_map.visit


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("EGIDE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_member_creates_a_programme_through_the_form(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/programmes/new/?country=CF")
    page = visit.page
    page.fill("#id_iati_identifier", "FR-BROWSER-1")
    page.fill("#id_title_en", "Police training in Bangui")
    page.fill("#id_title_fr", "Formation de la police à Bangui")
    page.select_option("#id_status", "2")
    page.select_option("#id_lifecycle_stage", "implementation")
    page.fill("#id_planned_start", "2021-01-01")
    page.fill("#id_planned_end", "2023-12-31")
    page.check("input[name=areas][value=democratic_forces]")
    page.select_option("#id_participations-0-role", "4")
    page.fill("#id_participations-0-name", "Expertise France")
    # A second sector row, added in place by the form's script.
    page.select_option("#id_sectors-0-code", "15132")
    page.fill("#id_sectors-0-percentage", "70")
    page.click("[data-add-row=sectors]")
    page.select_option("#id_sectors-1-code", "15210")
    page.fill("#id_sectors-1-percentage", "30")
    page.select_option("#id_supports-0-actor", str(small_map.police.pk))
    page.fill("#id_supports-0-support_en", "Training")
    _shot(page, "form-en-desktop")
    page.click("#save-programme")
    page.wait_for_selector("h1:text-is('Police training in Bangui')")
    programme = Programme.objects.get(iati_identifier="FR-BROWSER-1")
    assert sorted(programme.sectors.values_list("code", flat=True)) == ["15132", "15210"]
    assert list(programme.supported_actors.all()) == [small_map.police]
    assert "National Police" in page.inner_text("#supported")
    assert visit.errors == []


def test_a_refused_save_shows_the_problem_in_place(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/programmes/new/?country=CF")
    page = visit.page
    page.fill("#id_title_en", "Unbalanced")
    page.fill("#id_countries-0-percentage", "60")
    page.click("#save-programme")
    page.wait_for_selector("#countries-formset .error")
    assert "add up to 60" in page.inner_text("#countries-formset")
    assert page.input_value("#id_title_en") == "Unbalanced"
    assert not Programme.objects.exists()
    assert visit.errors == []


def test_choosing_another_lead_country_offers_its_actors(
    visit: Visit, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    chadian = make_actor(country="TD", kind="police", name="Police nationale tchadienne")
    visit.log_in("/programmes/new/?country=CF")
    page = visit.page
    page.fill("#id_title_en", "Kept while the form comes back")
    assert page.locator(f"#id_supports-0-actor option[value='{chadian.pk}']").count() == 0
    page.select_option("#id_country", "TD")
    page.wait_for_selector(f"#id_supports-0-actor option[value='{chadian.pk}']", state="attached")
    assert page.input_value("#id_title_en") == "Kept while the form comes back"
    assert page.locator(".error").count() == 0
    assert visit.errors == []


def test_the_pages_at_desktop_and_phone_widths(visit: Visit, small_map: SmallMap) -> None:
    from decimal import Decimal

    from egide.programmes import services
    from egide.programmes.data import CountryShare, ParticipationData, ProgrammeData, SectorShare, SupportData

    services.programme_create(
        user=None,
        data=ProgrammeData(
            country="CF",
            title_en="Support for strengthening the rule of law",
            title_fr="Appui au renforcement de l’État de droit",
            description_en="Police, justice and media.",
            description_fr="Police, justice et médias.",
            owner=small_map.police.owner,
            iati_identifier="FR-DEMO-CAR-ROL",
            status="4",
            lifecycle_stage="closure",
            illustrative=True,
            countries=[CountryShare("CF", Decimal(100))],
            participations=[ParticipationData(role="1", organisation=small_map.police.owner)],
            sectors=[SectorShare("15132", Decimal(60)), SectorShare("15130", Decimal(40))],
            areas=["justice", "democratic_forces"],
            supports=[SupportData(small_map.police, "Training", "Formation")],
        ),
    )
    programme = Programme.objects.get()
    visit.log_in("/programmes/")
    page = visit.page
    for language in ("en", "fr"):
        if language == "fr":
            page.click("button[name=language][value=fr]")
            page.wait_for_selector("html[lang=fr]")
        for width, label in ((1280, "desktop"), (390, "phone")):
            page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
            for path, name in (
                ("/programmes/", "list"),
                (f"/programmes/{programme.pk}/", "programme"),
                (f"/programmes/{programme.pk}/edit/", "form"),
                ("/countries/CF/programmes/", "country-tab"),
                (f"/programmes/{programme.pk}/actors/", "actors-tab"),
                (f"/programmes/{programme.pk}/documents/", "documents-tab"),
                (f"/programmes/{programme.pk}/history/", "history-tab"),
                (f"/actors/{small_map.police.pk}/", "actor"),
            ):
                page.goto(visit.url(path))
                # Nothing sticks out sideways on a phone: the page scrolls only down.
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, (path, language, width, overflow)
                _shot(page, f"{name}-{language}-{label}")
    assert visit.errors == []
