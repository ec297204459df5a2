"""`egide governance check`: the findings on the command line, and an exit status for automation."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from egide.governance import services
from egide.governance.management.commands.governance import Command
from tests.conftest import ActorFactory, SmallMap

HIGH = "parliamentary-oversight:POL"  # the small map's only high-severity finding


def check(*args: str) -> tuple[int, str, str]:
    """Run the check; answer its exit status, its output and its error output."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("governance", "check", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_table_and_the_exit_status_with_an_open_high_severity_finding(small_map: SmallMap) -> None:
    status, out, _err = check("CF")
    assert status == 1
    lines = out.splitlines()
    assert lines[0].split() == ["SEVERITY", "RULE", "ACTORS", "CONFIDENCE", "STATUS", "EVIDENCE"]
    assert lines[1].split()[:5] == ["high", "parliamentary-oversight", "POL", "medium", "open"]
    assert lines[1].endswith(
        "Neither National Police nor any body above it (Ministry of the Interior) is overseen by parliament or one "
        "of its committees."
    )
    assert any(line.split()[:4] == ["low", "legal-basis", "PR,", "FACA"] for line in lines)
    assert lines[-1].startswith("CF on ")
    assert lines[-1].endswith("1 high-severity open")
    assert " 15 findings " in lines[-1]
    rows = [line for line in lines[1:-1] if not line.startswith(" ")]
    assert len(rows) == 15  # one line per finding, then one per further piece of evidence, under the first
    budget = next(index for index, line in enumerate(lines) if line.split()[1:3] == ["budget-control", "FACA"])
    column = lines[budget].index("The budget of Armed Forces")
    assert lines[budget + 1][:column].strip() == ""
    assert lines[budget + 1][column:].startswith("The accounts of Armed Forces are not audited")


@pytest.mark.parametrize(("decision", "comment"), [("acknowledged", ""), ("false_positive", "Overseen by the senate")])
def test_a_decided_high_severity_finding_no_longer_fails_the_check(
    small_map: SmallMap, member: User, decision: str, comment: str
) -> None:
    services.finding_decide(
        user=member, country="CF", key=HIGH, rule="parliamentary-oversight", status=decision, comment=comment
    )
    status, out, _err = check("cf")
    assert status == 0
    row = next(line for line in out.splitlines() if "parliamentary-oversight" in line)
    assert row.split()[4] == decision
    assert out.splitlines()[-1].endswith("0 high-severity open")


def test_medium_and_low_findings_do_not_fail_the_check(small_map: SmallMap) -> None:
    from tests.governance.conftest import relate

    relate(small_map.parliament, "oversees", small_map.interior)
    status, out, _err = check("CF")
    assert status == 0
    assert "high " not in out
    assert "legal-basis" in out


def test_json_gives_the_api_s_fields_for_the_whole_map(
    small_map: SmallMap, make_actor: ActorFactory, verified_superuser_client: Client
) -> None:
    make_actor(kind="civilian_intelligence", name="Secret", reference="SECRET", confidentiality="restricted")
    status, out, err = check("CF", "--format", "json", "--as-of", "2024-01-31")
    assert status == 1
    document = json.loads(out)
    assert (document["country"], document["as_of"]) == ("CF", "2024-01-31")
    keys = [item["key"] for item in document["findings"]]
    assert "intelligence:SECRET" in keys  # the command line acts as the platform: everything
    api = verified_superuser_client.get("/api/v1/countries/CF/findings", {"as_of": "2024-01-31"}).json()
    assert document == api
    assert err.startswith("CF on 2024-01-31: ")


def test_json_in_french(small_map: SmallMap) -> None:
    _status, out, _err = check("CF", "--format", "json", "--language", "fr")
    (found,) = [item for item in json.loads(out)["findings"] if item["key"] == HIGH]
    assert found["title"] == "Les forces sont contrôlées par le parlement"
    # The small map's actors give no French article: their names are quoted after "l’acteur".
    assert found["evidence"][0]["text"] == (
        "Le parlement et ses commissions ne contrôlent ni l’acteur « National Police » ni aucun de ses organes de "
        "tutelle (l’acteur « Ministry of the Interior »)."
    )


def test_the_date_changes_the_findings(small_map: SmallMap) -> None:
    from egide.core.fuzzy_dates import FuzzyDate
    from tests.governance.conftest import relate

    relate(small_map.parliament, "oversees", small_map.interior, start=FuzzyDate.parse("2020"))
    assert check("CF", "--as-of", "2019-12-31")[0] == 1
    assert check("CF", "--as-of", "2020-01-01")[0] == 0
    assert check("CF")[0] == 0


def test_unknown_countries_and_bad_dates_are_errors(db: None) -> None:
    with pytest.raises(CommandError, match="not a country code"):
        call_command("governance", "check", "QQ", stdout=io.StringIO())
    for date in ("2024-02-30", "2024", "tomorrow"):
        with pytest.raises(CommandError, match="not a date"):
            call_command("governance", "check", "CF", "--as-of", date, stdout=io.StringIO())


def test_errors_exit_with_status_2_not_1(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    """Status 1 means open high-severity findings; a mistake on the command line is 2, as argparse's are."""
    for argv in (["governance", "check", "QQ"], ["governance", "check", "CF", "--as-of", "2024-13-01"]):
        with pytest.raises(SystemExit) as exit:
            Command().run_from_argv(["egide", *argv])
        assert exit.value.code == 2
    with pytest.raises(SystemExit) as exit:
        Command().run_from_argv(["egide", "governance", "check", "CF", "--format", "xml"])
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert "not a country code" in error
    assert "not a date" in error


def test_an_empty_map_passes(db: None) -> None:
    status, out, _err = check("ML")
    assert status == 0  # nothing to check: no force, so no high-severity finding
    assert out.splitlines()[-1].startswith("ML on ")


def test_json_with_decisions_is_the_api_s_answer(small_map: SmallMap, member: User) -> None:
    services.finding_decide(
        user=member, country="CF", key=HIGH, rule="parliamentary-oversight", status="false_positive", comment="Seen"
    )
    status, out, _err = check("CF", "--format", "json")
    assert status == 0
    client = Client()
    client.force_login(member)
    api = client.get("/api/v1/countries/CF/findings").json()
    document = json.loads(out)
    (decided,) = [item for item in document["findings"] if item["decision"] is not None]
    assert decided["decision"]["decided_by"] == "member"
    assert decided["decision"]["decided_at"].endswith("Z")  # the API's way of writing times, to the millisecond
    assert document == api
    assert out.startswith('{\n  "country": "CF",\n  "as_of": ')  # indented for people


def test_the_command_starts_without_the_web_side() -> None:
    """The check reads the database and writes text: loading every view and the API's assembly (which the system
    checks of the URLs would) doubled its start."""
    code = (
        "import sys, django; django.setup()\n"
        "from django.core.management import load_command_class\n"
        "command = load_command_class('egide.governance', 'governance')\n"
        "assert command.requires_system_checks == [], command.requires_system_checks\n"
        "print(sorted(name for name in ('egide.urls', 'egide.api.assembly', 'egide.actors.views', 'openpyxl',"
        " 'networkx', 'egide.governance.schemas', 'ninja', 'pydantic', 'egide.assessments.frameworks')"
        " if name in sys.modules))\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "egide.settings"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_egide_command_keeps_the_exit_status_and_leaves_the_collector_out_of_its_exit() -> None:
    """`egide` (egide.cli.main) freezes the objects alive once the command is done, so that the collector's passes
    at the interpreter's exit skip them; the command's output and exit status are its own. Django's setup runs
    with the collector paused, and leaves it running."""
    code = (
        "import gc, sys\n"
        "from egide.cli import main\n"
        "sys.argv = ['egide', 'governance', 'check', 'QQ']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    print('status', exit.code, 'frozen', gc.get_freeze_count() > 1000, 'collecting', gc.isenabled())\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "egide.settings"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "status 2 frozen True collecting True"
    assert "not a country code" in done.stderr


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_table_rows_say_what_the_findings_document_says(small_map: SmallMap, member: User, language: str) -> None:
    """The table builds only the columns it prints (documents.finding_rows): they must be the document's own."""
    import datetime

    from django.utils import translation

    from egide.accounts.selectors import PLATFORM
    from egide.governance.documents import finding_rows, findings_document
    from egide.governance.selectors import country_findings

    services.finding_decide(
        user=member, country="CF", key=HIGH, rule="parliamentary-oversight", status="acknowledged", comment=""
    )
    day = datetime.date.today()
    with translation.override(language):
        result = country_findings(user=PLATFORM, country="CF", as_of=day)
        document = findings_document(result, country="CF", as_of=day)
        rows = finding_rows(result)
    expected = [
        (
            item["severity"],
            item["rule"],
            ", ".join(actor["reference"] for actor in item["actors"]) or "-",
            item["confidence"],
            item["decision"]["status"] if item["decision"] is not None else "open",
            [piece["text"] for piece in item["evidence"]] or [""],
        )
        for item in document["findings"]
    ]
    assert rows == expected
    assert any(row[4] == "acknowledged" for row in rows)
    assert len(rows) == 15
