"""The HTML report, read back with an independent parser: every figure byte-exact, every table and summary
shown, nothing external, contents links that land, the same bytes for the same inputs."""

import re
import shutil

import pandas as pd
import pytest
from page_reading import parse_page
from result_trees import LARGE_ROWS

from marketalign.errors import InputError
from marketalign.report.html import build_report, write_report


@pytest.fixture(scope="module")
def page(results):
    return build_report([results], max_rows=8)


@pytest.fixture(scope="module")
def parsed(page):
    return parse_page(page.html)


def test_the_page_is_well_formed(parsed):
    assert parsed.nesting_errors == []
    assert parsed.elements[0][0] == "html"


def test_every_figure_is_embedded_byte_for_byte(results, page, parsed):
    on_disk = sorted(p for p in results.rglob("*.png") if ".cache" not in p.parts)
    embedded = parsed.images()
    assert sorted(embedded) == sorted(p.name for p in on_disk)
    for path in on_disk:
        assert embedded[path.name] == path.read_bytes()
    assert page.n_figures == len(on_disk) == 4


def test_image_tags_carry_the_pixel_size(parsed):
    for attrs in parsed.all("img"):
        data = parse_page(f'<img src="{attrs["src"]}" alt="x">').images()["x"]
        assert (int(attrs["width"]), int(attrs["height"])) == (int.from_bytes(data[16:20]), int.from_bytes(data[20:24]))


def test_nothing_is_loaded_from_outside_the_file(page, parsed):
    for attrs in parsed.all("img"):
        assert attrs["src"].startswith("data:image/png;base64,")
    assert parsed.all("script") == [] and parsed.all("link") == [] and parsed.all("iframe") == []
    assert all(attrs["href"].startswith("#") for attrs in parsed.all("a"))
    csp = [a["content"] for a in parsed.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; img-src data:; style-src 'unsafe-inline'"]
    assert not re.search(r"url\(|@import|https?://", page.html)


def test_contents_links_land_on_unique_sections(results, parsed):
    ids = [attrs["id"] for _, attrs in parsed.elements if "id" in attrs]
    assert len(ids) == len(set(ids))
    targets = [attrs["href"][1:] for attrs in parsed.all("a")]
    assert set(targets) <= set(ids)
    assert len(targets) == 1 + 6


def test_every_table_head_and_its_full_row_count_are_shown(results, page, parsed):
    text = parsed.visible_text()
    equilibria = pd.read_csv(results / "games" / "selection" / "equilibria.csv")
    assert "first 8 of 12 rows · 5 columns" in text
    for column in equilibria.columns:
        assert column in text
    assert f"first 8 of {LARGE_ROWS:,} rows · first 40 of 60 columns" in text
    assert "bob_39" in text and "bob_40" not in text
    assert "all 3 rows · 2 columns" in text and "all 2 rows · 2 columns" in text
    assert '<td class="num">0.125</td>' in page.html and "line\nbreak" in page.html


def test_table_values_are_shown_at_six_significant_digits(results):
    html = build_report([results / "games"], max_rows=12).html
    equilibria = pd.read_csv(results / "games" / "selection" / "equilibria.csv")
    for value in equilibria["epsilon"]:
        assert f'<td class="num">{value:.6g}</td>' in html


def test_summary_provenance_data_and_numbers_are_shown(parsed):
    text = parsed.visible_text()
    assert "selection-misaligned" in text
    assert "config.seed 7" in text and "numpy" in text
    assert "SYNTHETIC Bobs, 5 of them" in text
    assert "min_slack 0.0123457" in text
    assert "per_k.2.games 4" in text
    assert '"slack": -0.5' in text


def test_missing_summary_and_missing_keys_are_said_not_guessed(parsed):
    text = parsed.visible_text()
    assert "No readable summary.json in this folder" in text
    assert "seed not recorded in summary.json" in text
    assert "versions not recorded in summary.json" in text
    assert 'Not described in summary.json (no "about" block)' in text
    assert "only.pdf (29 B)" in text


def test_problems_are_shown_at_the_top_and_in_their_folder(broken):
    report = build_report([broken])
    text = parse_page(report.html).visible_text()
    assert text.count("figure.png: not a PNG image") == 2
    assert len(report.problems) == 5
    assert report.n_figures == 1
    assert report.problems[-1].endswith("broken/listed/gone.png: listed in summary.json but missing")


def test_same_inputs_give_the_same_bytes_wherever_they_live(results, tmp_path, monkeypatch):
    copy = tmp_path / "elsewhere" / "results"
    shutil.copytree(results, copy)
    monkeypatch.chdir(results.parent)
    first = write_report(["results"], tmp_path / "a.html").read_bytes()
    monkeypatch.chdir(copy.parent)
    second = write_report(["results"], tmp_path / "b.html").read_bytes()
    assert first == second
    assert str(results.parent) not in first.decode()


def test_several_roots_are_grouped_and_overlaps_shown_once(results):
    report = build_report([results / "games", results, results / "large"])
    parsed = parse_page(report.html)
    assert report.n_folders == 6
    assert len(parsed.images()) == 4
    headings = [m for m in re.findall(r"<h2>Results in <code>([^<]*)", report.html.replace("<wbr>", ""))]
    assert [h.rsplit("/", 2)[-1] for h in headings] == ["games", "results"]


def test_special_characters_are_escaped(tmp_path):
    folder = tmp_path / "a<b>&c"
    folder.mkdir()
    pd.DataFrame({"<col>": ["<script>alert(1)</script>"]}).to_csv(folder / "t.csv", index=False)
    (folder / "summary.json").write_text('{"about": "x < y & \\"z\\""}')
    html = build_report([tmp_path]).html
    parsed = parse_page(html)
    assert parsed.all("script") == [] and parsed.nesting_errors == []
    assert "<script>alert(1)</script>" in parsed.visible_text()
    assert 'x < y & "z"' in parsed.visible_text()


@pytest.mark.parametrize("folders", [[], "results"])
def test_folders_must_be_a_non_empty_list(folders):
    with pytest.raises(InputError, match="at least one results folder"):
        build_report(folders)


def test_out_cannot_be_a_folder(results, tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        write_report([results], tmp_path)


def test_out_under_a_file_is_an_input_error(results, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="Cannot create the output folder .* is a file, not a folder"):
        write_report([results / "large"], tmp_path / "file" / "report.html")


def test_write_report_creates_parent_folders(results, tmp_path):
    out = write_report([results / "large"], tmp_path / "deep" / "er" / "report.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
