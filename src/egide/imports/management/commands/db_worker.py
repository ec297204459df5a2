"""`egide db_worker`: django-tasks-db's worker, which first queues the periodic tasks not queued yet (the daily
digest of due-diligence alerts: egide.core.schedules), so that they run without cron. `egide runserver` starts this
command beside the server."""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from egide.core.schedules import schedules_ensure


class Command(DatabaseWorker):
    help = "Run the background tasks (large imports, the daily digest), after queuing the periodic ones."

    def handle(self, *args: Any, **options: Any) -> None:
        schedules_ensure()
        super().handle(*args, **options)
