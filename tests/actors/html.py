"""Reading the pages' HTML in tests with a real parser: elements, table rows, field errors, forms, scripts, text."""

import re

from bs4 import BeautifulSoup, Tag


def _squash(text: str) -> str:
    return " ".join(text.split())


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def element(html: str, selector: str) -> Tag:
    """The one element the CSS selector matches; the test fails if there is none or more than one."""
    found = parse(html).select(selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}"
    return found[0]


def elements(html: str, selector: str) -> list[Tag]:
    return parse(html).select(selector)


def text_of(node: Tag) -> str:
    """An element's text with white space squashed, as a reader sees it."""
    return re.sub(r" ([,.)])", r"\1", _squash(node.get_text(" ")))


def table_rows(html: str, container_id: str) -> list[list[str]]:
    """The text of each cell of each body row of the first table in (or being) the element with this id."""
    container = parse(html).find(id=container_id)
    if not isinstance(container, Tag):
        return []
    table = container if container.name == "table" else container.find("table")
    if not isinstance(table, Tag):
        return []
    return [
        [_squash(cell.get_text()) for cell in row.find_all(["td", "th"], recursive=False)]
        for body in table.find_all("tbody", recursive=False)
        for row in body.find_all("tr", recursive=False)
    ]


def column(html: str, container_id: str, index: int = 0) -> list[str]:
    return [row[index] for row in table_rows(html, container_id) if len(row) > index]


def field_errors(html: str, field: str) -> list[str]:
    """The error messages shown next to a form field (its id is id_<field>)."""
    return [_squash(message.get_text()) for message in parse(html).select(f"small.error#id_{field}-error")]


def has_error_class(html: str, field: str) -> bool:
    return bool(parse(html).select(f".field.field-{field}.has-error"))


def scripts(html: str) -> list[Tag]:
    return parse(html).find_all("script")


def script_sources(html: str) -> list[str]:
    return [str(script["src"]) for script in scripts(html) if script.has_attr("src")]


def forms(html: str, action: str | None = None) -> list[Tag]:
    """The page's forms, or those that post to this address (by their action or their hx-post)."""
    return [
        form
        for form in parse(html).find_all("form")
        if action is None or action in (form.get("action"), form.get("hx-post"))
    ]


def text(html: str) -> str:
    """The page's text with tags removed and white space squashed, for phrase assertions."""
    return text_of(parse(html))


def option_values(html: str, select_name: str) -> list[str]:
    """The values offered by the form's <select> of this name (the test fails if there is no such select)."""
    select = element(html, f'select[name="{select_name}"]')
    return [str(option.get("value", "")) for option in select.find_all("option")]


def inline_scripts(html: str) -> list[str]:
    """Scripts that run code written in the page (the Content-Security-Policy forbids them); JSON data is not code."""
    return [
        str(script)
        for script in scripts(html)
        if not script.has_attr("src") and script.get("type") != "application/json"
    ]
