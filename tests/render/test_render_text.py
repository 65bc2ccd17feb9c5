"""Text rendering, checked against a golden file.

The golden file ``golden/small.txt`` is the rendering of the small filing in
``conftest.py``. After an intended change to the text layout, regenerate it with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/render/test_render_text.py

and review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from juesuan.render.layout import display_width
from juesuan.render.text import table_to_text, tables_to_text
from juesuan.tables.table import TableSet

GOLDEN = Path(__file__).parent / "golden" / "small.txt"


def test_golden(small: TableSet) -> None:
    text = tables_to_text(small)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing: run the tests with UPDATE_GOLDEN=1")
    assert text == GOLDEN.read_text(encoding="utf-8")


def grid_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in ("+", "|")]


def test_every_table_block_is_aligned(small: TableSet, small_central: TableSet) -> None:
    for ts in (small, small_central):
        for table in ts.tables:
            text = table_to_text(table)
            widths = {display_width(line) for line in grid_lines(text)}
            assert len(widths) == 1, (table.number, widths)
            unit_line = text.splitlines()[1]
            assert unit_line.endswith("单位：万元")
            assert display_width(unit_line) == widths.pop()


def test_titles_units_and_notes(small: TableSet) -> None:
    text = tables_to_text(small)
    for table in small.tables:
        assert f"表{table.number} {table.title}\n" in text
        for note in table.notes:
            assert note in text
    assert text.startswith("测试局 2024年度部门决算公开表\n")


def test_figures_rounded_half_up(small: TableSet) -> None:
    t1 = table_to_text(small[1])
    line = next(line for line in t1.splitlines() if "本年收入合计" in line)
    # 1673.865 万元 prints 1,673.87 and stands on the line of 本年支出合计.
    assert "| 1,673.87 |" in line
    assert "本年支出合计" in line and "1,672.64" in line
    other = next(line for line in t1.splitlines() if "八、其他收入" in line)
    assert "|     1.23 |" in other  # 1.225 half-up, not 1.22
    grand = next(line for line in t1.splitlines() if line.startswith("| 总计"))
    assert grand.count("1,674.87") == 2


def test_blank_cells_stay_blank(small: TableSet) -> None:
    t2 = table_to_text(small[2])
    line = next(line for line in t2.splitlines() if "2080505" in line)
    assert "0.00" not in line
    assert line.count("160.75") == 2


def test_names_indented_by_level(small: TableSet) -> None:
    t3 = table_to_text(small[3])
    assert "| 201      | 一般公共服务支出" in t3
    assert "| 20106    |   财政事务" in t3
    assert "| 2010601  |     行政运行" in t3


def test_header_groups(small_central: TableSet) -> None:
    t7 = table_to_text(small_central[7]).splitlines()
    assert "预算数" in t7[3] and "决算数" in t7[3]
    assert t7[5].count("公务用车购置及运行费") == 2
    assert t7[7].count("公务用车运行费") == 2


def test_plain_numbers_option(small: TableSet) -> None:
    assert "1673.87" in table_to_text(small[1], thousands=False)
