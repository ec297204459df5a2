"""Reading one IATI file in a child process while this one writes it: the two cores at work at once.

The child parses the file (egide.iati.parser.read_activities_since) and sends its activities in batches of
`BATCH_SIZE`, pickled, through a pipe: while the writer has not taken the batch sent, the child waits, so at most a
batch is in flight between the two, one being read and one being written, and memory stays flat whatever the file's
size. (The child pickles and sends in its own thread: a multiprocessing queue's feeder thread cost the reader an
eighth more CPU time for nothing.) The writer (egide.iati.importer) filters, checks and
writes what it receives exactly as it would the activities read in its own process: same counts, same warnings, the
same file all or nothing.

Malformed XML found by the child comes back as the same MalformedFile (file, line and column), raised where the
writer reads the next activity, inside its transaction, which then rolls back. Whatever ends the reading early (the
writer's error, the iterator closed or dropped), the child is stopped and waited for: no process is left behind. A
child whose writer has gone (killed) stops by itself, its pipe broken.

A process started by fork when this one runs a single thread (a command, a worker), by forkserver otherwise (fork
is unsafe in a threaded process): the child only reads the file, never the database.
"""

import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any

from egide.core.collection import paused_collection
from egide.iati.parser import Codelists, Unchanged, read_activities_since
from egide.iati.progress import PROGRESS_EVERY, FileProgress
from egide.iati.records import Activity

BATCH_SIZE = 250
"""Activities sent at once (each pickled batch is about a megabyte)."""
WAIT = 1.0
"""Seconds between two looks for the next batch."""

type Item = Activity | Unchanged


def process_context() -> ForkContext | ForkServerContext | SpawnContext:
    """Fork when this process runs a single thread (cheap: nothing to send), else a fork server."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _read(
    path: str, name: str, codes: Codelists | None, known: Mapping[str, str], batch_size: int, out: Any, ends: Any
) -> None:
    """The child's work: the file's activities, a batch at a time, then ("end", None) or ("error", exception)."""
    ends.close()  # the writer's end: once the writer is gone, sending fails and the child ends

    def send(message: tuple[str, Any]) -> None:
        # Pickled here and sent at once: it waits while the pipe is full (the writer behind).
        try:
            out.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the writer is gone: nobody will read
            os._exit(1)

    batch: list[Item] = []
    count = position = 0
    try:
        # The records hold no reference cycles (see egide.iati.importer): the collector paused, as in the writer.
        with paused_collection(), open(path, "rb") as handle:
            for item in read_activities_since(handle, filename=name, codes=codes, known=known):
                batch.append(item)
                if len(batch) >= batch_size:
                    count += len(batch)
                    position = handle.tell()
                    send(("batch", (batch, position, count)))
                    batch = []
            count += len(batch)
            send(("batch", (batch, handle.tell(), count)))
        send(("end", None))
    except BaseException as error:  # sent back to be raised by the writer, as the in-process read would
        # The activities read before the fault first: the writer counts them as it would have.
        send(("batch", (batch, position, count + len(batch))))
        try:
            pickle.dumps(error)
        except Exception:
            error = RuntimeError(f"{type(error).__name__}: {error}")
        send(("error", error))
    out.close()


def pipelined(
    path: Path,
    *,
    name: str = "",
    codes: Codelists | None = None,
    known: Mapping[str, str] | None = None,
    tick: Callable[[FileProgress], None] | None = None,
    every: float | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[Item]:
    """The file's activities (`read_activities_since`, with `known` as it is now), read by a child process.
    `tick` is called with the progress at most every `every` seconds and once at the end (as
    egide.iati.progress.streamed). Close the iterator (or read it to its end) to stop the child."""
    context = process_context()
    receiving, sending = context.Pipe(duplex=False)
    size = path.stat().st_size
    child = context.Process(
        target=_read,
        args=(str(path), name or path.name, codes, dict(known or {}), batch_size, sending, receiving),
        name=f"iati-reader {path.name}",
        daemon=True,
    )
    child.start()
    sending.close()
    interval = PROGRESS_EVERY if every is None else every
    last = time.monotonic()
    count = 0
    try:
        while True:
            try:
                if not receiving.poll(WAIT):
                    continue
                kind, value = pickle.loads(receiving.recv_bytes())
            except (EOFError, OSError):  # its end closed without a last word, or in the middle of one: it died
                child.join()
                raise RuntimeError(
                    f"the process reading {name or path.name} stopped (exit code {child.exitcode})"
                ) from None
            if kind == "end":
                break
            if kind == "error":
                raise value
            items, position, count = value
            yield from items
            if tick is not None and (now := time.monotonic()) - last >= interval:
                last = now
                tick(FileProgress(position, size, count))
        if tick is not None:
            tick(FileProgress(size, size, count))
    finally:
        if child.is_alive():
            child.join(timeout=0.1)  # ended on its own once its last message was read
        if child.is_alive():
            child.terminate()
            child.join()
        receiving.close()
        child.close()
