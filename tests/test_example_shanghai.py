"""The Shanghai example filing rebuilds the nine tables of the report it was transcribed from.

examples/shanghai-putuo-czj-2024.yaml is the 2024 部门决算 of 上海市普陀区财政局; the
fixture is the text of the published PDF (table rows joined with `` | ``). The tests
parse the nine published tables out of that text and compare every cell with the
tables built from the example, rounded to 0.01 as printed.

The only cells allowed to differ are listed in KNOWN_PUBLISHED_ROUNDING_DIFFERENCES:
places where the published 类 row or total was rounded from unrounded figures while
the 项/款 rows printed beside it (which is all the filing holds) add up to 0.01 or 0.02
more. Every such difference must lie within the rounding error of the figures summed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan import codes
from juesuan.filing.io import load_filing
from juesuan.filing.model import Filing
from juesuan.money import half_unit, round_half_up
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shanghai-putuo-czj-2024.yaml"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "reports" / "01_shanghai-putuo-czj-2024.txt"

D = Decimal
Cell = tuple[int, str, str]  # (table number, row key, column key)
Difference = tuple[int, str, str, Decimal | None, Decimal | None]  # + published, generated

# --- the published cells that disagree with the sums of their own rows ---------------
#
# (table, row key, column key, published, generated). In each case the report prints
# the 项 (or 款) rows and, separately, a 类 row or total rounded from the unrounded
# amounts; the filing holds the printed 项/款 rows, whose sum is what we print.
#
# 功能分类 项 rows (表2/3/5): 1511.89 + 10.00 + 135.25 + 449.52 + 84.65 + 160.75 + 80.38
# + 0.94 + 60.99 + 187.19 + 258.50 = 2940.06 (basic part 2336.92), published 2940.05
# (2336.91). The 208 项 rows 84.65 + 160.75 + 80.38 + 0.94 = 326.72, which 表2/3/5 print
# as 326.72 but 表1/表4 print as 326.71 (2106.66 + 326.71 + 60.99 + 445.69 = 2940.05).
KNOWN_PUBLISHED_ROUNDING_DIFFERENCES: list[Difference] = [
    # 表1 收入支出决算总表
    # 一般公共预算财政拨款收入: the 11 项 rows of 财政拨款收入 add up to 2940.06.
    (1, "income.general_budget", "income", D("2940.05"), D("2940.06")),
    # 本年收入合计 = 2940.06 + 其他收入 6.20.
    (1, "income_total", "income", D("2946.25"), D("2946.26")),
    # 总计 = 本年收入合计 2946.26 + 年初结转和结余 49.14.
    (1, "income_grand_total", "income", D("2995.39"), D("2995.40")),
    # 社会保障和就业支出: 项 rows 84.65 + 160.75 + 80.38 + 0.94 = 326.72 (表2/3/5 print 326.72).
    (1, "208", "expenditure", D("326.71"), D("326.72")),
    # 本年支出合计: the 11 项 rows of 支出决算表 add up to 2940.06.
    (1, "expenditure_total", "expenditure", D("2940.05"), D("2940.06")),
    # 总计 = 本年支出合计 2940.06 + 年末结转和结余 55.34.
    (1, "expenditure_grand_total", "expenditure", D("2995.39"), D("2995.40")),
    # 表2 收入决算表: 合计 row; its 类 rows 2112.86 + 326.72 + 60.99 + 445.69 = 2946.26.
    (2, "total", "total", D("2946.25"), D("2946.26")),
    # 合计 财政拨款收入: 类 rows 2106.66 + 326.72 + 60.99 + 445.69 = 2940.06.
    (2, "total", "fiscal", D("2940.05"), D("2940.06")),
    # 表3 支出决算表: 合计 row; 类 rows 2106.66 + 326.72 + 60.99 + 445.69 = 2940.06.
    (3, "total", "total", D("2940.05"), D("2940.06")),
    # 合计 基本支出: 类 rows 1503.52 + 326.72 + 60.99 + 445.69 = 2336.92.
    (3, "total", "basic", D("2336.91"), D("2336.92")),
    # 表4 财政拨款收入支出决算总表
    # 一般公共预算财政拨款 (income): the 11 项 rows add up to 2940.06.
    (4, "income.general_budget", "income", D("2940.05"), D("2940.06")),
    # 本年收入合计: all 财政拨款 income is 一般公共预算, 2940.06.
    (4, "income_total", "income", D("2940.05"), D("2940.06")),
    # 总计 = 2940.06 + 年初财政拨款结转和结余 21.63.
    (4, "income_grand_total", "income", D("2961.68"), D("2961.69")),
    # 社会保障和就业支出 合计: as in 表1, 326.71 against 项 rows of 326.72.
    (4, "208", "total", D("326.71"), D("326.72")),
    # 社会保障和就业支出 一般公共预算财政拨款: the same figure in the fund column.
    (4, "208", "general_budget", D("326.71"), D("326.72")),
    # 本年支出合计 合计: 11 项 rows, 2940.06.
    (4, "expenditure_total", "total", D("2940.05"), D("2940.06")),
    # 本年支出合计 一般公共预算财政拨款: the same figure in the fund column.
    (4, "expenditure_total", "general_budget", D("2940.05"), D("2940.06")),
    # 总计 合计 = 2940.06 + 年末财政拨款结转和结余 21.63.
    (4, "expenditure_grand_total", "total", D("2961.68"), D("2961.69")),
    # 总计 一般公共预算财政拨款: the same figure in the fund column.
    (4, "expenditure_grand_total", "general_budget", D("2961.68"), D("2961.69")),
    # 表5 一般公共预算财政拨款支出决算表: 合计 row, as in 表3.
    (5, "total", "total", D("2940.05"), D("2940.06")),
    # 合计 基本支出: 1503.52 + 326.72 + 60.99 + 445.69 = 2336.92.
    (5, "total", "basic", D("2336.91"), D("2336.92")),
    # 表6 一般公共预算财政拨款基本支出决算表
    # 301 工资福利支出: 款 rows 262.33 + 1238.58 + 160.75 + 80.38 + 60.99 + 1.61 + 187.19
    # + 91.03 = 2082.86.
    (6, "301", "personnel", D("2082.85"), D("2082.86")),
    # 人员经费合计 = 301 2082.86 + 303 69.41.
    (6, "personnel_total", "personnel", D("2152.26"), D("2152.27")),
    # 302 商品和服务支出: its 12 款 rows 21.21 + 7.61 + 0.09 + 4.88 + 1.20 + 2.83 + 4.05
    # + 2.01 + 24.42 + 42.77 + 48.49 + 11.53 = 171.09, printed as 171.07. A 0.02 gap is
    # within rounding of 12 figures (each ±0.005); 公用经费合计 184.65 = 171.07 + 13.58
    # and 机关运行经费 184.65 confirm the published 171.07.
    (6, "302", "public", D("171.07"), D("171.09")),
    # 公用经费合计 = 302 171.09 + 310 13.58 = 184.67, printed 184.65 (see 302).
    (6, "public_total", "public", D("184.65"), D("184.67")),
]

# The only differences larger than one cent, each explained above (12 款 rows summed).
TWO_CENT_DIFFERENCES: frozenset[tuple[int, str, str]] = frozenset(
    {(6, "302", "public"), (6, "public_total", "public")}
)


# --- parsing the published tables ------------------------------------------------------

TITLES: dict[int, str] = {
    1: "收入支出决算总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表",
    6: "一般公共预算财政拨款基本支出决算表",
    7: "财政拨款“三公”经费支出决算表",
    8: "政府性基金预算财政拨款收入支出决算表",
    9: "国有资本经营预算财政拨款收入支出决算表",
}
END_OF_TABLES = "第三部分"

NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")


def amount(text: str) -> Decimal | None:
    """A printed amount: thousands commas allowed; blank means no amount."""
    text = text.strip()
    if not text:
        return None
    if not NUMBER.match(text):
        raise ValueError(f"not an amount: {text!r}")
    return Decimal(text.replace(",", ""))


def is_amount(text: str) -> bool:
    return bool(NUMBER.match(text.strip()))


def strip_ordinal(label: str) -> str:
    return ORDINAL.sub("", label)


def squeeze(label: str) -> str:
    """Names as printed, without the spaces the PDF puts into wrapped cells."""
    return re.sub(r"\s+", "", label)


@dataclass
class Published:
    """The cells of the nine published tables, blanks included, and the printed row names."""

    cells: dict[Cell, Decimal | None]
    names: dict[tuple[int, str], str]

    def table(self, number: int) -> dict[Cell, Decimal | None]:
        return {k: v for k, v in self.cells.items() if k[0] == number}

    def put(self, number: int, row: str, column: str, text: str) -> None:
        cell = (number, row, column)
        if cell in self.cells:
            raise ValueError(f"published cell {cell} read twice")
        self.cells[cell] = amount(text)


def table_rows(text: str) -> dict[int, list[list[str]]]:
    """The ' | '-joined rows under each table title, split into stripped cells."""
    lines = text.splitlines()
    starts: dict[int, int] = {}
    end = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        for number, title in TITLES.items():
            if stripped == title:
                if number in starts:
                    raise ValueError(f"title of 表{number} found twice")
                starts[number] = i
        if stripped.startswith(END_OF_TABLES) and starts and i > max(starts.values()):
            end = min(end, i)
    if set(starts) != set(TITLES):
        raise ValueError(f"tables not found: {sorted(set(TITLES) - set(starts))}")
    order = sorted(starts, key=starts.__getitem__)
    if order != sorted(TITLES):
        raise ValueError(f"tables out of order: {order}")
    bounds = [*(starts[n] for n in order), end]
    return {
        number: [
            [cell.strip() for cell in line.split("|")]
            for line in lines[bounds[i] + 1 : bounds[i + 1]]
            if "|" in line
        ]
        for i, number in enumerate(order)
    }


def blank_or_label(cells: list[str]) -> bool:
    return not any(is_amount(c) for c in cells)


# 表1 labels (ordinal stripped) → row keys of our table.
T1_INCOME = {
    "一般公共预算财政拨款收入": "income.general_budget",
    "政府性基金预算财政拨款收入": "income.government_fund",
    "国有资本经营预算财政拨款收入": "income.state_capital",
    "上级补助收入": "income.superior_subsidy",
    "事业收入": "income.business",
    "经营收入": "income.operating",
    "附属单位上缴收入": "income.affiliated_remittance",
    "其他收入": "income.other",
    "本年收入合计": "income_total",
    "使用非财政拨款结余（含专用结余）": "non_fiscal_balance_used",
    "使用非财政拨款结余": "non_fiscal_balance_used",
    "年初结转和结余": "opening",
    "总计": "income_grand_total",
}
T1_EXPENDITURE = {
    "本年支出合计": "expenditure_total",
    "结余分配": "surplus_distribution",
    "年末结转和结余": "closing",
    "总计": "expenditure_grand_total",
}
T4_FUNDS = {
    "一般公共预算财政拨款": "general_budget",
    "政府性基金预算财政拨款": "government_fund",
    "国有资本经营预算财政拨款": "state_capital",
}
T4_INCOME = {
    "本年收入合计": "income_total",
    "年初财政拨款结转和结余": "opening",
    "总计": "income_grand_total",
}
T4_EXPENDITURE = {
    "本年支出合计": "expenditure_total",
    "年末财政拨款结转和结余": "closing",
    "总计": "expenditure_grand_total",
}
T4_EXPENDITURE_COLUMNS = ("total", "general_budget", "government_fund", "state_capital")
T4_HEADER = ["项目", "决算数", "项目", "合计", *T4_FUNDS]

# Hierarchical tables: the header labels over the amount columns, and our column keys.
HIERARCHICAL_HEADERS: dict[int, tuple[tuple[str, str], ...]] = {
    2: (
        ("本年收入合计", "total"),
        ("财政拨款收入", "fiscal"),
        ("上级补助收入", "superior_subsidy"),
        ("事业收入", "business"),
        ("经营收入", "operating"),
        ("附属单位上缴收入", "affiliated_remittance"),
        ("其他收入", "other"),
    ),
    3: (
        ("本年支出合计", "total"),
        ("基本支出", "basic"),
        ("项目支出", "project"),
        ("上缴上级支出", "remit_superior"),
        ("经营支出", "operating"),
        ("对附属单位补助支出", "subsidy_affiliated"),
    ),
    5: (("合计", "total"), ("基本支出", "basic"), ("项目支出", "project")),
    # 本年支出 spans 小计 | 基本支出 | 项目支出 on the next header line.
    8: (
        ("年初结转和结余", "opening"),
        ("本年收入", "income"),
        ("本年支出", "expenditure"),
        ("", "basic"),
        ("", "project"),
        ("年末结转和结余", "closing"),
    ),
}
HIERARCHICAL_HEADERS[9] = HIERARCHICAL_HEADERS[8]

T6_TOTALS = {"人员经费合计": "personnel_total", "公用经费合计": "public_total"}
T7_COLUMNS = tuple(
    f"{item}.{stage}"
    for item in ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation",
                 "reception")
    for stage in ("budget", "final")
)


def class_codes(year: int) -> dict[str, str]:
    return {e.name: e.code for e in codes.functional().classes(year)}


def parse_table1(rows: list[list[str]], out: Published, classes: dict[str, str]) -> None:
    for cells in rows:
        if cells[0] in ("收入", "项目"):
            continue
        if len(cells) != 4:
            raise ValueError(f"表1 row of {len(cells)} cells: {cells}")
        in_label, in_value, out_label, out_value = cells
        if in_label:
            key = T1_INCOME[strip_ordinal(in_label)]
            out.put(1, key, "income", in_value)
            out.names[(1, key)] = in_label
        elif in_value:
            raise ValueError(f"表1 amount without a label: {cells}")
        if out_label:
            label = strip_ordinal(out_label)
            key = T1_EXPENDITURE.get(label) or classes[label]
            out.put(1, key, "expenditure", out_value)
            out.names[(1, key)] = out_label
        elif out_value:
            raise ValueError(f"表1 amount without a label: {cells}")


def parse_table4(rows: list[list[str]], out: Published, classes: dict[str, str]) -> None:
    after_opening = False
    for cells in rows:
        if cells[0] == "收入":
            continue
        if cells[0] == "项目":
            if cells != T4_HEADER:
                raise ValueError(f"表4 header {cells}")
            continue
        if len(cells) != 2 + 1 + len(T4_EXPENDITURE_COLUMNS):
            raise ValueError(f"表4 row of {len(cells)} cells: {cells}")
        in_label, in_value, out_label, *out_values = cells
        if in_label:
            label = strip_ordinal(in_label)
            if label in T4_FUNDS:
                key = f"{'opening' if after_opening else 'income'}.{T4_FUNDS[label]}"
            else:
                key = T4_INCOME[label]
                after_opening = after_opening or key == "opening"
            out.put(4, key, "income", in_value)
            out.names[(4, key)] = in_label
        elif in_value:
            raise ValueError(f"表4 amount without a label: {cells}")
        if out_label:
            label = strip_ordinal(out_label)
            key = T4_EXPENDITURE.get(label) or classes[label]
            for column, text in zip(T4_EXPENDITURE_COLUMNS, out_values, strict=True):
                out.put(4, key, column, text)
            out.names[(4, key)] = out_label
        elif any(out_values):
            raise ValueError(f"表4 amount without a label: {cells}")


def parse_hierarchical(number: int, rows: list[list[str]], out: Published) -> None:
    """表2/3/5/8/9: 类 | 款 | 项 | 科目名称 | amounts…; 合计 in the first or fourth cell."""
    header = HIERARCHICAL_HEADERS[number]
    columns = [key for _, key in header]
    header_seen = False
    for cells in rows:
        if cells[0] == "项目":
            if cells[4:] != [label for label, _ in header]:
                raise ValueError(f"表{number} header {cells[4:]}")
            header_seen = True
            continue
        values = cells[4:]
        if cells[0] == "合计" or cells[3] == "合计":
            key = "total"
        elif cells[0].isdigit():
            key = "".join(cells[:3])
            if len(key) not in (3, 5, 7) or not key.isdigit():
                raise ValueError(f"表{number} code {cells[:3]}")
            out.names[(number, key)] = squeeze(cells[3])
        else:
            if not blank_or_label(cells):
                raise ValueError(f"表{number} amounts in an unreadable row: {cells}")
            continue
        if len(values) != len(columns):
            raise ValueError(f"表{number} row of {len(values)} amounts: {cells}")
        for column, text in zip(columns, values, strict=True):
            out.put(number, key, column, text)
    if not header_seen:
        raise ValueError(f"表{number} header not found")


def parse_table6(rows: list[list[str]], out: Published) -> None:
    """Two groups side by side: 人员经费 (301, 303) ‖ 公用经费 (302, 310)."""
    for cells in rows:
        if cells[0] in ("经济分类", "科目编码", "类"):
            continue
        if len(cells) != 8:
            raise ValueError(f"表6 row of {len(cells)} cells: {cells}")
        for side, column in ((cells[:4], "personnel"), (cells[4:], "public")):
            first, second, name, value = side
            if first in T6_TOTALS:
                key = T6_TOTALS[first]
            elif first.isdigit():
                key = first + second
                if len(key) not in (3, 5) or not key.isdigit():
                    raise ValueError(f"表6 code {side}")
                out.names[(6, key)] = squeeze(name)
            else:
                if any(side):
                    raise ValueError(f"表6 unreadable cells: {side}")
                continue
            out.put(6, key, column, value)


def parse_table7(rows: list[list[str]], out: Published) -> None:
    """One row of 12 amounts under the 预算数 | 决算数 header line."""
    stages = ["预算数", "决算数"] * 6
    for i, cells in enumerate(rows):
        if cells == stages:
            data = rows[i + 1]
            if len(data) != len(T7_COLUMNS):
                raise ValueError(f"表7 data row of {len(data)} cells: {data}")
            for column, text in zip(T7_COLUMNS, data, strict=True):
                out.put(7, "three_public", column, text)
            return
    raise ValueError("表7 header 预算数 | 决算数 not found")


def parse_published(text: str, year: int) -> Published:
    rows = table_rows(text)
    out = Published({}, {})
    classes = class_codes(year)
    parse_table1(rows[1], out, classes)
    for number in (2, 3, 5, 8, 9):
        parse_hierarchical(number, rows[number], out)
    parse_table4(rows[4], out, classes)
    parse_table6(rows[6], out)
    parse_table7(rows[7], out)
    return out


# --- our tables --------------------------------------------------------------------------


def generated_cells(tables: TableSet) -> dict[Cell, Decimal | None]:
    return {
        (table.number, row.key, column.key): value
        for table in tables.tables
        for row in table.rows
        for column, value in zip(table.columns, row.values, strict=True)
    }


def differences(
    published: dict[Cell, Decimal | None], generated: dict[Cell, Decimal | None]
) -> Iterator[Difference]:
    for cell in sorted(published.keys() | generated.keys()):
        p, g = published.get(cell), generated.get(cell)
        if p != g:
            yield (*cell, p, g)


@pytest.fixture(scope="module")
def filing() -> Filing:
    return load_filing(EXAMPLE).filing


@pytest.fixture(scope="module")
def exact(filing: Filing) -> TableSet:
    return build_tables(filing)


@pytest.fixture(scope="module")
def ours(exact: TableSet) -> TableSet:
    return exact.rounded(2)


@pytest.fixture(scope="module")
def published(filing: Filing) -> Published:
    return parse_published(FIXTURE.read_text(encoding="utf-8"), filing.year)


# --- the tests ---------------------------------------------------------------------------


def test_example_is_the_filing_described(filing: Filing) -> None:
    assert filing.year == 2024
    assert str(filing.unit) == "万元"
    assert filing.layout == "shanghai-2024"
    assert filing.department.name == "上海市普陀区财政局"
    assert filing.department.region == "上海市普陀区"
    assert [(u.name, u.note) for u in filing.department.units] == [
        ("上海市普陀区财政局（本级）", None),
        ("上海市普陀区财政局财政所", "预算不单列，并入本级"),
        ("上海市普陀区国库收付中心", "预算不单列，并入本级"),
    ]
    assert len(filing.organisation.duties) == 15
    assert filing.organisation.duties[-1] == "（十二）完成区委、区政府交办的其他任务。"
    assert {i.code for i in filing.income} == {e.code for e in filing.expenditure}
    assert {b.code for b in filing.budget.items} == {e.code for e in filing.expenditure}
    assert filing.budget.general_budget_initial == D("2993.92")
    assert filing.three_public.reception.budget == D("0.95")
    assert filing.operating_costs is not None
    assert filing.operating_costs.final == D("184.65")
    assert filing.assets is not None
    assert filing.assets.large_equipment == 2
    assert set(filing.reasons.items) == {
        "2010601", "2010607", "2010608", "2080501", "2080505", "2080506", "2101101", "2210201",
    }


def test_example_text_is_copied_from_the_report(filing: Filing) -> None:
    # Lines of the PDF joined back into paragraphs: every text field must occur in it.
    report = FIXTURE.read_text(encoding="utf-8").replace("\n", "")
    texts = [
        *filing.organisation.duties,
        *(item.purpose or "" for item in filing.budget.items),
        *filing.reasons.items.values(),
        *(v for v in filing.reasons.model_dump().values() if isinstance(v, str)),
    ]
    assert len(texts) == 15 + 11 + 8 + 6
    missing = [t for t in texts if not t or t not in report]
    assert missing == []


def test_prior_year_figures_reproduce_the_printed_changes(filing: Filing) -> None:
    # Each derived 2023 figure must give back the percentage the report prints.
    def pct(change: Decimal, base: Decimal | None) -> Decimal:
        assert base is not None
        return round_half_up(change / base * 100, 2)

    prior = filing.prior_year
    assert prior.grand_total == D("2995.39") + D("56.95")
    assert pct(D("56.95"), prior.grand_total) == D("1.87")
    assert prior.general_budget_expenditure == D("2940.05") + D("63.14")
    assert pct(D("63.14"), prior.general_budget_expenditure) == D("2.10")
    assert prior.operating_costs == D("184.65") - D("2.55")
    assert pct(D("2.55"), prior.operating_costs) == D("1.40")
    three = prior.three_public
    assert (three.outbound, three.vehicle_purchase, three.vehicle_operation, three.reception) == (
        0, 0, 0, 0,
    )
    assert prior.fiscal_grand_total is None  # the report's own figure (0.3万元) is wrong


def test_published_tables_are_parsed(published: Published) -> None:
    # Amounts (non-blank cells) per table, counted by hand in the fixture.
    counts = {n: sum(v is not None for v in published.table(n).values()) for n in TITLES}
    assert counts == {1: 12, 2: 45, 3: 44, 4: 19, 5: 44, 6: 29, 7: 2, 8: 0, 9: 0}
    cells = published.cells
    assert cells[(1, "208", "expenditure")] == D("326.71")
    assert cells[(1, "income.other", "income")] == D("6.20")
    assert cells[(1, "non_fiscal_balance_used", "income")] is None
    assert cells[(2, "total", "total")] == D("2946.25")
    assert cells[(2, "2010602", "other")] == D("6.19")
    assert cells[(3, "2010601", "project")] == D("8.37")
    assert cells[(4, "opening.general_budget", "income")] == D("21.63")
    assert cells[(4, "closing", "general_budget")] == D("21.63")
    assert cells[(5, "total", "project")] == D("603.14")
    assert cells[(6, "30102", "personnel")] == D("1238.58")
    assert cells[(6, "31002", "public")] == D("13.58")
    assert cells[(6, "public_total", "public")] == D("184.65")
    assert cells[(7, "three_public", "total.budget")] == D("0.95")
    assert cells[(7, "three_public", "reception.budget")] == D("0.95")
    assert cells[(8, "total", "closing")] is None
    assert cells[(9, "total", "expenditure")] is None


def test_every_cell_matches_except_known_rounding_differences(
    published: Published, ours: TableSet
) -> None:
    found = list(differences(published.cells, generated_cells(ours)))
    assert sorted(found) == sorted(KNOWN_PUBLISHED_ROUNDING_DIFFERENCES)


def test_known_differences_are_rounding(exact: TableSet) -> None:
    assert len(set(KNOWN_PUBLISHED_ROUNDING_DIFFERENCES)) == len(
        KNOWN_PUBLISHED_ROUNDING_DIFFERENCES
    )
    cent = D("0.01")
    for number, key, column, p, g in KNOWN_PUBLISHED_ROUNDING_DIFFERENCES:
        assert p is not None and g is not None, (number, key, column)
        step = 2 * cent if (number, key, column) in TWO_CENT_DIFFERENCES else cent
        assert abs(p - g) == step, (number, key, column, p, g)
        # The published figure lies within the rounding error of the printed rows we sum
        # (each ±0.005) plus its own rounding (±0.005).
        table = exact[number]
        row = table.row(key)
        index = table.column_index(column)
        value = row.values[index]
        assert value is not None
        assert abs(p - value) <= row.error(index) + half_unit(2), (number, key, column)
    keys = {(n, r, c) for n, r, c, _, _ in KNOWN_PUBLISHED_ROUNDING_DIFFERENCES}
    assert keys >= TWO_CENT_DIFFERENCES


def test_blank_cells_agree(published: Published, ours: TableSet) -> None:
    generated = generated_cells(ours)
    mismatched = sorted(
        (cell, published.cells.get(cell), generated.get(cell))
        for cell in published.cells.keys() | generated.keys()
        if (published.cells.get(cell) is None) != (generated.get(cell) is None)
    )
    assert mismatched == []


def test_published_rows_with_amounts_are_in_ours(published: Published, ours: TableSet) -> None:
    with_amounts = {(n, key) for (n, key, _), v in published.cells.items() if v is not None}
    assert len(with_amounts) == 12 + 20 + 20 + 12 + 20 + 29 + 1
    missing = sorted((n, key) for n, key in with_amounts if ours[n].find(key) is None)
    assert missing == []
    # And the other way round: every row we print with an amount is printed in the report.
    ours_with_amounts = {
        (t.number, row.key)
        for t in ours.tables
        for row in t.rows
        if any(v is not None for v in row.values)
    }
    assert ours_with_amounts == with_amounts


def test_printed_rows_are_the_reports(published: Published, ours: TableSet) -> None:
    # Blank template rows included: the report prints every row we print but one.
    theirs = {(n, key) for n, key, _ in published.cells}
    printed = {(t.number, row.key) for t in ours.tables for row in t.rows}
    assert theirs - printed == set()
    # 30306 救济费 is a row of the 2024 template's 表6 (and of the other Putuo reports);
    # this report leaves it out. It is blank in ours.
    assert printed - theirs == {(6, "30306")}
    assert ours[6].cell("30306", "personnel") is None


def test_row_names_match_the_report(published: Published, ours: TableSet) -> None:
    # 表1/表4 labels with their ordinals (一、…二十六、), 科目名称 of the coded rows.
    # The report's 表1 says 使用非财政拨款结余（含专用结余）; the 2024 template, which
    # we follow, says 使用非财政拨款结余.
    renamed = {(1, "non_fiscal_balance_used"): "使用非财政拨款结余（含专用结余）"}
    mismatched = []
    for (number, key), name in sorted(published.names.items()):
        row = ours[number].find(key)
        if row is None:
            continue  # a template row we do not print; its cells are compared as blanks
        expected = renamed.get((number, key), row.name)
        if name != expected:
            mismatched.append((number, key, name, row.name))
    assert mismatched == []
    assert len(published.names) > 100
