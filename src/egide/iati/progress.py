"""Following an import within a file: how much of it was read (bytes, activities), for the command line's bar and
the run's page, so that a single large file is not a bar stuck at 0 % for minutes.

The file's activities are read as a stream (egide.iati.parser) from a file this module opens, and after an activity
the reader's position in the file is reported, at most every `PROGRESS_EVERY` seconds (a clock read per activity;
the report itself, a line drawn or a cache entry written, twice a second at most), and once at the end.

A run's progress within its file is kept in the cache (settings.CACHES, shared by the web server and the workers:
a file cache on one machine, Redis across several), not in its database row: the file's import is one transaction,
which nobody else sees before it ends, and on SQLite holds the only write lock. The row keeps what is committed:
the files done and their reports.
"""

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.cache import cache

from egide.core.read_ahead import ahead_of_writes
from egide.iati.parser import Codelists, Unchanged, read_activities_since
from egide.iati.records import Activity

if TYPE_CHECKING:
    from egide.iati.models import IatiImportRun

PROGRESS_EVERY = 0.5
"""Seconds between two reports of a file's progress, at least."""
LOG_EVERY = 10.0
"""Seconds between two lines of progress when the command line writes to a log rather than a terminal."""
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class FileProgress:
    """How far the reading of one file got: bytes of the file read, of its size, and the activities read."""

    read_bytes: int
    size: int
    activities: int

    @property
    def fraction(self) -> float:
        return min(1.0, self.read_bytes / self.size) if self.size else 1.0


def streamed(
    path: Path,
    *,
    tick: Callable[[FileProgress], None],
    name: str = "",
    codes: Codelists | None = None,
    known: Mapping[str, str] | None = None,
    every: float | None = None,
) -> Iterator[Activity | Unchanged]:
    """The file's activities (`read_activities_since`), calling `tick` with the progress at most every `every`
    seconds (PROGRESS_EVERY by default) and once when the file is read to its end."""
    interval = PROGRESS_EVERY if every is None else every
    size = path.stat().st_size
    count = 0
    with path.open("rb") as handle:
        last = time.monotonic()
        # On PostgreSQL read by a thread of this process ahead of the writing (egide.core.read_ahead), stopped
        # before the file is closed; each activity comes with the position in the file where its reading ended.
        items = read_activities_since(handle, filename=name or path.name, codes=codes, known=known or {})
        tell = handle.tell
        with closing(ahead_of_writes((item, tell()) for item in items)) as ahead:
            for item, position in ahead:
                count += 1
                now = time.monotonic()
                if now - last >= interval:
                    last = now
                    tick(FileProgress(position, size, count))
                yield item
    tick(FileProgress(size, size, count))


# A run's progress, live --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunProgress:
    """What a run's page shows of its progress: files done of all, activities read, the percentage (the files done
    and the share read of the current one)."""

    files_done: int
    files: int
    activities: int
    current_fraction: float = 0.0

    @property
    def percent(self) -> int:
        if not self.files:
            return 0
        return min(100, int(100 * (self.files_done + self.current_fraction) / self.files))


def _key(run_id: object) -> str:
    return f"iati-run-progress:{run_id}"


def run_progress_write(*, run_id: object, files_done: int, activities: int, progress: FileProgress) -> None:
    """Keep the progress of the run's current file (the files before it done, the activities read in all)."""
    cache.set(
        _key(run_id),
        {"files_done": files_done, "activities": activities, "fraction": progress.fraction},
        CACHE_SECONDS,
    )


def run_progress_clear(*, run_id: object) -> None:
    cache.delete(_key(run_id))


def run_progress(run: "IatiImportRun") -> RunProgress:
    """The run's progress: its row's once finished or when nothing newer is known, else the current file's."""
    committed = RunProgress(run.files_done, len(run.filenames), run.activities_read)
    if run.finished:
        return RunProgress(len(run.filenames), len(run.filenames), run.activities_read)
    live = cache.get(_key(run.pk))
    if not isinstance(live, dict) or live.get("files_done", -1) < run.files_done:
        return committed
    return RunProgress(
        int(live["files_done"]), len(run.filenames), int(live["activities"]), float(live.get("fraction", 0.0))
    )
