"""The cycle collector is paused while a large answer is computed, and left as it was found afterwards."""

import gc
import threading
from collections.abc import Iterator

import pytest

from egide.core.collection import paused_collection


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_paused_inside_and_resumes_after(collector_on: None) -> None:
    with paused_collection():
        assert not gc.isenabled()
        with paused_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block is not done yet
    assert gc.isenabled()


def test_it_resumes_after_an_error(collector_on: None) -> None:
    with pytest.raises(ZeroDivisionError), paused_collection():
        _ = 1 / 0
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off(collector_on: None) -> None:
    gc.disable()
    with paused_collection():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_it_resumes_when_the_last_thread_is_done(collector_on: None) -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with paused_collection():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with paused_collection():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread is still at work
    release.set()
    thread.join(5)
    assert gc.isenabled()
