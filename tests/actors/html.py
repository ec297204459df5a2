"""Reading the pages' HTML in tests: table rows, field errors, script tags. Standard library only."""

import re
from html import unescape
from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


def _squash(text: str) -> str:
    return " ".join(text.split())


class _TableReader(HTMLParser):
    """Collect the body rows of the first table inside the element with the given id."""

    def __init__(self, container_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.container_id = container_id
        self.depth = 0  # depth inside the container; 0 means outside
        self.in_table = self.done = self.in_body = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if self.depth == 0:
            if dict(attrs).get("id") == self.container_id and tag not in VOID_ELEMENTS:
                self.depth = 1
                self.in_table = tag == "table"
            return
        if tag not in VOID_ELEMENTS:
            self.depth += 1
        if tag == "table":
            self.in_table = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.done or self.depth == 0:
            return
        if tag not in VOID_ELEMENTS:
            self.depth -= 1
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(_squash("".join(self.cell)))
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table" and self.in_table:
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, container_id: str) -> list[list[str]]:
    """The text of each cell of each body row of the first table in the element with this id."""
    reader = _TableReader(container_id)
    reader.feed(html)
    return reader.rows


def column(html: str, container_id: str, index: int = 0) -> list[str]:
    return [row[index] for row in table_rows(html, container_id) if len(row) > index]


def field_errors(html: str, field: str) -> list[str]:
    """The error messages shown next to a form field (its id is id_<field>)."""
    return [
        _squash(unescape(message))
        for message in re.findall(rf'<small class="error" role="alert" id="id_{field}-error">(.*?)</small>', html, re.S)
    ]


def has_error_class(html: str, field: str) -> bool:
    return re.search(rf'class="field field-{field} has-error"', html) is not None


def script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html, re.I)


def text(html: str) -> str:
    """The page's text with tags removed and white space squashed, for phrase assertions."""
    squashed = _squash(unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.sub(r" ([,.)])", r"\1", squashed)
