"""What the parser reads from each shared IATI file and from the hand-made tests/iati/data/edge-cases.xml (1.0x words,
repeated elements, faults of every kind), as one digest per file of every record's repr (warnings included), so that
a change to the parser's internals is checked to give the very same records.

    PYTHONPATH=src python tests/iati/parser_snapshot.py [--write] [--show FILE]

Without an option, compares the shared files with the snapshot; `--write` records the current parser's reading
(only when the records are meant to change); `--show FILE` prints the records of one file, to compare two versions.
"""

import hashlib
import json
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("parser_snapshot.json")
OWN_FILES = Path(__file__).with_name("data")


def reading(path: Path) -> list[str]:
    """Each activity's repr, or the refusal, in the file's order."""
    from egide.iati.parser import MalformedFile, read_activities

    try:
        return [repr(activity) for activity in read_activities(path, filename=path.name)]
    except MalformedFile as error:
        return [f"refused: {error}"]


def digests(folder: Path) -> dict[str, list]:
    found: dict[str, list] = {}
    for path in sorted(folder.glob("*.xml")):
        texts = reading(path)
        found[path.name] = [len(texts), hashlib.sha256("\n".join(texts).encode()).hexdigest()]
    return found


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings")
    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import SHARED_DATA

    folder = SHARED_DATA / "iati" / "fixtures"
    if argv[:1] == ["--show"]:
        print("\n".join(reading(folder / argv[1] if (folder / argv[1]).exists() else OWN_FILES / argv[1])))
        return
    current = digests(folder) | digests(OWN_FILES)
    if argv[:1] == ["--write"]:
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(current)} files' digests to {SNAPSHOT}")
        return
    recorded = json.loads(SNAPSHOT.read_text())
    differing = sorted(name for name in current.keys() | recorded.keys() if current.get(name) != recorded.get(name))
    print("same records" if not differing else f"different records: {', '.join(differing)}")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
