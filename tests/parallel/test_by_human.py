"""Curves for many humans in chunks: the same numbers as one market_curves call, however they are chunked or run."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from parallel_helpers import assert_same_results, make_humans

from marketalign import InputError
from marketalign.hull.by_human import curves_by_human, default_humans_per_task, merge_humans
from marketalign.hull.curves import CurveConfig, market_curves
from marketalign.parallel import ExecutionConfig

CONFIG = CurveConfig(orderings=4, folds=3, seed=11)
HUMANS = make_humans(9, 5, rows=(12, 30))


@pytest.fixture(scope="module")
def reference():
    return market_curves(HUMANS, CONFIG)


@given(per_task=st.integers(1, 10))
def test_any_chunking_gives_the_numbers_of_one_call(reference, per_task):
    ours = curves_by_human(HUMANS, CONFIG, humans_per_task=per_task, execution=ExecutionConfig(workers=1))
    assert_same_results(ours, reference)


def test_worker_processes_give_the_numbers_of_one_call(reference):
    ours = curves_by_human(HUMANS, CONFIG, humans_per_task=2, execution=ExecutionConfig(workers=2))
    assert_same_results(ours, reference)


def test_humans_keep_their_folds_when_others_are_dropped(reference):
    """Human i's folds come from (seed, i): a chunk starting at human 4 draws what the whole list drew."""
    ours = market_curves(HUMANS[4:7], CONFIG, dataset_ids=[4, 5, 6])
    assert_same_results(ours, reference[4:7])


def test_bad_dataset_ids_are_refused():
    with pytest.raises(InputError, match="dataset_ids"):
        market_curves(HUMANS[:2], CONFIG, dataset_ids=[3, 3])


def test_default_chunking_depends_on_the_humans_only():
    assert default_humans_per_task(1) == 1
    assert default_humans_per_task(200) == 1
    assert default_humans_per_task(201) == 2
    assert default_humans_per_task(610) == 4


def test_merge_makes_humans_the_targets(reference):
    names = [f"user:{i}" for i in range(len(HUMANS))]
    merged = merge_humans(reference, names)
    assert merged.targets == tuple(names)
    assert merged.mse.shape[0] == len(HUMANS)
    np.testing.assert_array_equal(merged.mse[3], reference[3].mse[0])
    assert list(merged.table["target"].unique()) == names
    assert merged.n_rows == sum(len(h) for _, h in HUMANS)


def test_merge_names_humans_with_several_targets():
    s, h = HUMANS[0]
    two = market_curves([(s, np.c_[h, -h]), (s, np.c_[h, 2 * h])], CONFIG, target_names=["a", "b"])
    assert merge_humans(two, ["x", "y"]).targets == ("x/a", "x/b", "y/a", "y/b")


@pytest.mark.parametrize(
    ("humans", "kwargs", "message"),
    [
        ([], {}, "no humans"),
        ([HUMANS[0], (HUMANS[1][0][:, :3], HUMANS[1][1])], {}, "same Bob columns"),
        (HUMANS[:2], {"humans_per_task": 0}, "humans_per_task"),
        ([(HUMANS[0][0][:2], HUMANS[0][1][:2])], {}, "folds"),
    ],
)
def test_bad_input_is_refused_before_any_work(humans, kwargs, message):
    with pytest.raises(InputError, match=message):
        curves_by_human(humans, CONFIG, execution=ExecutionConfig(workers=1), **kwargs)
