"""The row tables as grids (static/juesuan/grid.js, Tabulator) in Chromium.

A 150-row 支出 table is written to an XLSX, read back as Excel copies a block (cells as shown,
tab-separated, CRLF lines), put on the clipboard and pasted with Ctrl+V into the grid of a new
draft; the live 合计 is the exact sum; Ctrl+S saves; the saved rows are the pasted ones.

The clipboard: Chromium headless lets a page write the system clipboard once the context has
the clipboard-read and clipboard-write permissions (``navigator.clipboard.writeText``); Ctrl+V
then pastes it as a user's paste does (a real paste event with ``clipboardData``) into the
focused grid. No synthetic event is dispatched.

Then the keys (arrows, Enter, Tab, Esc, typing, Ctrl+D, Ctrl+Delete, pasted numbers in the
accountants' forms), the JavaScript copy of ``forms_schema.normalise_number`` against the
Python one, the widths at 1280 and 390 px (element boxes), the tables beside the editor, and
the form saving without scripts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from juesuan import codes
from juesuan.filing.io import filing_from_data
from juesuan.filing.model import EXPENDITURE_KINDS, INCOME_SOURCES, Filing
from juesuan.money import AmountUnit, round_half_up
from juesuan.tables.columns import FUND_LABELS
from juesuan.web.filings.forms_schema import normalise_number

pytestmark = pytest.mark.django_db(transaction=True)

FUND_TEXT = {**{fund.value: label for fund, label in FUND_LABELS.items()}, "non_fiscal": "非财政拨款资金"}
HEADER = ["科目编码", "科目名称", "资金来源", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]


def data_of(record: Any) -> Any:
    from juesuan.web.filings import services

    record.refresh_from_db()
    return services.version_data(record.current)


def filing_of(record: Any) -> Filing:
    """The saved version as the filing it holds (its amounts Decimal)."""
    from juesuan.web.filings import services

    record.refresh_from_db()
    return services.filing_of(record.current)


def new_draft(world: Any, year: int, unit: AmountUnit) -> Any:
    from juesuan.web.filings import services
    from juesuan.web.filings.imports import empty_filing_data

    data = empty_filing_data(year, "单位A", "上海市普陀区", "县级")
    data["unit"] = unit.value
    filing = filing_from_data(data, "新建填报")
    return services.create_record(world.units["a"], year, filing, world.users["unit_a"])


def money(value: Decimal) -> str:
    """An amount as the grid and Excel show it: two decimals (四舍五入), thousands separated."""
    return f"{round_half_up(value, 2):,.2f}"


def write_xlsx(path: Path, filing: Filing) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("支出")
    amount = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(filing.expenditure, 1):
        sheet.write_string(number, 0, row.code)
        sheet.write_string(number, 1, codes.functional().name(filing.year, row.code) or "")
        sheet.write_string(number, 2, FUND_TEXT[row.fund.value])
        for col, kind in enumerate(EXPENDITURE_KINDS, 3):
            value = getattr(row, kind)
            if value is not None:
                sheet.write_number(number, col, value, amount)
    book.close()


def copied_block(path: Path) -> str:
    """Rows 2 onwards as Excel puts a copied block on the clipboard: each cell as it is shown
    (numbers in their format "#,##0.00"), tab-separated, every line ending in CRLF."""
    import openpyxl

    sheet = openpyxl.load_workbook(path).active
    lines = []
    for cells in sheet.iter_rows(min_row=2):
        shown = []
        for cell in cells:
            if cell.value is None:
                shown.append("")
            elif isinstance(cell.value, int | float):
                assert cell.number_format == "#,##0.00"
                shown.append(money(Decimal(repr(cell.value)).quantize(Decimal("0.01"))))
            else:
                shown.append(str(cell.value))
        lines.append("\t".join(shown))
    return "".join(line + "\r\n" for line in lines)


def active(page: Any) -> list[Any]:
    """The grid's active cell: [row number (1-based), field, value]."""
    result: list[Any] = page.evaluate("""() => {
        const cell = window.juesuanGrid.grids[0].activeCell();
        return cell ? [cell.getRow().getPosition(), cell.getField(), cell.getValue()] : null;
    }""")
    return result


def focus_grid(page: Any) -> None:
    holder = page.locator(".grid .tabulator-tableholder")
    expect(holder).to_be_visible()
    holder.focus()


def calc(page: Any, field: str) -> Any:
    return page.locator(f'.grid .tabulator-calcs-bottom .tabulator-cell[tabulator-field="{field}"]')


# --- 150 rows pasted from an XLSX -----------------------------------------------------------------


def test_150_rows_pasted_from_an_xlsx_with_live_totals_and_saved(visit: Any, world: Any,
                                                                 live_server: Any,
                                                                 tmp_path: Path) -> None:
    from tests.test_benchmark_generator import generate as gen  # benchmarks/generate.py

    from juesuan.web.filings import grid_data, services
    from juesuan.web.filings.forms_schema import SECTION_BY_SLUG

    filing: Filing = gen.generate_filing(0)
    assert len(filing.expenditure) == 150 and filing.unit is AmountUnit.YUAN
    last_year: Filing = gen.generate_filing(1, year=filing.year - 1)
    services.create_record(world.units["a"], filing.year - 1, last_year, world.users["unit_a"])
    record = new_draft(world, filing.year, AmountUnit.YUAN)
    workbook = tmp_path / "支出.xlsx"
    write_xlsx(workbook, filing)
    block = copied_block(workbook)
    assert block.count("\r\n") == 150 and "\t976,324.25\t" in block

    visitor = visit("unit_a")
    visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = visitor.go(f"/desk/f/{record.pk}/edit/expenditure/")
    focus_grid(page)
    assert active(page) == [1, "code", ""]  # the blank row to type or paste into
    page.evaluate("text => navigator.clipboard.writeText(text)", block)
    page.keyboard.press("Control+V")
    expect(page.locator(".grid-status")).to_have_text("已粘贴 150 行")
    expect(page.locator("#rows-f-expenditure tr[data-row]")).to_have_count(150)

    # The live 合计 is the exact Decimal sum of each column, and of each row's kinds.
    sums = {kind: sum((getattr(r, kind) or Decimal(0) for r in filing.expenditure), Decimal(0))
            for kind in EXPENDITURE_KINDS}
    for kind, total in sums.items():
        expect(calc(page, kind)).to_have_text(money(total) if total else "")
    expect(calc(page, "_total")).to_have_text(money(sum(sums.values(), Decimal(0))))
    total_row = page.locator("table.grid-sums tr.total")
    expect(total_row).to_contain_text(money(sums["project"]))
    # 类 subtotals: the 201 class is the sum of its rows.
    class_201 = sum((r.project or Decimal(0) for r in filing.expenditure
                     if r.code.startswith("201")), Decimal(0))
    subtotal = page.locator("table.grid-sums tr.level-0").filter(has_text="201").first
    expect(subtotal).to_contain_text(money(class_201))
    # Last year's figure beside a row whose code was filed last year.
    grid = next(g for g in grid_data.grid_lists(SECTION_BY_SLUG["expenditure"]))
    prior = grid_data.prior_totals(last_year, grid, AmountUnit.YUAN)
    code = next(r.code for r in filing.expenditure if prior.get(r.code))
    row = page.locator(".grid .tabulator-row").filter(
        has=page.locator('.tabulator-cell[tabulator-field="code"]', has_text=code)).first
    expect(row.locator('[tabulator-field="_prior"]')).to_have_text(money(prior[code]))

    page.keyboard.press("Control+S")
    expect(page.get_by_role("status").first).to_contain_text("已保存“支出”，为第 2 版")
    saved = data_of(record)["expenditure"]
    assert len(saved) == 150
    for row, got in zip(filing.expenditure, saved, strict=True):
        assert got["code"] == row.code
        assert got.get("fund", "general_budget") == row.fund.value
        assert not got.get("name")  # from the code list, not the pasted text
        for kind in EXPENDITURE_KINDS:
            value = getattr(row, kind)
            found = Decimal(got[kind]) if got.get(kind) is not None else None
            assert found == value, (row.code, kind)


# --- keys -----------------------------------------------------------------------------------------


def test_keys_move_edit_fill_down_and_paste_numbers_as_written(visit: Any, world: Any,
                                                               live_server: Any,
                                                               shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, shanghai_filing, world.users["unit_a"])
    visitor = visit("unit_a")
    visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = visitor.go(f"/desk/f/{record.pk}/edit/income/")
    income = shanghai_filing.income
    focus_grid(page)
    keys = page.keyboard
    assert active(page) == [1, "code", income[0].code]
    keys.press("ArrowRight")
    keys.press("ArrowRight")
    assert active(page)[:2] == [1, "general_budget"]
    # Typing starts editing; Enter keeps it and moves down.
    keys.type("1,234.5")
    keys.press("Enter")
    assert active(page)[:2] == [2, "general_budget"]
    expect(page.locator('input[name="income.0.general_budget"]')).to_have_value("1234.5")
    # Enter edits the cell, Tab keeps it and moves right.
    keys.press("Enter")
    keys.press("Control+A")
    keys.type("７")
    keys.press("Tab")
    assert active(page)[:2] == [2, "government_fund"]
    expect(page.locator('input[name="income.1.general_budget"]')).to_have_value("7")
    # Escape drops what was typed.
    keys.type("99")
    keys.press("Escape")
    assert active(page) == [2, "government_fund", ""]
    expect(page.locator('input[name="income.1.government_fund"]')).to_have_value("")
    keys.press("ArrowUp")
    assert active(page)[:2] == [1, "government_fund"]
    keys.press("ArrowLeft")
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    assert active(page)[:2] == [3, "general_budget"]
    # Ctrl+D: the cell above.
    keys.press("Control+D")
    expect(page.locator('input[name="income.2.general_budget"]')).to_have_value("7")
    assert active(page) == [3, "general_budget", "7"]
    rest = sum((r.general_budget or Decimal(0) for r in income[3:]), Decimal(0))
    expect(calc(page, "general_budget")).to_have_text(money(Decimal("1234.5") + 7 + 7 + rest))

    # An accountant's negative, pasted.
    keys.press("ArrowDown")
    page.evaluate("text => navigator.clipboard.writeText(text)", "（1,234.50）")
    keys.press("Control+V")
    expect(page.locator('input[name="income.3.general_budget"]')).to_have_value("-1234.50")
    # A row copied with its code and name goes into code, (read-only) name and the amount.
    last = page.evaluate("() => window.juesuanGrid.grids[0].tableRows().length")
    page.evaluate("row => window.juesuanGrid.grids[0].select(row, 1)", last - 1)
    assert active(page) == [last, "code", ""]
    page.evaluate("text => navigator.clipboard.writeText(text)", "2010601\t行政运行\t123.45\r\n")
    keys.press("Control+V")
    expect(page.locator(f'input[name="income.{last - 1}.code"]')).to_have_value("2010601")
    expect(page.locator(f'input[name="income.{last - 1}.general_budget"]')).to_have_value("123.45")
    expect(page.locator(f'input[name="income.{last - 1}.name"]')).to_have_value("")
    # Ctrl+Delete marks the row's 删除 box; the totals leave it out.
    keys.press("Control+Delete")
    expect(page.locator(f'input[name="income.{last - 1}._delete"]')).to_be_checked()
    expect(page.locator(".grid-status")).to_contain_text("已标为删除")

    # The mirror of the server's normalise_number, and exact sums.
    samples = ["1,234.56", "１，２３４．５６", " 12 345 ", "\u22121.5", "\u20131", "\ufe631", "－７",
               "1\u00a0000", "1\u30002", "\ufeff12", "1\u200b2", "12\t3", "1\x1c2", "1\u20072",
               "ab,c", "（1,234.50）", "1e3"]
    mirrored = page.evaluate("xs => xs.map(x => window.juesuanGrid.normaliseNumber(x))", samples)
    assert mirrored == [normalise_number(s) for s in samples]
    amounts = page.evaluate("xs => xs.map(x => window.juesuanGrid.normaliseAmount(x))",
                            ["（1,234.50）", "(12)", "(abc)", "()", "5"])
    assert amounts == ["-1234.50", "-12", "(abc)", "()", "5"]
    assert page.evaluate("() => window.juesuanGrid.sum(['0.1', '0.2', '-0.3'])") == "0.00"
    big = ["90071992547409.93", "0.07", "0.005"]  # beyond a double's exact integers
    assert page.evaluate("xs => window.juesuanGrid.sum(xs)", big) == money(
        sum((Decimal(x) for x in big), Decimal(0)))

    # Enter in 修改说明 saves (not the first button of the form, an "增加一行").
    note = page.get_by_label("修改说明（可选）")
    note.fill("按键录入")
    note.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("已保存“收入”，为第 2 版")
    saved = data_of(record)["income"]
    assert [Decimal(r["general_budget"]) for r in saved[:4]] == [
        Decimal("1234.5"), 7, 7, Decimal("-1234.50")]
    assert len(saved) == len(income)  # the pasted row was deleted again

    # A check's link to a field opens the grid at that cell.
    page.goto(page.url.split("#")[0] + "#f-income-2-other")
    page.reload()
    focus_grid(page)
    assert active(page)[:2] == [3, "other"]


# --- 结转结余 and 预算数 ----------------------------------------------------------------------------------


CARRY_BLOCK = ("一般公共预算财政拨款\t\t1,234.50\t2.25\r\n"
               "政府性基金预算财政拨款\t2296002\t（3.00）\t4\r\n"
               "非财政拨款资金\t\t1000.005\t\r\n")
BUDGET_BLOCK = ("2010601\t一般公共预算财政拨款\t1,560.05\t1,600.10\t人员经费\r\n"
                "2010602\t非财政拨款资金\t10\t\t\"宣传、\t指导\"\r\n"
                "2010650\t政府性基金预算财政拨款\t\t0.3\t\r\n")


def test_carry_over_and_budget_items_are_grids_too(visit: Any, world: Any, live_server: Any) -> None:
    record = new_draft(world, 2024, AmountUnit.WAN_YUAN)
    visitor = visit("unit_a")
    visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    # 结转结余: its fund first, its code optional; a block with no names skips 科目名称.
    page = visitor.go(f"/desk/f/{record.pk}/edit/carry-over/")
    focus_grid(page)
    assert active(page) == [1, "fund", ""]
    headers = page.locator(".grid .tabulator-col").evaluate_all(
        "els => els.map(e => e.getAttribute('tabulator-field'))")
    assert headers == ["_n", "fund", "code", "_name", "opening", "closing", "_delText"]  # no 本行合计
    page.evaluate("text => navigator.clipboard.writeText(text)", CARRY_BLOCK)
    page.keyboard.press("Control+V")
    expect(page.locator(".grid-status")).to_have_text("已粘贴 3 行")
    expect(calc(page, "opening")).to_have_text(money(Decimal("1234.50") - 3 + Decimal("1000.005")))
    expect(calc(page, "closing")).to_have_text("6.25")
    expect(calc(page, "fund")).to_have_text("合计")
    expect(page.locator("table.grid-sums tr.blank")).to_contain_text("2,234.51")  # rows without a code: 2,234.505
    # Ctrl+D fills the fund of the row above into the next row.
    page.evaluate("() => window.juesuanGrid.grids[0].select(3, 1)")
    page.keyboard.press("Control+D")
    expect(page.locator('select[name="carry_over.3.fund"]')).to_have_value("non_fiscal")
    page.keyboard.press("Control+Delete")  # a row of nothing but a fund: not kept
    expect(page.locator('input[name="carry_over.3._delete"]')).to_be_checked()
    page.keyboard.press("Control+S")
    expect(page.get_by_role("status").first).to_contain_text("已保存“结转结余”，为第 2 版")
    saved = filing_of(record).carry_over
    assert [(r.fund.value, r.code, r.opening, r.closing) for r in saved] == [
        ("general_budget", None, Decimal("1234.50"), Decimal("2.25")),
        ("government_fund", "2296002", Decimal("-3.00"), Decimal("4")),
        ("non_fiscal", None, Decimal("1000.005"), None)]

    # 预算数: code, fund, 年初/全年预算数 and a text; a block with its funds but no names.
    page = visitor.go(f"/desk/f/{record.pk}/edit/budget/")
    holder = page.locator('.grid-wrap[data-grid="budget.items"] .tabulator-tableholder')
    holder.focus()
    assert active(page) == [1, "code", ""]
    page.evaluate("text => navigator.clipboard.writeText(text)", BUDGET_BLOCK)
    page.keyboard.press("Control+V")
    expect(page.locator(".grid-status")).to_have_text("已粘贴 3 行")
    expect(calc(page, "initial")).to_have_text("1,570.05")
    expect(calc(page, "adjusted")).to_have_text("1,600.40")
    name = page.locator('.grid .tabulator-row .tabulator-cell[tabulator-field="_name"]').first
    expect(name).to_have_text("行政运行")
    expect(page.locator('textarea[name="budget.items.1.purpose"]')).to_have_value("宣传、\t指导")
    page.keyboard.press("Control+S")
    expect(page.get_by_role("status").first).to_contain_text("已保存“预算数”，为第 3 版")
    items = filing_of(record).budget.items
    assert [(r.code, r.fund.value, r.initial, r.adjusted, r.purpose) for r in items] == [
        ("2010601", "general_budget", Decimal("1560.05"), Decimal("1600.10"), "人员经费"),
        ("2010602", "non_fiscal", Decimal("10"), None, "宣传、\t指导"),
        ("2010650", "government_fund", None, Decimal("0.3"), None)]


# --- an input method --------------------------------------------------------------------------------


def test_an_input_method_types_into_a_cell_without_enter_first(visit: Any, world: Any,
                                                               shanghai_filing: Filing) -> None:
    """Chromium's own input method events (DevTools protocol): the key that starts a 拼音
    composition is a keydown of keyCode 229; the composed text goes into the cell's editor, and
    the Enter that picks the candidate does not leave the cell."""
    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, shanghai_filing, world.users["unit_a"])
    visitor = visit("unit_a")
    page = visitor.go(f"/desk/f/{record.pk}/edit/budget/")
    cdp = visitor.context.new_cdp_session(page)
    focus_grid(page)
    column = page.evaluate("""() => window.juesuanGrid.grids[0].tableColumns()
        .findIndex(c => c.getField() === 'purpose')""")
    page.evaluate("col => window.juesuanGrid.grids[0].select(0, col)", column)
    assert active(page)[:2] == [1, "purpose"]

    def compose(keys: str, text: str) -> None:
        cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "Process", "code": "KeyR",
                                            "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229})
        cdp.send("Input.imeSetComposition", {"text": keys, "selectionStart": len(keys),
                                             "selectionEnd": len(keys)})
        cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Process", "code": "KeyR",
                                            "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229})
        # The candidate picked with Enter: a keydown of 229 while composing, then the text.
        cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "Process", "code": "Enter",
                                            "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229})
        page.keyboard.insert_text(text)

    compose("renyuan", "人员经费")
    editor = page.locator(".grid .g-input")
    expect(editor).to_have_value("人员经费")
    assert active(page)[:2] == [1, "purpose"]  # the candidate's Enter kept the cell
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    assert active(page)[:2] == [2, "purpose"]
    expect(page.locator('textarea[name="budget.items.0.purpose"]')).to_have_value("人员经费")

    # A choice: 资金来源 typed as its label's start goes in as the fund.
    column = page.evaluate("""() => window.juesuanGrid.grids[0].tableColumns()
        .findIndex(c => c.getField() === 'fund')""")
    page.evaluate("col => window.juesuanGrid.grids[0].select(1, col)", column)
    compose("feicaizheng", "非财政")
    expect(editor).to_have_value("非财政")
    page.keyboard.press("Tab")
    expect(page.locator('select[name="budget.items.1.fund"]')).to_have_value("non_fiscal")


# --- widths ---------------------------------------------------------------------------------------


BOXES = """fields => {
    const grid = document.querySelector('.grid');
    const holder = grid.querySelector('.tabulator-tableholder');
    // The grid moves its header with the rows on the scroll event: sent at once here.
    const scrollTo = x => { holder.scrollLeft = x; holder.dispatchEvent(new Event('scroll')); };
    const box = el => el.getBoundingClientRect();
    const head = field => grid.querySelector(`.tabulator-col[tabulator-field="${field}"]`);
    const gridBox = box(grid);
    scrollTo(0);
    const frozenRight = box(head('_name')).right;
    const reach = fields.map(field => {
        const col = head(field);
        if (!col) return [field, 'missing'];
        scrollTo(0);
        const start = box(col).left - gridBox.left;
        const width = box(col).width;
        // Brought into view by the grid's own scrolling, beside the frozen code and name.
        scrollTo(Math.max(0, box(col).left - frozenRight));
        const seen = box(col);
        return [field, width > 40 && start + width <= holder.scrollWidth + 2 &&
                seen.left >= frozenRight - 1 && seen.right <= gridBox.right + 1];
    });
    scrollTo(holder.scrollWidth);
    const frozen = ['code', '_name'].map(field => {
        const h = box(head(field));
        const cell = box(grid.querySelector(
            `.tabulator-row .tabulator-cell[tabulator-field="${field}"]`));
        return [field, h.left >= gridBox.left - 1 && h.right <= gridBox.right + 1 && h.width > 40 &&
                Math.abs(cell.left - h.left) < 2];
    });
    return {page: document.scrollingElement.scrollWidth, width: innerWidth, reach, frozen,
            scrolled: holder.scrollLeft > 0};
}"""


def test_widths_at_1280_and_390(visit: Any, world: Any, shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, shanghai_filing, world.users["unit_a"])
    page = visit("unit_a").go(f"/desk/f/{record.pk}/edit/income/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        expect(page.locator(".grid .tabulator-tableholder")).to_be_visible()
        boxes = page.evaluate(BOXES, list(INCOME_SOURCES))
        assert boxes["page"] <= boxes["width"], f"{width} px：页面宽 {boxes['page']} px"
        assert boxes["reach"] == [[f, True] for f in INCOME_SOURCES], f"{width} px：{boxes['reach']}"
        frozen = [["code", True], ["_name", True]]
        assert boxes["scrolled"] and boxes["frozen"] == frozen, f"{width} px：{boxes}"
        # The nine tables beside (or, on a phone, below) the form: the page still does not widen.
        page.get_by_role("link", name="查看决算表").click()
        expect(page.locator("#tables-panel table.data")).to_have_count(9)
        expect(page.locator("#tables-panel")).to_contain_text("收入支出决算总表")
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth")
        page.get_by_role("button", name="关闭").click()
        expect(page.locator("#tables-panel")).to_be_hidden()


# --- without scripts ------------------------------------------------------------------------------


def test_without_scripts_the_form_saves(browser: Any, browser_context_args: dict[str, Any],
                                        live_server: Any, world: Any,
                                        shanghai_filing: Filing) -> None:
    from tests.web.browser.conftest import PASSWORD

    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, shanghai_filing, world.users["unit_a"])
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名").fill("unit_a")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(live_server.url + f"/desk/f/{record.pk}/edit/income/")
        expect(page.locator(".grid")).to_have_count(0)
        page.locator('input[name="income.0.general_budget"]').fill("２,０００.５")
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.get_by_role("status").first).to_contain_text("已保存“收入”，为第 2 版")
        assert data_of(record)["income"][0]["general_budget"] == "2000.5"
        # 查看决算表 opens the tables on a page of their own.
        link = page.get_by_role("link", name="查看决算表")
        expect(link).to_have_attribute("href", re.compile(rf"/desk/f/{record.pk}/tables/$"))
    finally:
        context.close()


FITS = """field => {
    const cells = [...document.querySelectorAll(
        `.grid .tabulator-row .tabulator-cell[tabulator-field="${field}"]`)];
    const head = document.querySelector(`.grid .tabulator-col[tabulator-field="${field}"]`);
    return {clipped: cells.filter(c => c.scrollWidth > c.clientWidth).map(c => c.textContent),
            width: head.getBoundingClientRect().width,
            page: document.scrollingElement.scrollWidth, inner: innerWidth};
}"""


def test_pasted_amounts_widen_their_columns(visit: Any, world: Any, live_server: Any,
                                            shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, shanghai_filing, world.users["unit_a"])
    visitor = visit("unit_a")
    visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = visitor.go(f"/desk/f/{record.pk}/edit/income/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        focus_grid(page)
        before = page.evaluate(FITS, "general_budget")
        assert not before["clipped"], before
        keys = page.keyboard
        keys.press("ArrowRight")
        keys.press("ArrowRight")
        assert active(page)[:2] == [1, "general_budget"]
        page.evaluate("text => navigator.clipboard.writeText(text)",
                      "123456789012345.67\r\n-98,765,432,109.01\r\n")
        keys.press("Control+V")
        expect(page.locator(".grid-status")).to_have_text("已粘贴 2 行")
        expect(page.locator('.grid .tabulator-row .tabulator-cell[tabulator-field="general_budget"]').first
               ).to_have_text("123,456,789,012,345.67")
        after = page.evaluate(FITS, "general_budget")
        assert after["width"] > before["width"], (width, before, after)
        # At 1280 px the column shows them whole; on a phone it widens only as far as it is
        # still seen whole beside the frozen code and name.
        assert not after["clipped"] if width == 1280 else after["width"] < 200, (width, after)
        assert after["page"] <= after["inner"], f"{width} px：页面宽 {after['page']} px"
        # The other columns are still reached beside the frozen code and name.
        boxes = page.evaluate(BOXES, list(INCOME_SOURCES))
        assert boxes["reach"] == [[f, True] for f in INCOME_SOURCES], f"{width} px：{boxes['reach']}"
