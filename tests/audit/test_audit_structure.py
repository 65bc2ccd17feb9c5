"""Recognising a report's cover, 目录, parts, sections and table titles."""

from __future__ import annotations

import pytest

from juesuan.audit.source import from_text
from juesuan.audit.structure import (
    chinese_int,
    closest_title,
    match_title,
    named,
    recognise,
)


@pytest.mark.parametrize(("text", "number"), [
    ("收入支出决算总表", 1),
    ("表1 收入支出决算总表", 1),
    ("表1：收入支出决算总表", 1),
    ("公开01表 收入支出决算总表", 1),
    ("收入支出决算总表（公开01表）", 1),
    ("一、收入支出决算总表", 1),
    ("上海市XX局2024年度收入支出决算总表", 1),
    ("收 入 支 出 决 算 总 表", 1),
    ("财政拨款收入支出决算总表", 4),  # the longest title it ends with
    ("附表3 支出决算表", 3),
    ("财政拨款收支决算总表", 4),  # 收支 for 收入支出
    ("（二）收入决算表", 2),
    ("一般公共预算财政拨款基本支出决算明细表", 6),  # Guangdong
    ('财政拨款"三公"经费支出决算表', 7),
    ("一般公共预算财政拨款“三公”经费支出决算表", 7),  # central 2020
    ("国有资本经营预算财政拨款支出决算表", 9),  # central 2020
    ("国有资本经营预算财政拨款收入支出决算表", 9),  # Shanghai 2024
])
def test_titles_and_their_variants(text: str, number: int) -> None:
    found = match_title(text)
    assert found is not None and found[0] == number


@pytest.mark.parametrize("text", [
    "三、支出决算情况说明",
    "第二部分上海市XX局2024年度部门决算表",
    "本表反映部门本年度各项支出情况，详见收入支出决算总表",
    "收入支出决算总表说明",
])
def test_lines_that_are_not_titles(text: str) -> None:
    assert match_title(text) is None


def test_a_wrong_character_resembles_its_title() -> None:
    best = closest_title("收人支出决算总表")
    assert best is not None and best[0] == 1 and best[2] >= 0.75
    best = closest_title("表6 一般公共预算财政拨款基本支出决算衣")
    assert best is not None and best[0] == 6


@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("二十六", 26), ("", None),
    ("零", None), ("十十", None), ("一二", None),
])
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert chinese_int(text) == value


@pytest.mark.parametrize(("text", "name", "year"), [
    ("上海市普陀区财政局2024年度部门决算表", "上海市普陀区财政局", 2024),
    ("上海市普陀区财政局2024年度部门决算情况说明", "上海市普陀区财政局", 2024),
    ("上海市普陀区财政局概况", "上海市普陀区财政局", None),
    ("部门概况", None, None),  # the central template: no name
    ("2020年度部门决算表", None, 2020),
    ("名词解释", None, None),
])
def test_what_a_heading_names(text: str, name: str | None, year: int | None) -> None:
    assert named(text) == (name, year)


REPORT = """\
网站导航 首页 > 信息公开
中共某某市
某某区委员会
办公室2021 年度
部门决算
目
录
第一部分 部门概况
一、主要职能
第二部分 2021年度部门决算表
一、收入支出决算总表
二、收入决算
表
第三部分 中共某某市某某区委员会办公室2021年度部门决算情况说
明
一、收入支出决算总体情况说明
第一部分
部门概况
一、主要职能
负责日常工作。
第二部分
2021年度部门决算表
表1
收入支出决算
总表
单位：万元
项目 | 决算数 | 项目 | 决算数
一、一般公共预算财政拨款收入 | 10.00 | 一、一般公共服务支出 | 10.00
本年收入合计 | 10.00 | 本年支出合计 | 10.00
总计 | 10.00 | 总计 | 10.00
收人决算表
单位：元
项目 | 本年收入合计 | 财政拨款收入
合计 | 100,000.00 | 100,000.00
第三部分 中共某某市某某区委员会办公室2021年度部门决算情况说明
一、收入支出决算总体情况说明
收入支出总计10.00万元。
"""


@pytest.fixture(scope="module")
def structure():  # type: ignore[no-untyped-def]
    return recognise(from_text(REPORT, "r.txt"))


def test_cover_over_several_lines_after_other_text(structure) -> None:  # type: ignore[no-untyped-def]
    assert structure.cover.department == "中共某某市某某区委员会办公室"
    assert structure.cover.year == 2021
    assert structure.cover.place.line == 2
    assert structure.start == 1  # the site navigation before the cover is not the report


def test_toc_with_wrapped_entries(structure) -> None:  # type: ignore[no-untyped-def]
    assert structure.toc_place.text == "目录"
    entries = [(e.kind, e.number, e.part, e.text) for e in structure.toc]
    assert entries == [
        ("part", 1, 1, "部门概况"),
        ("item", 1, 1, "主要职能"),
        ("part", 2, 2, "2021年度部门决算表"),
        ("item", 1, 2, "收入支出决算总表"),
        ("item", 2, 2, "收入决算表"),
        ("part", 3, 3, "中共某某市某某区委员会办公室2021年度部门决算情况说明"),
        ("item", 1, 3, "收入支出决算总体情况说明"),
    ]


def test_body_headings_parts_and_sections(structure) -> None:  # type: ignore[no-untyped-def]
    found = [(h.kind, h.number, h.part, h.text, h.name, h.year, h.in_toc) for h in structure.headings]
    assert found == [
        ("part", 1, None, "部门概况", None, None, True),
        ("section", 1, 1, "主要职能", None, None, True),
        ("part", 2, None, "2021年度部门决算表", None, 2021, True),
        ("part", 3, None, "中共某某市某某区委员会办公室2021年度部门决算情况说明",
         "中共某某市某某区委员会办公室", 2021, True),
        ("section", 1, 3, "收入支出决算总体情况说明", None, None, True),
    ]


def test_tables_wrapped_titles_typos_and_units(structure) -> None:  # type: ignore[no-untyped-def]
    tables = [(t.number, t.title.official, t.title.typo, t.title.place.line, t.unit, len(t.grids))
              for t in structure.tables]
    assert tables == [
        (1, "收入支出决算总表", False, 23, "万元", 1),
        (2, "收入决算表", True, 31, "元", 1),
    ]
    assert structure.tables[0].title.place.text == "表1收入支出决算总表"
    assert structure.tables[0].header == (("项目", "决算数", "项目", "决算数"),)
    assert structure.tables[0].unit_place.line == 26


def test_section_of_a_line(structure) -> None:  # type: ignore[no-untyped-def]
    assert structure.section_of(29) == "表1 收入支出决算总表"
    assert structure.section_of(39) == "一、收入支出决算总体情况说明"
    assert structure.section_of(3) is None


def test_nothing_recognisable_is_no_crash() -> None:
    s = recognise(from_text("随便一段文字\n没有表格。\n", "x.txt"))
    assert (s.cover.department, s.cover.year, s.toc, s.tables, s.headings) == (None, None, (), (), ())
    assert s.department is None and s.year is None
    s = recognise(from_text("", "empty.txt"))
    assert s.tables == ()


CENTRAL = """\
某某市某某局2020年度部门决算
目录
第一部分 部门概况
一、部门主要职责
第二部分 2020年度部门决算情况说明
一、收入支出决算总体情况说明
第三部分 2020年度部门决算表
一、政府性基金预算财政拨款收入支出决算表
第一部分 部门概况
一、部门主要职责
负责某某工作。
第二部分 2020年度部门决算情况说明
一、收入支出决算总体情况说明
收入支出总计10.00万元。
第三部分 2020年度部门决算表
政府性基金预算财政拨款收入支出决算表
单位：万元
项目 |  | 年初结转和结余 | 本年收入 | 本年支出 |  |  | 年末结转和结余
科目编码 | 科目名称 |  |  | 合计 | 基本支出 | 项目支出 |
合计 |  |  |  |  |  |  |
政府性基金预算财政拨款基本支出决算表
单位：万元
项目 |  | 合计
合计 |  | 1.00
"""


def test_sections_of_a_report_with_the_explanations_before_the_tables() -> None:
    s = recognise(from_text(CENTRAL, "c.txt"))
    sections = [(h.part, h.number, h.text) for h in s.headings if h.kind == "section"]
    assert sections == [(1, 1, "部门主要职责"), (2, 1, "收入支出决算总体情况说明")]
    assert all(h.in_toc for h in s.headings)


def test_a_further_table_resembling_a_title_is_no_typo() -> None:
    # Beijing publishes 政府性基金预算财政拨款基本支出决算表 besides 表8
    s = recognise(from_text(CENTRAL, "c.txt"))
    assert [(t.number, t.title.typo) for t in s.tables] == [(8, False)]
    assert len(s.tables[0].grids) == 1  # the further table is not read as part of 表8


HEADED = """\
某某市某某局2024年度部门决算
目录
第一部分 某某市某某局概况
一、主要职能
第二部分 某某市某某局2024年度部门决算表
一、收入支出决算总表.......5
二、收入决算表.......6
第 1 页
第三部分 某某市某某局2024年度部门决算情况说明
一、收入支出决算总体情况说明.......7
（一）收入情况.......7
（二）支出情况说明，按功能分类和经济分类分别列示.......7
二、收入决算情况说明.......8
第一部分 某某市某某局概况
一、主要职能
负责某某工作。
第二部分 某某市某某局2024年度部门决算表
一、收入支出决算总表
表1 收入支出决算总表
单位：万元
收入 |  | 支出 |
项目 | 决算数 | 项目 | 决算数
本年收入合计 | 1.00 | 本年支出合计 | 1.00
二、收入决算表
某某市某某局2024年度收入决算表
单位：万元
科目编码 | 科目名称 | 本年收入合计
合计 |  | 1.00
第三部分 某某市某某局2024年度部门决算情况说明
一、收入支出决算总体情况说明
收入支出总计1.00万元。
（一）收入情况
（二）支出情况说明，按功能分类和经济分类分别列示
二、收入决算情况说明
"""


def test_a_heading_above_the_table_title_is_no_second_title() -> None:
    # “一、收入支出决算总表” stands above “表1 收入支出决算总表”: the heading of the table
    s = recognise(from_text(HEADED, "h.txt"))
    assert [(t.number, t.title.place.text, len(t.grids)) for t in s.tables] == [
        (1, "表1 收入支出决算总表", 1), (2, "某某市某某局2024年度收入决算表", 1)]
    assert [(h.part, h.number, h.text) for h in s.headings if h.kind == "section" and h.part == 2] == [
        (2, 1, "收入支出决算总表"), (2, 2, "收入决算表")]
    assert s.tables[0].unit == "万元"


def test_toc_with_subsections_and_a_page_number() -> None:
    s = recognise(from_text(HEADED, "h.txt"))
    assert [(e.kind, e.part, e.number) for e in s.toc] == [
        ("part", 1, 1), ("item", 1, 1), ("part", 2, 2), ("item", 2, 1), ("item", 2, 2),
        ("part", 3, 3), ("item", 3, 1), ("item", 3, 2)]
    assert [e.text for e in s.toc if e.part == 3 and e.kind == "item"] == [
        "收入支出决算总体情况说明", "收入决算情况说明"]
    assert all(h.in_toc for h in s.headings if h.kind in ("part", "tableset"))
