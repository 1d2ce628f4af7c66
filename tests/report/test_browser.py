"""The report in a real browser: headless Chromium at phone and laptop sizes renders every figure, logs no
console error, keeps the page within the screen width, and draws non-trivial screenshots.

Chromium comes from the Debian packages (``make chromium``, run by ``make test``). Without it these tests
skip, saying why; set MARKETALIGN_REQUIRE_BROWSER=1 to make that a failure (CI).
"""

import os

import matplotlib.image as mpimg
import numpy as np
import pytest
from chromium_driver import Chromium, find_chromium
from result_trees import write_run

from marketalign.experiments.registry import STEPS
from marketalign.report.html import write_report

SIZES = {"phone": (390, 844, True), "laptop": (1366, 900, False)}
_WAIT_FOR_IMAGES = "Promise.all([...document.images].map(i => i.decode())).then(() => document.images.length)"


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        reason = ("chromium is not installed: run `make chromium` (as root it installs Debian's chromium; "
                  "elsewhere install a Chromium or Chrome yourself)")
        if os.environ.get("MARKETALIGN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MARKETALIGN_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    with Chromium(executable) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def report_url(results, broken, tmp_path_factory):
    run = write_run(tmp_path_factory.mktemp("run") / "demo")
    out = write_report([run, results, broken], tmp_path_factory.mktemp("page") / "report.html")
    return out.resolve().as_uri()


@pytest.fixture(scope="module", params=sorted(SIZES))
def sized_tab(request, browser, report_url):
    """(size name, the report opened at that size with every image decoded)."""
    width, height, mobile = SIZES[request.param]
    opened = browser.open(report_url, width=width, height=height, mobile=mobile)
    assert opened.evaluate(_WAIT_FOR_IMAGES) == 5
    return request.param, opened


def test_every_figure_is_decoded_at_its_full_size(sized_tab):
    _, tab = sized_tab
    images = tab.evaluate("[...document.images].map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight, "
                          "+i.getAttribute('width'), +i.getAttribute('height')])")
    assert sorted(name for name, *_ in images) == ["fig5.png", "fine.png", "mse_vs_k.png", "only.png",
                                                   "sparsity_vs_k.png"]
    for name, complete, width, height, declared_width, declared_height in images:
        assert complete and (width, height) == (declared_width, declared_height) and width > 100, name


def test_no_console_errors_or_log_entries(sized_tab):
    _, tab = sized_tab
    assert tab.messages() == []


def test_the_page_fits_the_screen_width(sized_tab):
    size, tab = sized_tab
    width = SIZES[size][0]
    assert tab.evaluate("innerWidth") == width
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    widest_image = tab.evaluate("Math.max(...[...document.images].map(i => i.getBoundingClientRect().right))")
    assert widest_image <= width


def test_the_headline_screen_fits_and_opens_the_results(sized_tab):
    """The headlines come before every section and no line of them is wider than the screen (phone: 390 px)."""
    size, tab = sized_tab
    width = SIZES[size][0]
    block = tab.evaluate("(() => { const s = document.querySelector('section.headlines'); "
                         "const r = s.getBoundingClientRect(); return [r.left, r.right, r.top, s.scrollWidth, "
                         "s.clientWidth, document.querySelector('section.result').getBoundingClientRect().top]; })()")
    left, right, top, scroll_width, client_width, first_section = block
    assert 0 <= left and right <= width and scroll_width <= client_width and top < first_section
    lines = tab.evaluate("[...document.querySelectorAll('li.hl')].map(li => [li.getBoundingClientRect().right, "
                         "li.scrollWidth, li.clientWidth])")
    assert len(lines) == len(STEPS)  # one headline per step of the catalogue
    for line_right, line_scroll, line_client in lines:
        assert line_right <= width and line_scroll <= line_client


def test_contents_sit_above_on_a_phone_and_beside_on_a_laptop(sized_tab):
    size, tab = sized_tab
    nav = tab.evaluate("JSON.parse(JSON.stringify(document.querySelector('nav').getBoundingClientRect()))")
    main = tab.evaluate("JSON.parse(JSON.stringify(document.querySelector('main').getBoundingClientRect()))")
    if size == "phone":
        assert nav["bottom"] <= main["top"] and nav["width"] == pytest.approx(390, abs=1)
    else:
        assert nav["right"] <= main["left"] and main["width"] > 800


def test_screenshots_are_non_trivial(sized_tab, tmp_path):
    size, tab = sized_tab
    width, height, _ = SIZES[size]
    viewport = mpimg.imread(tab.screenshot(tmp_path / f"{size}.png"))
    assert viewport.shape[:2] == (height, width)
    _assert_drawn(viewport)
    full = mpimg.imread(tab.screenshot(tmp_path / f"{size}_full.png", full_page=True))
    assert width - 20 <= full.shape[1] <= width and full.shape[0] > 4 * height
    _assert_drawn(full)


def _assert_drawn(pixels: np.ndarray) -> None:
    """Text, rules and figures: many colours, and a real share of pixels away from the background colour
    (counted on every other row and column, which keeps a long page quick to check)."""
    rgb = (pixels[::2, ::2, :3] * 255).round().astype(np.uint32)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    _, counts = np.unique(packed.ravel(), return_counts=True)
    assert len(counts) > 100
    assert 1 - counts.max() / counts.sum() > 0.05


def test_the_checks_catch_a_broken_page(browser, tmp_path):
    """Negative control: an external image, an unparsable image and a script error are all caught."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
                    '<img alt="external" src="http://127.0.0.1:9/x.png">'
                    '<img alt="bad" src="data:image/png;base64,AAAA">'
                    "<script>console.error('boom'); undefinedFunction();</script></body></html>")
    opened = browser.open(page.as_uri(), width=390, height=844, mobile=True)
    assert opened.evaluate("[...document.images].map(i => i.naturalWidth)") == [0, 0]
    messages = "\n".join(opened.messages())
    assert "console.error: boom" in messages and "undefinedFunction" in messages
