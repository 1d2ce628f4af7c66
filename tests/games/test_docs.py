"""Every example of docs/games.md and docs/network.md runs as written: in document order, in one temporary
folder per page, ``$ marketalign ...`` lines of ``console`` blocks through the CLI and ``python`` blocks in one
namespace. (Both pages in one module: they share this runner.)"""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from marketalign.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```(console|python)\n(.*?)^```", re.M | re.S)
EXPECTED = {
    "games.md": ["results/fig5/fig5.png", "results/shared-bias.ckpt/manifest.json", "results/conv-big/summary.json",
                 "results/quantal/quantal.png", "results/fig5-python/fig5.png"],
    "network.md": ["results/network/path/path.png", "results/network/lowerbound.ckpt/manifest.json",
                   "results/network/cyclic/cyclic.png", "results/network/real/real.png",
                   "results/network/general/general.png", "results/network/train/train.png",
                   "results/network/mine/real.png", "results/network/lowerbound-python/lowerbound.png"],
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_every_example_runs_in_document_order(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"docs_{page}"}
    commands = 0
    for kind, body in BLOCK.findall((DOCS / page).read_text()):
        if kind == "python":
            exec(compile(body, str(DOCS / page), "exec"), namespace)
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                args = shlex.split(line[2:])
                assert args[0] == "marketalign", line
                result = CliRunner().invoke(main, args[1:])
                assert result.exit_code == 0, f"{line}\n{result.output}"
                commands += 1
    assert commands >= 5
    missing = [path for path in EXPECTED[page] if not (tmp_path / path).exists()]
    assert not missing, missing
