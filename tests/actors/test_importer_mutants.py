"""What an import writes besides the rows' values: who made and changed each record, its owner, its audit entries,
its citations, the records' versions and the map's version (each checked whole, since every part is visible)."""

import datetime

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from egide.accounts.models import Organisation
from egide.actors.importer import country_map_import
from egide.actors.models import Actor, Relationship, Source
from egide.actors.versions import map_version
from egide.audit.models import Action, AuditEvent
from egide.core.imports.limits import BATCH
from tests.actors.test_importer import ACTORS, RELATIONSHIPS, _tables


def _events(action: str, model: type) -> list[AuditEvent]:
    kind = ContentType.objects.get_for_model(model)
    return list(AuditEvent.objects.filter(action=action, content_type=kind).order_by("id"))


def test_new_records_name_their_author_and_owner_and_each_is_audited(member: User, organisation: Organisation) -> None:
    before, elsewhere = map_version(country="CF"), map_version(country="ML")
    report = country_map_import(user=member, country="CF", tables=_tables(), owner=organisation)
    assert (report.actors_created, report.actors_updated, report.actors_unchanged) == (4, 0, 0)
    assert (report.relationships_created, report.relationships_updated, report.relationships_unchanged) == (3, 0, 0)
    for model in (Actor, Relationship, Source):
        records = list(model.objects.all())
        assert records
        assert {(r.created_by, r.updated_by, r.owner) for r in records} == {(member, member, organisation)}
        created = _events(Action.CREATE, model)
        assert sorted(event.object_id for event in created) == sorted(r.pk for r in records)
        assert {(event.user, event.before) for event in created} == {(member, None)}
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()
    commands = Relationship.objects.get(type="commands")
    presidency = Actor.objects.get(reference="PR")
    cited = [
        (e.content_type.model, e.object_id, e.user, e.after) for e in AuditEvent.objects.filter(action=Action.CITE)
    ]
    quoted = {"source": "Constitution 2016", "locator": "Art. 33"}
    assert sorted(cited) == sorted(
        [("actor", presidency.pk, member, quoted), ("relationship", commands.pk, member, quoted)]
    )
    assert map_version(country="CF") != before
    assert map_version(country="ML") == elsewhere


def test_changed_records_name_their_changer_get_one_version_more_and_are_audited_with_their_old_values(
    member: User, organisation: Organisation
) -> None:
    country_map_import(user=None, country="CF", tables=_tables(), owner=organisation)
    versions = dict(Actor.objects.values_list("reference", "version"))
    oversight = Relationship.objects.get(type="oversees")
    actors = ACTORS.replace("Armed Forces,Forces armées", "Central African Armed Forces,Forces armées").replace(
        "FACA,armed_forces", "FACA,armed_forces"
    )
    actors = actors.replace(
        "AN,parliament,National Assembly,Assemblée nationale,,,",
        "AN,parliament,National Assembly,Assemblée nationale,,PR,",
    )
    actors = actors.replace(
        "MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,,PR,yes,no,high,,,",
        "MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,,,yes,no,high,"
        "Constitution 2016,2016-03-30,Art. 40",
    )
    relationships = RELATIONSHIPS.replace("2016-03-30,2021,no,weak", "2016-03-30,2021,no,strong")
    before = map_version(country="CF")
    report = country_map_import(user=member, country="CF", tables=_tables(actors, relationships), owner=organisation)

    assert (report.actors_created, report.actors_updated, report.actors_unchanged) == (0, 3, 1)
    assert (report.sources_created, report.citations_created) == (0, 1)
    assert Source.objects.get().citations.filter(actor__reference="MOD", locator="Art. 40").exists()
    assert (report.relationships_created, report.relationships_updated, report.relationships_unchanged) == (0, 1, 2)
    army, parliament, defence = (Actor.objects.get(reference=r) for r in ("FACA", "AN", "MOD"))
    assert (army.name_en, army.updated_by) == ("Central African Armed Forces", member)
    assert parliament.parent == Actor.objects.get(reference="PR")
    assert defence.parent is None
    now = dict(Actor.objects.values_list("reference", "version"))
    assert now == versions | {"FACA": versions["FACA"] + 1, "AN": versions["AN"] + 1, "MOD": versions["MOD"] + 1}
    oversight_now = Relationship.objects.get(pk=oversight.pk)
    assert (oversight_now.strength, oversight_now.version, oversight_now.updated_by) == (
        "strong",
        oversight.version + 1,
        member,
    )
    changed = {
        (e.content_type.model, e.object_id): (e.user, e.before, e.after)
        for e in AuditEvent.objects.filter(action=Action.UPDATE)
    }
    assert set(changed) == {
        ("actor", army.pk),
        ("actor", parliament.pk),
        ("actor", defence.pk),
        ("relationship", oversight.pk),
    }
    assert {user for user, _before, _after in changed.values()} == {member}
    assert changed["actor", army.pk][1]["name_en"] == "Armed Forces"
    assert changed["actor", army.pk][2]["name_en"] == "Central African Armed Forces"
    assert (changed["actor", parliament.pk][1]["parent"], changed["actor", parliament.pk][2]["parent"]) == (
        None,
        parliament.parent_id,
    )
    assert changed["relationship", oversight.pk][1]["strength"] == "weak"
    assert changed["relationship", oversight.pk][2]["strength"] == "strong"
    assert map_version(country="CF") != before


def test_the_report_counts_the_new_relationships_of_every_batch(db: None) -> None:
    # More new relationships than one batch writes: the presidency's command of the army, once per start date.
    first = datetime.date(2000, 1, 1)
    count = BATCH + 7
    rows = "".join(f"PR,commands,FACA,{first + datetime.timedelta(days=day)}\n" for day in range(count))
    tables = _tables(ACTORS, "from,type,to,start\n" + rows)
    report = country_map_import(user=None, country="CF", tables=tables)
    assert (report.relationships_created, report.relationships_updated, report.relationships_unchanged) == (
        count,
        0,
        0,
    )
    assert Relationship.objects.filter(type="commands").count() == count
    report = country_map_import(user=None, country="CF", tables=tables)
    assert (report.relationships_created, report.relationships_unchanged) == (0, count)
