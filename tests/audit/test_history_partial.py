"""The history partial that record pages include: readable changes, in English and French, escaped."""

import datetime
import re
from collections.abc import Iterable

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.utils import translation

from egide.accounts.models import Membership
from egide.actors.models import Actor, Relationship
from egide.audit.context import audit_context
from egide.audit.history import history_entries
from egide.audit.models import AuditEvent, action_label
from egide.audit.selectors import record_history
from egide.audit.services import audit_record, snapshot
from tests.actors.html import table_rows, text
from tests.audit.conftest import People, RecordFactory

STAFF = User(username="staff-reader", is_superuser=True)


def _render(events: Iterable[AuditEvent]) -> str:
    """The partial as platform staff read it: every event in full (tests/audit/test_history_visibility.py checks
    what other readers see)."""
    history = history_entries(user=STAFF, events=events)
    return Template('{% include "audit/_history.html" with history=history %}').render(Context({"history": history}))


def _edit(actor: Actor, **fields: object) -> AuditEvent:
    before = snapshot(actor)
    for name, value in fields.items():
        setattr(actor, name, value)
    actor.save()
    return audit_record(user=None, action="update", instance=actor, before=before, after=snapshot(actor))


def test_each_event_shows_when_who_where_and_what(owned_actor: Actor, people: People) -> None:
    before = snapshot(owned_actor)
    owned_actor.name_en = "Police Force"
    owned_actor.save()
    with audit_context(ip="192.0.2.10", channel="web"):
        audit_record(
            user=people.editor, action="update", instance=owned_actor, before=before, after=snapshot(owned_actor)
        )
    html = _render(record_history(instance=owned_actor))
    [[when, who, where, what]] = table_rows(html, "audit-history")
    assert re.fullmatch(r"\w+\.? \d{1,2}, \d{4}, .+ UTC", when), when
    assert who == "eddie"
    assert where == "192.0.2.10 Web"
    assert what == "Changed Name (English): National Police → Police Force"
    assert "<del>National Police</del> → <ins>Police Force</ins>" in html


def test_changes_on_the_command_line_are_by_the_system(owned_actor: Actor) -> None:
    audit_record(user=None, action="update", instance=owned_actor, before={"notes": ""}, after={"notes": "x"})
    [[_when, who, where, _what]] = table_rows(_render(record_history(instance=owned_actor)), "audit-history")
    assert (who, where) == ("system", "Command line")


def test_values_are_shown_the_way_people_read_them(
    owned_actor: Actor, people: People, make_record: RecordFactory
) -> None:
    parent = make_record("Ministry of the Interior")
    _edit(
        owned_actor,
        legitimacy_disputed=True,
        owner=people.other,
        parent=parent,
        confidentiality="restricted",
    )
    page = text(_render(record_history(instance=owned_actor)))
    assert "Legitimacy disputed: no → yes" in page
    assert "Owner: DA → OM" in page
    assert "Parent actor: — → Ministry of the Interior" in page  # another record by its name, never by its id
    assert "Confidentiality: Partners: members of organisations working on the country → Restricted" in page


def test_coded_values_and_linked_records_read_in_french(owned_actor: Actor, make_record: RecordFactory) -> None:
    parent = make_record("Ministry of the Interior")
    parent.name_fr = "Ministère de l’Intérieur"
    parent.save()
    _edit(owned_actor, family="management", kind="inspectorate", confidence="high", parent=parent)
    with translation.override("fr"):
        page = text(_render(record_history(instance=owned_actor)))
    assert "Famille : Forces de sécurité → Gestion et contrôle" in page
    assert "Type : Police → Inspection générale" in page
    assert "Confiance : Moyenne → Élevée" in page
    assert "Acteur de rattachement : — → Ministère de l’Intérieur" in page
    assert "#" not in page


def test_a_date_reads_with_its_precision_and_a_deleted_record_says_so(
    owned_actor: Actor, people: People, make_record: RecordFactory
) -> None:
    other = make_record("Ministry of the Interior")
    relationship = Relationship.objects.create(
        country=owned_actor.country,
        source=other,
        target=owned_actor,
        type="administers",
        start_date=datetime.date(2019, 1, 1),
        start_precision="year",
        owner=people.owner,
    )
    audit_record(user=None, action="create", instance=relationship, before=None, after=snapshot(relationship))
    relationship.start_precision = "month"
    relationship.start_date = datetime.date(2019, 3, 1)
    before = snapshot(Relationship.objects.get(pk=relationship.pk))
    before.update({"start_date": "2019-01-01", "start_precision": "year"})
    audit_record(user=None, action="update", instance=relationship, before=before, after=snapshot(relationship))
    other_pk = other.pk
    other.delete()
    page = text(_render(record_history(instance=relationship)))
    assert "Start: 2019 → 2019-03" in page
    assert "precision" not in page.lower()
    assert "From: a deleted record" in page
    assert f"#{other_pk}" not in page


def test_long_values_are_cut_with_the_whole_value_on_hover(owned_actor: Actor) -> None:
    long_text = "A mandate that goes on and on. " * 10
    _edit(owned_actor, mandate_text=long_text)
    html = _render(record_history(instance=owned_actor))
    assert f'title="{long_text}"' in html
    shown = re.search(r"<ins[^>]*>(.*?)</ins>", html, re.S)
    assert shown is not None
    assert len(shown.group(1)) == 80
    assert shown.group(1).endswith("…")


def test_a_creation_shows_the_new_values_and_a_deletion_the_old_ones(owned_actor: Actor) -> None:
    values = snapshot(owned_actor)
    audit_record(user=None, action="create", instance=owned_actor, before=None, after=values)
    audit_record(user=None, action="delete", instance=owned_actor, before=values, after=None)
    deleted, created = table_rows(_render(record_history(instance=owned_actor)), "audit-history")
    assert deleted[3].startswith("Deleted")
    assert "Reference: POL" in deleted[3]
    assert "→" not in deleted[3]
    assert created[3].startswith("Created")
    assert "Name (English): National Police" in created[3]
    assert "Notes" not in created[3]  # empty fields are left out


def test_an_update_that_changed_nothing_says_so(owned_actor: Actor) -> None:
    _edit(owned_actor)
    assert "Changed No field changed." in text(_render(record_history(instance=owned_actor)))


def test_json_values_are_never_shown_raw(people: People) -> None:
    membership = Membership.objects.create(user=people.superuser, organisation=people.other, countries=["CF"])
    before = snapshot(membership)
    membership.countries = ["CF", "CD"]
    membership.save()
    audit_record(user=None, action="update", instance=membership, before=before, after=snapshot(membership))
    audit_record(user=None, action="update", instance=membership, before={"extra": {"a": 1}}, after={"extra": {"a": 2}})
    page = text(_render(record_history(instance=membership)))
    assert "Countries: CF → CF, CD" in page
    assert "Extra: a: 1 → a: 2" in page
    assert "[" not in page
    assert "{" not in page


def test_what_people_typed_is_escaped(owned_actor: Actor) -> None:
    _edit(owned_actor, notes='<img src=x onerror="alert(1)">')
    html = _render(record_history(instance=owned_actor))
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.django_db
def test_no_events_say_so() -> None:
    assert text(_render([])) == "No change has been recorded."


def test_the_partial_speaks_french(owned_actor: Actor) -> None:
    _edit(owned_actor, name_en="Police Force", statutory=False)
    with translation.override("fr"):
        html = _render(record_history(instance=owned_actor))
    page = text(html)
    assert "Quand Qui D’où Quoi" in page
    assert "Modification" in page
    assert "Nom (anglais) : National Police → Police Force" in page
    assert "oui → non" in page
    assert "Ligne de commande" in page
    assert "système" in page
    assert re.search(r"\d{1,2} \w+ \d{4} \d{2}:\d{2} UTC", page)


def test_shares_citations_and_decisions_are_labelled_in_both_languages(owned_actor: Actor) -> None:
    audit_record(
        user=None, action="share", instance=owned_actor, before=None, after={"organisation": "DA", "can_edit": True}
    )
    audit_record(
        user=None,
        action="cite",
        instance=owned_actor,
        before=None,
        after={"source": "Constitution", "locator": "Art. 1"},
    )
    page = text(_render(record_history(instance=owned_actor)))
    assert "Source cited Source: Constitution Page or passage: Art. 1" in page
    # PostgreSQL's jsonb orders an event's keys its own way: each is looked for alone.
    assert "Shared" in page
    assert "Organisation: DA" in page
    assert "May edit: yes" in page
    with translation.override("fr"):
        page = text(_render(record_history(instance=owned_actor)))
        assert "Citation d’une source Source : Constitution Page ou passage : Art. 1" in page
        assert "Partage" in page
        assert "Organisation : DA" in page
        assert "Peut modifier : oui" in page
        assert [action_label(verb) for verb in ("acknowledged", "false_positive", "reopen", "uncite")] == [
            "Prise en compte",
            "Classement en faux positif",
            "Réouverture",
            "Retrait d’une citation",
        ]
