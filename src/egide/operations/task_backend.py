"""The database task backend (django-tasks-db) that also keeps, with each task it queues, the id of the request that
queued it, so that the worker's log lines for that task carry the same request id (egide.operations.task_signals).

The id is one more key of the row's JSON column of arguments, written in the same INSERT as the task: a worker
can never take the task before its id is there. The worker reads only the "args" and "kwargs" keys.
"""

from typing import TYPE_CHECKING, Any

from django_tasks_db.backend import DatabaseBackend as BaseDatabaseBackend
from django_tasks_db.compat import normalize_json

from egide.operations import request_id

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

REQUEST_ID_KEY = "request_id"


class DatabaseBackend(BaseDatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> "DBTaskResult":
        from django_tasks_db.models import DBTaskResult

        stored: dict[str, Any] = {"args": args, "kwargs": kwargs}
        identifier = request_id.current()
        if identifier:
            stored[REQUEST_ID_KEY] = identifier
        return DBTaskResult.objects.create(
            id=self._get_id(),
            args_kwargs=normalize_json(stored),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )


def stored_request_id(task_result: Any) -> str:
    """The request id kept with a task queued by this backend; empty for any other."""
    db_result = getattr(task_result, "db_result", None)
    if db_result is None:
        return ""
    value = (db_result.args_kwargs or {}).get(REQUEST_ID_KEY, "")
    return value if isinstance(value, str) and request_id.well_formed(value) else ""
