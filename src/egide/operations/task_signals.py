"""The background tasks in the log and the metrics: when a task starts, the request id it was queued with (or a
new one) is bound for its log lines; when it ends, one line says how it went and how long it ran, and the metrics
count it (egide_task_duration_seconds, egide_task_failures_total).

Connected by egide.operations.apps; the worker runs each task and its signals in one thread, so the id bound at the
start is the one in force while the task runs.
"""

import logging
import time
from contextvars import Token
from typing import Any

from django.dispatch import receiver
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished, task_started

from egide.operations import instruments, request_id
from egide.operations.task_backend import stored_request_id

logger = logging.getLogger("egide.tasks")

_running: dict[str, tuple[float, Token[str] | None]] = {}


@receiver(task_started)
def task_started_bind(sender: Any, task_result: Any, **kwargs: Any) -> None:
    identifier = stored_request_id(task_result)
    token = None
    if identifier or not request_id.current():
        # A task run at once inside a request (the immediate backend) keeps that request's id.
        token = request_id.bind(identifier or request_id.new_id())
    _running[str(task_result.id)] = (time.perf_counter(), token)
    logger.info("Task %s started", task_result.task.module_path, extra={"task": task_result.task.module_path})


@receiver(task_finished)
def task_finished_log(sender: Any, task_result: Any, **kwargs: Any) -> None:
    started, token = _running.pop(str(task_result.id), (None, None))
    seconds = time.perf_counter() - started if started is not None else 0.0
    name = task_result.task.module_path
    failed = task_result.status == TaskResultStatus.FAILED
    try:
        logger.log(
            logging.ERROR if failed else logging.INFO,
            "Task %s %s",
            name,
            "failed" if failed else "finished",
            extra={"task": name, "status": str(task_result.status), "duration_ms": round(seconds * 1000, 1)},
        )
        if instruments.enabled():
            from egide.operations import metrics

            metrics.task_observed(task=name, seconds=seconds, failed=failed)
    finally:
        if token is not None:
            request_id.unbind(token)
