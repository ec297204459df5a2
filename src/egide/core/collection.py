"""Pausing Python's cycle collector while a large answer is computed.

Reading a country's graph and its findings makes hundreds of thousands of small objects (nodes, edges, steps,
findings, then the answer's dicts) that hold no reference cycles: the collector has nothing to free in them, yet
each of its passes over the older objects walks all of them again. At 10,000
actors they were a third of `egide governance check`'s time. Reference counting still frees everything as usual,
and the collector resumes when the work is done.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0  # threads inside paused_collection(): the collector resumes when the last one leaves
_was_enabled = False  # whether it was on when the first one entered (a test or a profiler may have turned it off)


@contextmanager
def paused_collection() -> Iterator[None]:
    """Run the block with the cycle collector paused; it is left as it was found when the block ends."""
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
