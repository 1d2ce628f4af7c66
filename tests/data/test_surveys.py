"""Survey panels (OpinionQA layout): expected ordinal answers by hand and against a brute-force oracle."""

import ast
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketalign.data.surveys import list_panels, load_panel, load_responses, read_topic_mapping
from marketalign.errors import InputError

WAVE = "American_Trends_Panel_W7"
ROOT = Path(__file__).with_name("fixtures") / "opinionqa" / "human_resp"


@pytest.fixture
def root():
    return ROOT


@pytest.fixture
def copied(root, tmp_path):
    target = tmp_path / "human_resp"
    shutil.copytree(root, target)
    return target


def brute_force_answers(folder, keep_unstated=False, skip=("NONE",)) -> dict[tuple[str, str], float]:
    """Independent oracle: walk the JSON files with plain Python, E[o] over options with an ordinal value."""
    info = pd.read_csv(folder / "info.csv")
    scales = {}
    for key, refs, ordinal in zip(info["key"], info["references"], info["option_ordinal"], strict=True):
        values = [float(v) for v in ast.literal_eval(ordinal)]
        options = ast.literal_eval(refs)
        scales[key] = (
            {" ".join(o.casefold().split()): v for o, v in zip(options, values, strict=False)},
            min(values),
            max(values),
        )
    found = {}
    for path in sorted(folder.glob("*_data.json")):
        attribute = path.name[: -len("_data.json")]
        if attribute in skip:
            continue
        for key, entry in json.loads(path.read_text()).items():
            ordinal_of, low, high = scales[key]
            if high == low:
                continue
            stack = [
                (g, a) for g, a in entry.items() if g not in ("MC_options", "question_text", "marginals")
            ]
            while stack:
                group, answers = stack.pop()
                if answers and all(isinstance(v, dict) for v in answers.values()):
                    stack.extend((f"{group}|{g}", a) for g, a in answers.items())
                    continue
                if not keep_unstated and set(group.split("|")) & {"Refused", "nan", ""}:
                    continue
                total = weighted = 0.0
                for option, count in answers.items():
                    value = ordinal_of.get(" ".join(option.casefold().split()))
                    if value is not None:
                        total += count
                        weighted += count * value
                if total > 0:
                    found[(f"{attribute}={group}", key)] = (weighted / total - low) / (high - low)
    return found


def as_dict(matrix: pd.DataFrame) -> dict[tuple[str, str], float]:
    stacked = matrix.stack().dropna()
    return {(g, k): float(v) for (g, k), v in stacked.items()}


def test_expected_answers_by_hand(root):
    answers = load_panel(root, "W7").expected_answers()
    assert list(answers.columns) == [
        "SAFE_W7",
        "WORLD_W7",
        "NOTSURE_W7",
    ]  # REASON is nominal, INFOONLY uncounted
    by_hand = {
        ("SEX=Female", "SAFE_W7"): (7 / 4 - 1) / 2,
        ("SEX=Male", "SAFE_W7"): (10 / 4 - 1) / 2,
        ("SEX=Female", "WORLD_W7"): 0.5,
        ("SEX=Male", "WORLD_W7"): 1.0,
        ("SEX=Female", "NOTSURE_W7"): 0.75,
        ("SEX=Male", "NOTSURE_W7"): 0.0,
        ("POLPARTY_SEX=Democrat|Female", "SAFE_W7"): 0.25,
        ("POLPARTY_SEX=Democrat|Male", "SAFE_W7"): 1.0,
        ("POLPARTY_SEX=Republican|Female", "SAFE_W7"): 0.5,
        ("POLPARTY_SEX=Democrat|Female", "WORLD_W7"): 0.0,
        ("AGE=18-29", "SAFE_W7"): 0.0,
    }
    assert as_dict(answers) == pytest.approx(by_hand)


def test_matches_brute_force_with_and_without_unstated_groups(root):
    panel = load_panel(root, "W7")
    assert as_dict(panel.expected_answers()) == pytest.approx(brute_force_answers(root / WAVE))
    assert as_dict(panel.expected_answers(keep_unstated=True)) == pytest.approx(
        brute_force_answers(root / WAVE, keep_unstated=True)
    )


def test_attributes_none_file_and_min_respondents(root):
    assert "NONE=Democrat" not in load_panel(root, "W7").expected_answers().index
    only = load_panel(root, "W7", attributes=["NONE", "SEX"])
    assert sorted(only.expected_answers().index) == ["NONE=Democrat", "SEX=Female", "SEX=Male"]
    masked = load_panel(root, "W7", attributes=["SEX"]).expected_answers(min_respondents=4)
    assert np.isnan(masked.loc["SEX=Male", "WORLD_W7"]) and masked.loc["SEX=Female", "WORLD_W7"] == 0.5
    with pytest.raises(InputError, match="no answer counts for \\['RACE'\\]"):
        load_panel(root, "W7", attributes=["RACE"])


def test_questions_groups_and_alice_table(root):
    panel = load_panel(root, "W7")
    assert panel.wave == "W7" and panel.topic == "unknown"
    questions = panel.questions.set_index("key")
    assert questions.loc["NOTSURE_W7", "text"] == (
        "Do you think this will happen in your lifetime? [Options: Yes, likely / No, not likely]"
    )
    assert not questions.loc["REASON_W7", "scaled"] and questions.loc["WORLD_W7", "ordinal_max"] == 2.0
    assert panel.attributes["SEX"] == ("Male", "Female")
    groups = panel.groups().set_index("group")
    assert groups.loc["SEX=Female", "respondents"] == 9 and groups.loc["SEX=Female", "attribute"] == "SEX"
    assert "POLPARTY_SEX=Refused|Male" not in groups.index
    table = panel.human_table(panel.expected_answers(), "SEX=Male")
    assert table["instance"].tolist() == ["q:SAFE_W7", "q:WORLD_W7", "q:NOTSURE_W7"]
    assert table["alice"].tolist() == [0.75, 1.0, 0.0]
    with pytest.raises(InputError, match="not a group"):
        panel.human_table(panel.expected_answers(), "SEX=Other")


def test_panel_folder_itself_and_listing(root):
    assert load_panel(root / WAVE).wave == "W7"
    listing = list_panels(root)
    assert listing[["wave", "questions"]].values.tolist() == [["W7", 5]]
    assert listing["attributes"][0] == "AGE NONE POLPARTY_SEX SEX"


def test_individual_responses(root, fixtures):
    panel = load_panel(root, "W7")
    matrix = load_responses(fixtures / "opinionqa" / "responses.csv", panel)
    assert list(matrix.columns) == ["SAFE_W7", "WORLD_W7", "NOTSURE_W7"]
    expected = {
        ("r1", "SAFE_W7"): 0.0,
        ("r1", "WORLD_W7"): 0.5,
        ("r2", "SAFE_W7"): 0.5,
        ("r2", "WORLD_W7"): 1.0,
    }
    assert as_dict(matrix) == expected
    assert matrix.loc["r3"].isna().all()
    assert panel.human_table(matrix, "r2")["alice"].tolist() == [0.5, 1.0]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("r1,NOPE_W7,Yes\n", "not in panel W7"),
        ("r1,SAFE_W7,Extremely safe\n", "neither an option nor an option code"),
        ("r1,SAFE_W7,Very safe\nr1,SAFE_W7,Not too safe\n", "more than once"),
    ],
)
def test_bad_responses(root, tmp_path, rows, message):
    path = tmp_path / "r.csv"
    path.write_text("respondent,question,answer\n" + rows)
    with pytest.raises(InputError, match=message):
        load_responses(path, load_panel(root, "W7"))


def test_topic_mapping_gives_question_topics(copied):
    panel = load_panel(copied, "W7")
    refs = panel.options.groupby("key", sort=False)["option"].agg("/".join)
    mapping = {
        f"{q} [{refs[k]}]": {"fg": ["crime"], "cg": ["crime/security"]}
        for k, q in zip(panel.questions["key"], panel.questions["question"], strict=True)
    }
    np.save(copied / "topic_mapping.npy", mapping, allow_pickle=True)
    reloaded = load_panel(copied, "W7")
    assert set(reloaded.questions["topics"]) == {"crime/security"}
    assert reloaded.topic == "crime/security"


class _Exploit:
    def __reduce__(self):
        return (print, ("code ran while loading",))


def test_topic_mapping_refuses_anything_but_plain_values(tmp_path):
    path = tmp_path / "topic_mapping.npy"
    np.save(path, np.array({"q": _Exploit()}, dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match="refusing to load builtins.print"):
        read_topic_mapping(path)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("SEX_data.json", "{not json", "not valid JSON"),
        ("SEX_data.json", '{"SAFE_W7": {"Female": {"Very safe": -1}}}', "is not >= 0"),
        ("SEX_data.json", '{"SAFE_W7": {"Female": {"Totally safe": 1}}}', "options not listed in info.csv"),
        ("SEX_data.json", '{"OTHER_W8": {"Female": {"Yes": 1}}}', "not in info.csv"),
        ("info.csv", "key,question\nA,B\n", "missing column"),
        (
            "info.csv",
            'key,option_mapping,question,references,option_ordinal\nA,"{1.0: \'Y\'}",Q?,"[\'Y\']","[1.0"\n',
            "not a Python literal",
        ),
    ],
)
def test_malformed_panel_files(copied, name, text, message):
    (copied / WAVE / name).write_text(text)
    with pytest.raises(InputError, match=message):
        load_panel(copied, "W7")


def test_a_key_shared_by_several_questions_is_numbered_and_its_counts_refused(copied):
    info = copied / WAVE / "info.csv"
    lines = info.read_text().splitlines()
    info.write_text(
        "\n".join([*lines, lines[-1].replace("Have you ever owned", "Have you ever rented")]) + "\n"
    )
    (copied / WAVE / "SEX_data.json").unlink()
    keys = load_panel(copied, "W7").questions["key"].tolist()
    assert keys[-2:] == ["INFOONLY_W7#1", "INFOONLY_W7#2"]
    (copied / WAVE / "SEX_data.json").write_text('{"INFOONLY_W7": {"Female": {"Yes": 1}}}')
    with pytest.raises(InputError, match="several wordings"):
        load_panel(copied, "W7")


def test_missing_wave_and_empty_root(root, tmp_path):
    with pytest.raises(InputError, match="has no wave W8"):
        load_panel(root, "W8")
    with pytest.raises(InputError, match="holds no American_Trends_Panel"):
        list_panels(tmp_path)


_OPTIONS = ["Very safe", "Somewhat safe", "Not too safe", "Refused"]


@settings(max_examples=40)
@given(
    counts=st.dictionaries(
        st.sampled_from(["Female", "Male", "Refused", "Other"]),
        st.dictionaries(st.sampled_from(_OPTIONS), st.integers(0, 50).map(float), min_size=1),
        min_size=1,
    ),
    nested=st.booleans(),
)
def test_random_counts_match_the_brute_force_oracle(tmp_path_factory, counts, nested):
    folder = tmp_path_factory.mktemp("panel") / WAVE
    folder.mkdir()
    shutil.copy(ROOT / WAVE / "info.csv", folder)
    entry = {"Democrat": counts} if nested else counts
    name = "POLPARTY_SEX_data.json" if nested else "SEX_data.json"
    (folder / name).write_text(json.dumps({"SAFE_W7": {"MC_options": _OPTIONS, **entry}}))
    panel = load_panel(folder)
    expected = brute_force_answers(folder)
    if not expected:
        assert panel.expected_answers().isna().all().all()
        return
    assert as_dict(panel.expected_answers()) == pytest.approx(expected)


# The full OpinionQA release (skipped unless $MARKETALIGN_DATA holds them).


def test_every_opinionqa_wave_loads_with_answers_in_the_unit_interval(shared_data):
    root = shared_data / "opinionqa" / "human_resp"
    listing = list_panels(root)
    assert len(listing) == 15 and "unknown" not in set(listing["topic"])
    for wave in listing["wave"]:
        answers = load_panel(root, wave).expected_answers()
        values = answers.to_numpy()
        assert answers.shape[0] >= 35 and np.nanmin(values) >= 0 and np.nanmax(values) <= 1, wave


def test_opinionqa_wave_26_matches_the_brute_force_oracle(shared_data):
    root = shared_data / "opinionqa" / "human_resp"
    assert as_dict(load_panel(root, "W26").expected_answers()) == pytest.approx(
        brute_force_answers(root / "American_Trends_Panel_W26")
    )


@pytest.mark.slow
def test_every_opinionqa_wave_matches_the_brute_force_oracle(shared_data):
    root = shared_data / "opinionqa" / "human_resp"
    for wave, folder in ((w, root / f"American_Trends_Panel_{w}") for w in list_panels(root)["wave"]):
        assert as_dict(load_panel(root, wave).expected_answers()) == pytest.approx(
            brute_force_answers(folder)
        )
