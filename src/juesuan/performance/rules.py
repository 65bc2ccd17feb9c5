"""Checks of performance self-evaluations (绩效自评), in the same registry as the table checks.

They read a scored evaluation (:class:`juesuan.performance.scoring.PerformanceResult`)
together with its filing, and say what a careful reviewer would say: weights that do
not add up, scores above their weight, a printed rate or score that the figures do not
give, missing explanations of low execution or unmet targets, targets without a value,
actual values that cannot be compared with their target.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from juesuan.filing.model import Filing, Fund
from juesuan.filing.performance import FirstLevel
from juesuan.money import ZERO, decimal_places, in_core_context, per_wan, round_half_up
from juesuan.performance.scheme import Scheme
from juesuan.performance.scoring import (
    Basis,
    EvaluationResult,
    PerformanceResult,
    fmt,
    score_performance,
)
from juesuan.rules.finding import Finding, Location, Severity, sort_findings
from juesuan.rules.registry import Report, Rule, rule, run

P_REF = "评分办法（scheme）"


@dataclass(frozen=True)
class Scored:
    """What the performance rules read: the filing and its scored evaluations."""

    filing: Filing
    result: PerformanceResult


def where(path: str) -> Location:
    return Location(path=path)


def what(e: EvaluationResult) -> str:
    return "部门整体支出绩效自评" if e.kind == "department" else f"项目“{e.name}”"


@rule("P.weights", "分值合计", severity=Severity.ERROR, scope="performance",
      description="预算执行分值与各指标（或各年度目标）分值之和应等于总分；部门整体自评中每个年度目标下"
      "各指标分值（均已填写时）之和应等于该目标分值；规定了一级指标分值的办法"
      "（如 产出 50、效益 30、满意度 10），各一级指标下的分值之和应等于规定值。", reference=P_REF)
def weights(s: Scored, report: Report) -> None:
    scheme = s.result.scheme
    for e in s.result.evaluations:
        stated = [g.weight for g in e.groups] if e.kind == "department" else [
            i.indicator.weight for i in e.indicators if i.indicator.weight is not None
        ]
        block = sum(stated, ZERO)
        if e.kind == "project" and len(stated) != len(e.indicators):
            # Weights by 一级指标 only, or unstated weights sharing what the stated ones leave:
            # the stated ones must leave something to share.
            if block > scheme.indicators.total:
                report.fail(f"{what(e)}：已注明的指标分值合计为 {fmt(block)}，超过指标总分值 "
                            f"{fmt(scheme.indicators.total)}，未注明分值的指标无分可分",
                            where(e.path), expected=f"≤ {fmt(scheme.indicators.total)}",
                            found=fmt(block))
            continue
        if block != scheme.indicators.total:
            report.fail(f"{what(e)}：指标分值合计为 {fmt(block)}，加预算执行 {fmt(scheme.execution.weight)} 分"
                        f"共 {fmt(block + scheme.execution.weight)} 分，应为 {fmt(scheme.total)} 分",
                        where(e.path), expected=fmt(scheme.indicators.total), found=fmt(block))
        if e.kind == "department":
            for g in e.groups:
                inner = [i.indicator.weight for i in g.indicators]
                if inner and all(w is not None for w in inner):
                    got = sum((w for w in inner if w is not None), ZERO)
                    if got != g.weight:
                        report.fail(f"{what(e)}“{g.description}”：指标分值合计为 {fmt(got)}，应为该目标分值 "
                                    f"{fmt(g.weight)}", where(f"{g.path}.indicators"),
                                    expected=fmt(g.weight), found=fmt(got))
        level1 = scheme.indicators.level1_weights
        if level1 and e.kind == "project":
            within = scheme.indicators.weighted_level  # 成本 counted within 产出 …
            for level, weight in level1.items():
                got = sum((i.indicator.weight or ZERO for i in e.indicators
                           if within(i.indicator.level1) is level), ZERO)
                if got != weight:
                    report.fail(f"{what(e)}：{level.label}分值合计为 {fmt(got)}，应为 {fmt(weight)}",
                                where(f"{e.path}.indicators"), expected=fmt(weight), found=fmt(got))


@rule("P.score-cap", "得分不超过分值", severity=Severity.ERROR, scope="performance",
      description="表上每项得分（预算执行、各指标、各年度目标）不得超过其分值。", reference="自评表备注2")
def score_cap(s: Scored, report: Report) -> None:
    for e in s.result.evaluations:
        if e.stated.execution_score is not None and e.stated.execution_score > e.execution.weight:
            report.fail(f"{what(e)}：预算执行得分 {fmt(e.stated.execution_score)} 超过分值 "
                        f"{fmt(e.execution.weight)}", where(f"{e.path}.stated.execution_score"),
                        expected=f"≤ {fmt(e.execution.weight)}", found=fmt(e.stated.execution_score))
        for i in e.indicators:
            weight = i.indicator.weight
            stated = i.indicator.stated_score
            if stated is not None and weight is not None and stated > weight:
                report.fail(f"{what(e)}“{i.indicator.name}”：得分 {fmt(stated)} 超过分值 {fmt(weight)}",
                            where(f"{i.path}.stated_score"), expected=f"≤ {fmt(weight)}",
                            found=fmt(stated))
        for g in e.groups:
            if g.stated_score is not None and g.stated_score > g.weight:
                report.fail(f"{what(e)}“{g.description}”：得分 {fmt(g.stated_score)} 超过分值 {fmt(g.weight)}",
                            where(f"{g.path}.stated_score"), expected=f"≤ {fmt(g.weight)}",
                            found=fmt(g.stated_score))


def stated_rate(e: EvaluationResult) -> Decimal | None:
    rate = e.stated.rate
    if rate is None:
        return None
    return rate / 100 if e.stated.rate_is_percent else rate


@rule("P.rate", "执行率与得分的计算", severity=Severity.WARNING, scope="performance",
      description="表上执行率应等于 执行数/预算数 按评分办法规定位数四舍五入的结果；预算执行得分应等于"
      "分值 × 执行率。先把执行率舍入到较少位数再计分，会使得分偏离，须更正。", reference="自评表备注1")
def rate(s: Scored, report: Report) -> None:
    places = s.result.scheme.execution.rate_places
    for e in s.result.evaluations:
        ex = e.execution
        printed = stated_rate(e)
        if (printed is not None and ex.exact_rate is not None and ex.rate is not None
                and printed != ex.rate):
            shown = round_half_up(ex.exact_rate, places)
            coarse = round_half_up(ex.exact_rate, decimal_places(printed))
            why = "（表上执行率位数不足，系舍入后的结果）" if coarse == printed else ""
            report.fail(
                f"{what(e)}：执行率 = {fmt(ex.executed or ZERO)}/{fmt(ex.budget or ZERO)} = {fmt(shown)}"
                f"（保留 {places} 位），表上为 {fmt(printed)}{why}",
                where(f"{e.path}.stated.rate"), expected=fmt(shown), found=fmt(printed))
        if e.stated.execution_score is not None and e.stated.execution_score != ex.score:
            report.fail(
                f"{what(e)}：预算执行得分应为 {fmt(ex.score)}（{ex.explanation}），表上为 "
                f"{fmt(e.stated.execution_score)}，差 {fmt(e.stated.execution_score - ex.score)} 分",
                where(f"{e.path}.stated.execution_score"), expected=fmt(ex.score),
                found=fmt(e.stated.execution_score))


@rule("P.total", "总分", severity=Severity.ERROR, scope="performance",
      description="表上总分应等于预算执行得分与各指标（各年度目标）得分之和；与 juesuan 按评分办法计算的"
      "总分不同时说明差异（前者为错误，后者为警告）。", reference="自评表")
def total(s: Scored, report: Report) -> None:
    for e in s.result.evaluations:
        printed = e.stated.total
        if printed is None:
            continue
        parts: list[Decimal | None] = [e.stated.execution_score]
        if e.kind == "department":
            parts += [g.stated_score for g in e.groups]
        else:
            parts += [i.indicator.stated_score for i in e.indicators]
        if all(p is not None for p in parts):
            own = sum((p for p in parts if p is not None), ZERO)
            if own != printed:
                report.fail(f"{what(e)}：表上各项得分之和为 {fmt(own)}，总分却为 {fmt(printed)}",
                            where(f"{e.path}.stated.total"), expected=fmt(own), found=fmt(printed))
                continue
        if printed != e.total:
            report.fail(f"{what(e)}：按{s.result.scheme.title}计算总分为 {fmt(e.total)}，表上为 {fmt(printed)}，"
                        f"差 {fmt(printed - e.total)} 分", where(f"{e.path}.stated.total"),
                        expected=fmt(e.total), found=fmt(printed), severity=Severity.WARNING)


@rule("P.indicator-score", "指标得分", severity=Severity.WARNING, scope="performance",
      description="表上指标得分应与按评分办法计算的得分一致（定量：权重 × 完成比例，封顶；定性：档次比例）。",
      reference="自评表备注2、3")
def indicator_score(s: Scored, report: Report) -> None:
    for e in s.result.evaluations:
        for i in e.indicators:
            stated = i.indicator.stated_score
            if stated is None or i.basis is Basis.DROPPED or stated == i.score:
                continue
            report.fail(f"{what(e)}“{i.indicator.name}”：应得 {fmt(i.score)} 分（{i.explanation}），表上为 {fmt(stated)}",
                        where(f"{i.path}.stated_score"), expected=fmt(i.score), found=fmt(stated))


@rule("P.explanation", "偏差原因分析", severity=Severity.WARNING, scope="performance",
      description="执行率低于评分办法规定的阈值，或有指标未得满分时，须填写偏差原因分析和改进措施。",
      reference="评分办法 explanations")
def explanation(s: Scored, report: Report) -> None:
    scheme = s.result.scheme
    threshold = scheme.explanations.rate_below
    for e in s.result.evaluations:
        reasons: list[str] = []
        if threshold is not None and e.execution.rate is not None and e.execution.rate < threshold:
            reasons.append(f"执行率 {fmt(e.execution.rate * 100)}% 低于 {fmt(threshold * 100)}%")
        if scheme.explanations.unmet_indicator:
            unmet = [i.indicator.name for i in e.indicators
                     if i.basis is not Basis.DROPPED and not i.full]
            if unmet:
                reasons.append("指标未得满分：" + "、".join(unmet))
        if not reasons:
            continue
        for field, name in (("deviation_analysis", "偏差原因分析"), ("improvement", "改进措施")):
            if not (getattr(e, field) or "").strip():
                report.fail(f"{what(e)}：{'；'.join(reasons)}，但{name}为空", where(f"{e.path}.{field}"),
                            expected=f"填写{name}", found="空")


@rule("P.target-quantified", "目标值未量化", severity=Severity.WARNING, scope="performance",
      description="绩效目标应尽量量化（数值、比率、时限）；只重复指标名称或写成描述性文字的目标无法按比例计分，"
      "只能按定性档次评价。", reference="财预〔2020〕10号")
def target_quantified(s: Scored, report: Report) -> None:
    for e in s.result.evaluations:
        for i in e.indicators:
            if i.target is None and i.basis is not Basis.DROPPED:
                reason = i.problem or "目标值未量化"
                how = "已按记录的定性档次计分" if i.basis is Basis.QUALITATIVE else "无法计分"
                report.fail(f"{what(e)}“{i.indicator.name}”：{reason}（“{i.indicator.target}”），{how}",
                            where(f"{i.path}.target"), expected="量化的目标值，如 ≥95%、完成40万件",
                            found=i.indicator.target)


@rule("P.commensurable", "完成值与目标值不可比", severity=Severity.WARNING, scope="performance",
      description="实际完成值应与目标值口径一致（同一计量对象、单位和期间），否则不能按比例计分，"
      "例如以日峰值对照全年目标。", reference="自评表备注2")
def commensurable_rule(s: Scored, report: Report) -> None:
    for e in s.result.evaluations:
        for i in e.indicators:
            if i.target is not None and i.actual is not None and i.problem is not None:
                how = "已按记录的定性档次计分" if i.basis is Basis.QUALITATIVE else "无法计分"
                report.fail(f"{what(e)}“{i.indicator.name}”：{i.problem}（目标“{i.indicator.target}”，"
                            f"实际“{i.indicator.actual}”），{how}", where(f"{i.path}.actual"),
                            expected=f"与“{i.indicator.target}”同口径的完成值",
                            found=i.indicator.actual)


@rule("P.unscored", "指标无法计分", severity=Severity.ERROR, scope="performance",
      description="目标或完成值无法量化、也未记录定性评价档次（met / partly / unmet）的指标无法计分，按 0 分计。",
      reference="自评表备注3")
def unscored(s: Scored, report: Report) -> None:
    for e in s.result.evaluations:
        for i in e.indicators:
            if i.basis is Basis.UNSCORED:
                report.fail(f"{what(e)}“{i.indicator.name}”：{i.problem}，且未记录定性评价档次，按 0 分计",
                            where(f"{i.path}.tier"), expected="met、partly 或 unmet", found="未填")


@rule("P.tier-band", "定性得分比例在档次区间内", severity=Severity.ERROR, scope="performance",
      description="定性指标的得分比例应落在所记档次的区间内（如 达成 80%–100%，部分达成 50%–80%）。",
      reference="自评表备注3")
def tier_band(s: Scored, report: Report) -> None:
    scheme = s.result.scheme
    for e in s.result.evaluations:
        for i in e.indicators:
            ind = i.indicator
            if ind.tier is None or ind.fraction is None:
                continue
            band = scheme.qualitative[ind.tier]
            if not band.low <= ind.fraction <= band.high:
                report.fail(f"{what(e)}“{ind.name}”：档次为“{ind.tier.label}”，得分比例 {fmt(ind.fraction)} "
                            f"不在 {fmt(band.low)}–{fmt(band.high)} 之间", where(f"{i.path}.fraction"),
                            expected=f"{fmt(band.low)}–{fmt(band.high)}", found=fmt(ind.fraction))


@rule("P.over-target", "完成值远超目标", severity=Severity.INFO, scope="performance",
      description="完成值远超目标值时，应分析目标是否设定过低；按财预〔2020〕10号可酌情扣分，需人工判断。",
      reference="财预〔2020〕10号")
def over_target(s: Scored, report: Report) -> None:
    limit = s.result.scheme.explanations.over_target_review
    if limit is None:
        return
    for e in s.result.evaluations:
        for i in e.indicators:
            if i.ratio is not None and i.ratio > limit:
                report.fail(f"{what(e)}“{i.indicator.name}”：完成值为目标值的 {fmt(round_half_up(i.ratio, 2))} 倍，"
                            "请分析目标是否设定过低", where(f"{i.path}.target"),
                            expected=f"≤ {fmt(limit)} 倍", found=f"{fmt(round_half_up(i.ratio, 2))} 倍")


def _projects_sum(result: PerformanceResult) -> tuple[Decimal, Decimal]:
    budget = sum((p.execution.budget or ZERO for p in result.projects), ZERO)
    executed = sum((p.execution.executed or ZERO for p in result.projects), ZERO)
    return budget, executed


@rule("P.department-totals", "部门整体与项目、决算的衔接", severity=Severity.WARNING, scope="performance",
      description="部门整体支出绩效自评的预算数、执行数应与各项目自评之和、与决算支出相衔接："
      "执行数不应小于各项目执行数之和；执行数与决算支出（一般公共预算财政拨款）不一致时列出各数供核对。",
      reference="自评表备注1")
def department_totals(s: Scored, report: Report) -> None:
    d = s.result.department
    if d is None:
        return
    budget, executed = _projects_sum(s.result)
    scale = per_wan(s.filing.unit)
    if s.result.projects and d.execution.executed is not None and executed > d.execution.executed:
        report.fail(f"部门整体执行数 {fmt(d.execution.executed)} 万元小于所列项目执行数之和 {fmt(executed)} 万元",
                    where("performance.department.executed"), expected=f"≥ {fmt(executed)}",
                    found=fmt(d.execution.executed))
    fiscal = sum(
        (getattr(r, kind) or ZERO for r in s.filing.expenditure if r.fund is Fund.GENERAL_BUDGET
         for kind in ("basic", "project")), ZERO) / scale
    project_spend = sum((r.project or ZERO for r in s.filing.expenditure
                         if r.fund is Fund.GENERAL_BUDGET), ZERO) / scale
    if d.execution.executed is not None and fiscal and d.execution.executed not in (fiscal, project_spend):
        report.fail(
            f"部门整体执行数 {fmt(d.execution.executed)} 万元，与决算数不一致：一般公共预算财政拨款支出 "
            f"{fmt(fiscal)} 万元，其中项目支出 {fmt(project_spend)} 万元；各项目自评预算数合计 {fmt(budget)} 万元、"
            f"执行数合计 {fmt(executed)} 万元。请核对口径",
            where("performance.department.executed"), expected=f"{fmt(fiscal)} 或 {fmt(project_spend)}",
            found=fmt(d.execution.executed))


@rule("P.dropped", "未评价的指标", severity=Severity.WARNING, scope="performance",
      description="既无实际完成值也无定性档次的指标按评分办法不计分，其分值按比例分给其余指标；除可不评的满意度指标外，"
      "应补填完成情况。", reference="自评表备注4；财预〔2020〕10号")
def dropped(s: Scored, report: Report) -> None:
    optional = s.result.scheme.indicators.satisfaction_optional
    for e in s.result.evaluations:
        for i in e.indicators:
            if i.basis is not Basis.DROPPED:
                continue
            unweighted = s.result.scheme.indicators.weighted_level(i.indicator.level1) is None
            if unweighted and i.weight == ZERO:  # of a 一级指标 the scheme gives no points
                report.fail(f"{what(e)}“{i.indicator.name}”：{i.explanation}；请选择表样所依据的"
                            "评分办法，或在评分办法中规定其分值", where(f"{i.path}.level1"),
                            expected="评分办法规定了分值的一级指标", found=i.indicator.level1.label)
                continue
            satisfaction = i.indicator.level1 is FirstLevel.SATISFACTION
            severity = Severity.INFO if satisfaction and optional else None
            report.fail(f"{what(e)}“{i.indicator.name}”：未填写实际完成值或评价档次，不计分，"
                        "其分值按比例分给其余指标", where(f"{i.path}.actual"),
                        expected="实际完成值或评价档次", found="未填", severity=severity)


@rule("P.amounts", "预算数与执行数", severity=Severity.ERROR, scope="performance",
      description="自评表的预算数应大于零、执行数应填写且不能为负，否则无法计算执行率。", reference="自评表备注1")
def amounts(s: Scored, report: Report) -> None:
    for e in s.result.evaluations:
        ex = e.execution
        if ex.budget is None or ex.budget <= 0:
            report.fail(f"{what(e)}：预算数缺失或不大于零，无法计算执行率，预算执行按 0 分计",
                        where(f"{e.path}"), expected="> 0",
                        found="未填" if ex.budget is None else fmt(ex.budget))
        if ex.executed is None:
            report.fail(f"{what(e)}：执行数缺失，无法计算执行率，预算执行按 0 分计", where(f"{e.path}"),
                        expected="执行数", found="未填")
        elif ex.executed < 0:
            report.fail(f"{what(e)}：执行数为负", where(f"{e.path}"), expected="≥ 0", found=fmt(ex.executed))


# Every rule of this module, in the order they are run.
RULES: tuple[Rule, ...] = (
    weights,
    score_cap,
    rate,
    total,
    indicator_score,
    explanation,
    target_quantified,
    commensurable_rule,
    unscored,
    tier_band,
    over_target,
    department_totals,
    dropped,
    amounts,
)


@in_core_context
def check_performance(filing: Filing, scheme: Scheme) -> tuple[PerformanceResult | None, list[Finding]]:
    """Score the filing's self-evaluations under ``scheme`` and check them."""
    if filing.performance is None:
        return None, []
    result = score_performance(filing.performance, filing.department.name, scheme)
    return result, sort_findings(run(RULES, Scored(filing, result)))
