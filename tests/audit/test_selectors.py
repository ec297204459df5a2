"""Reading the log: a record's history, who may read an organisation's log, and what an event changed."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from egide.accounts.models import Membership, Role
from egide.actors.models import Actor
from egide.audit.models import AuditEvent
from egide.audit.selectors import changes, organisation_log, organisation_log_choices, record_history
from egide.audit.services import audit_record, snapshot
from tests.audit.conftest import People, RecordFactory


def _edit(actor: Actor, user: User | None = None, **fields: object) -> AuditEvent:
    before = snapshot(actor)
    for name, value in fields.items():
        setattr(actor, name, value)
    actor.save()
    return audit_record(user=user, action="update", instance=actor, before=before, after=snapshot(actor))


def _create(actor: Actor, user: User | None = None) -> AuditEvent:
    return audit_record(user=user, action="create", instance=actor, before=None, after=snapshot(actor))


# --- record_history ------------------------------------------------------------------------------------------


def test_history_is_the_records_events_newest_first(owned_actor: Actor, make_record: RecordFactory) -> None:
    created = _create(owned_actor)
    renamed = _edit(owned_actor, name_en="Police Force")
    flagged = _edit(owned_actor, legitimacy_disputed=True)
    other = make_record("Gendarmerie")
    _create(other)
    assert list(record_history(instance=owned_actor)) == [flagged, renamed, created]


def test_history_keeps_records_of_other_types_with_the_same_id_apart(owned_actor: Actor, people: People) -> None:
    _create(owned_actor)
    membership = Membership.objects.create(user=people.superuser, organisation=people.other)
    audit_record(user=None, action="create", instance=membership, before=None, after=snapshot(membership))
    assert [event.content_type.model for event in record_history(instance=owned_actor)] == ["actor"]
    assert [event.content_type.model for event in record_history(instance=membership)] == ["membership"]


def test_an_unsaved_record_has_no_history(db: None) -> None:
    assert list(record_history(instance=Actor())) == []


def test_a_deleted_records_history_remains(owned_actor: Actor) -> None:
    pk = owned_actor.pk
    before = snapshot(owned_actor)
    _create(owned_actor)
    owned_actor.delete()
    audit_record(user=None, action="delete", instance=owned_actor, before=before, after=None)
    owned_actor.pk = pk
    assert [event.action for event in record_history(instance=owned_actor)] == ["delete", "create"]


# --- organisation_log: who may read it -----------------------------------------------------------------------


@pytest.fixture
def logged(owned_actor: Actor, people: People, make_record: RecordFactory) -> list[AuditEvent]:
    """Two events on the owner's actor, one on another organisation's actor."""
    foreign = make_record("Foreign Unit", owner=people.other)
    return [
        _create(owned_actor, people.editor),
        _edit(owned_actor, people.administrator, name_en="Police Force"),
        _create(foreign, people.outsider),
    ]


def test_the_owners_administrator_reads_the_owners_events_only(people: People, logged: list[AuditEvent]) -> None:
    events = organisation_log(user=people.administrator, organisation=people.owner)
    assert list(events) == [logged[1], logged[0]]


def test_a_superuser_reads_any_organisations_log(people: People, logged: list[AuditEvent]) -> None:
    assert list(organisation_log(user=people.superuser, organisation=people.owner)) == [logged[1], logged[0]]
    assert list(organisation_log(user=people.superuser, organisation=people.other)) == [logged[2]]


def test_an_editor_of_the_organisation_may_not_read_its_log(people: People, logged: list[AuditEvent]) -> None:
    with pytest.raises(PermissionDenied):
        organisation_log(user=people.editor, organisation=people.owner)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.VIEWER])
def test_reviewers_and_viewers_may_not_read_it(people: People, role: Role) -> None:
    user = User.objects.create_user(username=f"a-{role}", password="a-long-test-password")
    Membership.objects.create(user=user, organisation=people.owner, role=role)
    with pytest.raises(PermissionDenied):
        organisation_log(user=user, organisation=people.owner)


def test_an_administrator_of_another_organisation_may_not_read_it(people: People, logged: list[AuditEvent]) -> None:
    with pytest.raises(PermissionDenied):
        organisation_log(user=people.outsider, organisation=people.owner)
    assert list(organisation_log(user=people.outsider, organisation=people.other)) == [logged[2]]


def test_anonymous_and_deactivated_users_may_not_read_it(people: People) -> None:
    with pytest.raises(PermissionDenied):
        organisation_log(user=AnonymousUser(), organisation=people.owner)
    people.administrator.is_active = False
    people.administrator.save()
    with pytest.raises(PermissionDenied):
        organisation_log(user=people.administrator, organisation=people.owner)


def test_the_platform_reads_every_organisations_log(people: People, logged: list[AuditEvent]) -> None:
    """The command line (user None) is the platform, as in every service and selector."""
    assert set(organisation_log(user=None, organisation=people.owner)) == set(
        organisation_log(user=people.superuser, organisation=people.owner)
    )
    assert list(organisation_log(user=None, organisation=people.owner))


def test_an_administrator_limited_to_some_countries_reads_those_countries(
    people: People, owned_actor: Actor, make_record: RecordFactory
) -> None:
    congolese = make_record("Police nationale congolaise", country="CD", owner=people.owner)
    central_african = _create(owned_actor)
    _create(congolese)
    countryless = make_record("Regional Unit", country="", owner=people.owner)  # a record of no country
    without_country = _create(countryless)
    limited = User.objects.create_user(username="limited", password="a-long-test-password")
    Membership.objects.create(user=limited, organisation=people.owner, role=Role.ADMINISTRATOR, countries=["CF"])
    assert list(organisation_log(user=limited, organisation=people.owner)) == [without_country, central_african]
    assert organisation_log(user=people.administrator, organisation=people.owner).count() == 3


# --- organisation_log: filters -------------------------------------------------------------------------------


def test_filter_by_action(people: People, logged: list[AuditEvent]) -> None:
    assert list(organisation_log(user=people.administrator, organisation=people.owner, action="update")) == [logged[1]]
    assert not organisation_log(user=people.administrator, organisation=people.owner, action="delete").exists()


def test_filter_by_record_type(people: People, logged: list[AuditEvent], owned_actor: Actor) -> None:
    relationship_events = organisation_log(user=people.administrator, organisation=people.owner, model="relationship")
    assert not relationship_events.exists()
    for model in ("actor", "actors.actor", "Actors.Actor"):
        assert organisation_log(user=people.administrator, organisation=people.owner, model=model).count() == 2
    assert not organisation_log(user=people.administrator, organisation=people.owner, model="accounts.actor").exists()


def test_search_looks_in_the_record_name_and_the_username(people: People, logged: list[AuditEvent]) -> None:
    def search(text: str) -> list[AuditEvent]:
        return list(organisation_log(user=people.administrator, organisation=people.owner, search=text))

    assert search("police force") == [logged[1]]
    assert search("EDDIE") == [logged[0]]
    assert search("  ada ") == [logged[1]]
    assert search("Foreign") == []


def test_the_filter_choices_are_the_actions_and_types_in_the_log(people: People, logged: list[AuditEvent]) -> None:
    choices = organisation_log_choices(organisation=people.owner)
    assert choices["actions"] == [("update", "Changed"), ("create", "Created")]
    assert choices["models"] == [("actors.actor", "Actor")]


# --- changes -------------------------------------------------------------------------------------------------


def test_an_update_lists_the_fields_that_differ(owned_actor: Actor) -> None:
    event = _edit(owned_actor, name_en="Police Force", statutory=False)
    assert changes(event) == [("name_en", "National Police", "Police Force"), ("statutory", True, False)]


def test_an_update_that_changed_nothing_lists_nothing(owned_actor: Actor) -> None:
    assert changes(_edit(owned_actor)) == []


def test_a_creation_lists_the_fields_it_filled_in(owned_actor: Actor, people: People) -> None:
    rows = changes(_create(owned_actor))
    fields = [field for field, _before, _after in rows]
    assert "id" not in fields
    assert "notes" not in fields  # empty
    assert "parent" not in fields  # none
    assert ("name_en", None, "National Police") in rows
    assert ("owner", None, people.owner.pk) in rows
    assert ("legitimacy_disputed", None, False) in rows


def test_a_deletion_lists_the_fields_the_record_had(owned_actor: Actor) -> None:
    event = audit_record(user=None, action="delete", instance=owned_actor, before=snapshot(owned_actor), after=None)
    rows = changes(event)
    assert ("reference", "POL", None) in rows
    assert all(after is None for _field, _before, after in rows)


def test_an_event_without_values_lists_nothing(owned_actor: Actor) -> None:
    assert changes(audit_record(user=None, action="share", instance=owned_actor, before=None, after=None)) == []
