"""A pytest plugin that runs each collected test once per listed mutant, in one session, to check survivors again.

mutmut's trampolines read MUTANT_UNDER_TEST each time a mutated function is called, so one session over its
`mutants/` copy can switch mutants on and off between runs of a test, without building the test database again for
each mutant. Usage, from the tree whose tests are wanted (the mutants left by `mutmut run` in COPY):

    MUTANTS_FILE=names.txt MUTANTS_OUT=killed.json PYTHONPATH=scripts:COPY/mutants/src \\
        pytest -p mutmut_recheck -p no:cacheprovider TEST_FILES

names.txt holds one mutant name a line (as `mutmut results` prints them); killed.json maps each to the first test
that failed with it switched on, or null. Each test also runs once unmutated, as usual.
"""

import json
import os
from pathlib import Path
from typing import Any

import pytest
from _pytest.runner import runtestprotocol

MUTANTS = [line.strip() for line in Path(os.environ["MUTANTS_FILE"]).read_text().splitlines() if line.strip()]
KILLED: dict[str, str] = {}


def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    for mutant in MUTANTS:
        if mutant in KILLED:
            continue
        os.environ["MUTANT_UNDER_TEST"] = mutant
        item._initrequest()  # type: ignore[attr-defined]
        # Torn down to the module after each run: function fixtures (the database) start afresh.
        reports = runtestprotocol(item, nextitem=item.parent, log=False)  # type: ignore[arg-type]
        if any(report.failed for report in reports):
            KILLED[mutant] = item.nodeid
    os.environ["MUTANT_UNDER_TEST"] = ""
    item._initrequest()  # type: ignore[attr-defined]
    return None


def pytest_sessionfinish(session: pytest.Session) -> None:
    results = {mutant: KILLED.get(mutant) for mutant in MUTANTS}
    Path(os.environ["MUTANTS_OUT"]).write_text(json.dumps(results, indent=1))
    print(f"\n{len(KILLED)} of {len(MUTANTS)} mutants killed")
