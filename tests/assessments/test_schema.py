"""The published JSON Schema: kept in step with the loader, and met by the shipped files and the examples.

jsonschema is not a dependency of the project; the few keywords the schema uses are checked here by a small
reader of them, which refuses any keyword it does not know (so that the schema cannot outgrow the check)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from egide.assessments.frameworks import FrameworkFaults, parse_framework
from egide.assessments.schema import SCHEMA_PATH, framework_schema
from tests.assessments.helpers import SMALL, small_document

SHIPPED = sorted((Path(SCHEMA_PATH).parent / "frameworks").glob("*.yaml"))
KNOWN = {
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "title",
    "description",
    "default",
    "type",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "enum",
    "const",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "oneOf",
}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def problems(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    unknown = set(schema) - KNOWN
    assert not unknown, f"the check does not know {unknown}"
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return problems(value, target, root, path)
    if "oneOf" in schema:
        matching = [option for option in schema["oneOf"] if not problems(value, option, root, path)]
        return [] if len(matching) == 1 else [f"{path}: matches {len(matching)} of oneOf"]
    found: list[str] = []
    kind = schema.get("type")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [f"{path}: not a number"]
    elif kind is not None and not isinstance(value, TYPES[kind]):
        return [f"{path}: not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} not in enum")
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: not {schema['const']!r}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
            found.append(f"{path}: length")
    if isinstance(value, int | float) and not isinstance(value, bool):  # noqa: SIM102 (one check per kind)
        if value < schema.get("minimum", float("-inf")) or value > schema.get("maximum", float("inf")):
            found.append(f"{path}: out of range")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{path}: too few items")
        for index, item in enumerate(value):
            found += problems(item, schema.get("items", {}), root, f"{path}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{path}.{key}: required" for key in schema.get("required", []) if key not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{path}.{key}: not allowed" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                found += problems(item, properties[key], root, f"{path}.{key}")
    return found


def test_the_published_file_is_what_the_code_gives() -> None:
    assert json.loads(SCHEMA_PATH.read_text()) == framework_schema()


def test_the_shipped_frameworks_are_there_and_loadable() -> None:
    assert [path.name for path in SHIPPED] == ["sector-review.yaml", "ssr-governance-baseline.yaml"]
    for path in SHIPPED:
        parse_framework(path.read_bytes())


@pytest.mark.parametrize("path", [SMALL, *SHIPPED], ids=lambda path: path.name)
def test_the_shipped_files_and_the_example_meet_the_schema(path: Path) -> None:
    schema = framework_schema()
    _, document = parse_framework(path.read_bytes())
    assert problems(document, schema, schema) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("bands"),
        lambda d: d["title"].pop("fr"),
        lambda d: d.update(extra=True),
        lambda d: d["sections"][0].update(area="space"),
        lambda d: d["sections"][0]["questions"][0].update(rules=["no-such-rule"]),
        lambda d: d["sections"][0]["questions"][0].update(weight=-1),
        lambda d: d.update(scale={"kind": "numeric", "minimum": 0}),
        lambda d: d.update(identifier="Not A Slug"),
    ],
)
def test_the_schema_and_the_loader_refuse_the_same_faults(change: Any) -> None:
    schema = framework_schema()
    document = small_document()
    change(document)
    assert problems(document, schema, schema)
    with pytest.raises(FrameworkFaults):
        parse_framework(json.dumps(document))
