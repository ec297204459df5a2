"""The parser reads every shared IATI file into the very records it read when the snapshot was recorded
(tests/iati/parser_snapshot.py): a faster parser must not read anything differently."""

import json
from pathlib import Path

from tests.iati.parser_snapshot import SNAPSHOT, digests


def test_every_shared_file_is_read_as_in_the_snapshot(iati_fixtures: Path) -> None:
    recorded = json.loads(SNAPSHOT.read_text())
    current = digests(iati_fixtures)
    assert sorted(current) == sorted(recorded)
    differing = [name for name in recorded if current[name] != recorded[name]]
    assert not differing, f"read differently from the snapshot: {differing} (parser_snapshot.py --show FILE)"
