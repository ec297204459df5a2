"""The organisation's audit log page: who may open it, filters, pages, languages, and what it shows."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from egide.actors.models import Actor
from egide.audit import views
from egide.audit.context import audit_context
from egide.audit.models import AuditEvent
from egide.audit.services import audit_record, audit_records_bulk, snapshot
from tests.actors.html import inline_scripts, script_sources, table_rows, text
from tests.audit.conftest import People, RecordFactory


def _url(people: People) -> str:
    return reverse("organisation-audit", kwargs={"pk": people.owner.pk})


def _rows(response: HttpResponse) -> list[list[str]]:
    assert response.status_code == 200
    return table_rows(response.content.decode(), "audit-log-table")


@pytest.fixture
def logged(owned_actor: Actor, people: People, make_record: RecordFactory) -> list[AuditEvent]:
    before = snapshot(owned_actor)
    with audit_context(ip="192.0.2.10", channel="web"):
        created = audit_record(user=people.editor, action="create", instance=owned_actor, before=None, after=before)
    owned_actor.name_en = "Police Force"
    owned_actor.save()
    with audit_context(ip="2001:db8::5", channel="api"):
        renamed = audit_record(
            user=people.administrator, action="update", instance=owned_actor, before=before, after=snapshot(owned_actor)
        )
    foreign = make_record("Foreign Unit", owner=people.other)
    audit_record(user=people.outsider, action="create", instance=foreign, before=None, after=snapshot(foreign))
    return [created, renamed]


# --- who may open it -----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, people: People) -> None:
    response = client.get(_url(people))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={_url(people)}"


def test_the_owners_administrator_sees_the_owners_log(
    administrator_client: Client, people: People, logged: list[AuditEvent]
) -> None:
    rows = _rows(administrator_client.get(_url(people)))
    assert len(rows) == 2
    when, who, where, record, what = rows[0]
    assert who == "ada"
    assert where == "2001:db8::5 API"
    assert record == "Police Force Actor · CF"
    assert what.startswith("Changed")
    assert "Name (English): National Police → Police Force" in what
    assert "UTC" in when
    assert rows[1][1:3] == ["eddie", "192.0.2.10 Web"]
    assert "Foreign Unit" not in administrator_client.get(_url(people)).content.decode()


def _as_superuser(rf: RequestFactory, people: People, pk: int) -> HttpResponse:
    """The view itself, called as platform staff (whose two-factor step is another middleware's business)."""
    request = rf.get(reverse("organisation-audit", kwargs={"pk": pk}))
    request.user = people.superuser
    return views.organisation_audit(request, pk=pk)


def test_a_superuser_sees_any_organisations_log(rf: RequestFactory, people: People, logged: list[AuditEvent]) -> None:
    assert len(_rows(_as_superuser(rf, people, people.owner.pk))) == 2
    assert [row[1] for row in _rows(_as_superuser(rf, people, people.other.pk))] == ["otto"]


def test_an_editor_of_the_organisation_is_refused(editor_client: Client, people: People, logged: object) -> None:
    assert editor_client.get(_url(people)).status_code == 403


def test_an_administrator_of_another_organisation_is_refused(
    outsider_client: Client, people: People, logged: object
) -> None:
    assert outsider_client.get(_url(people)).status_code == 403
    assert outsider_client.get(reverse("organisation-audit", kwargs={"pk": people.other.pk})).status_code == 200


def test_an_unknown_organisation_is_not_found(rf: RequestFactory, people: People, administrator_client: Client) -> None:
    assert administrator_client.get(reverse("organisation-audit", kwargs={"pk": 999999})).status_code == 404
    with pytest.raises(Http404):
        _as_superuser(rf, people, 999999)


def test_the_page_only_reads(administrator_client: Client, people: People, logged: object) -> None:
    assert administrator_client.post(_url(people)).status_code == 405
    assert AuditEvent.objects.count() == 3


# --- filters and pages ---------------------------------------------------------------------------------------


def test_filter_by_action(administrator_client: Client, people: People, logged: object) -> None:
    rows = _rows(administrator_client.get(_url(people), {"action": "create"}))
    assert [row[1] for row in rows] == ["eddie"]
    html = administrator_client.get(_url(people), {"action": "create"}).content.decode()
    assert '<option value="create" selected>Created</option>' in html
    assert '<option value="update">Changed</option>' in html


def test_filter_by_record_type(administrator_client: Client, people: People, logged: object) -> None:
    assert len(_rows(administrator_client.get(_url(people), {"model": "actors.actor"}))) == 2
    assert _rows(administrator_client.get(_url(people), {"model": "actors.relationship"})) == []
    html = administrator_client.get(_url(people)).content.decode()
    assert '<option value="actors.actor">Actor</option>' in html


def test_search_in_record_names_and_usernames(administrator_client: Client, people: People, logged: object) -> None:
    assert [row[1] for row in _rows(administrator_client.get(_url(people), {"q": "eddie"}))] == ["eddie"]
    assert [row[1] for row in _rows(administrator_client.get(_url(people), {"q": "force"}))] == ["ada"]
    assert [row[1] for row in _rows(administrator_client.get(_url(people), {"q": "POLICE"}))] == ["ada", "eddie"]
    response = administrator_client.get(_url(people), {"q": "nothing like it"})
    assert "No change has been recorded." in text(response.content.decode())
    assert 'value="nothing like it"' in response.content.decode()


def test_fifty_events_a_page(administrator_client: Client, people: People, owned_actor: Actor) -> None:
    items: list[tuple[Model, dict | None, dict | None]] = [
        (owned_actor, {"notes": ""}, {"notes": str(n)}) for n in range(51)
    ]
    audit_records_bulk(user=people.editor, action="update", items=items)
    first = administrator_client.get(_url(people), {"action": "update"})
    assert len(_rows(first)) == 50
    page = text(first.content.decode())
    assert "51 events" in page
    assert "Page 1 of 2" in page
    assert "action=update&amp;page=2" in first.content.decode()
    second = administrator_client.get(_url(people), {"action": "update", "page": 2})
    assert len(_rows(second)) == 1
    assert len(_rows(administrator_client.get(_url(people), {"page": "999"}))) == 1
    assert len(_rows(administrator_client.get(_url(people), {"page": "x"}))) == 50


def test_the_number_of_queries_does_not_grow_with_the_events(
    administrator_client: Client,
    people: People,
    owned_actor: Actor,
    make_record: RecordFactory,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    def record(count: int) -> None:
        for number in range(count):
            actor = make_record(f"Unit {number}", owner=people.other if number % 2 else people.owner)
            before = snapshot(actor)
            actor.owner = people.owner  # half of them change hands: their rows name both organisations
            actor.notes = f"note {number}"
            audit_record(user=people.editor, action="update", instance=actor, before=before, after=snapshot(actor))

    record(2)
    administrator_client.get(_url(people))  # warm the content type cache
    with CaptureQueriesContext(connection) as few:
        administrator_client.get(_url(people))
    record(40)
    with django_assert_max_num_queries(len(few)):
        assert len(_rows(administrator_client.get(_url(people)))) == 42


# --- languages and safety ------------------------------------------------------------------------------------


def test_the_page_speaks_french(administrator_client: Client, people: People, logged: object) -> None:
    response = administrator_client.get(_url(people), HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert re.search(r"<h1>Journal d’audit</h1>", html)
    page = text(html)
    assert "Toutes les actions" in page
    assert "2 événements" in page
    assert "Quand" in page
    assert "Nom (anglais) : National Police → Police Force" in page
    rows = _rows(response)
    assert rows[0][4].startswith("Modification")
    assert rows[1][4].startswith("Création")
    assert '<option value="create">Création</option>' in html


def test_the_page_has_no_inline_script_or_style(administrator_client: Client, people: People, logged: object) -> None:
    html = administrator_client.get(_url(people)).content.decode()
    assert inline_scripts(html) == []
    assert script_sources(html)
    assert " style=" not in html
    assert "<style" not in html


def test_what_people_typed_is_escaped(administrator_client: Client, people: People, make_record: RecordFactory) -> None:
    actor = make_record("<script>alert(1)</script>", owner=people.owner)
    user = User.objects.create_user(username="<b>bold</b>", password="a-long-test-password")
    audit_record(user=user, action="create", instance=actor, before=None, after=snapshot(actor))
    html = administrator_client.get(_url(people)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
