"""The hand-written fixtures (the full data sets' fixture ``shared_data`` is in tests/conftest.py)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
