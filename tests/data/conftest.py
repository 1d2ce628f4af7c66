"""Paths of the hand-written fixtures and of the full data sets (tests on the latter skip when absent)."""

import os
from pathlib import Path

import pytest

from marketalign.data.location import DATA_ENV

FIXTURES = Path(__file__).with_name("fixtures")
SHARED_DATA = Path(os.environ[DATA_ENV]) if os.environ.get(DATA_ENV) else None


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    """The full data sets, the folder $MARKETALIGN_DATA names; skips the test when it is unset or missing."""
    if SHARED_DATA is None:
        pytest.skip(f"full data sets not available: set {DATA_ENV} to the folder that holds ethics/, movielens/ ...")
    if not SHARED_DATA.is_dir():
        pytest.skip(f"full data sets not found: {DATA_ENV}={SHARED_DATA} is not a folder")
    return SHARED_DATA.resolve()
