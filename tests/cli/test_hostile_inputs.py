"""Hostile inputs: every one exits with its documented code and ONE line saying what was wrong and how to fix it.

Exit codes: 2 bad input or usage, 4 an internal error (a bug), never a traceback for anything the user typed.
"""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import marketalign.hull.epsilon as epsilon_module
from marketalign.cli import INTERNAL_ERROR_EXIT, main
from marketalign.errors import BoundViolation

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
SECRET = "sk-live-DO-NOT-ECHO-4242"
GAME = ["--quick", "--workers", "1", "--quiet"]


def run(args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def one_line_error(result, code: int = 2) -> str:
    """The result exited with ``code`` and printed exactly one non-empty line on stderr: return it."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == code, result.output
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def bob_config(path: Path, backend: str) -> Path:
    path.write_text(
        '[family]\nname = "t"\nbobs = 2\n[prompt]\ninstruction = "Rate {text}"\npersonas = ["", "A critic."]\n'
        f'[scale]\nlabels = ["1", "2", "3"]\n[backend]\nkind = "openai"\nmodel = "m"\n{backend}\n'
    )
    return path


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "a_file"
    path.write_text("not a folder")
    return path


# --------------------------------------------------------------------------------------------- silently misread
@pytest.mark.parametrize("command", ["selection", "conversation", "quantal"])
@pytest.mark.parametrize("tol", ["nan", "inf", "1e9", "0.5", "0", "-1e-9"])
def test_game_tolerances_that_make_the_check_vacuous_are_refused(tmp_path, command, tol):
    message = one_line_error(run(["game", command, *GAME, "--tol", tol, "--out", tmp_path / "out"]))
    assert "--tol" in message and "(0, 0.001]" in message
    assert not (tmp_path / "out").exists()  # refused before anything was created


@pytest.mark.parametrize("beta", ["0", "nan", "-1"])
def test_quantal_beta_zero_is_refused_with_the_reason(tmp_path, beta):
    message = one_line_error(run(["game", "quantal", *GAME, "--beta", beta, "--out", tmp_path / "out"]))
    assert "beta must be a finite number > 0" in message and "ln|A|/beta" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["lowerbound", "--dags", "0"], "--dags must be at least 1"),
        (["lowerbound", "--edge-probs", ""], "--edge-probs non-empty"),
        (["path", "--features", "0"], "number of features (--features)"),
        (["path", "--features", "3"], "give --windows too, e.g. --windows 1,3"),
    ],
)
def test_network_runs_that_check_nothing_or_blame_the_wrong_option_are_refused(tmp_path, args, expected):
    message = one_line_error(run(["network", *args, *GAME, "--out", tmp_path / "out"]))
    assert expected in message
    if args[:2] == ["path", "--features"] and args[2] == "0":
        assert "windows" not in message


@pytest.mark.parametrize("command", ["show", "generate"])
def test_a_misspelt_backend_key_is_refused_by_every_bobs_command(tmp_path, command):
    config = bob_config(tmp_path / "c.toml", 'base_url = "http://127.0.0.1:9/v1"\nconcurency = 2')
    items = tmp_path / "items.csv"
    items.write_text("instance,text\na,soup\n")
    extra = ["--data", items, "--out", tmp_path / "s.csv"] if command == "generate" else []
    message = one_line_error(run(["bobs", command, config, *extra]))
    assert "unknown keys ['concurency']" in message and "'concurrency'" in message


def test_bobs_quality_does_not_need_a_text_column(tmp_path):
    table = tmp_path / "q.csv"
    table.write_text("label,bob_a,bob_b\n1,0.9,0.2\n0,0.1,0.3\n1,0.8,0.6\n0,0.3,0.1\n1,0.7,0.9\n0,0.2,0.4\n")
    result = run(["bobs", "quality", table, "--target", "label", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bobs"] == 2


# ------------------------------------------------------------------------------------ tracebacks -> one line
def _out_cases(a_file: Path) -> list:
    return [a_file, a_file / "sub", "/proc/marketalign-test", "/sys/marketalign-test"]


@pytest.mark.parametrize("where", range(4))
@pytest.mark.parametrize(
    "command",
    [
        ["game", "selection", *GAME],
        ["network", "lowerbound", *GAME],
        ["data", "movielens", "embedded", "--all", "--quiet"],
    ],
)
def test_an_unusable_output_folder_is_one_line_naming_the_path(a_file, command, where):
    out = _out_cases(a_file)[where]
    if str(out).startswith("/sys") and not Path("/sys").is_dir():
        pytest.skip("no /sys on this system")
    message = one_line_error(run([*command, "--out", out]))
    assert f"Cannot create the output folder {out}" in message or "Cannot write into the output folder" in message


def test_a_missing_output_folder_is_created_with_its_parents(tmp_path):
    out = tmp_path / "new" / "deeper" / "table.csv"
    result = run(["data", "movielens", "embedded", "--user", "1", "--out", out, "--quiet"])
    assert result.exit_code == 0, result.output
    assert out.is_file()


@pytest.mark.parametrize("out", ["/proc/marketalign-test/scores.csv", "FILE/scores.csv"])
def test_bobs_generate_refuses_an_unusable_output_before_asking(tmp_path, a_file, out):
    config = bob_config(tmp_path / "c.toml", 'base_url = "http://127.0.0.1:9/v1"')
    items = tmp_path / "items.csv"
    items.write_text("instance,text\na,soup\n")
    out = out.replace("FILE", str(a_file))
    message = one_line_error(run(["bobs", "generate", config, "--data", items, "--out", out]))
    assert "Cannot create the output folder" in message


def test_opinionqa_pointed_at_a_movielens_folder_names_the_expected_files(tmp_path):
    message = one_line_error(
        run(["data", "opinionqa", FIXTURES / "movielens", "--group", "SEX=Female", "--out", tmp_path / "o.csv"])
    )
    assert "American_Trends_Panel_W<n>" in message and "info.csv" in message


@pytest.mark.parametrize("value", [1e308, 1e16, 1e15, -1e300])
def test_epsilon_values_the_lp_solver_refuses_are_bad_input(tmp_path, value):
    table = tmp_path / "t.json"
    table.write_text(json.dumps({"alice": [[value, 0.0], [0.0, 1.0]], "bobs": [[[1.0, 0.0], [0.0, 1.0]]]}))
    message = one_line_error(run(["epsilon", table]))
    assert "Divide every table by one common factor" in message


# ------------------------------------------------------------------------------------------ sizes that cannot fit
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["game", "selection", "--contexts", "100000", "--actions", "10000"], "One selection game"),
        (["game", "selection", "--k", "100000000"], "k = 100000000 Bobs"),
        (["game", "selection", "--states", "100000000"], "needs about"),
        (["game", "conversation", "--alice-obs", "100000", "--bob-obs", "100000"], "596 GiB"),
        (["game", "conversation", "--bobs", "100000000"], "A random conversation game"),
        (["network", "path", "--max-depth", "100000000"], "One covered path of 100000000 agents"),
        (["network", "path", "--features", "10000000", "--windows", "1"], "PiB"),
        (["network", "lowerbound", "--dag-sizes", "1000000"], "One random DAG of 1000000 agents"),
        (["network", "lowerbound", "--hub-features", "100000"], "The attaining ordering on d = 100000"),
    ],
)
def test_runs_that_cannot_fit_in_memory_are_refused_with_the_estimate_and_the_limit(tmp_path, args, expected):
    message = one_line_error(run([*args, *GAME, "--out", tmp_path / "out"]))
    assert expected in message and "more than the limit 8 GiB" in message and "MARKETALIGN_MEMORY_LIMIT" in message


def test_the_memory_limit_comes_from_the_environment(tmp_path):
    args = ["game", "selection", *GAME, "--samples", "1", "--out", tmp_path / "out"]
    message = one_line_error(run(args, env={"MARKETALIGN_MEMORY_LIMIT": "1K"}))
    assert "more than the limit 1 KiB" in message
    message = one_line_error(run(args, env={"MARKETALIGN_MEMORY_LIMIT": "lots"}))
    assert "MARKETALIGN_MEMORY_LIMIT = 'lots' is not a size" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bobs", "10000"], "16^10000 (about 10^12041) profiles exceed the exhaustive limit"),
        (["--rounds", "100000"], "more than 1,048,576 threads"),
        (["--messages", "1", "--actions", "1", "--rounds", "100"], "more than 1,048,576 threads"),
        (["--alice-obs", "3", "--bob-obs", "3", "--rounds", "3"], "deterministic conversation rules"),
        (["--method", "dynamics", "--bobs", "1000"], "visits about 10^602 branches"),
    ],
)
def test_conversation_games_too_large_to_enumerate_are_refused_without_huge_numbers(tmp_path, args, expected):
    message = one_line_error(run(["game", "conversation", *GAME, "--games", "1", *args, "--out", tmp_path / "o"]))
    assert expected in message and len(message) < 400


# -------------------------------------------------------------------------------------------------- security
@pytest.mark.parametrize("value", [SECRET, "my key with spaces", "abc$def"])
def test_a_key_pasted_into_api_key_env_is_never_echoed(tmp_path, value):
    config = bob_config(tmp_path / "c.toml", f'base_url = "http://127.0.0.1:9/v1"\napi_key_env = "{value}"')
    result = run(["bobs", "show", config])
    message = one_line_error(result)
    assert "api_key_env must name an environment variable; the value given looks like a key itself and is not " \
           "shown" in message
    assert value not in result.output


@pytest.mark.parametrize("url", ["127.0.0.1:8088/v1", "localhost:8088/v1", "ftp://host/v1"])
def test_a_base_url_without_http_scheme_is_refused_at_load(tmp_path, url):
    config = bob_config(tmp_path / "c.toml", f'base_url = "{url}"')
    message = one_line_error(run(["bobs", "show", config]))
    assert "must start with http:// or https://" in message


# ------------------------------------------------------------------------------------------------ exit codes
def test_an_internal_error_exits_4_with_the_traceback_and_a_request_to_report_it(monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(epsilon_module, "epsilon_sup", broken)
    table = tmp_path / "t.json"
    table.write_text(json.dumps({"alice": [[1.0, 0.0]], "bobs": [[[1.0, 0.0]]]}))
    result = run(["epsilon", table])
    assert result.exit_code == INTERNAL_ERROR_EXIT == 4
    assert "Traceback" in result.stderr and "RuntimeError: solver exploded" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("internal error: RuntimeError: solver exploded.")
    assert "please report it" in result.stderr


def test_a_violated_bound_still_exits_1(monkeypatch, tmp_path):
    def violated(*args, **kwargs):
        raise BoundViolation("2 equilibria broke the bound")

    monkeypatch.setattr(epsilon_module, "epsilon_sup", violated)
    table = tmp_path / "t.json"
    table.write_text(json.dumps({"alice": [[1.0, 0.0]], "bobs": [[[1.0, 0.0]]]}))
    assert one_line_error(run(["epsilon", table]), code=1).startswith("BOUND VIOLATED:")


@pytest.mark.parametrize("args", [["game", "selection", "--no-such-option"], ["no-such-command"]])
def test_usage_errors_keep_clicks_exit_code_2(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Usage:" in result.stderr


def test_the_exit_codes_are_documented_in_the_cli_docstring_and_the_readme():
    import marketalign.cli

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    doc = marketalign.cli.__doc__
    assert "4 an internal error" in doc and "1 a theorem's bound was violated" in doc
    assert "an internal error (a bug) exits with 4" in readme and "exits with 3 when some scores failed" in readme
