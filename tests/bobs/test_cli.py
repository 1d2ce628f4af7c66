"""``marketalign bobs generate`` end to end: files, provenance, counts, exit codes; the key is not stored."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.bobs.items import read_items
from marketalign.bobs.loopback import UNANSWERABLE, FakeOpenAI
from marketalign.cli import main

LABELS = ["1", "2", "3", "4", "5"]


def write_config(path, base_url, **backend):
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in backend.items())
    path.write_text(f"""
[family]
name = "cli-test"
bobs = 3
seed = 5
[prompt]
instruction = "Rate {{text}}"
paraphrases = ["Score {{text}}"]
personas = ["", "You are a critic."]
[scale]
labels = {json.dumps(LABELS)}
[backend]
kind = "openai"
base_url = "{base_url}"
model = "fake-model"
backoff = 0.001
{extra}""")
    return path


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "items.csv"
    pd.DataFrame({"instance": ["001", "002", "003", "004"],
                  "text": ["soup", "bread", f"{UNANSWERABLE} cake", "NA"],
                  "label": [1.0, None, 0.0, 1.0]}).to_csv(path, index=False)
    return path


def invoke(*args, env=None):
    return CliRunner().invoke(main, ["bobs", "generate", *map(str, args)], env=env, catch_exceptions=False)


def test_generate_writes_scores_and_provenance_and_resumes_from_the_cache(tmp_path, data):
    out = tmp_path / "out" / "scores.csv"
    with FakeOpenAI(LABELS) as server:
        config = write_config(tmp_path / "c.toml", server.base_url)
        first = invoke(config, "--data", data, "--out", out, "--quiet")
        first_bytes = out.read_bytes()
        provenance = json.loads((tmp_path / "out" / "scores.csv.provenance.json").read_text())
        second = invoke(config, "--data", data, "--out", out, "--quiet", "--json")
    assert first.exit_code == 0, first.output
    assert "3 Bobs x 4 instances = 12 scores: cached 0, asked 12, failed 0, unparseable 3" in first.output
    assert "bob_000: 1, bob_001: 1, bob_002: 1" in first.output
    table = read_items(out)
    assert table.columns.tolist() == ["instance", "text", "label", "bob_000", "bob_001", "bob_002"]
    assert table["instance"].tolist() == ["001", "002", "003", "004"] and table["text"][3] == "NA"
    assert table.loc[2, ["bob_000", "bob_001", "bob_002"]].isna().all()
    assert table.drop(index=2)[["bob_000", "bob_001", "bob_002"]].notna().all().all()
    assert provenance["model"] == "fake-model" and provenance["seed"] == 5
    assert provenance["counts"]["asked"] == 12 and provenance["counts"]["unparseable"] == 3
    assert provenance["family"]["templates"] == ["Rate {text}", "Score {text}"]
    assert len(provenance["data"]["sha256"]) == 64 and len(provenance["config_sha256"]) == 64
    assert [b["column"] for b in provenance["bobs"]] == ["bob_000", "bob_001", "bob_002"]
    assert second.exit_code == 0
    assert json.loads(second.output)["counts"]["cached"] == 12
    assert out.read_bytes() == first_bytes  # the same scores, byte for byte, from the cache


def test_the_api_key_is_sent_but_never_printed_or_stored(tmp_path, data):
    secret = "sk-test-DO-NOT-WRITE-4242"
    with FakeOpenAI(LABELS, api_key=secret) as server:
        config = write_config(tmp_path / "c.toml", server.base_url, api_key_env="MY_KEY")
        result = invoke(config, "--data", data, "--out", tmp_path / "s.parquet", env={"MY_KEY": secret})
        assert {h["Authorization"] for h in server.headers} == {f"Bearer {secret}"}
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite") for p in written) and any(p.suffix == ".parquet" for p in written)
    for path in written:
        assert secret.encode() not in path.read_bytes(), path


def test_failed_questions_give_exit_code_3_and_a_rerun_completes(tmp_path, data):
    out = tmp_path / "s.csv"
    with FakeOpenAI(LABELS, plan=lambda q, a: "503" if "bread" in q else None) as server:
        config = write_config(tmp_path / "c.toml", server.base_url, max_retries=1)
        failed = invoke(config, "--data", data, "--out", out, "--quiet")
        partial = pd.read_csv(out)
        server.plan = lambda q, a: None
        fixed = invoke(config, "--data", data, "--out", out, "--quiet")
    assert failed.exit_code == 3
    assert "failed 3" in failed.output and "3 x HTTP 503" in failed.output
    assert partial.loc[1, ["bob_000", "bob_001", "bob_002"]].isna().all()
    assert fixed.exit_code == 0 and "cached 9, asked 3, failed 0" in fixed.output


@pytest.mark.parametrize(
    ("table", "config_text", "out_name", "message"),
    [
        ({"id": ["a"], "text": ["x"]}, None, "s.csv", "no column"),
        ({"instance": ["a", "a"], "text": ["x", "y"]}, None, "s.csv", "unique"),
        ({"instance": ["a", "b"], "text": ["x", ""]}, None, "s.csv", "non-empty strings"),
        ({"instance": ["a"], "text": ["x"], "bob_000": [1.0]}, None, "s.csv", "already has columns"),
        ({"instance": ["a"], "text": ["x"]}, None, "s.xlsx", "must end in .csv or .parquet"),
        ({"instance": ["a"], "text": ["x"]}, "[family]\nbobs = 2\n[backend]\nkind = 'openai'\n", "s.csv",
         "labels must be a list"),
        ({"instance": ["a"], "text": ["x"]}, "[family\n", "s.csv", "not valid TOML"),
        ({"instance": ["a"], "text": ["x"]}, "[extra]\n", "s.csv", "unknown tables"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(tmp_path, table, config_text, out_name, message):
    data = tmp_path / "items.csv"
    pd.DataFrame(table).to_csv(data, index=False)
    config = write_config(tmp_path / "c.toml", "http://127.0.0.1:9/v1")
    if config_text is not None:
        config.write_text(config_text)
    result = CliRunner().invoke(main, ["bobs", "generate", str(config), "--data", str(data),
                                       "--out", str(tmp_path / out_name)])
    assert result.exit_code == 2, result.output
    assert message in result.output and result.output.startswith("error: ")


def test_show_previews_each_bob_without_a_model(tmp_path):
    config = write_config(tmp_path / "c.toml", "http://127.0.0.1:9/v1")
    result = CliRunner().invoke(main, ["bobs", "show", str(config), "--text", "soup"])
    assert result.exit_code == 0, result.output
    assert result.output.count("== bob_") == 3 and "user: Rate soup" in result.output
    rendered = json.loads(CliRunner().invoke(main, ["bobs", "show", str(config), "--json"]).output)
    assert [b["column"] for b in rendered] == ["bob_000", "bob_001", "bob_002"]
    assert rendered[0]["messages"] == [{"role": "user", "content": "Rate <the instance text>"}]
