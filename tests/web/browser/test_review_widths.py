"""The reviewers' pages on a phone and on a laptop: the overview of a filing (key figures,
findings with their 出错说明, the steps) and the region's overview never make the page scroll
sideways; a wide table scrolls inside its own box, and nothing is cut off at its right edge."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

# Every box of the main column that reaches past the viewport, outside a box that scrolls.
OVERFLOW = """() => {
  const scrolls = el => { for (let p = el; p; p = p.parentElement) {
    const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll') return true; }
    return false; };
  const out = [];
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > innerWidth + 1 && !scrolls(el.parentElement))
      out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
  }
  return {page: document.scrollingElement.scrollWidth, width: innerWidth, out: out.slice(0, 5)};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_review_pages_fit_the_screen(visit: Any, world: Any, make_record: Any, example_filing: Any,
                                     width: int) -> None:
    from juesuan.web.workflow import Action

    record = make_record("a", filing=example_filing)
    from juesuan.web.filings import services

    services.explain(record, services.items_of(record.current)[0].key,
                     "上年财政拨款收入支出总计待与上年决算核对后补充。", world.users["unit_a"])
    services.transition(record, Action.SUBMIT, world.users["unit_a"])
    page = visit("finance_a").page
    page.set_viewport_size({"width": width, "height": 800})
    for path in (f"/desk/f/{record.pk}/", "/desk/region/", "/desk/region/310107/2024/"):
        page.goto(page.url.split("/desk/")[0] + path)
        expect(page.locator("main h1")).to_be_visible()
        found = page.evaluate(OVERFLOW)
        assert found["page"] <= found["width"] and not found["out"], (path, width, found)
        if path.startswith("/desk/f/"):
            expect(page.locator("main")).to_contain_text("待与上年决算核对后补充")
