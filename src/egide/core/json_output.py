"""Large JSON answers (the map, the findings, exports) written by one fast encoder, orjson.

Pages and API endpoints whose answers reach megabytes build plain dicts and lists and hand them here, rather than
through django-ninja's schema objects or the standard library's encoder; their OpenAPI schema stays declared on
the endpoint and is checked against a sample in the tests.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise

JSON = "application/json"


def _default(value: object) -> Any:
    """What orjson cannot write by itself: lazy translations as their text, decimals as numbers."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data: object, *, indent: bool = False) -> bytes:
    """`data` as UTF-8 JSON bytes, non-ASCII text kept as it is; `indent` for people reading it."""
    return orjson.dumps(data, default=_default, option=orjson.OPT_INDENT_2 if indent else 0)


def json_response(data: object, *, status: int = 200) -> HttpResponse:
    """A JSON answer written in one pass."""
    return HttpResponse(dumps(data), status=status, content_type=JSON)


def streamed_array(items: Iterable[object]) -> Iterator[bytes]:
    """A JSON array written item by item, so that a long list never exists whole as text."""
    yield b"["
    first = True
    for item in items:
        if first:
            first = False
            yield dumps(item)
        else:
            yield b"," + dumps(item)
    yield b"]"


def streamed_response(chunks: Iterable[bytes], *, status: int = 200) -> StreamingHttpResponse:
    """A JSON answer sent as it is written (see `streamed_array`)."""
    return StreamingHttpResponse(chunks, status=status, content_type=JSON)


def streamed_object(head: Mapping[str, object], arrays: Mapping[str, Iterable[Sequence[object]]]) -> Iterator[bytes]:
    """A JSON object written as `head`'s members, then one array per name of `arrays`, each written a batch of items
    at a time (one encoder call per batch, not per item): the same text as `dumps` of the whole object."""
    separator = b"," if head else b""
    yield dumps(head)[:-1]
    for name, batches in arrays.items():
        yield separator + dumps(name) + b":["
        separator = b","
        comma = b""
        for batch in batches:
            if batch:
                yield comma + dumps(batch)[1:-1]
                comma = b","
        yield b"]"
    yield b"}"


WHOLE_BELOW = 1 << 20
"""Answers shorter than this (in bytes) are sent whole, with their length; longer ones are streamed."""


def sized_response(
    chunks: Iterable[bytes], *, whole_below: int | None = None, status: int = 200
) -> HttpResponse | StreamingHttpResponse:
    """A JSON answer written by `chunks`: whole when it is short (most maps), streamed as it is written when it
    grows past `whole_below` bytes (by default `WHOLE_BELOW`), so that a large one never exists whole in memory."""
    limit = WHOLE_BELOW if whole_below is None else whole_below
    chunks = iter(chunks)
    start: list[bytes] = []
    size = 0
    for chunk in chunks:
        start.append(chunk)
        size += len(chunk)
        if size >= limit:
            return streamed_response(_joined(start, chunks), status=status)
    return HttpResponse(b"".join(start), status=status, content_type=JSON)


def _joined(start: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    """`start`, then `rest`: a generator, so that closing the answer (the client gone) closes `rest`, and with it
    the reading of the database behind it."""
    yield from start
    yield from rest
