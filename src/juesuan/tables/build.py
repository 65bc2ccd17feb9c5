"""Builders of the nine public tables from a filing. Pure functions.

Every builder takes the gathered figures (in 万元, with error bounds) and returns a
:class:`Table`. 类 and 款 rows are rollups of the 项 rows; totals are sums of the
rows above them, so a table built here always reconciles with itself. What can
disagree is what the filing states twice: the rules check that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from juesuan import codes
from juesuan.filing.model import Filing, Fund
from juesuan.money import ZERO, in_core_context
from juesuan.tables.amounts import FUNDS, NIL, Amt, Figures, amt, amt_sum, gather
from juesuan.tables.columns import (
    BASIC_6,
    EXPENDITURE,
    EXPENDITURE_LABELS,
    FUND_LABELS,
    INCOME,
    INCOME_LABELS,
    PERSONNEL,
    PERSONNEL_CLASSES,
    PUBLIC,
    STAGE_NAMES,
    SUMMARY_1,
    SUMMARY_4,
    TABLE_KEYS,
    hierarchical_columns,
    three_public_columns,
    three_public_keys,
    three_public_labels,
)
from juesuan.tables.layout import layout_for, ordinal
from juesuan.tables.table import Column, Row, RowKind, Table, TableSet, values_of
from juesuan.template.model import Template

ALL_FUNDS = (*FUNDS, Fund.NON_FISCAL)


def row(
    key: str,
    name: str,
    amounts: Sequence[Amt],
    *,
    code: str | None = None,
    level: int = 0,
    kind: RowKind = RowKind.ITEM,
    section: str | None = None,
) -> Row:
    values, errors = values_of(amounts)
    return Row(key, name, values, errors, code, level, kind, section)


def side_row(
    key: str,
    name: str,
    amounts: Sequence[Amt],
    offset: int,
    width: int,
    *,
    section: str,
    code: str | None = None,
    kind: RowKind = RowKind.ITEM,
    level: int = 0,
) -> Row:
    """A row of a side-by-side table: its amounts placed at ``offset`` in a grid ``width`` wide."""
    cells = [NIL] * width
    cells[offset : offset + len(amounts)] = amounts
    return row(key, name, cells, code=code, level=level, kind=kind, section=section)


# --- 功能分类 hierarchy -----------------------------------------------------------


@lru_cache(maxsize=4096)
def official_name(year: int, code: str) -> str | None:
    return codes.functional().name(year, code)


def functional_name(code: str, year: int, fig: Figures) -> str:
    return official_name(year, code) or fig.names.get(code) or "（科目表中无此编码）"


def hierarchy_rows(
    leaves: dict[str, Sequence[Amt]],
    width: int,
    year: int,
    fig: Figures,
) -> tuple[list[Row], list[Amt]]:
    """类 → 款 → 项 rows in code order, each level the sum of the one below, and the
    column totals (the sum of the 类 rows)."""
    values: dict[str, list[Decimal]] = {}
    errors: dict[str, list[Decimal]] = {}
    for code, amounts in leaves.items():
        for key in (code[:3], code[:5], code):
            v = values.get(key)
            if v is None:
                values[key] = [a.value for a in amounts]
                errors[key] = [a.error for a in amounts]
            else:
                e = errors[key]
                for i, a in enumerate(amounts):
                    v[i] += a.value
                    e[i] += a.error
    levels = {3: 1, 5: 2, 7: 3}
    rows = [
        Row(code, functional_name(code, year, fig), tuple([x or None for x in values[code]]),
            tuple(errors[code]), code, levels[len(code)])
        for code in sorted(values)
    ]
    classes = [code for code in values if len(code) == 3]
    totals = [
        Amt(sum([values[c][i] for c in classes], ZERO), sum([errors[c][i] for c in classes], ZERO))
        for i in range(width)
    ]
    return rows, totals


def nonzero(amounts: Sequence[Amt]) -> bool:
    return any(a.value != 0 for a in amounts)


def functional_table(
    number: int,
    key: str,
    title: str,
    columns: tuple[Column, ...],
    leaves: dict[str, Sequence[Amt]],
    fig: Figures,
    year: int,
    *,
    total_first: bool,
    notes: tuple[str, ...],
) -> Table:
    width = len(columns)
    leaves = {code: amounts for code, amounts in leaves.items() if nonzero(amounts)}
    body, totals = hierarchy_rows(leaves, width, year, fig)
    total = row("total", "合计", totals, kind=RowKind.TOTAL)
    rows = (total, *body) if total_first else (*body, total)
    return Table(number, key, title, columns, tuple(rows), notes=notes, hierarchical=True)


# --- 表1 收入支出决算总表 ---------------------------------------------------------


def printed_classes(layout: Template, year: int, fig: Figures,
                    amounts: Callable[[str], Amt]) -> list[tuple[str, str]]:
    """The 类 rows of 表1/表4: the template's list, with its names, plus any other 类 with
    amounts (a department may spend under a 类 its template does not print)."""
    classes = {c.code: c.name for c in layout.classes}
    for code in {c[:3] for c in fig.expenditure}:
        if code not in classes and amounts(code).value != 0:
            classes[code] = functional_name(code, year, fig)
    return sorted(classes.items())


def class_expenditure(fig: Figures, funds: Iterable[Fund] | None = None) -> Callable[[str], Amt]:
    """Expenditure by 类 (all kinds) from ``funds`` (all funds when None)."""
    by_class = fig.spent_by_class
    chosen = tuple(funds) if funds is not None else None

    def of(class_code: str) -> Amt:
        by_fund = by_class.get(class_code, {})
        return amt_sum(a for f, a in by_fund.items() if chosen is None or f in chosen)

    return of


def table1(fig: Figures, filing: Filing, layout: Template) -> Table:
    columns = tuple(c.column for c in SUMMARY_1)
    rows: list[Row] = []
    incomes = [fig.income_by_source(src) for src, _ in INCOME_LABELS]
    for i, ((src, label), a) in enumerate(zip(INCOME_LABELS, incomes, strict=True), 1):
        rows.append(side_row(f"income.{src}", ordinal(i, label), [a], 0, 2, section=INCOME))
    income_total = amt_sum(incomes)
    opening = fig.opening_of(ALL_FUNDS)
    footer = (
        ("income_total", "本年收入合计", income_total),
        ("non_fiscal_balance_used", "使用非财政拨款结余", fig.non_fiscal_balance_used),
        ("opening", "年初结转和结余", opening),
        ("income_grand_total", "总计", income_total + fig.non_fiscal_balance_used + opening),
    )
    for key, label, a in footer:
        kind = RowKind.ITEM if key in ("non_fiscal_balance_used", "opening") else RowKind.TOTAL
        rows.append(side_row(key, label, [a], 0, 2, section=INCOME, kind=kind))

    of = class_expenditure(fig)
    classes = printed_classes(layout, filing.year, fig, of)
    spent = [of(code) for code, _ in classes]
    for i, ((code, name), a) in enumerate(zip(classes, spent, strict=True), 1):
        rows.append(
            side_row(code, ordinal(i, name), [a], 1, 2, section=EXPENDITURE, code=code, level=1)
        )
    exp_total = amt_sum(fig.spent(code) for code in fig.expenditure)
    closing = fig.closing_of(ALL_FUNDS)
    footer = (
        ("expenditure_total", "本年支出合计", exp_total),
        ("surplus_distribution", "结余分配", fig.surplus_distribution),
        ("closing", "年末结转和结余", closing),
        ("expenditure_grand_total", "总计", exp_total + fig.surplus_distribution + closing),
    )
    for key, label, a in footer:
        kind = RowKind.ITEM if key in ("surplus_distribution", "closing") else RowKind.TOTAL
        rows.append(side_row(key, label, [a], 1, 2, section=EXPENDITURE, kind=kind))
    return Table(
        1, TABLE_KEYS[1], layout.table_title(1), columns, tuple(rows),
        notes=(_note(layout, 1),), sections=(INCOME, EXPENDITURE),
    )


# --- 表2 收入决算表, 表3 支出决算表 ------------------------------------------------


def table2(fig: Figures, filing: Filing, layout: Template) -> Table:
    columns = tuple(c.column for c in hierarchical_columns(2))
    leaves: dict[str, Sequence[Amt]] = {}
    for code, by_source in fig.income.items():
        fiscal = amt_sum(by_source.get(f.value, NIL) for f in FUNDS)
        others = [by_source.get(src, NIL) for src, _ in INCOME_LABELS[3:]]
        leaves[code] = [fiscal + amt_sum(others), fiscal, *others]
    return functional_table(
        2, TABLE_KEYS[2], layout.table_title(2), columns, leaves, fig, filing.year,
        total_first=True, notes=(_note(layout, 2),),
    )


def table3(fig: Figures, filing: Filing, layout: Template) -> Table:
    columns = tuple(c.column for c in hierarchical_columns(3))
    leaves: dict[str, Sequence[Amt]] = {}
    for code, by_kind in fig.spent_by_kind.items():
        kinds = [by_kind.get(kind, NIL) for kind, _ in EXPENDITURE_LABELS]
        leaves[code] = [amt_sum(kinds), *kinds]
    return functional_table(
        3, TABLE_KEYS[3], layout.table_title(3), columns, leaves, fig, filing.year,
        total_first=True, notes=(_note(layout, 3),),
    )


# --- 表4 财政拨款收入支出决算总表 -------------------------------------------------


def table4(fig: Figures, filing: Filing, layout: Template) -> Table:
    columns = tuple(c.column for c in SUMMARY_4)
    width = len(columns)
    rows: list[Row] = []
    incomes = [fig.income_by_source(f.value) for f in FUNDS]
    for i, (fund, a) in enumerate(zip(FUNDS, incomes, strict=True), 1):
        rows.append(
            side_row(f"income.{fund.value}", ordinal(i, FUND_LABELS[fund]), [a], 0, width,
                     section=INCOME)
        )
    income_total = amt_sum(incomes)
    openings = [fig.opening_of((f,)) for f in FUNDS]
    opening = amt_sum(openings)
    rows.append(side_row("income_total", "本年收入合计", [income_total], 0, width,
                         section=INCOME, kind=RowKind.TOTAL))
    rows.append(side_row("opening", "年初财政拨款结转和结余", [opening], 0, width, section=INCOME))
    for i, (fund, a) in enumerate(zip(FUNDS, openings, strict=True), 1):
        rows.append(
            side_row(f"opening.{fund.value}", ordinal(i, FUND_LABELS[fund]), [a], 0, width,
                     section=INCOME, level=1)
        )
    rows.append(side_row("income_grand_total", "总计", [income_total + opening], 0, width,
                         section=INCOME, kind=RowKind.TOTAL))

    def by_fund(amounts: Sequence[Amt]) -> list[Amt]:
        return [amt_sum(amounts), *amounts]

    per_fund = [class_expenditure(fig, (f,)) for f in FUNDS]
    classes = printed_classes(layout, filing.year, fig, class_expenditure(fig, FUNDS))
    for i, (code, name) in enumerate(classes, 1):
        rows.append(
            side_row(code, ordinal(i, name), by_fund([of(code) for of in per_fund]), 1, width,
                     section=EXPENDITURE, code=code, level=1)
        )
    spent = [amt_sum(fig.spent(c, (f,)) for c in fig.expenditure) for f in FUNDS]
    closings = [fig.closing_of((f,)) for f in FUNDS]
    rows.append(side_row("expenditure_total", "本年支出合计", by_fund(spent), 1, width,
                         section=EXPENDITURE, kind=RowKind.TOTAL))
    rows.append(side_row("closing", "年末财政拨款结转和结余", by_fund(closings), 1, width,
                         section=EXPENDITURE))
    grand = [s + c for s, c in zip(spent, closings, strict=True)]
    rows.append(side_row("expenditure_grand_total", "总计", by_fund(grand), 1, width,
                         section=EXPENDITURE, kind=RowKind.TOTAL))
    return Table(
        4, TABLE_KEYS[4], layout.table_title(4), columns, tuple(rows),
        notes=(_note(layout, 4),), sections=(INCOME, EXPENDITURE),
    )


# --- 表5 一般公共预算财政拨款支出决算表 --------------------------------------------


def table5(fig: Figures, filing: Filing, layout: Template) -> Table:
    columns = tuple(c.column for c in hierarchical_columns(5))
    leaves: dict[str, Sequence[Amt]] = {}
    for code in fig.expenditure:
        kinds = fig.expenditure[code].get(Fund.GENERAL_BUDGET, {})
        basic, project = kinds.get("basic", NIL), kinds.get("project", NIL)
        leaves[code] = [basic + project, basic, project]
    return functional_table(
        5, TABLE_KEYS[5], layout.table_title(5), columns, leaves, fig, filing.year,
        total_first=layout.total_first, notes=(_note(layout, 5),),
    )


# --- 表6 一般公共预算财政拨款基本支出决算表 -----------------------------------------


def table6(fig: Figures, filing: Filing, layout: Template) -> Table:
    columns = tuple(c.column for c in BASIC_6)
    econ = codes.economic()
    year = filing.year
    # Template rows: every 款 of 301/302/303/310 the official form prints, even when empty.
    printed = {
        e.code
        for e in econ.entries
        if e.level == "款" and e.parent in ("301", "302", "303", "310") and "T" in e.source
        and e.valid_in(year)
    }
    printed |= {code for code, a in fig.economic.items() if a.value != 0}
    printed |= set(fig.economic_unfilled)  # shown, blank, for the filer to fill
    classes = sorted({code[:3] for code in printed} | {"301", "302", "303", "310"})
    rows: list[Row] = []
    side_totals: dict[str, Amt] = {PERSONNEL: NIL, PUBLIC: NIL}
    for class_code in classes:
        section = PERSONNEL if class_code in PERSONNEL_CLASSES else PUBLIC
        offset = 0 if section == PERSONNEL else 1
        members = sorted(c for c in printed if c[:3] == class_code)
        class_total = amt_sum(fig.economic.get(c, NIL) for c in members)
        side_totals[section] = side_totals[section] + class_total
        name = econ.name(year, class_code) or fig.names.get(class_code) or "（科目表中无此编码）"
        rows.append(side_row(class_code, name, [class_total], offset, 2, section=section,
                             code=class_code, level=1))
        for code in members:
            name = econ.name(year, code) or fig.names.get(code) or "（科目表中无此编码）"
            rows.append(side_row(code, name, [fig.economic.get(code, NIL)], offset, 2,
                                 section=section, code=code, level=2))
    rows.append(side_row("personnel_total", "人员经费合计", [side_totals[PERSONNEL]], 0, 2,
                         section=PERSONNEL, kind=RowKind.TOTAL))
    rows.append(side_row("public_total", "公用经费合计", [side_totals[PUBLIC]], 1, 2,
                         section=PUBLIC, kind=RowKind.TOTAL))
    rows.sort(key=lambda r: 0 if r.section == PERSONNEL else 1)  # stable: keeps code order
    return Table(
        6, TABLE_KEYS[6], layout.table_title(6), columns, tuple(rows),
        notes=(_note(layout, 6),), sections=(PERSONNEL, PUBLIC), hierarchical=True,
        unfilled=tuple(dict.fromkeys(fig.economic_unfilled)),
    )


# --- 表7 “三公”经费 --------------------------------------------------------------


def table7(filing: Filing, layout: Template) -> Table:
    tp = filing.three_public
    unit = filing.unit
    items = {
        "outbound": tp.outbound,
        "vehicle_purchase": tp.vehicle_purchase,
        "vehicle_operation": tp.vehicle_operation,
        "reception": tp.reception,
    }
    amounts: dict[str, Amt] = {}  # by column key, "item.stage"
    for stage in STAGE_NAMES:
        for key, item in items.items():
            amounts[f"{key}.{stage}"] = amt(getattr(item, stage), unit)
        amounts[f"vehicle.{stage}"] = amounts[f"vehicle_purchase.{stage}"] + amounts[f"vehicle_operation.{stage}"]
        amounts[f"total.{stage}"] = amounts[f"outbound.{stage}"] + amounts[f"vehicle.{stage}"] + amounts[f"reception.{stage}"]
    labels = three_public_labels(layout.vehicle_group_label, layout.vehicle_operation_label)
    order = three_public_keys(by_stage=layout.three_public_by_stage)
    columns = three_public_columns(order, by_stage=layout.three_public_by_stage, labels=labels)
    data = row("three_public", "“三公”经费", [amounts[k] for k in order])
    return Table(7, TABLE_KEYS[7], layout.table_title(7), columns, (data,), notes=(_note(layout, 7),))


# --- 表8 政府性基金, 表9 国有资本经营 ----------------------------------------------


def fund_table(
    number: int, key: str, fund: Fund, fig: Figures, filing: Filing, layout: Template,
    *, with_income: bool,
) -> Table:
    columns = tuple(c.column for c in hierarchical_columns(number, with_income=with_income))
    codes_used = (
        {c for c, by in fig.income.items() if fund.value in by}
        | {c for c, by in fig.expenditure.items() if fund in by}
        | {c for c in fig.opening.get(fund, {}) if c}
        | {c for c in fig.closing.get(fund, {}) if c}
    )
    leaves: dict[str, Sequence[Amt]] = {}
    for code in codes_used:
        kinds = fig.expenditure.get(code, {}).get(fund, {})
        basic, project = kinds.get("basic", NIL), kinds.get("project", NIL)
        spent_amounts = [amt_sum(kinds.values()), basic, project]
        if with_income:
            leaves[code] = [
                fig.opening.get(fund, {}).get(code, NIL),
                fig.income.get(code, {}).get(fund.value, NIL),
                *spent_amounts,
                fig.closing.get(fund, {}).get(code, NIL),
            ]
        else:
            leaves[code] = spent_amounts
    note = _note(layout, number)
    table = functional_table(
        number, key, layout.table_title(number), columns, leaves, fig, filing.year,
        total_first=layout.total_first, notes=(note,),
    )
    return table


def _note(layout: Template, number: int) -> str:
    spec = layout.table(number)
    return spec.note if spec is not None else ""


def _empty_note(layout: Template, number: int, name: str) -> tuple[str, ...]:
    spec = layout.table(number)
    if spec is None or spec.empty_note is None:
        return ()
    return (spec.empty_note.replace("{name}", name),)


def _with_empty_note(table: Table, layout: Template, name: str) -> Table:
    """A table without any figure carries the template's note saying why (本表无数据)."""
    if not table.empty:
        return table
    return replace(table, notes=(*table.notes, *_empty_note(layout, table.number, name)))


def _zeros_printed(table: Table) -> Table:
    """A template that prints 0.00: every blank amount of a row's own columns is a zero."""
    rows = []
    for r in table.rows:
        values = tuple(
            ZERO if v is None and (r.section is None or c.section in (None, r.section)) else v
            for v, c in zip(r.values, table.columns, strict=True))
        rows.append(replace(r, values=values))
    return replace(table, rows=tuple(rows))


@in_core_context
def build_tables(filing: Filing, template: Template | None = None) -> TableSet:
    """The public tables of a filing in ``template`` (by default the one the filing names,
    else the one of its year), exact (values in 万元, unrounded)."""
    layout = template if template is not None else layout_for(filing.layout, filing.year)
    fig = gather(filing)
    builders: dict[int, Callable[[], Table]] = {
        1: lambda: table1(fig, filing, layout),
        2: lambda: table2(fig, filing, layout),
        3: lambda: table3(fig, filing, layout),
        4: lambda: table4(fig, filing, layout),
        5: lambda: table5(fig, filing, layout),
        6: lambda: table6(fig, filing, layout),
        7: lambda: table7(filing, layout),
        8: lambda: fund_table(8, TABLE_KEYS[8], Fund.GOVERNMENT_FUND, fig, filing, layout,
                              with_income=True),
        9: lambda: fund_table(9, TABLE_KEYS[9], Fund.STATE_CAPITAL, fig, filing, layout,
                              with_income=layout.state_capital_income),
    }
    tables = tuple(_with_empty_note(builders[n](), layout, filing.department.name)
                   for n in layout.numbers)
    if layout.zero == "0.00":
        tables = tuple(_zeros_printed(t) for t in tables)
    return TableSet(tables, filing.department.name, filing.year, expected=layout.numbers)
