"""Editing a 20,000-row filing from the browser: long lists are edited a page at a time.

Each page's form carries only its rows, the version it was opened on and the page's
identity; saving puts the page back into the whole list of that version. The pages stay
small, a page saves exactly what was changed on it, a stale page is a conflict, and a form
with more fields than the server takes is answered in Chinese with nothing saved.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.web.huge import huge_filing
from tests.web.test_editor import content, form_values, section_url, versions

from juesuan.filing.model import Filing
from juesuan.web.diff import diff
from juesuan.web.filings import paging
from juesuan.web.filings.forms_schema import SECTION_BY_SLUG, SECTIONS, from_form, to_form

pytestmark = pytest.mark.django_db

ROWS = 20_000
PAGE_57 = "11200-11399"  # rows 11,201–11,400 of the saved list


@pytest.fixture
def huge(world: Any) -> Any:
    """Unit A's 2024 filing with 20,000 支出 rows (version 1)."""
    from juesuan.web.filings import services

    filing = huge_filing(ROWS)
    assert len(filing.expenditure) == ROWS
    return services.create_record(world.units["a"], 2024, filing, world.users["unit_a"])


def expenditure(record: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = content(record)["expenditure"]
    return rows


def page(client: Any, record: Any, query: str = "?page=57", slug: str = "expenditure") -> str:
    response = client.get(section_url(record, slug) + query)
    assert response.status_code == 200
    return str(response.content.decode())


# --- the pages are small --------------------------------------------------------------------------------


def test_every_section_of_a_20000_row_filing_opens_small_and_quickly(client: Any, world: Any, huge: Any) -> None:
    client.force_login(world.users["unit_a"])
    client.get(section_url(huge, "basic"))  # the saved version's checks are built once, then cached
    sizes: dict[str, tuple[int, float]] = {}
    for section in SECTIONS:
        start = time.perf_counter()
        response = client.get(section_url(huge, section.slug))
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, section.slug
        sizes[section.slug] = (len(response.content), elapsed)
        assert len(response.content) < 1_000_000, (section.slug, len(response.content))
        assert elapsed < 10, (section.slug, elapsed)
    print("\n" + "\n".join(f"{slug}: {size / 1024:.0f} KB, {t:.2f} s" for slug, (size, t) in sizes.items()))
    html = page(client, huge, "")
    values = form_values(html)
    assert values["_shown.expenditure"] == "0-199"
    assert sum(1 for k in values if k.endswith("._row")) == paging.PAGE_SIZE
    assert len(values) < 2_500  # far below the 20,000 fields a request may carry
    assert "共 20,000 行。第 1 / 100 页（第 1–200 行）" in html
    # The check panel counts every finding but lists at most PANEL_FINDINGS of them.
    listed = re.findall(r'<li class="(?:error|warning|info)"><strong>', html)
    assert 0 < len(listed) <= 100
    assert "全部结果见" in html


def test_page_57_shows_its_rows_under_their_numbers(client: Any, world: Any, huge: Any) -> None:
    client.force_login(world.users["unit_a"])
    html = page(client, huge)
    values = form_values(html)
    assert values["_shown.expenditure"] == PAGE_57
    rows = sorted(int(k.split(".")[1]) for k in values if k.startswith("expenditure.") and k.endswith("._row"))
    assert rows == list(range(11200, 11400))
    assert values["expenditure.11250.project"] == str(huge_filing(ROWS).expenditure[11250].project)
    assert '<th scope="row" class="n">11251</th>' in html
    assert "第 57 / 100 页（第 11,201–11,400 行）" in html
    assert f'href="/desk/f/{huge.pk}/edit/expenditure/?page=58"' in html
    assert f'action="/desk/f/{huge.pk}/edit/expenditure/?page=57"' in html
    # Pages past the end show the last page.
    assert "第 100 / 100 页" in page(client, huge, "?page=999")


# --- saving a page --------------------------------------------------------------------------------------


def test_editing_a_row_on_page_57_changes_exactly_that_row(client: Any, world: Any, huge: Any) -> None:
    before = content(huge)
    client.force_login(world.users["unit_a"])
    values = form_values(page(client, huge))
    values["expenditure.11250.project"] = "7,777.77"
    start = time.perf_counter()
    response = client.post(section_url(huge, "expenditure") + "?page=57", values)
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == section_url(huge, "expenditure") + "?page=57"
    assert elapsed < 20, elapsed
    after = content(huge)
    assert versions(huge) == 2
    assert _only_row_changed(before, after, 11250)
    changes = diff(before, after)
    assert [(c.before, c.after) for c in changes] == [(before["expenditure"][11250]["project"], "7777.77")]
    assert changes[0].path.startswith("expenditure[") and changes[0].path.endswith("].project")
    assert after["expenditure"][11250]["project"] == "7777.77"
    shown = client.get(response["Location"]).content.decode()
    assert "已保存“支出”第 57 页，为第 2 版" in shown


def _only_row_changed(before: dict[str, Any], after: dict[str, Any], index: int) -> bool:
    """Everything equal but row ``index`` of 支出 (which differs)."""
    old, new = before["expenditure"], after["expenditure"]
    rest_equal = {k: v for k, v in before.items() if k != "expenditure"} == {
        k: v for k, v in after.items() if k != "expenditure"}
    return (rest_equal and len(old) == len(new) and old[index] != new[index]
            and old[:index] == new[:index] and old[index + 1:] == new[index + 1:])


def test_rows_are_added_and_deleted_on_a_page(client: Any, world: Any, huge: Any) -> None:
    before = expenditure(huge)
    client.force_login(world.users["unit_a"])
    values = form_values(page(client, huge))
    # 增加一行 without scripts: the page gets a blank new row after its last, numbered "新".
    grown = client.post(section_url(huge, "expenditure") + "?page=57", {**values, "_add": "expenditure"})
    assert grown.status_code == 200 and versions(huge) == 1
    grown_html = grown.content.decode()
    assert '<th scope="row" class="n">新</th>' in grown_html
    values = form_values(grown_html)
    assert values["expenditure.11400.code"] == "" and "expenditure.11400._row" not in values
    values.update({"expenditure.11205._delete": "on", "expenditure.11399._delete": "on",
                   "expenditure.11400.code": "2010601", "expenditure.11400.fund": "non_fiscal",
                   "expenditure.11400.project": "1.23"})
    response = client.post(section_url(huge, "expenditure") + "?page=57", values)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = {"code": "2010601", "fund": "non_fiscal", "project": "1.23"}
    assert expenditure(huge) == before[:11205] + before[11206:11399] + [new] + before[11400:]


def test_a_filtered_page_saves_its_scattered_rows(client: Any, world: Any, huge: Any) -> None:
    before = expenditure(huge)
    client.force_login(world.users["unit_a"])
    html = page(client, huge, "?q=2080505")
    values = form_values(html)
    matching = [i for i, r in enumerate(before) if r["code"].startswith("2080505")]
    assert 1 < len(matching) <= paging.PAGE_SIZE
    assert paging.decode(values["_shown.expenditure"]) == tuple(matching)
    assert f"筛选“2080505”得 {len(matching)} 行" in html
    # By the name of the 科目 too (the rows have no name of their own).
    assert paging.decode(form_values(page(client, huge, "?q=机关事业单位基本养老保险缴费"))["_shown.expenditure"]) == \
        tuple(matching)
    target = matching[len(matching) // 2]
    values[f"expenditure.{target}.project"] = "0.01"
    values[f"expenditure.{matching[-1]}._delete"] = "on"
    response = client.post(section_url(huge, "expenditure") + "?page=1&q=2080505", values)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("?page=1&q=2080505")
    expected = [dict(r) for r in before]
    expected[target]["project"] = "0.01"
    del expected[matching[-1]]
    assert expenditure(huge) == expected
    nothing = page(client, huge, "?q=没有这样的科目")
    assert "没有符合筛选条件的行" in nothing and 'name="_shown.expenditure" value=""' in nothing


def test_a_stale_page_is_a_conflict_and_nothing_is_lost(client: Any, world: Any, huge: Any) -> None:
    from django.test import Client

    client.force_login(world.users["unit_a"])
    mine = form_values(page(client, huge))
    other = Client()
    other.force_login(world.users["admin"])
    theirs = form_values(page(other, huge, "?page=3"))
    theirs["expenditure.450._delete"] = "on"  # shifts every later row by one
    assert other.post(section_url(huge, "expenditure") + "?page=3", theirs).status_code == 302
    saved = content(huge)
    mine["expenditure.11250.project"] = "4321.00"
    response = client.post(section_url(huge, "expenditure") + "?page=57", mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert "已由 admin" in html and "保存为第 2 版（您编辑的是第 1 版）" in html
    assert 'value="4321.00"' in html  # the editor's work is still in the form
    assert versions(huge) == 2 and content(huge) == saved


def test_a_page_without_all_its_rows_is_refused(client: Any, world: Any, huge: Any) -> None:
    client.force_login(world.users["unit_a"])
    values = form_values(page(client, huge))
    cut = {k: v for k, v in values.items() if not k.startswith(("expenditure.113", "expenditure.112"))}
    response = client.post(section_url(huge, "expenditure") + "?page=57", cut)
    assert response.status_code == 400
    assert "没有随表单提交，为免误删，本次未保存" in response.content.decode()
    bad = client.post(section_url(huge, "expenditure") + "?page=57", {**values, "_shown.expenditure": "9-3"})
    assert bad.status_code == 400 and "分页标识无效" in bad.content.decode()
    beyond = client.post(section_url(huge, "expenditure"), {**values, "_shown.expenditure": "11200-11399,25000",
                                                           "expenditure.25000._row": "1"})
    assert beyond.status_code == 400 and "页面已过期" in beyond.content.decode()
    # Without its identity a page would replace 20,000 rows by its 200: refused.
    bare = {k: v for k, v in values.items() if k != "_shown.expenditure"}
    response = client.post(section_url(huge, "expenditure"), bare)
    assert response.status_code == 400 and "提交的表单没有分页标识，为免误删其他页的行" in response.content.decode()
    assert versions(huge) == 1


def test_a_problem_on_a_page_is_shown_beside_its_field(client: Any, world: Any, huge: Any) -> None:
    client.force_login(world.users["unit_a"])
    values = form_values(page(client, huge))
    values["expenditure.11201._delete"] = "on"  # later rows move up in the data, not in the form
    values["expenditure.11300.project"] = "三百"
    response = client.post(section_url(huge, "expenditure") + "?page=57", values)
    html = response.content.decode()
    assert response.status_code == 200 and versions(huge) == 1
    cell = re.search(r'name="expenditure\.11300\.project"[^>]*>(.*?)</td>', html, re.S)
    assert cell is not None and "“三百”不是数字金额" in cell.group(1)
    assert 'name="_shown.expenditure" value="11200-11399"' in html  # the page can be saved again


def test_live_check_of_a_page(client: Any, world: Any, huge: Any) -> None:
    client.force_login(world.users["unit_a"])
    values = form_values(page(client, huge))
    values["expenditure.11250.project"] = "1.00"
    response = client.post(section_url(huge, "expenditure") + "check/", values, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200 and "按未保存的修改检查" in fragment
    assert len(response.content) < 200_000
    assert len(re.findall(r'<li class="(?:error|warning|info)">', fragment)) <= 100
    values["expenditure.11250.project"] = "一元"
    fragment = client.post(section_url(huge, "expenditure") + "check/", values).content.decode()
    assert "“一元”不是数字金额" in fragment
    assert versions(huge) == 1


# --- too much at once -----------------------------------------------------------------------------------


def test_too_many_fields_get_a_chinese_page_and_nothing_is_saved(client: Any, world: Any, huge: Any,
                                                                 settings: Any) -> None:
    client.force_login(world.users["unit_a"])
    limit = int(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    values = {"_base": "1", **{f"expenditure.{i}.project": "1" for i in range(limit + 1)}}
    response = client.post(section_url(huge, "expenditure"), values)
    html = response.content.decode()
    assert response.status_code == 400
    assert "提交的栏目太多，未保存" in html and f"最多接收 {limit} 个" in html and "没有保存任何内容" in html
    assert "Bad Request" not in html
    assert f'href="{section_url(huge, "expenditure")}"' in html
    assert versions(huge) == 1


def test_too_large_a_body_gets_a_chinese_page(client: Any, world: Any, huge: Any, settings: Any) -> None:
    client.force_login(world.users["unit_a"])
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client.post(section_url(huge, "basic"), "department.name=" + "x" * (1024 * 1024 + 10),
                           content_type="application/x-www-form-urlencoded")
    html = response.content.decode()
    assert response.status_code == 400 and "提交的内容太大，未保存" in html and "1 MB" in html
    assert versions(huge) == 1


def test_the_editor_page_says_how_many_fields_the_server_takes(client: Any, world: Any, huge: Any,
                                                                settings: Any) -> None:
    client.force_login(world.users["unit_a"])
    html = page(client, huge, "")
    assert f'data-max-fields="{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}"' in html
    assert "data-fields-limit" in html


# --- the same paging on short lists (a small page size) ------------------------------------------------------


def test_short_lists_are_one_page_as_before(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    html = client.get(section_url(record, "income")).content.decode()
    assert "_shown." not in html and 'class="pager"' not in html
    assert '<th scope="row" class="n">11</th>' in html


def test_pages_of_income_with_a_small_page_size(client: Any, world: Any, make_record: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)
    record = make_record("a")
    before = content(record)["income"]
    client.force_login(world.users["unit_a"])
    values = form_values(client.get(section_url(record, "income") + "?page=2").content.decode())
    assert values["_shown.income"] == "4-7"
    values["income.5._delete"] = "on"
    values.update({"income.8.code": "2010650", "income.8.general_budget": "9.99"})
    assert client.post(section_url(record, "income") + "?page=2", values).status_code == 302
    income = content(record)["income"]
    assert income == before[:5] + before[6:8] + [{"code": "2010650", "general_budget": "9.99"}] + before[8:]


def test_pages_of_reasons_keep_keys_unique_across_pages(client: Any, world: Any, make_record: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    record = make_record("a")
    before = content(record)["reasons"]["items"]
    assert len(before) > 2
    keys = list(before)
    client.force_login(world.users["unit_a"])
    values = form_values(client.get(section_url(record, "reasons") + "?page=2").content.decode())
    assert values["_shown.reasons.items"] == "2-3"
    values["reasons.items.2.key"] = keys[0]  # on page 1
    html = client.post(section_url(record, "reasons") + "?page=2", values).content.decode()
    assert versions(record) == 1
    assert f"“{keys[0]}”重复（第 1 行已有，不在本页）" in html
    values["reasons.items.2.key"] = keys[2]
    values["reasons.items.2.value"] = "新的原因。"
    assert client.post(section_url(record, "reasons") + "?page=2", values).status_code == 302
    after = content(record)["reasons"]["items"]
    assert list(after) == keys and after[keys[2]] == "新的原因。"
    assert {k: v for k, v in after.items() if k != keys[2]} == {k: v for k, v in before.items() if k != keys[2]}


def test_pages_of_project_cards(client: Any, world: Any, make_record: Any, suizhou_filing: Filing,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    record = make_record("a", year=2020, filing=suizhou_filing)
    before = content(record)["performance"]
    assert len(before["projects"]) > 2
    client.force_login(world.users["unit_a"])
    url = section_url(record, "performance") + "?page=2"
    values = form_values(client.get(url).content.decode())
    assert values["_shown.performance.projects"] == "1"
    name = "performance.projects.1.indicators.0.name"
    values[name] = ""  # required: the problem is shown beside the field of the second project
    html = client.post(url, values).content.decode()
    assert versions(record) == 1
    field = re.search(r'name="performance\.projects\.1\.indicators\.0\.name"[^>]*>(.*?)</div>', html, re.S)
    assert field is not None and "不能为空" in field.group(1)
    values[name] = "改过的指标名称"
    assert client.post(url, values).status_code == 302
    after = content(record)["performance"]
    assert after["projects"][1]["indicators"][0]["name"] == "改过的指标名称"
    assert [p for i, p in enumerate(after["projects"]) if i != 1] == [
        p for i, p in enumerate(before["projects"]) if i != 1]
    assert {k: v for k, v in after.items() if k != "projects"} == {k: v for k, v in before.items() if k != "projects"}


# --- the pure parts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("indices", "text"), [((), ""), ((5,), "5"), ((0, 1, 2), "0-2"),
                                               ((3, 17, 25, 26, 27), "3,17,25-27")])
def test_identities_are_ranges(indices: tuple[int, ...], text: str) -> None:
    assert paging.encode(indices) == text
    assert paging.decode(text) == indices


@pytest.mark.parametrize("text", ["a", "3-1", "5,5", "5,3", "-1", "1-", "1234567", "0-5000", "1," * 5000])
def test_malformed_identities_are_refused(text: str) -> None:
    assert paging.decode(text) is None


def test_merging_a_page_into_the_list() -> None:
    section = SECTION_BY_SLUG["basic-economic"]
    saved = {"basic_economic": [{"code": f"301{i:02d}", "amount": str(i)} for i in range(1, 11)]}
    shown = {"basic_economic": (3, 4, 5)}
    values = to_form(section.nodes, saved, shown=shown)
    values["basic_economic.4.amount"] = "44"
    values["basic_economic.5._delete"] = "on"
    values.update({"basic_economic.6.code": "30199", "basic_economic.6.amount": "1"})
    values["_shown.basic_economic"] = "3-5"
    parsed = from_form(section.nodes, values)
    assert paging.merge_pages(saved, parsed, section, shown, values) == []
    rows = saved["basic_economic"]
    assert parsed.data["basic_economic"] == [*rows[:4], {"code": "30105", "amount": "44"},
                                             {"code": "30199", "amount": "1"}, *rows[6:]]
    # Problems of merged rows point at the fields of the page: the new row is form row 6.
    assert parsed.form_path(("basic_economic", 5, "code")) == "basic_economic.6.code"
    assert parsed.form_path(("basic_economic", 4, "amount")) == "basic_economic.4.amount"
    assert parsed.form_path(("basic_economic", 9, "code")) == "basic_economic.9.code"  # not on the page



@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_merged_page_changes_only_its_rows(data: Any) -> None:
    """Whatever page, whatever is changed, deleted or added on it: the rows not on the page
    stay as saved and in order, the page's rows become what was posted, new rows follow the
    page's last row."""
    count = data.draw(st.integers(min_value=0, max_value=30))
    shown = sorted(data.draw(st.sets(st.integers(min_value=0, max_value=count - 1), max_size=count))) if count else []
    section = SECTION_BY_SLUG["basic-economic"]
    rows = [{"code": f"30{i:03d}", "amount": str(i)} for i in range(count)]
    saved = {"basic_economic": rows}
    values = to_form(section.nodes, saved, shown={"basic_economic": shown})
    page: dict[int, dict[str, str] | None] = {}
    for i in shown:
        action = data.draw(st.sampled_from(["keep", "edit", "delete"]))
        if action == "delete":
            values[f"basic_economic.{i}._delete"] = "on"
            page[i] = None
        elif action == "edit":
            values[f"basic_economic.{i}.amount"] = f"{i}.5"
            page[i] = {"code": rows[i]["code"], "amount": f"{i}.5"}
        else:
            page[i] = rows[i]
    start = (shown[-1] + 1) if shown else 0
    added = [{"code": "30199", "amount": str(900 + k)} for k in range(data.draw(st.integers(0, 3)))]
    for k, row in enumerate(added):
        values[f"basic_economic.{start + k}.code"] = row["code"]
        values[f"basic_economic.{start + k}.amount"] = row["amount"]
    parsed = from_form(section.nodes, values)
    assert paging.merge_pages(saved, parsed, section, {"basic_economic": tuple(shown)}, values) == []
    expected: list[dict[str, str]] = []
    for i, row in enumerate(rows):
        if i in page:
            kept = page[i]
            if kept is not None:
                expected.append(kept)
        else:
            expected.append(row)
        if shown and i == shown[-1]:
            expected += added
    if not shown:
        expected += added
    assert parsed.data["basic_economic"] == expected
