"""The simulated users' think time (benchmarks/load.py, load_users.py): how long a user waits between the answer to
one request and its next request, drawn at random, evenly, between two bounds.

Written `LOW-HIGH` (seconds, `2-8`), or as one number, the mean (`5`: from half of it to one and a half times it),
or `0`: no wait at all, each user sending its next request as soon as the last is answered (the saturation steps,
which measure what the server can serve rather than how people read).
"""

import re

RANGE = re.compile(r"^\s*(?P<low>\d+(?:\.\d+)?)\s*-\s*(?P<high>\d+(?:\.\d+)?)\s*$")
MOST = 600.0  # seconds: a user thinks for at most ten minutes


def think_range(text: str) -> tuple[float, float]:
    """(low, high) seconds from `LOW-HIGH`, a mean or 0; ValueError for anything else."""
    match = RANGE.match(text)
    if match:
        low, high = float(match["low"]), float(match["high"])
    else:
        mean = float(text)
        low, high = mean / 2, mean * 1.5
    if not 0 <= low <= high <= MOST:
        raise ValueError(f"think time {text!r}: expected LOW-HIGH seconds with 0 <= LOW <= HIGH <= {MOST:.0f}")
    return low, high


def think_text(text: str) -> str:
    """How the results name the think time: `none` or `2–8 s`."""
    low, high = think_range(text)
    if not high:
        return "none"
    return f"{low:g}–{high:g} s"
