"""Concurrent edits: every actor and relationship has a version; a save or a deletion made from an older version is
refused and says what changed in between; the API sends ETags and answers 412 to a stale If-Match; SQLite waits for
its write lock instead of failing with "database is locked". The live tests run the real HTTP stack with two
simultaneous editors: a live server on PostgreSQL, a server process over a file database on SQLite."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from egide.accounts import services as account_services
from egide.accounts.models import Confidentiality, Organisation, Role
from egide.actors.models import Actor, Relationship
from tests.actors.concurrency_server import Scene, make_scene
from tests.actors.html import text
from tests.conftest import SmallMap, make_user

ROOT = Path(__file__).resolve().parents[2]
CONFLICT_MARK = 'id="edit-conflict"'
SERVER_LAUNCH = "import django; django.setup(); from tests.actors.concurrency_server import main; main()"


class _FormReader(HTMLParser):
    """The values a browser would send for the first form holding a CSRF token: inputs, selects, text areas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.in_form = self.done = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if self.done:
            return
        if tag == "form" and attributes.get("method") == "post" and "enctype" in attributes:
            self.in_form = True
        elif not self.in_form:
            return
        elif tag == "input" and name and attributes.get("type", "text") not in ("file", "submit", "button"):
            if attributes.get("type") in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values[name] = attributes.get("value", "on")
            else:
                self.values[name] = attributes.get("value", "")
        elif tag == "select":
            self.select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attributes:
            self.values[self.select] = attributes.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            # A text area's content starts after the newline Django's widget writes.
            self.values[self.textarea] += data.removeprefix("\n") if not self.values[self.textarea] else data


def form_values(html: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    assert reader.values, "no form in the page"
    return reader.values


def conflict_text(html: str) -> str:
    start = html.index(CONFLICT_MARK)
    start = html.rindex("<", 0, start)
    end = html.index("</section>", start)
    return text(html[start:end])


@pytest.fixture
def colleague(organisation: Organisation) -> User:
    return make_user("colleague", organisation, Role.EDITOR)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Two forms opened, saved one after the other ----------------------------------------------------------------------


def test_a_form_saved_after_someone_elses_save_is_refused_and_says_who_changed_what(
    small_map: SmallMap, member: User, colleague: User
) -> None:
    mine, theirs = logged_in(member), logged_in(colleague)
    url = reverse("actor-edit", kwargs={"pk": small_map.army.pk})
    my_form, their_form = form_values(mine.get(url).content.decode()), form_values(theirs.get(url).content.decode())

    response = theirs.post(url, their_form | {"notes": "Seen at the border.", "acronym_en": "FACA-2"})
    assert response.status_code == 302

    response = mine.post(url, my_form | {"mandate_text": "Defend the territory."})
    assert response.status_code == 200
    html = response.content.decode()
    conflict = conflict_text(html)
    assert "colleague" in conflict
    assert "Notes: Seen at the border." in conflict
    assert "Acronym (English): FACA-2" in conflict
    # Nothing was overwritten, nothing of mine was written.
    army = Actor.objects.get(pk=small_map.army.pk)
    assert (army.notes, army.acronym_en, army.mandate_text) == ("Seen at the border.", "FACA-2", "")

    # Reloading shows the current values.
    reloaded = form_values(mine.get(url).content.decode())
    assert reloaded["notes"] == "Seen at the border."
    assert reloaded["version"] == str(army.version)
    # Or: the form keeps what I typed and now carries the current version, so saving again applies it knowingly.
    again = form_values(html)
    assert again["mandate_text"] == "Defend the territory."
    assert again["version"] == str(army.version)
    assert mine.post(url, again).status_code == 302
    army.refresh_from_db()
    assert army.mandate_text == "Defend the territory."


def test_a_conflict_with_htmx_re_renders_the_dialog(small_map: SmallMap, member: User, colleague: User) -> None:
    mine, theirs = logged_in(member), logged_in(colleague)
    url = reverse("actor-edit", kwargs={"pk": small_map.army.pk})
    my_form = form_values(mine.get(url).content.decode())
    their_form = form_values(theirs.get(url).content.decode())
    assert theirs.post(url, their_form | {"notes": "Theirs."}, HTTP_HX_REQUEST="true").status_code == 204
    response = mine.post(url, my_form | {"notes": "Mine."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Notes: Theirs." in conflict_text(response.content.decode())
    assert Actor.objects.get(pk=small_map.army.pk).notes == "Theirs."


def test_the_conflict_names_no_hidden_record_and_no_user_to_a_sharing_editor(
    small_map: SmallMap, member: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    """An editor of an organisation the record is shared with learns what changed, not who did it, and never the
    name or id of an actor hidden from it."""
    army = small_map.army
    army.confidentiality = Confidentiality.RESTRICTED
    army.save()
    account_services.record_share(user=None, record=army, organisation=other_organisation, can_edit_too=True)
    partner = make_user("partner", other_organisation, Role.EDITOR)
    hidden_parent = small_map.interior
    hidden_parent.confidentiality = Confidentiality.ORGANISATION
    hidden_parent.save()

    url = reverse("actor-edit", kwargs={"pk": army.pk})
    theirs = logged_in(partner)
    their_form = form_values(theirs.get(url).content.decode())
    mine = logged_in(member)
    my_form = form_values(mine.get(url).content.decode())
    assert mine.post(url, my_form | {"parent": str(hidden_parent.pk), "notes": "Moved."}).status_code == 302

    response = theirs.post(url, their_form | {"notes": "Partner's note."})
    conflict = conflict_text(response.content.decode())
    assert "Notes: Moved." in conflict
    assert "member" not in conflict
    assert "Ministry of the Interior" not in conflict
    assert f"#{hidden_parent.pk}" not in conflict
    assert "an actor you cannot see" in conflict
    # The owner's own members see who.
    other_member = make_user("another", organisation, Role.EDITOR)
    again = logged_in(other_member)
    stale = form_values(again.get(url).content.decode()) | {"version": str(Actor.objects.get(pk=army.pk).version - 1)}
    conflict = conflict_text(again.post(url, stale).content.decode())
    assert "member" in conflict
    assert "Ministry of the Interior" in conflict


def test_a_relationship_form_saved_after_someone_elses_save_is_refused(
    small_map: SmallMap, member: User, colleague: User
) -> None:
    mine, theirs = logged_in(member), logged_in(colleague)
    url = reverse("relationship-edit", kwargs={"pk": small_map.commands.pk})
    my_form, their_form = form_values(mine.get(url).content.decode()), form_values(theirs.get(url).content.decode())
    assert theirs.post(url, their_form | {"legal_basis": "Constitution, art. 33"}).status_code == 302
    response = mine.post(url, my_form | {"strength": "strong"})
    assert response.status_code == 200
    conflict = conflict_text(response.content.decode())
    assert "colleague" in conflict
    assert "Legal basis: Constitution, art. 33" in conflict
    commands = Relationship.objects.get(pk=small_map.commands.pk)
    assert (commands.legal_basis, commands.strength) == ("Constitution, art. 33", "moderate")


def test_deleting_from_an_older_version_is_refused(small_map: SmallMap, member: User, colleague: User) -> None:
    mine, theirs = logged_in(member), logged_in(colleague)
    army_url = reverse("actor-detail", kwargs={"pk": small_map.army.pk})
    page = mine.get(army_url).content.decode()
    assert f'name="version" value="{small_map.army.version}"' in page
    edit = reverse("actor-edit", kwargs={"pk": small_map.army.pk})
    assert theirs.post(edit, form_values(theirs.get(edit).content.decode()) | {"notes": "Renamed."}).status_code == 302

    response = mine.post(reverse("actor-delete", kwargs={"pk": small_map.army.pk}), {"version": small_map.army.version})
    assert response.status_code == 302
    assert response["Location"] == army_url
    assert Actor.objects.filter(pk=small_map.army.pk).exists()
    shown = text(mine.get(army_url).content.decode())
    assert "was changed after you opened it" in shown

    response = mine.post(
        reverse("relationship-delete", kwargs={"pk": small_map.commands.pk}),
        {"version": small_map.commands.version + 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert Relationship.objects.filter(pk=small_map.commands.pk).exists()

    current = Actor.objects.get(pk=small_map.army.pk).version
    response = mine.post(reverse("actor-delete", kwargs={"pk": small_map.army.pk}), {"version": current})
    assert response.status_code == 302
    assert not Actor.objects.filter(pk=small_map.army.pk).exists()


def test_versions_count_the_changes_made_through_the_services(small_map: SmallMap, member: User) -> None:
    army = Actor.objects.get(pk=small_map.army.pk)
    start = army.version
    client = logged_in(member)
    url = reverse("actor-edit", kwargs={"pk": army.pk})
    form = form_values(client.get(url).content.decode())
    assert client.post(url, form).status_code == 302  # nothing changed: the version stays
    assert Actor.objects.get(pk=army.pk).version == start
    assert client.post(url, form | {"notes": "One."}).status_code == 302
    assert Actor.objects.get(pk=army.pk).version == start + 1


# --- The API: ETag, If-Match, 412 -------------------------------------------------------------------------------------


def _json(client: Client, method: str, url: str, payload: Any = None, **headers: str) -> Any:
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json", headers=headers)


@pytest.mark.parametrize("kind", ["actors", "relationships"])
def test_the_api_sends_an_etag_and_refuses_a_stale_if_match(kind: str, small_map: SmallMap, member: User) -> None:
    client = logged_in(member)
    record = small_map.army if kind == "actors" else small_map.commands
    url = f"/api/v1/{kind}/{record.pk}"
    response = client.get(url)
    etag = response["ETag"]
    assert response.json()["version"] == record.version
    assert etag == f'"{kind[:-1]}-{record.pk}-{record.version}"'

    response = _json(client, "patch", url, {"notes": "First."}, if_match=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["version"] == record.version + 1

    response = _json(client, "patch", url, {"notes": "Second."}, if_match=etag)
    assert response.status_code == 412
    assert "changed since" in response.json()["detail"]
    assert type(record).objects.get(pk=record.pk).notes == "First."
    response = _json(client, "delete", url, if_match=etag)
    assert response.status_code == 412
    assert type(record).objects.filter(pk=record.pk).exists()

    # Any of several tags, or *, matches; a weak comparison is not allowed for If-Match.
    current = client.get(url)["ETag"]
    assert _json(client, "patch", url, {"notes": "Third."}, if_match=f"{etag}, {current}").status_code == 200
    assert _json(client, "patch", url, {"notes": "Fourth."}, if_match="*").status_code == 200
    assert _json(client, "delete", url, if_match=f"W/{client.get(url)['ETag']}").status_code == 412
    assert _json(client, "delete", url, if_match=client.get(url)["ETag"]).status_code == 204


def test_the_api_checks_a_version_given_in_the_body(small_map: SmallMap, member: User) -> None:
    client = logged_in(member)
    url = f"/api/v1/actors/{small_map.army.pk}"
    version = client.get(url).json()["version"]
    assert _json(client, "patch", url, {"notes": "Mine.", "version": version}).status_code == 200
    response = _json(client, "patch", url, {"notes": "Stale.", "version": version})
    assert response.status_code == 409
    assert "changed since" in response.json()["detail"]
    body = client.get(url).json()
    assert body["notes"] == "Mine."
    # Without a version or If-Match a change still goes through (older scripts keep working).
    assert _json(client, "patch", url, {"notes": "Unconditional."}).status_code == 200


def test_the_openapi_document_declares_etag_and_412(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    read = schema["paths"]["/api/v1/actors/{pk}"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]
    for method in ("put", "patch", "delete"):
        operation = schema["paths"]["/api/v1/actors/{pk}"][method]
        assert "412" in operation["responses"], method
        assert any(parameter["name"] == "If-Match" for parameter in operation["parameters"]), method
        operation = schema["paths"]["/api/v1/relationships/{pk}"][method]
        assert "412" in operation["responses"], method


# --- SQLite is set up for concurrent writers --------------------------------------------------------------------------


def test_sqlite_settings_wait_for_the_write_lock(tmp_path: Path) -> None:
    code = "from egide import settings; import json; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "EGIDE_DATA_DIR": str(tmp_path)}
    options = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]


# --- Two editors at once, through the real HTTP stack -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sqlite_server(tmp_path: Path) -> Iterator[tuple[str, Scene]]:
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "EGIDE_DATA_DIR": str(tmp_path),
        # Debug mode serves the static files without a collected manifest; the answers' statuses are the same.
        "DEBUG": "true",
        "HTTPS": "false",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "egide.settings",
    }
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_LAUNCH, str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, (tmp_path / "server.log").read_text()
        scene = Scene(**json.loads(line))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", scene
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def live(request: pytest.FixtureRequest, tmp_path: Path, transactional_db: None) -> Iterator[tuple[str, Scene]]:
    """A server that handles requests in parallel threads, over the database the suite runs on."""
    if connection.vendor == "sqlite":
        # The suite's SQLite database lives in memory and cannot be shared: a server process gets a file database.
        yield from _sqlite_server(tmp_path)
        return
    live_server = request.getfixturevalue("live_server")
    yield live_server.url, make_scene()  # noqa: PT022 (the SQLite branch of this fixture tears down)


class _Browser:
    """One user's HTTP client. Each request opens its own connection and asks the server to close it, so that the
    server's thread ends with the request and closes its database connection."""

    def __init__(self, *, session: str = "", token: str = "") -> None:
        self.cookies = requests.cookies.RequestsCookieJar()
        self.headers = {"Connection": "close"}
        if session:
            self.cookies.set(settings.SESSION_COOKIE_NAME, session)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        response = requests.request(
            method, url, headers=self.headers | (headers or {}), cookies=self.cookies, timeout=60, **kwargs
        )
        self.cookies.update(response.cookies)
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("get", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("post", url, allow_redirects=False, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self.request("patch", url, **kwargs)


def _at_once(*calls: Any) -> list[Any]:
    """Run the calls in parallel threads; each waits for the others at the barrier it is given."""
    barrier = threading.Barrier(len(calls))
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call, barrier) for call in calls]
        return [future.result(timeout=90) for future in futures]


ROUNDS = 4


def test_two_editors_saving_the_same_actor_at_once_lose_nothing(live: tuple[str, Scene]) -> None:
    base, scene = live
    url = f"{base}/actors/{scene.actor}/edit/"
    browsers = [_Browser(session=session) for session in scene.sessions]
    fields = ["notes", "mandate_reference"]

    for round_ in range(ROUNDS):

        def save(barrier: threading.Barrier, index: int, round_: int = round_) -> tuple[int, str, str]:
            browser = browsers[index]
            values = form_values(browser.get(url).text)
            value = f"round {round_} by {scene.usernames[index]}"
            barrier.wait(timeout=30)
            response = browser.post(url, data=values | {fields[index]: value})
            return response.status_code, response.text, value

        results = _at_once(lambda barrier: save(barrier, 0), lambda barrier: save(barrier, 1))
        current = browsers[0].get(f"{base}/api/v1/actors/{scene.actor}").json()
        statuses = [status for status, _html, _value in results]
        assert 500 not in statuses, f"round {round_}: {statuses}"
        assert 302 in statuses, f"round {round_}: {statuses}"
        for index, (status, html, value) in enumerate(results):
            if status == 302:
                assert current[fields[index]] == value, f"round {round_}: a saved change was lost"
            else:
                assert status == 200, f"round {round_}: {status}"
                assert CONFLICT_MARK in html, f"round {round_}: not a conflict"


def test_two_scripts_patching_the_same_actor_at_once_lose_nothing(live: tuple[str, Scene]) -> None:
    base, scene = live
    url = f"{base}/api/v1/actors/{scene.actor}"
    scripts = [_Browser(token=token) for token in scene.tokens]
    fields = ["notes", "mandate_reference"]

    for round_ in range(ROUNDS):

        def patch(barrier: threading.Barrier, index: int, round_: int = round_) -> tuple[int, str]:
            value = f"round {round_} by {scene.usernames[index]}"
            barrier.wait(timeout=30)
            return scripts[index].patch(url, json={fields[index]: value}).status_code, value

        results = _at_once(lambda barrier: patch(barrier, 0), lambda barrier: patch(barrier, 1))
        assert [status for status, _value in results] == [200, 200], f"round {round_}"
        current = scripts[0].get(url).json()
        for index, (_status, value) in enumerate(results):
            assert current[fields[index]] == value, f"round {round_}: a change without If-Match was lost"

        # With the same If-Match, exactly one of two simultaneous changes wins; the other is told so.
        etag = scripts[0].get(url).headers["ETag"]

        def conditional(barrier: threading.Barrier, index: int, round_: int = round_, etag: str = etag) -> int:
            barrier.wait(timeout=30)
            payload = {fields[index]: f"conditional {round_} by {index}"}
            return int(scripts[index].patch(url, json=payload, headers={"If-Match": etag}).status_code)

        statuses = _at_once(lambda barrier: conditional(barrier, 0), lambda barrier: conditional(barrier, 1))
        assert sorted(statuses) == [200, 412], f"round {round_}: {statuses}"
