"""The real IATI files of ../shared/data (beside the repository), read in place; tests skip when it is absent."""

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("EGIDE_SHARED_DATA", REPOSITORY.parent / "shared" / "data"))


@pytest.fixture
def iati_fixtures() -> Path:
    folder = SHARED_DATA / "iati" / "fixtures"
    if not folder.is_dir():
        pytest.skip(f"the shared IATI files are absent ({folder}): see the README's section on test data")
    return folder
