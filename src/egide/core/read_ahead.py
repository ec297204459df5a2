"""Reading ahead: an iterator's items made by a thread of this process while the caller works on the ones before.

An import reads a file (Python over lxml) and writes what it read to the database, which then works on its own:
the PostgreSQL server on its core, SQLite's library with Python's lock released. Read in the caller's thread, the
reading waits for the database and the database for the reading. With `read_ahead`, a thread reads the next items
while the caller's statements run, so that on a machine with a free core the two overlap.

The thread reads a batch of items at a time and hands it over through a queue of a few batches: memory stays
bounded (the thread waits while the caller is behind). It only reads: it never touches the database, nor
anything the caller would (the items' iterator must not either). What the iterator raises is raised in the
caller, where it would have been, after the items made before it. Whatever ends the reading early (the caller's
error, the iterator closed or dropped), the thread stops at its next batch and is waited for; the source iterator
is closed in the thread that ran it.

Python's lock passes from one thread to the other at most every `SWITCH_INTERVAL` seconds while both want it
(instead of the 5 ms by default): the caller, which gives it up at every statement, gets it back sooner.

`ahead_of_writes` reads ahead only for PostgreSQL. SQLite's library gives Python's lock up and takes it back around
every row it writes, each time waiting for the reading thread to yield it: an IATI import of 10,000 activities took
5-9 % more CPU time with the thread, and more wall time (benchmarks/RESULTS.md, iati12).
"""

import sys
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager, suppress
from queue import Empty, Full, Queue
from typing import Any

from django.db import connection

BATCH = 50
"""Items handed over at once."""
DEPTH = 4
"""Batches waiting in the queue at most."""
WAIT = 0.1
"""Seconds between two looks at whether the caller has stopped, while the queue is full."""
SWITCH_INTERVAL = 0.0005

_switch_lock = threading.Lock()
_switch_users = 0
_switch_before = 0.0


@contextmanager
def _short_switches() -> Iterator[None]:
    """Python's switch interval at SWITCH_INTERVAL while at least one reading ahead runs, as it was after."""
    global _switch_users, _switch_before
    with _switch_lock:
        if _switch_users == 0:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_before, SWITCH_INTERVAL))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_before)


def read_ahead[T](
    items: Iterable[T], *, batch: int = BATCH, depth: int = DEPTH, name: str = "read-ahead"
) -> Generator[T, None, None]:
    """`items`, in their order, made by a thread of their own ahead of the caller (see the module)."""
    queue: Queue[tuple[str, Any]] = Queue(maxsize=depth)
    stopped = threading.Event()

    def put(message: tuple[str, Any]) -> bool:
        while not stopped.is_set():
            try:
                queue.put(message, timeout=WAIT)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        chunk: list[T] = []
        try:
            for item in source:
                chunk.append(item)
                if len(chunk) >= batch:
                    if not put(("items", chunk)):
                        return
                    chunk = []
            if put(("items", chunk)):
                put(("end", None))
        except BaseException as error:  # raised in the caller, after the items made before it
            if put(("items", chunk)):
                put(("error", error))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name=name, daemon=True)
    with _short_switches():
        thread.start()
        try:
            while True:
                kind, value = queue.get()
                if kind == "items":
                    yield from value
                elif kind == "error":
                    raise value
                else:
                    return
        finally:
            stopped.set()
            while thread.is_alive():  # the thread may wait on a full queue: emptied until it has seen the stop
                with suppress(Empty):
                    queue.get(timeout=WAIT)
            thread.join()


def ahead_of_writes[T](items: Iterable[T]) -> Generator[T, None, None]:
    """`items` read ahead (`read_ahead`) when the caller writes them to PostgreSQL; as they come on SQLite (see
    the module). Close the iterator, or read it to its end, to stop the reading."""
    if connection.vendor == "postgresql":
        return read_ahead(items)
    return _as_they_come(items)


def _as_they_come[T](items: Iterable[T]) -> Generator[T, None, None]:
    yield from items  # closed, it closes `items` (a file's parser) too
