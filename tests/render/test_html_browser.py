"""The HTML of each example in Chromium, on a phone (390 px) and on a desktop (1280 px).

Laid out by Debian's Chromium through Playwright, the page must be readable at both widths:
no two pieces of text overlap (table figures, headings, paragraphs, chart labels), no text
runs out of its box, the page itself never scrolls sideways (a wide table scrolls inside
its own block), and a table scrolled to its far right still shows its stub columns
(科目编码 and 科目名称, or 项目) at the left. Skipped where /usr/bin/chromium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.render.html import document_to_html

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
EXAMPLES = ("shanghai-putuo-czj-2024", "suizhou-zwfw-2020")
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="没有 /usr/bin/chromium（apt-get install chromium）")

# Every piece of text on the page as rectangles: the line boxes of each text node (HTML) and
# the box of each <text> of a chart's SVG. Two rectangles of different text overlap when they
# share more than a pixel across and a third of the lower one's height: lines of one cell
# whose font's ascent and descent exceed the line height touch by less than that.
OVERLAPS = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(), n = 0; node; node = walker.nextNode(), n++) {
    const parent = node.parentElement;
    if (!node.data.trim() || parent.closest("script, style, svg")) { continue; }
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0.5 && r.height > 0.5) { boxes.push({r, n, text: node.data.trim().slice(0, 30)}); }
    }
  }
  document.querySelectorAll("svg text").forEach((el, k) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width > 0.5 && style.visibility !== "hidden" && style.opacity !== "0") {
      boxes.push({r, n: "svg" + k, text: el.textContent.trim().slice(0, 30)});
    }
  });
  boxes.sort((a, b) => a.r.top - b.r.top);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].r.top < a.r.bottom; j++) {
      const b = boxes[j];
      if (a.n === b.n) { continue; }
      const across = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const down = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (across > 1 && down > Math.min(a.r.height, b.r.height) / 3) {
        found.push(`“${a.text}” × “${b.text}”`);
      }
    }
  }
  return {count: boxes.length, found: found.slice(0, 20)};
}"""

# Text that does not fit its box: an element of text whose content is wider than it (and
# that does not scroll), and a chart label outside its chart.
CLIPPED = """() => {
  const found = [];
  const selector = "h1, h2, h3, h4, h5, h6, p, li, th, td, figcaption, caption, .table-scroll";
  for (const el of document.querySelectorAll(selector)) {
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
    if (!scrolls && el.scrollWidth > el.clientWidth + 1) {
      found.push(`<${el.tagName.toLowerCase()}> “${el.textContent.trim().slice(0, 30)}” ` +
                 `${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  for (const chart of document.querySelectorAll(".echart")) {
    const box = chart.getBoundingClientRect();
    for (const text of chart.querySelectorAll("svg text")) {
      const r = text.getBoundingClientRect();
      if (r.width > 0.5 && (r.left < box.left - 1 || r.right > box.right + 1 ||
                            r.top < box.top - 1 || r.bottom > box.bottom + 1)) {
        found.push(`chart label “${text.textContent}” outside its chart`);
      }
    }
  }
  return found;
}"""

# The page scrolls sideways nowhere but in a table's own block.
SIDEWAYS = """() => {
  const root = document.documentElement;
  const found = [];
  if (root.scrollWidth > root.clientWidth) {
    found.push(`page ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > root.clientWidth + 1 && !el.closest(".table-scroll")) {
      found.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${r.right} px`);
    }
  }
  return found.slice(0, 20);
}"""

# Each table that scrolls, scrolled to its far right: its stub cells (the first rows in the
# window) are still inside the block, at its left, on top of the figures that passed beneath.
STUBS = """async () => {
  const results = [];
  for (const block of document.querySelectorAll(".table-scroll")) {
    if (block.scrollWidth <= block.clientWidth + 1) { continue; }
    block.scrollIntoView({block: "start"});
    block.scrollLeft = block.scrollWidth;
    await new Promise(requestAnimationFrame);
    const area = block.getBoundingClientRect();
    const table = block.querySelector("table");
    const row = [...table.tBodies[0].rows].find(r => r.getBoundingClientRect().top >= 0);
    const stubs = row ? [...row.cells].filter(c => c.classList.contains("stub")) : [];
    const problems = [];
    let right = area.left;
    for (const cell of stubs) {
      const r = cell.getBoundingClientRect();
      if (r.left < right - 1 || r.right > area.right + 1) {
        problems.push(`“${cell.textContent.trim()}” at ${r.left}–${r.right}, ` +
                      `block ${area.left}–${area.right}`);
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !cell.contains(hit)) {
        problems.push(`“${cell.textContent.trim()}” covered by ${hit && hit.outerHTML.slice(0, 60)}`);
      }
      right = r.right;
    }
    results.push({id: block.parentElement.id, scrolled: block.scrollLeft,
                  coded: !!table.querySelector("td.code"), stubs: stubs.length, problems});
    block.scrollLeft = 0;
  }
  return results;
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example's HTML as ``juesuan report`` writes it, in a file."""
    folder = tmp_path_factory.mktemp("html")
    out = {}
    for name in EXAMPLES:
        filing = load_filing(ROOT / "examples" / f"{name}.yaml").filing
        doc = build_document(filing, scheme=scheme_for(filing, None, where=name))
        path = folder / f"{name}.html"
        path.write_text(document_to_html(doc), encoding="utf-8")
        out[name] = path
    return out


@pytest.fixture(scope="module")
def chromium(playwright: Any) -> Iterator[Any]:
    """Chromium from pytest-playwright's session Playwright: one per test process, shared
    with the web app's browser tests (a second Playwright in the same thread is refused)."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--headless", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--no-first-run"])
    yield browser
    browser.close()


@dataclass
class Opened:
    page: Any  # Playwright's Page
    width: int
    errors: list[str] = field(default_factory=list)  # script errors, failed requests


@pytest.fixture(scope="module", params=[(e, v) for e in EXAMPLES for v in VIEWPORTS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def tab(request: pytest.FixtureRequest, pages: dict[str, Path], chromium: Any) -> Iterator[Opened]:
    """One example open at one width, its fonts loaded and its charts drawn."""
    name, viewport = request.param
    width, height = VIEWPORTS[viewport]
    phone = viewport == "phone"
    context = chromium.new_context(viewport={"width": width, "height": height}, is_mobile=phone,
                                   has_touch=phone, locale="zh-CN")
    opened = Opened(context.new_page(), width)
    opened.page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    opened.page.on("requestfailed", lambda r: opened.errors.append(f"request {r.url}"))
    opened.page.goto(pages[name].as_uri())
    opened.page.evaluate("document.fonts.ready.then(() => true)")
    opened.page.wait_for_function(
        "[...document.querySelectorAll('.echart')].every(el => el.querySelector('svg text'))")
    yield opened
    context.close()


def test_the_page_is_laid_out_at_the_width(tab: Opened) -> None:
    assert tab.page.evaluate("document.documentElement.clientWidth") == tab.width
    # The charts are drawn (every chart's SVG has labels), with no script error, offline.
    assert tab.page.evaluate("document.querySelectorAll('.echart svg text').length") > 0
    assert tab.errors == []


def test_no_text_overlaps(tab: Opened) -> None:
    result = tab.page.evaluate(OVERLAPS)
    assert result["count"] > 1000  # every cell of the nine tables and more
    assert result["found"] == []


def test_no_text_is_clipped(tab: Opened) -> None:
    assert tab.page.evaluate(CLIPPED) == []


def test_only_tables_scroll_sideways(tab: Opened) -> None:
    assert tab.page.evaluate(SIDEWAYS) == []


def test_stub_columns_stay_in_view(tab: Opened) -> None:
    results = tab.page.evaluate(STUBS)
    if tab.width < 500:
        assert len(results) >= 9  # on a phone every one of the nine tables scrolls
    for result in results:
        assert result["scrolled"] > 0, result["id"]
        assert result["stubs"] == (2 if result["coded"] else 1), result["id"]
        assert result["problems"] == [], result["id"]
