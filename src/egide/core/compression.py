"""gzip compression of large answers at a level chosen for each endpoint.

Django's `gzip_page` (GZipMiddleware) always compresses at level 6, and flushes the compressor after every chunk of
a streamed answer. `gzip_page_at(level)` does the same as `gzip_page` otherwise: only when the client accepts gzip,
`Vary: Accept-Encoding` on every answer it could have compressed, a strong ETag made weak, and a random file name
of up to 100 bytes in the gzip header so that the compressed length does not give away the content (BREACH).
"""

import functools
import gzip
import io
import re
import secrets
import string
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
SHORTEST = 200
"""Answers shorter than this (in bytes) are not worth compressing."""
RANDOM_BYTES = 100

type Answer = HttpResponse | StreamingHttpResponse
type View = Callable[..., Answer]


def _random_name() -> bytes:
    length = secrets.randbelow(RANDOM_BYTES) + 1
    return "".join(secrets.choice(string.ascii_letters) for _ in range(length)).encode("ascii")


def gzip_header() -> bytes:
    """A gzip member's header (RFC 1952) as the compressor below writes it: deflate, a random file name, no time;
    for an answer kept compressed as a raw deflate stream (egide.actors.map_answer)."""
    return b"\x1f\x8b\x08\x08" + b"\x00\x00\x00\x00" + b"\x00\xff" + _random_name() + b"\x00"


def _compressor(buffer: io.BytesIO, level: int) -> gzip.GzipFile:
    return gzip.GzipFile(filename=_random_name(), mode="wb", compresslevel=level, fileobj=buffer, mtime=0)


def compress_bytes(content: bytes, level: int) -> bytes:
    buffer = io.BytesIO()
    with _compressor(buffer, level) as compressor:
        compressor.write(content)
    return buffer.getvalue()


def compress_chunks(chunks: Iterable[bytes], level: int) -> Iterator[bytes]:
    """The chunks compressed as one gzip stream, sent as the compressor fills its buffer (no flush per chunk,
    which would cost both time and size)."""
    buffer = io.BytesIO()
    with _compressor(buffer, level) as compressor:
        for chunk in chunks:
            compressor.write(chunk)
            if buffer.tell():
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def compressed(request: HttpRequest, response: Answer, *, level: int) -> Answer:
    """The response compressed at `level` when the client accepts gzip (as GZipMiddleware does, at that level)."""
    if not response.streaming and len(response.content) < SHORTEST:
        return response
    if response.has_header("Content-Encoding") or getattr(response, "is_async", False):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if not ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        return response
    if isinstance(response, StreamingHttpResponse):
        response.streaming_content = compress_chunks(response.streaming_content, level)  # type: ignore[arg-type]
        del response.headers["Content-Length"]
    else:
        content = compress_bytes(response.content, level)
        if len(content) >= len(response.content):
            return response
        response.content = content
        response.headers["Content-Length"] = str(len(content))
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag
    response.headers["Content-Encoding"] = "gzip"
    return response


def gzip_page_at(level: int) -> Callable[[View], View]:
    """A view decorator: its answers compressed at `level` (1, fastest, to 9, smallest) when the client accepts
    gzip."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def compressing(request: HttpRequest, *args: Any, **kwargs: Any) -> Answer:
            return compressed(request, view(request, *args, **kwargs), level=level)

        return compressing

    return decorator
