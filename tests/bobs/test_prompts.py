"""Prompt families: validation, seeded draws of distinct perturbations, rendered messages."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketalign import InputError, PromptFamily


def family_config(**overrides):
    config = {
        "family": {"name": "t", "bobs": 6, "seed": 3},
        "prompt": {
            "instruction": "Rate {text}",
            "paraphrases": ["Score {text}!", "How good is {text}?"],
            "personas": ["", "You are a critic."],
            "few_shot": [[], [{"text": "great", "answer": "5"}]],
        },
        "scale": {"labels": ["1", "2", "3", "4", "5"],
                  "anchors": [["bad"], ["meh"], ["ok"], ["good"], ["great"]]},
    }
    for table, values in overrides.items():
        config[table] = {**config[table], **values}
    return config


def test_bob_zero_is_the_base_prompt_and_bobs_are_distinct():
    family = PromptFamily.from_config(family_config(family={"bobs": 12}))
    bobs = family.draw(("template", "persona", "few_shot"))
    assert [b.column for b in bobs][:2] == ["bob_000", "bob_001"]
    assert dict(bobs[0].choice) == {"template": 0, "persona": 0, "few_shot": 0}
    assert len({b.choice for b in bobs}) == 12  # all 3 x 2 x 2 combinations
    assert bobs[0].messages("x") == [{"role": "user", "content": "Rate x"}]


@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_draw_is_a_function_of_the_seed(seed, n):
    config = family_config(family={"bobs": n, "seed": seed})
    first = PromptFamily.from_config(config).draw(("template", "persona", "few_shot"))
    again = PromptFamily.from_config(config).draw(("template", "persona", "few_shot"))
    assert first == again
    assert len({b.choice for b in first}) == n


def test_more_bobs_extend_the_family_without_changing_earlier_ones():
    dims = ("template", "persona", "few_shot")
    small = PromptFamily.from_config(family_config(family={"bobs": 5})).draw(dims)
    large = PromptFamily.from_config(family_config(family={"bobs": 12})).draw(dims)
    assert large[:5] == small


def test_messages_carry_persona_few_shot_turns_and_question():
    family = PromptFamily.from_config(family_config(family={"bobs": 12}))
    bob = next(b for b in family.draw(("template", "persona", "few_shot"))
               if dict(b.choice) == {"template": 2, "persona": 1, "few_shot": 1})
    assert bob.messages("soup") == [
        {"role": "system", "content": "You are a critic."},
        {"role": "user", "content": "How good is great?"},
        {"role": "assistant", "content": "5"},
        {"role": "user", "content": "How good is soup?"},
    ]
    assert bob.messages("{text} {0}")[-1]["content"] == "How good is {text} {0}?"  # item braces stay literal


def test_embedding_dimensions_vary_persona_and_anchor_only():
    family = PromptFamily.from_config(family_config(family={"bobs": 2}))
    bobs = family.draw(("persona", "anchor"))
    assert [dict(b.choice) for b in bobs] == [{"persona": 0, "anchor": 0}, {"persona": 1, "anchor": 0}]
    critic = "You are a critic."
    assert bobs[1].anchor_texts() == tuple(f"{critic} {w}" for w in ("bad", "meh", "ok", "good", "great"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"family": {"bobs": 13}}, "only 12 distinct prompts"),
        ({"family": {"bobs": 0}}, "positive integer"),
        ({"family": {"colour": "red"}}, "unknown keys"),
        ({"prompt": {"instruction": "Rate it"}}, "placeholder"),
        ({"prompt": {"paraphrases": ["{text} and {other}"]}}, "placeholder"),
        ({"prompt": {"paraphrases": ["{text} {"]}}, "malformed"),
        ({"prompt": {"few_shot": [[{"text": "a", "answer": "7"}]]}}, "not a scale label"),
        ({"prompt": {"personas": []}}, "personas"),
        ({"scale": {"anchors": [["a"], ["b"]]}}, "per label"),
        ({"scale": {"anchors": [["a", "b"], ["c"], ["d"], ["e"], ["f"]]}}, "same number"),
    ],
)
def test_bad_families_are_rejected_with_a_clear_message(overrides, message):
    with pytest.raises(InputError, match=message):
        PromptFamily.from_config(family_config(**overrides)).draw(("template", "persona", "few_shot"))


def test_anchor_backends_need_anchors():
    config = family_config()
    del config["scale"]["anchors"]
    with pytest.raises(InputError, match="anchors"):
        PromptFamily.from_config(config).draw(("persona", "anchor"))
