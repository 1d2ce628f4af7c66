"""``marketalign report`` end to end: the page written, the summary line, problems on stderr, exit 2 on bad input."""

import pytest
from click.testing import CliRunner

from marketalign.cli import main


def _run(*args):
    return CliRunner().invoke(main, ["report", *map(str, args)], catch_exceptions=False)


def test_report_writes_the_page_and_says_where(results, tmp_path):
    out = tmp_path / "report.html"
    result = _run(results, "--out", out, "--title", "Nightly results", "--max-rows", 3)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["6 result folders · 4 figures · 5 tables", f"report: {out.resolve()}"]
    html = out.read_text(encoding="utf-8")
    assert "<title>Nightly results</title>" in html and "first 3 of 12 rows" in html


def test_quiet_prints_nothing(results, tmp_path):
    result = _run(results / "large", "--out", tmp_path / "r.html", "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_problems_are_warned_on_stderr_and_the_page_is_still_written(broken, tmp_path):
    result = _run(broken, "--out", tmp_path / "r.html", "--quiet")
    assert result.exit_code == 0
    assert result.stderr.count("warning: not shown:") == 5
    assert (tmp_path / "r.html").exists()


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "nope", "does not exist"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "no results in"),
    (lambda p: (p / "f.csv").write_text("a\n1\n") and p / "f.csv", "is a file, not a results folder"),
])
def test_bad_folders_exit_2_with_one_line(tmp_path, make, message):
    result = _run(make(tmp_path), "--out", tmp_path / "r.html")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and message in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_out_that_is_a_folder_exits_2(results, tmp_path):
    result = _run(results / "large", "--out", tmp_path)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "is a folder" in result.stderr


def test_no_folder_is_a_usage_error():
    assert _run().exit_code == 2
