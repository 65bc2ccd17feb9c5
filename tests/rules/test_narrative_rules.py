"""Checks of the 情况说明: every N.* rule passes on a filing that gives everything the text
needs, and fires — at the filing field to fill, with a placeholder in the text — when one
thing is taken away.

The complete filing is the good filing of conftest.py (in 元) with what the text needs on
top: prior-year figures that differ from this year's (so every change needs a reason),
every reason, the 主要用途 of every budgeted 项, the 政府采购 and 国有资产 details and the
self-evaluation of test_performance_rules.py. Its figures in 万元 as printed:

收入支出总计 225.00 (上年 200.00); 财政拨款收入支出总计 211.00 (上年 190.00);
一般公共预算财政拨款支出 185.00 (上年 170.00; 年初预算 170.00); 本年收入合计 210.00
(上年 180.00; 预算 200.00); 本年支出合计 212.00 (上年 190.00; 预算 205.00); “三公”
29.80 (预算 32.00; 上年 1.00 + 20.00 + 3.00 + 1.00 = 25.00); 机关运行经费 20.00 (上年 18.00).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from mutations import both, set_
from mutations import delete as drop
from test_performance_rules import PERFORMANCE

from juesuan.catalogue import REGISTRY
from juesuan.content import PLACEHOLDER_OPEN
from juesuan.filing.model import Filing
from juesuan.narrative.explanation import explanation_sections, render_explanation, sections_text
from juesuan.narrative.facts import gather_facts
from juesuan.narrative.rules import RULES, Narrative
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import load_scheme
from juesuan.rules.finding import Finding, Location
from juesuan.rules.registry import run_outcomes
from juesuan.tables.build import build_tables

NARRATIVE_RULES = sorted(r.id for r in REGISTRY.values() if r.scope == "narrative")
STYLES = ("shanghai-2024", "seed-2020")

Data = dict[str, Any]

COMPLETE: Data = {
    "prior_year": {
        "grand_total": "2000000.00",
        "income_total": "1800000.00",
        "expenditure_total": "1900000.00",
        "fiscal_grand_total": "1900000.00",
        "general_budget_expenditure": "1700000.00",
        "operating_costs": "180000.00",
        "three_public": {"outbound": "10000.00", "vehicle_purchase": "200000.00",
                         "vehicle_operation": "30000.00", "reception": "10000.00"},
    },
    "reasons": {
        "grand_total_change": "新增信息化项目。",
        "income_change": "新增信息化项目。",
        "expenditure_change": "新增信息化项目。",
        "income_budget_vs_final": "追加信息化项目经费。",
        "expenditure_budget_vs_final": "追加信息化项目经费。",
        "fiscal_total_change": "新增信息化项目。",
        "general_budget_change": "新增信息化项目。",
        "general_budget_vs_initial": "年中追加信息化项目经费。",
        "items": {
            "2010601": "年中追加项目经费。",
            "2010602": "年中追加业务经费。",
            "2120201": "部分规划项目延至次年实施。",
        },
        "three_public_vs_budget": "厉行节约，压减公务支出。",
        "three_public_change": "更新一辆到期公务用车。",
        "outbound_change": "新增一个出访团组。",
        "vehicle_change": "更新一辆到期公务用车。",
        "reception_change": "接待批次减少。",
        "operating_costs_change": "办公用房维修。",
    },
    "budget": {
        "income_initial": "2000000.00",
        "expenditure_initial": "2050000.00",
        "general_budget_initial": "1700000.00",
        "items": [
            {"code": "2010601", "initial": "1100000.00", "adjusted": "1150000.00",
             "purpose": "机关人员经费和日常公用经费。"},
            {"code": "2010602", "initial": "300000.00", "adjusted": "400000.00",
             "purpose": "业务工作经费。"},
            {"code": "2080505", "initial": "150000.00", "purpose": "基本养老保险缴费。"},
            {"code": "2101101", "initial": "60000.00", "purpose": "基本医疗保险缴费。"},
            {"code": "2210201", "initial": "90000.00", "purpose": "住房公积金。"},
            {"code": "2120201", "fund": "government_fund", "initial": "200000.00",
             "purpose": "城乡规划编制。"},
        ],
    },
    "procurement": {
        "total": "500000.00", "goods": "200000.00", "works": "100000.00",
        "services": "200000.00", "sme_reserved": "300000.00", "small_micro_reserved": "100000.00",
        "sme_awarded_reserved": "250000.00", "small_micro_awarded_reserved": "80000.00",
        "sme_awarded_other": "50000.00", "description": "办公设备和信息系统运维服务",
    },
    "assets": {"as_of": "2024-12-31", "vehicles": {"law_enforcement": 2, "other": 1},
               "large_equipment": 1},
}


def complete(good_data: Data) -> Data:
    data = copy.deepcopy(good_data)
    data.update(copy.deepcopy(COMPLETE))
    data["performance"] = copy.deepcopy(PERFORMANCE)
    # The department's own texts of the 湖北 2020 form (七（一）（二）（三）).
    management = data["performance"].setdefault("management", {})
    management.setdefault("description", "本部门对项目支出全面开展绩效自评。")
    management.setdefault("application", "将自评结果作为以后年度预算安排的重要依据。")
    for project in data["performance"].get("projects", []):
        project.setdefault("summary", f"{project['name']}项目年度目标基本完成。")
    return data


def explain(data: Data, style: str) -> tuple[str, list[Finding]]:
    filing = Filing.model_validate(data)
    result = None
    if filing.performance is not None and filing.performance.scheme is not None:
        result, _ = check_performance(filing, load_scheme(filing.performance.scheme))
    sections, findings = explanation_sections(filing, build_tables(filing).rounded(2), result,
                                              style)
    return sections_text(sections), findings


# --- mutations --------------------------------------------------------------------------





@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Data], None]
    path: str  # the filing field the finding points at
    placeholder: str  # the placeholder the text shows
    style: str = "shanghai-2024"
    message: str | None = None  # the whole message, where worth pinning


C = Case

NARRATIVE_CASES: dict[str, list[Case]] = {
    "N.reason-missing": [
        C("change of the grand total without a reason", drop("reasons.grand_total_change"),
          "reasons.grand_total_change", "【待填写：增减原因】",
          message="“一、收入支出决算总体情况说明”：收入支出总计较2023年度增加25.00万元，但未填写增减原因"
                  "（reasons.grand_total_change），说明中留有“【待填写：增减原因】”"),
        C("项 budget differs without a reason", drop("reasons.items.2010601"),
          "reasons.items.2010601", "【待填写：决算数与预算数差异原因】"),
        C("政府性基金 项 differs without a reason", drop("reasons.items.2120201"),
          "reasons.items.2120201", "【待填写：决算数与预算数差异原因】"),
        C("“三公” item changed without a reason", drop("reasons.reception_change"),
          "reasons.reception_change", "【待填写：增减原因】"),
        C("机关运行经费 changed without a reason", drop("reasons.operating_costs_change"),
          "reasons.operating_costs_change", "【待填写：增减原因】", style="seed-2020"),
        C("income against budget without a reason (seed)", drop("reasons.income_budget_vs_final"),
          "reasons.income_budget_vs_final", "【待填写：决算数与预算数差异原因】", style="seed-2020",
          message="“一、2024年决算收支情况说明”：收入决算数210.00万元大于预算数200.00万元，"
                  "但未填写决算数与预算数差异原因（reasons.income_budget_vs_final），"
                  "说明中留有“【待填写：决算数与预算数差异原因】”"),
    ],
    "N.prior-missing": [
        C("no prior 财政拨款收入支出总计", drop("prior_year.fiscal_grand_total"),
          "prior_year.fiscal_grand_total", "【待填写：增减额和增减幅度】"),
        C("no prior 本年收入合计 (seed)", drop("prior_year.income_total"),
          "prior_year.income_total", "【待填写：增减额和增减幅度】", style="seed-2020"),
        C("no prior 公务接待费", drop("prior_year.three_public.reception"),
          "prior_year.three_public.reception", "【待填写：增减额和增减幅度】"),
    ],
    "N.budget-missing": [
        C("no 年初预算 of the 一般公共预算财政拨款支出", drop("budget.general_budget_initial"),
          "budget.general_budget_initial", "【待填写：一般公共预算财政拨款支出年初预算数】"),
        C("年初预算 0 and no 全年预算 (R004)", both(set_("budget.items.1.initial", "0"),
                                                 drop("budget.items.1.adjusted"),
                                                 set_("layout", "central-2020")),
          "budget.items[1].adjusted", "【待填写：2010602 全年预算数】"),
        C("a 项 without any budget", drop("budget.items.4"),
          "budget.items", "【待填写：2210201 年初预算数】"),
        C("no 部门预算收入 (seed)", drop("budget.income_initial"), "budget.income_initial",
          "【待填写：部门预算收入（年初预算数）】", style="seed-2020"),
    ],
    "N.data-missing": [
        C("no self-evaluation", drop("performance"), "performance",
          "【待填写：预算绩效管理情况】"),
        C("no self-evaluation (seed)", drop("performance"), "performance",
          "【待填写：预算绩效管理情况】", style="seed-2020"),
        C("no 主要用途", drop("budget.items.0.purpose"), "budget.items[0].purpose",
          "【待填写：主要用途】"),
        C("reception spent, no 接待批次", drop("three_public.reception.batches"),
          "three_public.reception.batches", "【待填写：公务接待批次】"),
        C("no large equipment count", drop("assets.large_equipment"), "assets.large_equipment",
          "【待填写：单价100万元（含）以上设备台（套）数】"),
        C("no 政府采购", drop("procurement"), "procurement", "【待填写：政府采购情况】"),
        C("no 机关运行经费", drop("operating_costs"), "operating_costs.final",
          "【待填写：机关运行经费支出情况】", style="seed-2020"),
    ],
}

FLAT_CASES = [
    pytest.param(rule_id, case, id=f"{rule_id}:{case.name}")
    for rule_id, cases in NARRATIVE_CASES.items()
    for case in cases
]


@pytest.mark.parametrize("rule_id", NARRATIVE_RULES)
def test_every_narrative_rule_has_a_failing_case(rule_id: str) -> None:
    assert NARRATIVE_CASES.get(rule_id), (
        f"rule {rule_id} has no failing case: add one to NARRATIVE_CASES in {__file__}"
    )


def test_failing_cases_name_registered_rules() -> None:
    assert set(NARRATIVE_CASES) <= set(NARRATIVE_RULES)


@pytest.mark.parametrize("style", STYLES)
def test_complete_filing_passes_every_narrative_rule(good_data: Data, style: str) -> None:
    text, findings = explain(complete(good_data), style)
    assert findings == []
    assert PLACEHOLDER_OPEN not in text


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_fires(rule_id: str, case: Case, good_data: Data) -> None:
    data = complete(good_data)
    case.mutate(data)
    text, findings = explain(data, case.style)
    mine = [f for f in findings if f.rule == rule_id]
    at_path = [f for f in mine if f.location == Location(path=case.path)]
    assert at_path, f"{rule_id} did not fire at {case.path}; findings: {findings}"
    [finding] = at_path  # one finding per field, however often the text shows the gap
    assert finding.severity is REGISTRY[rule_id].severity
    assert finding.found == "未填"
    assert case.placeholder in finding.message
    assert case.placeholder in text, "the text shows the gap"
    if case.message is not None:
        assert finding.message == case.message
    # the text has a placeholder exactly where a finding is
    assert text.count(PLACEHOLDER_OPEN) >= len(findings)


# --- the passing side: what needs no reason, and reasons that are given -------------------


def test_no_reason_is_needed_when_the_figure_is_unchanged(good_data: Data) -> None:
    data = complete(good_data)
    set_("prior_year.grand_total", "2250000.00")(data)
    drop("reasons.grand_total_change")(data)
    text, findings = explain(data, "shanghai-2024")
    assert findings == []
    assert "与2023年度相比，收入支出总计持平。\n" in text


def test_no_reason_is_needed_when_final_equals_budget(good_data: Data) -> None:
    data = complete(good_data)
    # 2080505: 年初预算 15.00 = 决算 15.00, and no reason is given for it
    text, findings = explain(data, "shanghai-2024")
    assert "2080505" not in data["reasons"]["items"]
    assert findings == []
    # the Shanghai 2024 template's words: no “完成年初预算的” per 项, “基本持平”
    assert "年初预算为15.00万元，支出决算为15.00万元。决算数与预算数基本持平。" in text
    data["layout"] = "central-2020"  # the national template's
    text, findings = explain(data, "shanghai-2024")
    assert findings == []
    assert "年初预算为15.00万元，支出决算为15.00万元，完成年初预算的100.00%。决算数与预算数持平。" in text


def test_a_given_reason_is_used_verbatim(good_data: Data) -> None:
    text, _ = explain(complete(good_data), "shanghai-2024")
    assert "与2023年度相比，收入支出总计增加25.00万元，增长12.50%。主要原因：新增信息化项目。" in text
    assert "决算数大于预算数的主要原因：年中追加项目经费。" in text


def test_unknown_prior_asks_for_the_figure_not_for_a_reason(good_data: Data) -> None:
    """Without the prior figure the change is unknown: the gap is the figure; the reason is
    asked for only once the change is known (a given reason is still printed)."""
    data = complete(good_data)
    drop("prior_year.grand_total")(data)
    drop("reasons.grand_total_change")(data)
    text, findings = explain(data, "shanghai-2024")
    assert [(f.rule, f.location.path) for f in findings] == [
        ("N.prior-missing", "prior_year.grand_total")]
    assert "收入支出总计【待填写：增减额和增减幅度】。\n" in text


def test_zero_initial_budget_says_full_year_budget(good_data: Data) -> None:
    """R004: with 年初预算 0 the text states the 全年预算 and 完成全年预算的X%, never
    “完成年初预算的X%”."""
    data = complete(good_data)
    data["layout"] = "central-2020"  # a template that states 完成预算的X% for each 项
    set_("budget.items.1.initial", "0")(data)
    text, findings = explain(data, "shanghai-2024")
    assert findings == []
    assert ("年初预算为0.00万元，全年预算为40.00万元，支出决算为40.00万元，完成全年预算的100.00%。"
            "决算数与预算数持平。") in text
    assert "年初预算为0.00万元，支出决算为40.00万元，完成年初预算" not in text


def test_spending_without_counts_needs_counts_but_nothing_spent_does_not(good_data: Data) -> None:
    data = complete(good_data)
    set_("three_public.outbound", {"budget": "20000.00", "final": "0"})(data)
    set_("prior_year.three_public.outbound", "0")(data)
    _, findings = explain(data, "shanghai-2024")
    assert not [f for f in findings if f.rule == "N.data-missing"]


@pytest.mark.parametrize("style", STYLES)
def test_the_text_is_the_same_in_yuan_and_in_wan(
    good_data: Data, to_wan: Callable[[Data], Data], style: str
) -> None:
    """Amounts are converted to 万元 and rounded as printed before any text is written."""
    data = complete(good_data)
    in_yuan, _ = explain(data, style)
    wan_data = to_wan(data)
    wan_data["performance"] = copy.deepcopy(data["performance"])  # performance amounts are 万元 already
    in_wan, _ = explain(wan_data, style)
    assert in_yuan == in_wan
    assert "收入支出总计225.00万元" in in_yuan or "2024年决算收入210.00万元" in in_yuan


@pytest.mark.parametrize("style", STYLES)
def test_reception_is_split_into_domestic_and_foreign_as_the_template_does(good_data: Data, style: str) -> None:
    """公务接待费 8,000 元 of which 外事接待 3,000 元: 国内 0.50 万元 and 外事 0.30 万元, each with its
    批次, 人次 and purpose; an approximate count prints “余”."""
    data = complete(good_data)
    reception = data["three_public"]["reception"]
    reception.update({"purpose": "上级部门调研", "persons_approximate": True,
                      "foreign": {"final": "3000.00", "batches": 1, "persons": 6, "purpose": "接待友好城市代表团"}})
    text, findings = explain(data, style)
    assert findings == []
    assert "国内公务接待支出0.50万元，主要用于上级部门调研" in text
    assert "外事接待支出0.30万元，主要用于接待友好城市代表团" in text
    if style == "shanghai-2024":
        assert "国内公务接待4批次、40余人次" in text and "外事接待1批次、6人次" in text
    else:
        assert "本部门共有国内公务接待4批次、40余人次，外事接待1批次、6人次" in text


def test_foreign_reception_cannot_exceed_reception(good_data: Data) -> None:
    data = complete(good_data)
    data["three_public"]["reception"]["foreign"] = {"final": "9000.00"}
    with pytest.raises(ValueError, match=r"外事接待支出 9000\.00 大于公务接待费决算数 8000\.00"):
        Filing.model_validate(data)


def test_no_reason_is_asked_before_the_years_figures_are_entered(good_data: Data) -> None:
    """A new filing (one started from last year's) has its rows but no amount yet: against
    nothing filed every figure of last year reads as a decrease to 0, so N.reason-missing is
    not evaluated; the text keeps its placeholders (a draft). One amount brings it back."""
    data = complete(good_data)
    data["income"] = [{"code": row["code"]} for row in data["income"]]
    data["expenditure"] = [{"code": row["code"], "fund": row.get("fund", "general_budget")}
                           for row in data["expenditure"]]
    data["reasons"] = {}
    text, findings = explain(data, "shanghai-2024")
    assert "较2023年度减少" not in " ".join(f.message for f in findings)
    assert not [f for f in findings if f.rule == "N.reason-missing"]
    assert "主要原因：【待填写：增减原因】" in text
    filing = Filing.model_validate(data)
    printed = build_tables(filing).rounded(2)
    _, gaps = render_explanation(gather_facts(filing, printed), "shanghai-2024", printed.expected)
    _, outcomes = run_outcomes(RULES, Narrative(filing, "shanghai-2024", gaps))
    [outcome] = [o for o in outcomes if o.rule == "N.reason-missing"]
    assert outcome.result == "not_evaluated"
    assert outcome.reason == "本年收入、支出尚未填写金额，暂不比较与上年和预算的增减"
    data["expenditure"][0]["basic"] = "100.00"
    _, findings = explain(data, "shanghai-2024")
    assert {f.location.path for f in findings if f.rule == "N.reason-missing"} >= {
        "reasons.grand_total_change", "reasons.general_budget_change"}
