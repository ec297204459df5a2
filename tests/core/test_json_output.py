"""The shared JSON encoder: lazy translations, decimals, dates and non-ASCII text as a reader expects them."""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy, override

from egide.core.json_output import (
    dumps,
    json_response,
    sized_response,
    streamed_array,
    streamed_object,
    streamed_response,
)


def test_dumps_writes_what_the_pages_hand_it() -> None:
    with override("fr"):
        text = dumps({"label": gettext_lazy("Country"), "amount": Decimal("1.5"), "day": datetime.date(2024, 2, 29)})
    assert json.loads(text) == {"label": "Pays", "amount": 1.5, "day": "2024-02-29"}
    assert "Égide".encode() in dumps({"name": "Égide"})


def test_dumps_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError, match="set"):
        dumps({"ids": {1, 2}})


def test_indent_is_for_people() -> None:
    assert dumps({"a": 1}, indent=True) == b'{\n  "a": 1\n}'


def test_streamed_array_is_one_valid_array() -> None:
    assert json.loads(b"".join(streamed_array(iter([{"a": 1}, {"b": 2}, 3])))) == [{"a": 1}, {"b": 2}, 3]
    assert b"".join(streamed_array([])) == b"[]"


def test_responses_are_json() -> None:
    response = json_response({"ok": True}, status=201)
    assert (response.status_code, response["Content-Type"], json.loads(response.content)) == (
        201,
        "application/json",
        {"ok": True},
    )
    streamed = streamed_response(streamed_array([1, 2]))
    assert json.loads(b"".join(streamed.streaming_content)) == [1, 2]  # type: ignore[arg-type]


def test_a_streamed_object_is_the_same_text_as_the_whole_object() -> None:
    head = {"country": "CF", "as_of": None}
    nodes = [[{"id": 1, "name": "Présidence"}, {"id": 2, "name": "Armée"}], [], [{"id": 3, "name": "Police"}]]
    edges: list[list[dict[str, int]]] = [[], [{"id": 9}]]
    whole = head | {"nodes": [node for batch in nodes for node in batch], "edges": [{"id": 9}]}
    assert b"".join(streamed_object(head, {"nodes": iter(nodes), "edges": iter(edges)})) == dumps(whole)
    assert b"".join(streamed_object({}, {"nodes": [], "edges": [[]]})) == b'{"nodes":[],"edges":[]}'


def test_a_short_answer_is_sent_whole_and_a_long_one_streamed() -> None:
    chunks = [b'{"nodes":[', b"1,2,3", b"]}"]
    whole = sized_response(iter(chunks), whole_below=100)
    assert not whole.streaming
    assert (whole.content, whole["Content-Type"]) == (b'{"nodes":[1,2,3]}', "application/json")  # type: ignore[union-attr]
    streamed = sized_response(iter(chunks), whole_below=12)
    assert streamed.streaming
    assert b"".join(streamed.streaming_content) == b'{"nodes":[1,2,3]}'  # type: ignore[union-attr,arg-type]


def test_closing_a_streamed_answer_closes_what_writes_it(db: None) -> None:
    """As a web server closes the answer when the client goes away (closing it ends the request: the database)."""
    closed = []

    def chunks() -> Iterator[bytes]:
        try:
            yield from (b"[", b"1" * 50, b",2", b"]")
        finally:
            closed.append(True)

    response = sized_response(chunks(), whole_below=10)
    assert response.streaming
    next(iter(response.streaming_content))  # type: ignore[union-attr,arg-type]
    response.close()
    assert closed == [True]
