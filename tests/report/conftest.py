"""Result folders of every shape the report must show (see result_trees.py), written once per session."""

from pathlib import Path

import pytest
from result_trees import write_broken_tree, write_results_tree


@pytest.fixture(scope="session")
def results(tmp_path_factory) -> Path:
    return write_results_tree(tmp_path_factory.mktemp("report") / "results")


@pytest.fixture(scope="session")
def broken(tmp_path_factory) -> Path:
    return write_broken_tree(tmp_path_factory.mktemp("report") / "broken")
