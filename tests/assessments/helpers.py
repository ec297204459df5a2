"""Small framework documents for the tests, written by hand."""

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
SMALL = HERE / "small-framework.yaml"


def small_document() -> dict[str, Any]:
    """The small framework as plain data, to change one thing at a time."""
    document: dict[str, Any] = yaml.safe_load(SMALL.read_text())
    return document


def as_yaml(document: Any) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
