"""The governance findings shared through a real Redis server, as several web processes share them: run when a
server answers at 127.0.0.1:6379, skipped otherwise. Keys are written under a prefix of their own and removed."""

import datetime
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import LazySettings

from egide.actors.models import Relationship
from egide.environment import read_cache_url
from egide.governance import cache as findings_cache
from egide.governance.selectors import country_findings

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis server answers at {REDIS_URL}")


@pytest.fixture
def redis_cache(settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    prefix = f"egide-test-{secrets.token_hex(8)}"
    monkeypatch.setenv("CACHE_URL", REDIS_URL)
    caches = read_cache_url("CACHE_URL", default="locmem://")
    caches["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = caches
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_findings_are_shared_through_redis(
    redis_cache: str, oversight_known_to_the_owner: Relationship, rule_runs: list[Any]
) -> None:
    day = datetime.date(2026, 1, 15)
    first = country_findings(user=None, country="CF", as_of=day)
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_cache}:*"))
    findings_cache.memory.clear()  # another process: nothing in its memory, the answer comes from Redis
    second = country_findings(user=None, country="CF", as_of=day)
    assert rule_runs == [day]
    assert [item.key for item in second.findings] == [item.key for item in first.findings]
    assert second.findings  # the map has findings: an empty answer would prove nothing
