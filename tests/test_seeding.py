"""The three seeding rules (:mod:`marketalign.seeding`) are numpy's idioms exactly, and no module seeds any other
way."""

import re
from pathlib import Path

import numpy as np

import marketalign
from marketalign.seeding import child, integer_seeds, stream


def test_a_stream_without_key_is_numpys_default_generator_and_distinct_keys_give_distinct_streams():
    assert stream(7).random() == np.random.default_rng(7).random()
    assert np.random.default_rng([7, 1, 0]).random() == np.random.default_rng([7, 1]).random()  # why keys carry length
    keys = [(), (0,), (1,), (0, 0), (0, 1), (1, 0), (1, 0, 0), (2, 0, 3)]
    assert len({stream(7, *key).random() for key in keys}) == len(keys)


def test_a_child_is_the_spawned_seed_sequence_at_its_path():
    folds, orderings = np.random.SeedSequence(5).spawn(2)
    assert np.random.default_rng(child(5, 1)).random() == np.random.default_rng(orderings).random()
    assert np.random.default_rng(child(5, 0)).random() == np.random.default_rng(folds).random()
    assert np.random.default_rng(child(5, 0, 2)).random() == np.random.default_rng(folds.spawn(3)[2]).random()


def test_integer_seeds_are_32_bit_states_of_the_seed_sequence():
    seeds = integer_seeds(11, 4)
    assert seeds == [int(s) for s in np.random.SeedSequence(11).generate_state(4)]
    assert all(isinstance(s, int) and 0 <= s < 2**32 for s in seeds)


def test_no_module_builds_its_own_seed_sequence_or_keyed_generator():
    root = Path(marketalign.__file__).parent
    pattern = re.compile(r"SeedSequence\(|default_rng\(\[")
    offenders = [f"{path.relative_to(root)}:{number}"
                 for path in sorted(root.rglob("*.py")) if path.name != "seeding.py"
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if pattern.search(line) and "``" not in line]
    assert offenders == [], "seed through marketalign.seeding (stream, child, integer_seeds)"
