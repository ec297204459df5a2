"""Answers compressed at a chosen gzip level, only for clients that accept gzip, and cached apart from the others."""

import gzip
import os
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from egide.core.compression import compress_chunks, gzip_page_at

TEXT = b"".join(b'{"id":%d,"name":"Gendarmerie nationale","type":"commands"},' % number for number in range(3000))


def _request(accept_encoding: str | None) -> HttpRequest:
    headers = {} if accept_encoding is None else {"Accept-Encoding": accept_encoding}
    return RequestFactory().get("/api/v1/countries/cf/map", headers=headers)


Answer = HttpResponse | StreamingHttpResponse


def _answer(level: int, response: Answer, accept: str | None = "gzip, deflate, br") -> Answer:
    return gzip_page_at(level)(lambda request: response)(_request(accept))


def test_an_answer_is_compressed_when_the_client_accepts_gzip() -> None:
    response = _answer(1, HttpResponse(TEXT, content_type="application/json"))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == TEXT
    assert response["Content-Length"] == str(len(response.content))
    assert "Accept-Encoding" in response["Vary"]


def test_an_answer_is_sent_plain_but_varies_when_the_client_does_not_accept_gzip() -> None:
    for accept in (None, "br, deflate"):
        response = _answer(1, HttpResponse(TEXT, content_type="application/json"), accept)
        assert not response.has_header("Content-Encoding")
        assert response.content == TEXT
        # A cache must not hand this plain answer to a client that asked for gzip, nor the reverse.
        assert "Accept-Encoding" in response["Vary"]


def _deflated(body: bytes) -> bytes:
    """A gzip body without its header, which carries a random file name (against BREACH)."""
    assert body[3] & gzip.FNAME
    return body[body.index(b"\x00", 10) + 1 :]


def test_the_level_is_the_one_asked_for() -> None:
    for level in (1, 9):
        body = _answer(level, HttpResponse(TEXT)).content
        assert _deflated(body) == gzip.compress(TEXT, level, mtime=0)[10:]
    assert len(_deflated(_answer(1, HttpResponse(TEXT)).content)) > len(gzip.compress(TEXT, 9))


def test_a_short_answer_is_left_alone() -> None:
    response = _answer(1, HttpResponse(b'{"nodes":[]}'))
    assert response.content == b'{"nodes":[]}'
    assert not response.has_header("Content-Encoding")


def test_a_streamed_answer_is_compressed_as_it_goes() -> None:
    chunks = [TEXT[index : index + 10_000] for index in range(0, len(TEXT), 10_000)]
    response = _answer(1, StreamingHttpResponse(iter(chunks), content_type="application/json"))
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert not response.has_header("Content-Length")
    assert gzip.decompress(b"".join(response.streaming_content)) == TEXT


def test_a_strong_etag_is_made_weak() -> None:
    response = HttpResponse(TEXT)
    response["ETag"] = '"map-1"'
    assert _answer(1, response)["ETag"] == 'W/"map-1"'


def test_compressed_chunks_do_not_wait_for_the_end() -> None:
    # Incompressible chunks fill the compressor's buffer: something is sent before the last chunk is read.
    read = []

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            chunk = os.urandom(50_000)
            read.append(chunk)
            yield chunk

    stream = compress_chunks(chunks(), 1)
    sent = [part for part in (next(stream), next(stream)) if part]
    assert sent
    assert len(read) < 20
    assert gzip.decompress(b"".join([*sent, *stream])) == b"".join(read)
