"""Scoring of performance self-evaluations (预算绩效自评).

The seed (tests/fixtures/reports/seed-suizhou-2020.txt, 随州市政务服务和大数据管理局 2020)
prints five 自评表 scored under its 备注1–4 (湖北, 20/80): 执行率 B/A, 预算执行得分 =
20 × 执行率, 正向指标 = 权重 × B/A, 反向指标 = 权重 × A/B, capped at the weight.
examples/suizhou-zwfw-2020.yaml transcribes them. Three of the five are consistent and
juesuan reproduces them exactly; in the other two the seed rounded the rate to two
digits before scoring (1121.82/1300 printed 0.86, 9.37/30 printed 0.31), and juesuan
gives the correct figure and says so.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from juesuan.filing.io import load_filing
from juesuan.filing.model import Filing
from juesuan.filing.performance import (
    DepartmentEvaluation,
    Direction,
    Indicator,
    IndicatorPart,
    ProjectEvaluation,
)
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import Scheme, load_scheme
from juesuan.performance.scoring import (
    Basis,
    EvaluationResult,
    PerformanceResult,
    aggregate,
    project_budget,
    score_department,
    score_execution,
    score_group,
    score_indicator,
    score_project,
)
from juesuan.performance.targets import Quantity
from juesuan.rules.finding import Finding, Severity

ROOT = Path(__file__).resolve().parents[2]
SEED_EXAMPLE = ROOT / "examples" / "suizhou-zwfw-2020.yaml"

D = Decimal
HUBEI = load_scheme("hubei-2020")
CENTRAL = load_scheme("central-2020")
SICHUAN = load_scheme("sichuan-2023")


# --- the seed ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Filing:
    return load_filing(SEED_EXAMPLE).filing


@pytest.fixture(scope="module")
def hubei(seed: Filing) -> tuple[PerformanceResult, list[Finding]]:
    result, findings = check_performance(seed, HUBEI)
    assert result is not None
    return result, findings


@pytest.fixture(scope="module")
def central(seed: Filing) -> tuple[PerformanceResult, list[Finding]]:
    result, findings = check_performance(seed, CENTRAL)
    assert result is not None
    return result, findings


def project(result: PerformanceResult, name: str) -> EvaluationResult:
    [found] = [p for p in result.projects if p.name == name]
    return found


def test_seed_names_its_scheme(seed: Filing) -> None:
    assert seed.performance is not None
    assert seed.performance.scheme == "hubei-2020"
    assert [p.name for p in seed.performance.projects] == [
        "运行维护管理经费", "互联网+放管服", "12345市长热线", "便民邮寄政府集中付费",
    ]


# (project, exact rate, juesuan rate, execution score, total, printed rate/score/total)
SEED_PROJECTS = [
    # consistent: juesuan gives what the seed prints
    ("运行维护管理经费", "1", "1.0000", "20.000", "100.000", ("1", "20", "100")),
    ("12345市长热线", "0.8725", "0.8725", "17.450", "97.450", ("0.8725", "17.45", "97.45")),
    # the seed rounded the rate to 2 digits first: 0.86 × 20 = 17.2, 0.31 × 20 = 6.2
    ("互联网+放管服", "0.8629384615384615384615384615", "0.8629", "17.258", "97.258",
     ("0.86", "17.2", "97.2")),
    ("便民邮寄政府集中付费", "0.3123333333333333333333333333", "0.3123", "6.246", "86.246",
     ("0.31", "6.2", "86.2")),
]


@pytest.mark.parametrize(("name", "exact", "rate", "execution", "total", "printed"), SEED_PROJECTS)
def test_seed_project_scores(hubei: tuple[PerformanceResult, list[Finding]], name: str,
                             exact: str, rate: str, execution: str, total: str,
                             printed: tuple[str, str, str]) -> None:
    result, _ = hubei
    p = project(result, name)
    assert p.execution.exact_rate == D(exact)
    assert str(p.execution.rate) == rate
    assert str(p.execution.score) == execution
    assert str(p.total) == total
    # every indicator is met: the 80 indicator points are all given, as the seed prints
    [group] = p.groups
    assert (group.weight, group.score) == (D(80), D(80))
    assert all(i.full for i in p.indicators)
    assert [i.score for i in p.indicators] == [i.indicator.stated_score for i in p.indicators]
    assert (p.stated.rate, p.stated.execution_score, p.stated.total) == tuple(D(x) for x in printed)


def test_seed_project_explanations(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    result, _ = hubei
    p = project(result, "互联网+放管服")
    assert p.execution.explanation == (
        "执行率 = 执行数/预算数 = 1121.82/1300 = 0.8629，得分 = 20 × 0.8629 = 17.258"
    )
    hotline = project(result, "12345市长热线")
    calls, transfers = hotline.indicators[1], hotline.indicators[2]
    # 话务接听量达到6万个 against 日话务量最高近2万多个: not comparable, scored by the tier
    assert calls.basis is Basis.QUALITATIVE
    assert calls.problem == "目标为全年数，实际为日峰值"
    assert calls.explanation == "定性指标（达成预期指标，80%–100%）：得分 = 权重 20 × 100% = 20"
    assert transfers.problem == "目标计量“转办”，实际计量“受理疫情诉求”，口径不同"
    satisfaction = hotline.indicators[3]
    assert satisfaction.basis is Basis.QUANTITATIVE
    assert satisfaction.explanation == (
        "正向指标：得分 = 权重 × B/A = 20 × 95%/90% = 21.111，得分不得突破权重，计 20"
    )


def test_seed_department(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    result, _ = hubei
    d = result.department
    assert d is not None
    assert d.name == "市政务服务和大数据管理局"
    assert str(d.execution.rate) == "0.8371"  # 1722.6725 / 2058
    assert str(d.execution.score) == "16.742"
    assert str(d.total) == "96.742"
    assert d.total == d.stated.total
    # each annual target full: 30 / 15 / 20 / 15, as printed
    assert [(g.weight, g.score, g.stated_score) for g in d.groups] == [
        (D(30), D(30), D(30)), (D(15), D(15), D(15)), (D(20), D(20), D(20)), (D(15), D(15), D(15)),
    ]
    # the indicators of a target carry no weight on the form: they share it equally
    assert [[i.weight for i in g.indicators] for g in d.groups] == [
        [D(6)] * 5, [D("3.75")] * 4, [D(5)] * 4, [D(5)] * 3,
    ]
    assert d.indicators[0].path == "performance.department.targets[0].indicators[0]"
    assert d.grade == "优"


def test_seed_grades(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    result, _ = hubei
    assert [(p.name, p.grade) for p in result.projects] == [
        ("运行维护管理经费", "优"), ("互联网+放管服", "优"), ("12345市长热线", "优"),
        ("便民邮寄政府集中付费", "良"),
    ]


def found(findings: list[Finding], rule: str) -> list[tuple[Severity, str | None, str | None, str | None]]:
    return [(f.severity, f.location.path, f.expected, f.found) for f in findings if f.rule == rule]


W = Severity.WARNING
P1, P3 = "performance.projects[1]", "performance.projects[3]"


def test_seed_findings_rate_and_total(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    _, findings = hubei
    assert found(findings, "P.rate") == [
        (W, f"{P1}.stated.rate", "0.8629", "0.86"),
        (W, f"{P1}.stated.execution_score", "17.258", "17.2"),
        (W, f"{P3}.stated.rate", "0.3123", "0.31"),
        (W, f"{P3}.stated.execution_score", "6.246", "6.2"),
    ]
    rate = next(f for f in findings if f.rule == "P.rate")
    assert rate.message == (
        "项目“互联网+放管服”：执行率 = 1121.82/1300 = 0.8629（保留 4 位），表上为 0.86"
        "（表上执行率位数不足，系舍入后的结果）"
    )
    # the printed parts add up (17.2 + 30 + 30 + 20 = 97.2): only juesuan's figure differs,
    # so a warning, not an error
    assert found(findings, "P.total") == [
        (W, f"{P1}.stated.total", "97.258", "97.2"),
        (W, f"{P3}.stated.total", "86.246", "86.2"),
    ]
    assert [f.message for f in findings if f.rule == "P.total"][1] == (
        "项目“便民邮寄政府集中付费”：按湖北省预算绩效自评（预算执行 20 分，绩效指标 80 分）计算总分为 "
        "86.246，表上为 86.2，差 -0.046 分"
    )


def test_seed_findings_explanation(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    _, findings = hubei
    # every evaluation below 90 % leaves 偏差原因分析 and 改进措施 empty; 运行维护 (100 %) needs none
    paths = [path for _, path, _, _ in found(findings, "P.explanation")]
    assert paths == [
        f"performance.{who}.{field}"
        for who in ("department", "projects[1]", "projects[2]", "projects[3]")
        for field in ("deviation_analysis", "improvement")
    ]
    post = [f for f in findings if f.rule == "P.explanation" and f.location.path == f"{P3}.deviation_analysis"]
    assert [(f.severity, f.expected, f.found, f.message) for f in post] == [
        (W, "填写偏差原因分析", "空", "项目“便民邮寄政府集中付费”：执行率 31.23% 低于 90%，但偏差原因分析为空"),
    ]


def test_seed_findings_target_quantified(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    _, findings = hubei
    catalogue = next(f for f in findings if f.location.path
                     == "performance.department.targets[0].indicators[1].target")
    assert (catalogue.rule, catalogue.severity) == ("P.target-quantified", W)
    assert catalogue.found == "数据共享平台编制政务信息资源目录数"
    assert catalogue.expected == "量化的目标值，如 ≥95%、完成40万件"
    assert catalogue.message == (
        "部门整体支出绩效自评“数据共享平台编制政务信息资源目录数”：目标值只重复了指标名称，未给出数值"
        "（“数据共享平台编制政务信息资源目录数”），已按记录的定性档次计分"
    )
    # the other unquantified targets are descriptive text (按时支付…, 免费寄递 服务)
    assert [path for _, path, _, _ in found(findings, "P.target-quantified")] == [
        "performance.department.targets[0].indicators[1].target",
        "performance.department.targets[1].indicators[2].target",
        "performance.department.targets[3].indicators[1].target",
        "performance.projects[0].indicators[2].target",
        "performance.projects[3].indicators[1].target",
    ]


def test_seed_findings_commensurable(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    _, findings = hubei
    calls = [f for f in findings if f.rule == "P.commensurable" and "话务" in f.message]
    assert [(f.severity, f.location.path, f.expected, f.found) for f in calls] == [
        (W, "performance.department.targets[2].indicators[1].actual",
         "与“话务接听量达到6万个”同口径的完成值", "日话务量最高近2万多个"),
        (W, "performance.projects[2].indicators[1].actual",
         "与“话务接听量达到6万个”同口径的完成值", "日话务量最高近2万多个"),
    ]
    assert calls[1].message == (
        "项目“12345市长热线”“话务平台接听量”：目标为全年数，实际为日峰值（目标“话务接听量达到6万个”，"
        "实际“日话务量最高近2万多个”），已按记录的定性档次计分"
    )
    # 转办1.2万件 against 受理疫情诉求10万余件: another measure
    assert [path for _, path, _, _ in found(findings, "P.commensurable")] == [
        "performance.department.targets[2].indicators[1].actual",
        "performance.department.targets[2].indicators[2].actual",
        "performance.projects[2].indicators[1].actual",
        "performance.projects[2].indicators[2].actual",
    ]


def test_seed_findings_complete(hubei: tuple[PerformanceResult, list[Finding]]) -> None:
    """Nothing else: no errors, and the 部门整体 figures (A 2058, B 1722.6725) are set against
    the 决算 (一般公共预算财政拨款支出 2111.07, 项目支出 1935.3) for a person to reconcile."""
    _, findings = hubei
    assert all(f.severity is W for f in findings)
    assert sorted({f.rule for f in findings}) == [
        "P.commensurable", "P.department-totals", "P.explanation", "P.rate",
        "P.target-quantified", "P.total",
    ]
    assert found(findings, "P.department-totals") == [
        (W, "performance.department.executed", "2111.07 或 1935.3", "1722.6725"),
    ]
    # commensurable, department-totals, explanation, rate, target-quantified, total
    assert len(findings) == 4 + 1 + 8 + 4 + 5 + 2


def test_seed_under_central(central: tuple[PerformanceResult, list[Finding]]) -> None:
    """财预〔2020〕10号 gives 10 to execution and 90 to indicators (产出 50, 效益 30, 满意度 10).
    The seed's weights (20 + 80) do not fit: P.weights errors, the printed execution scores
    exceed 10, and a perfect project scores 90: 10 for execution, and only the 80 indicator
    points the form assigns, of the 90 available."""
    result, findings = central
    d = result.department
    assert d is not None
    assert (str(d.execution.score), str(d.total), d.grade) == ("8.37", "88.37", "良")
    assert [(p.name, str(p.execution.score), str(p.total), p.grade) for p in result.projects] == [
        ("运行维护管理经费", "10.00", "90.00", "优"),
        ("互联网+放管服", "8.63", "88.63", "良"),
        ("12345市长热线", "8.73", "88.73", "良"),
        ("便民邮寄政府集中付费", "3.12", "83.12", "良"),
    ]
    # the block is 90, the stated indicator weights add to 80 and score 80
    assert [(g.weight, g.score) for g in result.projects[0].groups] == [(D(90), D(80))]
    E = Severity.ERROR
    weights = found(findings, "P.weights")
    assert weights[:5] == [
        (E, "performance.department", "90", "80"),
        (E, "performance.projects[0]", "90", "80"),
        (E, "performance.projects[0].indicators", "50", "20"),  # 产出
        (E, "performance.projects[0].indicators", "30", "40"),  # 效益
        (E, "performance.projects[0].indicators", "10", "20"),  # 满意度
    ]
    assert len(weights) == 15  # 5 blocks of 80, 10 first levels (产出 and 满意度 in every project)
    messages = [f.message for f in findings if f.rule == "P.weights"]
    assert messages[0] == "部门整体支出绩效自评：指标分值合计为 80，加预算执行 10 分共 90 分，应为 100 分"
    assert messages[2] == "项目“运行维护管理经费”：产出指标分值合计为 20，应为 50"
    # the printed execution scores exceed the 10 points central gives
    assert found(findings, "P.score-cap") == [
        (E, "performance.department.stated.execution_score", "≤ 10", "16.742"),
        (E, "performance.projects[0].stated.execution_score", "≤ 10", "20"),
        (E, "performance.projects[1].stated.execution_score", "≤ 10", "17.2"),
        (E, "performance.projects[2].stated.execution_score", "≤ 10", "17.45"),
    ]
    # central asks for a review of targets exceeded 1.5-fold: 免费邮寄 7000 against 4000
    assert found(findings, "P.over-target") == [
        (Severity.INFO, "performance.department.targets[3].indicators[0].target", "≤ 1.5 倍", "1.75 倍"),
        (Severity.INFO, "performance.projects[3].indicators[0].target", "≤ 1.5 倍", "1.75 倍"),
    ]
    assert ("P.total", "performance.projects[0].stated.total", "90", "100") in [
        (f.rule, f.location.path, f.expected, f.found) for f in findings
    ]


# --- budget execution -------------------------------------------------------------------


def test_execution_rate_is_rounded_before_scoring() -> None:
    result = score_execution(D(1300), D("1121.82"), HUBEI)
    assert result.rate == D("0.8629")
    assert result.score == D("17.258")
    assert (result.budget, result.executed, result.weight) == (D(1300), D("1121.82"), D(20))


def test_execution_capped_at_weight_when_more_is_spent_than_budgeted() -> None:
    result = score_execution(D(100), D(120), HUBEI)
    assert (result.exact_rate, result.rate, result.score) == (D("1.2"), D("1.2000"), D(20))
    assert result.explanation == (
        "执行率 = 执行数/预算数 = 120/100 = 1.2，得分 = 20 × 1.2 = 24，以分值 20 为限"
    )
    assert str(score_execution(D(100), D(120), CENTRAL).score) == "10.00"


def test_execution_uncapped_when_the_scheme_says_so() -> None:
    uncapped = HUBEI.model_copy(update={"execution": HUBEI.execution.model_copy(update={"cap": False})})
    assert score_execution(D(100), D(120), uncapped).score == D(24)


@pytest.mark.parametrize(("budget", "executed"), [
    (D(0), D(5)), (None, D(5)), (D("-10"), D(5)), (None, None),
])
def test_execution_without_a_budget_scores_zero(budget: Decimal | None,
                                                executed: Decimal | None) -> None:
    result = score_execution(budget, executed, HUBEI)
    assert (result.rate, result.exact_rate, result.score) == (None, None, D(0))
    assert (result.budget, result.executed, result.weight) == (budget, executed, D(20))
    assert result.explanation == "无法计算执行率：预算数缺失或不大于零，预算执行得 0 分"


@pytest.mark.parametrize(("budget", "executed"), [
    (D(10), D("-5")), (D(100), D("-0.01")),
    # both figures wrong: the negative executed amount is the one named
    (D(0), D("-5")), (None, D("-5")),
])
def test_execution_with_a_negative_executed_amount_scores_zero(budget: Decimal | None,
                                                               executed: Decimal) -> None:
    result = score_execution(budget, executed, HUBEI)
    assert (result.rate, result.exact_rate, result.score) == (None, None, D(0))
    assert result.explanation == "无法计算执行率：执行数为负，预算执行得 0 分"


def test_execution_of_zero_is_a_rate_of_zero_not_a_missing_figure() -> None:
    result = score_execution(D(60), D(0), HUBEI)
    assert (result.exact_rate, result.rate, result.score) == (D(0), D("0.0000"), D(0))
    assert result.explanation == "执行率 = 执行数/预算数 = 0/60 = 0，得分 = 20 × 0 = 0"


def test_execution_without_an_executed_amount_scores_zero() -> None:
    result = score_execution(D(10), None, HUBEI)
    assert (result.rate, result.exact_rate, result.score) == (None, None, D(0))


def test_execution_without_an_executed_amount_does_not_blame_the_budget() -> None:
    assert score_execution(D(10), None, HUBEI).explanation == "无法计算执行率：执行数缺失，预算执行得 0 分"


def test_execution_base() -> None:
    p = make_project([], funds={"initial": 80, "adjusted": 100, "executed": 90})
    assert project_budget(p, HUBEI) == D(100)
    initial = HUBEI.model_copy(update={"execution": HUBEI.execution.model_copy(update={"base": "initial"})})
    assert project_budget(p, initial) == D(80)
    only_initial = make_project([], funds={"initial": 80, "executed": 90})
    assert project_budget(only_initial, HUBEI) == D(80)
    only_adjusted = make_project([], funds={"adjusted": 100, "executed": 90})
    assert project_budget(only_adjusted, initial) == D(100)


# --- indicators -------------------------------------------------------------------------


def make_indicator(target: str, actual: str | None = None, **fields: Any) -> Indicator:
    data: dict[str, Any] = {"level1": "产出指标", "name": fields.pop("name", "指标"),
                            "target": target, "actual": actual}
    return Indicator.model_validate(data | fields)


def make_project(indicators: list[dict[str, Any]], funds: dict[str, Any] | None = None,
                 **fields: Any) -> ProjectEvaluation:
    data = {"name": "项目", "funds": {"total": funds or {"adjusted": 100, "executed": 100}},
            "indicators": indicators}
    return ProjectEvaluation.model_validate(data | fields)


def score(target: str, actual: str | None, weight: str = "20", scheme: Scheme = HUBEI,
          **fields: Any) -> Decimal:
    return score_indicator(make_indicator(target, actual, **fields), D(weight), "x", scheme).score


@pytest.mark.parametrize(("target", "actual", "expected"), [
    ("≥95%", "90%", "18.947"),  # 20 × 90/95
    ("≥95%", "95%", "20.000"),
    ("≥95%", "99%", "20.000"),  # 20 × 99/95 capped
    ("完成40万件", "完成30万件", "15.000"),
    ("服务对象的满意度大于85分", "满意度80分", "18.824"),
])
def test_positive_indicator(target: str, actual: str, expected: str) -> None:
    assert str(score(target, actual)) == expected


def test_positive_indicator_explanation() -> None:
    r = score_indicator(make_indicator("≥95%", "90%"), D(20), "x", HUBEI)
    assert r.basis is Basis.QUANTITATIVE
    assert r.ratio == D(90) / D(95)
    assert r.explanation == "正向指标：得分 = 权重 × B/A = 20 × 90%/95% = 18.947"
    assert not r.full
    over = score_indicator(make_indicator("≥95%", "99%"), D(20), "x", HUBEI)
    assert over.full
    assert over.explanation.endswith("= 20.842，得分不得突破权重，计 20")


@pytest.mark.parametrize(("actual", "expected"), [
    ("4天", "20.000"),  # 20 × 5/4 = 25, capped: full
    ("5天", "20.000"),
    ("6天", "16.667"),  # 20 × 5/6
    ("10天", "10.000"),
    ("0天", "20.000"),  # nothing over the limit at all
])
def test_negative_indicator(actual: str, expected: str) -> None:
    assert str(score("≤5天", actual)) == expected


def test_negative_indicator_explanation() -> None:
    r = score_indicator(make_indicator("≤5天", "6天"), D(20), "x", HUBEI)
    assert r.target is not None and r.target.direction is Direction.AT_MOST
    assert r.explanation == "反向指标：得分 = 权重 × A/B = 20 × 5天/6天 = 16.667"
    assert score_indicator(make_indicator("≤5天", "4天"), D(20), "x", HUBEI).explanation == (
        "反向指标：得分 = 权重 × A/B = 20 × 5天/4天 = 25，得分不得突破权重，计 20"
    )


def test_direction_stated_on_the_form_overrides_the_text() -> None:
    # 四川 forms state 指标性质: "5天" with ≤ is a limit, not an amount to hit
    assert str(score("5天", "6天", scheme=SICHUAN, direction="≤")) == "16.67"
    assert str(score("5天", "6天", scheme=SICHUAN)) == "20.00"  # = : 6/5, capped
    assert str(score("5天", "4天", scheme=SICHUAN, direction="≥")) == "16.00"


@pytest.mark.parametrize(("target", "actual", "expected"), [
    ("实现信息公开平台全覆盖", "实现信息公开平台市、县、乡镇三级全覆盖", "20.000"),  # SEED
    ("四级网络全覆盖", "四级网络全覆盖、服务一体化", "20.000"),  # SEED
    ("应保尽保", "95%", "19.000"),
    ("补贴资金全额发放", "发放率80%", "16.000"),
])
def test_full_targets(target: str, actual: str, expected: str) -> None:
    assert str(score(target, actual)) == expected


def test_full_target_against_a_count_is_not_scored_by_ratio() -> None:
    r = score_indicator(make_indicator("全覆盖", "覆盖12个乡镇"), D(20), "x", HUBEI)
    assert (r.basis, r.score) == (Basis.UNSCORED, D(0))
    assert r.problem == "目标为全覆盖（全部完成），实际为数量（单位“个”）"


@pytest.mark.parametrize(("tier", "fraction", "expected"), [
    ("met", None, "20.000"),  # default 100 %
    ("达成预期指标", "0.9", "18.000"),
    ("partly", None, "10.000"),  # default 50 %
    ("部分达成", "0.7", "14.000"),
    ("unmet", None, "0.000"),
    ("未达成预期指标且效果较差", "0.3", "6.000"),
])
def test_qualitative_tiers(tier: str, fraction: str | None, expected: str) -> None:
    extra = {"tier": tier} | ({"fraction": fraction} if fraction else {})
    r = score_indicator(make_indicator("按时支付", "已按时支付", **extra), D(20), "x", HUBEI)
    assert r.basis is Basis.QUALITATIVE
    assert str(r.score) == expected
    assert r.problem == "目标值未量化"


def test_qualitative_explanation() -> None:
    r = score_indicator(make_indicator("按时支付", "已支付", tier="partly", fraction="0.7"),
                        D(20), "x", HUBEI)
    assert r.explanation == "定性指标（部分达成预期指标并具有一定效果，50%–80%）：得分 = 权重 20 × 70% = 14"


def test_tier_is_used_when_the_values_are_not_comparable() -> None:
    r = score_indicator(make_indicator("话务接听量达到6万个", "日话务量最高近2万多个", tier="partly"),
                        D(20), "x", HUBEI)
    assert (r.basis, r.score, r.ratio) == (Basis.QUALITATIVE, D(10), None)
    assert r.problem == "目标为全年数，实际为日峰值"


def test_ratio_beats_a_recorded_tier() -> None:
    r = score_indicator(make_indicator("≥95%", "90%", tier="met"), D(20), "x", HUBEI)
    assert (r.basis, str(r.score)) == (Basis.QUANTITATIVE, "18.947")


@pytest.mark.parametrize(("target", "actual", "problem"), [
    ("按时支付", "已按时支付", "目标值未量化"),
    ("服务对象满意度", "满意", "目标值只重复了指标名称，未给出数值"),  # the name is 服务对象满意度
    ("≥95%", None, "未填写实际完成值"),
    ("≥95%", "基本完成", "实际完成值未量化"),
    ("转办1.2万件", "受理疫情诉求10万余件", "目标计量“转办”，实际计量“受理疫情诉求”，口径不同"),
])
def test_unscored(target: str, actual: str | None, problem: str) -> None:
    r = score_indicator(make_indicator(target, actual, name="服务对象满意度"), D(20), "x", HUBEI)
    assert (r.basis, r.score, r.problem) == (Basis.UNSCORED, D(0), problem)
    assert r.explanation == f"无法计分：{problem}，且未记录定性评价档次，得 0 分"


def test_uncapped_indicator() -> None:
    uncapped = HUBEI.model_copy(update={
        "indicators": HUBEI.indicators.model_copy(update={"cap_at_weight": False})})
    assert str(score("≥95%", "99%", scheme=uncapped)) == "20.842"


# --- aggregation of parts (备注2) --------------------------------------------------------


def part(actual: str, amount: str | None = None) -> IndicatorPart:
    return IndicatorPart(actual=actual, amount=None if amount is None else D(amount))


def test_aggregate_adds_absolute_values() -> None:
    total = aggregate((part("300件", "10"), part("完成2万件"), part("200件", "90")))
    assert total is not None
    assert total.direction is Direction.EQUAL
    assert total.value == Quantity(D(20500), "件")
    assert total.text == "300件；完成2万件；200件"


def test_aggregate_weights_relative_values_by_amount() -> None:
    total = aggregate((part("90%", "100"), part("60%", "50")))
    assert total is not None and total.value == Quantity(D(80), "%")  # (90×100 + 60×50)/150
    scores = aggregate((part("90分", "1"), part("80分", "3")))
    assert scores is not None and scores.value == Quantity(D("82.5"), "分")


def test_aggregate_averages_relative_values_without_amounts() -> None:
    total = aggregate((part("90%", "100"), part("60%")))
    assert total is not None and total.value == Quantity(D(75), "%")


@pytest.mark.parametrize("parts", [
    (part("300件"), part("20%")),  # mixed units
    (part("300件"), part("基本完成")),  # a part without a value
    (),
])
def test_aggregate_refuses(parts: tuple[IndicatorPart, ...]) -> None:
    assert aggregate(parts) is None


def test_indicator_scored_on_the_aggregate() -> None:
    indicator = make_indicator("≥500件", None, parts=[
        {"unit": "甲", "actual": "300件"}, {"unit": "乙", "actual": "150件"},
    ])
    r = score_indicator(indicator, D(20), "x", HUBEI)
    assert r.actual is not None and r.actual.value == Quantity(D(450), "件")
    assert str(r.score) == "18.000"


# --- groups -----------------------------------------------------------------------------


def test_missing_weights_share_the_rest_equally() -> None:
    inds = (make_indicator("≥10件", "10件", weight="30"), make_indicator("≥10件", "10件"),
            make_indicator("≥10件", "5件"))
    results = score_group(inds, D(80), "p.indicators", HUBEI)
    assert [r.weight for r in results] == [D(30), D(25), D(25)]
    assert [str(r.score) for r in results] == ["30.000", "25.000", "12.500"]
    assert [r.path for r in results] == ["p.indicators[0]", "p.indicators[1]", "p.indicators[2]"]


def test_weights_above_the_block_leave_nothing_to_share() -> None:
    inds = (make_indicator("≥10件", "10件", weight="90"), make_indicator("≥10件", "10件"))
    results = score_group(inds, D(80), "p", HUBEI)
    assert [r.weight for r in results] == [D(90), D(0)]  # never a negative weight


def test_unevaluated_satisfaction_is_dropped_and_the_rest_rescaled() -> None:
    """湖北 备注4: 满意度 may be left out; its 20 points go to the others in proportion."""
    inds = (make_indicator("≥10件", "10件", weight="30"),
            make_indicator("≥10件", "5件", weight="30"),
            make_indicator("满意度≥90%", None, weight="20", level1="满意度指标"))
    results = score_group(inds, D(80), "p", HUBEI)
    assert [r.basis for r in results] == [Basis.QUANTITATIVE, Basis.QUANTITATIVE, Basis.DROPPED]
    assert [r.weight for r in results] == [D(40), D(40), D(20)]
    assert [r.score for r in results] == [D(40), D(20), D(0)]
    assert results[2].explanation == "未评价的指标不计分，其权重按比例分配给其余指标"
    kept = [r for r in results if r.basis is not Basis.DROPPED]
    assert sum(r.weight for r in kept) == D(80)  # the block total is kept
    p = score_project(make_project([i.model_dump() for i in inds]), 0, HUBEI)
    assert p.total == D(80)  # 20 + 40 + 20


def test_unevaluated_satisfaction_is_not_dropped_where_it_is_required() -> None:
    inds = (make_indicator("≥10件", "10件", weight="45"),
            make_indicator("≥10件", "10件", weight="35"),
            make_indicator("满意度≥90%", None, weight="10", level1="满意度指标"))
    results = score_group(inds, D(90), "p", SICHUAN)
    assert [r.basis for r in results] == [Basis.QUANTITATIVE, Basis.QUANTITATIVE, Basis.UNSCORED]
    assert [r.score for r in results] == [D(45), D(35), D(0)]


def test_equal_shares_that_do_not_divide_add_up_to_the_block() -> None:
    """Three full indicators sharing 80 score 26.667 each as shown, and the block 80, not 80.001."""
    p = make_project([{"level1": "产出", "name": f"指标{n}", "target": "≥10件", "actual": "10件"}
                      for n in range(3)])
    r = score_project(p, 0, HUBEI)
    assert [str(i.score) for i in r.indicators] == ["26.667"] * 3
    assert (r.groups[0].score, r.total) == (D(80), D(100))
    d = DepartmentEvaluation.model_validate({"budget": 10, "executed": 10, "targets": [
        {"description": "甲", "weight": 20, "indicators": [
            {"level1": "产出", "name": f"甲{n}", "target": "≥10件", "actual": "10件"} for n in range(3)]},
        {"description": "乙", "weight": 60, "indicators": [
            {"level1": "产出", "name": f"乙{n}", "target": "≥10件", "actual": "10件"} for n in range(7)]},
    ]})
    dr = score_department(d, "部门", HUBEI)
    assert [g.score for g in dr.groups] == [D(20), D(60)]  # not 20.001 and 59.997
    assert dr.total == D(100)


def test_block_never_scores_above_its_weight() -> None:
    # stated weights of 90 in an 80-point block (a P.weights error): still at most 80
    p = make_project([{"level1": "产出", "name": "甲", "target": "≥10件", "actual": "10件", "weight": 45},
                      {"level1": "产出", "name": "乙", "target": "≥10件", "actual": "10件", "weight": 45}])
    r = score_project(p, 0, HUBEI)
    assert [i.score for i in r.indicators] == [D(45), D(45)]
    assert (r.groups[0].score, r.total) == (D(80), D(100))


def test_level1_weights_split_within_each_first_level() -> None:
    """central-2020 with no weight on the form: 产出 50, 效益 30, 满意度 10 shared within each."""
    p = make_project([
        {"level1": "产出", "name": "甲", "target": "≥10件", "actual": "10件"},
        {"level1": "效益", "name": "乙", "target": "≥90%", "actual": "45%"},
        {"level1": "产出", "name": "丙", "target": "≤5天", "actual": "10天"},
        {"level1": "满意度", "name": "丁", "target": "≥90%", "actual": "95%"},
    ], funds={"adjusted": 100, "executed": 95})
    r = score_project(p, 2, CENTRAL)
    assert [(g.description, g.weight, str(g.score)) for g in r.groups] == [
        ("产出指标", D(50), "37.50"), ("效益指标", D(30), "15.00"), ("满意度指标", D(10), "10.00"),
    ]
    assert [(i.path, i.weight) for i in r.indicators] == [
        ("performance.projects[2].indicators[0]", D(25)),
        ("performance.projects[2].indicators[2]", D(25)),
        ("performance.projects[2].indicators[1]", D(30)),
        ("performance.projects[2].indicators[3]", D(10)),
    ]
    assert str(r.total) == "72.00"  # 9.5 + 37.5 + 15 + 10


def test_grades() -> None:
    assert [HUBEI.grade(D(x)) for x in ("100", "90", "89.999", "80", "60", "59.99", "0", "-1")] == [
        "优", "优", "良", "良", "中", "差", "差", "差",
    ]
