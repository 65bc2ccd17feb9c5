"""Scores as text for people and as data for machines (``juesuan score``). Pure functions."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from juesuan.money import ZERO, round_half_up
from juesuan.performance.scoring import (
    EvaluationResult,
    IndicatorResult,
    PerformanceResult,
    fmt,
)
from juesuan.rules.finding import Finding


def _num(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def summary(result: PerformanceResult) -> dict[str, Any]:
    """Counts, amounts, average score and grades of the project evaluations (as 决算 text reports them)."""
    projects = result.projects
    budget = sum((p.execution.budget or ZERO for p in projects), ZERO)
    average = (round_half_up(sum((p.total for p in projects), ZERO) / len(projects),
                             result.scheme.score_places) if projects else None)
    grades = Counter(p.grade for p in projects)
    return {
        "projects": len(projects),
        "budget": fmt(budget),
        "average_score": _num(average),
        "grades": {band.name: grades.get(band.name, 0) for band in result.scheme.grades.bands},
    }


def _indicator_data(item: IndicatorResult) -> dict[str, Any]:
    ind = item.indicator
    return {
        "path": item.path,
        "level1": ind.level1.label,
        "level2": ind.level2,
        "name": ind.name,
        "target": ind.target,
        "actual": ind.actual,
        "weight": fmt(item.weight),
        "score": fmt(item.score),
        "basis": item.basis.value,
        "explanation": item.explanation,
        "ratio": _num(item.ratio),
        "problem": item.problem,
        "tier": ind.tier.value if ind.tier else None,
        "stated_score": _num(ind.stated_score),
    }


def _evaluation_data(e: EvaluationResult) -> dict[str, Any]:
    ex = e.execution
    return {
        "kind": e.kind,
        "name": e.name,
        "path": e.path,
        "execution": {
            "budget": _num(ex.budget),
            "executed": _num(ex.executed),
            "rate": _num(ex.rate),
            "weight": fmt(ex.weight),
            "score": fmt(ex.score),
            "explanation": ex.explanation,
        },
        "groups": [
            {
                "description": g.description,
                "weight": fmt(g.weight),
                "score": fmt(g.score),
                "stated_score": _num(g.stated_score),
                "indicators": [_indicator_data(i) for i in g.indicators],
            }
            for g in e.groups
        ],
        "total": fmt(e.total),
        "grade": e.grade,
        "stated": {
            "rate": _num(e.stated.rate),
            "execution_score": _num(e.stated.execution_score),
            "total": _num(e.stated.total),
        },
    }


def score_data(result: PerformanceResult, findings: list[Finding], *, file: str, department: str,
               year: int) -> dict[str, Any]:
    scheme = result.scheme
    return {
        "file": file,
        "department": department,
        "year": year,
        "scheme": {
            "name": scheme.name,
            "title": scheme.title,
            "source": scheme.source,
            "total": fmt(scheme.total),
            "execution_weight": fmt(scheme.execution.weight),
            "indicator_total": fmt(scheme.indicators.total),
            "rate_places": scheme.execution.rate_places,
            "score_places": scheme.score_places,
            "grades_stated": scheme.grades.stated,
        },
        "evaluations": [_evaluation_data(e) for e in result.evaluations],
        "summary": summary(result),
        "findings": [f.to_data() for f in findings],
    }


def score_text(result: PerformanceResult, *, department: str, year: int) -> str:
    scheme = result.scheme
    reference = "" if scheme.grades.stated else "，参考等级"
    lines = [f"{department} {year} 年度绩效自评　评分办法：{scheme.title}（{scheme.name}）", ""]
    for e in result.evaluations:
        title = "部门整体支出绩效自评" if e.kind == "department" else f"项目“{e.name}”"
        stated = f"；表上 {fmt(e.stated.total)}" if e.stated.total is not None else ""
        lines.append(f"■ {title}：总分 {fmt(e.total)}（{e.grade}{reference}{stated}）")
        lines.append(f"  预算执行 {fmt(e.execution.score)}/{fmt(e.execution.weight)}：{e.execution.explanation}")
        for g in e.groups:
            indent = "  "
            if e.kind == "department" or len(e.groups) > 1:
                lines.append(f"  {g.description}（{fmt(g.weight)} 分）：{fmt(g.score)}")
                indent = "    "
            for i in g.indicators:
                lines.append(f"{indent}[{i.basis.label}] {i.indicator.name}  {fmt(i.score)}/{fmt(i.weight)}"
                             f"：{i.explanation}")
        lines.append("")
    if result.projects:
        s = summary(result)
        grades = "，".join(f"{name} {count} 个" for name, count in s["grades"].items())
        lines.append(f"项目自评 {s['projects']} 个，涉及预算 {s['budget']} 万元，平均得分 {s['average_score']}；{grades}")
    return "\n".join(lines)
