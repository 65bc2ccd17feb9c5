"""The 绩效自评表 as tables, in the layout of the scheme's form. Pure functions.

Each evaluation becomes two tables of the one table structure every renderer
serves: 预算执行情况 (the funds block) and 绩效指标 (the indicator block, with the
total). The form's header (项目名称, 主管部门 …) and footer (偏差原因分析, 改进措施)
become table notes.

Two versions of each form. The **public** one (the disclosure) carries the department's
own figures exactly as filed: a form transcribed with its scores (``stated.total`` given)
prints the stated rate, scores and total and nothing juesuan worked out; a form left for
juesuan to score prints juesuan's scores, as the filer adopts them. No 计分依据, no grade
the form does not state. The **review** version (``juesuan score``, the 审核意见) prints
juesuan's recomputation beside the stated figures, with the basis of each score.
"""

from __future__ import annotations

from decimal import Decimal

from juesuan.filing.performance import (
    DepartmentEvaluation,
    Funds,
    Performance,
    ProjectEvaluation,
    Stated,
)
from juesuan.money import decimal_places
from juesuan.performance.scheme import Scheme
from juesuan.performance.scoring import EvaluationResult, PerformanceResult, fmt
from juesuan.tables.table import Cell, Column, Row, RowKind, Table, TableSet

FIRST_NUMBER = 10  # after the nine public tables


def _central_form(scheme: Scheme) -> bool:
    """The central form (and the forms modelled on it) list funds by source and give
    each indicator its own deviation analysis; the Hubei form does neither."""
    return scheme.execution.weight == 10


def _header_notes(evaluation: ProjectEvaluation | DepartmentEvaluation, result: EvaluationResult,
                  scheme: Scheme) -> tuple[str, ...]:
    notes: list[str] = []
    if isinstance(evaluation, ProjectEvaluation):
        notes.append(f"项目名称：{evaluation.name}")
        pairs = (("主管部门", evaluation.department), ("项目实施单位", evaluation.implementer),
                 ("项目类别", evaluation.category), ("项目属性", evaluation.attribute),
                 ("项目类型", evaluation.kind))
        notes += [f"{label}：{value}" for label, value in pairs if value]
        if evaluation.goal:
            notes.append(f"年度总体目标：{evaluation.goal}")
        if evaluation.achieved:
            notes.append(f"实际完成情况：{evaluation.achieved}")
    else:
        notes.append(f"单位名称：{result.name}")
        if evaluation.basic_total is not None:
            notes.append(f"基本支出总额：{fmt(evaluation.basic_total)}万元")
        if evaluation.project_total is not None:
            notes.append(f"项目支出总额：{fmt(evaluation.project_total)}万元")
    notes.append(result.execution.explanation)
    return tuple(notes)


def transcribed(evaluation: ProjectEvaluation | DepartmentEvaluation) -> bool:
    """The form was filed with its scores (a published form transcribed): its public version
    prints only what it states."""
    return evaluation.stated.total is not None


def as_filed(value: Decimal) -> str:
    """A stated figure exactly as filed: 97.2 stays 97.2, 20 stays 20 (no places added)."""
    return format(value, "f")


def stated_rate_text(stated: Stated) -> str | None:
    """The stated rate as filed, "86%" when filed as a percentage."""
    if stated.rate is None:
        return None
    return f"{as_filed(stated.rate)}%" if stated.rate_is_percent else as_filed(stated.rate)


def execution_table(number: int, title: str, evaluation: ProjectEvaluation | DepartmentEvaluation,
                    result: EvaluationResult, scheme: Scheme, *, public: bool = False) -> Table:
    """The 预算执行情况 block: juesuan's rate and score with their explanation (the review), or
    the form as the public reads it: a transcribed form's own figures with their own decimals
    (places None; a rate filed as a percentage keeps its sign, “86%”), no 分值 column the
    Hubei form does not print, no explanation."""
    ex = result.execution
    stated = evaluation.stated
    own = public and transcribed(evaluation)
    rate: Cell = (stated_rate_text(stated) if stated.rate_is_percent else stated.rate) if own else ex.rate
    score: Cell = stated.execution_score if own else ex.score
    rate_places = None if own else scheme.execution.rate_places
    score_places = None if own else scheme.score_places
    notes = _header_notes(evaluation, result, scheme)
    if public:
        notes = notes[:-1]  # without juesuan's explanation
    group = (f"预算执行情况（万元）（{fmt(ex.weight)}分）",)
    columns: tuple[Column, ...]
    if _central_form(scheme) and isinstance(evaluation, ProjectEvaluation):
        columns, rows = _central_funds(evaluation, group, ex.weight, rate, score, None if public else 2,
                                       rate_places, score_places)
    else:
        places = None if public else max(
            [2, *(decimal_places(v) for v in (ex.budget, ex.executed) if v is not None)])
        columns = (
            Column("budget", "预算数（A）", group, places=places),
            Column("executed", "执行数（B）", group, places=places),
            Column("rate", "执行率（B/A）", group, places=rate_places),
            *(() if public else (Column("weight", "分值", group, places=0),)),
            Column("score", "得分", group, places=score_places),
        )
        name = "部门整体支出总额" if result.kind == "department" else "年度财政资金总额"
        values: tuple[Cell, ...] = (ex.budget, ex.executed, rate, *(() if public else (ex.weight,)), score)
        rows = [Row("total", name, values)]
    return Table(number, f"{result.path}.execution", f"{title}（预算执行情况）", columns,
                 tuple(rows), unit="万元", notes=notes)


def _central_funds(evaluation: ProjectEvaluation, group: tuple[str, ...], weight: Decimal, rate: Cell,
                   score: Cell, amount_places: int | None, rate_places: int | None,
                   score_places: int | None) -> tuple[tuple[Column, ...], list[Row]]:
    """The funds block of the central form: 年度资金总额 and its sources, with the rate and score."""
    columns = (
        Column("initial", "年初预算数", group, places=amount_places),
        Column("adjusted", "全年预算数", group, places=amount_places),
        Column("executed", "全年执行数", group, places=amount_places),
        Column("weight", "分值", group, places=0),
        Column("rate", "执行率", group, places=rate_places),
        Column("score", "得分", group, places=score_places),
    )
    funds = evaluation.funds
    rows = [_funds_row("total", "年度资金总额", funds.total, weight, rate, score)]
    for key, name, source in (("current_year", "其中：当年财政拨款", funds.current_year),
                              ("carried_over", "上年结转资金", funds.carried_over),
                              ("other", "其他资金", funds.other)):
        rows.append(_funds_row(key, name, source or Funds(), None, None, None, level=1))
    return columns, rows


def _funds_row(key: str, name: str, funds: Funds, weight: Decimal | None, rate: Cell,
               score: Cell, level: int = 0) -> Row:
    return Row(key, name, (funds.initial, funds.adjusted, funds.executed, weight, rate, score),
               level=level)


def indicator_table(number: int, title: str, evaluation: ProjectEvaluation | DepartmentEvaluation,
                    result: EvaluationResult, scheme: Scheme, *, public: bool = False) -> Table:
    if public:
        return _public_indicator_table(number, title, evaluation, result, scheme)
    places = scheme.score_places
    central = _central_form(scheme)
    columns: tuple[Column, ...] = (
        Column("level1", "一级指标"),
        Column("level2", "二级指标"),
        Column("target", "年度指标值" if central else "年初目标值（A）"),
        Column("actual", "实际完成值" if central else "实际完成值（B）"),
        Column("weight", "分值", places=places),
        Column("score", "得分", places=places),
        Column("basis", "计分依据"),
    )
    if central:
        columns += (Column("deviation", "偏差原因分析及改进措施"),)
    rows: list[Row] = []
    multi = result.kind == "department"
    for g_no, group in enumerate(result.groups, 1):
        if multi:
            stated = f"（表上得分 {fmt(group.stated_score)}）" if group.stated_score is not None else ""
            values: list[Cell] = [None, None, None, None, group.weight, group.score, stated or None]
            if central:
                values.append(None)
            rows.append(Row(f"target.{g_no}", f"年度目标{g_no}：{group.description}", tuple(values)))
        for i_no, item in enumerate(group.indicators, 1):
            ind = item.indicator
            values = [ind.level1.label, ind.level2, ind.target, ind.actual, item.weight, item.score,
                      item.explanation]
            if central:
                values.append(ind.deviation)
            rows.append(Row(f"indicator.{g_no}.{i_no}", ind.name, tuple(values),
                            level=1 if multi else 0))
    total_values: list[Cell] = [None, None, None, None, scheme.total, result.total,
                                f"等级：{result.grade}" + ("" if scheme.grades.stated else "（参考）")]
    if central:
        total_values.append(None)
    rows.append(Row("total", "总分", tuple(total_values), kind=RowKind.TOTAL))
    notes = [
        f"偏差大或目标未完成原因分析：{result.deviation_analysis or '（未填写）'}",
        f"改进措施及结果应用方案：{result.improvement or '（未填写）'}",
    ]
    if result.stated.total is not None and result.stated.total != result.total:
        notes.append(f"注：表上总分为 {fmt(result.stated.total)}，按评分办法计算为 {fmt(result.total)}。")
    notes.append(f"评分办法：{scheme.title}（{scheme.source}）")
    return Table(number, f"{result.path}.indicators", f"{title}（绩效指标）", columns, tuple(rows),
                 unit="分", notes=tuple(notes), stub="三级指标")


def _public_indicator_table(number: int, title: str,
                            evaluation: ProjectEvaluation | DepartmentEvaluation,
                            result: EvaluationResult, scheme: Scheme) -> Table:
    central = _central_form(scheme)
    own = transcribed(evaluation)
    places = None if own else scheme.score_places  # a transcribed form: as filed
    multi = result.kind == "department"

    # A weight the department gave is printed; weights juesuan derives only for a form it scores.
    weights = any(item.indicator.weight is not None for item in result.indicators) or not own
    columns: list[Column] = [
        Column("level1", "一级指标"),
        Column("level2", "二级指标"),
        Column("target", "年度指标值" if central else "年初目标值（A）"),
        Column("actual", "实际完成值" if central else "实际完成值（B）"),
    ]
    if weights:
        columns.append(Column("weight", "分值", places=places))
    columns.append(Column("score", "得分", places=places))
    if central:
        columns.append(Column("deviation", "偏差原因分析及改进措施"))

    def row(key: str, name: str, texts: tuple[Cell, ...], weight: Cell, score: Cell,
            deviation: Cell = None, level: int = 0, kind: RowKind = RowKind.ITEM) -> Row:
        values = list(texts) + ([weight] if weights else []) + [score]
        if central:
            values.append(deviation)
        return Row(key, name, tuple(values), level=level, kind=kind)

    rows: list[Row] = []
    for g_no, group in enumerate(result.groups, 1):
        if multi:
            score: Cell = group.stated_score if own else group.score
            rows.append(row(f"target.{g_no}", f"年度目标{g_no}（{fmt(group.weight)}分）：{group.description}",
                            (None, None, None, None), None, score))
        for i_no, item in enumerate(group.indicators, 1):
            ind = item.indicator
            weight: Cell = (ind.weight if own else item.weight)
            score = ind.stated_score if own else item.score
            rows.append(row(f"indicator.{g_no}.{i_no}", ind.name,
                            (ind.level1.label, ind.level2, ind.target, ind.actual), weight, score,
                            ind.deviation, level=1 if multi else 0))
    total = result.stated.total if own else result.total
    rows.append(row("total", "总分", (None, None, None, None), scheme.total if weights else None, total,
                    kind=RowKind.TOTAL))
    grade = result.stated.grade if own else (result.grade if scheme.grades.stated else None)
    if grade:
        rows.append(row("grade", "自评等级", (None, None, None, None), None, grade))
    notes = (f"偏差大或目标未完成原因分析：{result.deviation_analysis or ''}",
             f"改进措施及结果应用方案：{result.improvement or ''}")
    return Table(number, f"{result.path}.indicators", f"{title}（绩效指标）", tuple(columns), tuple(rows),
                 unit="分", notes=notes, stub="三级指标")


def performance_tables(performance: Performance, result: PerformanceResult, department: str,
                       year: int, *, public: bool = False) -> TableSet:
    """Every self-evaluation form of the filing, as tables numbered from 10: the public
    version (``public``: the department's own figures) or the review's (juesuan's scores and
    their basis)."""
    scheme = result.scheme
    tables: list[Table] = []
    number = FIRST_NUMBER
    pairs: list[tuple[ProjectEvaluation | DepartmentEvaluation, EvaluationResult, str]] = []
    if performance.department is not None and result.department is not None:
        pairs.append((performance.department, result.department,
                      f"{year}年度{result.department.name}部门整体支出绩效自评表"))
    for project, scored in zip(performance.projects, result.projects, strict=True):
        pairs.append((project, scored, f"{year}年度{project.name}项目支出绩效自评表"))
    for evaluation, scored, title in pairs:
        tables.append(execution_table(number, title, evaluation, scored, scheme, public=public))
        tables.append(indicator_table(number + 1, title, evaluation, scored, scheme, public=public))
        number += 2
    return TableSet(tuple(tables), department, year, kind="绩效自评表")
