"""What the platform logs, captured as the server's console would write it."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from egide.operations.logs import JsonFormatter, RequestIdFilter


@contextmanager
def json_lines() -> Iterator[list[dict[str, Any]]]:
    """The JSON lines written to the console inside the block (INFO and above, every logger), parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    access = logging.getLogger("egide.access")
    tasks = logging.getLogger("egide.tasks")
    levels = (root.level, access.level, tasks.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    access.setLevel(logging.INFO)
    tasks.setLevel(logging.INFO)
    lines: list[dict[str, Any]] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        access.setLevel(levels[1])
        tasks.setLevel(levels[2])
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines() if line.strip())
