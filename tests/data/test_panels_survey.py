"""Survey panels of real LLMs (Meister et al., Tjuatja et al., Hwang et al.), read from the shared data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from marketalign.data.panels.hwang import load_hwang
from marketalign.data.panels.meister import load_meister
from marketalign.errors import InputError


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


def test_hwang_scales_choices_to_unit_interval(panels):
    panel = load_hwang(panels / "hwang2023_personalized")
    assert len(panel.humans) == 525 and len(panel.bobs) == 12
    values = panel.table[["alice", *panel.bobs]].to_numpy()
    finite = values[np.isfinite(values)]
    assert finite.min() == 0.0 and finite.max() == 1.0
    assert sum(panel.unanswered.values()) == int(np.isnan(panel.table[panel.bobs].to_numpy()).sum())


def test_missing_folder_says_what_is_expected(tmp_path):
    with pytest.raises(InputError, match="Meister et al. release"):
        load_meister(tmp_path / "absent")
