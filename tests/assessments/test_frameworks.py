"""Reading framework files: what the format accepts, and every kind of fault named with its path and line."""

import json
from typing import Any

import pytest

from egide.assessments.frameworks import MAX_BYTES, Fault, FrameworkFaults, parse_framework
from tests.assessments.helpers import SMALL, as_yaml, small_document


def faults_of(content: bytes | str) -> list[Fault]:
    with pytest.raises(FrameworkFaults) as refused:
        parse_framework(content)
    return refused.value.faults


def paths_of(content: bytes | str) -> set[str]:
    return {fault.path for fault in faults_of(content)}


def test_the_small_framework_is_read_whole() -> None:
    framework, document = parse_framework(SMALL.read_bytes())
    assert (framework.identifier, framework.version) == ("small-review", "1.0")
    assert framework.title.fr == "Petite revue"
    assert [level.value for level in framework.scale.levels] == [0, 1, 2, 3]
    assert (framework.scale.minimum, framework.scale.maximum) == (0, 3)
    assert [band.code for band in framework.bands] == ["A", "B", "C"]
    assert [section.code for section in framework.sections] == ["justice", "oversight"]
    justice = framework.sections[0]
    assert (justice.principle, justice.area, justice.weight) == ("rule_of_law", "justice", 2)
    first, second = justice.questions
    assert first.rules == ("judicial-independence",)
    assert first.applies_to is not None
    assert first.applies_to.kinds == ("court",)
    assert (second.weight, second.not_applicable, first.not_applicable) == (0.5, True, False)
    assert [question.code for question in framework.questions] == ["J1", "J2", "O1", "O2"]
    assert document["sections"][1]["questions"][0]["code"] == "O1"


def test_the_same_document_in_json_is_read_alike() -> None:
    framework, _ = parse_framework(json.dumps(small_document()))
    assert framework == parse_framework(SMALL.read_bytes())[0]


def test_a_numeric_scale() -> None:
    document = small_document()
    document["scale"] = {"kind": "numeric", "minimum": 0, "maximum": 10}
    framework, _ = parse_framework(as_yaml(document))
    assert (framework.scale.kind, framework.scale.minimum, framework.scale.maximum) == ("numeric", 0, 10)
    assert framework.scale.allows(7.5)
    assert not framework.scale.allows(11)


def test_every_fault_is_reported_at_once_with_its_path_and_line() -> None:
    text = SMALL.read_text()
    text = text.replace("weight: 0.5", "weight: -1").replace("principle: democratic_oversight", "principle: nowhere")
    text = text.replace("code: O2", "code: J1").replace('version: "1.0"', "version: 1.0")
    faults = faults_of(text)
    by_path = {fault.path: fault for fault in faults}
    assert set(by_path) == {
        "version",
        "sections[0].questions[1].weight",
        "sections[1].principle",
        "sections[1].questions[1].code",
    }
    lines = text.splitlines()
    for fault in faults:
        assert fault.line is not None
        key = fault.path.rsplit(".", 1)[-1]
        assert key in lines[fault.line - 1], (fault, lines[fault.line - 1])
    assert "J1" in by_path["sections[1].questions[1].code"].message
    assert "sections[0].questions[0]" in by_path["sections[1].questions[1].code"].message


def broken(change: Any) -> bytes:
    document = small_document()
    change(document)
    return as_yaml(document)


FAULTS = {
    "missing title": (lambda d: d.pop("title"), "title"),
    "identifier not a slug": (lambda d: d.update(identifier="Small Review"), "identifier"),
    "unknown key": (lambda d: d.update(wieght=1), "wieght"),
    "title without French": (lambda d: d["title"].pop("fr"), "title.fr"),
    "empty English title": (lambda d: d["title"].update(en="  "), "title.en"),
    "guidance in one language": (lambda d: d["description"].pop("en"), "description.en"),
    "unknown aggregation": (lambda d: d.update(aggregation="median"), "aggregation"),
    "unknown scale": (lambda d: d["scale"].update(kind="stars"), "scale.kind"),
    "one level": (lambda d: d["scale"].update(levels=d["scale"]["levels"][:1]), "scale.levels"),
    "levels not increasing": (lambda d: d["scale"]["levels"][2].update(value=1), "scale.levels[2].value"),
    "level value not a number": (lambda d: d["scale"]["levels"][1].update(value="one"), "scale.levels[1].value"),
    "numeric range upside down": (
        lambda d: d.update(scale={"kind": "numeric", "minimum": 5, "maximum": 1}),
        "scale.maximum",
    ),
    "bands not ordered": (lambda d: d["bands"][1].update(minimum=80), "bands[1].minimum"),
    "band above 100": (lambda d: d["bands"][0].update(minimum=120), "bands[0].minimum"),
    "last band above 0": (lambda d: d["bands"][2].update(minimum=10), "bands[2].minimum"),
    "band code twice": (lambda d: d["bands"][1].update(code="A"), "bands[1].code"),
    "no sections": (lambda d: d.update(sections=[]), "sections"),
    "section code twice": (lambda d: d["sections"][1].update(code="justice"), "sections[1].code"),
    "unknown area": (lambda d: d["sections"][0].update(area="space"), "sections[0].area"),
    "section without questions": (lambda d: d["sections"][0].update(questions=[]), "sections[0].questions"),
    "negative section weight": (lambda d: d["sections"][1].update(weight=-2), "sections[1].weight"),
    "weight not a number": (
        lambda d: d["sections"][0]["questions"][0].update(weight="heavy"),
        "sections[0].questions[0].weight",
    ),
    "unknown family": (
        lambda d: d["sections"][0]["questions"][0]["applies_to"].update(families=["navy"]),
        "sections[0].questions[0].applies_to.families[0]",
    ),
    "unknown kind": (
        lambda d: d["sections"][0]["questions"][0]["applies_to"].update(kinds=["court", "castle"]),
        "sections[0].questions[0].applies_to.kinds[1]",
    ),
    "unknown rule": (
        lambda d: d["sections"][0]["questions"][0].update(rules=["no-such-rule"]),
        "sections[0].questions[0].rules[0]",
    ),
    "not applicable not a boolean": (
        lambda d: d["sections"][1]["questions"][1].update(not_applicable="yes"),
        "sections[1].questions[1].not_applicable",
    ),
    "question without text": (lambda d: d["sections"][1]["questions"][0].pop("text"), "sections[1].questions[0].text"),
    "question not a mapping": (lambda d: d["sections"][1]["questions"].append("O3"), "sections[1].questions[2]"),
}


@pytest.mark.parametrize("name", FAULTS)
def test_each_kind_of_fault_is_named(name: str) -> None:
    change, path = FAULTS[name]
    faults = faults_of(broken(change))
    assert path in {fault.path for fault in faults}, faults
    assert all(fault.message for fault in faults)


def test_a_key_given_twice_is_a_fault() -> None:
    text = SMALL.read_text().replace('publisher: "Tests"', 'publisher: "Tests"\npublisher: "Again"')
    (fault,) = faults_of(text)
    assert (fault.path, fault.line) == ("publisher", 6)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"identifier: [unclosed", "YAML"),
        (b'{"identifier": ', "JSON"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b"- a list\n- not a mapping\n", "mapping"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content: bytes, message: str) -> None:
    (fault,) = faults_of(content)
    assert message in fault.message


def test_a_yaml_syntax_error_gives_its_line() -> None:
    (fault,) = faults_of(b"identifier: x\nversion: '1'\ntitle: {en: [\n")
    assert fault.line is not None
    assert fault.line >= 3


def test_hostile_files_are_refused_quickly() -> None:
    assert "MB" in faults_of(b"#" * (MAX_BYTES + 1))[0].message
    deep = b"a: " + b"[" * 5000 + b"]" * 5000
    assert "nested" in faults_of(deep)[0].message
    assert "nested" in faults_of(b"[" * 100_000 + b"]" * 100_000)[0].message
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 9):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        laughs.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    assert "too many" in faults_of("\n".join(laughs))[0].message


def test_yaml_tags_that_build_objects_are_refused() -> None:
    (fault,) = faults_of(b"identifier: !!python/object/apply:os.system ['true']\n")
    assert "YAML" in fault.message
