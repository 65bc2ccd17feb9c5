"""绩效自评表 read from a report (juesuan.audit.selfeval) and judged by the P.* rules in the audit.

The seed (tests/fixtures/reports/seed-suizhou-2020.txt) prints one 部门整体 form and four
project forms in the Hubei 20/80 layout; examples/suizhou-zwfw-2020.yaml transcribes them
by hand. Every P.* finding on the seed pinned below was checked by hand against the form.
The central and Sichuan forms are written here after domain.md §5.1/§5.4 (no real copy
is in the repository): their figures are made up, their layout is the published one.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from damage import damage

from juesuan.audit.check import audit
from juesuan.audit.selfeval import (
    check_forms,
    figure,
    guess_scheme,
    read_forms,
    self_evaluation,
)
from juesuan.audit.source import from_text
from juesuan.filing.io import load_filing
from juesuan.filing.performance import (
    DepartmentEvaluation,
    Direction,
    FirstLevel,
    Performance,
    ProjectEvaluation,
    Tier,
)
from juesuan.performance.scheme import bundled_schemes, load_scheme
from juesuan.performance.scoring import score_performance
from juesuan.rules.finding import Finding, Severity

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "reports" / "seed-suizhou-2020.txt"
EXAMPLE = ROOT / "examples" / "suizhou-zwfw-2020.yaml"
D = Decimal
W, E = Severity.WARNING, Severity.ERROR
SCHEMES = bundled_schemes()  # resolved here, at the edge, as the command line does

CENTRAL = """\
附件2
项目支出绩效自评表
（2019年度）
项目名称 | 城区绿化管护 |  |  |  |  |  |
主管部门 | 某市城市管理局 |  |  | 实施单位 | 某市园林绿化中心 |  |
项目资金（万元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
 | 年度资金总额 | 287 | 287 | 171 | 10 | 60% | 6
 | 其中：当年财政拨款 | 287 | 287 | 171 | — | — | —
 | 上年结转资金 |  |  |  | — | — | —
 | 其他资金 |  |  |  | — | — | —
年度总体目标 | 预期目标 |  |  | 实际完成情况 |  |  |
 | 完成城区绿地管护1200亩 |  |  | 完成城区绿地管护1150亩 |  |  |
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
 | 产出指标(50分) | 数量指标 | 管护面积 | ≥1200亩 | 1150亩 | 30 | 28.75 | 部分地块移交，下年度核减目标
 |  | 质量指标 | 苗木成活率 | ≥95% | 96% | 20 | 20 |
 | 效益指标(30分) | 生态效益指标 | 绿化覆盖率 | ≥40% | 41% | 30 | 30 |
 | 满意度指标(10分) | 服务对象满意度指标 | 市民满意度 | ≥90% | 92% | 10 | 10 |
总分 |  |  |  |  |  | 100 | 94.75 |
"""

SICHUAN = """\
2023年度农村公路养护项目支出绩效自评表
项目名称 | 农村公路养护 |  |  |
主管部门 | 某县交通运输局 | 实施单位 | 某县公路养护中心 |
项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
年度资金总额 | 200 | 200 | 170 | 10 | 85.00% | 8.5
一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | 实际完成值 | 得分 | 偏差原因分析及改进措施
产出指标 | 数量指标 | 养护里程 | ≥ | 120 | 公里 | 30 | 130 | 30 |
产出指标 | 质量指标 | 路况优良率 | ≥ | 85 | % | 20 | 80 | 18.82 | 雨季水毁路段较多
效益指标 | 社会效益指标 | 群众出行条件改善 | = | 明显改善 |  | 20 | 明显改善 | 20 |
满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥ | 90 | % | 20 | 92 | 20 |
总分 |  |  |  |  |  | 100 |  | 96.82 |
"""


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def of(text: str, name: str = "report.txt") -> list[Finding]:
    found = self_evaluation(from_text(text, name), SCHEMES)
    assert found is not None
    return check_forms(found, file=name, schemes=SCHEMES)


def _same(text: str | None) -> str | None:
    """The example writes full-width commas where the seed prints ASCII ones."""
    return None if text is None else text.replace("，", ",")


# --- the seed: what is read ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_performance() -> Performance:
    found = self_evaluation(from_text(seed_text(), SEED.name), SCHEMES)
    assert found is not None
    assert found.scheme == "hubei-2020"
    return found.performance


@pytest.fixture(scope="module")
def example_performance() -> Performance:
    performance = load_filing(EXAMPLE).filing.performance
    assert performance is not None
    return performance


def test_seed_forms_are_found_with_their_titles() -> None:
    forms = read_forms(from_text(seed_text(), SEED.name))
    assert [(f.kind, f.path, f.title, f.place.line) for f in forms] == [
        ("department", "performance.department", "2020年度市政务服务和大数据管理局部门整体绩效自评表", 63),
        ("project", "performance.projects[0]", "2020年度运行维护管理经费项目自评表", 103),
        ("project", "performance.projects[1]", "2020年度互联网+放管服项目自评表", 121),
        ("project", "performance.projects[2]", "2020年度12345市长热线项目自评表", 138),
        ("project", "performance.projects[3]", "2020年度便民邮寄政府集中付费项目自评表", 156),
    ]
    assert {f.execution_weight for f in forms} == {D(20)}
    # “1121.82.” is read as 1121.82 and said to be malformed
    assert forms[2].notes[0] == "年度财政资金总额“1121.82.”书写有误，按 1121.82 读取"


def test_seed_department_form_is_the_hand_transcription(seed_performance: Performance,
                                                        example_performance: Performance) -> None:
    ours, theirs = seed_performance.department, example_performance.department
    assert isinstance(ours, DepartmentEvaluation) and isinstance(theirs, DepartmentEvaluation)
    assert (ours.name, ours.basic_total, ours.project_total, ours.budget, ours.executed) == (
        theirs.name, theirs.basic_total, theirs.project_total, theirs.budget, theirs.executed)
    assert ours.stated == theirs.stated
    assert [(_same(t.description), t.weight, t.stated_score) for t in ours.targets] == [
        (_same(t.description), t.weight, t.stated_score) for t in theirs.targets]
    for mine, hand in zip(ours.targets, theirs.targets, strict=True):
        assert [(i.level1, i.level2, _same(i.name), _same(i.target), _same(i.actual), i.weight, i.tier)
                for i in mine.indicators] == [
            (i.level1, i.level2, _same(i.name), _same(i.target), _same(i.actual), i.weight, i.tier)
            for i in hand.indicators]
    assert ours.deviation_analysis is None and ours.improvement is None


def test_seed_project_forms_are_the_hand_transcription(seed_performance: Performance,
                                                       example_performance: Performance) -> None:
    assert len(seed_performance.projects) == len(example_performance.projects) == 4
    for mine, hand in zip(seed_performance.projects, example_performance.projects, strict=True):
        assert (mine.name, mine.department, mine.implementer, mine.category, mine.attribute, mine.kind) == (
            hand.name, hand.department, hand.implementer, hand.category, hand.attribute, hand.kind)
        assert mine.funds == hand.funds
        assert mine.stated == hand.stated
        assert _same(mine.summary) == _same(hand.summary)
        # the form prints no 分值: the scores add up to 80, so each weight is its score
        assert [(i.level1, i.level2, _same(i.name), _same(i.target), _same(i.actual), i.weight,
                 i.stated_score, i.tier) for i in mine.indicators] == [
            (i.level1, i.level2, _same(i.name), _same(i.target), _same(i.actual), i.weight,
             i.stated_score, i.tier) for i in hand.indicators]


def test_seed_scores_as_the_example(seed_performance: Performance,
                                    example_performance: Performance) -> None:
    scheme = load_scheme("hubei-2020")
    ours = score_performance(seed_performance, "随州市政务服务和大数据管理局", scheme)
    theirs = score_performance(example_performance, "随州市政务服务和大数据管理局", scheme)
    assert [e.total for e in ours.evaluations] == [e.total for e in theirs.evaluations] == [
        D("96.742"), D("100"), D("97.258"), D("97.45"), D("86.246")]
    assert [i.score for e in ours.evaluations for i in e.indicators] == [
        i.score for e in theirs.evaluations for i in e.indicators]


# --- the seed: what the audit says ---------------------------------------------------------------

# (rule, severity, line, path under performance., expected, found), each checked by hand:
SEED_FINDINGS = [
    # 互联网+放管服: 1121.82 / 1300 = 0.862938… → 0.8629; 20 × 0.8629 = 17.258; 17.258 + 80 = 97.258,
    # while the form prints 0.86, 17.2 and 97.2 (its own parts 17.2 + 30 + 30 + 20 do add up to 97.2)
    ("P.rate", W, 128, "projects[1].stated.rate", "0.8629", "0.86"),
    ("P.rate", W, 128, "projects[1].stated.execution_score", "17.258", "17.2"),
    ("P.total", W, 133, "projects[1].stated.total", "97.258", "97.2"),
    # 便民邮寄: 9.37 / 30 = 0.312333… → 0.3123; 20 × 0.3123 = 6.246; 86.246 against 86.2
    ("P.rate", W, 163, "projects[3].stated.rate", "0.3123", "0.31"),
    ("P.rate", W, 163, "projects[3].stated.execution_score", "6.246", "6.2"),
    ("P.total", W, 168, "projects[3].stated.total", "86.246", "86.2"),
    # 执行率 below 90 % and the 偏差原因分析 / 改进措施 rows empty: 部门整体 83.71 %,
    # 互联网+放管服 86.29 %, 12345市长热线 87.25 %, 便民邮寄 31.23 %
    ("P.explanation", W, 93, "department.deviation_analysis", "填写偏差原因分析", "空"),
    ("P.explanation", W, 94, "department.improvement", "填写改进措施", "空"),
    ("P.explanation", W, 134, "projects[1].deviation_analysis", "填写偏差原因分析", "空"),
    ("P.explanation", W, 135, "projects[1].improvement", "填写改进措施", "空"),
    ("P.explanation", W, 152, "projects[2].deviation_analysis", "填写偏差原因分析", "空"),
    ("P.explanation", W, 153, "projects[2].improvement", "填写改进措施", "空"),
    ("P.explanation", W, 169, "projects[3].deviation_analysis", "填写偏差原因分析", "空"),
    ("P.explanation", W, 170, "projects[3].improvement", "填写改进措施", "空"),
    # 目标 that repeats the indicator's name, or states no figure
    ("P.target-quantified", W, 71, "department.targets[0].indicators[1].target",
     "量化的目标值，如 ≥95%、完成40万件", "数据共享平台编制政务信息资源目录数"),
    ("P.target-quantified", W, 79, "department.targets[1].indicators[2].target",
     "量化的目标值，如 ≥95%、完成40万件",
     "按时支付服务大厅每月水电费、天然气费用、保安、保洁、花卉以及日常维修和人员费用"),
    ("P.target-quantified", W, 90, "department.targets[3].indicators[1].target",
     "量化的目标值，如 ≥95%、完成40万件", "免费寄递 服务"),
    ("P.target-quantified", W, 114, "projects[0].indicators[2].target",
     "量化的目标值，如 ≥95%、完成40万件",
     "按时支付服务大厅每月水电费、天然气费用、保安、保洁、花卉以及日常维修和人员费用"),
    ("P.target-quantified", W, 166, "projects[3].indicators[1].target",
     "量化的目标值，如 ≥95%、完成40万件", "免费寄递 服务"),
    # 话务接听量达到6万个 (a year's total) against 日话务量最高近2万多个 (a day's peak);
    # 转办1.2万件 against 受理疫情诉求10万余件 (another measure)
    ("P.commensurable", W, 84, "department.targets[2].indicators[1].actual",
     "与“话务接听量达到6万个”同口径的完成值", "日话务量最高近2万多个"),
    ("P.commensurable", W, 85, "department.targets[2].indicators[2].actual",
     "与“转办1.2万件”同口径的完成值", "受理疫情诉求10万余件"),
    ("P.commensurable", W, 148, "projects[2].indicators[1].actual",
     "与“话务接听量达到6万个”同口径的完成值", "日话务量最高近2万多个"),
    ("P.commensurable", W, 149, "projects[2].indicators[2].actual",
     "与“转办1.2万件”同口径的完成值", "受理疫情诉求10万余件"),
]


@pytest.fixture(scope="module")
def seed_audit() -> list[Finding]:
    result = audit(from_text(seed_text(), SEED.name), schemes=SCHEMES)
    return [f for f in result.findings if f.rule.startswith("P.")]


def test_seed_audit_reports_the_forms_defects(seed_audit: list[Finding]) -> None:
    found = sorted((f.rule, f.severity, f.location.line, (f.location.path or "").removeprefix("performance."),
                    f.expected, f.found) for f in seed_audit)
    assert found == sorted(SEED_FINDINGS)


def test_the_audit_reads_no_scheme_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The schemes are resolved at the edge: given them, the audit scores the forms without
    reading a file; without them, the forms are read (and imported) but not scored."""
    def refuse(name: str) -> None:
        raise AssertionError(f"the audit read the scheme file {name}")

    monkeypatch.setattr("juesuan.performance.scheme.load_scheme", refuse)
    source = from_text(seed_text(), SEED.name)
    scored = audit(source, schemes=SCHEMES)
    assert scored.self_evaluation is not None and scored.self_evaluation.scheme == "hubei-2020"
    assert any(f.rule.startswith("P.") for f in scored.findings)

    unscored = audit(source)
    assert unscored.self_evaluation is not None and unscored.self_evaluation.scheme == "hubei-2020"
    assert [f for f in unscored.findings if f.rule.startswith("P.")] == []
    names = [p.name for p in unscored.self_evaluation.performance.projects]
    assert names == [p.name for p in scored.self_evaluation.performance.projects] and len(names) == 4
    assert audit(source, schemes={}).self_evaluation is not None  # a scheme not among those given
    assert not [f for f in audit(source, schemes={}).findings if f.rule.startswith("P.")]


def test_seed_consistent_forms_have_no_rate_or_total_finding(seed_audit: list[Finding]) -> None:
    # 运行维护管理经费 100 (200/200), 12345市长热线 97.45 (349/400 = 0.8725), 部门整体 96.742
    # (1722.6725/2058 = 0.8371, 16.742 + 30 + 15 + 20 + 15)
    consistent = ("performance.department", "performance.projects[0]", "performance.projects[2]")
    assert [f for f in seed_audit if f.rule in ("P.rate", "P.total", "P.indicator-score", "P.weights")
            and (f.location.path or "").startswith(consistent)] == []
    assert not any(f.severity is E for f in seed_audit)


def test_seed_findings_quote_the_form(seed_audit: list[Finding]) -> None:
    [total] = [f for f in seed_audit if f.rule == "P.total" and f.found == "97.2"]
    loc = total.location
    assert (loc.file, loc.line, loc.section, loc.quote) == (
        SEED.name, 133, "2020年度互联网+放管服项目自评表", "总分 | 97.2")
    assert "97.258" in total.message
    [rate] = [f for f in seed_audit if f.rule == "P.rate" and f.found == "0.86"]
    assert rate.location.quote == "年度财政资金总额 | 1300 | 1121.82. | 0.86 | 17.2"


# --- tiers, weights and blocks inferred from what the form prints ---------------------------------


def test_qualitative_tier_follows_the_printed_score() -> None:
    # 运行维护管理经费: 能源消耗… scored 15 of 20 and 总分 95. The scores no longer add up to 80,
    # so the weights are unknown and shared equally (80 / 4 = 20 each).
    text = seed_text().replace(
        "按时支付服务大厅每月水电费、天然气费用、保安、保洁、花卉以及日常维修和人员费用 | 20 |",
        "按时支付服务大厅每月水电费、天然气费用、保安、保洁、花卉以及日常维修和人员费用 | 15 |",
    ).replace("总分 | 100 |", "总分 | 95 |")
    found = self_evaluation(from_text(text, "r.txt"), SCHEMES)
    assert found is not None
    project = found.performance.projects[0]
    [energy] = [i for i in project.indicators if i.name == "能源消耗、物业管理、日常维护"]
    assert (energy.weight, energy.tier, energy.fraction, energy.stated_score) == (None, Tier.PARTLY,
                                                                              D("0.75"), D(15))
    paths = {f.location.path for f in check_forms(found, file="r.txt", schemes=SCHEMES)
             if f.rule in ("P.total", "P.indicator-score", "P.weights")}
    assert not any(p and p.startswith("performance.projects[0]") for p in paths)


def test_block_score_is_shared_by_its_qualitative_indicators() -> None:
    # 部门整体 年度目标2 (15分) printed 12: the three quantitative indicators earn 3 × 3.75 = 11.25,
    # so 能源消耗… earns 0.75 of its 3.75 — 20 %: 未达成.
    lines = seed_text().splitlines()
    assert lines[77 - 1].startswith("产出指标 | 数量指标 | 政务服务大厅办件情况") and "| 15 |" in lines[76]
    lines[76] = lines[76].replace("| 15 |", "| 12 |")
    found = self_evaluation(from_text("\n".join(lines), "r.txt"), SCHEMES)
    assert found is not None and found.performance.department is not None
    target = found.performance.department.targets[1]
    assert target.stated_score == D(12)
    [energy] = [i for i in target.indicators if i.tier is not None]
    assert (energy.name, energy.tier, energy.fraction) == ("能源消耗、物业管理、日常维护", Tier.UNMET, D("0.2"))
    findings = check_forms(found, file="r.txt", schemes=SCHEMES)
    [total] = [f for f in findings if f.rule == "P.total" and f.location.path == "performance.department.stated.total"]
    # 16.742 + 30 + 12 + 20 + 15 = 93.742, while the form still prints 96.742
    assert (total.severity, total.expected, total.found) == (E, "93.742", "96.742")


def test_form_split_by_a_page_break_is_one_form() -> None:
    lines = seed_text().splitlines()
    at = lines.index("产出指标 | 质量指标 | 推动政务热线服务 | 四级网络全覆盖 | 四级网络全覆盖、服务一体化 | 20 | ||||")
    lines.insert(at + 1, "- 7 -")
    forms = read_forms(from_text("\n".join(lines), "r.txt"))
    assert len(forms) == 5
    project = forms[3].evaluation
    assert isinstance(project, ProjectEvaluation) and len(project.indicators) == 4
    assert project.stated.total == D("97.45")


# --- the central and Sichuan forms ---------------------------------------------------------------


def test_central_form_is_read() -> None:
    found = self_evaluation(from_text(CENTRAL, "central.txt"), SCHEMES)
    assert found is not None and found.scheme == "central-2020"
    [project] = found.performance.projects
    assert (project.name, project.department, project.implementer) == (
        "城区绿化管护", "某市城市管理局", "某市园林绿化中心")
    total = project.funds.total
    assert (total.initial, total.adjusted, total.executed) == (D(287), D(287), D(171))
    assert project.funds.current_year is not None and project.funds.current_year.executed == D(171)
    assert project.funds.carried_over is None and project.funds.other is None
    assert (project.goal, project.achieved) == ("完成城区绿地管护1200亩", "完成城区绿地管护1150亩")
    assert [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.stated_score)
            for i in project.indicators] == [
        (FirstLevel.OUTPUT, "数量指标", "管护面积", "≥1200亩", "1150亩", D(30), D("28.75")),
        (FirstLevel.OUTPUT, "质量指标", "苗木成活率", "≥95%", "96%", D(20), D(20)),
        (FirstLevel.BENEFIT, "生态效益指标", "绿化覆盖率", "≥40%", "41%", D(30), D(30)),
        (FirstLevel.SATISFACTION, "服务对象满意度指标", "市民满意度", "≥90%", "92%", D(10), D(10)),
    ]
    assert project.indicators[0].deviation == "部分地块移交，下年度核减目标"
    # the per-indicator column (偏差原因分析及改进措施) is the form's explanation
    assert project.deviation_analysis == project.improvement == "管护面积：部分地块移交，下年度核减目标"
    assert (project.stated.rate, project.stated.rate_is_percent, project.stated.execution_score,
            project.stated.total) == (D(60), True, D(6), D("94.75"))


def test_central_form_findings() -> None:
    found = sorted((f.rule, f.severity, f.location.line, f.expected, f.found) for f in of(CENTRAL))
    # 171 / 287 = 0.59582 → 59.58 %, printed 60 % and scored 6 (10 × 0.5958 = 5.96, domain.md §6 EZ);
    # 5.96 + 28.75 + 20 + 30 + 10 = 94.71 against the printed 94.75
    assert found == [
        ("P.rate", W, 7, "0.5958", "0.6"),
        ("P.rate", W, 7, "5.96", "6"),
        ("P.total", W, 18, "94.71", "94.75"),
    ]


def test_sichuan_form_is_read_and_judged() -> None:
    found = self_evaluation(from_text(SICHUAN, "sichuan.txt"), SCHEMES)
    assert found is not None and found.scheme == "sichuan-2023"
    [project] = found.performance.projects
    assert [(i.name, i.direction, i.unit, i.target, i.actual) for i in project.indicators] == [
        ("养护里程", Direction.AT_LEAST, "公里", "≥120公里", "130公里"),
        ("路况优良率", Direction.AT_LEAST, "%", "≥85%", "80%"),
        ("群众出行条件改善", Direction.EQUAL, None, "明显改善", "明显改善"),
        ("群众满意度", Direction.AT_LEAST, "%", "≥90%", "92%"),
    ]
    qualitative = project.indicators[2]
    assert (qualitative.tier, qualitative.fraction) == (Tier.MET, D(1))  # 20 of 20
    findings = sorted((f.rule, f.severity, f.location.line, f.expected, f.found) for f in of(SICHUAN))
    # 8.5 + 30 + 18.82 (20 × 80/85 = 18.824) + 20 + 20 = 97.32, printed 96.82
    assert findings == [
        ("P.target-quantified", W, 9, "量化的目标值，如 ≥95%、完成40万件", "明显改善"),
        ("P.total", E, 11, "97.32", "96.82"),
    ]


def test_scheme_guessed_from_the_points() -> None:
    forms = read_forms(from_text(CENTRAL.replace("| 10 | 60% |", "|  | 60% |"), "c.txt"))
    assert forms[0].execution_weight is None
    assert guess_scheme(forms) == "central-2020"  # indicator points 90
    forms = read_forms(from_text(SICHUAN.replace("| 10 | 85.00% |", "|  | 85.00% |"), "s.txt"))
    assert guess_scheme(forms) == "sichuan-2023"  # 90 points and 指标性质


def test_figures_as_printed() -> None:
    assert figure("1121.82.") == figure("1121.82.") and figure("1121.82.") is not None
    bad = figure("1121.82.")
    assert bad is not None and (bad.value, bad.malformed) == (D("1121.82"), "1121.82.")
    assert figure("87.25%") is not None and figure("87.25%").percent  # type: ignore[union-attr]
    assert figure("175.77万元").value == D("175.77")  # type: ignore[union-attr]
    assert figure("—") is None and figure("满意度90分") is None and figure("1,234.5") is not None


def test_reports_without_forms_have_no_performance() -> None:
    for name in ("01_shanghai-putuo-czj-2024.txt", "05_shanghai-district-final-accounts-template-2024.txt"):
        text = (ROOT / "tests" / "fixtures" / "reports" / name).read_text(encoding="utf-8")
        assert self_evaluation(from_text(text, name), SCHEMES) is None


def test_damaged_forms_never_crash() -> None:
    rng = random.Random(20200101)
    texts = [seed_text().splitlines(), CENTRAL.splitlines(), SICHUAN.splitlines()]
    junk = ["", "|", " | | ", "XX", "总分", "三级指标", "一级指标 | 二级指标 | 三级指标", "预算数 | 执行数",
            "年度目标1:(30分) | x", "-5", "0", "99999999999", "1e5", "满意度指标", "√□", "项目名称",
            "单位名称 | ", "偏差原因", "改进措施", "自评表", "—", "1121.82.", "100%"]
    for _ in range(80):
        lines = damage(rng.choice(texts), rng, junk, rng.randint(1, 20), (0.25, 0.45, 0.8))
        result = audit(from_text("\n".join(lines), "damaged.txt"), schemes=SCHEMES)
        assert all(f.message for f in result.findings)


# --- figures out of bounds: unreadable cells, never a crash ------------------------------------

HUGE_FIGURES = [
    pytest.param("| 60% |", "| 1234567890123456789% |", id="rate-19-digits"),  # was a ValidationError
    pytest.param("| 60% |", "| 0." + "1" * 30 + " |", id="rate-30-places"),  # was InvalidOperation
    pytest.param("| 60% |", "| " + "9" * 5000 + " |", id="rate-5000-digits"),
    pytest.param("| 171 | 10 |", "| 1" + "0" * 30 + " | 10 |", id="executed-31-digits"),
    pytest.param("| 30 | 28.75 |", "| " + "9" * 40 + " | 28.75 |", id="weight-40-digits"),
    pytest.param("产出指标(50分)", "产出指标(" + "9" * 40 + "分)", id="points-40-digits"),
    pytest.param("总分 |  |  |  |  |  | 100 | 94.75 |", "总分 |  |  |  |  |  | 100 | 0." + "9" * 30 + " |",
                 id="total-30-places"),
]


@pytest.mark.parametrize(("old", "new"), HUGE_FIGURES)
def test_figures_out_of_bounds_are_unreadable_cells(old: str, new: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from juesuan.cli import app

    assert CENTRAL.count(old) == 1, old
    path = tmp_path / "report.txt"
    path.write_text("2019年度部门决算\n" + CENTRAL.replace(old, new), encoding="utf-8")
    found = self_evaluation(from_text(path.read_text(encoding="utf-8"), path.name), SCHEMES)
    assert found is not None and len(found.forms) == 1  # the form is still read
    runner = CliRunner()
    for args in (["audit", str(path)], ["audit", str(path), "-f", "json"],
                 ["import", str(path), "-o", str(tmp_path / "out.yaml")]):
        result = runner.invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args, repr(result.exception))
        assert result.exit_code in (0, 1), (args, result.output)


def test_out_of_bounds_figure_is_noted_on_import(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from juesuan.cli import app

    path = tmp_path / "report.txt"
    path.write_text("2019年度部门决算\n" + CENTRAL.replace("| 60% |", "| 1234567890123456789% |"),
                    encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert CliRunner().invoke(app, ["import", str(path), "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "年度资金总额“1234567890123456789%”数值超出可处理的范围" in text
    assert "rate:" not in text  # the cell is unreadable, not a wrong figure


def test_figures_beyond_the_bounds() -> None:
    assert figure("1234567890123456789%") is None
    assert figure("0." + "1" * 11) is None
    assert figure("9" * 5000) is None
    assert figure("123456789012345678.1234567890%") is not None  # 18 + 10 digits: the largest


# --- a form printed one cell a line ---------------------------------------------------------------


def one_cell_a_line(text: str) -> str:
    """``text`` as a web page's table copied as text prints it: every cell on a line of its own,
    “|” after it, an empty cell a bare “|”."""
    out: list[str] = []
    for line in text.splitlines():
        if "|" not in line:
            out.append(line)
            continue
        cells = line.split("|")  # “… | 30 |”: the last cell is empty
        out.extend(f"{cell.strip()} |" if cell.strip() else "|" for cell in cells)
    return "\n".join(out) + "\n"


def test_form_printed_one_cell_a_line_reads_as_the_grid() -> None:
    flat = one_cell_a_line(SICHUAN)
    assert "养护里程 |\n≥ |\n120 |" in flat and "\n|\n" in flat
    as_grid = self_evaluation(from_text(SICHUAN, "s.txt"), SCHEMES)
    as_cells = self_evaluation(from_text(flat, "s.txt"), SCHEMES)
    assert as_grid is not None and as_cells is not None
    assert as_cells.performance == as_grid.performance
    assert as_cells.scheme == as_grid.scheme == "sichuan-2023"
    # the findings are the same, each on the line of the row's first cell (an indicator's: its name)
    grid_findings = sorted((f.rule, f.expected, f.found) for f in of(SICHUAN))
    cell_findings = of(flat)
    assert sorted((f.rule, f.expected, f.found) for f in cell_findings) == grid_findings
    lines = flat.splitlines()
    assert {f.rule: lines[f.location.line - 1] for f in cell_findings} == {
        "P.target-quantified": "群众出行条件改善 |", "P.total": "总分 |"}
