"""The platform's metrics, in Prometheus's text format (EGIDE_METRICS=true; off by default).

Request latency by view name (never by raw address, so that the series stay few), responses by status class, the
background tasks' durations and failures by task, and the rows each importer read. With several worker processes,
set PROMETHEUS_MULTIPROC_DIR to an empty folder writable by all of them (emptied at each start): every process
then writes its values there and the endpoint adds them up (prometheus_client's multiprocess mode).

Only imported when metrics are on, so that a process without them never loads prometheus_client.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

# Seconds: from a fast page to a large export.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TASK_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

REQUEST_LATENCY = Histogram(
    "egide_request_duration_seconds",
    "Time to answer a request, by view name and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
RESPONSES = Counter("egide_responses", "Responses sent, by status class (2xx, 3xx, 4xx, 5xx).", ["status_class"])
TASK_DURATION = Histogram(
    "egide_task_duration_seconds", "Time a background task ran, by task.", ["task"], buckets=TASK_BUCKETS
)
TASK_FAILURES = Counter("egide_task_failures", "Background tasks that failed, by task.", ["task"])
IMPORT_ROWS = Counter("egide_import_rows", "Rows (or activities) read by the imports, by importer.", ["importer"])


def request_observed(*, view: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(view=view, method=method).observe(seconds)
    RESPONSES.labels(status_class=f"{status // 100}xx").inc()


def task_observed(*, task: str, seconds: float, failed: bool) -> None:
    TASK_DURATION.labels(task=task).observe(seconds)
    if failed:
        TASK_FAILURES.labels(task=task).inc()


def import_rows_observed(*, importer: str, rows: int) -> None:
    if rows > 0:
        IMPORT_ROWS.labels(importer=importer).inc(rows)


def exposition() -> tuple[bytes, str]:
    """The text the endpoint answers: this process's values, or every process's in multiprocess mode."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # as prometheus_client decides where values are kept
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
