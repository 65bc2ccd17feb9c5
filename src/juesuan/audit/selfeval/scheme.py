"""The scheme a report's forms follow, and what they do not print inferred under it
(:func:`guess_scheme`, :func:`infer`, :func:`self_evaluation`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from juesuan.audit.selfeval.find import read_with_problems
from juesuan.audit.selfeval.model import Form, SelfEvaluation
from juesuan.audit.source import SourceDocument
from juesuan.filing.performance import (
    DepartmentEvaluation,
    Indicator,
    Performance,
    ProjectEvaluation,
    Tier,
)
from juesuan.money import ZERO
from juesuan.performance.scheme import Scheme
from juesuan.performance.scoring import Basis, score_department, score_project

# --- scheme and inferred figures -------------------------------------------------------------------


def guess_scheme(forms: Sequence[Form]) -> str:
    """hubei-2020 for a 20-point budget execution, central-2020 or (with 指标性质) sichuan-2023
    for 10 points; without a printed weight, by the indicators' points (80 or 90)."""
    weights = {f.execution_weight for f in forms if f.execution_weight is not None}
    directions = any(f.directions for f in forms)
    if Decimal(20) in weights:
        return "hubei-2020"
    if Decimal(10) in weights:
        return "sichuan-2023" if directions else "central-2020"
    for f in forms:
        e = f.evaluation
        if isinstance(e, DepartmentEvaluation):
            points = sum((t.weight for t in e.targets), ZERO)
        else:
            points = sum((i.weight or ZERO for i in e.indicators), ZERO)
            if not points:
                scores = [i.stated_score for i in e.indicators]
                if scores and all(s is not None for s in scores):
                    points = sum((s for s in scores if s is not None), ZERO)
        if points == 80:
            return "hubei-2020"
        if points == 90:
            return "sichuan-2023" if directions else "central-2020"
    return "sichuan-2023" if directions else "central-2020"


_FRACTION = Decimal("0.00000001")


def _fraction(score: Decimal, weight: Decimal) -> Decimal:
    if weight <= 0:
        return Decimal(1) if score > 0 else ZERO
    value = min(max(score / weight, ZERO), Decimal(1))
    return value.quantize(_FRACTION, rounding=ROUND_HALF_UP).normalize()


def _tier(fraction: Decimal, scheme: Scheme) -> Tier:
    for tier in (Tier.MET, Tier.PARTLY, Tier.UNMET):
        band = scheme.qualitative[tier]
        if band.low <= fraction <= band.high:
            return tier
    return Tier.UNMET


def _with_weights(project: ProjectEvaluation, scheme: Scheme) -> tuple[ProjectEvaluation, bool]:
    """A Hubei project form prints scores but no weights: when the scores add up to the
    block's points every indicator is full, and its weight is its score."""
    inds = project.indicators
    if not inds or scheme.indicators.level1_weights is not None:
        return project, False
    if any(i.weight is not None for i in inds) or any(i.stated_score is None for i in inds):
        return project, False
    total = sum((i.stated_score or ZERO for i in inds), ZERO)
    if total != scheme.indicators.total:
        return project, False
    new = tuple(i.model_copy(update={"weight": i.stated_score}) for i in inds)
    return project.model_copy(update={"indicators": new}), True


def _set_tier(indicator: Indicator, fraction: Decimal, scheme: Scheme) -> Indicator:
    return indicator.model_copy(update={"tier": _tier(fraction, scheme), "fraction": fraction})


def _infer_project(project: ProjectEvaluation, index: int, scheme: Scheme) -> ProjectEvaluation:
    result = score_project(project, index, scheme)
    by_path = {item.path: item for item in result.indicators}
    new = list(project.indicators)
    for n, ind in enumerate(project.indicators):
        item = by_path.get(f"{result.path}.indicators[{n}]")
        if item is None or ind.stated_score is None or ind.tier is not None:
            continue
        if item.basis is Basis.UNSCORED or (item.basis is Basis.DROPPED and ind.stated_score > 0):
            new[n] = _set_tier(ind, _fraction(ind.stated_score, item.weight), scheme)
    return project.model_copy(update={"indicators": tuple(new)})


def _infer_department(department: DepartmentEvaluation, scheme: Scheme) -> DepartmentEvaluation:
    result = score_department(department, department.name or "", scheme)
    targets = list(department.targets)
    for g, (target, group) in enumerate(zip(department.targets, result.groups, strict=True)):
        inds = list(target.indicators)
        unscored = [n for n, item in enumerate(group.indicators) if item.basis is Basis.UNSCORED]
        if not unscored:
            continue
        if all(inds[n].stated_score is not None for n in unscored):
            for n in unscored:
                score = inds[n].stated_score
                assert score is not None
                inds[n] = _set_tier(inds[n], _fraction(score, group.indicators[n].weight), scheme)
        elif target.stated_score is not None:
            earned = sum((item.score if item.exact is None else item.exact
                          for n, item in enumerate(group.indicators)
                          if n not in unscored and item.basis is not Basis.DROPPED), ZERO)
            weight = sum((group.indicators[n].weight for n in unscored), ZERO)
            fraction = _fraction(target.stated_score - earned, weight)
            for n in unscored:
                if inds[n].tier is None:
                    inds[n] = _set_tier(inds[n], fraction, scheme)
        targets[g] = target.model_copy(update={"indicators": tuple(inds)})
    return department.model_copy(update={"targets": tuple(targets)})


def infer(forms: Sequence[Form], scheme: Scheme) -> list[Form]:
    """The forms with what they do not print inferred from what they do (see the module doc)."""
    out: list[Form] = []
    projects = 0
    for form in forms:
        e = form.evaluation
        notes = list(form.notes)
        if isinstance(e, ProjectEvaluation):
            e, weighted = _with_weights(e, scheme)
            if weighted:
                notes.append("表上未印各指标分值：各指标得分之和等于指标总分，按得分推定分值")
            e = _infer_project(e, projects, scheme)
            projects += 1
        else:
            e = _infer_department(e, scheme)
        inferred = [i for i in _indicators(e) if i.tier is not None]
        if inferred:
            notes.append("定性指标（及完成值不能与目标比较的指标）的评价档次按表上得分推定："
                         + "、".join(i.name for i in inferred))
        out.append(replace(form, evaluation=e, notes=tuple(notes)))
    return out


def _indicators(e: ProjectEvaluation | DepartmentEvaluation) -> list[Indicator]:
    if isinstance(e, ProjectEvaluation):
        return list(e.indicators)
    return [i for t in e.targets for i in t.indicators]


def resolve_scheme(name: str, schemes: Mapping[str, Scheme] | None) -> Scheme | None:
    """The scheme ``name`` from those the caller resolved (``juesuan.performance.scheme.bundled_schemes``);
    None when it is not among them. The audit reads no scheme file itself."""
    return None if schemes is None else schemes.get(name)


def self_evaluation(source: SourceDocument, schemes: Mapping[str, Scheme] | None = None) -> SelfEvaluation | None:
    """The report's 自评表 as a Performance under the guessed scheme, or None without forms.

    What the forms do not print is inferred under that scheme when it is among ``schemes``;
    otherwise the forms are as read (and :func:`check_forms` does not score them)."""
    forms, problems = read_with_problems(source)
    if not forms:
        return None
    name = guess_scheme(forms)
    scheme = resolve_scheme(name, schemes)
    if scheme is not None:
        forms = infer(forms, scheme)
    department = next((f.evaluation for f in forms if isinstance(f.evaluation, DepartmentEvaluation)),
                      None)
    projects = tuple(f.evaluation for f in forms if isinstance(f.evaluation, ProjectEvaluation))
    assert department is None or isinstance(department, DepartmentEvaluation)
    performance = Performance(scheme=name, department=department, projects=projects)
    notes = tuple(problems) + tuple(n for f in forms for n in f.notes)
    return SelfEvaluation(tuple(forms), name, performance, notes)
