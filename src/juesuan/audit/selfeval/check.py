"""The P.* checks on the forms read from a report (:func:`check_forms`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from pydantic import ValidationError

from juesuan.audit.selfeval.model import Form, SelfEvaluation
from juesuan.audit.selfeval.scheme import resolve_scheme
from juesuan.filing.model import Department, ExpenditureRow, Filing, Fund, Level
from juesuan.filing.performance import ProjectEvaluation
from juesuan.performance.scheme import Scheme
from juesuan.rules.finding import Finding
from juesuan.tables.table import TableSet

# --- the P.* checks on the forms ---------------------------------------------------------------


def _expenditure(tables: TableSet | None) -> list[ExpenditureRow]:
    """表5's 项 rows as 一般公共预算 expenditure (for P.department-totals)."""
    if tables is None:
        return []
    table = next((t for t in tables.tables if t.number == 5), None)
    if table is None:
        return []
    rows: list[ExpenditureRow] = []
    keys = table.column_keys
    for row in table.rows:
        if row.code is None or len(row.code) != 7:
            continue
        values = dict(zip(keys, row.values, strict=False))
        basic, project = values.get("basic"), values.get("project")
        if not isinstance(basic, Decimal) and not isinstance(project, Decimal):
            continue
        try:
            rows.append(ExpenditureRow(code=row.code, fund=Fund.GENERAL_BUDGET,
                                       basic=basic if isinstance(basic, Decimal) else None,
                                       project=project if isinstance(project, Decimal) else None))
        except ValidationError:
            continue
    return rows


def _filing(found: SelfEvaluation, tables: TableSet | None, department: str | None,
            year: int | None) -> Filing:
    name = department or (found.performance.department.name if found.performance.department
                          else None) or "（未认出部门）"
    filing_year = year if year is not None and 2000 <= year <= 2100 else 2000
    base = dict(year=filing_year, unit="万元",
                department=Department(name=name, region="（未注明）", level=Level.COUNTY),
                income=(), performance=found.performance)
    try:
        return Filing.model_validate({**base, "expenditure": tuple(_expenditure(tables))})
    except ValidationError:
        return Filing.model_validate({**base, "expenditure": ()})


def _form_title(form: Form) -> str:
    if form.title:
        return form.title
    e = form.evaluation
    if isinstance(e, ProjectEvaluation):
        return f"{e.name}项目支出绩效自评表"
    return "部门整体支出绩效自评表"


def check_forms(found: SelfEvaluation, *, file: str, tables: TableSet | None = None,
                department: str | None = None, year: int | None = None,
                schemes: Mapping[str, Scheme] | None = None) -> list[Finding]:
    """The P.* findings on the forms, scored under the guessed scheme, each located at the
    form's printed row (line, page, the form's title as section, the row as quote); none
    when that scheme is not among ``schemes`` (the forms are not scored)."""
    from juesuan.performance.rules import check_performance

    scheme = resolve_scheme(found.scheme, schemes)
    if scheme is None:
        return []
    _, findings = check_performance(_filing(found, tables, department, year), scheme)
    located: list[Finding] = []
    for f in findings:
        where = found.locate(f.location.path)
        loc = replace(f.location, file=file)
        if where is not None:
            form, printed = where
            loc = replace(loc, line=printed.line, page=printed.page, section=_form_title(form),
                          quote=printed.quote)
        located.append(replace(f, location=loc))
    return located
