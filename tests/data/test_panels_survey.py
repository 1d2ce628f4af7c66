"""The survey panels of real LLMs (Meister et al. 2024, Tjuatja et al. 2024, Hwang et al. 2023) on their releases.

They cannot be embedded (licences), so these tests read the full data sets and skip when they are absent.
"""

import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marketalign.data.panels.hwang import load_hwang
from marketalign.data.panels.meister import WAVE_FOLDER, load_meister
from marketalign.data.panels.tjuatja import load_tjuatja, model_shares
from marketalign.errors import InputError


def test_meister_has_14_groups_16_unsteered_bobs_and_shares_that_sum_to_one(shared_data):
    panel = load_meister(shared_data / "panels" / "meister2024_opinionqa", "task0")
    about = panel.describe()
    assert about["humans"] == 14 and len(about["bobs"]) == 16 and about["questions"] == 100
    table = panel.table
    sums = table.groupby(["human", "group"])["alice"].sum()
    assert np.allclose(sums, 1.0, atol=1e-6)
    assert about["rows"] == len(table) and sum(about["dropped_by_reason"].values()) == about["dropped_pairs"]


def test_tjuatja_joins_the_models_with_opinionqa_groups_and_counts_the_unmatched(shared_data):
    panel = load_tjuatja(shared_data / "panels" / "tjuatja2024_biasmonkey", shared_data / "opinionqa" / "human_resp",
                         "orig alpha", "none", None)
    about = panel.describe()
    assert about["questions_matched"] + sum(about["unmatched_by_reason"].values()) == about["questions_in_release"]
    bobs = [c for c in panel.table.columns if c not in ("human", "instance", "group", "text", "alice", "wave")]
    assert len(bobs) == 9
    shares = panel.table.groupby(["human", "group"])[bobs].sum()
    assert np.allclose(shares, 1.0, atol=1e-6)


def test_hwang_has_35_respondents_per_topic_and_positions_in_the_unit_interval(shared_data):
    panel = load_hwang(shared_data / "panels" / "hwang2023_personalized")
    about = panel.describe()
    assert len(about["topics"]) == 15 and set(about["topics"].values()) == {35}
    table = panel.table
    values = table["alice"].to_numpy(dtype=float)
    assert np.nanmin(values) >= 0.0 and np.nanmax(values) <= 1.0


def test_a_missing_release_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        load_meister(tmp_path / "nowhere")
    with pytest.raises(InputError):
        load_hwang(tmp_path / "nowhere")


@pytest.fixture
def panels(shared_data):
    root = shared_data / "panels"
    if not (root / "meister2024_opinionqa").is_dir():
        pytest.skip(f"survey panels not found under {root}")
    return root


def test_meister_group_shares_are_the_counts_by_option_name(panels):
    panel = load_meister(panels / "meister2024_opinionqa", humans=["SEX=Female"])
    counts = json.loads((panels / "meister2024_opinionqa/opinions_qa/data/human_resp/"
                         "Pew_American_Trends_Panel_disagreement_100/SEX_data.json").read_text())
    table = panel.human_table("SEX=Female")
    for key, rows in list(table.groupby("group"))[:20]:
        female = counts[key]["Female"]
        total = sum(female.values())
        for instance, share in zip(rows["instance"], rows["alice"], strict=True):
            option = instance.split(":", 2)[2]
            assert share == pytest.approx(female.get(option, 0.0) / total)
    assert len(panel.bobs) == 16
    assert (table[panel.bobs].to_numpy() >= 0).all()


def test_meister_unknown_group_lists_the_choices(panels):
    with pytest.raises(InputError, match="SEX=Female"):
        load_meister(panels / "meister2024_opinionqa", humans=["SEX=Nobody"])


def _tiny_meister(root, male_shares: dict):
    """One question, one Bob, the groups POLPARTY=Democrat (counted) and SEX=Male (no counts file)."""
    record = {"avg_actual_results": {"A": 0.25, "B": 0.75}, "expected_results_POLPARTY_Democrat": {"A": 0.5, "B": 0.5},
              "expected_results_SEX_Male": male_shares}
    bob = root / "results/opinionqa/sequence/gpt-4/task0" / WAVE_FOLDER / "NONE/Democrat.json"
    counts = root / "opinions_qa/data/human_resp" / WAVE_FOLDER / "POLPARTY_data.json"
    for path, payload in ((bob, {"Q1_W1": record}),
                          (counts, {"Q1_W1": {"question_text": "Q?", "Democrat": {"No": 1.0, "Yes": 1.0}}})):
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(payload))
    return root


def test_meister_table_keeps_its_column_types_when_a_group_has_no_rows(tmp_path):
    full = load_meister(_tiny_meister(tmp_path / "full", {"A": 0.4, "B": 0.6}))
    partial = load_meister(_tiny_meister(tmp_path / "partial", {}))
    assert partial.dropped["human"].tolist() == ["SEX=Male"] and len(partial.table) == 2
    assert partial.table.dtypes.to_dict() == full.table.dtypes.to_dict()
    assert partial.table["alice"].dtype == np.float64


def _tiny_hwang(root, records: list[dict]):
    """Two questions and one variant."""
    root.mkdir()
    info = {"Q1": {"question": "First?", "choice": "['Yes', 'No', 'Refused']"},
            "Q2": {"question": "Second?", "choice": "['Yes', 'No', 'Refused']"}}
    (root / "all_qinfo_dict.json").write_text(json.dumps(info))
    run = root / "model-output" / "explicit-t-1-u35-q30"
    run.mkdir(parents=True)
    (run / "model_generation.json").write_text(json.dumps(records))
    return root


def test_hwang_reads_a_respondent_split_over_two_records_and_refuses_a_repeated_answer(tmp_path):
    def record(user, qid, answer):
        return {"user_id": user, "topic": "Guns",
                "generated_output": [{"qid": qid, "user_choice": answer, "model_choice": "B"}]}

    panel = load_hwang(_tiny_hwang(tmp_path / "split", [record("1", "Q1", "A"), record("2", "Q1", "B"),
                                                        record("1", "Q2", "No")]))
    assert panel.table[["human", "group", "alice"]].values.tolist() == [
        ["user:1", "Q1", 0.0], ["user:2", "Q1", 1.0], ["user:1", "Q2", 1.0]]
    with pytest.raises(InputError, match="user:1 answers Q1 twice"):
        load_hwang(_tiny_hwang(tmp_path / "repeated", [record("1", "Q1", "A"), record("1", "Q1", "B")]))


_W7 = Path(__file__).with_name("fixtures") / "opinionqa" / "human_resp" / "American_Trends_Panel_W7"


def _tiny_tjuatja(root):
    """Waves W7 (SEX counts, one count split over two spellings of an option) and W8 (no question matches)."""
    for wave in ("W7", "W8"):
        folder = root / "human_resp" / f"American_Trends_Panel_{wave}"
        shutil.copytree(_W7, folder)
        for path in folder.iterdir():
            path.write_text(path.read_text().replace("_W7", f"_{wave}"))
    female = {"Very safe": 2.0, "very  safe": 1.0, "Not too safe": 1.0, "Refused": 5.0}
    (root / "human_resp/American_Trends_Panel_W7/SEX_data.json").write_text(json.dumps(
        {"SAFE_W7": {"Female": female, "Male": {"Somewhat safe": 3.0, "Not too safe": 1.0}}}))
    rows = [("m1", "SAFE_W7", 3, "a", 1), ("m1", "SAFE_W7", 3, "b", 1), ("m2", "SAFE_W7", 3, "c", 2),
            ("m1", "SAFE_W8", 2, "a", 1), ("m2", "SAFE_W8", 2, "b", 1)]
    with gzip.open(root / "response_counts.csv.gz", "wt") as handle:
        handle.write("model,bias,perturbation,key,group,num_options,response,count\n")
        handle.writelines(f"{m},b,none,{k},orig alpha,{n},{r},{c}\n" for m, k, n, r, c in rows)
    return root


def test_tjuatja_pools_the_counts_of_one_option_spelt_twice(tmp_path):
    root = _tiny_tjuatja(tmp_path)
    panel = load_tjuatja(root, root / "human_resp", attributes=["SEX"])
    table = panel.table
    assert table["instance"].tolist() == ["q:SAFE_W7:Not too safe", "q:SAFE_W7:Somewhat safe",
                                          "q:SAFE_W7:Very safe"] * 2
    assert table["alice"].tolist() == [0.25, 0.0, 0.75, 0.25, 0.75, 0.0]
    assert table["m1"].tolist() == [0.0, 0.5, 0.5] * 2 and table["m2"].tolist() == [1.0, 0.0, 0.0] * 2
    assert panel.questions["reason"].tolist() == ["", "models saw 2 options, the wave scores 3"]
    assert {str(table[c].dtype) for c in ("human", "instance", "group", "wave", "text")} == {"str"}


def test_a_condition_and_perturbation_that_never_occur_together_are_refused_by_name():
    counts = pd.DataFrame({"model": ["m", "m"], "perturbation": ["none", "key_typo"], "key": ["Q_W1", "Q_W1"],
                           "group": ["question 0", "orig alpha"], "num_options": [2, 2], "response": ["a", "b"],
                           "count": [3.0, 2.0]})
    with pytest.raises(InputError, match="no responses under condition 'question 0' with perturbation 'key_typo'; "
                                          "with that condition the release has the perturbations none"):
        model_shares(counts, "question 0", "key_typo")
