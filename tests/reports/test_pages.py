"""The briefs' pages and files, with an owner, a member, an outsider and an anonymous visitor: a brief is opened
by whoever asked for it; a public one, once ready, by anyone."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egide.audit.models import AuditEvent
from egide.reports.models import Audience, Brief, BriefStatus
from tests.reports.conftest import AS_OF, SECRETS, Country

pytestmark = pytest.mark.django_db

LIST = reverse("country-briefs", kwargs={"code": "CF"})
FORM = {
    "as_of": AS_OF.isoformat(),
    "language": "en",
    "audience": "reader",
    "section-summary": "1",
    "position-summary": "2",
    "section-system": "1",
    "position-system": "1",
}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _made(client: Client, django_capture_on_commit_callbacks, **changes: str) -> Brief:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, FORM | changes)
    assert response.status_code == 302, response.content.decode()[:2000]
    brief = Brief.objects.latest("requested_at")
    assert response["Location"] == reverse("brief-detail", kwargs={"pk": brief.pk})
    return brief


@pytest.mark.usefixtures("background", "quick_pdf")
def test_a_member_makes_a_brief_reads_it_and_downloads_it(
    country: Country, member: User, owner: User, outsider: User, django_capture_on_commit_callbacks
) -> None:
    client = _client(member)
    assert "Make a brief" in client.get(LIST).content.decode()
    brief = _made(client, django_capture_on_commit_callbacks)
    assert brief.status == BriefStatus.DONE
    assert brief.sections == ["system", "summary"]
    page = client.get(reverse("brief-detail", kwargs={"pk": brief.pk})).content.decode()
    assert page.index('id="brief-system"') < page.index('id="brief-summary"')
    assert SECRETS[0] in page  # the member's own organisation's actor
    assert "Download the PDF" in page
    pdf = client.get(reverse("brief-pdf", kwargs={"pk": brief.pk}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    html = client.get(reverse("brief-html", kwargs={"pk": brief.pk}))
    assert html.status_code == 200
    assert "attachment" in html["Content-Disposition"]
    assert "<style>" in html.content.decode()
    assert SECRETS[0] in html.content.decode()
    assert AuditEvent.objects.filter(action="export", object_id=brief.pk).count() == 2
    # On the list of the country's briefs, for its maker; nobody else opens it, not even the organisation's
    # administrator: it holds what its maker saw.
    assert reverse("brief-detail", kwargs={"pk": brief.pk}) in client.get(LIST).content.decode()
    for other in (owner, outsider, None):
        reader = _client(other)
        assert reverse("brief-detail", kwargs={"pk": brief.pk}) not in reader.get(LIST).content.decode()
        for name in ("brief-detail", "brief-pdf", "brief-html", "brief-status"):
            assert reader.get(reverse(name, kwargs={"pk": brief.pk})).status_code == 404, (other, name)


@pytest.mark.usefixtures("background", "quick_pdf")
def test_a_public_brief_is_open_to_everyone_and_holds_nothing_else(
    country: Country, member: User, outsider: User, django_capture_on_commit_callbacks
) -> None:
    brief = _made(_client(member), django_capture_on_commit_callbacks, audience=Audience.PUBLIC)
    assert brief.level == "public"
    for user in (outsider, None):
        reader = _client(user)
        assert reverse("brief-detail", kwargs={"pk": brief.pk}) in reader.get(LIST).content.decode()
        page = reader.get(reverse("brief-detail", kwargs={"pk": brief.pk})).content.decode()
        assert "Central Armed Forces" in page
        for secret in SECRETS:
            assert secret not in page
        assert reader.get(reverse("brief-pdf", kwargs={"pk": brief.pk})).status_code == 200


def test_an_anonymous_visitor_sees_the_list_but_no_form_and_cannot_ask(country: Country) -> None:
    client = _client(None)
    page = client.get(LIST).content.decode()
    assert "Sign in to make a brief." in page
    assert 'id="brief-request"' not in page
    assert client.post(LIST, FORM).status_code == 403
    assert not Brief.objects.exists()


@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_any_signed_in_reader_may_ask(who: str, country: Country, request: pytest.FixtureRequest) -> None:
    client = _client(request.getfixturevalue(who))
    assert 'id="brief-request"' in client.get(LIST).content.decode()
    response = client.post(LIST, FORM)  # queued: the task runs after the transaction, which a test never commits
    assert response.status_code == 302
    brief = Brief.objects.get()
    assert brief.status == BriefStatus.QUEUED
    page = client.get(reverse("brief-detail", kwargs={"pk": brief.pk})).content.decode()
    assert "Waiting for the background worker" in page
    assert 'hx-trigger="every 2s"' in page
    assert client.get(reverse("brief-pdf", kwargs={"pk": brief.pk})).status_code == 404  # not ready
    status = client.get(reverse("brief-status", kwargs={"pk": brief.pk}))
    assert status.status_code == 200
    assert "HX-Refresh" not in status


def test_bad_input_is_answered_with_its_message(country: Country, member: User) -> None:
    client = _client(member)
    response = client.post(LIST, FORM | {"position-summary": "first"})
    assert response.status_code == 400
    assert "its position must be a whole number" in response.content.decode()
    response = client.post(LIST, FORM | {"as_of": "2024-13-45", "language": "xx"})
    assert response.status_code == 400
    assert not Brief.objects.exists()
    assert client.get(reverse("country-briefs", kwargs={"code": "ZZ"})).status_code == 404
    assert client.get(reverse("brief-detail", kwargs={"pk": 999})).status_code == 404


def test_a_failed_brief_says_why(country: Country, member: User) -> None:
    brief = Brief.objects.create(
        country="CF",
        as_of=AS_OF,
        language="en",
        level="public",
        requested_by=member,
        status=BriefStatus.FAILED,
        error="The worker stopped.",
    )
    page = _client(member).get(reverse("brief-status", kwargs={"pk": brief.pk}))
    assert "The worker stopped." in page.content.decode()
    assert page["HX-Refresh"] == "true"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_form_offers_today_in_the_date_fields_own_format(country: Country, member: User, language: str) -> None:
    page = _client(member).get(LIST, headers={"accept-language": language}).content.decode()
    assert f'type="date" name="as_of" value="{timezone.localdate().isoformat()}"' in page
