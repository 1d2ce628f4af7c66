"""run_chunks / iter_chunks on this machine: order, equality with map, failures, lost workers, pinning."""

import functools
from collections import Counter
from pathlib import Path

import numba
import numpy as np
import pytest
from parallel_tasks import die_once_recording, fail_on, record_call, square, thread_counts
from threadpoolctl import threadpool_info

from marketalign.parallel import ExecutionConfig, chunk_mapper, iter_chunks, run_chunks


@pytest.mark.parametrize("workers", [1, 2])
def test_results_equal_map_in_chunk_order(workers):
    sizes = [7, 0, 3, 12, 1, 5, 9]
    results = run_chunks(square, sizes, workers=workers)
    assert len(results) == len(sizes)
    for got, size in zip(results, sizes, strict=True):
        np.testing.assert_array_equal(got, square(size))


def test_no_chunks_gives_no_results():
    assert run_chunks(square, [], workers=2) == []


def test_chunk_mapper_is_a_drop_in_for_map():
    mapper = chunk_mapper(ExecutionConfig(workers=2))
    assert [r.sum() for r in mapper(square, range(6))] == [square(n).sum() for n in range(6)]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_chunk_raises_its_own_error(workers):
    with pytest.raises(ValueError, match="chunk 4 is bad"):
        run_chunks(functools.partial(fail_on, 4), range(8), workers=workers)


def test_chunks_finished_before_a_failure_are_kept_in_the_checkpoint(tmp_path):
    with pytest.raises(ValueError):
        run_chunks(functools.partial(fail_on, 4), range(8), workers=1, checkpoint=tmp_path)
    assert sorted(p.name for p in tmp_path.glob("chunk-*.pkl")) == [f"chunk-{i:06d}.pkl" for i in range(4)]


def test_a_lost_local_worker_costs_only_the_chunks_in_flight(tmp_path):
    results = run_chunks(functools.partial(die_once_recording, str(tmp_path)), range(8), workers=2)
    assert (tmp_path / "died").exists()  # the worker running chunk 3 really died
    assert results == list(range(8))
    runs = Counter(int(p.name.split("-")[1]) for p in tmp_path.glob("call-*"))
    assert set(runs) == set(range(8)) and runs[3] == 2
    assert sum(n - 1 for n in runs.values()) <= 2  # at most one chunk per worker ran again


def test_results_stream_in_order_before_the_sweep_ends():
    stream = iter_chunks(square, [2, 3, 4], ExecutionConfig(workers=1))
    np.testing.assert_array_equal(next(stream), square(2))
    stream.close()


def test_threads_are_pinned_in_worker_processes():
    for blas, numba_threads in run_chunks(thread_counts, range(4), workers=2, threads=1):
        assert blas == 1 and numba_threads == 1


def test_in_process_pinning_is_restored_afterwards():
    before = (max(p["num_threads"] for p in threadpool_info()), numba.get_num_threads())
    assert run_chunks(thread_counts, range(2), workers=1, threads=1) == [(1, 1), (1, 1)]
    assert (max(p["num_threads"] for p in threadpool_info()), numba.get_num_threads()) == before


def test_each_chunk_runs_once(tmp_path):
    assert run_chunks(functools.partial(record_call, str(tmp_path)), range(10), workers=2) == [x * x for x in range(10)]
    assert sorted(int(p.name.split("-")[1]) for p in Path(tmp_path).iterdir()) == list(range(10))
