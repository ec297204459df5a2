"""The real indicator files of ../shared/data/context (beside the repository), read in place; tests skip when it is
absent."""

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("EGIDE_SHARED_DATA", REPOSITORY.parent / "shared" / "data"))

FOLDERS = {"wgi": "wgi_ch12", "fsi": "fsi_iom", "vdem": "vdem_demspaces", "ucdp": "ucdp_andybega", "gpi": "gpi_gjbex"}


@pytest.fixture
def context_folder() -> Path:
    folder = SHARED_DATA / "context"
    if not folder.is_dir():
        pytest.skip(f"the shared indicator files are absent ({folder}): see the README's section on test data")
    return folder
