"""The one-read qrels route gives what the per-file route gives: the same table, report and errors."""

import numpy as np
import pandas as pd
import pytest

from marketalign.data import qrels
from marketalign.errors import InputError


def _write(tmp_path, human: str, judges: dict[str, str]):
    folder = tmp_path / "judges"
    folder.mkdir()
    for name, text in judges.items():
        (folder / f"{name}.txt").write_text(text, newline="")
    (tmp_path / "human.txt").write_text(human, newline="")
    return folder, tmp_path / "human.txt"


def _both(monkeypatch, folder, human, **options):
    """(table, report) or the error message, by the one-read route and by the per-file route."""
    results = []
    for one_read in (True, False):
        with monkeypatch.context() as patch:
            if not one_read:
                patch.setattr(qrels, "_read_all", lambda *args: None)
            try:
                results.append(qrels.load_qrels_panel(folder, human, **options))
            except InputError as err:
                results.append(str(err))
    return results


def _assert_same(fast, slow):
    if isinstance(slow, str):
        assert fast == slow
        return
    pd.testing.assert_frame_equal(fast[0], slow[0])
    assert fast[1] == slow[1]


def _random_panel(rng, judges=4, items=30, missing=0, extra=0, high=0, long_ids=False, in_order=False):
    """A human file and judges' files; ``in_order``: each judge lists its items in the human's order (as
    LLMJudge's do), so missing and extra lines shift the rest against the human's positions."""
    keys = [(f"q{rng.integers(5)}", f"p{rng.integers(10**9 if long_ids else 100)}_{i}") for i in range(items)]
    human = "".join(f"{q} 0 {d} {rng.integers(4)}\n" for q, d in keys)
    texts = {}
    for j in range(judges):
        mine = [k for k in keys]
        for _ in range(missing):
            mine.pop(int(rng.integers(len(mine))))
        mine += [(f"q{rng.integers(5)}", f"x{j}_{i}") for i in range(extra)]
        grades = rng.integers(0, 4, len(mine))
        grades[rng.choice(len(mine), size=high, replace=False)] = rng.choice([4, 5, 10, 12345], size=high)
        order = np.arange(len(mine)) if in_order else rng.permutation(len(mine))
        texts[f"team-run{j}"] = "".join(f"{mine[i][0]} 0 {mine[i][1]} {grades[i]}\n" for i in order)
    return human, texts


@pytest.mark.parametrize("in_order", [False, True])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("out_of_range", ["error", "missing"])
@pytest.mark.parametrize("missing", ["error", "drop-items", "drop-judges", "fill-mean"])
def test_random_panels_agree(tmp_path, monkeypatch, seed, out_of_range, missing, in_order):
    rng = np.random.default_rng(seed)
    human, texts = _random_panel(rng, missing=seed % 3, extra=seed % 2, high=seed % 2, long_ids=seed > 2,
                                 in_order=in_order)
    folder, path = _write(tmp_path, human, texts)
    assert qrels._read_all(path, sorted(folder.glob("*.txt")), "missing") is not None
    _assert_same(*_both(monkeypatch, folder, path, missing=missing, out_of_range=out_of_range))


@pytest.mark.parametrize(
    "judge",
    [
        "q1 0 p1 3\nq1 0 p2 1",  # no final newline
        "q1 0 p1 3\r\nq1 0 p2 1\r\n",  # CRLF
        "q1\t0\tp1\t3\nq1 0 p2 1\n",  # tabs
        "  q1 0 p1 3\nq1  0 p2 1\n",  # leading and double spaces
        "q1 0 p1 3\n\nq1 0 p2 1\n",  # a blank line
        "q1 Q0 p1 3\nq1 0 p2 1\n",  # another iteration field
        "q1 0 p1 3\nq1 0 p2 1.0\n",  # an integral float grade
        "q1 0 p1 3\nq1 0 p2 -1\n",  # a negative grade
        "q1 0 p1 3\nq1 0 p1 2\n",  # a duplicate
        "q1 0 p1 3\nq1 0 p2\n",  # a short line
        "q1 0 p1 3\nq1 0 NA 1\n",  # a key pandas reads as missing
        "q1:p1 0 x 3\nq1 0 p1:x 1\n",  # two spellings of one key
        "q1 0 \"p1\" 3\nq1 0 p2 1\n",  # quotes
        "q1 0 p\u00e91 3\nq1 0 p2 1\n",  # not ASCII
        "",  # empty
    ],
)
def test_unusual_files_agree(tmp_path, monkeypatch, judge):
    folder, path = _write(tmp_path, "q1 0 p1 3\nq1 0 p2 0\nq1 0 p1:x 2\n", {"a": judge, "b": "q1 0 p2 1\n"})
    for missing in ("error", "fill-mean"):
        _assert_same(*_both(monkeypatch, folder, path, missing=missing, out_of_range="missing"))


def test_a_plain_panel_takes_the_one_read_route(tmp_path):
    folder, path = _write(tmp_path, "q1 0 p1 3\nq2 0 p2 0\n", {"a": "q2 0 p2 1\nq1 0 p1 2\n"})
    judged = qrels._read_all(path, sorted(folder.glob("*.txt")), "error")
    assert judged.keys.tolist() == ["q1:p1", "q2:p2"] and judged.groups.tolist() == ["q1", "q2"]
    assert judged.judges == ["a"] and judged.cells.tolist() == [[2.0, 1.0]] and judged.extra == {"a": 0}


def test_judges_with_many_items_the_human_file_lacks_take_the_one_read_route(tmp_path, monkeypatch):
    judge = "q1 0 p1 2\n" + "".join(f"q2 0 x{i} 1\n" for i in range(40))
    folder, path = _write(tmp_path, "q1 0 p1 3\n", {"a": judge, "b": "q1 0 p1 1\n"})
    assert qrels._read_all(path, sorted(folder.glob("*.txt")), "error") is not None
    _assert_same(*_both(monkeypatch, folder, path, missing="drop-items"))


def test_the_eight_byte_field_test_agrees_with_a_byte_by_byte_one():
    """``_plain_word`` (all bytes at once) against the per-byte rule: printable ASCII past the space, no quote;
    every byte value at every position of a plain word, and random words."""
    rule = np.array([0x21 <= b <= 0x7E and b != 0x22 for b in range(256)])
    words = [bytearray(b"abcdefgh") for _ in range(256 * 8)]
    for value in range(256):
        for position in range(8):
            words[8 * value + position][position] = value
    rng = np.random.default_rng(3)
    rows = np.vstack([np.frombuffer(bytes(b"".join(words)), dtype=np.uint8).reshape(-1, 8),
                      rng.choice(np.array([0x20, 0x21, 0x22, 0x41, 0x7E, 0x7F, 0x80, 0xFF, 0x0A]), (4000, 8))])
    rows = rows.astype(np.uint8)
    packed = rows.view("<u8")[:, 0]
    expected = rule[rows].all(axis=1)
    assert [qrels._plain_word(np.uint64(w)) for w in packed] == expected.tolist()
