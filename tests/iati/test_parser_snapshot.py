"""The parser reads every shared IATI file, and the hand-made edge cases, into the very records it read when the
snapshot was recorded (tests/iati/parser_snapshot.py): a faster parser must not read anything differently."""

import json
from pathlib import Path

from tests.iati.parser_snapshot import OWN_FILES, SNAPSHOT, digests


def differing(current: dict[str, list]) -> list[str]:
    recorded = json.loads(SNAPSHOT.read_text())
    return [name for name in current if current[name] != recorded.get(name)]


def test_every_shared_file_is_read_as_in_the_snapshot(iati_fixtures: Path) -> None:
    current = digests(iati_fixtures)
    assert len(current) >= 30
    found = differing(current)
    assert not found, f"read differently from the snapshot: {found} (parser_snapshot.py --show FILE)"


def test_the_edge_cases_are_read_as_in_the_snapshot() -> None:
    current = digests(OWN_FILES)
    assert list(current) == ["edge-cases.xml"]
    (count, _digest) = current["edge-cases.xml"]
    assert count == 2
    found = differing(current)
    assert not found, f"read differently from the snapshot: {found} (parser_snapshot.py --show FILE)"
