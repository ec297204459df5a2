"""Writes to the map respect who may change what, and every change lands in the audit log."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from egide.accounts.models import Organisation
from egide.actors import services
from egide.actors.data import ActorData
from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor
from egide.audit.models import AuditEvent
from tests.conftest import ActorFactory, SmallMap


def test_an_editor_creates_for_their_organisation_only(
    member: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    actor = services.actor_create(
        user=member, country="CF", data=ActorData(kind="police", name_en="Police", owner=organisation)
    )
    assert actor.owner == organisation
    with pytest.raises(PermissionDenied):
        services.actor_create(
            user=member, country="CF", data=ActorData(kind="police", name_en="Other", owner=other_organisation)
        )


@pytest.mark.parametrize("who", ["viewer", "outsider", "nobody"])
def test_readers_and_outsiders_cannot_change_the_owners_records(
    request: pytest.FixtureRequest, who: str, small_map: SmallMap
) -> None:
    user = request.getfixturevalue(who)
    army = small_map.army
    with pytest.raises(PermissionDenied):
        services.actor_update(
            user=user, actor=army, data=ActorData(kind="armed_forces", name_en="Renamed", owner=army.owner)
        )
    with pytest.raises(PermissionDenied):
        services.actor_delete(user=user, actor=army)
    with pytest.raises(PermissionDenied):
        services.relationship_delete(user=user, relationship=small_map.commands)
    army.refresh_from_db()
    assert army.name_en == "Armed Forces"


def test_a_member_limited_to_another_country_cannot_create_here(
    organisation: Organisation, make_actor: ActorFactory
) -> None:
    from tests.conftest import make_user

    limited = make_user("limited-editor", organisation, "editor", countries=["CD"])
    with pytest.raises(PermissionDenied):
        services.actor_create(
            user=limited, country="CF", data=ActorData(kind="police", name_en="P", owner=organisation)
        )
    assert (
        services.actor_create(
            user=limited, country="CD", data=ActorData(kind="police", name_en="P", owner=organisation)
        ).country
        == "CD"
    )


def test_changes_are_audited_with_before_and_after(member: User, organisation: Organisation) -> None:
    actor = services.actor_create(
        user=member, country="CF", data=ActorData(kind="police", name_en="Police", owner=organisation)
    )
    services.actor_update(
        user=member, actor=actor, data=ActorData(kind="police", name_en="National Police", owner=organisation)
    )
    update = AuditEvent.objects.get(action="update", object_id=actor.pk)
    assert (update.before["name_en"], update.after["name_en"]) == ("Police", "National Police")
    assert update.username == "member"
    actor_id = actor.pk
    services.actor_delete(user=member, actor=actor)
    assert list(AuditEvent.objects.filter(object_id=actor_id).values_list("action", flat=True).order_by("id")) == [
        "create",
        "update",
        "delete",
    ]


def test_an_unchanged_save_writes_no_event(member: User, make_actor: ActorFactory) -> None:
    actor = make_actor(name="Police")
    data = ActorData(kind="police", name_en="Police", name_fr="Police", reference=actor.reference, owner=actor.owner)
    services.actor_update(user=member, actor=actor, data=data)
    assert not AuditEvent.objects.filter(action="update").exists()


ROWS = b"reference,kind,name_en\nFACA,armed_forces,Forces armees centrafricaines\nNEW,police,New unit\n"


def test_an_import_cannot_change_another_organisations_records(
    small_map: SmallMap, outsider: User, other_organisation: Organisation
) -> None:
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(
            user=outsider, country="CF", tables=read_map_file(ROWS, filename="a.csv"), owner=other_organisation
        )
    assert [(problem.row, problem.column) for problem in rejected.value.problems] == [(2, "reference")]
    assert not Actor.objects.filter(reference="NEW").exists()
    assert Actor.objects.get(reference="FACA").name_en == "Armed Forces"


def test_an_import_cannot_reach_hidden_records(
    small_map: SmallMap, outsider: User, other_organisation: Organisation
) -> None:
    small_map.army.confidentiality = "organisation"
    small_map.army.save()
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(
            user=outsider,
            country="CF",
            tables=read_map_file(b"from,type,to\nPR,commands,FACA\n", filename="links.csv"),
            owner=other_organisation,
        )
    assert [(problem.row, problem.column) for problem in rejected.value.problems] == [(2, "to")]


def test_an_import_for_an_organisation_the_user_does_not_edit_for_is_refused(
    viewer: User, organisation: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        country_map_import(user=viewer, country="CF", tables=read_map_file(ROWS, filename="a.csv"), owner=organisation)


def test_an_import_is_audited_in_bulk(member: User, organisation: Organisation) -> None:
    report = country_map_import(
        user=member, country="CF", tables=read_map_file(ROWS, filename="a.csv"), owner=organisation
    )
    assert report.actors_created == 2
    assert AuditEvent.objects.filter(action="create", username="member").count() == 2
    changed = ROWS.replace(b"New unit", b"Renamed unit")
    country_map_import(user=member, country="CF", tables=read_map_file(changed, filename="a.csv"), owner=organisation)
    event = AuditEvent.objects.get(action="update")
    assert (event.before["name_en"], event.after["name_en"]) == ("New unit", "Renamed unit")


def test_row_confidentiality_is_applied_and_checked(member: User, organisation: Organisation) -> None:
    rows = b"reference,kind,name_en,confidentiality\nA,police,A,restricted\nB,police,B,\nC,police,C,secret\n"
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=member, country="CF", tables=read_map_file(rows, filename="a.csv"), owner=organisation)
    assert [(problem.row, problem.column) for problem in rejected.value.problems] == [(4, "confidentiality")]
    rows = rows.replace(b"secret", b"public")
    country_map_import(
        user=member,
        country="CF",
        tables=read_map_file(rows, filename="a.csv"),
        owner=organisation,
        confidentiality="organisation",
    )
    levels = dict(Actor.objects.values_list("reference", "confidentiality"))
    assert levels == {"A": "restricted", "B": "organisation", "C": "public"}
