"""Asking for a brief, building it in the background, keeping it, and the organisation's logo and footer: the
services' rules, audited."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult
from PIL import Image

from egide.accounts.models import Organisation
from egide.audit.models import AuditEvent
from egide.imports.reaper import tasks_reap
from egide.reports.models import Brief, BriefStatus, BriefStyle
from egide.reports.services import PUBLIC, READER, brief_build, brief_request, brief_run, brief_style_set
from tests.imports.test_reaper import dead_worker
from tests.reports.conftest import AS_OF, Country

pytestmark = pytest.mark.django_db


def png(size: tuple[int, int] = (20, 10)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_a_request_is_kept_audited_and_built_in_the_background(
    country: Country, member: User, background: None, quick_pdf: list[str], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        brief = brief_request(
            user=member, country="CF", as_of=AS_OF, language="fr", chosen=["context", "summary", "bogus"]
        )
    brief.refresh_from_db()
    assert brief.status == BriefStatus.DONE
    assert brief.progress == 100
    assert brief.sections == ["context", "summary"]
    assert brief.level == "restricted"
    assert brief.organisation is not None
    assert brief.organisation.acronym == "MEAE"
    html = brief.html.read().decode()
    assert html.index('id="brief-context"') < html.index('id="brief-summary"')
    assert 'id="brief-governance"' not in html
    assert brief.pdf.read().startswith(b"%PDF")
    assert len(quick_pdf) == 1
    assert 'lang="fr"' in quick_pdf[0]
    event = AuditEvent.objects.get(object_id=brief.pk, action="create", content_type__model="brief")
    assert event.after is not None
    assert event.after["sections"] == ["context", "summary"]
    assert event.country == "CF"


def test_bad_requests_are_refused_with_a_message(country: Country, member: User) -> None:
    with pytest.raises(ValidationError, match="Unknown country"):
        brief_request(user=member, country="QQ", as_of=AS_OF, language="en")
    with pytest.raises(ValidationError, match="Unknown language"):
        brief_request(user=member, country="CF", as_of=AS_OF, language="de")
    with pytest.raises(ValidationError, match="date must lie"):
        brief_request(user=member, country="CF", as_of=datetime.date(1900, 1, 1), language="en")
    with pytest.raises(ValidationError, match="needs that reader"):
        brief_build(country="CF", as_of=AS_OF, language="en", audience=READER)
    assert not Brief.objects.exists()


def test_a_brief_whose_requester_is_gone_fails_and_says_why(country: Country, member: User) -> None:
    brief = Brief.objects.create(country="CF", as_of=AS_OF, language="en", audience=READER, level="public")
    assert brief_run(brief_id=brief.pk) == "failed"
    brief.refresh_from_db()
    assert brief.status == BriefStatus.FAILED
    assert "no longer exists" in brief.error
    assert brief_run(brief_id=brief.pk) == "skipped"  # never taken twice


def test_the_due_diligence_section_follows_the_coordination_briefs_rule(country: Country, member: User) -> None:
    """No assessment of the country's units is readable: no section at all, not even a heading (the section's
    content for a reader is tested with the due-diligence data in tests/duediligence/test_brief_section.py's
    rule, `brief_rows`)."""
    built = brief_build(country="CF", as_of=AS_OF, language="en", audience=READER, user=member, chosen=["diligence"])
    assert 'id="brief-diligence"' not in built.html
    assert built.content.diligence is None


def test_a_french_brief_is_in_french(country: Country) -> None:
    built = brief_build(country="CF", as_of=AS_OF, language="fr", audience=PUBLIC)
    assert "Résumé" in built.html
    assert "Sources" in built.html
    assert "Summary" not in built.html


def test_an_administrator_sets_the_logo_and_footer_used_on_members_briefs(
    country: Country, owner: User, member: User, organisation: Organisation
) -> None:
    brief_style_set(user=owner, organisation=organisation, footer="  For official use  ", logo=png())
    style = BriefStyle.objects.get(organisation=organisation)
    assert style.footer == "For official use"
    assert style.logo.name.endswith(".png")
    built = brief_build(
        country="CF", as_of=AS_OF, language="en", audience=READER, user=member, organisation=organisation
    )
    assert 'class="brief-logo" src="data:image/png;base64,' in built.html
    assert "For official use" in built.html
    assert AuditEvent.objects.filter(action="update", object_repr__contains="MEAE").exists()


@pytest.mark.parametrize("who", ["member", "outsider", "nobody"])
def test_only_an_administrator_changes_the_logo(
    who: str, organisation: Organisation, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(PermissionDenied):
        brief_style_set(user=request.getfixturevalue(who), organisation=organisation, footer="x")
    assert not BriefStyle.objects.exists()


def test_a_logo_that_is_not_an_image_or_too_large_is_refused(owner: User, organisation: Organisation) -> None:
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(ValidationError, match="not a PNG or JPEG"):
        brief_style_set(user=owner, organisation=organisation, footer="", logo=fake)
    with pytest.raises(ValidationError, match="larger than 4000 pixels"):
        brief_style_set(user=owner, organisation=organisation, footer="", logo=png((4100, 10)))
    large = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (600 * 1024), content_type="image/png")
    with pytest.raises(ValidationError, match="larger than 512 KB"):
        brief_style_set(user=owner, organisation=organisation, footer="", logo=large)
    with pytest.raises(ValidationError, match="at most 300"):
        brief_style_set(user=owner, organisation=organisation, footer="x" * 301)
    assert not BriefStyle.objects.exists()


def test_the_style_page_answers_for_an_administrator_only(
    owner: User, member: User, organisation: Organisation
) -> None:
    address = f"/organisations/{organisation.pk}/brief-style/"
    link = f'href="{address}"'
    client = Client()
    assert client.get(address).status_code == 302  # to the log-in page
    client.force_login(member)
    assert client.get(address).status_code == 403
    assert link not in client.get(f"/organisations/{organisation.pk}/").content.decode()
    client.force_login(owner)
    assert client.get(address).status_code == 200
    # The organisation's page leads its administrators there.
    assert link in client.get(f"/organisations/{organisation.pk}/").content.decode()
    response = client.post(address, {"footer": "Draft", "logo": png()})
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    refused = client.post(address, {"footer": "", "logo": SimpleUploadedFile("a.png", b"nope")})
    assert refused.status_code == 400
    assert "not a PNG or JPEG" in refused.content.decode()
    assert BriefStyle.objects.get().footer == "Draft"


def test_a_brief_whose_worker_stopped_fails_with_the_reason_in_its_language(
    country: Country, member: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        brief = brief_request(user=member, country="CF", as_of=AS_OF, language="fr")
    # A worker took its task and started it, then its process ended.
    Brief.objects.filter(pk=brief.pk).update(status=BriefStatus.RUNNING, progress=60)
    task = DBTaskResult.objects.get(task_path="egide.reports.tasks.brief_task")
    task.claim(dead_worker())
    assert [item.task_id for item in tasks_reap()] == [str(task.pk)]
    brief.refresh_from_db()
    assert (brief.status, brief.error) == (
        BriefStatus.FAILED,
        "Le processus d’arrière-plan s’est arrêté pendant la préparation de cette note.",
    )
    assert brief.finished_at is not None


def test_a_country_without_programmes_says_so_in_its_summary(country: Country) -> None:
    built = brief_build(country="CD", as_of=AS_OF, language="fr", audience=PUBLIC)
    assert f"Aucun programme visible par le lecteur n’est en cours en {AS_OF.year}." in built.html
