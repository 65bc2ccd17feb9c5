"""A 20,000-row filing edited in Chromium: the 支出 section opens on its first page, the
editor goes to a later page, changes one amount and saves; the saved version holds it and
every other row is as it was. Leaving a page with unsaved changes asks first."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.web.huge import huge_filing

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 20_000


def data_of(record: Any) -> Any:
    from juesuan.web.filings import services

    record.refresh_from_db()
    return services.version_data(record.current)


def test_a_row_on_a_later_page_of_20000_is_edited_and_saved(visit: Any, world: Any) -> None:
    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, huge_filing(ROWS), world.users["unit_a"])
    before = data_of(record)["expenditure"]
    assert len(before) == ROWS

    page = visit("unit_a").go(f"/desk/f/{record.pk}/edit/expenditure/")
    page.set_default_timeout(60_000)
    summary = page.locator(".pager-summary")
    expect(summary).to_contain_text("共 20,000 行。第 1 / 100 页（第 1–200 行）")
    expect(page.locator("#rows-f-expenditure tr[data-row]")).to_have_count(200)

    # To page 57 through the page box.
    page.get_by_label("页码").fill("57")
    page.get_by_role("button", name="转到").click()
    expect(summary).to_contain_text("第 57 / 100 页（第 11,201–11,400 行）")
    assert re.search(r"/edit/expenditure/\?page=57$", page.url), page.url
    page.get_by_role("button", name="逐行表单").click()  # the form behind the grid (test_grid.py)
    field = page.locator('input[name="expenditure.11250.project"]')
    expect(field).to_have_value(str(before[11250]["project"]))
    row = page.locator("#rows-f-expenditure tr[data-row]").filter(has=field)
    expect(row.locator("th.n")).to_have_text("11251")

    # An unsaved change is checked live with the rest of the filing (nothing saved yet) …
    with page.expect_response(re.compile(r"/edit/expenditure/check/$")) as checked:
        field.fill("8,888.88")
        field.blur()
    assert checked.value.status == 200
    expect(page.locator("#checks")).to_contain_text("按未保存的修改检查")
    # … and going to another page asks first; staying keeps it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("navigation", name=re.compile("分页$")).get_by_role("link", name="下一页 ›").click()
    expect(summary).to_contain_text("第 57 / 100 页")
    expect(field).to_have_value("8,888.88")

    page.get_by_label("修改说明（可选）").fill("更正第 11251 行项目支出")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("已保存“支出”第 57 页，为第 2 版")
    expect(summary).to_contain_text("第 57 / 100 页")
    expect(page.locator('input[name="expenditure.11250.project"]')).to_have_value("8888.88")

    after = data_of(record)["expenditure"]
    assert record.current.number == 2 and record.current.note == "更正第 11251 行项目支出"
    assert after[11250]["project"] == "8888.88"
    assert after[:11250] == before[:11250] and after[11251:] == before[11251:]

    # The filter finds rows by code; the next page link keeps it.
    page.get_by_role("searchbox").fill("2010601")
    page.get_by_role("button", name="筛选").click()
    expect(summary).to_contain_text("筛选“2010601”得")
    codes = page.locator("#rows-f-expenditure input.code")
    found = codes.evaluate_all("els => els.map(e => e.value)")
    assert found and all(v.startswith("2010601") for v in found)
    page.wait_for_load_state("networkidle")  # no live check left running when the server stops


def test_a_form_with_more_fields_than_the_server_takes_is_kept_unsent(visit: Any, world: Any, settings: Any,
                                                                      shanghai_filing: Any) -> None:
    """Said before sending, on the page: nothing typed is lost to a refused request."""
    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, shanghai_filing, world.users["unit_a"])
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 60  # the income form of the example has more
    visitor = visit("unit_a")
    page = visitor.go(f"/desk/f/{record.pk}/edit/income/")
    page.get_by_role("button", name="逐行表单").click()
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    field = page.locator('input[name="income.0.general_budget"]')
    field.fill("1.00")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("[data-fields-limit]")).to_be_visible()
    expect(page.locator("[data-fields-limit]")).to_contain_text("超过服务器一次可接收的 60 个")
    page.wait_for_timeout(1000)  # past the live check's delay
    expect(field).to_have_value("1.00")
    assert posts == []  # neither the save nor the live check was sent
    assert record.versions.count() == 1


def test_the_totals_of_a_page_cover_the_whole_list(visit: Any, world: Any) -> None:
    """The 合计 row and the totals below the grid add the saved rows of the other pages (sent
    by the server as exact sums) to the live rows of the page: one cell changed on page 2 moves
    the 合计 by exactly what it changed."""
    from tests.web.browser.test_grid import active, calc, focus_grid, money

    from juesuan.web.filings import services

    filing = huge_filing(450)
    record = services.create_record(world.units["a"], 2024, filing, world.users["unit_a"])
    rows = filing.expenditure
    saved_total = sum((r.project for r in rows if r.project is not None), Decimal(0))
    old = rows[205].project
    assert old is not None
    new = Decimal("123456789.015")

    page = visit("unit_a").go(f"/desk/f/{record.pk}/edit/expenditure/?page=2")
    expect(page.locator(".pager-summary")).to_contain_text("第 2 / 3 页（第 201–400 行）")
    expect(calc(page, "project")).to_have_text(money(saved_total))
    expect(calc(page, "project")).to_have_attribute("title", "含其他页已保存的行")
    total_row = page.locator("table.grid-sums tr.total")
    expect(total_row).to_have_attribute("title", "含其他页已保存的行")
    expect(page.locator(".grid-totals .hint").first).to_contain_text("含其他页已保存的 250 行")

    focus_grid(page)
    column = page.evaluate("""() => window.juesuanGrid.grids[0].tableColumns()
        .findIndex(c => c.getField() === 'project')""")
    page.evaluate("col => window.juesuanGrid.grids[0].select(5, col)", column)
    assert active(page)[:2] == [6, "project"]
    page.keyboard.type(str(new))
    page.keyboard.press("Enter")
    expect(page.locator('input[name="expenditure.205.project"]')).to_have_value(str(new))
    expected = saved_total - old + new
    expect(calc(page, "project")).to_have_text(money(expected))
    expect(total_row).to_contain_text(money(expected))
    # Its 类 subtotal: the saved rows of that 类 on every page, with the new figure.
    prefix = rows[205].code[:3]
    in_class = sum((r.project for i, r in enumerate(rows) if i != 205 and r.project is not None
                    and r.code.startswith(prefix)), new)
    subtotal = page.locator("table.grid-sums tr.level-0").filter(
        has=page.locator("td.code", has_text=re.compile(f"^{prefix}$")))
    expect(subtotal).to_contain_text(money(in_class))
    # 本行合计's 合计: every kind of every row.
    everything = sum((getattr(r, k) or Decimal(0) for r in rows for k in
                      ("basic", "project", "remit_superior", "operating", "subsidy_affiliated")), Decimal(0))
    expect(calc(page, "_total")).to_have_text(money(everything - old + new))
    page.wait_for_load_state("networkidle")
