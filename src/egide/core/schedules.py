"""What the background worker keeps scheduled: periodic tasks that enqueue their own next run, and that must be
queued once when a worker starts (`egide db_worker`, or the one `egide runserver` starts) and at `egide setup`, so
that no cron is needed.

An app registers the dotted path of a callable without arguments that queues its task unless one is queued already,
from its AppConfig.ready(); a path, not the callable, so that registering imports nothing (as
egide.programmes.sections). Each must be idempotent: several workers may start at once.
"""

import logging

from django.db import DatabaseError
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

SCHEDULES: list[str] = []


def schedule_register(path: str) -> None:
    if path not in SCHEDULES:
        SCHEDULES.append(path)


def schedules_ensure() -> None:
    """Queue each registered periodic task that is not queued yet. A database not ready (not migrated yet) leaves
    them for the next start rather than stopping the worker."""
    for path in SCHEDULES:
        try:
            import_string(path)()
        except DatabaseError:
            log.exception("The periodic task %s could not be scheduled.", path)
