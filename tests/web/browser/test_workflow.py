"""The whole workflow through the pages, as each role would do it in a browser: a unit opens
its year's filing from a YAML file and changes a figure; 上报 is refused while the document's
【待填写】 has no 出错说明, so the unit writes one and submits (confirmed on a page of its own);
the department returns it with a reason, which the unit reads where it edits; the unit restores
the earlier version and submits again; both reviews approve; 公开 is refused while the 【待填写】
is there, so the finance bureau returns it; the unit fills the missing figure, and the filing
goes through again and is published; the public finds it on the portal and downloads it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "shanghai-putuo-czj-2024.yaml"
# Another department's published report (中共上海市普陀区委社会工作部).
OTHER_REPORT = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "03_shanghai-putuo-shegongbu-2024.txt"
RECEPTION_BUDGET = 'input[name="three_public.reception.budget"]'  # 公务接待费 预算数, 0.95 in the example


CONFIRMED = ("上报", "公开", "放弃修订")  # asked again on a page that says what will happen


def act(page: Page, button: str, comment: str = "", *, confirm: bool = True) -> None:
    """Press a workflow button in the overview's 审核 column, with a comment if given; for a
    step that is confirmed, confirm it on the page that asks (unless ``confirm`` is off)."""
    form = page.locator("form.action").filter(has=page.get_by_role("button", name=button, exact=True))
    if comment:
        form.get_by_label(re.compile("意见")).fill(comment)
    form.get_by_role("button", name=button, exact=True).click()
    if button in CONFIRMED and confirm:
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"确认{button}")
        page.get_by_role("button", name=f"确认{button}", exact=True).click()


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
    from django.core import mail

    from juesuan.web.filings.models import FilingRecord

    for user in world.users.values():  # mail goes to those who have an address
        user.email = f"{user.username}@example.org"
        user.save()

    unit = world.units["a"].name

    # The unit editor opens the 2024 filing from the YAML file it keeps.
    editor = visit("unit_a").page
    editor.get_by_role("link", name="新建填报").click()
    editor.get_by_label("决算年度").fill("2024")
    editor.get_by_role("radio", name=re.compile("由文件导入")).check()
    editor.locator('input[type="file"][name="file"]').set_input_files(EXAMPLE)
    # The example is 上海市普陀区财政局's, kept by 单位A of the test world: said so, and confirmed.
    editor.get_by_role("checkbox", name=re.compile("我确认导入其他单位的数据")).check()
    editor.get_by_role("button", name="新建").click()
    expect(editor.get_by_role("status").first).to_contain_text("新建 2024 年度填报")
    record = FilingRecord.objects.get(unit=world.units["a"], year=2024)
    assert record.current.source == "yaml"

    # Another department's report picked by mistake: the preview says so, and without the
    # explicit confirmation nothing is imported.
    editor.get_by_role("link", name="导入文件").click()
    editor.locator('input[type="file"][name="file"]').set_input_files(OTHER_REPORT)
    editor.get_by_role("button", name="预览导入").click()
    expect(editor.locator(".import-mismatch")).to_contain_text("与本填报的单位“单位A”不符")
    confirmed = editor.get_by_label("我确认导入其他单位的数据")
    expect(confirmed).not_to_be_checked()
    editor.get_by_role("button", name="确认导入").click()  # the browser asks for the checkbox first
    assert confirmed.evaluate("box => box.validity.valueMissing")
    expect(editor.locator(".import-mismatch")).to_be_visible()  # still the preview
    editor.get_by_role("link", name="取消").click()
    assert record.versions.count() == 1

    # It changes 公务接待费 预算数 from 0.95 to 1.20 (version 2) and would submit.
    edit_reception_budget(editor, "1.20", "按调整后预算填报公务接待费")
    editor.get_by_role("link", name="概览与审核").click()
    state(editor).to_have_text("草稿")
    expect(editor.locator("main")).to_contain_text("当前为第 2 版")
    expect(editor.locator("p.counts")).to_contain_text("尚无出错说明，不能上报")
    act(editor, "上报", "请审核。", confirm=False)
    expect(editor.locator("[role=alert]")).to_contain_text("不能上报")
    expect(editor.get_by_role("button", name="确认上报")).to_have_count(0)

    # The 【待填写】 (last year's 财政拨款收入支出总计 is not in the file) gets an 出错说明.
    editor.get_by_role("link", name="回到检查结果").click()
    gap = editor.locator("table.findings tr.gap")
    expect(gap).to_contain_text("增减额和增减幅度")
    gap.get_by_label("出错说明").fill("上年财政拨款收入支出总计待与上年决算核对后补充。")
    gap.get_by_role("button", name="保存说明").click()
    expect(editor.get_by_role("status").first).to_contain_text("已保存出错说明")
    act(editor, "上报", "请审核。")
    state(editor).to_have_text("已上报")

    # The department reviewer finds it waiting, reads the 出错说明, and returns it with a reason.
    reviewer = visit("dept_a").page
    waiting = reviewer.locator("section").filter(has=reviewer.get_by_role("heading", name=re.compile("待我审核")))
    waiting.get_by_role("link", name=unit).click()
    state(reviewer).to_have_text("已上报")
    expect(reviewer.locator("table.findings tr.gap")).to_contain_text("待与上年决算核对后补充")
    reason = "公务接待费预算数应为年初批复的 0.95 万元，请改正后重新上报。"
    act(reviewer, "退回单位", reason)
    state(reviewer).to_have_text("退回")
    # The unit's editor is told by e-mail, with the reason and the link.
    notice = next(m for m in mail.outbox if m.to == [world.users["unit_a"].email])
    assert "退回" in notice.subject and reason in notice.body and f"/desk/f/{record.pk}/" in notice.body

    # The unit editor sees why where it works, and restores version 1 (0.95) as version 3.
    editor.reload()
    state(editor).to_have_text("退回")
    expect(editor.locator(".return-note")).to_contain_text(reason)
    editor.get_by_role("link", name="编辑").click()
    expect(editor.locator(".return-note")).to_contain_text(reason)
    editor.get_by_role("link", name="版本").click()
    expect(editor.locator("table.list tbody tr")).to_have_count(2)
    editor.once("dialog", lambda dialog: dialog.accept())
    editor.locator("table.list tbody tr").filter(has_text="第 1 版").get_by_role("button", name="恢复此版").click()
    expect(editor.get_by_role("status").first).to_contain_text("已将第 1 版的内容恢复为第 3 版")
    editor.get_by_role("link", name="版本").click()
    expect(editor.locator("table.list tbody tr")).to_have_count(3)
    editor.locator("table.list tbody tr").first.get_by_role("link", name="查看修改").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("第 2 版 → 第 3 版")
    change = editor.locator('table.diff tbody tr:has(td[title="three_public.reception.budget"])')
    expect(change).to_contain_text("公务接待费")
    expect(change).to_contain_text("1.20")
    expect(change).to_contain_text("0.95")
    editor.get_by_role("link", name=re.compile("年度")).first.click()  # back to the overview
    act(editor, "上报", "已按意见改正。")
    state(editor).to_have_text("已上报")

    # The department approves; the finance reviewer approves, but 公开 is refused: the
    # document still has a 【待填写】. It returns the filing.
    reviewer.reload()
    act(reviewer, "部门审核通过")
    state(reviewer).to_have_text("部门已审核")
    finance = visit("finance_a").page
    open_from_workspace(finance, unit)
    act(finance, "财政审核通过")
    state(finance).to_have_text("已审核")
    act(finance, "公开", confirm=False)
    expect(finance.locator("[role=alert]")).to_contain_text("不能公开")
    finance.get_by_role("link", name="回到检查结果").click()
    act(finance, "退回", "请补充上年财政拨款收入支出总计，公开的文档不能留有待填写。")
    state(finance).to_have_text("退回")

    # The unit fills the figure (version 4); nothing is left to explain; all the way to 公开.
    editor.reload()
    editor.get_by_role("link", name="编辑").click()
    editor.get_by_role("navigation", name="填报各部分").get_by_role("link", name="上年数").click()
    editor.locator('input[name="prior_year.fiscal_grand_total"]').fill("3012.66")
    editor.get_by_role("button", name="保存", exact=True).click()
    expect(editor.get_by_role("status").first).to_contain_text("已保存")
    editor.get_by_role("link", name="概览与审核").click()
    expect(editor.locator("p.counts")).to_contain_text("待填写 0")
    act(editor, "上报", "已补充上年数。")
    state(editor).to_have_text("已上报")
    reviewer.reload()
    act(reviewer, "部门审核通过")
    finance.reload()
    act(finance, "财政审核通过")
    state(finance).to_have_text("已审核")
    act(finance, "公开")
    state(finance).to_have_text("已公开")
    expect(finance.locator("main")).to_contain_text("公开版本：第 4 版")
    finance.get_by_role("link", name="操作日志").click()
    log = finance.locator("table.list")
    for action in ("导入", "保存", "填写出错说明", "恢复历史版本", "上报", "退回单位", "部门审核通过",
                   "财政审核通过", "公开"):
        expect(log).to_contain_text(action)

    record.refresh_from_db()
    assert record.state == "published" and record.published.number == 4
    assert [s.action for s in record.steps.all()] == [
        "submit", "department_return", "submit", "department_approve", "finance_approve", "finance_return",
        "submit", "department_approve", "finance_approve", "publish"]

    # The public finds it on the portal, opens it, sees the charts and downloads it.
    public = visit(None)
    page = public.go("/")
    page.get_by_role("searchbox", name="部门或单位名称").fill(unit)
    page.get_by_role("button", name="查询").click()
    page.locator("table.disclosures").get_by_role("link", name=unit).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{unit}2024年度部门决算")
    expect(page.locator(".meta")).to_contain_text("公开版本：第 4 版")
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
