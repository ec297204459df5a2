"""The mutation score of each mutated file, from what `mutmut run` left in mutants/ (used by `make mutation`).

The score is the share of checked mutants that a test killed; mutants that no selected test runs and mutants not
yet checked are counted apart, so that a partial run (`make mutation MUTANTS=...`) reads honestly.
"""

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code


def main() -> int:
    metas = sorted(Path("mutants").rglob("*.py.meta"))
    if not metas:
        print("No mutation results: run `make mutation` first.", file=sys.stderr)
        return 1
    for meta in metas:
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(status_by_exit_code[code] for code in exit_codes.values())
        checked = counts["killed"] + counts["survived"] + counts["timeout"] + counts["suspicious"]
        killed = counts["killed"] + counts["timeout"]
        score = f"{100 * killed / checked:.0f}%" if checked else "n/a"
        name = str(meta.relative_to("mutants")).removesuffix(".meta")
        print(
            f"{name}: {score} ({killed} killed of {checked} checked; {counts['survived']} survived, "
            f"{counts['no tests']} run by no selected test, {counts['not checked']} not checked)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
