"""Checks of the performance self-evaluations: every P.* rule passes on a consistent
evaluation and fires, at the right field path and with the real figures, when the
evaluation is changed to break it.

The evaluation is added to the good filing of conftest.py (in 元: its 一般公共预算财政拨款
支出 is 1,850,000 元 = 185 万元, of which 项目支出 550,000 元 = 55 万元: 2010601 150,000 +
2010602 400,000. The 政府性基金 project 2120201 180,000 and the 非财政拨款 project 2010602
50,000 are other funds and do not count; with the 政府性基金 it used to be 73 万元).
Performance amounts are always in 万元. Under hubei-2020 (20/80):

部门整体  A 190, B 185: 执行率 0.9737, 20 × 0.9737 = 19.474; two annual targets, 50 and 30,
          every indicator met: 19.474 + 50 + 30 = 99.474.
项目      A 60, B 57: 执行率 0.95, 19; indicators 30 + 30 + 20, all met: 99.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mutations
import pytest
from mutations import both

from juesuan.catalogue import REGISTRY
from juesuan.filing.model import Filing
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import load_scheme
from juesuan.rules.finding import Finding, Location, Severity

PERFORMANCE_RULES = sorted(r.id for r in REGISTRY.values() if r.scope == "performance")

Data = dict[str, Any]

PERFORMANCE: Data = {
    "scheme": "hubei-2020",
    "department": {
        "name": "测试市测试局",
        "budget": "190", "executed": "185",
        "stated": {"rate": "0.9737", "execution_score": "19.474", "total": "99.474"},
        "targets": [
            {"description": "保障机关正常运转，按时办结业务", "weight": "50", "stated_score": "50",
             "indicators": [
                 {"level1": "产出指标", "level2": "数量指标", "name": "办理业务件数",
                  "target": "完成1.2万件", "actual": "完成1.3万件"},
                 {"level1": "产出指标", "level2": "时效指标", "name": "办结时限",
                  "target": "≤5个工作日", "actual": "4个工作日"},
             ]},
            {"description": "服务对象满意", "weight": "30", "stated_score": "30",
             "indicators": [
                 {"level1": "满意度指标", "level2": "满意度指标", "name": "服务对象满意度",
                  "target": "≥90%", "actual": "95%"},
             ]},
        ],
    },
    "projects": [
        {
            "name": "信息系统运维",
            "funds": {"total": {"initial": "60", "adjusted": "60", "executed": "57"}},
            "stated": {"rate": "0.95", "execution_score": "19", "total": "99"},
            "indicators": [
                {"level1": "产出指标", "level2": "数量指标", "name": "系统运维台套数",
                 "target": "≥20台套", "actual": "22台套", "weight": "30", "stated_score": "30"},
                {"level1": "产出指标", "level2": "时效指标", "name": "故障响应时间",
                 "target": "≤2小时", "actual": "1.5小时", "weight": "30", "stated_score": "30"},
                {"level1": "满意度指标", "level2": "满意度指标", "name": "使用人员满意度",
                 "target": "≥90%", "actual": "96%", "weight": "20", "stated_score": "20"},
            ],
        },
    ],
}

# The same evaluation under central-2020 (10 / 产出 50 / 效益 30 / 满意度 10):
# 部门整体 10 × 0.9737 = 9.74, targets 60 + 30; 项目 9.5 + 25 + 25 + 30 + 10 = 99.5.
PERFORMANCE_CENTRAL: Data = copy.deepcopy(PERFORMANCE)
PERFORMANCE_CENTRAL["scheme"] = "central-2020"
_department = PERFORMANCE_CENTRAL["department"]
_department["stated"] = {"rate": "0.9737", "execution_score": "9.74", "total": "99.74"}
_department["targets"][0].update(weight="60", stated_score="60")
_project = PERFORMANCE_CENTRAL["projects"][0]
_project["stated"] = {"rate": "0.95", "execution_score": "9.5", "total": "99.5"}
_project["indicators"][0].update(weight="25", stated_score="25")
_project["indicators"][1].update(weight="25", stated_score="25")
_project["indicators"][2].update(weight="10", stated_score="10")
_project["indicators"].insert(2, {
    "level1": "效益指标", "level2": "可持续影响指标", "name": "系统可用率",
    "target": "≥99%", "actual": "99.5%", "weight": "30", "stated_score": "30",
})


def with_performance(good_data: Data, performance: Data) -> Data:
    good_data["performance"] = copy.deepcopy(performance)
    return good_data


def findings_of(data: Data, scheme: str | None = None) -> list[Finding]:
    filing = Filing.model_validate(data)
    assert filing.performance is not None
    _, findings = check_performance(filing, load_scheme(scheme or filing.performance.scheme or ""))
    return findings


# --- mutations (paths inside the performance section) ------------------------------------


def set_(path: str, value: Any) -> Callable[[Data], None]:
    """Set a field of the performance section: "projects.0.indicators.1.actual"."""
    return mutations.set_(f"performance.{path}", value)


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Data], None]
    path: str
    expected: str
    found: str
    severity: Severity | None = None  # None: the rule's own severity
    central: bool = False  # start from the central-2020 evaluation
    message: str | None = None  # the whole message, where it says something worth pinning


C = Case
IND = "projects.0.indicators"
P0 = "performance.projects[0]"
DEP = "performance.department"

PERFORMANCE_CASES: dict[str, list[Case]] = {
    "P.weights": [
        C("department targets add to 90", set_("department.targets.0.weight", "60"),
          DEP, "80", "90",
          message="部门整体支出绩效自评：指标分值合计为 90，加预算执行 20 分共 110 分，应为 100 分"),
        C("project indicators add to 70", set_(f"{IND}.0.weight", "20"), P0, "80", "70"),
        C("stated weights leave nothing to share", both(set_(f"{IND}.0.weight", "60"),
                                                        set_(f"{IND}.2.weight", None)),
          P0, "≤ 80", "90"),
        C("产出 60 where central asks 50", both(set_(f"{IND}.0.weight", "35"),
                                               set_(f"{IND}.2.weight", "20")),
          f"{P0}.indicators", "50", "60", central=True,
          message="项目“信息系统运维”：产出指标分值合计为 60，应为 50"),
        C("效益 20 where central asks 30", both(set_(f"{IND}.0.weight", "35"),
                                               set_(f"{IND}.2.weight", "20")),
          f"{P0}.indicators", "30", "20", central=True),
        # the target weighs 50; its two indicators 30 + 15 = 45 (the 80 of the targets still holds)
        C("department target's indicators add to 45",
          both(set_("department.targets.0.indicators.0.weight", "30"),
               set_("department.targets.0.indicators.1.weight", "15")),
          f"{DEP}.targets[0].indicators", "50", "45",
          message="部门整体支出绩效自评“保障机关正常运转，按时办结业务”：指标分值合计为 45，应为该目标分值 50"),
        C("department target's only indicator above its target", set_(
            "department.targets.1.indicators.0.weight", "35"),
          f"{DEP}.targets[1].indicators", "30", "35"),
    ],
    "P.score-cap": [
        C("indicator above its weight", set_(f"{IND}.0.stated_score", "35"),
          f"{P0}.indicators[0].stated_score", "≤ 30", "35"),
        C("execution above its weight", set_("projects.0.stated.execution_score", "21"),
          f"{P0}.stated.execution_score", "≤ 20", "21"),
        C("annual target above its weight", set_("department.targets.0.stated_score", "55"),
          f"{DEP}.targets[0].stated_score", "≤ 50", "55"),
    ],
    "P.rate": [
        C("rate wrong", set_("projects.0.stated.rate", "0.9"),
          f"{P0}.stated.rate", "0.95", "0.9",
          message="项目“信息系统运维”：执行率 = 57/60 = 0.95（保留 4 位），表上为 0.9"),
        C("rate rounded to two digits", set_("department.stated.rate", "0.97"),
          f"{DEP}.stated.rate", "0.9737", "0.97",
          message="部门整体支出绩效自评：执行率 = 185/190 = 0.9737（保留 4 位），表上为 0.97"
                  "（表上执行率位数不足，系舍入后的结果）"),
        C("rate as a percentage", set_("projects.0.stated", {"rate": "94", "rate_is_percent": True,
                                                             "execution_score": "19", "total": "99"}),
          f"{P0}.stated.rate", "0.95", "0.94"),
        C("execution score wrong", set_("projects.0.stated.execution_score", "18"),
          f"{P0}.stated.execution_score", "19", "18"),
    ],
    "P.total": [
        C("printed parts do not add up", set_("projects.0.stated.total", "98"),
          f"{P0}.stated.total", "99", "98",
          message="项目“信息系统运维”：表上各项得分之和为 99，总分却为 98"),
        C("department parts do not add up", set_("department.stated.total", "99.5"),
          f"{DEP}.stated.total", "99.474", "99.5"),
        C("printed parts add up, juesuan differs", set_(f"{IND}.0.actual", "18台套"),
          f"{P0}.stated.total", "96", "99", Severity.WARNING),
    ],
    "P.indicator-score": [
        C("indicator score printed too low", set_(f"{IND}.0.stated_score", "28"),
          f"{P0}.indicators[0].stated_score", "30", "28"),
        C("indicator not met but given full marks", set_(f"{IND}.1.actual", "2.5小时"),
          f"{P0}.indicators[1].stated_score", "24", "30",
          message="项目“信息系统运维”“故障响应时间”：应得 24 分（反向指标：得分 = 权重 × A/B = "
                  "30 × 2小时/2.5小时 = 24），表上为 30"),
    ],
    "P.explanation": [
        C("low rate, no analysis", set_("projects.0.funds.total.executed", "50"),
          f"{P0}.deviation_analysis", "填写偏差原因分析", "空",
          message="项目“信息系统运维”：执行率 83.33% 低于 90%，但偏差原因分析为空"),
        C("low rate, no improvement", set_("projects.0.funds.total.executed", "50"),
          f"{P0}.improvement", "填写改进措施", "空"),
        C("indicator not met, no analysis", set_(f"{IND}.0.actual", "18台套"),
          f"{P0}.deviation_analysis", "填写偏差原因分析", "空",
          message="项目“信息系统运维”：指标未得满分：系统运维台套数，但偏差原因分析为空"),
        C("department target not met", set_("department.targets.1.indicators.0.actual", "80%"),
          f"{DEP}.improvement", "填写改进措施", "空"),
    ],
    "P.target-quantified": [
        C("target repeats the name", both(set_(f"{IND}.0.target", "系统运维台套数"),
                                          set_(f"{IND}.0.tier", "met")),
          f"{P0}.indicators[0].target", "量化的目标值，如 ≥95%、完成40万件", "系统运维台套数",
          message="项目“信息系统运维”“系统运维台套数”：目标值只重复了指标名称，未给出数值"
                  "（“系统运维台套数”），已按记录的定性档次计分"),
        C("descriptive target", both(set_(f"{IND}.1.target", "及时响应故障"),
                                     set_(f"{IND}.1.tier", "met")),
          f"{P0}.indicators[1].target", "量化的目标值，如 ≥95%、完成40万件", "及时响应故障"),
    ],
    "P.commensurable": [
        C("yearly target, daily peak", both(set_(f"{IND}.0.target", "话务接听量达到6万个"),
                                            set_(f"{IND}.0.actual", "日话务量最高近2万多个"),
                                            set_(f"{IND}.0.tier", "met")),
          f"{P0}.indicators[0].actual", "与“话务接听量达到6万个”同口径的完成值",
          "日话务量最高近2万多个",
          message="项目“信息系统运维”“系统运维台套数”：目标为全年数，实际为日峰值（目标“话务接听量达到6万个”，"
                  "实际“日话务量最高近2万多个”），已按记录的定性档次计分"),
        C("count against a percentage", set_(f"{IND}.0.actual", "95%"),
          f"{P0}.indicators[0].actual", "与“≥20台套”同口径的完成值", "95%"),
    ],
    "P.unscored": [
        C("descriptive target, no tier", set_(f"{IND}.1.target", "及时响应故障"),
          f"{P0}.indicators[1].tier", "met、partly 或 unmet", "未填",
          message="项目“信息系统运维”“故障响应时间”：目标值未量化，且未记录定性评价档次，按 0 分计"),
        C("actual not quantified", set_(f"{IND}.0.actual", "基本完成"),
          f"{P0}.indicators[0].tier", "met、partly 或 unmet", "未填"),
    ],
    "P.tier-band": [
        C("met at 70 %", both(set_(f"{IND}.1.target", "及时响应故障"), set_(f"{IND}.1.tier", "met"),
                             set_(f"{IND}.1.fraction", "0.7")),
          f"{P0}.indicators[1].fraction", "0.8–1", "0.7",
          message="项目“信息系统运维”“故障响应时间”：档次为“达成预期指标”，得分比例 0.7 不在 0.8–1 之间"),
        C("partly at 90 %", both(set_(f"{IND}.1.target", "及时响应故障"),
                                 set_(f"{IND}.1.tier", "部分达成"), set_(f"{IND}.1.fraction", "0.9")),
          f"{P0}.indicators[1].fraction", "0.5–0.8", "0.9"),
    ],
    "P.over-target": [
        C("twice the target under central", set_(f"{IND}.0.actual", "40台套"),
          f"{P0}.indicators[0].target", "≤ 1.5 倍", "2 倍", central=True,
          message="项目“信息系统运维”“系统运维台套数”：完成值为目标值的 2 倍，请分析目标是否设定过低"),
    ],
    "P.dropped": [
        C("output indicator not evaluated", set_(f"{IND}.0.actual", None),
          f"{P0}.indicators[0].actual", "实际完成值或评价档次", "未填",
          message="项目“信息系统运维”“系统运维台套数”：未填写实际完成值或评价档次，不计分，"
                  "其分值按比例分给其余指标"),
        C("department indicator not evaluated", set_("department.targets.0.indicators.1.actual", ""),
          f"{DEP}.targets[0].indicators[1].actual", "实际完成值或评价档次", "未填"),
        # hubei-2020 备注4: 满意度 may be left out, so only an info
        C("satisfaction not evaluated where it is optional", set_(f"{IND}.2.actual", None),
          f"{P0}.indicators[2].actual", "实际完成值或评价档次", "未填", Severity.INFO),
        # central-2020 drops it too (drop_and_rescale) but 满意度 is not optional there
        C("satisfaction not evaluated where it is required", set_(f"{IND}.3.actual", None),
          f"{P0}.indicators[3].actual", "实际完成值或评价档次", "未填", central=True),
    ],
    "P.amounts": [
        C("project budget missing", set_("projects.0.funds.total", {"executed": "57"}),
          P0, "> 0", "未填",
          message="项目“信息系统运维”：预算数缺失或不大于零，无法计算执行率，预算执行按 0 分计"),
        C("project budget zero", set_("projects.0.funds.total",
                                      {"initial": "0", "adjusted": "0", "executed": "57"}),
          P0, "> 0", "0"),
        C("department budget negative", set_("department.budget", "-190"), DEP, "> 0", "-190",
          message="部门整体支出绩效自评：预算数缺失或不大于零，无法计算执行率，预算执行按 0 分计"),
        C("project executed negative", set_("projects.0.funds.total.executed", "-5"),
          P0, "≥ 0", "-5", message="项目“信息系统运维”：执行数为负"),
        C("department executed negative", set_("department.executed", "-185"), DEP, "≥ 0", "-185"),
    ],
    "P.department-totals": [
        C("department spent less than its projects", set_("department.executed", "50"),
          f"{DEP}.executed", "≥ 57", "50",
          message="部门整体执行数 50 万元小于所列项目执行数之和 57 万元"),
        # 185 万元 = all 一般公共预算财政拨款 spending; 55 万元 = its project spending alone
        # (150,000 + 400,000 元), without the 政府性基金 project of 180,000 元: see the docstring.
        C("department executed differs from the 决算", set_("department.executed", "180"),
          f"{DEP}.executed", "185 或 55", "180",
          message="部门整体执行数 180 万元，与决算数不一致：一般公共预算财政拨款支出 185 万元，其中项目支出 "
                  "55 万元；各项目自评预算数合计 60 万元、执行数合计 57 万元。请核对口径"),
        # 73 万元 was the project figure with the 政府性基金 (55 + 18); it no longer matches
        C("department executed includes the 政府性基金 projects", set_("department.executed", "73"),
          f"{DEP}.executed", "185 或 55", "73"),
    ],
}

FLAT_CASES = [
    pytest.param(rule_id, case, id=f"{rule_id}:{case.name}")
    for rule_id, cases in PERFORMANCE_CASES.items()
    for case in cases
]


@pytest.mark.parametrize("rule_id", PERFORMANCE_RULES)
def test_every_performance_rule_has_a_failing_case(rule_id: str) -> None:
    assert PERFORMANCE_CASES.get(rule_id), (
        f"rule {rule_id} has no failing case: add one to PERFORMANCE_CASES in {__file__}"
    )


def test_failing_cases_name_registered_rules() -> None:
    assert set(PERFORMANCE_CASES) <= set(PERFORMANCE_RULES)


@pytest.mark.parametrize("performance", [PERFORMANCE, PERFORMANCE_CENTRAL],
                         ids=["hubei-2020", "central-2020"])
def test_consistent_evaluation_passes_every_performance_rule(good_data: Data,
                                                             performance: Data) -> None:
    findings = findings_of(with_performance(good_data, performance))
    assert findings == []


def test_consistent_evaluation_scores(good_data: Data) -> None:
    filing = Filing.model_validate(with_performance(good_data, PERFORMANCE))
    result, _ = check_performance(filing, load_scheme("hubei-2020"))
    assert result is not None and result.department is not None
    assert str(result.department.total) == "99.474"
    assert [str(p.total) for p in result.projects] == ["99.000"]


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_fires(rule_id: str, case: Case, good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE_CENTRAL if case.central else PERFORMANCE)
    case.mutate(data)
    findings = [f for f in findings_of(data) if f.rule == rule_id]
    at_path = [f for f in findings if f.location == Location(path=case.path)]
    assert at_path, f"{rule_id} did not fire at {case.path}; findings: {findings}"
    matching = [f for f in at_path if (f.expected, f.found) == (case.expected, case.found)]
    assert matching, f"expected {case.expected!r}, found {case.found!r}; findings: {at_path}"
    assert matching[0].severity is (case.severity or REGISTRY[rule_id].severity)
    assert matching[0].message
    if case.message is not None:
        assert matching[0].message == case.message


# --- the passing side of the softer rules ----------------------------------------------


def rules_fired(data: Data) -> set[str]:
    return {f.rule for f in findings_of(data)}


def test_low_rate_with_analysis_and_measures_passes(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    both(set_("projects.0.funds.total.executed", "50"),
         set_("projects.0.stated", {"rate": "0.8333", "execution_score": "16.666", "total": "96.666"}),
         set_("projects.0.deviation_analysis", "部分运维合同延至次年支付"),
         set_("projects.0.improvement", "加快合同签订和验收进度"))(data)
    assert findings_of(data) == []


def test_qualitative_indicator_with_a_tier_in_its_band_passes(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    both(set_(f"{IND}.1.target", "及时响应故障"), set_(f"{IND}.1.actual", "故障均及时响应"),
         set_(f"{IND}.1.tier", "met"), set_(f"{IND}.1.fraction", "0.8"),
         set_(f"{IND}.1.stated_score", "24"), set_("projects.0.stated.total", "93"),
         set_("projects.0.deviation_analysis", "个别故障响应偏慢"),
         set_("projects.0.improvement", "增加值守人员"))(data)
    # scored by the tier at the band's edge: only the unquantified target is worth a warning
    assert [(f.rule, f.location.path) for f in findings_of(data)] == [
        ("P.target-quantified", "performance.projects[0].indicators[1].target"),
    ]


def test_rate_as_percentage_passes(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    set_("projects.0.stated", {"rate": "95", "rate_is_percent": True, "execution_score": "19",
                               "total": "99"})(data)
    assert findings_of(data) == []


def test_unevaluated_satisfaction_is_dropped_with_only_an_info(good_data: Data) -> None:
    """湖北 备注4: 满意度 may be left out; its 20 points go to the other two (30 → 40 each).
    The only finding is the info that it was dropped."""
    data = with_performance(good_data, PERFORMANCE)
    for n in range(3):
        set_(f"{IND}.{n}.stated_score", None)(data)
    set_(f"{IND}.2.actual", None)(data)
    dropped = ("P.dropped", Severity.INFO, "performance.projects[0].indicators[2].actual",
               "实际完成值或评价档次", "未填")
    assert [(f.rule, f.severity, f.location.path, f.expected, f.found)
            for f in findings_of(data)] == [dropped]  # 19 + 40 + 40 = 99 as printed
    [finding] = findings_of(data)
    assert finding.message == ("项目“信息系统运维”“使用人员满意度”：未填写实际完成值或评价档次，不计分，"
                               "其分值按比例分给其余指标")
    # printed per-indicator scores are compared with the rescaled weight
    set_(f"{IND}.0.stated_score", "30")(data)
    assert [(f.rule, f.severity, f.expected, f.found) for f in findings_of(data)] == [
        ("P.indicator-score", Severity.WARNING, "40", "30"),
        ("P.dropped", Severity.INFO, "实际完成值或评价档次", "未填"),
    ]


def test_evaluated_indicators_are_not_dropped(good_data: Data) -> None:
    """A tier, or completion by unit (parts), is an evaluation: nothing is dropped."""
    data = with_performance(good_data, PERFORMANCE)
    both(set_(f"{IND}.2.actual", None), set_(f"{IND}.2.tier", "met"))(data)
    assert "P.dropped" not in rules_fired(data)
    data = with_performance(good_data, PERFORMANCE)
    both(set_(f"{IND}.0.actual", None),
         set_(f"{IND}.0.parts", [{"unit": "甲", "actual": "12台套"}, {"unit": "乙", "actual": "10台套"}]))(data)
    assert findings_of(data) == []  # 12 + 10 = 22 台套, as the single figure


def test_unevaluated_indicator_is_unscored_not_dropped_where_the_scheme_drops_nothing(
        good_data: Data) -> None:
    """sichuan-2023 neither drops nor rescales: the indicator scores 0 (P.unscored), no P.dropped."""
    data = with_performance(good_data, PERFORMANCE)
    set_(f"{IND}.2.actual", None)(data)
    findings = findings_of(data, "sichuan-2023")
    assert "P.dropped" not in {f.rule for f in findings}
    assert [(f.location.path, f.found) for f in findings if f.rule == "P.unscored"] == [
        ("performance.projects[0].indicators[2].tier", "未填"),
    ]


def test_department_target_indicator_weights_adding_up_pass(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    both(set_("department.targets.0.indicators.0.weight", "30"),
         set_("department.targets.0.indicators.1.weight", "20"),
         set_("department.targets.1.indicators.0.weight", "30"))(data)
    assert findings_of(data) == []  # 30 + 20 = 50 and 30 = 30


def test_department_target_indicator_weights_partly_stated_are_not_added(good_data: Data) -> None:
    """Only when every indicator of the target states its weight: 30 stated, the other takes 20."""
    data = with_performance(good_data, PERFORMANCE)
    set_("department.targets.0.indicators.0.weight", "30")(data)
    assert findings_of(data) == []


@pytest.mark.parametrize("mutation", [
    set_("projects.0.funds.total", {"adjusted": "60", "executed": "57"}),  # 全年预算数 only
    set_("projects.0.funds.total", {"initial": "60", "executed": "57"}),  # 年初预算数 only
    set_("projects.0.funds.total.initial", "0"),  # hubei-2020 scores on the adjusted 60
], ids=["adjusted only", "initial only", "initial zero, adjusted 60"])
def test_budget_present_and_positive_passes(good_data: Data,
                                            mutation: Callable[[Data], None]) -> None:
    data = with_performance(good_data, PERFORMANCE)
    mutation(data)
    assert findings_of(data) == []


def test_executed_zero_is_not_an_amounts_error(good_data: Data) -> None:
    """Nothing spent is a rate of 0 (score 0), not a missing figure."""
    data = with_performance(good_data, PERFORMANCE)
    both(set_("projects.0.funds.total.executed", "0"),
         set_("projects.0.stated", {"rate": "0", "execution_score": "0", "total": "80"}),
         set_("projects.0.deviation_analysis", "项目延至次年实施"),
         set_("projects.0.improvement", "加快项目前期工作"))(data)
    assert findings_of(data) == []


def test_missing_project_executed_amount_is_reported(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    both(set_("projects.0.funds.total.executed", None), set_("projects.0.stated", {}))(data)
    [finding] = [f for f in findings_of(data) if f.rule == "P.amounts"]
    assert (finding.severity, finding.location.path, finding.expected, finding.found) == (
        Severity.ERROR, "performance.projects[0]", "执行数", "未填")


def test_over_target_is_silent_where_the_scheme_has_no_threshold(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    set_(f"{IND}.0.actual", "40台套")(data)
    assert "P.over-target" not in rules_fired(data)  # hubei-2020 sets no over_target_review


def test_department_executed_may_equal_the_project_spending(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    # the 决算 一般公共预算 project expenditure, 55 万元 (150,000 + 400,000 元); the project's
    # executed amount is lowered to 50 so that the department is not below its projects
    both(set_("department.executed", "55"), set_("projects.0.funds.total.executed", "50"))(data)
    assert "P.department-totals" not in rules_fired(data)


def test_department_totals_in_a_filing_in_wan(good_data: Data,
                                              to_wan: Callable[[Data], Data]) -> None:
    data = with_performance(to_wan(good_data), PERFORMANCE)
    assert findings_of(data) == []
    set_("department.executed", "180")(data)
    [finding] = [f for f in findings_of(data) if f.rule == "P.department-totals"]
    assert finding.expected == "185 或 55"  # 185.00 and 55.00 万元, as in the filing in 元


def test_no_performance_section_no_findings(good: Filing) -> None:
    assert check_performance(good, load_scheme("hubei-2020")) == (None, [])


def test_findings_are_sorted_errors_first(good_data: Data) -> None:
    data = with_performance(good_data, PERFORMANCE)
    both(set_(f"{IND}.0.weight", "20"), set_("projects.0.stated.rate", "0.9"))(data)
    findings = findings_of(data)
    assert [(f.severity, f.rule) for f in findings] == [
        (Severity.ERROR, "P.score-cap"),  # 30 printed for a weight of 20
        (Severity.ERROR, "P.weights"),  # 20 + 30 + 20 = 70
        (Severity.WARNING, "P.indicator-score"),  # 20, printed 30
        (Severity.WARNING, "P.rate"),  # 0.95, printed 0.9
        (Severity.WARNING, "P.total"),  # 19 + 20 + 30 + 20 = 89, printed 99
    ]
