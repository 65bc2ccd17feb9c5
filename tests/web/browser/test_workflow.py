"""The whole workflow through the pages, as each role would do it in a browser: a unit opens
its year's filing from a YAML file, corrects a figure and submits; the department returns it
with a reason; the unit fixes it and submits again; the department and the finance bureau
approve; the finance bureau publishes; the public finds it on the portal and downloads it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "shanghai-putuo-czj-2024.yaml"
RECEPTION_BUDGET = 'input[name="three_public.reception.budget"]'  # 公务接待费 预算数, 0.95 in the example


def act(page: Page, button: str, comment: str = "") -> None:
    """Press a workflow button in the overview's 审核 column, with a comment if given."""
    form = page.locator("form.action").filter(has=page.get_by_role("button", name=button, exact=True))
    if comment:
        form.get_by_label(re.compile("意见")).fill(comment)
    form.get_by_role("button", name=button, exact=True).click()


def state(page: Page) -> Any:
    return expect(page.locator("h1 .state"))


def open_from_workspace(page: Page, unit: str) -> None:
    page.get_by_role("link", name="工作台").click()
    page.locator("table.list").get_by_role("link", name=unit).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit)


def edit_reception_budget(page: Page, value: str, note: str) -> None:
    """In 编辑 › “三公”经费, set 公务接待费 预算数 and save."""
    page.get_by_role("navigation", name="填报各部分").get_by_role("link", name="“三公”经费").click()
    field = page.locator(RECEPTION_BUDGET)
    field.fill(value)
    page.get_by_label("修改说明（可选）").fill(note)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("已保存")
    expect(page.locator(RECEPTION_BUDGET)).to_have_value(value)


def test_wrong_password_is_refused_with_a_message(visit: Any, world: Any) -> None:
    page = visit(None).go("/accounts/login/")
    page.get_by_label("用户名").fill("unit_a")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的用户名和密码")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_filing_goes_from_the_unit_through_both_reviews_to_the_public(visit: Any, world: Any) -> None:
    from juesuan.web.filings.models import FilingRecord

    unit = world.units["a"].name

    # The unit editor opens the 2024 filing from the YAML file it keeps.
    editor = visit("unit_a").page
    editor.get_by_role("link", name="新建填报").click()
    editor.get_by_label("决算年度").fill("2024")
    editor.get_by_role("radio", name=re.compile("由文件导入")).check()
    editor.locator('input[type="file"][name="file"]').set_input_files(EXAMPLE)
    editor.get_by_role("button", name="新建").click()
    expect(editor.get_by_role("status").first).to_contain_text("新建 2024 年度填报")
    record = FilingRecord.objects.get(unit=world.units["a"], year=2024)
    assert record.current.source == "yaml"

    # It changes 公务接待费 预算数 from 0.95 to 1.20 (version 2) and submits.
    edit_reception_budget(editor, "1.20", "按调整后预算填报公务接待费")
    editor.get_by_role("link", name="概览与审核").click()
    state(editor).to_have_text("草稿")
    expect(editor.locator("main")).to_contain_text("当前为第 2 版")
    act(editor, "上报", "请审核。")
    state(editor).to_have_text("已上报")

    # The department reviewer finds it waiting and returns it with a reason.
    reviewer = visit("dept_a").page
    waiting = reviewer.locator("section").filter(has=reviewer.get_by_role("heading", name=re.compile("待我审核")))
    waiting.get_by_role("link", name=unit).click()
    state(reviewer).to_have_text("已上报")
    reason = "公务接待费预算数应为年初批复的 0.95 万元，请改正后重新上报。"
    act(reviewer, "退回单位", reason)
    state(reviewer).to_have_text("退回")

    # The unit editor sees why, corrects the figure (version 3) and submits again.
    editor.reload()
    state(editor).to_have_text("退回")
    expect(editor.locator("ol.steps")).to_contain_text(reason)
    editor.get_by_role("link", name="编辑").click()
    edit_reception_budget(editor, "0.95", "按部门审核意见改回年初预算数")
    editor.get_by_role("link", name="版本").click()
    expect(editor.locator("table.list tbody tr")).to_have_count(3)
    editor.locator("table.list tbody tr").first.get_by_role("link", name="查看修改").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("第 2 版 → 第 3 版")
    change = editor.locator("table.diff tbody tr").filter(has_text="three_public.reception.budget")
    expect(change).to_contain_text("1.20")
    expect(change).to_contain_text("0.95")
    editor.get_by_role("link", name=re.compile("年度")).first.click()  # back to the overview
    act(editor, "上报", "已按意见改正。")
    state(editor).to_have_text("已上报")

    # The department approves; the finance reviewer approves and publishes.
    reviewer.reload()
    act(reviewer, "部门审核通过")
    state(reviewer).to_have_text("部门已审核")
    finance = visit("finance_a").page
    open_from_workspace(finance, unit)
    act(finance, "财政审核通过")
    state(finance).to_have_text("已审核")
    act(finance, "公开")
    state(finance).to_have_text("已公开")
    expect(finance.locator("main")).to_contain_text("公开版本：第 3 版")
    finance.get_by_role("link", name="操作日志").click()
    log = finance.locator("table.list")
    for action in ("import", "save", "submit", "department_return", "department_approve", "finance_approve",
                   "publish"):
        expect(log).to_contain_text(action)

    record.refresh_from_db()
    assert record.state == "published" and record.published.number == 3
    assert [s.action for s in record.steps.all()] == [
        "submit", "department_return", "submit", "department_approve", "finance_approve", "publish"]

    # The public finds it on the portal, opens it, sees the charts and downloads it.
    public = visit(None)
    page = public.go("/")
    page.get_by_role("searchbox", name="部门或单位名称").fill(unit)
    page.get_by_role("button", name="查询").click()
    page.locator("table.disclosures").get_by_role("link", name=unit).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{unit}2024年度部门决算")
    expect(page.locator(".meta")).to_contain_text("公开版本：第 3 版")
    frame = page.locator("iframe.document")
    frame.scroll_into_view_if_needed()
    chart = page.frame_locator("iframe.document").locator("figure.chart .chart-canvas svg").first
    expect(chart).to_be_visible(timeout=30_000)
    for label, suffix, magic in (("PDF 文档", ".pdf", b"%PDF"), ("Word 文档（DOCX）", ".docx", b"PK"),
                                 ("Excel 表格（XLSX）", ".xlsx", b"PK")):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("link", name=label).click()
        download = info.value
        assert download.suggested_filename.endswith(suffix), download.suggested_filename
        data = Path(download.path()).read_bytes()
        assert data.startswith(magic) and len(data) > 10_000, (label, len(data))
