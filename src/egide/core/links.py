"""Addresses of many records of one kind, reversed once: `reverse()` walks the URL patterns each time (about 50 µs),
which a page listing a thousand programmes pays a thousand times."""

from collections.abc import Callable

from django.urls import reverse

_MARK = 987654321987654321
"""A primary key no record has, standing in for the real one in the reversed address."""


def pk_address(name: str) -> Callable[[int], str]:
    """A function giving the address of the URL pattern `name` (whose one argument is an integer primary key) for a
    key, in the active language's prefix if any: `reverse(name, args=[pk])`, reversed once."""
    template = reverse(name, args=[_MARK])
    before, mark, after = template.partition(str(_MARK))
    if not mark or str(_MARK) in after:
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{before}{int(pk)}{after}"
