"""Addresses of many records of one kind, reversed once: `reverse()` walks the URL patterns each time (about 50 µs),
which a page listing a thousand programmes, or every country with five links each, pays each time."""

from collections.abc import Callable

from django.urls import reverse

_MARK = 987654321987654321
"""A primary key no record has, standing in for the real one in the reversed address."""
_CODE_MARK = "ZQXJZQ"
"""A country code no country has (letters, as the pattern's `str` converter takes them)."""


def _once[T](name: str, mark: T) -> Callable[[T], str]:
    template = reverse(name, args=[mark])
    before, found, after = template.partition(str(mark))
    if not found or str(mark) in after:
        return lambda value: reverse(name, args=[value])
    return lambda value: f"{before}{value}{after}"


def pk_address(name: str) -> Callable[[int], str]:
    """A function giving the address of the URL pattern `name` (whose one argument is an integer primary key) for a
    key, in the active language's prefix if any: `reverse(name, args=[pk])`, reversed once."""
    address = _once(name, _MARK)
    return lambda pk: address(int(pk))


def code_address(name: str) -> Callable[[str], str]:
    """The same for a pattern whose one argument is a country's code (letters only: anything else is reversed as
    usual, so that the address is quoted as `reverse` would)."""
    address = _once(name, _CODE_MARK)
    return lambda code: address(code) if code.isascii() and code.isalpha() else reverse(name, args=[code])
