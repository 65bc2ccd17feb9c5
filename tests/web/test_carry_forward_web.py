"""新建填报 › 由上年度填报生成: the new year brings last year's rows, 年初结转和结余, 预算数
codes and 基本支出经济分类 款 with every amount empty, the check panel warns of no change
against last year, and the page proposes this start when last year's filing exists."""

from __future__ import annotations

import datetime
import re
from typing import Any

from tests.web.conftest import PUBLISHED
from tests.web.test_editor import form_values, section_url

from juesuan.filing.model import Filing
from juesuan.web.filings.forms_schema import SECTIONS


def content(record: Any) -> Any:
    from juesuan.web.filings import services

    record.refresh_from_db()
    return services.version_data(record.current)


def checked_start(page: str) -> str:
    [value] = re.findall(r'<input type="radio" name="start" value="(\w+)" checked>', page)
    return value


def test_a_new_year_from_last_year_brings_the_rows(client: Any, world: Any, make_record: Any,
                                                  shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services
    from juesuan.web.filings.models import FilingRecord

    make_record("a", year=2024, filing=shanghai_filing, steps=PUBLISHED)
    client.force_login(world.users["unit_a"])
    form = {"unit": world.units["a"].pk, "year": "2025", "start": "prior"}
    response = client.post("/desk/new/", form, follow=True)
    assert response.status_code == 200
    record = FilingRecord.objects.get(unit=world.units["a"], year=2025)
    data = content(record)
    assert [row["code"] for row in data["income"]] == [row.code for row in shanghai_filing.income]
    assert ([(row["code"], row.get("fund", "general_budget")) for row in data["expenditure"]]
            == [(row.code, row.fund.value) for row in shanghai_filing.expenditure])
    # no amount is carried: a row is its code, name and fund only
    assert all(set(row) <= {"code", "name"} for row in data["income"])
    assert all(set(row) <= {"code", "name", "fund"} for row in data["expenditure"])
    # 年初结转和结余 = 2024 年末: 一般公共预算 21.63, 非财政拨款 33.71
    assert data["carry_over"] == [{"fund": "general_budget", "opening": "21.63"},
                                  {"fund": "non_fiscal", "opening": "33.71"}]
    assert [item["code"] for item in data["budget"]["items"]] == [
        row.code for row in shanghai_filing.expenditure]
    assert all(set(item) <= {"code", "fund"} for item in data["budget"]["items"])
    assert data["prior_year"]["grand_total"] == "2995.40"
    # 基本支出经济分类: last year's 款, 决算数 empty (not 0)
    assert ([row["code"] for row in data["basic_economic"]]
            == [row.code for row in shanghai_filing.basic_economic])
    assert all(set(row) <= {"code", "name"} for row in data["basic_economic"])
    assert "reasons" not in data and "notices" not in data
    note = record.current.note
    assert note == ("由 2024 年度填报第 1 版生成，带入收入科目 11 行、支出科目 11 行、"
                    f"经济分类科目 {len(shanghai_filing.basic_economic)} 行、年初结转和结余 2 行、预算科目 11 项")
    assert f"已新建 单位A 2025 年度填报（{note}）。" in response.content.decode()
    # the check panel: nothing about a change against 2024 before the year's figures are entered
    findings = services.check(services.filing_of(record.current))
    assert findings, "the balances and the 情况说明's needs are still listed"
    assert not [f for f in findings if f.rule == "N.reason-missing" or "较2024年度" in f.message]


def test_every_section_of_the_new_year_opens_and_keeps_the_empty_amounts(
        client: Any, world: Any, make_record: Any, suizhou_filing: Filing) -> None:
    """随州 2020 → 2021, with its 绩效自评 projects as drafts: each section saved as shown writes
    no new version (an empty amount stays empty, never 0)."""
    from juesuan.web.filings.models import FilingRecord

    make_record("a", year=2020, filing=suizhou_filing)
    client.force_login(world.users["unit_a"])
    client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2021", "start": "prior"})
    record = FilingRecord.objects.get(unit=world.units["a"], year=2021)
    before = content(record)
    assert suizhou_filing.performance is not None
    assert ([p["name"] for p in before["performance"]["projects"]]
            == [p.name for p in suizhou_filing.performance.projects])
    assert before["carry_over"] == [{"fund": "general_budget", "opening": "6.30"}]
    for section in SECTIONS:
        page = client.get(section_url(record, section.slug))
        assert page.status_code == 200, section.slug
        values = form_values(page.content.decode())
        response = client.post(section_url(record, section.slug), values)
        assert response.status_code == 302, (section.slug, response.content.decode()[:2000])
    assert record.versions.count() == 1
    assert content(record) == before


def test_the_page_proposes_last_year_when_there_is_one(client: Any, world: Any, make_record: Any,
                                                       shanghai_filing: Filing) -> None:
    last_year = datetime.date.today().year - 2  # the page proposes last year's 决算 (today − 1)
    client.force_login(world.users["unit_a"])
    page = client.get("/desk/new/").content.decode()
    assert checked_start(page) == "empty" and 'id="last-year-units"' not in page
    make_record("a", year=last_year, filing=shanghai_filing)
    page = client.get("/desk/new/").content.decode()
    assert checked_start(page) == "prior"
    assert "由上年度填报生成（带入收支科目、经济分类科目、年初结转和结余、预算科目" in page
    assert f"{last_year} 年度已有填报、可由上年度生成 {last_year + 1} 年度填报的单位：单位A" in page


def test_with_several_units_the_page_names_those_with_last_years_filing(
        client: Any, world: Any, make_record: Any, shanghai_filing: Filing) -> None:
    last_year = datetime.date.today().year - 2
    make_record("b", year=last_year, filing=shanghai_filing)
    client.force_login(world.users["admin"])
    page = client.get("/desk/new/").content.decode()
    assert checked_start(page) == "empty"  # which unit is not chosen yet
    assert f"可由上年度生成 {last_year + 1} 年度填报的单位：单位B</p>" in page


def test_without_last_years_filing_the_start_says_so(client: Any, world: Any) -> None:
    client.force_login(world.users["unit_a"])
    form = {"unit": world.units["a"].pk, "year": "2025", "start": "prior"}
    page = client.post("/desk/new/", form)
    assert page.status_code == 400
    assert "没有找到 单位A 2024 年度的填报，无法由上年度生成" in page.content.decode()
