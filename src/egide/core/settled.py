"""A server process settled before its first request: every view module loaded, then every object made so far
moved out of the cycle collector's reach.

Python's collector walks, at each full collection, every object that survived the earlier ones: a web process's
hundreds of thousands of objects of Django, its apps, their modules and URL patterns, none of which will ever be
garbage. Frozen (`gc.freeze()`), they are no longer walked; what a request makes is collected as before. On a large
country's Coordination tab this took the collector's share of a request from about a quarter to under a tenth
(benchmarks/coordination.py, RESULTS.md). `egide.wsgi` calls it once in each server process, after the
application is made."""

import gc


def settle() -> None:
    """Load the URL patterns (and with them every view module), collect once, then freeze what is left."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect: every view module loaded
    gc.collect()
    gc.freeze()
