"""Several web processes serve one PostgreSQL: two real `egide serve` processes on two ports and one
`egide db_worker`, against the test database. A change made through one is seen through the other; a findings
cache entry (docs/caching.md) written by one is shared and then left for a new one when the map changes, whichever
process changed it (with the file cache of the data folder, and with Redis when a server answers at
127.0.0.1:6379); a task queued through one is run by the worker and followed through the other."""

import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection

from egide.security.tokens import token_create
from tests.conftest import PASSWORD, SmallMap
from tests.deployment.servers import Server, database_url, environment, servers, task_worker

REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several servers share one database over the network: PostgreSQL only (SQLite's test database "
        "lives in the test process's memory; the same test runs in the PostgreSQL run)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


@dataclass
class SharedCache:
    """What the servers share as their cache, and a count of the entries in it."""

    variables: dict[str, str]
    entries: Callable[[], int]


@pytest.fixture(params=["file", "redis"])
def shared_cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SharedCache]:
    if request.param == "file":
        folder = tmp_path / "data" / "cache"
        yield SharedCache({}, lambda: sum(1 for path in folder.rglob("*") if path.is_file()))
        return
    if not _redis_answers():
        pytest.skip(f"no Redis server answers at {REDIS_URL}")
    prefix = f"egide-scale-out-{secrets.token_hex(8)}"
    client = redis.Redis.from_url(REDIS_URL)
    yield SharedCache(
        {"CACHE_URL": REDIS_URL, "EGIDE_CACHE_KEY_PREFIX": prefix},
        lambda: sum(1 for _ in client.scan_iter(f"{prefix}:*")),
    )
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def _findings(server: Server, token: str) -> dict[str, set[str]]:
    """Each finding's key, with the references of the actors it names."""
    answer = server.get("/api/v1/countries/CF/findings", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return {item["key"]: {actor["reference"] for actor in item["actors"]} for item in answer.json()["findings"]}


def _csrf(page: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match[1]


def test_two_servers_and_a_worker_share_one_database(
    tmp_path: Path, member: User, small_map: SmallMap, shared_cache: SharedCache
) -> None:
    hasher = Argon2PasswordHasher()  # what the servers check passwords with (the tests' own hasher is faster)
    member.password = hasher.encode(PASSWORD, hasher.salt())
    member.save()
    token = token_create(user=member, name="scale-out", by=member)[1]
    env = environment(
        database=database_url(),
        data_dir=tmp_path / "data",
        EGIDE_IMPORT_INLINE_MAX_KB="0",  # every upload is imported by the worker
        **shared_cache.variables,
    )
    bearer = {"Authorization": f"Bearer {token}"}
    with servers(env, tmp_path, 2) as (first, second), task_worker(env, tmp_path) as worker:
        # A change made through one process is seen through the other.
        created = requests.post(
            f"{first.url}/api/v1/countries/CF/actors",
            json={"reference": "GARDE", "kind": "gendarmerie", "name_en": "Republican Guard"},
            headers=bearer,
            timeout=60,
        )
        assert created.status_code == 201, created.text
        seen = second.get(f"/api/v1/actors/{created.json()['id']}", headers=bearer)
        assert (seen.status_code, seen.json()["name_en"]) == (200, "Republican Guard")

        # The findings computed by one are kept in the shared cache, read by the other, and left for new ones
        # when the map changes, whichever process changed it.
        before = _findings(first, token)
        assert before
        kept = shared_cache.entries()
        assert kept > 0
        assert _findings(second, token) == before
        assert shared_cache.entries() == kept  # the second read the first's entry: nothing new was kept
        police = requests.post(
            f"{second.url}/api/v1/countries/CF/actors",
            json={"reference": "BRIGADE", "kind": "police", "name_en": "Mobile brigade"},
            headers=bearer,
            timeout=60,
        )
        assert police.status_code == 201, police.text
        after = _findings(first, token)  # the first kept the old answer in its memory too
        assert any("BRIGADE" in actors for actors in after.values()), after
        assert not any("BRIGADE" in actors for actors in before.values())
        assert shared_cache.entries() > kept
        assert _findings(second, token) == after

        # A task queued through one process is run by the worker and followed through the other.
        browser = requests.Session()
        login = browser.get(f"{second.url}/login/", timeout=60)
        logged_in = browser.post(
            f"{second.url}/login/",
            data={"username": member.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(login)},
            allow_redirects=False,
            timeout=60,
        )
        assert logged_in.status_code == 302, logged_in.text[:500]
        form = browser.get(f"{second.url}/countries/CD/import/", timeout=60)
        rows = "".join(f"UNIT{n},police,Police unit {n}\n" for n in range(5))
        queued = browser.post(
            f"{second.url}/countries/CD/import/",
            data={"csrfmiddlewaretoken": _csrf(form)},
            files={"file": ("units.csv", f"reference,kind,name_en\n{rows}".encode())},
            allow_redirects=False,
            timeout=60,
        )
        assert queued.status_code == 302, queued.text[:1000]
        job = queued.headers["Location"]
        assert re.fullmatch(r"/imports/[0-9a-f-]{36}/", job)
        deadline = time.monotonic() + 60
        status = ""
        while time.monotonic() < deadline:
            status = browser.get(f"{first.url}{job}status/", timeout=60).text
            if "Import finished." in status or "failed" in status.lower():
                break
            time.sleep(0.3)
        assert "Import finished." in status, f"{status[:1000]}\n{worker.output()}"
        actors = first.get("/api/v1/countries/CD/actors", headers=bearer).json()["items"]
        assert sorted(actor["reference"] for actor in actors) == [f"UNIT{n}" for n in range(5)]
