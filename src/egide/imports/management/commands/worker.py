"""`egide worker`: the background worker, under the name a server's service files use (the same command as
`egide db_worker`, its heartbeat, reaper and periodic tasks included)."""

from egide.imports.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    pass
