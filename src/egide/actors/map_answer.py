"""The map API's answer kept, compressed, under the country's map version: a large map is read, written as JSON and
compressed once for each group of readers who see the same records, not at every request.

The map of a 5,000-actor country takes ~300 ms of CPU to read, write and compress (5.6 MB of JSON, 470 kB
gzipped; benchmarks/RESULTS.md, load by kind). What the answer holds depends on the map (its version,
`egide.actors.versions`, replaced by every write that changes it), on who reads (`Reach.scope`: readers of one
scope see the same records), on the language (names and labels), on the day asked for, and, in its head, on who
commanded the units that day (people, who are not part of the map's version). So the answer is kept under the
country, the version, the scope, the language and the day, with the head it was written with; it is sent again only
when the head made for this request is the same, else the answer is written afresh (and kept again).

Kept as the raw deflate stream of the JSON, with its CRC and length: each answer sent gets a gzip header of its own
with a random file name, as `egide.core.compression` gives every answer (BREACH). A client that does not accept gzip
gets the answer written afresh. The answer is compressed while it is written, as before, so that a large map never
exists whole in memory uncompressed; it is kept only once it has been sent whole.
"""

import logging
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers

from egide.accounts.selectors import reach_of
from egide.actors.selectors import MapParts
from egide.actors.versions import KEPT_SECONDS
from egide.core import json_output
from egide.core.compression import ACCEPTS_GZIP, gzip_header
from egide.core.labels import active_language

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KeptMap:
    head: dict[str, Any]
    deflated: bytes  # the JSON as a raw deflate stream, complete
    crc: int
    size: int


def cache_key(*, country: str, version: str, scope: str, day: str) -> str:
    return ":".join(("egide", "map-answer", country, version, scope, active_language(), day or "-"))


def _gzip_trailer(crc: int, size: int) -> bytes:
    return struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def _kept(key: str) -> KeptMap | None:
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("The cache could not be read; the map is written again", exc_info=True)
        return None
    return found if isinstance(found, KeptMap) else None


def _keep(key: str, kept: KeptMap) -> None:
    try:
        cache.set(key, kept, KEPT_SECONDS)
    except Exception:
        logger.warning("The cache could not be written; the map answer is not kept", exc_info=True)


class _Written:
    """The answer as one gzip stream, compressed as it is written, kept under `key` once written whole; `size` is
    how much JSON has been written so far."""

    def __init__(self, parts: MapParts, *, level: int, key: str) -> None:
        self.parts, self.level, self.key = parts, level, key
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        parts = self.parts
        compressor = zlib.compressobj(self.level, zlib.DEFLATED, -zlib.MAX_WBITS)
        crc, deflated = 0, []
        yield gzip_header()
        for chunk in json_output.streamed_object(parts.head, {"nodes": parts.nodes, "edges": parts.edges}):
            crc, self.size = zlib.crc32(chunk, crc), self.size + len(chunk)
            piece = compressor.compress(chunk)
            if piece:
                deflated.append(piece)
                yield piece
        piece = compressor.flush()
        deflated.append(piece)
        yield piece + _gzip_trailer(crc, self.size)
        _keep(self.key, KeptMap(head=parts.head, deflated=b"".join(deflated), crc=crc, size=self.size))


def _then(start: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from start
    yield from rest


def _sent(written: _Written) -> HttpResponse | StreamingHttpResponse:
    """Whole when the JSON is short (most maps), streamed once it grows past `json_output.WHOLE_BELOW` bytes, as
    `json_output.sized_response` sends it."""
    chunks = iter(written)
    start: list[bytes] = []
    for chunk in chunks:
        start.append(chunk)
        if written.size >= json_output.WHOLE_BELOW:
            return StreamingHttpResponse(_then(start, chunks), content_type=json_output.JSON)
    return HttpResponse(b"".join(start), content_type=json_output.JSON)


def map_response(
    request: HttpRequest, parts: MapParts, *, country: str, version: str, day: str, level: int
) -> HttpResponse | StreamingHttpResponse:
    """The answer to the map API for `parts` (read by the selector after `version`): the kept one when it was
    written for the same readers, language, day and head; else written now, compressed at `level`, and kept."""
    response: HttpResponse | StreamingHttpResponse
    if not ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = json_output.sized_response(
            json_output.streamed_object(parts.head, {"nodes": parts.nodes, "edges": parts.edges})
        )
        patch_vary_headers(response, ("Accept-Encoding",))
        return response
    key = cache_key(country=country, version=version, scope=reach_of(request.user).scope, day=day)
    kept = _kept(key)
    if kept is not None and kept.head == parts.head:
        response = HttpResponse(
            gzip_header() + kept.deflated + _gzip_trailer(kept.crc, kept.size), content_type=json_output.JSON
        )
    else:
        response = _sent(_Written(parts, level=level, key=key))
    response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
