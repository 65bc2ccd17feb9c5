"""Field-by-field differences between versions (pure)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juesuan.filing.io import filing_to_data, load_filing
from juesuan.web.diff import Change, diff, flatten
from juesuan.web.filings.words import describe_path, describe_value, described


def test_rows_are_matched_by_code_so_an_inserted_row_is_one_change() -> None:
    before = {"income": [{"code": "2010301", "general_budget": "10.00"},
                         {"code": "2080501", "general_budget": "5.00"}]}
    after = {"income": [{"code": "2010301", "general_budget": "10.00"},
                        {"code": "2010302", "general_budget": "1.00"},
                        {"code": "2080501", "general_budget": "5.50"}]}
    assert diff(before, after) == [
        Change("income[2010302].code", None, "2010302"),
        Change("income[2010302].general_budget", None, "1.00"),
        Change("income[2080501].general_budget", "5.00", "5.50"),
    ]


def test_expenditure_rows_are_keyed_by_code_and_fund() -> None:
    data = {"expenditure": [{"code": "2010301", "fund": "general_budget", "basic": "1"},
                            {"code": "2010301", "fund": "government_fund", "basic": "2"}]}
    assert dict(flatten(data))["expenditure[2010301 government_fund].basic"] == "2"


def test_removed_values_are_listed_last() -> None:
    changes = diff({"a": "1", "b": "2"}, {"b": "3"})
    assert [c.kind for c in changes] == ["changed", "removed"]


def test_an_example_filing_against_itself_has_no_changes(shanghai_filing: Any) -> None:
    data = filing_to_data(shanghai_filing)
    assert diff(data, data) == []
    assert len(list(flatten(data))) > 200


json_values = st.recursive(
    st.none() | st.text(max_size=4) | st.integers(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12)


@given(json_values, json_values)
def test_diff_is_empty_exactly_when_the_flattened_values_agree(a: Any, b: Any) -> None:
    assert (diff(a, b) == []) == (dict(flatten(a)) == dict(flatten(b)))


# --- paths in words ---------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example(name: str) -> dict[str, Any]:
    data = filing_to_data(load_filing(EXAMPLES / name).filing)
    assert isinstance(data, dict)
    return data


def words_of(before: dict[str, Any], after: dict[str, Any], year: int) -> list[tuple[str, str]]:
    return [(c.path, describe_path(c.path, year)) for c in diff(before, after)]


def test_expenditure_rows_are_named_by_code_name_and_fund() -> None:
    before = example("shanghai-putuo-czj-2024.yaml")
    after = copy.deepcopy(before)
    row = next(r for r in after["expenditure"] if r["code"] == "2010608")
    row["project"] = "450.00"
    after["expenditure"].append({"code": "2010608", "fund": "government_fund", "project": "3.00"})
    assert words_of(before, after, 2024) == [
        ("expenditure[2010608].project",
         "支出 › 2010608 财政委托业务支出（一般公共预算财政拨款） › 项目支出"),
        ("expenditure[2010608 government_fund].code",
         "支出 › 2010608 财政委托业务支出（政府性基金预算财政拨款） › 功能分类科目编码"),
        ("expenditure[2010608 government_fund].fund",
         "支出 › 2010608 财政委托业务支出（政府性基金预算财政拨款） › 资金来源"),
        ("expenditure[2010608 government_fund].project",
         "支出 › 2010608 财政委托业务支出（政府性基金预算财政拨款） › 项目支出"),
    ]
    # the key the task's tester saw, with the fund written out
    assert describe_path("expenditure[2010608 general_budget].project", 2024) == (
        "支出 › 2010608 财政委托业务支出（一般公共预算财政拨款） › 项目支出")


def test_other_parts_of_the_shanghai_example_in_words() -> None:
    before = example("shanghai-putuo-czj-2024.yaml")
    after = copy.deepcopy(before)
    after["year"] = 2025
    after["department"]["units"][0]["note"] = "机关"
    after["organisation"]["duties"][1] = "负责预算编制。"
    after["basic_economic"][0]["amount"] = "1.00"
    after["carry_over"][1]["closing"] = "33.70"
    after["three_public"]["reception"]["final"] = "0.10"
    after["reasons"]["items"]["2010608"] = "项目增加。"
    after["performance"]["management"]["grades"]["优"] = 9
    assert words_of(before, after, 2024) == [
        ("year", "基本信息 › 决算年度"),
        ("department.units[上海市普陀区财政局（本级）].note",
         "基本信息 › 部门 › 部门决算单位构成 › 上海市普陀区财政局（本级） › 备注"),
        ("organisation.duties[2]", "机构职能 › 主要职能（职责），逐条 › 第 2 条"),
        ("basic_economic[30101].amount", "基本支出经济分类 › 30101 基本工资 › 金额"),
        ("carry_over[non_fiscal].closing", "结转结余 › 年初/年末结转和结余 › 非财政拨款资金 › 年末结转和结余"),
        ("three_public.reception.final", "“三公”经费 › 公务接待费 › 决算数"),
        ("reasons.items.2010608", "增减原因 › 各功能分类项决算数与预算数差异原因 › 2010608 财政委托业务支出"),
        ("performance.management.grades.优", "绩效自评 › 预算绩效管理情况 › 各评级项目个数 › 优"),
    ]


def test_self_evaluations_of_the_suizhou_example_in_words() -> None:
    before = example("suizhou-zwfw-2020.yaml")
    after = copy.deepcopy(before)
    project = after["performance"]["projects"][0]
    project["stated"]["rate"] = "0.99"
    project["indicators"][0]["actual"] = "2020年完成53万件"
    project["indicators"].append({"level1": "cost", "name": "单件办理成本", "target": "≤5元"})
    after["performance"]["department"]["targets"][1]["indicators"][2]["tier"] = "partly"
    changes = diff(before, after)
    indicators = "绩效自评 › 项目支出绩效自评 › 运行维护管理经费 › 绩效指标 › "
    assert [(c.path, describe_path(c.path, 2020)) for c in changes] == [
        ("performance.department.targets[2].indicators[benefit 可持续影响指标 能源消耗、物业管理、日常维护]"
         ".tier",
         "绩效自评 › 部门整体支出绩效自评 › 年度目标 › 第 2 项 › 绩效指标 › "
         "能源消耗、物业管理、日常维护（效益指标，可持续影响指标） › 定性评价档次"),
        ("performance.projects[运行维护管理经费].indicators[output 数量指标 政务服务大厅办件情况].actual",
         indicators + "政务服务大厅办件情况（产出指标，数量指标） › 实际完成值"),
        ("performance.projects[运行维护管理经费].indicators[cost 单件办理成本].level1",
         indicators + "单件办理成本（成本指标） › 一级指标"),
        ("performance.projects[运行维护管理经费].indicators[cost 单件办理成本].name",
         indicators + "单件办理成本（成本指标） › 三级指标"),
        ("performance.projects[运行维护管理经费].indicators[cost 单件办理成本].target",
         indicators + "单件办理成本（成本指标） › 年度指标值（年初目标值）"),
        ("performance.projects[运行维护管理经费].stated.rate",
         "绩效自评 › 项目支出绩效自评 › 运行维护管理经费 › 自评结果 › 预算执行率"),
    ]
    # the values too: a choice by its label, not its identifier
    assert [(c.before, c.after) for c in described(changes, 2020)] == [
        ("达成预期指标", "部分达成预期指标并具有一定效果"),
        ("2020年完成52万件", "2020年完成53万件"), (None, "成本指标"), (None, "单件办理成本"),
        (None, "≤5元"), ("1", "0.99")]


def test_a_path_as_the_checks_write_it_is_read_against_the_data() -> None:
    data = example("suizhou-zwfw-2020.yaml")
    assert describe_path("performance.projects[0].indicators[2].actual", 2020, data) == (
        "绩效自评 › 项目支出绩效自评 › 运行维护管理经费 › 绩效指标 › "
        "能源消耗、物业管理、日常维护（效益指标，可持续影响指标） › 实际完成值")
    assert describe_path("performance.department.targets[0].weight", 2020, data) == (
        "绩效自评 › 部门整体支出绩效自评 › 年度目标 › 第 1 项 › 该目标分值")
    shanghai = example("shanghai-putuo-czj-2024.yaml")
    assert describe_path("expenditure[3].project", 2024, shanghai) == (
        "支出 › 2010608 财政委托业务支出（一般公共预算财政拨款） › 项目支出")
    assert describe_path("expenditure[99].project", 2024, shanghai) == "支出 › 第 100 行 › 项目支出"


def test_code_names_are_the_years_and_unknown_codes_stay_codes() -> None:
    assert describe_path("income[2010601].other") == "收入 › 2010601 行政运行 › 其他收入"
    assert describe_path("income[2010601].other", 1990) == "收入 › 2010601 › 其他收入"
    assert describe_path("basic_economic[30198].amount", 2024) == "基本支出经济分类 › 30198 › 金额"


@pytest.mark.parametrize(("path", "words"), [
    ("", ""),
    ("no_such_field", "no_such_field"),
    ("income[2010601].no_such_field", "收入 › 2010601 行政运行 › no_such_field"),
    ("income[2010601", "收入 › [2010601"),
    ("three_public..final", "“三公”经费 › .final"),
    ("performance.projects[甲]乙].name", "绩效自评 › 项目支出绩效自评 › 甲]乙 › 项目名称"),
    ("income[2010601 #2].code", "收入 › 2010601 行政运行（重复，第 2 行） › 功能分类科目编码"),
    ("reasons.items.20106.01", "增减原因 › 各功能分类项决算数与预算数差异原因 › 20106.01"),
])
def test_unknown_parts_are_shown_as_they_are(path: str, words: str) -> None:
    assert describe_path(path, 2024) == words


@given(st.text(alphabet="abcdeinoprstuxy_.[]# 0123456789甲", max_size=40),
       st.none() | st.integers(1900, 2100))
def test_no_path_makes_describe_path_fail(path: str, year: int | None) -> None:
    assert isinstance(describe_path(path, year), str)
    assert isinstance(describe_path("income" + path, year, {"income": [{"code": "2010601"}]}), str)
    assert describe_value(path, "x") is not None


def test_the_versions_page_shows_the_words_and_keeps_the_path(client: Any, world: Any,
                                                               make_record: Any,
                                                               shanghai_filing: Any) -> None:
    from juesuan.web.filings import services

    record = make_record()
    rows = list(shanghai_filing.expenditure)
    at = next(n for n, r in enumerate(rows) if r.code == "2010608")
    rows[at] = rows[at].model_copy(update={"project": rows[at].project + 1})
    services.save_version(record, shanghai_filing.model_copy(update={"expenditure": tuple(rows)}),
                          world.users["unit_a"], base=1)
    client.force_login(world.users["unit_a"])
    page = client.get(f"/desk/f/{record.pk}/versions/1/diff/2/").content.decode()
    assert ('<td title="expenditure[2010608].project">支出 › 2010608 财政委托业务支出'
            '（一般公共预算财政拨款） › 项目支出</td><td>449.52</td><td>450.52</td>') in page
