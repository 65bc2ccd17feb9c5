"""Scoring of self-evaluations under a scheme. Pure functions.

Every score carries the Chinese sentence that says which rule produced it, so a
reviewer can follow the arithmetic: 预算执行 = 分值 × 执行率; 正向指标 = 权重 × B/A;
反向指标 = 权重 × A/B; 定性指标 = 权重 × 档次比例; each capped at its weight.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from juesuan.filing.performance import (
    AnnualTarget,
    DepartmentEvaluation,
    Direction,
    FirstLevel,
    Indicator,
    IndicatorPart,
    Performance,
    ProjectEvaluation,
    Stated,
)
from juesuan.money import ZERO, in_core_context, round_half_up
from juesuan.performance.scheme import Scheme
from juesuan.performance.targets import (
    Quantity,
    Target,
    commensurable,
    parse_actual,
    parse_target,
    ratio,
)

RELATIVE_UNITS = frozenset({"%", "‰", "分", "百分点"})


class Basis(StrEnum):
    QUANTITATIVE = "quantitative"  # 定量：按完成值与目标值之比
    QUALITATIVE = "qualitative"  # 定性：按评价档次
    UNSCORED = "unscored"  # 无法计分
    DROPPED = "dropped"  # 未评价的可选指标，不计分

    @property
    def label(self) -> str:
        return {"quantitative": "定量", "qualitative": "定性", "unscored": "无法计分",
                "dropped": "不计"}[self.value]


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    path: str  # field path in the filing
    weight: Decimal  # effective weight (after any rescaling)
    score: Decimal
    basis: Basis
    explanation: str
    target: Target | None
    actual: Target | None
    ratio: Decimal | None
    problem: str | None  # why it could not be scored by ratio
    exact: Decimal | None = None  # the score before rounding; what a block adds up (None: ``score``)

    @property
    def full(self) -> bool:
        # Unrounded: a full share of 80/6 shows as 13.333, below its weight 13.333…
        return (self.score if self.exact is None else self.exact) >= self.weight


@dataclass(frozen=True)
class ExecutionResult:
    budget: Decimal | None  # A
    executed: Decimal | None  # B
    exact_rate: Decimal | None  # B/A unrounded
    rate: Decimal | None  # B/A rounded as the scheme says
    weight: Decimal
    score: Decimal
    explanation: str


@dataclass(frozen=True)
class GroupResult:
    """A block of indicators with its weight: a department's 年度目标, or a project's 指标."""

    description: str
    weight: Decimal
    indicators: tuple[IndicatorResult, ...]
    score: Decimal
    stated_score: Decimal | None
    path: str


@dataclass(frozen=True)
class EvaluationResult:
    kind: Literal["project", "department"]
    name: str
    path: str
    execution: ExecutionResult
    groups: tuple[GroupResult, ...]
    total: Decimal
    grade: str
    stated: Stated
    deviation_analysis: str | None
    improvement: str | None

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for g in self.groups for i in g.indicators)


@dataclass(frozen=True)
class PerformanceResult:
    scheme: Scheme
    department: EvaluationResult | None
    projects: tuple[EvaluationResult, ...]

    @property
    def evaluations(self) -> tuple[EvaluationResult, ...]:
        return ((self.department,) if self.department else ()) + self.projects


def fmt(value: Decimal) -> str:
    """A number for explanations: no trailing zeros, no exponent."""
    text = format(value.normalize(), "f")
    return text


# --- budget execution ---------------------------------------------------------------


def score_execution(budget: Decimal | None, executed: Decimal | None, scheme: Scheme) -> ExecutionResult:
    weight = scheme.execution.weight
    if budget is None or executed is None or budget <= 0 or executed < 0:
        if executed is not None and executed < 0:
            why = "执行数为负"
        elif budget is not None and budget > 0:
            why = "执行数缺失"
        else:
            why = "预算数缺失或不大于零"
        return ExecutionResult(budget, executed, None, None, weight, ZERO,
                               f"无法计算执行率：{why}，预算执行得 0 分")
    exact = executed / budget
    rate = round_half_up(exact, scheme.execution.rate_places)
    raw = weight * rate
    capped = min(raw, weight) if scheme.execution.cap else raw
    score = round_half_up(capped, scheme.score_places)
    explanation = (f"执行率 = 执行数/预算数 = {fmt(executed)}/{fmt(budget)} = {fmt(rate)}，"
                   f"得分 = {fmt(weight)} × {fmt(rate)} = {fmt(round_half_up(raw, scheme.score_places))}")
    if capped != raw:
        explanation += f"，以分值 {fmt(weight)} 为限"
    return ExecutionResult(budget, executed, exact, rate, weight, score, explanation)


def project_budget(project: ProjectEvaluation, scheme: Scheme) -> Decimal | None:
    funds = project.funds.total
    if scheme.execution.base == "initial":
        return funds.initial if funds.initial is not None else funds.adjusted
    return funds.adjusted if funds.adjusted is not None else funds.initial


# --- indicators --------------------------------------------------------------------


def aggregate(parts: tuple[IndicatorPart, ...]) -> Target | None:
    """Completion over several units (湖北 备注2): absolute values add up,
    relative values (%, 分) are averaged weighted by each part's funds."""
    parsed = [(parse_actual(p.actual), p.amount) for p in parts]
    quantities = [(t.value, amount) for t, amount in parsed if t is not None and t.value is not None]
    if not quantities or len(quantities) != len(parts):
        return None
    units = {q.unit for q, _ in quantities}
    if len(units) != 1:
        return None
    unit = units.pop()
    if unit in RELATIVE_UNITS:
        amounts = [a for _, a in quantities]
        if all(a is not None and a > 0 for a in amounts):
            funds = sum((a for a in amounts if a is not None), ZERO)
            value = sum((q.value * a for q, a in quantities if a is not None), ZERO) / funds
        else:
            value = sum((q.value for q, _ in quantities), ZERO) / len(quantities)
    else:
        value = sum((q.value for q, _ in quantities), ZERO)
    return Target(Direction.EQUAL, Quantity(value, unit), None, "；".join(p.actual for p in parts))


def evaluated(indicator: Indicator) -> bool:
    """Whether the evaluator recorded any result for the indicator."""
    return bool((indicator.actual or "").strip() or indicator.parts or indicator.tier)


def score_indicator(indicator: Indicator, weight: Decimal, path: str, scheme: Scheme) -> IndicatorResult:
    target = parse_target(indicator.target)
    if target is not None and indicator.direction is not None:
        target = replace(target, direction=indicator.direction)
    actual = aggregate(indicator.parts) if indicator.parts else (
        parse_actual(indicator.actual) if indicator.actual else None
    )
    places = scheme.score_places
    problem: str | None = None
    if target is None:
        problem = "目标值未量化"
        if _same_text(indicator.target, indicator.name):
            problem = "目标值只重复了指标名称，未给出数值"
    elif actual is None:
        problem = "实际完成值未量化" if indicator.actual or indicator.parts else "未填写实际完成值"
    else:
        problem = commensurable(target, actual)
        if problem is None:
            r = ratio(target, actual)
            if r is None:
                problem = "完成值与目标值无法计算比率"
            else:
                raw = weight * r
                capped = min(raw, weight) if scheme.indicators.cap_at_weight else raw
                score = round_half_up(capped, places)
                explanation = _ratio_explanation(target, actual, weight, r, raw, capped, places)
                return IndicatorResult(indicator, path, weight, score, Basis.QUANTITATIVE,
                                       explanation, target, actual, r, None, exact=capped)
    if indicator.tier is not None:
        band = scheme.qualitative[indicator.tier]
        fraction = indicator.fraction if indicator.fraction is not None else band.default
        exact = weight * fraction
        score = round_half_up(exact, places)
        explanation = (f"定性指标（{indicator.tier.label}，{_percent(band.low)}–{_percent(band.high)}）："
                       f"得分 = 权重 {fmt(weight)} × {_percent(fraction)} = {fmt(score)}")
        return IndicatorResult(indicator, path, weight, score, Basis.QUALITATIVE, explanation,
                               target, actual, None, problem, exact=exact)
    return IndicatorResult(indicator, path, weight, ZERO, Basis.UNSCORED,
                           f"无法计分：{problem}，且未记录定性评价档次，得 0 分", target, actual, None,
                           problem)


def _quantity(q: Quantity) -> str:
    """52万件 rather than 520000件: as the forms write large counts."""
    # adjusted() first: % needs the quotient within the precision (a sum of many parts may not be)
    if q.unit not in RELATIVE_UNITS and q.value >= 10000 and q.value.adjusted() < 24 and q.value % 1000 == 0:
        return f"{fmt(q.value / 10000)}万{q.unit}"
    return f"{fmt(q.value)}{q.unit}"


def _same_text(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def _percent(fraction: Decimal) -> str:
    return f"{fmt(fraction * 100)}%"


def _ratio_explanation(target: Target, actual: Target, weight: Decimal, r: Decimal, raw: Decimal,
                       capped: Decimal, places: int) -> str:
    a = _quantity(target.value) if target.value is not None else "全覆盖"
    b = _quantity(actual.value) if actual.value is not None else "全覆盖"
    shown_r = fmt(round_half_up(r, 4))
    if target.direction is Direction.FULL:
        text = f"完成类目标（{target.text}）：完成比例 {shown_r}，得分 = 权重 {fmt(weight)} × {shown_r}"
    elif target.direction is Direction.AT_MOST:
        text = f"反向指标：得分 = 权重 × A/B = {fmt(weight)} × {a}/{b}"
    else:
        text = f"正向指标：得分 = 权重 × B/A = {fmt(weight)} × {b}/{a}"
    text += f" = {fmt(round_half_up(raw, places))}"
    if capped != raw:
        text += f"，得分不得突破权重，计 {fmt(weight)}"
    return text


def score_group(indicators: tuple[Indicator, ...], total: Decimal, path: str,
                scheme: Scheme) -> tuple[IndicatorResult, ...]:
    """Score a block of indicators whose weights add up to ``total``.

    Missing weights share what the stated ones leave; indicators nobody evaluated are
    dropped (and the rest rescaled) where the scheme allows it.
    """
    if not indicators:
        return ()
    stated = [i.weight for i in indicators if i.weight is not None]
    missing = [i for i in indicators if i.weight is None]
    # Stated weights above the block total leave nothing to share (never a negative weight).
    share = max(total - sum(stated, ZERO), ZERO) / len(missing) if missing else ZERO
    weights = [i.weight if i.weight is not None else share for i in indicators]
    optional = [
        not evaluated(i) and (scheme.indicators.drop_and_rescale or (
            scheme.indicators.satisfaction_optional and i.level1 is FirstLevel.SATISFACTION))
        for i in indicators
    ]
    kept = sum((w for w, drop in zip(weights, optional, strict=True) if not drop), ZERO)
    dropped_weight = sum((w for w, drop in zip(weights, optional, strict=True) if drop), ZERO)
    rescale = bool(kept and dropped_weight)
    results = []
    for index, (indicator, weight, drop) in enumerate(zip(indicators, weights, optional, strict=True)):
        where = f"{path}[{index}]"
        if drop:
            results.append(IndicatorResult(indicator, where, weight, ZERO, Basis.DROPPED,
                                           "未评价的指标不计分，其权重按比例分配给其余指标",
                                           parse_target(indicator.target), None, None, None))
        else:
            # weight × block / kept, multiplied first: 30 × 80 / 60 is 40, not 39.999…
            effective = weight * (kept + dropped_weight) / kept if rescale else weight
            results.append(score_indicator(indicator, effective, where, scheme))
    return tuple(results)


# --- whole evaluations ------------------------------------------------------------------


def _total(execution: ExecutionResult, groups: tuple[GroupResult, ...], scheme: Scheme) -> Decimal:
    return round_half_up(execution.score + sum((g.score for g in groups), ZERO), scheme.score_places)


def _group(description: str, weight: Decimal, indicators: tuple[IndicatorResult, ...],
           stated: Decimal | None, path: str, scheme: Scheme) -> GroupResult:
    # Add the unrounded scores: three full indicators of 80/3 make 80, not 3 × 26.667 = 80.001.
    # The block never scores above its weight (备注2: 得分不得突破权重总额).
    exact = sum((i.score if i.exact is None else i.exact for i in indicators), ZERO)
    if scheme.indicators.cap_at_weight:
        exact = min(exact, weight)
    score = round_half_up(exact, scheme.score_places)
    return GroupResult(description, weight, indicators, score, stated, path)


def score_project(project: ProjectEvaluation, index: int, scheme: Scheme) -> EvaluationResult:
    path = f"performance.projects[{index}]"
    execution = score_execution(project_budget(project, scheme), project.funds.total.executed, scheme)
    total = scheme.indicators.total
    level1 = scheme.indicators.level1_weights
    groups: list[GroupResult] = []
    if level1 is not None and all(i.weight is None for i in project.indicators):
        # Weights by 一级指标 only (e.g. 产出 50 / 效益 30 / 满意度 10): split within each, an
        # indicator counted within another level's points (成本 within 产出) among that level's.
        levels = [scheme.indicators.weighted_level(i.level1) for i in project.indicators]
        for level, weight in level1.items():
            members = tuple(i for i, of in zip(project.indicators, levels, strict=True) if of is level)
            positions = [n for n, of in enumerate(levels) if of is level]
            scored = score_group(members, weight, f"{path}.indicators", scheme)
            scored = tuple(replace(r, path=f"{path}.indicators[{positions[n]}]")
                           for n, r in enumerate(scored))
            groups.append(_group(level.label, weight, scored, None, f"{path}.indicators", scheme))
        unweighted = [n for n, of in enumerate(levels) if of is None]
        if unweighted:
            groups.append(_unweighted(project, unweighted, f"{path}.indicators", scheme))
    else:
        scored = score_group(project.indicators, total, f"{path}.indicators", scheme)
        groups.append(_group("年度绩效目标", total, scored, None, f"{path}.indicators", scheme))
    final = _total(execution, tuple(groups), scheme)
    return EvaluationResult("project", project.name, path, execution, tuple(groups), final,
                            scheme.grade(final), project.stated, project.deviation_analysis,
                            project.improvement)


def _unweighted(project: ProjectEvaluation, positions: list[int], path: str,
                scheme: Scheme) -> GroupResult:
    """Indicators of a 一级指标 the scheme gives no points (a scheme written before 成本指标
    was a 一级指标 of its own): listed as not evaluated, scoring nothing, never lost."""
    results = []
    for n in positions:
        indicator = project.indicators[n]
        results.append(IndicatorResult(
            indicator, f"{path}[{n}]", ZERO, ZERO, Basis.DROPPED,
            f"评分办法“{scheme.title}”未规定{indicator.level1.label}的分值，未评价，不计分",
            parse_target(indicator.target), None, None, None))
    labels = "、".join(dict.fromkeys(project.indicators[n].level1.label for n in positions))
    return _group(f"{labels}（未规定分值，不计分）", ZERO, tuple(results), None, path, scheme)


def score_department(department: DepartmentEvaluation, name: str, scheme: Scheme) -> EvaluationResult:
    path = "performance.department"
    execution = score_execution(department.budget, department.executed, scheme)
    groups = tuple(_department_target(t, n, path, scheme) for n, t in enumerate(department.targets))
    final = _total(execution, groups, scheme)
    return EvaluationResult("department", department.name or name, path, execution, groups, final,
                            scheme.grade(final), department.stated, department.deviation_analysis,
                            department.improvement)


def _department_target(target: AnnualTarget, index: int, path: str, scheme: Scheme) -> GroupResult:
    where = f"{path}.targets[{index}]"
    scored = score_group(target.indicators, target.weight, f"{where}.indicators", scheme)
    return _group(target.description, target.weight, scored, target.stated_score, where, scheme)


@in_core_context
def score_performance(performance: Performance, department_name: str, scheme: Scheme) -> PerformanceResult:
    department = (score_department(performance.department, department_name, scheme)
                  if performance.department is not None else None)
    projects = tuple(score_project(p, n, scheme) for n, p in enumerate(performance.projects))
    return PerformanceResult(scheme, department, projects)
