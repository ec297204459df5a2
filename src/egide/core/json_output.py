"""Large JSON answers (the map, the findings, exports) written by one fast encoder, orjson.

Pages and API endpoints whose answers reach megabytes build plain dicts and lists and hand them here, rather than
through django-ninja's schema objects or the standard library's encoder; their OpenAPI schema stays declared on
the endpoint and is checked against a sample in the tests.
"""

from collections.abc import Iterable, Iterator
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
