"""Every audit entry uses the declared action enumeration, and imports and exports are in the log: who imported
which file with what result, who exported which country in which format and how many records."""

import ast
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

import egide
from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.services import record_share, share_remove
from egide.actors import services as map_services
from egide.actors.data import CitationData
from egide.actors.importer import ImportRejected, map_file_import
from egide.actors.tabular import TableError
from egide.audit.models import Action, AuditEvent
from egide.audit.services import audit_record
from egide.governance import services as governance_services
from egide.governance.selectors import country_findings
from egide.imports.models import MapTransfer
from egide.security.tokens import token_create, token_revoke
from tests.conftest import SmallMap

SOURCE = Path(egide.__file__).parent
AUDIT_FUNCTIONS = {"audit_record", "audit_records_bulk"}
ACTORS = b"reference,kind,name_en,name_fr\nUNIT1,police,Police unit,Unite de police\n"


def _audit_calls() -> list[tuple[Path, ast.Call]]:
    calls = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in AUDIT_FUNCTIONS:
                    calls.append((path, node))
    return calls


def _constants(node: ast.AST) -> list[str]:
    return [item.value for item in ast.walk(node) if isinstance(item, ast.Constant) and isinstance(item.value, str)]


def test_the_code_base_never_records_a_bare_string() -> None:
    calls = _audit_calls()
    assert len(calls) >= 20  # the services of every app, the importer and the admin
    for path, call in calls:
        action = next((keyword.value for keyword in call.keywords if keyword.arg == "action"), None)
        assert action is not None, (path, call.lineno)
        assert not _constants(action), f"{path.relative_to(SOURCE)}:{call.lineno} records a bare string"
        for item in ast.walk(action):
            if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) and item.value.id == "Action":
                assert item.attr in Action.__members__, (path, call.lineno, item.attr)


def test_a_verb_the_enumeration_does_not_declare_is_refused(small_map: SmallMap) -> None:
    with pytest.raises(ValueError, match="frobnicate"):
        audit_record(user=None, action="frobnicate", instance=small_map.army, before=None, after=None)  # type: ignore[arg-type]
    assert not AuditEvent.objects.filter(action="frobnicate").exists()


def test_every_action_the_services_store_is_declared(
    small_map: SmallMap, member: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    """Cite, uncite, share, unshare, decide, reopen, tokens, an import and an export, through their services."""
    source = map_services.source_get_or_create(
        user=member, country="CF", citation=CitationData(title="Police Act"), owner=organisation
    )
    citation = map_services.citation_add(user=member, source=source, actor=small_map.police)
    map_services.citation_remove(user=member, citation=citation)
    small_map.army.confidentiality = Confidentiality.RESTRICTED
    small_map.army.save()
    share = record_share(user=member, record=small_map.army, organisation=other_organisation, can_edit_too=False)
    share_remove(user=member, share=share)
    findings = country_findings(user=member, country="CF").findings
    first, second = findings[0], findings[1]
    governance_services.finding_decide(
        user=member, country="CF", key=first.key, rule=first.rule, status="acknowledged", comment=""
    )
    decision = governance_services.finding_decide(
        user=member, country="CF", key=second.key, rule=second.rule, status="false_positive", comment="Not so."
    )
    governance_services.finding_reopen(user=member, decision=decision)
    record, _secret = token_create(user=member, name="script", by=member)
    token_revoke(token=record, by=member)
    map_file_import(user=member, country="CF", filename="units.csv", data=ACTORS, owner=organisation)
    Client().get(reverse("country-export", kwargs={"code": "CF", "fmt": "json"}))

    stored = set(AuditEvent.objects.values_list("action", flat=True))
    assert stored <= set(Action.values)
    assert {"cite", "uncite", "share", "unshare", "acknowledged", "false_positive", "reopen"} <= stored
    assert {"create", "revoke", "import", "export"} <= stored


# --- Imports ----------------------------------------------------------------------------------------------------------


def _event(action: Action) -> AuditEvent:
    event = AuditEvent.objects.get(action=action)
    assert event.content_type.model_class() is MapTransfer
    return event


def test_an_import_records_who_which_file_and_the_result(member: User, organisation: Organisation) -> None:
    map_file_import(user=member, country="CF", filename="units.csv", data=ACTORS, owner=organisation)
    event = _event(Action.IMPORT)
    assert (event.user, event.username, event.country, event.organisation) == (member, "member", "CF", organisation)
    assert event.after is not None
    assert (event.after["filename"], event.after["format"], event.after["outcome"]) == ("units.csv", "csv", "done")
    assert event.after["records"] == 1
    assert event.after["details"]["actors_created"] == 1
    assert str(event.object_repr) == "Import of units.csv into CF"


def test_a_rejected_import_is_recorded_though_nothing_is_written(member: User, organisation: Organisation) -> None:
    bad = ACTORS + b"UNIT2,no-such-kind,Unit 2,Unite 2\nUNIT3,,Unit 3,Unite 3\n"
    with pytest.raises(ImportRejected):
        map_file_import(user=member, country="CF", filename="units.csv", data=bad, owner=organisation)
    event = _event(Action.IMPORT)
    assert event.after is not None
    assert (event.user, event.after["outcome"], event.after["problems"], event.after["records"]) == (
        member,
        "rejected",
        2,
        0,
    )


def test_an_unreadable_or_refused_import_is_recorded(member: User, other_organisation: Organisation) -> None:
    with pytest.raises(TableError):
        map_file_import(user=member, country="CF", filename="units.xlsx", data=b"not a workbook")
    with pytest.raises(Exception, match="may not"):
        map_file_import(user=member, country="CF", filename="units.csv", data=ACTORS, owner=other_organisation)
    outcomes = [event.after["outcome"] for event in AuditEvent.objects.filter(action=Action.IMPORT).order_by("id")]
    assert outcomes == ["unreadable", "refused"]


def test_the_import_page_and_the_command_line_are_recorded(
    member_client: Client, member: User, organisation: Organisation, tmp_path: Path
) -> None:
    member_client.post(
        reverse("country-import", kwargs={"code": "CF"}), {"file": SimpleUploadedFile("units.csv", ACTORS)}
    )
    path = tmp_path / "more.csv"
    path.write_bytes(ACTORS.replace(b"UNIT1", b"UNIT9"))
    call_command("actors", "import", str(path), "--country", "CF", stdout=io.StringIO())
    events = list(AuditEvent.objects.filter(action=Action.IMPORT).order_by("id"))
    assert [(event.username, event.channel, event.after["filename"]) for event in events] == [
        ("member", "web", "units.csv"),
        ("", "cli", "more.csv"),
    ]


# --- Exports ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "graphml"])
def test_an_export_records_who_which_country_the_format_and_the_count(
    member_client: Client, member: User, small_map: SmallMap, fmt: str
) -> None:
    response = member_client.get(reverse("country-export", kwargs={"code": "CF", "fmt": fmt}))
    assert response.status_code == 200
    event = _event(Action.EXPORT)
    assert (event.user, event.country, event.channel) == (member, "CF", "web")
    assert event.after is not None
    assert (event.after["format"], event.after["outcome"]) == (fmt, "done")
    assert event.after["details"] == {"actors": 7, "relationships": 3}
    assert event.after["records"] == 10


def test_an_export_counts_what_its_reader_may_see(anonymous_client: Client, small_map: SmallMap) -> None:
    small_map.police.confidentiality = Confidentiality.PUBLIC
    small_map.police.save()
    anonymous_client.get(reverse("country-export", kwargs={"code": "CF", "fmt": "json"}))
    event = _event(Action.EXPORT)
    assert event.after is not None
    assert (event.user, event.username, event.after["details"]) == (None, "", {"actors": 1, "relationships": 0})


def test_the_command_lines_export_is_recorded(small_map: SmallMap, tmp_path: Path) -> None:
    target = tmp_path / "map.xlsx"
    call_command("actors", "export", "--country", "CF", "--output", str(target), stderr=io.StringIO())
    event = _event(Action.EXPORT)
    assert event.after is not None
    assert (event.username, event.channel, event.after["records"]) == ("", "cli", 10)


def test_the_organisations_administrators_read_its_imports_in_its_log(
    owner: User, member: User, organisation: Organisation
) -> None:
    map_file_import(user=member, country="CF", filename="units.csv", data=ACTORS, owner=organisation)
    client = Client()
    client.force_login(owner)
    response = client.get(reverse("organisation-audit", kwargs={"pk": organisation.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Import of units.csv into CF" in page
    assert "Imported" in page
