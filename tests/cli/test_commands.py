"""The `egide` command line: setup, demo, and the map's import and export."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from egide.actors.models import Actor, Relationship
from tests.conftest import SmallMap


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_setup_creates_an_administrator_with_a_printed_random_password(db: None) -> None:
    output = _run("setup", "--no-demo", "--no-static")
    password = output.split("with the password ")[1].split(" ")[0]
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.check_password(password)
    assert len(password) >= 12
    again = _run("setup", "--no-demo", "--no-static")
    assert "already exists" in again
    assert User.objects.count() == 1


def test_setup_and_demo_load_the_demo_once(db: None) -> None:
    _run("setup", "--no-static")
    counts = (Actor.objects.count(), Relationship.objects.count())
    assert counts[0] >= 50
    output = _run("demo")
    assert "0 created, 0 updated" in output
    assert (Actor.objects.count(), Relationship.objects.count()) == counts


def test_actors_import_and_export_round_trip(small_map: SmallMap, tmp_path: Path) -> None:
    target = tmp_path / "map.xlsx"
    call_command(
        "actors", "export", "--country", "CF", "--format", "xlsx", "--output", str(target), stderr=io.StringIO()
    )
    assert target.stat().st_size > 0
    output = _run("actors", "import", str(target), "--country", "CD")
    assert "actors 7 created" in output
    assert Actor.objects.filter(country="CD").count() == 7
    assert "7 unchanged" in _run("actors", "import", str(target), "--country", "CD")


def test_actors_export_json_goes_to_standard_output(
    small_map: SmallMap, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    call_command("actors", "export", "--country", "cf", "--format", "json")
    document = json.loads(capsysbinary.readouterr().out)
    assert {actor["reference"] for actor in document["actors"]} == {"PR", "MOD", "FACA", "POL", "MOI", "AN", "CIT"}


def test_actors_import_reports_problems_and_writes_nothing(db: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("reference,kind,name_en\nPOL,police,Police\nX,unknown,Thing\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("actors", "import", str(bad), "--country", "CF", stdout=io.StringIO(), stderr=errors)
    assert "bad.csv: actors, row 3, kind" in errors.getvalue()
    assert not Actor.objects.exists()


def test_actors_command_refuses_unknown_countries_and_files(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a country code"):
        call_command("actors", "export", "--country", "QQ")
    with pytest.raises(CommandError, match="no such file"):
        call_command("actors", "import", str(tmp_path / "missing.csv"), "--country", "CF")
