"""summary.json split into the report's blocks: flattening is lossless, missing keys say so, caps hold."""

import json

from hypothesis import given
from hypothesis import strategies as st

from marketalign.report.summary_view import find_key, flatten, format_number, format_value, summary_view

_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5))
_keys = st.text(alphabet="abc", min_size=1, max_size=3)
_json = st.recursive(_leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(_keys, inner, max_size=3)), max_leaves=15)


def _unflatten(pairs):
    """Rebuild a nested dict from dotted keys (keys here never contain dots)."""
    out = {}
    for key, value in pairs:
        *parents, last = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


@given(st.dictionaries(_keys, _json, max_size=4))
def test_flatten_is_lossless(summary):
    assert _unflatten(flatten(summary)) == summary


@given(st.dictionaries(_keys, _json, max_size=4))
def test_find_key_finds_every_leaf_of_that_name(summary):
    found = find_key(summary, "a")
    assert all(path.split(".")[-1] == "a" for path, _ in found)
    assert len(found) == sum(1 for path, value in flatten(summary) if path.split(".")[-1] == "a"
                             and not (isinstance(value, dict) and value == {}))


def test_a_full_summary_is_split_into_blocks():
    summary = {"experiment": "fig5", "about": {"alice": "labels", "bobs": "SYNTHETIC"}, "seed": 3,
               "config": {"k": [2, 3], "seed": 3, "inner": {"beta": 0.5}}, "versions": {"numpy": "2.0"},
               "provenance": {"data": "/srv/data/ethics"}, "files": ["a.csv"], "mse": 0.1234567891,
               "per_k": {"2": {"games": 4}}}
    view = summary_view(summary, max_result_rows=50)
    assert view.name == "fig5"
    assert view.data == (("alice", "labels"), ("bobs", "SYNTHETIC"))
    assert view.config == (("k", "[2, 3]"), ("seed", "3"), ("inner.beta", "0.5"))
    assert view.seeds == (("seed", "3"), ("config.seed", "3"))
    assert view.versions == (("numpy", "2.0"),)
    assert view.provenance == (("provenance.data", "/srv/data/ethics"),)
    assert view.results == (("mse", "0.123457"), ("per_k.2.games", "4"))


def test_an_empty_summary_gives_empty_blocks():
    view = summary_view({}, max_result_rows=5)
    assert (view.name, view.data, view.config, view.seeds, view.versions, view.results) == (None, (), (), (), (), ())


def test_result_rows_are_capped_and_the_rest_counted():
    view = summary_view({"targets": {f"user{i:03d}": {"mse": i / 7} for i in range(30)}}, max_result_rows=10)
    assert len(view.results) == 10 and view.results_omitted == 20
    assert view.results[0] == ("targets.user000.mse", "0")


def test_non_mapping_config_and_versions_keep_their_key():
    view = summary_view({"config": "default", "versions": None}, max_result_rows=5)
    assert view.config == (("config", "default"),) and view.versions == (("versions", "null"),)


def test_values_are_short_and_readable():
    assert format_value(True) == "true" and format_value(None) == "null"
    assert format_value(12345678901234) == "12345678901234"
    assert format_number(float("nan")) == "NaN" and format_number(float("-inf")) == "-inf"
    assert format_value(1 / 3) == "0.333333"
    assert format_value(list(range(20))) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, … (20 items)]"
    assert format_value([{"a": 1}]) == json.dumps([{"a": 1}])
    assert len(format_value("x" * 1000)) == 300
