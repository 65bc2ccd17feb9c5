"""Sheet names: valid for Excel and distinct whatever the tables are called."""

from __future__ import annotations

import io
from dataclasses import replace

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.render.xlsx import SHEET_NAME_MAX, tables_to_xlsx, xlsx_sheet_name
from juesuan.tables.table import Table, TableSet

FORBIDDEN = set("[]:*?/\\")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def valid(name: str) -> bool:
    return (0 < utf16_len(name) <= SHEET_NAME_MAX and not FORBIDDEN & set(name)
            and not name.startswith("'") and not name.endswith("'")
            and name.casefold() != "history")


# Titles of every kind: long, short, empty, with forbidden characters, apostrophes, case
# variants and characters outside the BMP (two UTF-16 units in Excel's count).
titles = st.text(
    alphabet=st.one_of(st.sampled_from("[]:*?/\\'  表项目a\U0001f600\u3000"),
                       st.characters(blacklist_categories=("Cs",))),
    max_size=60,
) | st.sampled_from(["History", "history", "'", "''", " ' ", "", "   "])


def table_set(small: TableSet, names: list[str]) -> TableSet:
    # Tables numbered beyond the nine public ones: the heading is the title alone.
    tables = tuple(replace(small[1], number=10 + i, title=name) for i, name in enumerate(names))
    return replace(small, tables=tables)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(titles, min_size=1, max_size=6))
def test_any_titles_give_valid_distinct_sheets(small: TableSet, names: list[str]) -> None:
    ts = table_set(small, names)
    data = tables_to_xlsx(ts)
    sheets = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert len(sheets) == len(names)
    assert all(valid(name) for name in sheets), sheets
    assert len({name.casefold() for name in sheets}) == len(sheets)


@given(title=titles)
def test_one_name_is_valid(title: str) -> None:
    table = Table(12, "t", title, (), ())
    assert valid(xlsx_sheet_name(table))


def test_projects_whose_names_share_a_long_beginning(small: TableSet) -> None:
    prefix = "2020年度" + "很长的项目名称" * 4
    ts = table_set(small, [prefix + "甲（预算执行情况）", prefix + "甲（绩效指标）",
                           prefix + "乙（预算执行情况）", prefix + "乙（绩效指标）"])
    sheets = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx(ts))).sheetnames
    assert len(set(sheets)) == 4 and all(valid(s) for s in sheets)
    assert sheets[0].startswith("2020年度很长的项目名称")


def test_names_that_fit_are_kept(small: TableSet) -> None:
    sheets = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx(small))).sheetnames
    assert sheets[0] == "表1 收入支出决算总表"
