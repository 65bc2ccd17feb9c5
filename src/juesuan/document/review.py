"""The review's tables (审核意见): what juesuan recomputed, beside what the filing states.

The public document prints the department's own figures; a reviewer needs to see where
juesuan's recomputation differs. Pure: built from the performance result the checks made.
"""

from __future__ import annotations

from juesuan.filing.performance import Performance
from juesuan.performance.forms import performance_tables, stated_rate_text
from juesuan.performance.scoring import PerformanceResult
from juesuan.tables.table import Column, Row, Table

SCORES_NUMBER = 0  # not one of the numbered public tables


def scores_table(result: PerformanceResult) -> Table:
    """One line per self-evaluation: the stated rate, scores and grade beside juesuan's."""
    scheme = result.scheme
    stated, computed = ("表上所填",), ("按评分办法计算",)
    columns = (
        Column("stated_rate", "执行率", stated, places=None),  # as filed
        Column("stated_execution", "预算执行得分", stated, places=None),
        Column("stated_total", "总分", stated, places=None),
        Column("stated_grade", "等级", stated),
        Column("rate", "执行率", computed, places=scheme.execution.rate_places),
        Column("execution", "预算执行得分", computed, places=scheme.score_places),
        Column("total", "总分", computed, places=scheme.score_places),
        Column("grade", "等级", computed),
        Column("difference", "总分差额（表上 − 计算）", places=scheme.score_places),
    )
    rows = []
    for e in result.evaluations:
        difference = None if e.stated.total is None else e.stated.total - e.total
        grade = e.grade if scheme.grades.stated else f"{e.grade}（参考）"
        rows.append(Row(e.path, e.name, (
            stated_rate_text(e.stated) if e.stated.rate_is_percent else e.stated.rate,
            e.stated.execution_score, e.stated.total, e.stated.grade,
            e.execution.rate, e.execution.score, e.total, grade, difference)))
    notes = (f"评分办法：{scheme.title}（{scheme.source}）",
             "公开文档印填报的数字；本表和下列复核表只供填报单位和审核人员使用。")
    return Table(SCORES_NUMBER, "review.scores", "绩效自评得分复核", columns, tuple(rows), unit="分",
                 notes=notes, stub="自评表")


def review_tables(performance: Performance | None, result: PerformanceResult | None, department: str,
                  year: int) -> tuple[Table, ...]:
    """The score comparison and juesuan's recomputed forms (with 计分依据); none without scores."""
    if performance is None or result is None:
        return ()
    forms = performance_tables(performance, result, department, year)
    return (scores_table(result), *forms.tables)
