"""Reading ahead in a thread: the items in their order, the source's error raised where it would have been, the
thread stopped and the source closed whenever the caller stops, memory bounded, the switch interval restored."""

import sys
import threading
import time
from collections.abc import Iterator

import pytest

from egide.core.read_ahead import SWITCH_INTERVAL, read_ahead


def _readers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "read-ahead"]


def _until_no_reader() -> None:
    deadline = time.monotonic() + 5
    while _readers() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _readers()


def test_the_items_come_in_their_order_made_by_another_thread() -> None:
    made_in: set[str] = set()

    def items() -> Iterator[int]:
        for number in range(1_234):
            made_in.add(threading.current_thread().name)
            yield number

    assert list(read_ahead(items(), batch=10)) == list(range(1_234))
    assert made_in == {"read-ahead"}
    _until_no_reader()


def test_an_empty_source() -> None:
    assert list(read_ahead(iter([]))) == []
    _until_no_reader()


def test_the_source_s_error_comes_after_the_items_made_before_it() -> None:
    def items() -> Iterator[int]:
        yield from range(25)
        raise ValueError("line 12, column 3: broken")

    received: list[int] = []

    def receive() -> None:
        for item in read_ahead(items(), batch=10):
            received.append(item)

    with pytest.raises(ValueError, match="line 12, column 3"):
        receive()
    assert received == list(range(25))
    _until_no_reader()


def test_a_caller_that_stops_early_stops_the_thread_and_closes_the_source() -> None:
    closed = threading.Event()
    made: list[int] = []

    def items() -> Iterator[int]:
        try:
            for number in range(1_000_000):
                made.append(number)
                yield number
        finally:
            closed.set()

    ahead = read_ahead(items(), batch=10, depth=2)
    assert [next(ahead) for _ in range(5)] == list(range(5))
    ahead.close()
    assert closed.is_set()
    _until_no_reader()
    # Never more than the batches the queue holds, the one being handed over and the one being made.
    assert len(made) <= 10 * 5


def test_a_caller_s_error_stops_the_thread() -> None:
    def items() -> Iterator[int]:
        yield from range(1_000_000)

    def write() -> None:
        for item in read_ahead(items(), batch=10):
            if item == 50:
                raise RuntimeError("the writing failed")

    with pytest.raises(RuntimeError):
        write()
    _until_no_reader()


def test_the_switch_interval_is_short_while_reading_then_as_it_was() -> None:
    before = sys.getswitchinterval()
    seen: list[float] = []
    for _ in read_ahead(iter(range(3))):
        seen.append(sys.getswitchinterval())
    assert seen == [min(before, SWITCH_INTERVAL)] * 3
    assert sys.getswitchinterval() == before
