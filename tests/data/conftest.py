"""Paths of the hand-written fixtures and of the full data sets (tests on the latter skip when absent)."""

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).with_name("fixtures")
SHARED_DATA = Path(
    os.environ.get("MARKETALIGN_SHARED_DATA", Path(__file__).parents[2] / ".." / "shared" / "data")
)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    """The full data sets (../shared/data or $MARKETALIGN_SHARED_DATA); skips the test when missing."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"full data sets not found at {SHARED_DATA} (set MARKETALIGN_SHARED_DATA)")
    return SHARED_DATA.resolve()
