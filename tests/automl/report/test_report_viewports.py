"""The report on a laptop (1280x800) and a phone (390x844) in headless Chromium: nothing runs off the
page sideways. Only a table's own wrapper may be wider than the screen, and it scrolls."""
from __future__ import annotations

import pytest

from automl.report.browser import render_page

#: Every element of the page's frame (html, body, main, its sections and their blocks) wider than the
#: viewport or than itself, unless it scrolls sideways on purpose.
OVERFLOWING = """(() => {
  const width = document.documentElement.clientWidth;
  const frame = [document.documentElement, document.body,
                 ...document.querySelectorAll("header, main, main > section, main > section > *")];
  return frame.filter(e => {
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
    const wider = e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > width + 1;
    return wider && !(scrolls && e.getBoundingClientRect().right <= width + 1);
  }).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className}: ${e.scrollWidth}px`);
})()"""


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_nothing_overflows_the_viewport(classification_result, tmp_path, chromium, pixel_spread, width, height):
    path = classification_result.save_report(tmp_path / "report.html")
    page = render_page(path, OVERFLOWING, width=width, height=height, binary=chromium)
    (tmp_path / f"report_{width}x{height}.png").write_bytes(page.screenshot)
    assert page.errors == []
    assert page.probe == [], page.probe
    assert pixel_spread(page.screenshot) > 10


#: What printing needs: no navigation column, no table cut at its scroll height, nothing sideways.
PRINTED = """(() => ({
  nav: getComputedStyle(document.querySelector(".sidenav")).display,
  cut: [...document.querySelectorAll(".table-wrap")].filter(w => w.scrollHeight > w.clientHeight + 1).length,
  sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
}))()"""


def test_the_page_prints_on_a4_whole(classification_result, tmp_path, chromium):
    path = classification_result.save_report(tmp_path / "report.html")
    page = render_page(path, PRINTED, width=794, height=1123, binary=chromium, media="print")  # A4 at 96 dpi
    assert page.errors == []
    assert page.probe == {"nav": "none", "cut": 0, "sideways": 0}
