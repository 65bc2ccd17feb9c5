"""勾稽关系 of the nine public tables: inside each table and between tables.

These rules read only a TableSet, so they judge tables built from a filing and
tables read from a published report alike. Ids follow the domain reference
(T1.a … T9.a inside a table, X1 … X13 between tables).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from juesuan.money import ZERO, in_core_context
from juesuan.rules.finding import Finding, Location, Severity
from juesuan.rules.registry import NotEvaluated, Outcome, Report, Rule, rule, run_outcomes, show
from juesuan.tables.amounts import NIL, Amt, amt_sum
from juesuan.tables.columns import PERSONNEL, PUBLIC
from juesuan.tables.table import Row, Table, TableSet
from juesuan.tolerance import grade, table_total

FUND_KEYS = ("general_budget", "government_fund", "state_capital")
OTHER_INCOME_KEYS = ("superior_subsidy", "business", "operating", "affiliated_remittance", "other")


def value(table: Table | None, row_key: str, column_key: str) -> Amt:
    """A cell as an amount with its error; a blank cell is zero. A table, row or column
    that is not there makes the rule "not evaluated" (:class:`NotEvaluated`): a figure that
    could not be read is never taken for zero."""
    if table is None:
        raise NotEvaluated("缺少公开表")
    found = table.find(row_key)
    if found is None and table.hierarchical and row_key.isdigit():
        return NIL  # a 类/款/项 is printed only when it has amounts
    if found is None:
        raise NotEvaluated(f"表{table.number}中没有“{row_key}”行")
    try:
        index = table.column_index(column_key)
    except KeyError:
        raise NotEvaluated(f"表{table.number}中没有“{column_key}”栏") from None
    return cell_of(found, index)


def cell_of(row: Row, index: int) -> Amt:
    v = row.values[index]
    return Amt(v if isinstance(v, Decimal) else NIL.value, row.error(index))


def unfilled(table: Table, keys: Iterable[str] | None = None) -> list[str]:
    """The rows (of ``keys``, or all) whose amounts the filing has not filled yet: a rule
    that needs one is not evaluated rather than read it as zero."""
    return [k for k in table.unfilled if keys is None or k in keys]


def has_column(table: Table | None, key: str) -> bool:
    return table is not None and key in table.column_keys


def class_rows(table: Table, section: str | None = None) -> list[Row]:
    return [
        r for r in table.rows
        if r.code is not None and len(r.code) == 3 and (section is None or r.section == section)
    ]


def at(table: Table, row: str, column: str | None = None) -> Location:
    found = table.find(row)
    name = found.name.strip() if found is not None else None
    return Location(table=table.number, row=row, row_name=name, column=column)


def label(table: Table, column_key: str) -> str:
    column = table.columns[table.column_index(column_key)]
    return "·".join((*column.groups, column.label))


# --- shared shapes ---------------------------------------------------------------


def check_row_sums(report: Report, table: Table, total: str, parts: Iterable[str]) -> None:
    """For every row: the ``total`` column equals the sum of the ``parts`` columns."""
    parts = [p for p in parts if has_column(table, p)]
    values, errors = table.grid
    ti = table.column_index(total)
    pis = [table.column_index(p) for p in parts]
    found_col, part_cols = values[ti], [values[i] for i in pis]
    for r, row in enumerate(table.rows):
        expected = sum([col[r] for col in part_cols], ZERO)
        if expected == found_col[r]:
            continue  # equal() would report nothing; skip building its message
        report.equal(
            Amt(expected, sum([errors[i][r] for i in pis], ZERO)),
            Amt(found_col[r], errors[ti][r]),
            at(table, row.code or row.key, label(table, total)),
            f"表{table.number}“{row.name}”行：{label(table, total)}应等于"
            + "、".join(label(table, p) for p in parts) + "之和",
        )


def check_hierarchy(report: Report, table: Table) -> None:
    """类 = Σ 款, 款 = Σ 项 (by code prefix), and the 合计 row = Σ 类, for every column."""
    links = table.hierarchy_links
    values, errors = table.grid
    for i, column in enumerate(table.columns):
        col = values[i]
        for parent, kids in links:
            expected = sum([col[k] for k in kids], ZERO)
            if expected == col[parent]:
                continue  # equal() would report nothing; skip building its message
            row = table.rows[parent]
            err = errors[i]
            if row.key == "total":
                what = f"表{table.number}合计行{column.label}应等于各类之和"
            else:
                what = f"表{table.number}“{row.name}”（{row.code}）{column.label}应等于其下级科目之和"
            report.equal(Amt(expected, sum([err[k] for k in kids], ZERO)), Amt(col[parent], err[parent]),
                         at(table, row.code or row.key, column.label), what)


# --- 表1 -------------------------------------------------------------------------

RULE_REF = "domain.md §3.1"


@rule("T1.a", "收入合计等于各项收入之和", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表：本年收入合计 = 一般公共预算财政拨款收入 + 政府性基金预算财政拨款收入 + "
      "国有资本经营预算财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入 + 附属单位上缴收入 + 其他收入。",
      reference=RULE_REF)
def t1_a(ts: TableSet, report: Report) -> None:
    t = ts.get(1)
    if t is None:
        return
    parts = [r for r in t.rows_in("收入") if r.key.startswith("income.")]
    report.equal(amt_sum(cell_of(r, 0) for r in parts), value(t, "income_total", "income"),
                 at(t, "income_total"), "表1 本年收入合计应等于各项收入之和")


@rule("T1.b", "支出合计等于各类支出之和", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表：本年支出合计 = 各功能分类（类）支出之和。", reference=RULE_REF)
def t1_b(ts: TableSet, report: Report) -> None:
    t = ts.get(1)
    if t is None:
        return
    i = t.column_index("expenditure")
    report.equal(amt_sum(cell_of(r, i) for r in class_rows(t)),
                 value(t, "expenditure_total", "expenditure"),
                 at(t, "expenditure_total"), "表1 本年支出合计应等于各类支出之和")


@rule("T1.c", "收入总计", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表：收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余。",
      reference=RULE_REF)
def t1_c(ts: TableSet, report: Report) -> None:
    _grand_total(ts, report, _INCOME_SIDE)


def _agrees(pair: Callable[[], tuple[Amt, Amt]]) -> bool:
    """Whether two figures that must be equal are (within rounding); False when one of them
    is not there."""
    try:
        a, b = pair()
    except NotEvaluated:
        return False
    return grade(a, b) != "wrong"


@rule("T1.d", "支出总计", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表：支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余。",
      reference=RULE_REF)
def t1_d(ts: TableSet, report: Report) -> None:
    _grand_total(ts, report, _SPENDING_SIDE)


@dataclass(frozen=True)
class _Side:
    """One side of 表1: its 总计 = 合计 + middle row + last row, and what confirms the first two."""

    column: str
    grand: tuple[str, str]  # row key, name
    total: tuple[str, str]
    middle: tuple[str, str]
    last: tuple[str, str]
    other_grand: tuple[str, str, str]  # the other side's 总计: row key, column, name
    detail: int  # the table whose 合计 is this side's 合计 (表2 收入, 表3 支出)


_INCOME_SIDE = _Side("income", ("income_grand_total", "收入总计"), ("income_total", "本年收入合计"),
                     ("non_fiscal_balance_used", "使用非财政拨款结余"), ("opening", "年初结转和结余"),
                     ("expenditure_grand_total", "expenditure", "支出总计"), 2)
_SPENDING_SIDE = _Side("expenditure", ("expenditure_grand_total", "支出总计"), ("expenditure_total", "本年支出合计"),
                       ("surplus_distribution", "结余分配"), ("closing", "年末结转和结余"),
                       ("income_grand_total", "income", "收入总计"), 3)


def _grand_total(ts: TableSet, report: Report, side: _Side) -> None:
    """总计 = 合计 + middle + last. When the 总计 equals the other side's and the 合计 equals its
    table's, what nothing else confirms is the last row (and the middle one, when not zero):
    the finding names that cell rather than the total (blame the cell the others point to)."""
    t = ts.get(1)
    if t is None:
        return
    total, middle, last = (value(t, key, side.column) for key, _ in (side.total, side.middle, side.last))
    grand = value(t, side.grand[0], side.column)
    what = f"表1 {side.grand[1]}应等于{side.total[1]}、{side.middle[1]}与{side.last[1]}之和"
    if grade(total + middle + last, grand) == "wrong" \
            and _agrees(lambda: (value(t, side.other_grand[0], side.other_grand[1]), grand)) \
            and _agrees(lambda: (value(ts.get(side.detail), "total", "total"), total)):
        which = side.last[1] if middle.value == 0 else f"{side.middle[1]}或{side.last[1]}"
        report.equal(grand - total - middle, last, at(t, side.last[0]),
                     f"{what}（{side.grand[1]}与{side.other_grand[2]}相等、{side.total[1]}与表{side.detail}一致，"
                     f"故为{which}有误）")
        return
    report.equal(total + middle + last, grand, at(t, side.grand[0]), what)


@rule("T1.e", "收支总计平衡", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表：收入总计 = 支出总计。不平衡说明收入、支出或结转结余有误。",
      reference=RULE_REF)
def t1_e(ts: TableSet, report: Report) -> None:
    t = ts.get(1)
    if t is None:
        return
    income, spending = value(t, "income_grand_total", "income"), value(t, "expenditure_grand_total", "expenditure")
    spending_adds_up = _agrees(lambda: (value(t, "expenditure_total", "expenditure")
                                        + value(t, "surplus_distribution", "expenditure")
                                        + value(t, "closing", "expenditure"), spending))
    income_adds_up = _agrees(lambda: (value(t, "income_total", "income") + value(t, "non_fiscal_balance_used", "income")
                                      + value(t, "opening", "income"), income))
    if spending_adds_up and not income_adds_up:
        # 支出总计 is its parts' sum, 收入总计 is not: the 收入总计 is the figure in error
        report.equal(spending, income, at(t, "income_grand_total"), "表1 收入总计应等于支出总计")
        return
    report.equal(income, spending, at(t, "expenditure_grand_total"), "表1 支出总计应等于收入总计")


# --- 表2, 表3, 表5: row sums and hierarchy --------------------------------------------


@rule("T2.a", "收入决算表横向平衡", severity=Severity.ERROR, scope="tables",
      description="收入决算表每行：本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入 + "
      "附属单位上缴收入 + 其他收入。", reference=RULE_REF)
def t2_a(ts: TableSet, report: Report) -> None:
    t = ts.get(2)
    if t is not None:
        check_row_sums(report, t, "total", ("fiscal", *OTHER_INCOME_KEYS))


@rule("T2.b", "收入决算表纵向平衡", severity=Severity.ERROR, scope="tables",
      description="收入决算表各列：类 = 所属款之和，款 = 所属项之和，合计 = 各类之和。", reference=RULE_REF)
def t2_b(ts: TableSet, report: Report) -> None:
    t = ts.get(2)
    if t is not None:
        check_hierarchy(report, t)


@rule("T3.a", "支出决算表横向平衡", severity=Severity.ERROR, scope="tables",
      description="支出决算表每行：本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 + 经营支出 + "
      "对附属单位补助支出。", reference=RULE_REF)
def t3_a(ts: TableSet, report: Report) -> None:
    t = ts.get(3)
    if t is not None:
        check_row_sums(report, t, "total",
                       ("basic", "project", "remit_superior", "operating", "subsidy_affiliated"))


@rule("T3.b", "支出决算表纵向平衡", severity=Severity.ERROR, scope="tables",
      description="支出决算表各列：类 = 所属款之和，款 = 所属项之和，合计 = 各类之和。", reference=RULE_REF)
def t3_b(ts: TableSet, report: Report) -> None:
    t = ts.get(3)
    if t is not None:
        check_hierarchy(report, t)


# --- 表4 -------------------------------------------------------------------------


@rule("T4.a", "财政拨款支出按资金来源平衡", severity=Severity.ERROR, scope="tables",
      description="财政拨款收入支出决算总表支出各行：合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款 + "
      "国有资本经营预算财政拨款。", reference=RULE_REF)
def t4_a(ts: TableSet, report: Report) -> None:
    t = ts.get(4)
    if t is None:
        return
    ti = t.column_index("total")
    fis = [t.column_index(k) for k in FUND_KEYS if has_column(t, k)]
    for r in t.rows_in("支出"):
        report.equal(amt_sum(cell_of(r, i) for i in fis), cell_of(r, ti), at(t, r.code or r.key, "合计"),
                     f"表4“{r.name}”行：合计应等于三类财政拨款之和")


@rule("T4.b", "财政拨款收入、支出合计", severity=Severity.ERROR, scope="tables",
      description="财政拨款收入支出决算总表：本年收入合计 = 三类财政拨款收入之和；年初财政拨款结转和结余 = "
      "其三个分项之和；本年支出合计 = 各类支出之和（每列）。", reference=RULE_REF)
def t4_b(ts: TableSet, report: Report) -> None:
    t = ts.get(4)
    if t is None:
        return
    report.equal(amt_sum(value(t, f"income.{k}", "income") for k in FUND_KEYS),
                 value(t, "income_total", "income"), at(t, "income_total"),
                 "表4 本年收入合计应等于三类财政拨款收入之和")
    if any(t.find(f"opening.{k}") is not None for k in FUND_KEYS):
        report.equal(amt_sum(value(t, f"opening.{k}", "income") for k in FUND_KEYS),
                     value(t, "opening", "income"), at(t, "opening"),
                     "表4 年初财政拨款结转和结余应等于其三个分项之和")
    for column in ("total", *FUND_KEYS):
        if not has_column(t, column):
            continue
        i = t.column_index(column)
        report.equal(amt_sum(cell_of(r, i) for r in class_rows(t, "支出")),
                     value(t, "expenditure_total", column), at(t, "expenditure_total", label(t, column)),
                     f"表4 本年支出合计（{label(t, column)}）应等于各类支出之和")


@rule("T4.c", "财政拨款总计平衡", severity=Severity.ERROR, scope="tables",
      description="财政拨款收入支出决算总表：收入总计 = 本年收入合计 + 年初财政拨款结转和结余；支出总计 = "
      "本年支出合计 + 年末财政拨款结转和结余；收入总计 = 支出总计。", reference=RULE_REF)
def t4_c(ts: TableSet, report: Report) -> None:
    t = ts.get(4)
    if t is None:
        return
    report.equal(value(t, "income_total", "income") + value(t, "opening", "income"),
                 value(t, "income_grand_total", "income"), at(t, "income_grand_total"),
                 "表4 收入总计应等于本年收入合计与年初财政拨款结转和结余之和")
    for column in ("total", *FUND_KEYS):
        if not has_column(t, column):
            continue
        report.equal(value(t, "expenditure_total", column) + value(t, "closing", column),
                     value(t, "expenditure_grand_total", column),
                     at(t, "expenditure_grand_total", label(t, column)),
                     f"表4 支出总计（{label(t, column)}）应等于本年支出合计与年末财政拨款结转和结余之和")
    report.equal(value(t, "income_grand_total", "income"),
                 value(t, "expenditure_grand_total", "total"), at(t, "expenditure_grand_total", "合计"),
                 "表4 支出总计应等于收入总计")


@rule("T4.d", "各类财政拨款收支平衡", severity=Severity.ERROR, scope="tables",
      description="财政拨款收入支出决算总表每类财政拨款：本年收入 + 年初结转和结余 = 本年支出 + 年末结转和结余。",
      reference=RULE_REF)
def t4_d(ts: TableSet, report: Report) -> None:
    t = ts.get(4)
    if t is None or t.find("opening.general_budget") is None:
        return
    for k in FUND_KEYS:
        if not has_column(t, k):
            continue
        income = value(t, f"income.{k}", "income") + value(t, f"opening.{k}", "income")
        spent = value(t, "expenditure_total", k) + value(t, "closing", k)
        report.equal(income, spent, at(t, "expenditure_grand_total", label(t, k)),
                     f"表4 {label(t, k)}：本年支出与年末结转和结余之和应等于本年收入与年初结转和结余之和")


@rule("T5.a", "一般公共预算财政拨款支出表平衡", severity=Severity.ERROR, scope="tables",
      description="一般公共预算财政拨款支出决算表：每行合计 = 基本支出 + 项目支出；类 = 所属款之和，"
      "款 = 所属项之和，合计行 = 各类之和。", reference=RULE_REF)
def t5_a(ts: TableSet, report: Report) -> None:
    t = ts.get(5)
    if t is None:
        return
    check_row_sums(report, t, "total", ("basic", "project"))
    check_hierarchy(report, t)


# --- 表6 -------------------------------------------------------------------------


@rule("T6.a", "基本支出表类款平衡", severity=Severity.ERROR, scope="tables",
      description="一般公共预算财政拨款基本支出决算表：经济分类类 = 所属款之和（如 301 = Σ301xx）。",
      reference=RULE_REF)
def t6_a(ts: TableSet, report: Report) -> None:
    t = ts.get(6)
    if t is not None:
        check_hierarchy(report, t)


@rule("T6.b", "人员经费、公用经费合计", severity=Severity.ERROR, scope="tables",
      description="一般公共预算财政拨款基本支出决算表：人员经费合计 = 301 + 303；公用经费合计 = 302 + 310"
      "（及 307、309、312、313、399 等其他类）。", reference=RULE_REF)
def t6_b(ts: TableSet, report: Report) -> None:
    t = ts.get(6)
    if t is None:
        return
    for section, total_key, column in (("人员经费", "personnel_total", "personnel"),
                                       ("公用经费", "public_total", "public")):
        if t.find(total_key) is None:
            continue
        i = t.column_index(column)
        report.equal(amt_sum(cell_of(r, i) for r in class_rows(t, section)),
                     value(t, total_key, column), at(t, total_key),
                     f"表6 {section}合计应等于其所属经济分类类之和")


# --- 表7 -------------------------------------------------------------------------


@rule("T7.a", "“三公”经费合计", severity=Severity.ERROR, scope="tables",
      description="“三公”经费支出决算表：合计 = 因公出国（境）费 + 公务用车购置及运行（维护）费 + 公务接待费，"
      "预算数、决算数分别核对。", reference=RULE_REF)
def t7_a(ts: TableSet, report: Report) -> None:
    t = ts.get(7)
    if t is None or not t.rows:
        return
    r = t.rows[0]
    for stage, name in (("budget", "预算数"), ("final", "决算数")):
        parts = [f"outbound.{stage}", f"vehicle.{stage}", f"reception.{stage}"]
        if not all(has_column(t, p) for p in [*parts, f"total.{stage}"]):
            continue
        report.equal(amt_sum(value(t, r.key, p) for p in parts), value(t, r.key, f"total.{stage}"),
                     at(t, r.key, f"合计·{name}"), f"表7 “三公”经费合计{name}应等于三项之和")


@rule("T7.b", "公务用车小计", severity=Severity.ERROR, scope="tables",
      description="“三公”经费支出决算表：公务用车购置及运行（维护）费小计 = 公务用车购置费 + 公务用车运行（维护）费。",
      reference=RULE_REF)
def t7_b(ts: TableSet, report: Report) -> None:
    t = ts.get(7)
    if t is None or not t.rows:
        return
    r = t.rows[0]
    for stage, name in (("budget", "预算数"), ("final", "决算数")):
        parts = [f"vehicle_purchase.{stage}", f"vehicle_operation.{stage}"]
        if not all(has_column(t, p) for p in [*parts, f"vehicle.{stage}"]):
            continue
        report.equal(amt_sum(value(t, r.key, p) for p in parts), value(t, r.key, f"vehicle.{stage}"),
                     at(t, r.key, f"公务用车小计·{name}"), f"表7 公务用车小计{name}应等于购置费与运行费之和")


# --- 表8, 表9 ---------------------------------------------------------------------


def check_fund_table(report: Report, t: Table) -> None:
    if has_column(t, "basic"):
        check_row_sums(report, t, "expenditure", ("basic", "project"))
    if all(has_column(t, k) for k in ("opening", "income", "closing")):
        i = [t.column_index(k) for k in ("opening", "income", "expenditure", "closing")]
        for r in t.rows:
            expected = cell_of(r, i[0]) + cell_of(r, i[1]) - cell_of(r, i[2])
            report.equal(expected, cell_of(r, i[3]), at(t, r.code or r.key, "年末结转和结余"),
                         f"表{t.number}“{r.name}”行：年末结转和结余应等于年初结转和结余加本年收入减本年支出")
    check_hierarchy(report, t)


@rule("T8.a", "政府性基金表平衡", severity=Severity.ERROR, scope="tables",
      description="政府性基金预算财政拨款收入支出决算表每行：年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余；"
      "本年支出 = 基本支出 + 项目支出；类款项逐级平衡。", reference=RULE_REF)
def t8_a(ts: TableSet, report: Report) -> None:
    t = ts.get(8)
    if t is not None:
        check_fund_table(report, t)


@rule("T9.a", "国有资本经营表平衡", severity=Severity.ERROR, scope="tables",
      description="国有资本经营预算财政拨款（收入）支出决算表：同表8 的各项平衡关系。", reference=RULE_REF)
def t9_a(ts: TableSet, report: Report) -> None:
    t = ts.get(9)
    if t is not None:
        check_fund_table(report, t)


@rule("T8.b", "空表说明", severity=Severity.WARNING, scope="tables",
      description="表8、表9 无数据时仍须公开空表，并在表下说明“本年度没有……收入和支出，故本表无数据”。",
      reference="domain.md §3.1 T8/T9.b；部门决算模板")
def t8_b(ts: TableSet, report: Report) -> None:
    for number in (8, 9):
        t = ts.get(number)
        if t is None or not t.empty:
            continue
        if not any("无数据" in note or "没有" in note for note in t.notes):
            report.fail(f"表{number}为空表，但表下没有“本表无数据”的说明", Location(table=number),
                        expected="说明：…本年度没有…收入和支出，故本表无数据。", found="无说明")


# --- between tables ----------------------------------------------------------------

X_REF = "domain.md §3.2"


@rule("X1", "表1与表2收入合计一致", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表本年收入合计 = 收入决算表合计行本年收入合计。", reference=X_REF)
def x1(ts: TableSet, report: Report) -> None:
    t1, t2 = ts.get(1), ts.get(2)
    if t1 is None or t2 is None:
        return
    report.equal(value(t1, "income_total", "income"), value(t2, "total", "total"),
                 at(t2, "total", "本年收入合计"), "表2 合计·本年收入合计应等于表1 本年收入合计")


@rule("X2", "表1与表2收入分项一致", severity=Severity.ERROR, scope="tables",
      description="表1 三类财政拨款收入之和 = 表2 合计·财政拨款收入；表1 上级补助、事业、经营、附属单位上缴、"
      "其他收入 = 表2 合计行对应列。", reference=X_REF)
def x2(ts: TableSet, report: Report) -> None:
    t1, t2 = ts.get(1), ts.get(2)
    if t1 is None or t2 is None:
        return
    fiscal = amt_sum(value(t1, f"income.{k}", "income") for k in FUND_KEYS)
    report.equal(fiscal, value(t2, "total", "fiscal"), at(t2, "total", "财政拨款收入"),
                 "表2 合计·财政拨款收入应等于表1 三类财政拨款收入之和")
    for k in OTHER_INCOME_KEYS:
        if has_column(t2, k):
            report.equal(value(t1, f"income.{k}", "income"), value(t2, "total", k),
                         at(t2, "total", label(t2, k)), f"表2 合计·{label(t2, k)}应等于表1 同项收入")


@rule("X3", "表1与表3支出合计一致", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表本年支出合计 = 支出决算表合计行本年支出合计。", reference=X_REF)
def x3(ts: TableSet, report: Report) -> None:
    t1, t3 = ts.get(1), ts.get(3)
    if t1 is None or t3 is None:
        return
    report.equal(value(t1, "expenditure_total", "expenditure"), value(t3, "total", "total"),
                 at(t3, "total", "本年支出合计"), "表3 合计·本年支出合计应等于表1 本年支出合计")


@rule("X4", "表1与表3各类支出一致", severity=Severity.ERROR, scope="tables",
      description="收入支出决算总表各功能分类（类）支出 = 支出决算表对应类的本年支出合计。", reference=X_REF)
def x4(ts: TableSet, report: Report) -> None:
    t1, t3 = ts.get(1), ts.get(3)
    if t1 is None or t3 is None:
        return
    codes = {r.code for r in class_rows(t1)} | {r.code for r in class_rows(t3)}
    for code in sorted(c for c in codes if c is not None):
        report.equal(value(t1, code, "expenditure"), value(t3, code, "total"), at(t3, code, "本年支出合计"),
                     f"表3 {code} 类本年支出合计应等于表1 同类支出")


@rule("X5", "表2与表4财政拨款收入一致", severity=Severity.ERROR, scope="tables",
      description="收入决算表合计·财政拨款收入 = 财政拨款收入支出决算总表本年收入合计；表1 三类财政拨款收入 = "
      "表4 对应收入。", reference=X_REF)
def x5(ts: TableSet, report: Report) -> None:
    t1, t2, t4 = ts.get(1), ts.get(2), ts.get(4)
    if t4 is None:
        return
    if t2 is not None:
        report.equal(value(t2, "total", "fiscal"), value(t4, "income_total", "income"),
                     at(t4, "income_total"), "表4 本年收入合计应等于表2 合计·财政拨款收入")
    if t1 is not None:
        for k in FUND_KEYS:
            report.equal(value(t1, f"income.{k}", "income"), value(t4, f"income.{k}", "income"),
                         at(t4, f"income.{k}"), f"表4 {label_of_income(k)}应等于表1 同项收入")


def label_of_income(key: str) -> str:
    return {"general_budget": "一般公共预算财政拨款收入", "government_fund": "政府性基金预算财政拨款收入",
            "state_capital": "国有资本经营预算财政拨款收入"}[key]


@rule("X6", "表4与表5一般公共预算支出一致", severity=Severity.ERROR, scope="tables",
      description="财政拨款收入支出决算总表一般公共预算财政拨款列（合计及各类）= 一般公共预算财政拨款支出决算表"
      "合计行及对应类。", reference=X_REF)
def x6(ts: TableSet, report: Report) -> None:
    t4, t5 = ts.get(4), ts.get(5)
    if t4 is None or t5 is None:
        return
    report.equal(value(t4, "expenditure_total", "general_budget"), value(t5, "total", "total"),
                 at(t5, "total", "合计"), "表5 合计应等于表4 一般公共预算财政拨款本年支出合计")
    codes = {r.code for r in class_rows(t4)} | {r.code for r in class_rows(t5)}
    for code in sorted(c for c in codes if c is not None):
        report.equal(value(t4, code, "general_budget"), value(t5, code, "total"), at(t5, code, "合计"),
                     f"表5 {code} 类合计应等于表4 同类一般公共预算财政拨款支出")


@rule("X7", "基本支出与经济分类一致", severity=Severity.ERROR, scope="tables",
      description="一般公共预算财政拨款支出决算表合计·基本支出 = 基本支出决算表人员经费合计 + 公用经费合计。"
      "经济分类科目尚有未填写决算数的（如由上年度生成的填报）时不检查。",
      reference=X_REF)
def x7(ts: TableSet, report: Report) -> None:
    t5, t6 = ts.get(5), ts.get(6)
    if t5 is None or t6 is None:
        return
    if missing := unfilled(t6):
        raise NotEvaluated(f"表6 经济分类科目 {'、'.join(missing)} 尚未填写决算数")
    # totals of many rounded rows: each known to its rows' summed rounding (juesuan.tolerance),
    # whether built from a filing or read from a printed report
    econ = (table_total(t6, "personnel_total", "personnel", PERSONNEL) or NIL) \
        + (table_total(t6, "public_total", "public", PUBLIC) or NIL)
    report.equal(table_total(t5, "total", "basic") or NIL, econ, at(t6, "public_total"),
                 "表6 人员经费合计与公用经费合计之和应等于表5 基本支出合计")


def check_fund_against_t4(report: Report, ts: TableSet, number: int, key: str) -> None:
    t4, t = ts.get(4), ts.get(number)
    if t4 is None or t is None:
        return
    report.equal(value(t4, "expenditure_total", key), value(t, "total", "expenditure"),
                 at(t, "total", "本年支出"), f"表{number} 本年支出合计应等于表4 {label(t4, key)}本年支出合计")
    if has_column(t, "income"):
        report.equal(value(t4, f"income.{key}", "income"), value(t, "total", "income"),
                     at(t, "total", "本年收入"), f"表{number} 本年收入合计应等于表4 对应财政拨款收入")
        report.equal(value(t4, f"opening.{key}", "income"), value(t, "total", "opening"),
                     at(t, "total", "年初结转和结余"), f"表{number} 年初结转和结余应等于表4 对应年初结转和结余")
        report.equal(value(t4, "closing", key), value(t, "total", "closing"),
                     at(t, "total", "年末结转和结余"), f"表{number} 年末结转和结余应等于表4 对应年末结转和结余")


@rule("X8", "表4与表8政府性基金一致", severity=Severity.ERROR, scope="tables",
      description="财政拨款收入支出决算总表政府性基金预算财政拨款的收入、支出、年初和年末结转结余 = "
      "政府性基金预算财政拨款收入支出决算表合计。", reference=X_REF)
def x8(ts: TableSet, report: Report) -> None:
    check_fund_against_t4(report, ts, 8, "government_fund")


@rule("X9", "表4与表9国有资本经营一致", severity=Severity.ERROR, scope="tables",
      description="财政拨款收入支出决算总表国有资本经营预算财政拨款的支出（及收入、结转结余）= "
      "国有资本经营预算财政拨款（收入）支出决算表合计。", reference=X_REF)
def x9(ts: TableSet, report: Report) -> None:
    check_fund_against_t4(report, ts, 9, "state_capital")


@rule("X10", "财政拨款不超过全部资金", severity=Severity.ERROR, scope="tables",
      description="财政拨款是全部资金的一部分：表4 本年支出合计、年初和年末结转结余不大于表1 对应数；"
      "各类支出同理。", reference=X_REF)
def x10(ts: TableSet, report: Report) -> None:
    t1, t4 = ts.get(1), ts.get(4)
    if t1 is None or t4 is None:
        return
    for t4_key, t1_key, column, what in (
        ("expenditure_total", "expenditure_total", "total", "本年支出合计"),
        ("closing", "closing", "total", "年末结转和结余"),
    ):
        report.at_most(value(t1, t1_key, "expenditure"), value(t4, t4_key, column),
                       at(t4, t4_key, "合计"), f"表4 财政拨款{what}不应大于表1 全部资金{what}")
    report.at_most(value(t1, "opening", "income"), value(t4, "opening", "income"), at(t4, "opening"),
                   "表4 年初财政拨款结转和结余不应大于表1 年初结转和结余")
    for r in class_rows(t4, "支出"):
        assert r.code is not None
        report.at_most(value(t1, r.code, "expenditure"), value(t4, r.code, "total"),
                       at(t4, r.code, "合计"), f"表4 {r.code} 类财政拨款支出不应大于表1 同类支出")


# 三公 items and the 经济分类 款 that book them (basic expenditure only shows in 表6).
THREE_PUBLIC_ECONOMIC = (
    ("outbound", "因公出国（境）费", ("30212",)),
    ("vehicle_purchase", "公务用车购置费", ("31013", "30913")),
    ("vehicle_operation", "公务用车运行（维护）费", ("30231",)),
    ("reception", "公务接待费", ("30217",)),
)


@rule("X11", "“三公”经费不少于基本支出对应经济科目", severity=Severity.ERROR, scope="tables",
      description="“三公”经费决算数涵盖基本支出和项目支出，因此每项不应小于表6 基本支出中对应经济分类科目："
      "因公出国（境）费 ≥ 30212，公务接待费 ≥ 30217，公务用车运行维护费 ≥ 30231，公务用车购置费 ≥ 31013 + 30913。",
      reference=X_REF)
def x11(ts: TableSet, report: Report) -> None:
    t6, t7 = ts.get(6), ts.get(7)
    if t6 is None or t7 is None or not t7.rows:
        return
    r = t7.rows[0]
    missing: list[str] = []
    for key, name, econ_codes in THREE_PUBLIC_ECONOMIC:
        if not has_column(t7, f"{key}.final"):
            continue
        if skipped := unfilled(t6, econ_codes):
            missing += skipped
            continue
        booked = amt_sum(
            value(t6, code, "personnel") + value(t6, code, "public") for code in econ_codes
        )
        final = value(t7, r.key, f"{key}.final")
        shortfall = booked.value - final.value
        if shortfall <= 0:
            continue
        codes = "、".join(econ_codes)
        detail = f"表6 {codes} 为 {show(booked.value)}万元，表7 {name}决算数为 {show(final.value)}万元"
        allowed = booked.error + final.error
        severity = Severity.INFO if shortfall <= allowed else None
        report.fail(f"{name}决算数小于基本支出中的对应经济科目：{detail}", at(t7, r.key, f"{name}·决算数"),
                    expected=f"≥ {show(booked.value)}", found=show(final.value), severity=severity,
                    tolerance=allowed)
    if missing:
        raise NotEvaluated(f"表6 经济分类科目 {'、'.join(missing)} 尚未填写决算数")


# Economic 款 and the 功能分类 项 that usually carry the same money (a soft rule).
SOCIAL_INSURANCE_PAIRS = (
    (("30108",), ("2080505",), "机关事业单位基本养老保险缴费"),
    (("30109",), ("2080506",), "职业年金缴费"),
    (("30110", "30111"), ("2101101", "2101102", "2101103"), "职工基本医疗保险及公务员医疗补助缴费"),
    (("30113",), ("2210201",), "住房公积金"),
)


@rule("X12", "社保缴费经济科目与功能科目对应", severity=Severity.WARNING, scope="tables",
      description="基本支出表中的社会保险和住房公积金缴费通常与表5 对应功能科目的基本支出相等："
      "30108 = 2080505，30109 = 2080506，30110 + 30111 = 2101101–2101103，30113 = 2210201。"
      "不等时可能是科目用错，只作提示性警告。", reference=X_REF)
def x12(ts: TableSet, report: Report) -> None:
    t5, t6 = ts.get(5), ts.get(6)
    if t5 is None or t6 is None:
        return
    missing: list[str] = []
    for econ_codes, func_codes, name in SOCIAL_INSURANCE_PAIRS:
        if skipped := unfilled(t6, econ_codes):
            missing += skipped
            continue
        econ = amt_sum(value(t6, c, "personnel") for c in econ_codes)
        func = amt_sum(value(t5, c, "basic") for c in func_codes)
        if econ.value == 0 and func.value == 0:
            continue
        report.equal(func, econ, at(t6, econ_codes[0]),
                     f"{name}：表6 {'+'.join(econ_codes)} 应与表5 {'、'.join(func_codes)} 基本支出相等")
    if missing:
        raise NotEvaluated(f"表6 经济分类科目 {'、'.join(missing)} 尚未填写决算数")


@rule("X13", "公开表齐全", severity=Severity.ERROR, scope="tables",
      description="部门决算公开须包含所用模板的全部公开表（九张表；2019 年以前的式样为八张），缺一张为错误；"
      "一张也没有时（表格另行公开、只公开了部分内容、单独的自评表）报一条警告。",
      reference=X_REF)
def x13(ts: TableSet, report: Report) -> None:
    present = {t.number for t in ts.tables}
    if ts.expected and not present:
        # none at all: a report whose tables are published apart (附件), a page of the 三公
        # part only, a standalone 自评表; that a table is missing is not shown
        report.fail(f"报告中没有公开表（表{ts.expected[0]}至表{ts.expected[-1]}都不在其中）：表格可能另行公开，"
                    "请一并审查", Location(), expected="有公开表", found="没有", severity=Severity.WARNING)
        return
    for number in ts.expected:
        if number not in present:
            report.fail(f"缺少公开表{number}", Location(table=number), expected="有此表", found="缺失")


# Every rule of this module, in the order they are run.
RULES: tuple[Rule, ...] = (
    t1_a,
    t1_b,
    t1_c,
    t1_d,
    t1_e,
    t2_a,
    t2_b,
    t3_a,
    t3_b,
    t4_a,
    t4_b,
    t4_c,
    t4_d,
    t5_a,
    t6_a,
    t6_b,
    t7_a,
    t7_b,
    t8_a,
    t9_a,
    t8_b,
    x1,
    x2,
    x3,
    x4,
    x5,
    x6,
    x7,
    x8,
    x9,
    x10,
    x11,
    x12,
    x13,
)


@in_core_context
def evaluate_tables(tables: TableSet) -> tuple[list[Finding], list[Outcome]]:
    """勾稽关系 of a set of tables (built from a filing or read from a report), and each
    rule's outcome (passed, failed, or not evaluated because a row or column it needs is
    not there)."""
    return run_outcomes(RULES, tables)


def check_tables(tables: TableSet) -> list[Finding]:
    """勾稽关系 of a set of tables (built from a filing or read from a report)."""
    return evaluate_tables(tables)[0]
