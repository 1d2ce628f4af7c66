"""Checkpoint folders: resume without recomputing, refuse another sweep, survive a damaged file."""

import functools
import json
import pickle

import pytest
from parallel_tasks import record_call, square

from marketalign import InputError
from marketalign.parallel import run_chunks
from marketalign.parallel.checkpoint import MANIFEST, sweep_fingerprint


def _calls(folder):
    return sorted(int(p.name.split("-")[1]) for p in folder.glob("call-*"))


@pytest.mark.parametrize("workers", [1, 2])
def test_resume_runs_only_the_missing_chunks(tmp_path, workers):
    calls, ckpt = tmp_path / "calls", tmp_path / "ckpt"
    calls.mkdir()
    task = functools.partial(record_call, str(calls))
    first = run_chunks(task, range(9), workers=workers, checkpoint=ckpt)
    for index in (2, 5, 8):  # as if the run had been killed before these finished
        (ckpt / f"chunk-{index:06d}.pkl").unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in ckpt.glob("chunk-*.pkl")}
    for call in calls.iterdir():
        call.unlink()
    again = run_chunks(task, range(9), workers=workers, checkpoint=ckpt)
    assert again == first == [x * x for x in range(9)]
    assert _calls(calls) == [2, 5, 8]
    assert {name: (ckpt / name).stat().st_mtime_ns for name in kept} == kept


def test_a_finished_sweep_reruns_nothing(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    task = functools.partial(record_call, str(calls))
    run_chunks(task, range(4), workers=1, checkpoint=tmp_path / "ckpt")
    for call in calls.iterdir():
        call.unlink()
    assert run_chunks(task, range(4), workers=2, checkpoint=tmp_path / "ckpt") == [0, 1, 4, 9]
    assert _calls(calls) == []


def test_manifest_names_the_sweep(tmp_path):
    run_chunks(square, [1, 2], workers=1, checkpoint=tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["function"] == "parallel_tasks.square"
    assert manifest["chunks"] == 2
    assert manifest["fingerprint"] == sweep_fingerprint(square, [1, 2])


@pytest.mark.parametrize("other", [[1, 3], [1, 2, 3], [2, 1]])
def test_another_sweep_in_the_same_folder_is_refused(tmp_path, other):
    run_chunks(square, [1, 2], workers=1, checkpoint=tmp_path)
    with pytest.raises(InputError, match="holds another sweep"):
        run_chunks(square, other, workers=1, checkpoint=tmp_path)


def test_settings_bound_to_the_function_are_part_of_the_sweep(tmp_path):
    run_chunks(functools.partial(record_call, str(tmp_path / "a")), [], workers=1, checkpoint=tmp_path / "c")
    with pytest.raises(InputError, match="holds another sweep"):
        run_chunks(functools.partial(record_call, str(tmp_path / "b")), [], workers=1, checkpoint=tmp_path / "c")


def test_a_folder_with_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        run_chunks(square, [1], workers=1, checkpoint=tmp_path)


def test_a_damaged_chunk_file_is_recomputed_with_a_warning(tmp_path):
    first = run_chunks(square, [3, 4], workers=1, checkpoint=tmp_path)
    (tmp_path / "chunk-000001.pkl").write_bytes(b"\x80\x05truncated")
    with pytest.warns(UserWarning, match="recomputing"):
        again = run_chunks(square, [3, 4], workers=1, checkpoint=tmp_path)
    assert all((a == b).all() for a, b in zip(first, again, strict=True))
    with (tmp_path / "chunk-000001.pkl").open("rb") as handle:
        assert (pickle.load(handle) == square(4)).all()


def test_unpicklable_sweeps_cannot_be_checkpointed(tmp_path):
    with pytest.raises(InputError, match="picklable"):
        run_chunks(lambda x: x, [1], workers=1, checkpoint=tmp_path)
