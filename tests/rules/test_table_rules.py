"""The 勾稽关系 of the nine tables: every table rule passes on the good filing's tables
and fires, at the right cell and with the right figures, when one cell is tampered with.

Tables are tampered with the way a published report can be wrong: one printed cell
changes (``dataclasses.replace`` on the row's values), or a whole table or its note is
missing. The rounding tests check the other half of the contract: a difference that
the printed precision explains is info, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.catalogue import REGISTRY
from juesuan.filing.model import Filing
from juesuan.rules.check import check_filing, check_tables
from juesuan.rules.finding import Finding, Location, Severity
from juesuan.rules.registry import Report
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet
from juesuan.template.catalogue import bundled

TABLE_RULES = sorted(r.id for r in REGISTRY.values() if r.scope == "tables")


# --- helpers ---------------------------------------------------------------------------


def findings_of(rule_id: str, ts: TableSet) -> list[Finding]:
    """Run one rule on a table set."""
    registered = REGISTRY[rule_id]
    report = Report(registered)
    registered.check(ts, report)
    return report.findings


def put(ts: TableSet, number: int, row_key: str, column_key: str, value: str | None) -> TableSet:
    """The table set with one cell replaced (None: a blank cell)."""
    table = ts[number]
    index = table.column_index(column_key)
    old = table.row(row_key)
    values = list(old.values)
    values[index] = None if value is None else Decimal(value)
    new = replace(old, values=tuple(values))
    rows = tuple(new if r.key == row_key else r for r in table.rows)
    tables = tuple(replace(t, rows=rows) if t.number == number else t for t in ts.tables)
    return replace(ts, tables=tables)


def shift(ts: TableSet, number: int, row_key: str, column_key: str, delta: str) -> TableSet:
    """The table set with one cell changed by ``delta`` (a blank cell counts as zero)."""
    current = ts[number].cell(row_key, column_key) or Decimal(0)
    return put(ts, number, row_key, column_key, str(current + Decimal(delta)))


def without_table(ts: TableSet, number: int) -> TableSet:
    return replace(ts, tables=tuple(t for t in ts.tables if t.number != number))


def note(number: int) -> str:
    """The ordinary 注 of a table in the 2024 template (the good tables' template)."""
    spec = bundled("shanghai-2024").table(number)
    assert spec is not None
    return spec.note


def with_notes(ts: TableSet, number: int, notes: tuple[str, ...]) -> TableSet:
    return replace(ts, tables=tuple(replace(t, notes=notes) if t.number == number else t
                                    for t in ts.tables))


def emptied(ts: TableSet, number: int) -> TableSet:
    """Table ``number`` with every cell blank and only its ordinary 注 (no 无数据 note)."""
    table = ts[number]
    rows = tuple(replace(r, values=(None,) * len(r.values)) for r in table.rows)
    return replace(ts, tables=tuple(replace(t, rows=rows, notes=(note(number),))
                                    if t.number == number else t for t in ts.tables))


def cell(table: int, row: str, column: str | None = None) -> Location:
    return Location(table=table, row=row, column=column)


# --- the failing cases ---------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    tamper: Callable[[TableSet], TableSet]
    location: Location
    expected: str
    found: str
    silent: tuple[str, ...] = ()  # rules that must not fire on this tampering


T = Case  # short alias for the table below

# Each case breaks one relation; values are the good filing's tables in 万元.
TABLE_CASES: dict[str, list[Case]] = {
    "T1.a": [T("income total +1", lambda ts: shift(ts, 1, "income_total", "income", "1"),
               cell(1, "income_total"), "210.00", "211.00")],
    "T1.b": [T("expenditure total +1",
               lambda ts: shift(ts, 1, "expenditure_total", "expenditure", "1"),
               cell(1, "expenditure_total"), "212.00", "213.00")],
    "T1.c": [T("income grand total +1",
               lambda ts: shift(ts, 1, "income_grand_total", "income", "1"),
               cell(1, "income_grand_total"), "225.00", "226.00")],
    "T1.d": [T("expenditure grand total +1",
               lambda ts: shift(ts, 1, "expenditure_grand_total", "expenditure", "1"),
               cell(1, "expenditure_grand_total"), "225.00", "226.00", silent=("T1.c",))],
    "T1.e": [T("closing and expenditure grand total +1",
               lambda ts: shift(shift(ts, 1, "closing", "expenditure", "1"),
                                1, "expenditure_grand_total", "expenditure", "1"),
               cell(1, "expenditure_grand_total"), "225.00", "226.00",
               silent=("T1.a", "T1.b", "T1.c", "T1.d"))],
    "T2.a": [T("项 row total +1", lambda ts: shift(ts, 2, "2010601", "total", "1"),
               cell(2, "2010601", "本年收入合计"), "125.00", "126.00")],
    "T2.b": [T("项 row fiscal and total +1",
               lambda ts: shift(shift(ts, 2, "2010601", "fiscal", "1"), 2, "2010601", "total", "1"),
               cell(2, "20106", "财政拨款收入"), "151.00", "150.00", silent=("T2.a",)),
             T("合计 row fiscal and total +1",
               lambda ts: shift(shift(ts, 2, "total", "fiscal", "1"), 2, "total", "total", "1"),
               cell(2, "total", "财政拨款收入"), "200.00", "201.00", silent=("T2.a",))],
    "T3.a": [T("项 row total +1", lambda ts: shift(ts, 3, "2080505", "total", "1"),
               cell(3, "2080505", "本年支出合计"), "15.00", "16.00")],
    "T3.b": [T("项 row basic and total +1",
               lambda ts: shift(shift(ts, 3, "2080505", "basic", "1"), 3, "2080505", "total", "1"),
               cell(3, "20805", "基本支出"), "16.00", "15.00", silent=("T3.a",))],
    "T4.a": [T("类 row general budget +1", lambda ts: shift(ts, 4, "201", "general_budget", "1"),
               cell(4, "201", "合计"), "156.00", "155.00")],
    "T4.b": [T("income total +1", lambda ts: shift(ts, 4, "income_total", "income", "1"),
               cell(4, "income_total"), "200.00", "201.00"),
             T("opening +1", lambda ts: shift(ts, 4, "opening", "income", "1"),
               cell(4, "opening"), "11.00", "12.00"),
             T("fund expenditure total +1",
               lambda ts: shift(ts, 4, "expenditure_total", "government_fund", "1"),
               cell(4, "expenditure_total", "支出·政府性基金预算财政拨款"), "18.00", "19.00")],
    "T4.c": [T("income grand total +1", lambda ts: shift(ts, 4, "income_grand_total", "income", "1"),
               cell(4, "income_grand_total"), "211.00", "212.00"),
             T("fund grand total +1",
               lambda ts: shift(ts, 4, "expenditure_grand_total", "government_fund", "1"),
               cell(4, "expenditure_grand_total", "支出·政府性基金预算财政拨款"), "21.00", "22.00")],
    "T4.d": [T("1 万元 of income moved between funds",
               lambda ts: shift(shift(ts, 4, "income.government_fund", "income", "1"),
                                4, "income.general_budget", "income", "-1"),
               cell(4, "expenditure_grand_total", "支出·政府性基金预算财政拨款"), "22.00", "21.00",
               silent=("T4.a", "T4.b", "T4.c"))],
    "T5.a": [T("项 row total +1", lambda ts: shift(ts, 5, "2101101", "total", "1"),
               cell(5, "2101101", "合计"), "6.00", "7.00"),
             T("合计 row basic and total +1",
               lambda ts: shift(shift(ts, 5, "total", "basic", "1"), 5, "total", "total", "1"),
               cell(5, "total", "基本支出"), "130.00", "131.00")],
    "T6.a": [T("款 30101 +1", lambda ts: shift(ts, 6, "30101", "personnel", "1"),
               cell(6, "301", "决算数"), "101.00", "100.00", silent=("T6.b",))],
    "T6.b": [T("公用经费合计 +1", lambda ts: shift(ts, 6, "public_total", "public", "1"),
               cell(6, "public_total"), "25.00", "26.00", silent=("T6.a",)),
             T("人员经费合计 +1", lambda ts: shift(ts, 6, "personnel_total", "personnel", "1"),
               cell(6, "personnel_total"), "105.00", "106.00")],
    "T7.a": [T("合计 决算数 +1", lambda ts: shift(ts, 7, "three_public", "total.final", "1"),
               cell(7, "three_public", "合计·决算数"), "29.80", "30.80", silent=("T7.b",))],
    "T7.b": [T("公务用车购置费 预算数 +1",
               lambda ts: shift(ts, 7, "three_public", "vehicle_purchase.budget", "1"),
               cell(7, "three_public", "公务用车小计·预算数"), "30.00", "29.00",
               silent=("T7.a",)),
             T("公务用车小计 决算数 +1",
               lambda ts: shift(ts, 7, "three_public", "vehicle.final", "1"),
               cell(7, "three_public", "公务用车小计·决算数"), "27.50", "28.50")],
    "T8.a": [T("项 closing +1", lambda ts: shift(ts, 8, "2120201", "closing", "1"),
               cell(8, "2120201", "年末结转和结余"), "3.00", "4.00"),
             T("项 expenditure +1", lambda ts: shift(ts, 8, "2120201", "expenditure", "1"),
               cell(8, "2120201", "本年支出·合计"), "18.00", "19.00")],
    "T9.a": [T("closing of the empty table", lambda ts: shift(ts, 9, "total", "closing", "1"),
               cell(9, "total", "年末结转和结余"), "0.00", "1.00", silent=("T8.b",))],
    "X1": [T("表2 total +1",
             lambda ts: shift(shift(ts, 2, "total", "total", "1"), 2, "total", "fiscal", "1"),
             cell(2, "total", "本年收入合计"), "210.00", "211.00", silent=("T2.a",))],
    "X2": [T("表1 其他收入 +1",
             lambda ts: shift(shift(ts, 1, "income.other", "income", "1"),
                              1, "income_total", "income", "1"),
             cell(2, "total", "其他收入"), "6.00", "5.00", silent=("T1.a",)),
           T("表1 一般公共预算财政拨款收入 +1",
             lambda ts: shift(shift(ts, 1, "income.general_budget", "income", "1"),
                              1, "income_total", "income", "1"),
             cell(2, "total", "财政拨款收入"), "201.00", "200.00", silent=("T1.a",))],
    "X3": [T("表3 total +1", lambda ts: shift(ts, 3, "total", "total", "1"),
             cell(3, "total", "本年支出合计"), "212.00", "213.00")],
    "X4": [T("表3 类 208 +1", lambda ts: shift(ts, 3, "208", "total", "1"),
             cell(3, "208", "本年支出合计"), "15.00", "16.00")],
    "X5": [T("表4 income total +1", lambda ts: shift(ts, 4, "income_total", "income", "1"),
             cell(4, "income_total"), "200.00", "201.00"),
           T("表4 政府性基金收入 +1",
             lambda ts: shift(ts, 4, "income.government_fund", "income", "1"),
             cell(4, "income.government_fund"), "20.00", "21.00")],
    "X6": [T("表5 合计 +1", lambda ts: shift(ts, 5, "total", "total", "1"),
             cell(5, "total", "合计"), "185.00", "186.00"),
           T("表5 类 221 +1", lambda ts: shift(ts, 5, "221", "total", "1"),
             cell(5, "221", "合计"), "9.00", "10.00")],
    "X7": [T("表5 基本支出合计 +1", lambda ts: shift(ts, 5, "total", "basic", "1"),
             cell(6, "public_total"), "131.00", "130.00", silent=("T6.b",))],
    "X8": [T("表8 本年支出 +1", lambda ts: shift(ts, 8, "total", "expenditure", "1"),
             cell(8, "total", "本年支出"), "18.00", "19.00"),
           T("表8 本年收入 +1", lambda ts: shift(ts, 8, "total", "income", "1"),
             cell(8, "total", "本年收入"), "20.00", "21.00"),
           T("表8 年初 +1", lambda ts: shift(ts, 8, "total", "opening", "1"),
             cell(8, "total", "年初结转和结余"), "1.00", "2.00"),
           T("表8 年末 +1", lambda ts: shift(ts, 8, "total", "closing", "1"),
             cell(8, "total", "年末结转和结余"), "3.00", "4.00")],
    "X9": [T("表9 本年支出 +1", lambda ts: shift(ts, 9, "total", "expenditure", "1"),
             cell(9, "total", "本年支出"), "0.00", "1.00")],
    "X10": [T("表4 年末 above 表1", lambda ts: shift(ts, 4, "closing", "total", "5"),
              cell(4, "closing", "合计"), "≤ 12.00", "13.00"),
            T("表4 本年支出 above 表1", lambda ts: shift(ts, 4, "expenditure_total", "total", "10"),
              cell(4, "expenditure_total", "合计"), "≤ 212.00", "213.00"),
            T("表4 年初 above 表1", lambda ts: shift(ts, 4, "opening", "income", "4"),
              cell(4, "opening"), "≤ 14.00", "15.00"),
            T("表4 类 212 above 表1", lambda ts: shift(ts, 4, "212", "total", "1"),
              cell(4, "212", "合计"), "≤ 18.00", "19.00")],
    "X11": [T("公务接待费 below 30217", lambda ts: put(ts, 7, "three_public", "reception.final",
                                                   "0.50"),
              cell(7, "three_public", "公务接待费·决算数"), "≥ 0.80", "0.50", silent=("T7.b",)),
            T("公务用车购置费 below 31013", lambda ts: put(ts, 6, "31013", "public", "30.00"),
              cell(7, "three_public", "公务用车购置费·决算数"), "≥ 30.00", "24.00")],
    "X12": [T("30108 +1", lambda ts: shift(ts, 6, "30108", "personnel", "1"),
              cell(6, "30108"), "15.00", "16.00")],
    "X13": [T("表5 missing", lambda ts: without_table(ts, 5), Location(table=5), "有此表", "缺失")],
    "T8.b": [T("empty 表9 without its note", lambda ts: with_notes(ts, 9, (note(9),)),
               Location(table=9), "说明：…本年度没有…收入和支出，故本表无数据。", "无说明"),
             T("emptied 表8 without a note", lambda ts: emptied(ts, 8),
               Location(table=8), "说明：…本年度没有…收入和支出，故本表无数据。", "无说明")],
}

FLAT_CASES = [
    pytest.param(rule_id, case, id=f"{rule_id}:{case.name}")
    for rule_id, cases in TABLE_CASES.items()
    for case in cases
]


@pytest.mark.parametrize("rule_id", TABLE_RULES)
def test_every_table_rule_has_a_failing_case(rule_id: str) -> None:
    assert TABLE_CASES.get(rule_id), (
        f"rule {rule_id} has no failing case: add one to TABLE_CASES in {__file__}"
    )


def test_failing_cases_name_registered_rules() -> None:
    assert set(TABLE_CASES) <= set(TABLE_RULES)


@pytest.mark.parametrize("rule_id", TABLE_RULES)
def test_rule_passes_on_the_good_tables(rule_id: str, good_tables: TableSet) -> None:
    assert findings_of(rule_id, good_tables) == []


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_fires(rule_id: str, case: Case, good_tables: TableSet) -> None:
    tampered = case.tamper(good_tables)
    findings = findings_of(rule_id, tampered)
    severity = REGISTRY[rule_id].severity
    at_location = [f for f in findings if f.location == case.location]
    assert at_location, f"{rule_id} did not fire at {case.location}; findings: {findings}"
    [finding] = at_location
    assert finding.rule == rule_id
    assert finding.severity is severity
    assert (finding.expected, finding.found) == (case.expected, case.found)
    assert finding.message
    for other in case.silent:
        assert findings_of(other, tampered) == [], f"{other} should not fire"
    # The full check reports it too, and as an error or warning, never only as info.
    assert any(f.rule == rule_id and f.location == case.location and f.severity is severity
               for f in check_tables(tampered))


# --- the good filing, whole ---------------------------------------------------------


def test_good_filing_has_no_findings(good: Filing) -> None:
    assert check_filing(good) == []


def test_good_filing_in_wan_has_no_findings(good_wan: Filing) -> None:
    assert check_filing(good_wan) == []


def test_good_filing_central_layout_has_no_findings(good: Filing) -> None:
    central = good.model_copy(update={"layout": "central-2020"})
    tables = build_tables(central)
    assert "income" not in tables[9].column_keys  # the central 表9 has no income columns
    assert check_filing(central, tables) == []


# The central-2020 layout orders the 三公 columns by stage and prints 表9 without income
# and carry-over columns; the rules read columns by key, so they fire the same way.
CENTRAL_CASES = [
    ("T7.a", TABLE_CASES["T7.a"][0]),
    ("T7.b", TABLE_CASES["T7.b"][0]),
    ("X11", TABLE_CASES["X11"][0]),
    ("T9.a", T("表9 本年支出 without basic or project",
               lambda ts: shift(ts, 9, "total", "expenditure", "1"),
               cell(9, "total", "本年支出·合计"), "0.00", "1.00")),
    ("X9", TABLE_CASES["X9"][0]),
    ("T8.b", TABLE_CASES["T8.b"][0]),
]


@pytest.mark.parametrize(("rule_id", "case"), [
    pytest.param(rule_id, case, id=f"{rule_id}:{case.name}") for rule_id, case in CENTRAL_CASES
])
def test_rule_fires_in_the_central_layout(rule_id: str, case: Case, good: Filing) -> None:
    tables = build_tables(good.model_copy(update={"layout": "central-2020"}))
    assert "closing" not in tables[9].column_keys
    [finding] = [f for f in findings_of(rule_id, case.tamper(tables)) if f.location == case.location]
    assert finding.severity is REGISTRY[rule_id].severity
    assert (finding.expected, finding.found) == (case.expected, case.found)


def test_good_tables_have_every_table_and_the_empty_note(good_tables: TableSet) -> None:
    assert [t.number for t in good_tables.tables] == list(range(1, 10))
    assert not good_tables[8].empty
    assert good_tables[9].empty
    assert any("故本表无数据" in note for note in good_tables[9].notes)


# --- rounding ------------------------------------------------------------------------


def severities(rule_id: str, ts: TableSet) -> set[Severity]:
    return {f.severity for f in findings_of(rule_id, ts)}


# (rule, tampered cell, allowed difference in the rounded tables: 0.005 per printed cell
# on either side). T1.a: 本年收入合计 and the five non-blank income lines; X4: 表1 and
# 表3 类 208; X7: 表5 基本支出合计, 表6 人员经费合计 and 公用经费合计 — totals, each known to
# the summed rounding of the rows it adds up (juesuan.tolerance.table_total: 4 项 of 表5,
# 6 and 6 款 of 表6), as when the tables are built from a filing in 万元. (Before the one
# tolerance model X7 allowed 0.015 on printed tables and 0.155 on the same figures built.)
ROUNDING = [
    ("T1.a", (1, "income_total", "income"), Decimal("0.03")),
    ("X4", (3, "208", "total"), Decimal("0.01")),
    ("X7", (5, "total", "basic"), Decimal("0.08")),
]


@pytest.mark.parametrize(("rule_id", "where", "allowed"), ROUNDING)
@pytest.mark.parametrize("delta", ["0.01", "-0.01", "allowed"])
def test_rounded_difference_within_the_printed_precision_is_info(
    rule_id: str, where: tuple[int, str, str], allowed: Decimal, delta: str,
    good_tables: TableSet,
) -> None:
    step = allowed if delta == "allowed" else Decimal(delta)
    rounded = good_tables.rounded(2)
    tampered = shift(rounded, *where, str(step))
    findings = findings_of(rule_id, tampered)
    assert findings, "a difference is always reported"
    assert {f.severity for f in findings} == {Severity.INFO}
    assert "四舍五入误差范围内" in findings[0].message


@pytest.mark.parametrize(("rule_id", "where", "allowed"), ROUNDING)
@pytest.mark.parametrize("delta", ["well over", "well under", "just over"])
def test_rounded_difference_beyond_the_printed_precision_is_an_error(
    rule_id: str, where: tuple[int, str, str], allowed: Decimal, delta: str,
    good_tables: TableSet,
) -> None:
    step = {"just over": allowed + Decimal("0.001"), "well over": allowed + Decimal("0.02"),
            "well under": -allowed - Decimal("0.02")}[delta]
    tampered = shift(good_tables.rounded(2), *where, str(step))
    assert severities(rule_id, tampered) == {Severity.ERROR}


@pytest.mark.parametrize(("rule_id", "where", "allowed"), ROUNDING)
def test_exact_tables_allow_no_difference(
    rule_id: str, where: tuple[int, str, str], allowed: Decimal, good_tables: TableSet
) -> None:
    del allowed
    tampered = shift(good_tables, *where, "0.01")
    assert severities(rule_id, tampered) == {Severity.ERROR}


def test_rounded_good_tables_have_no_findings(good_tables: TableSet) -> None:
    assert check_tables(good_tables.rounded(2)) == []


def test_x11_rounding_shortfall_is_info(good_tables: TableSet) -> None:
    rounded = good_tables.rounded(2)
    # 30217 is 0.80; a 公务接待费 printed 0.79 may be 0.794999…, the 30217 0.795: info.
    info = findings_of("X11", put(rounded, 7, "three_public", "reception.final", "0.79"))
    assert [f.severity for f in info] == [Severity.INFO]
    error = findings_of("X11", put(rounded, 7, "three_public", "reception.final", "0.78"))
    assert [f.severity for f in error] == [Severity.ERROR]


def test_x11_states_exact_figures_half_up(good_tables: TableSet) -> None:
    """Exact figures are shown in full, never rounded half-even so that they look equal."""
    tampered = put(put(good_tables, 6, "30217", "public", "0.125"),
                   7, "three_public", "reception.final", "0.1249")
    [finding] = findings_of("X11", tampered)
    assert finding.severity is Severity.ERROR
    assert (finding.expected, finding.found) == ("≥ 0.125", "0.1249")
    assert "30217 为 0.125万元" in finding.message
    assert "公务接待费决算数为 0.1249万元" in finding.message
    # Two-decimal figures keep two decimals, rounded half-up like every other figure.
    [finding] = findings_of("X11", put(good_tables, 7, "three_public", "reception.final", "0.5"))
    assert (finding.expected, finding.found) == ("≥ 0.80", "0.50")


def wan_filing_with(to_wan: Callable[[dict[str, Any]], dict[str, Any]], good_data: dict[str, Any],
                    econ_index: int, delta: str) -> Filing:
    data = to_wan(good_data)
    row = data["basic_economic"][econ_index]
    row["amount"] = str(Decimal(row["amount"]) + Decimal(delta))
    return Filing.model_validate(data)


# In a 万元 filing each amount written with 2 decimals carries ±0.005: X7 compares 表5
# 基本支出合计 (4 basic 项 amounts, ±0.02) with 表6 (12 经济分类 amounts, ±0.06).
@pytest.mark.parametrize(("delta", "severity"), [
    ("0.01", Severity.INFO), ("-0.08", Severity.INFO), ("0.08", Severity.INFO),
    ("0.09", Severity.ERROR), ("0.50", Severity.ERROR),
])
def test_wan_filing_rounding(delta: str, severity: Severity, good_data: dict[str, Any],
                             to_wan: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    filing = wan_filing_with(to_wan, good_data, 0, delta)  # 30101 基本工资
    findings = check_filing(filing)
    assert [(f.rule, f.severity, f.location) for f in findings] == [
        ("X7", severity, cell(6, "public_total"))
    ]
    expected_econ = Decimal("130.00") + Decimal(delta)
    assert (findings[0].expected, findings[0].found) == ("130.00", f"{expected_econ:.2f}")


def test_yuan_filing_is_checked_exactly_and_its_printed_rounding_is_info(
    good_data: dict[str, Any],
) -> None:
    """A filing in 元 reconciles exactly, so check_filing reports nothing; the printed
    (rounded) 表6 shows a 0.01 尾差, which the table rules judge as info, never error."""
    econ = good_data["basic_economic"]
    assert (econ[5]["code"], econ[9]["code"]) == ("30201", "30299")
    econ[5]["amount"] = "120050.00"  # 12.005 万元, printed 12.01
    econ[9]["amount"] = "51950.00"  # 5.195 万元, printed 5.20; 302 stays 22.00
    filing = Filing.model_validate(good_data)
    tables = build_tables(filing)
    assert check_tables(tables) == []
    assert check_filing(filing, tables) == []
    printed = check_tables(tables.rounded(2))
    assert [(f.rule, f.severity, f.location, f.expected, f.found) for f in printed] == [
        ("T6.a", Severity.INFO, cell(6, "302", "决算数"), "22.01", "22.00")
    ]


# --- property: a consistent filing never yields an error, rounded or not -------------

CODES = ("2010601", "2010602", "2080505", "2101101", "2210201")
# 经济分类 款 that carry the same money as a 项's basic expenditure (X12 pairs).
PAIRED = {"2080505": "30108", "2101101": "30110", "2210201": "30113"}
CENTS = st.integers(min_value=0, max_value=10**11)  # up to 10 亿元


def yuan(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):.2f}"


@st.composite
def consistent_filings(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=len(CODES), unique=True))
    income: list[dict[str, Any]] = []
    expenditure: list[dict[str, Any]] = []
    economic: dict[str, int] = {}
    unpaired = 0
    for code in codes:
        basic, project = draw(CENTS), draw(CENTS)
        income.append({"code": code, "general_budget": yuan(basic + project)})
        expenditure.append({"code": code, "basic": yuan(basic), "project": yuan(project)})
        if code in PAIRED:
            economic[PAIRED[code]] = basic
        else:
            unpaired += basic
    wages = draw(st.integers(min_value=0, max_value=unpaired))
    economic["30101"] = wages
    economic["30201"] = unpaired - wages
    # Carry-over that balances: opening + income = spent + closing.
    first = income[0]
    first_cents = int(Decimal(first["general_budget"]) * 100)
    opening = draw(st.integers(min_value=0, max_value=first_cents))
    closing = draw(CENTS)
    first["general_budget"] = yuan(first_cents - opening + closing)
    other = draw(CENTS)
    first["other"] = yuan(other)
    expenditure.append({"code": codes[0], "fund": "non_fiscal", "project": yuan(other)})
    return {
        "year": 2024,
        "unit": "元",
        "department": {"name": "性质测试局", "region": "测试市", "level": "县级"},
        "income": income,
        "expenditure": expenditure,
        "basic_economic": [{"code": c, "amount": yuan(a)} for c, a in sorted(economic.items())],
        "carry_over": [{"fund": "general_budget", "opening": yuan(opening),
                        "closing": yuan(closing)}],
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=consistent_filings())
def test_consistent_filings_never_yield_errors(
    data: dict[str, Any], to_wan: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    filing = Filing.model_validate(data)
    tables = build_tables(filing)
    assert check_tables(tables) == []  # exact tables reconcile exactly
    rounded = check_tables(tables.rounded(2))
    assert {f.severity for f in rounded} <= {Severity.INFO}, rounded
    assert {f.severity for f in check_filing(filing, tables)} <= {Severity.INFO}
    # The same filing written in 万元 to 2 decimals: only rounding differences, so only info.
    in_wan = Filing.model_validate(to_wan(data))
    findings = check_filing(in_wan)
    assert {f.severity for f in findings} <= {Severity.INFO}, findings


@pytest.mark.parametrize(("row", "column", "rule", "blamed"), [
    # 年末结转和结余 changed: 支出总计 still equals 收入总计 and 本年支出合计 still equals 表3's,
    # so the cell the other identities point to is 年末结转和结余, not the total (issue 12)
    ("closing", "expenditure", "T1.d", "closing"),
    ("opening", "income", "T1.c", "opening"),
    # 收入总计 changed: 支出总计 adds up, 收入总计 does not; T1.e names 收入总计
    ("income_grand_total", "income", "T1.e", "income_grand_total"),
    # 支出总计 changed: T1.d and T1.e name the total itself
    ("expenditure_grand_total", "expenditure", "T1.d", "expenditure_grand_total"),
])
def test_the_cell_the_other_identities_point_to_is_blamed(good_tables: TableSet, row: str, column: str,
                                                         rule: str, blamed: str) -> None:
    tampered = shift(good_tables, 1, row, column, "10.00")
    [finding] = [f for f in check_tables(tampered) if f.rule == rule]
    assert finding.severity is Severity.ERROR
    assert finding.location.row == blamed
