"""Addresses reversed once (egide.core.links), `__any_of` (egide.core.lookups) and the settled server process
(egide.core.settled), on the database the suite runs on."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from egide.accounts.models import Organisation
from egide.core.links import code_address, pk_address
from egide.programmes.models import Participation, Programme

SOURCE = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.parametrize("name", ["programme-detail", "actor-detail"])
def test_an_address_reversed_once_is_reverses_own(name: str) -> None:
    address = pk_address(name)
    for pk in (1, 42, 9_999_999_999):
        assert address(pk) == reverse(name, args=[pk])
    with translation.override("fr"):
        assert pk_address(name)(7) == reverse(name, args=[7])


@pytest.mark.parametrize("name", ["country-detail", "country-coordination", "country-governance"])
def test_an_address_by_country_code_is_reverses_own(name: str) -> None:
    address = code_address(name)
    for code in ("CF", "cd", "XK", "A B", "é"):
        assert address(code) == reverse(name, args=[code])


def _organisations() -> list[Organisation]:
    return [Organisation.objects.create(name_en=f"Org {index}", acronym=f"O{index}") for index in range(3)]


@pytest.mark.django_db
def test_any_of_keeps_the_rows_of_the_keys_given() -> None:
    first, second, third = _organisations()
    with CaptureQueriesContext(connection) as queries:
        found = set(Organisation.objects.filter(pk__any_of=[first.pk, third.pk, 10**12]))
    assert found == {first, third}
    sql = queries.captured_queries[0]["sql"]
    # One parameter on PostgreSQL, whatever the number of keys; the same IN as `__in` elsewhere.
    assert ("= ANY(" in sql) == (connection.vendor == "postgresql")
    assert list(Organisation.objects.filter(pk__any_of=[])) == []
    assert set(Organisation.objects.exclude(pk__any_of=[second.pk]).filter(pk__in=[first.pk, second.pk])) == {first}


@pytest.mark.django_db
def test_any_of_follows_a_relation_by_its_column() -> None:
    owner, *_others = _organisations()
    programmes = [
        Programme.objects.create(country="CF", title_en=f"P{index}", owner=owner, confidentiality="public")
        for index in range(3)
    ]
    for programme in programmes:
        Participation.objects.create(programme=programme, role="1", name=programme.title_en)
    kept = Participation.objects.filter(programme_id__any_of=[programmes[0].pk, programmes[2].pk])
    assert sorted(kept.values_list("name", flat=True)) == ["P0", "P2"]
    assert list(Participation.objects.filter(programme__any_of=[programmes[1].pk]).values_list("name", flat=True)) == [
        "P1"
    ]


def test_a_server_process_freezes_what_its_start_made(tmp_path: Path) -> None:
    """`egide.wsgi` (what gunicorn loads in each worker) loads every view module, then freezes the objects made so
    far out of the cycle collector's walks."""
    script = (
        "import gc, sys\n"
        "import egide.wsgi\n"
        "print(gc.get_freeze_count())\n"
        "print('egide.coordination.views' in sys.modules)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(SOURCE),
        "DJANGO_SETTINGS_MODULE": "egide.settings",
        "EGIDE_DATA_DIR": str(tmp_path),
        "DEBUG": "false",
        "EGIDE_LOCAL": "true",
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frozen, views_loaded = done.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"
