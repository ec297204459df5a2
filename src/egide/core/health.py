"""What a load balancer asks of a web process (`/health/live`, `/health/ready`, egide.core.health_middleware).

Alive: the process answers; nothing else is looked at, so that a database down does not get every web process
restarted. Ready: it can serve, each of these answering:

- the database (a query);
- the cache (a value written, read back and removed; `dummy://`, which keeps nothing by design, is left out);
- the storage of uploaded documents (a small file written, read back and removed);
- the task queue: not more than EGIDE_HEALTH_MAX_QUEUED_TASKS tasks waiting, the oldest of them waiting for less
  than EGIDE_HEALTH_MAX_TASK_WAIT_MINUTES (a worker stopped or far behind); 0 leaves either out.

Each check gives None or the reason it failed, which is written to the log (never to the caller).
"""

import datetime
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("egide.health")

PROBE = b"egide health probe"


def database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return None if row is not None and row[0] == 1 else f"SELECT 1 answered {row!r}"


def cache() -> str | None:
    store = caches["default"]
    if isinstance(store, DummyCache):
        return None
    key = f"egide-health-{secrets.token_hex(8)}"
    store.set(key, PROBE, timeout=30)
    try:
        value = store.get(key)
    finally:
        store.delete(key)
    return None if value == PROBE else "a value written to the cache could not be read back"


def storage() -> str | None:
    name = default_storage.save(f"health/probe-{secrets.token_hex(8)}.txt", ContentFile(PROBE))
    try:
        with default_storage.open(name, "rb") as stored:
            content = stored.read()
    finally:
        default_storage.delete(name)
    return None if content == PROBE else "a file written to the storage could not be read back"


def task_queue() -> str | None:
    waiting = DBTaskResult.objects.ready()
    most = settings.EGIDE_HEALTH_MAX_QUEUED_TASKS
    if most:
        count = waiting[: most + 1].count()
        if count > most:
            return f"more than {most} tasks wait for a worker"
    minutes = settings.EGIDE_HEALTH_MAX_TASK_WAIT_MINUTES
    if minutes:
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        if oldest is not None and timezone.now() - oldest > datetime.timedelta(minutes=minutes):
            return f"a task has waited for a worker since {oldest.isoformat()} (more than {minutes} minutes)"
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": database,
    "cache": cache,
    "storage": storage,
    "task queue": task_queue,
}


def failures() -> dict[str, str]:
    """Each readiness check that failed, with its reason (logged); empty when the process is ready."""
    failed: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "task queue" and "database" in failed:
            continue  # read from the database: its failure says it already
        try:
            reason = check()
        except Exception as error:  # any failure of a service: not ready, with its reason
            reason = f"{type(error).__name__}: {error}"
        if reason is not None:
            failed[name] = reason
            logger.warning("Not ready: %s: %s", name, reason)
    return failed
