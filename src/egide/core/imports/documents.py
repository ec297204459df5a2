"""Reading JSON documents without trusting their shape: bounded nesting and size, and every value checked for its
type where it is read, a fault naming its place (actors[3].name_en)."""

import json
import re
from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext as _

from egide.core.imports.limits import FileRefused, ReadLimits, grouped

# A document an import reads nests a few levels; anything much deeper is not such a document, and Python's JSON
# parser would run out of stack on it.
MAX_DEPTH = 64
# Objects and arrays a document may hold per row allowed in a table: each costs memory once parsed, and a small
# file of "{}," repeated would otherwise become millions of them.
CONTAINERS_PER_ROW = 8
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("null")


class ValueReader:
    """Reads one document's values, each checked for its type, with the document's file name in every fault.

    `yes_no` names the keys that hold true or false (also accepted as text, checked later like a table's cell).
    """

    def __init__(self, filename: str, *, yes_no: Collection[str] = ()) -> None:
        self.filename = filename
        self.yes_no = yes_no

    def fault(self, message: str) -> FileRefused:
        return FileRefused(f"{self.filename}: {message}")

    def items(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fault(_("%(where)s must be a list, not %(kind)s.") % {"where": where, "kind": kind_of(value)})
        return value

    def object(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fault(_("%(where)s must be an object, not %(kind)s.") % {"where": where, "kind": kind_of(value)})
        return value

    def text(self, item: dict[str, Any], name: str, where: str) -> str:
        value = item.get(name)
        if value is None:
            return ""
        if name in self.yes_no:
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, str):
                return value
            raise self.fault(_("%(where)s must be yes or no.") % {"where": f"{where}.{name}"})
        if not isinstance(value, str):
            raise self.fault(
                _("%(where)s must be text, not %(kind)s.") % {"where": f"{where}.{name}", "kind": kind_of(value)}
            )
        return value


def _too_deep(data: bytes, filename: str) -> FileRefused:
    """Where the document first nests deeper than MAX_DEPTH (strings skipped), as a line and column."""
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = data.count(b"\n", 0, match.start()) + 1
                column = match.start() - (data.rfind(b"\n", 0, match.start()) + 1) + 1
                return FileRefused(
                    _(
                        "%(file)s, line %(line)s, column %(column)s: arrays and objects nest more than "
                        "%(most)s levels deep."
                    )
                    % {"file": filename, "line": line, "column": column, "most": MAX_DEPTH}
                )
        elif token in (b"]", b"}"):
            depth -= 1
    return FileRefused(
        _("%(file)s: arrays and objects nest more than %(most)s levels deep.") % {"file": filename, "most": MAX_DEPTH}
    )


def _check_depth(document: Any, data: bytes, filename: str) -> None:
    """Refuse a document that nests deeper than MAX_DEPTH even where the parser coped, without recursion."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(data, filename)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values() if isinstance(item, dict | list))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))


def read_json(data: bytes, *, filename: str, limits: ReadLimits) -> Any:
    """The parsed document, refused when it holds more objects and lists than `limits` allow, is not UTF-8, is not
    JSON (the parser's fault with its line and column) or nests deeper than MAX_DEPTH."""
    containers = data.count(b"{") + data.count(b"[")
    if containers > CONTAINERS_PER_ROW * limits.rows:
        raise FileRefused(
            _("%(file)s: the document holds more than %(count)s objects and lists, more than an import may hold.")
            % {"file": filename, "count": grouped(CONTAINERS_PER_ROW * limits.rows)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(_("%(file)s: the file is not UTF-8 text") % {"file": filename}) from error
    try:
        document = json.loads(text)
    except RecursionError:
        raise _too_deep(data, filename) from None
    except json.JSONDecodeError as error:
        raise FileRefused(
            _("%(file)s, line %(line)s, column %(column)s: %(problem)s")
            % {"file": filename, "line": error.lineno, "column": error.colno, "problem": error.msg}
        ) from error
    _check_depth(document, data, filename)
    return document
