"""批量编辑: a whole table pasted as tab-separated text (what Excel copies), previewed, then
saved against the version the page was opened on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.web.huge import huge_filing
from tests.web.test_editor import content, form_values, versions

from juesuan.web.filings import bulk, paging
from juesuan.web.filings.forms_schema import SECTION_BY_SLUG

pytestmark = pytest.mark.django_db


def bulk_url(record: Any, slug: str) -> str:
    return f"/desk/f/{record.pk}/edit/{slug}/bulk/"


def preview(client: Any, record: Any, slug: str, text: str, mode: str = "replace", **extra: str) -> Any:
    return client.post(bulk_url(record, slug), {"_base": str(record.current.number), "mode": mode, "text": text,
                                                "_preview": "1", **extra})


def save(client: Any, record: Any, slug: str, text: str, mode: str = "replace") -> Any:
    shown = preview(client, record, slug, text, mode)
    assert shown.status_code == 200, shown.content.decode()[:3000]
    values = form_values(shown.content.decode(), "bulk-form")
    return client.post(bulk_url(record, slug), {**values, "_save": "1"})


def test_the_table_goes_out_and_comes_back_unchanged(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    page = client.get(f"/desk/f/{record.pk}/edit/expenditure/").content.decode()
    assert f'href="{bulk_url(record, "expenditure")}"' in page and "批量编辑“" in page
    tsv = client.get(bulk_url(record, "expenditure") + "?format=tsv")
    assert tsv["Content-Type"].startswith("text/tab-separated-values")
    text = tsv.content.decode()
    lines = text.splitlines()
    assert lines[0].split("\t")[:3] == ["功能分类科目编码", "科目名称", "资金来源"]
    assert len(lines) == 1 + len(content(record)["expenditure"])
    assert "一般公共预算财政拨款" in lines[1]  # the fund by its Chinese name
    shown = preview(client, record, "expenditure", text)
    assert shown.status_code == 200
    assert "与当前版本相同" in shown.content.decode()
    assert save(client, record, "expenditure", text).status_code == 302
    assert versions(record) == 1


def test_pasted_rows_replace_the_table_after_a_preview(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    before = content(record)
    client.force_login(world.users["unit_a"])
    # As Excel copies: a header line, amounts with separators, CRLF line ends, a blank line.
    # The header names the columns copied, in the order copied.
    text = ("一般公共预算财政拨款收入\t功能分类科目编码\t政府性基金预算财政拨款收入\r\n"
            "1,511.89\t2010601\t\r\n\r\n300\t2010602\t\r\n")
    shown = preview(client, record, "income", text)
    html = shown.content.decode()
    assert shown.status_code == 200 and "预览：保存后的改动（尚未保存）" in html
    assert f"由 {len(before['income'])} 行变为 2 行" in html
    assert versions(record) == 1  # a preview saves nothing
    response = save(client, record, "income", text)
    assert response.status_code == 302 and response["Location"] == f"/desk/f/{record.pk}/edit/income/"
    after = content(record)
    assert after["income"][0]["code"] == "2010601" and after["income"][0]["general_budget"] == "1511.89"
    assert after["income"][1]["general_budget"] == "300"
    assert {k: v for k, v in after.items() if k != "income"} == {k: v for k, v in before.items() if k != "income"}
    assert record.current.note.startswith("批量编辑“")


def test_changed_text_after_the_preview_is_previewed_again(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    values = form_values(preview(client, record, "income", "2010601\t1\n").content.decode(), "bulk-form")
    values["text"] = "2010601\t2\n"
    again = client.post(bulk_url(record, "income"), {**values, "_save": "1"})
    assert again.status_code == 200 and "预览后文本框的内容或方式有改动，没有保存" in again.content.decode()
    assert versions(record) == 1


def test_rows_appended_to_20000(client: Any, world: Any) -> None:
    from juesuan.web.filings import services

    record = services.create_record(world.units["a"], 2024, huge_filing(20_000), world.users["unit_a"])
    before = content(record)["expenditure"]
    client.force_login(world.users["unit_a"])
    page = client.get(bulk_url(record, "expenditure"))
    assert page.status_code == 200 and len(page.content) < 200_000
    text = "2010601\t\t非财政拨款资金\t\t12.50\n2010602\t\tnon_fiscal\t3\t\n"
    shown = preview(client, record, "expenditure", text, mode="append")
    assert "由 20000 行变为 20002 行" in shown.content.decode()
    assert save(client, record, "expenditure", text, mode="append").status_code == 302
    after = content(record)["expenditure"]
    assert after[:20_000] == before
    assert after[20_000:] == [{"code": "2010601", "fund": "non_fiscal", "project": "12.50"},
                              {"code": "2010602", "fund": "non_fiscal", "basic": "3"}]


def test_problems_name_the_pasted_line(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    text = "功能分类科目编码\t一般公共预算财政拨款收入\n2010601\t1\n2010602\t四百\n20106\t1\t2\t3\n"
    response = preview(client, record, "income", text)
    html = response.content.decode()
    assert response.status_code == 400 and "第 4 行有 4 栏，应为不超过 2 栏" in html
    response = preview(client, record, "income", "功能分类科目编码\t收入合计\n2010601\t1\n")
    assert response.status_code == 400 and "“收入合计”不是本表的栏目" in response.content.decode()
    response = preview(client, record, "income", "2010601\t\t1\n2010602\t\t四百\n")
    html = response.content.decode()
    assert response.status_code == 400 and "粘贴的第 2 行" in html and "“四百”不是数字金额" in html
    empty = preview(client, record, "income", "\n\n")
    assert empty.status_code == 400 and "没有读到任何行" in empty.content.decode()
    assert versions(record) == 1


def test_a_stale_bulk_edit_is_a_conflict(client: Any, world: Any, make_record: Any) -> None:
    from juesuan.web.filings import services

    record = make_record("a")
    client.force_login(world.users["unit_a"])
    values = form_values(preview(client, record, "income", "2010601\t1\n").content.decode(), "bulk-form")
    changed = services.filing_of(record.current).model_copy(update={"surplus_distribution": Decimal("1")})
    services.save_version(record, changed, world.users["admin"], base=1)
    response = client.post(bulk_url(record, "income"), {**values, "_save": "1"})
    html = response.content.decode()
    assert response.status_code == 409 and "您编辑的是第 1 版" in html
    assert "2010601\t1" in html  # the pasted text is still there
    assert versions(record) == 2


def test_sections_without_a_table_have_no_bulk_page(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    assert client.get(bulk_url(record, "three-public")).status_code == 404
    assert client.get(bulk_url(record, "operating-costs")).status_code == 404


def test_reasons_pairs_round_trip_and_keys_stay_unique() -> None:
    ref = paging.lists_of(SECTION_BY_SLUG["reasons"])[0]
    value = {"2010601": "人员变动。\n第二段。", "2010602": "项目增加。"}
    text = bulk.to_tsv(ref, value)
    reading = bulk.read_tsv(ref, text)
    assert reading.problems == [] and reading.value == value and reading.lines == [2, 4]
    again = bulk.read_tsv(ref, "2010601\t甲\n2010601\t乙\n")
    assert again.problems == ["第 2 行：科目编码“2010601”重复（第 1 行已有），同一科目编码只能填一行"]
    _, problems = bulk.apply({"reasons": {"items": value}}, ref, bulk.read_tsv(ref, "2010602\t又一条\n"),
                             "append")
    assert problems == ["第 1 行：科目编码“2010602”表中已有，同一科目编码只能填一行"]
