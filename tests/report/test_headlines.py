"""The headline screen: one line per catalogue step in the papers' order, read from a synthetic run folder."""

import json
from pathlib import Path

import pytest
from page_reading import parse_page
from result_trees import COVERAGE, CURVE, GAME, NETWORK, PANELS, write_run

from marketalign.experiments.registry import STEP_NAMES
from marketalign.report.headlines import catalogue_order, headline, order_key
from marketalign.report.html import build_report


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return write_run(tmp_path_factory.mktemp("run") / "demo")


@pytest.fixture(scope="module")
def page(run):
    return build_report([run])


def test_catalogue_order_is_the_catalogue():
    assert [name for name, _ in catalogue_order()] == list(STEP_NAMES)
    assert order_key((), STEP_NAMES) < order_key((STEP_NAMES[0],), STEP_NAMES) < order_key(("aaa",), STEP_NAMES)


def test_curve_headline_has_the_key_number_beside_the_claim():
    line = headline("fig1_llm", "Figure 1", CURVE)
    assert line.number == "NNLS vs best single at K = 16: -12.3% · paper's size not reached"
    assert line.claim == "paper [SEED]: error dropping by 50-70% at K = 100" and line.status == "ok"


def test_panel_headline_gives_the_range_over_panels():
    line = headline("fig4_tjuatja", "Figure 4", PANELS)
    assert line.number == "NNLS vs best single at K = 9: -30.0% to -10.0% over 2 · paper's size reproduced"
    assert line.claim == "paper [SEED]: panels claim"


def test_bound_headlines_give_violations_and_slack():
    game = headline("conversation", "Result 1", GAME)
    assert game.number == "2 violations · min slack -0.25" and game.status == "violated"
    assert game.claim == "Result 1"
    network = headline("network_path", "Networks (a)", NETWORK)
    assert network.number == "0 violations · max excess over bound 0.0787" and network.status == "ok"


def test_the_verdict_headline_stands_where_the_standard_numbers_do_not_apply():
    said = {"verdict": {"status": "measured", "lines": ["1 row"], "headline": "excess 0.142 at depth 8"}}
    assert headline("network_real", "Networks (d)", {**COVERAGE, **said}).number == "excess 0.142 at depth 8"
    assert headline("fig1_llm", "Figure 1", {**CURVE, **said}).number.startswith("NNLS vs best single at K = 16")
    blank = {"verdict": {"status": "measured", "lines": [], "headline": ""}}
    assert headline("coverage", "Coverage", {**COVERAGE, **blank}).number == "covered_pct 63.9 · robust_1_pct 41"


def test_other_results_and_missing_summaries_never_crash():
    assert headline("coverage", "Coverage", COVERAGE).number == "covered_pct 63.9 · robust_1_pct 41"
    assert headline("x", "X", {}).number == "no headline number in summary.json"
    assert headline("x", "X", None).status == "unreadable"
    assert headline("x", "X", {"violations": "many", "paper": 3}).number == "no headline number in summary.json"


def test_sections_follow_the_catalogue_then_unknown_folders(page):
    ids = [attrs["id"] for _, attrs in parse_page(page.html).elements if "id" in attrs]
    sections = [i.removeprefix("r-") for i in ids if i.startswith("r-") and not i.startswith("r-root-")]
    names = [s.split("demo-", 1)[1] for s in sections if "demo-" in s]
    assert names == ["fig1-llm", "fig4-tjuatja", "coverage", "fig3", "conversation", "network-path", "aaa-extra"]
    assert ids.index("headlines") < min(ids.index(f"r-{s}") for s in sections)
    assert sections[-1].endswith("demo")  # the run's own folder comes last


def test_headline_screen_lists_every_step_in_order(run, page):
    html = page.html
    screen = html[html.index('<section class="headlines"'):html.index("</section>", html.index("headlines"))]
    text = parse_page(screen).visible_text()
    positions = [text.index(f"{name} ") for name in STEP_NAMES]
    assert positions == sorted(positions)
    assert "-12.3%" in text and "2 violations · min slack -0.25" in text and "covered_pct 63.9" in text
    assert "steps.csv: skipped: needs data" in text  # llm_judges: not run, with its reason
    assert text.count("not run") == len(STEP_NAMES) - 6
    assert "fig3 unreadable" in text


def test_the_root_is_a_how_this_was_run_section(run, page):
    text = parse_page(page.html).visible_text()
    how = text.index("How this was run:")
    assert "No readable summary.json" not in text[how:]
    assert text.count("No readable summary.json") == 2  # fig3 (unreadable) and aaa_extra, not the root
    assert text.index("steps.csv", how) > how and text.index("aaa_extra") < how
    assert len(page.problems) == 1 and "fig3/summary.json: not valid JSON" in page.problems[0]


def test_a_root_with_its_own_summary_keeps_its_section(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"violations": 0}))
    text = parse_page(build_report([tmp_path]).html).visible_text()
    assert "How this was run" not in text and "Headlines" not in text and "Provenance" in text
