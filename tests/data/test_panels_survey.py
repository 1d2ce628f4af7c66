"""The survey panels of real LLMs (Meister et al. 2024, Tjuatja et al. 2024, Hwang et al. 2023) on their releases.

They cannot be embedded (licences), so these tests read the full data sets and skip when they are absent.
"""

import json

import numpy as np
import pytest

from marketalign.data.panels.hwang import load_hwang
from marketalign.data.panels.meister import load_meister
from marketalign.data.panels.tjuatja import load_tjuatja
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
