"""One tolerance model (juesuan.tolerance): the same identity has the same severity whether
juesuan built the figures or read them from a report, in the tables (X7) and in the text
(C.total).

The Shanghai example's 表5 基本支出合计 is 2336.92 and 表6 人员经费合计 + 公用经费合计 is
2152.27 + 184.67 = 2336.94: each a total of many rows in 万元 rounded to 0.01, so each is
known to its rows' summed rounding (±0.155 together), and the 0.02 is rounding.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.audit.claim_rules import check_claims
from juesuan.audit.claims import extract_claims
from juesuan.audit.source import from_text
from juesuan.filing.io import load_filing
from juesuan.rules.check import check_tables
from juesuan.rules.finding import Finding, Severity
from juesuan.tables.amounts import Amt
from juesuan.tables.build import PERSONNEL, PUBLIC, build_tables
from juesuan.tables.table import Row, Table, TableSet
from juesuan.tolerance import grade, summed, table_total

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shanghai-putuo-czj-2024.yaml"
TEXT = ("六、一般公共预算财政拨款基本支出决算情况说明\n"
        "一般公共预算财政拨款基本支出{basic}万元。其中：人员经费2152.27万元，主要包括：基本工资；"
        "公用经费184.67万元，主要包括：办公费。")
D = Decimal


@pytest.fixture(scope="module")
def built() -> TableSet:
    return build_tables(load_filing(EXAMPLE).filing)


def x7(tables: TableSet) -> list[Finding]:
    return [f for f in check_tables(tables) if f.rule == "X7"]


def c_total(tables: TableSet | None, basic: str = "2336.92") -> list[Finding]:
    claims = extract_claims(from_text(TEXT.format(basic=basic), "r.txt"))
    return [f for f in check_claims(claims, tables) if f.rule == "C.total"]


def shifted(tables: TableSet, delta: str) -> TableSet:
    """表5's 基本支出合计 moved by ``delta`` (as a report printing another figure)."""
    t5 = tables.get(5)
    assert t5 is not None
    i = t5.column_index("basic")
    rows = []
    for row in t5.rows:
        if row.key == "total":
            values = list(row.values)
            value = values[i]
            assert isinstance(value, Decimal)
            values[i] = value + D(delta)
            row = Row(row.key, row.name, tuple(values), row.errors, row.code, row.level, row.kind,
                      row.section)
        rows.append(row)
    new = Table(t5.number, t5.key, t5.title, t5.columns, tuple(rows), t5.unit, t5.notes)
    return TableSet(tuple(new if t.number == 5 else t for t in tables.tables), tables.department,
                    tables.year)


def test_a_total_is_known_to_its_rows_rounding(built: TableSet) -> None:
    """Built from the filing in 万元 or printed and read back: the same error."""
    printed = built.rounded(2)
    for tables in (built, printed):
        t5, t6 = tables.get(5), tables.get(6)
        assert t5 is not None and t6 is not None
        errors = [table_total(t5, "total", "basic"),
                  table_total(t6, "personnel_total", "personnel", PERSONNEL),
                  table_total(t6, "public_total", "public", PUBLIC)]
        assert sum((a.error for a in errors if a is not None), D(0)) == D("0.155")
    assert summed(Amt(D("10.00"), D("0.005")), [Amt(D(1), D("0.005"))] * 3).error == D("0.015")
    assert grade(Amt(D("2336.92"), D("0.02")), Amt(D("2336.94"), D("0.005"))) == "rounding"
    assert grade(Amt(D("2336.92"), D("0.005")), Amt(D("2336.94"), D("0.005"))) == "wrong"


def test_same_identity_same_severity_in_tables_and_text(built: TableSet) -> None:
    printed = built.rounded(2)
    [built_x7], [printed_x7], [stated] = x7(built), x7(printed), c_total(printed)
    for f in (built_x7, printed_x7, stated):
        assert f.severity is Severity.INFO
        assert "允许 ±0.155" in f.message
    assert (stated.expected, stated.found) == ("2336.94", "2336.92")
    assert (printed_x7.expected, printed_x7.found) == ("2336.92", "2336.94")


def test_beyond_the_rows_rounding_is_an_error_in_both(built: TableSet) -> None:
    printed = shifted(built.rounded(2), "-0.5")  # 表5 prints 2336.42
    [table_finding] = x7(printed)
    [stated] = c_total(printed, basic="2336.42")
    assert table_finding.severity is stated.severity is Severity.ERROR
    assert (stated.expected, stated.found) == ("2336.94", "2336.42")
    assert "允许 ±0.155" in stated.message


def test_without_the_tables_a_small_difference_is_unsure() -> None:
    """Tables not read: how many rows the totals add up is unknown, so 0.02 is a warning
    (estimated for at most 100 rows each), and a large difference still an error."""
    [small] = c_total(None)
    assert small.severity is Severity.WARNING
    assert "表5、表6未能读出" in small.message
    [large] = c_total(None, basic="2236.92")  # the parts exceed the total by 100
    assert large.severity is Severity.ERROR
