"""The JSON Schema of the framework format, published at /assessments/frameworks/schema.json and kept in
data/framework.schema.json. It states the structure and the codes a framework may name (principles, areas of
action, actor families and kinds, governance rules); what a schema cannot say (levels strictly increasing, bands
from best to worst, codes unique in the file) the loader checks (egide.assessments.frameworks)."""

import json
from pathlib import Path
from typing import Any

from egide.assessments import frameworks
from egide.governance.rules import RULES

SCHEMA_PATH = Path(__file__).parent / "data" / "framework.schema.json"


def _text() -> dict[str, Any]:
    language = {"type": "string", "minLength": 1, "maxLength": frameworks.MAX_TEXT}
    return {
        "type": "object",
        "description": "A text in English (en) and French (fr), both required.",
        "required": ["en", "fr"],
        "additionalProperties": False,
        "properties": {"en": language, "fr": language},
    }


def _codes(codes: Any) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": sorted(codes)}}


def _object(required: list[str], properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    shape: dict[str, Any] = {"type": "object", "required": required, "additionalProperties": False}
    if description:
        shape["description"] = description
    shape["properties"] = properties
    return shape


def framework_schema() -> dict[str, Any]:
    text = {"$ref": "#/$defs/text"}
    code = {"type": "string", "pattern": frameworks.CODE.pattern.removesuffix(r"\Z").join("^$")}
    weight = {"type": "number", "minimum": 0, "maximum": 1000, "default": 1}
    level = _object(["value", "label"], {"value": {"type": "number"}, "label": text, "guidance": text})
    question = _object(
        ["code", "text"],
        {
            "code": {**code, "description": "Unique in the file."},
            "text": text,
            "guidance": text,
            "weight": {**weight, "description": "0 removes the question from the scores."},
            "applies_to": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"families": _codes(frameworks.FAMILY_CODES), "kinds": _codes(frameworks.KIND_CODES)},
            },
            "not_applicable": {"type": "boolean", "default": False},
            "rules": _codes(rule.code for rule in RULES),
        },
    )
    section = _object(
        ["code", "title", "questions"],
        {
            "code": {**code, "description": "Unique in the file."},
            "title": text,
            "description": text,
            "principle": {"enum": sorted(frameworks.PRINCIPLE_CODES)},
            "area": {"enum": sorted(frameworks.AREA_CODES)},
            "weight": {**weight, "description": "The section's weight in the overall score."},
            "questions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/question"}},
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Égide assessment framework",
        "description": (
            "A versioned assessment framework: a scale, bands, sections and questions, every text in English and "
            "French. Scores: weighted mean of the answered, applicable questions, on 0-100."
        ),
        "type": "object",
        "required": ["identifier", "version", "title", "scale", "bands", "sections"],
        "additionalProperties": False,
        "$defs": {"text": _text(), "question": question, "section": section},
        "properties": {
            "$schema": {"type": "string"},
            "identifier": {
                "type": "string",
                "pattern": frameworks.IDENTIFIER.pattern.removesuffix(r"\Z").join("^$"),
                "maxLength": 100,
                "description": "Stable across versions.",
            },
            "version": {"type": "string", "minLength": 1, "maxLength": 50},
            "title": text,
            "description": text,
            "publisher": {"type": "string", "minLength": 1, "maxLength": 300},
            "aggregation": {"enum": list(frameworks.AGGREGATIONS), "default": "weighted_mean"},
            "scale": {
                "oneOf": [
                    _object(
                        ["kind", "levels"],
                        {"kind": {"const": "levels"}, "levels": {"type": "array", "minItems": 2, "items": level}},
                        "Levels with strictly increasing values: the lowest scores 0, the highest 100.",
                    ),
                    _object(
                        ["kind", "minimum", "maximum"],
                        {"kind": {"const": "numeric"}, "minimum": {"type": "number"}, "maximum": {"type": "number"}},
                        "A numeric range: the minimum scores 0, the maximum 100.",
                    ),
                ]
            },
            "bands": {
                "type": "array",
                "minItems": 1,
                "description": "From best to worst; the last one's minimum is 0.",
                "items": _object(
                    ["code", "minimum", "label"],
                    {"code": code, "minimum": {"type": "number", "minimum": 0, "maximum": 100}, "label": text},
                ),
            },
            "sections": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/section"}},
        },
    }


def schema_text() -> str:
    return json.dumps(framework_schema(), indent=2, ensure_ascii=False) + "\n"
