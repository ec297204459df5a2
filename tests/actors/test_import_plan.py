"""The import's plan and apply: edit rights for every existing record checked at once, and the generic machinery
(capped problems, batches) the actors import shares with the imports to come."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Confidentiality, Organisation, Share
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor
from egide.actors.tabular import Row, Tables
from egide.core.imports.limits import batched
from egide.core.imports.problems import ImportProblem, Problems


def _lent(count: int, *, first: int = 0, lender: Organisation, to: Organisation, can_edit: bool) -> list[Actor]:
    """Actors of another organisation, each shared with `to` (editing or reading only)."""
    actors = [
        Actor.objects.create(
            country="CF",
            reference=f"LENT{number}",
            kind="police",
            family="security_providers",
            name_en=f"Lent {number}",
            name_fr=f"Prêté {number}",
            owner=lender,
            confidentiality=Confidentiality.RESTRICTED,
        )
        for number in range(first, first + count)
    ]
    content_type = ContentType.objects.get_for_model(Actor)
    for actor in actors:
        Share.objects.create(
            content_type=content_type, object_id=actor.pk, organisation=to, can_edit=can_edit, country="CF"
        )
    return actors


def _new_notes(actors: list[Actor]) -> Tables:
    return Tables(
        actors=[
            Row(number, {"reference": actor.reference, "kind": "police", "name_en": actor.name_en, "notes": "new"})
            for number, actor in enumerate(actors, start=2)
        ]
    )


def _queries(user: User, tables: Tables, organisation: Organisation) -> int:
    with CaptureQueriesContext(connection) as queries:
        country_map_import(user=user, country="CF", tables=tables, owner=organisation)
    return len(queries)


def test_edit_rights_are_checked_for_all_rows_at_once(
    member: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    few = _lent(2, lender=other_organisation, to=organisation, can_edit=True)
    many = _lent(10, first=2, lender=other_organisation, to=organisation, can_edit=True)
    _queries(
        member, _new_notes(_lent(1, first=20, lender=other_organisation, to=organisation, can_edit=True)), organisation
    )
    # Warmed up (the user's reach and the content types are read once), each import changes the notes: the
    # checks and the writes must not take more queries for more rows.
    assert _queries(member, _new_notes(few), organisation) == _queries(member, _new_notes(many), organisation)
    assert set(Actor.objects.filter(reference__startswith="LENT").values_list("notes", flat=True)) == {"new"}


def test_every_record_the_user_may_not_edit_is_reported_and_nothing_is_written(
    member: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    editable = _lent(2, lender=other_organisation, to=organisation, can_edit=True)
    read_only = _lent(3, first=2, lender=other_organisation, to=organisation, can_edit=False)
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=member, country="CF", tables=_new_notes(editable + read_only), owner=organisation)
    assert [(problem.table, problem.row, problem.column) for problem in rejected.value.problems] == [
        ("actors", 4, "reference"),
        ("actors", 5, "reference"),
        ("actors", 6, "reference"),
    ]
    assert set(Actor.objects.filter(reference__startswith="LENT").values_list("notes", flat=True)) == {""}


def test_problems_count_all_and_keep_the_first_ones_in_order() -> None:
    problems = Problems(limit=2)
    for row in (7, 3, 5):
        problems.at("actors", row, "kind", "wrong")
    problems.at("citations", 1, "record", "wrong")
    rejected = problems.rejected()
    assert (rejected.total, rejected.shown) == (4, 2)
    assert rejected.problems == [
        ImportProblem("actors", 3, "kind", "wrong"),
        ImportProblem("actors", 7, "kind", "wrong"),
    ]
    with pytest.raises(ImportRejected):
        problems.raise_if_any()
    Problems().raise_if_any()


def test_batches_cover_every_item_once() -> None:
    assert [list(batch) for batch in batched(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []
