"""The conventions every command shares: defaults read from the configs, one list syntax, strict ``--json``."""

from __future__ import annotations

import dataclasses
import json

import click
import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.cli.options import ListOption


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _leaves(command, (*prefix, name))
        else:
            yield (*prefix, name), command


LEAVES = dict(_leaves(main))


def _command(path: str) -> click.Command:
    return LEAVES[tuple(path.split())]


def _default(command: click.Command, name: str):
    (param,) = [p for p in command.params if p.name == name]
    return param.list_default if isinstance(param, ListOption) else param.default


def test_every_command_has_json():
    missing = [" ".join(path) for path, command in LEAVES.items()
               if not any("--json" in p.opts for p in command.params)]
    assert len(LEAVES) > 40 and missing == []


def _configs():
    from marketalign.experiments import (
        families,
        fig1,
        fig3,
        fig4,
        games_conversation,
        games_quantal,
        games_selection,
        many_humans,
        network_general,
        network_real,
        network_train,
        panel_coverage,
    )
    from marketalign.hull.curves import CurveConfig

    return [
        ("game selection", "ks", games_selection.SelectionConfig, "ks"),
        ("game selection", "family", games_selection.SelectionConfig, "family"),
        ("game selection", "tie_rule", games_selection.SelectionConfig, "tie_rule"),
        ("game selection", "tol", games_selection.SelectionConfig, "tol"),
        ("game selection", "contexts", games_selection.SelectionConfig, "n_contexts"),
        ("game selection", "seed", games_selection.SelectionConfig, "seed"),
        ("game conversation", "method", games_conversation.ConversationConfig, "method"),
        ("game conversation", "starts", games_conversation.ConversationConfig, "starts"),
        ("game conversation", "tol", games_conversation.ConversationConfig, "tol"),
        ("game quantal", "betas", games_quantal.QuantalConfig, "betas"),
        ("game quantal", "tol", games_quantal.QuantalConfig, "tol"),
        ("network real", "dataset", network_real.RealConfig, "dataset"),
        ("network real", "ridge", network_real.RealConfig, "ridge"),
        ("network general", "learners", network_general.GeneralConfig, "learners"),
        ("network general", "crossfit", network_general.GeneralConfig, "crossfit"),
        ("network train", "learner", network_train.TrainConfig, "learner"),
        ("network train", "test_fraction", network_train.TrainConfig, "test_fraction"),
        ("network train", "crossfit", network_train.TrainConfig, "crossfit"),
        ("network train", "seed", network_train.TrainConfig, "seed"),
        ("curve", "orderings", CurveConfig, "orderings"),
        ("curve", "folds", CurveConfig, "folds"),
        ("curve", "seed", CurveConfig, "seed"),
        ("fit", "folds", CurveConfig, "folds"),
        ("curve-by-human", "orderings", CurveConfig, "orderings"),
        ("reproduce fig1", "orderings", CurveConfig, "orderings"),
        ("reproduce fig1", "bobs", fig1.Fig1Config, "bobs"),
        ("reproduce fig3", "user", fig3.Fig3Config, "user"),
        ("reproduce fig4", "panels", fig4.Fig4Config, "panels"),
        ("reproduce fig4", "humans", fig4.Fig4Config, "humans"),
        ("reproduce fig4", "models", fig4.Fig4Config, "models"),
        ("reproduce many-humans", "k_values", many_humans.ManyHumansConfig, "k_values"),
        ("reproduce many-humans", "orderings", many_humans.ManyHumansConfig, "orderings"),
        ("reproduce many-humans", "min_ratings", many_humans.ManyHumansConfig, "min_user_ratings"),
        ("reproduce many-humans", "humans_per_task", many_humans.ManyHumansConfig, "humans_per_task"),
        ("reproduce families", "orderings", families.FamiliesConfig, "orderings"),
        ("reproduce coverage", "robust", panel_coverage.PanelCoverageConfig, "robust"),
        ("reproduce coverage", "samples", panel_coverage.PanelCoverageConfig, "samples"),
        ("reproduce coverage", "source", panel_coverage.PanelCoverageConfig, "source"),
    ]


def test_option_defaults_are_the_config_defaults():
    drifted = []
    for path, option, config, field in _configs():
        (spec,) = [f for f in dataclasses.fields(config) if f.name == field]
        expected = spec.default if spec.default is not dataclasses.MISSING else getattr(spec.default_factory(), field)
        if _default(_command(path), option) != expected:
            drifted.append((path, option, _default(_command(path), option), expected))
    assert drifted == []


def test_list_options_are_all_comma_lists():
    """No option takes several values by repetition, except column names (one name or a comma list each)."""
    repeated = [(" ".join(path), p.name) for path, command in LEAVES.items() for p in command.params
                if isinstance(p, click.Option) and p.multiple and not isinstance(p, ListOption)]
    assert repeated == []
    columns = {(" ".join(path), p.name) for path, command in LEAVES.items() for p in command.params
               if isinstance(p, ListOption) and p.repeatable}
    assert columns == {("curve", "bobs"), ("fit", "bobs"), ("coverage", "bobs"), ("curve-by-human", "bobs"),
                       ("data check", "bobs")}


@pytest.mark.parametrize(("args", "fragment"), [
    (["network", "path", "--windows", "1,two"], "--windows 1,two: 'two' is not an integer"),
    (["network", "lowerbound", "--edge-probs", "0.1,x"], "'x' is not a number"),
    (["reproduce", "many-humans", "--k", "12", "--k", "100"], "give it once"),
    (["data", "ethics", "embedded", "--split", "test,nope"], "'nope' is unknown; choose among"),
])
def test_a_bad_list_element_is_one_line_exit_2(tmp_path, args, fragment):
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert fragment in result.output and len(result.output.strip().splitlines()) == 1, result.output


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict_and_alone_on_stdout(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    alice = rng.random(40)
    table = pd.DataFrame({"instance": [f"i{i}" for i in range(40)], "alice": alice,
                          "a": alice + 0.1 * rng.random(40), "b": rng.random(40)})
    table.to_csv(tmp_path / "t.csv", index=False)
    runs = [
        ["fit", str(tmp_path / "t.csv")],
        ["curve", str(tmp_path / "t.csv"), "--out", str(tmp_path / "c"), "--orderings", "2", "--quiet"],
        ["data", "check", str(tmp_path / "t.csv"), "--bob", "a,b"],
        ["data", "ethics", "embedded", "--out", str(tmp_path / "e.csv"), "--sample", "20"],
        ["game", "selection", "--quick", "--k", "2", "--out", str(tmp_path / "g"), "--workers", "1", "--quiet"],
        ["network", "cyclic", "--quick", "--out", str(tmp_path / "n"), "--workers", "1", "--quiet"],
    ]
    for args in runs:
        result = CliRunner().invoke(main, [*args, "--json"])
        assert result.exit_code == 0, (args, result.output)
        assert isinstance(_strict(result.stdout), (dict, list)), args


def test_nan_prints_as_null():
    from marketalign.cli.options import echo_json

    runner = CliRunner()
    command = click.Command("x", callback=lambda: echo_json({"a": float("nan"), "b": [1.0, float("inf")]}))
    assert _strict(runner.invoke(command).stdout) == {"a": None, "b": [1.0, None]}
