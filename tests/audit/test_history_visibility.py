"""Who sees what in a record's history: the owner's members and platform staff read it in full; everyone else who
may read the record sees what changed and when, never who, from where, the channel, the owner, the confidentiality,
the shares, nor a value from a time when the record was hidden from them."""

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Membership, Organisation, OrganisationType, Role, Share
from egide.actors.models import Actor, Citation, Source
from egide.audit.context import audit_context
from egide.audit.models import AuditEvent
from egide.audit.services import audit_record, snapshot
from tests.actors.html import table_rows, text
from tests.audit.conftest import People, RecordFactory
from tests.security.helpers import verified_client

IP = "192.0.2.77"


def _edit(actor: Actor, user: User, **fields: object) -> AuditEvent:
    before = snapshot(actor)
    for name, value in fields.items():
        setattr(actor, name, value)
    actor.save()
    with audit_context(ip=IP, channel="web"):
        return audit_record(user=user, action="update", instance=actor, before=before, after=snapshot(actor))


def _history(client: Client, actor: Actor) -> str:
    response = client.get(reverse("actor-detail", args=[actor.pk]))
    assert response.status_code == 200
    section = re.search(r'<section id="history-section">(.*?)</section>', response.content.decode(), re.S)
    assert section is not None
    return section.group(1)


def _words(html: str) -> set[str]:
    return set(re.findall(r"[\w.#:-]+", text(html)))


@pytest.fixture
def published(people: People, make_record: RecordFactory) -> Actor:
    """An actor created at the owner's "organisation" level as "Secret Unit", renamed while hidden, then made
    public as "Public Unit" and given a note."""
    actor = make_record("Secret Unit", owner=people.owner, confidentiality="organisation", reference="SU")
    with audit_context(ip=IP, channel="web"):
        audit_record(user=people.editor, action="create", instance=actor, before=None, after=snapshot(actor))
    _edit(actor, people.editor, name_en="Hidden Unit", mandate_text="Watches the opposition")
    _edit(actor, people.editor, name_en="Public Unit", mandate_text="Keeps order", confidentiality="public")
    _edit(actor, people.editor, notes="Published note")
    return actor


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _readers_without_full_view(people: People) -> dict[str, Client]:
    return {"anonymous": Client(), "member of another organisation": _client(people.outsider)}


def test_the_public_sees_what_changed_and_when_but_not_who_from_where_nor_hidden_values(
    people: People, published: Actor
) -> None:
    for reader, client in _readers_without_full_view(people).items():
        html = _history(client, published)
        rows = table_rows(html, "audit-history")
        assert len(rows) == 4, reader
        assert [len(row) for row in rows] == [2, 2, 2, 2], reader  # when, what
        noted, made_public, renamed, created = (row[1] for row in rows)
        assert noted.startswith("Changed"), reader
        assert "Notes: — → Published note" in noted, reader
        assert made_public.startswith("Changed"), reader
        assert "Public Unit" in made_public, reader
        assert "Keeps order" in made_public, reader
        assert "Name (English)" in renamed, reader
        assert "Legal mandate" in renamed, reader
        assert created.startswith("Created"), reader
        assert "Name (English)" in created, reader
        for hidden in ("Secret Unit", "Hidden Unit", "Watches the opposition", "eddie", IP, "Web", "DA"):
            assert hidden not in _words(html), (reader, hidden)
            assert hidden not in text(html), (reader, hidden)
        assert "Confidentiality" in made_public, reader  # the field that changed, without its values
        assert "Organisation: the owner" not in html, reader
        assert "Public: anyone" not in html, reader
        assert re.search(r"\w+\.? \d{1,2}, \d{4}", rows[0][0]), reader


@pytest.mark.parametrize("reader", ["editor", "administrator", "superuser"])
def test_the_owners_members_and_staff_keep_the_full_history(people: People, published: Actor, reader: str) -> None:
    user = getattr(people, reader)
    client = verified_client(user) if user.is_superuser else _client(user)
    html = _history(client, published)
    rows = table_rows(html, "audit-history")
    assert len(rows) == 4
    noted, made_public, renamed, created = rows
    assert noted[1] == "eddie"
    assert noted[2] == f"{IP} Web"
    assert "Name (English): Hidden Unit → Public Unit" in made_public[3]
    assert (
        "Confidentiality: Organisation: the owner's members only → Public: anyone, without logging in"
        in (made_public[3])
    )
    assert "Name (English): Secret Unit → Hidden Unit" in renamed[3]
    assert "Owner: DA" in created[3]


def test_earlier_owner_and_shares_stay_with_the_owner(people: People, make_record: RecordFactory) -> None:
    third = Organisation.objects.create(
        name_en="Third Party", name_fr="Tiers", acronym="TPX", type=OrganisationType.OTHER
    )
    stranger = User.objects.create_user(username="stranger", password="a-long-test-password")
    Membership.objects.create(user=stranger, organisation=third, role=Role.EDITOR)
    actor = make_record("Border Guard", owner=people.other, confidentiality="restricted", reference="BG")
    content_type = ContentType.objects.get_for_model(Actor)
    share = Share.objects.create(content_type=content_type, object_id=actor.pk, organisation=people.owner)
    with audit_context(ip=IP, channel="api"):
        audit_record(
            user=people.outsider,
            action="share",
            instance=actor,
            before=None,
            after={"organisation": "DA", "can_edit": True},
        )
        audit_record(
            user=people.outsider,
            action="unshare",
            instance=actor,
            before={"organisation": "DA", "can_edit": True},
            after=None,
        )
    share.delete()
    _edit(actor, people.outsider, owner=people.owner, confidentiality="public")
    for reader, client in {"anonymous": Client(), "member of a third organisation": _client(stranger)}.items():
        html = _history(client, actor)
        words = _words(html)
        rows = table_rows(html, "audit-history")
        assert [row[1].split(" ")[0] for row in rows] == ["Changed", "Sharing", "Shared"], reader
        assert "Owner" in rows[0][1], reader
        assert "Confidentiality" in rows[0][1], reader
        for hidden in ("OM", "DA", "otto", IP, "API", "Restricted", "yes", "no"):
            assert hidden not in words, (reader, hidden)
    owner_view = text(_history(_client(people.editor), actor))
    assert "Owner: OM → DA" in owner_view
    assert "Organisation: DA" in owner_view
    assert "otto" in owner_view


def test_a_hidden_parent_is_never_named_nor_numbered(
    people: People, make_record: RecordFactory, owned_actor: Actor
) -> None:
    hidden = make_record("Intelligence Agency", owner=people.owner, confidentiality="organisation", reference="IA")
    owned_actor.confidentiality = "public"
    owned_actor.save()
    _edit(owned_actor, people.editor, parent=hidden)
    public = text(_history(Client(), owned_actor))
    assert "Parent actor" in public
    assert f"#{hidden.pk}" not in public
    assert "Intelligence Agency" not in public
    assert "Parent actor: — → Intelligence Agency" in text(_history(_client(people.editor), owned_actor))


def test_a_reader_in_full_is_told_of_a_linked_record_hidden_from_them_without_its_name(
    people: People, make_record: RecordFactory, owned_actor: Actor
) -> None:
    hidden = make_record("Intelligence Agency", owner=people.other, confidentiality="organisation", reference="IA")
    _edit(owned_actor, people.editor, parent=hidden)
    page = text(_history(_client(people.editor), owned_actor))
    assert "Parent actor: — → a record you cannot see" in page
    assert "Intelligence Agency" not in page
    assert f"#{hidden.pk}" not in page


def test_a_citation_names_only_a_source_the_reader_may_see(
    people: People, make_record: RecordFactory, owned_actor: Actor
) -> None:
    owned_actor.confidentiality = "public"
    owned_actor.save()
    secret = Source.objects.create(country="CF", title="Decree on the intelligence agency", owner=people.owner)
    known = Source.objects.create(country="CF", title="Constitution of 2016", owner=people.owner)
    Citation.objects.create(source=known, actor=owned_actor)
    audit_record(user=people.editor, action="cite", instance=owned_actor, before=None, after={"source": known.title})
    audit_record(user=people.editor, action="cite", instance=owned_actor, before=None, after={"source": secret.title})
    audit_record(user=people.editor, action="uncite", instance=owned_actor, before={"source": secret.title}, after=None)
    public = text(_history(Client(), owned_actor))
    assert "Constitution of 2016" in public
    assert "Decree on the intelligence agency" not in public
    assert "Decree on the intelligence agency" in text(_history(_client(people.editor), owned_actor))
