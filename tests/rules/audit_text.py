"""A published report as plain text, printed from a TableSet: the test bed of the audit.

The layout follows the 2024 Shanghai district template (cover, 目录, four parts, the
nine tables with “单位：万元” and their notes, the eleven sections of the 情况说明), with
table rows joined by " | " as in the text extracts under tests/fixtures/reports. The
tables are drawn with juesuan.render.layout, i.e. with the official header of each
table. Keyword arguments bend it the ways published reports go wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from juesuan.render.layout import grid
from juesuan.tables.table import Table, TableSet

PART_ONE = ("主要职能", "部门决算单位构成")
SECTIONS = (
    "收入支出决算总体情况说明",
    "收入决算情况说明",
    "支出决算情况说明",
    "财政拨款收入支出决算总体情况说明",
    "一般公共预算财政拨款支出决算情况说明",
    "一般公共预算财政拨款基本支出决算情况说明",
    "财政拨款“三公”经费支出决算情况说明",
    "政府性基金预算财政拨款收入支出决算情况说明",
    "国有资本经营预算财政拨款收入支出决算情况说明",
    "预算绩效管理情况",
    "其他重要事项的情况说明",
)
ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一")


def table_rows(table: Table, *, factor: Decimal = Decimal(1)) -> list[str]:
    """The header and body of a table as " | "-joined rows (amounts times ``factor``)."""
    g = grid(table)
    width = len(g.columns)
    rows: list[str] = []
    for r in range(g.depth):
        cells = [""] * width
        for cell in g.header:
            if cell.row == r:
                cells[cell.col] = cell.text
        rows.append(" | ".join(cells))
    for line in g.lines:
        cells = []
        for col, column in enumerate(g.columns):
            row = g.row_at(line, col)
            if row is None:
                cells.append("")
            elif column.kind == "code":
                cells.append(row.code or "")
            elif column.kind == "name":
                cells.append(row.name.strip() if row.code is None or table.hierarchical else row.name)
            else:
                value = g.value_at(line, col)
                if isinstance(value, Decimal) and factor != 1:
                    cells.append(f"{value * factor:,.2f}")
                else:
                    cells.append(g.text_at(line, col, thousands=True))
        rows.append(" | ".join(cells))
    return rows


def report_text(
    ts: TableSet,
    *,
    department: str | None = None,
    year: int | None = None,
    order: Sequence[int] | None = None,
    titles: dict[int, str] | None = None,
    units: dict[int, str | None] | None = None,
    factors: dict[int, Decimal] | None = None,
    headings: dict[str, str] | None = None,
    toc_items: dict[str, str] | None = None,
    sections: dict[int, str | None] | None = None,
    narrative: dict[int, str] | None = None,
    extra_notes: dict[int, Sequence[str]] | None = None,
    edit: Callable[[str], str] | None = None,
) -> str:
    """The report of ``ts``. ``order`` lists the tables printed (default 1–9); ``titles``
    replaces printed titles; ``units`` the unit after 单位： (None: no unit line);
    ``factors`` multiplies a table's amounts (100 → printed in 元 needs 10000);
    ``headings`` replaces the body heading of a part ("1", "2", "3", "4"); ``toc_items``
    replaces 目录 item texts; ``sections`` replaces (or with None drops) a 情况说明 heading;
    ``narrative`` replaces a section's sentence; ``extra_notes`` adds lines under a table."""
    name = department or ts.department
    year = year or ts.year
    order = list(order) if order is not None else [1, 2, 3, 4, 5, 6, 7, 8, 9]
    titles = titles or {}
    units = units or {}
    factors = factors or {}
    headings = headings or {}
    toc_items = toc_items or {}
    sections = sections or {}
    narrative = narrative or {}
    extra_notes = extra_notes or {}
    part_titles = {
        "1": f"{name}概况",
        "2": f"{name}{year}年度部门决算表",
        "3": f"{name}{year}年度部门决算情况说明",
        "4": "名词解释",
    }
    out = [name, f"{year}年度部门决算", "目录"]
    out.append(f"第一部分{part_titles['1']}")
    out += [f"{ORDINALS[i]}、{toc_items.get(t, t)}" for i, t in enumerate(PART_ONE)]
    out.append(f"第二部分{part_titles['2']}")
    for n in range(1, 10):
        title = ts[n].title
        out.append(f"{ORDINALS[n - 1]}、{toc_items.get(title, title)}")
    out.append(f"第三部分{part_titles['3']}")
    out += [f"{ORDINALS[i]}、{toc_items.get(s, s)}" for i, s in enumerate(SECTIONS)]
    out.append("第四部分名词解释")

    out.append(headings.get("1", f"第一部分{part_titles['1']}"))
    out += ["一、主要职能", f"{name}负责本地区的测试工作。", "二、部门决算单位构成",
            f"{name}部门决算包括：{name}本级决算。"]
    out.append(headings.get("2", f"第二部分{part_titles['2']}"))
    for n in order:
        table = ts[n]
        out.append(titles.get(n, table.title))
        unit = units.get(n, "万元")
        if unit is not None:
            out.append(f"单位：{unit}")
        out += table_rows(table, factor=factors.get(n, Decimal(1)))
        out += [note for note in table.notes]
        out += list(extra_notes.get(n, ()))
    out.append(headings.get("3", f"第三部分{part_titles['3']}"))
    for i, section in enumerate(SECTIONS, 1):
        printed = sections.get(i, section)
        if printed is None:
            continue
        out.append(f"{ORDINALS[i - 1]}、{printed}")
        default = f"{name}{year}年度本节情况如表所示。"
        if i == 7:  # the 三公 counts the template asks for (C.three-public-counts)
            default += "组织因公出国（境）团组1个、3人次；购置公务用车1辆，公务用车保有量2辆；国内公务接待5批次、40人次。"
        out.append(narrative.get(i, default))
    out.append(headings.get("4", "第四部分名词解释"))
    out += ["一、财政拨款收入：指单位本年度从本级财政部门取得的财政拨款。",
            "二、基本支出：指单位为保障机构正常运转、完成日常工作任务而发生的各项支出。"]
    text = "\n".join(out) + "\n"
    return edit(text) if edit else text
