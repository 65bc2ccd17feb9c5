"""The nine tables of a published report read back into juesuan's one table structure.

Pure: takes the tables :mod:`juesuan.audit.structure` located and returns a
:class:`~juesuan.tables.table.TableSet` with exactly the row keys, column keys and
sections :mod:`juesuan.tables.build` produces, so the table rules (T1.a … X13) judge
a published report as they judge a filing.

* Amounts are ``Decimal`` (never float), thousands separators allowed; a blank cell
  is ``None``. Each carries the error of its printed precision — half a unit of the
  last printed place (2,940.05 → ±0.005, 6.2 → ±0.05).
* Tables printed in 元 (or 亿元, 千元) are converted to 万元, errors scaled alike.
* Rows are found by code (表2/3/5/8/9: one 3/5/7-digit code or 类 | 款 | 项 columns,
  normalised to the 7-digit code; 表6: economic codes, two or three groups side by
  side) or by label (表1/表4, ordinals such as 一、 stripped and variants such as
  使用非财政拨款结余（含专用结余） normalised); columns by their header words, or by
  position when the header cannot be read but the count is right.
* Anything that cannot be read — a malformed figure (1,2.34; 12.3.4), a row without
  a recognisable label, a column without header — is recorded, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Literal

from juesuan import codes
from juesuan.audit.figures import BLANK, PrintedFigure, parse_printed_figure
from juesuan.audit.source import Grid
from juesuan.audit.structure import LocatedTable, Structure, compact, title_key
from juesuan.money import ZERO, printable, wan_per
from juesuan.tables.columns import (
    BASIC_6,
    EXPENDITURE,
    INCOME,
    PERSONNEL,
    PERSONNEL_CLASSES,
    PUBLIC,
    SUMMARY_1,
    SUMMARY_4,
    TABLE_KEYS,
    hierarchical_columns,
    recognition_order,
    three_public_columns,
    three_public_keys,
)
from juesuan.tables.table import Column, Row, RowKind, Table, TableSet
from juesuan.template.catalogue import bundled_templates

# The amount units a table may state (their size in 万元: juesuan.money.WAN_PER_UNIT); any
# other unit is A.unit's error and the table is read in 万元.
TABLE_UNITS = frozenset({"万元", "元", "千元", "亿元"})
DEFAULT_UNIT = "万元"
# a reading problem's message is cut to this many characters (it quotes cells, which may be a
# megabyte long); not calibrated on a case (a bound), pinned by test_bounds.py::
# test_every_field_of_a_finding_is_short_whatever_is_printed
_MESSAGE_CHARS = 300
# length of a 功能分类 code → its level (类 201, 款 20106, 项 2010601); any other length is misread.
# Fixed by the code list; pinned by test_audit_tables.py::test_codes_in_one_column_or_three_give_the_same_rows
_CODE_LEVELS = {3: 1, 5: 2, 7: 3}
# length of a 经济分类 code of 表6 → its level (类 301, 款 30101), and the digits of its 类; fixed by the
# code list, pinned by test_audit_tables.py::test_basic_table_in_three_groups
_ECONOMIC_CODE_LEVELS = {3: 1, 5: 2}
_ECONOMIC_CLASS_DIGITS = 3
# the spending columns of 表4, taken in this order when exactly as many are printed and their
# headers do not name them (not calibrated on a case: the template's four columns)
_T4_SPENDING_WORDS = recognition_order(SUMMARY_4[1:])
_T4_SPENDING_KEYS = tuple(c.key for c in SUMMARY_4[1:])


# 表7 has an item and two stages at the least (项目 | 预算数 | 决算数); a grid with fewer filled
# columns is a table flattened one cell a line (tests/fixtures/real/anhui-2020-huaiyuan-shuangqiaoji)
_THREE_PUBLIC_MIN_COLUMNS = 3


def is_code(text: str) -> bool:
    return bool(re.fullmatch(r"\d{3}(?:\d{2}){0,2}", text))


# --- what was read ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Printed:
    """Where a row (or a cell) was printed: line, page and the printed row."""

    line: int | None
    page: int | None
    quote: str


# "layout": a table the text holds in a form not read (one cell a line: a web page copied as
# text), which says nothing of the report itself
ProblemKind = Literal["malformed-number", "structure", "layout"]


@dataclass(frozen=True)
class Problem:
    """Something in a table that could not be read as it should."""

    kind: ProblemKind
    table: int
    message: str
    printed: Printed
    row: str | None = None
    column: str | None = None
    found: str | None = None


@dataclass
class TableReading:
    """The tables read from a report, where each row was printed, and what could not be read."""

    tables: TableSet
    printed: dict[tuple[int, str], Printed] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)  # unit each table was read in
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)  # titles found, no table read


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]
    printed: Printed


def _rows(grids: Sequence[Grid]) -> list[_Row]:
    out: list[_Row] = []
    for grid in grids:
        for k, cells in enumerate(grid.rows):
            line = grid.line + k if grid.line else None
            out.append(_Row(tuple(c.strip() for c in cells), Printed(line, grid.page, " | ".join(cells))))
    width = max((len(r.cells) for r in out), default=0)
    return [_Row(r.cells + ("",) * (width - len(r.cells)), r.printed) for r in out]


def _small_int(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}", text))


def _header_like(cells: Sequence[str]) -> bool:
    """A header line: no figure in it (栏次 numbers aside) and no code in front."""
    first = next((compact(c) for c in cells if c.strip()), "")
    if is_code(first):
        return False
    return not any(any(ch.isdigit() for ch in c) and not _small_int(compact(c)) for c in cells)


HEADER_WORDS = frozenset({"决算数", "金额", "合计", "收入", "支出", "项目", "本年数"})
STUB_CELLS = frozenset({
    "项目", "科目编码", "科目名称", "功能分类科目编码", "支出功能分类科目编码", "支出功能分类",
    "功能分类", "经济分类", "经济分类科目编码", "类", "款", "项", "行次", "栏次", "科目", "编码",
    "项目名称", "收入", "支出",
})


def _header_texts(rows: Sequence[_Row], width: int) -> tuple[list[str], list[bool]]:
    """Per column: the header words stacked (compact) and whether it is a stub column."""
    texts = [""] * width
    stub = [False] * width
    for row in rows:
        if not _header_like(row.cells):
            continue
        for c, cell in enumerate(row.cells):
            word = compact(cell)
            if not word:
                continue
            if word in STUB_CELLS or word.endswith(("科目编码", "科目名称")):
                stub[c] = True
            else:
                texts[c] += word
    return texts, stub


def _match(text: str, words: Sequence[tuple[str, tuple[str, ...]]]) -> str | None:
    for key, needles in words:
        if any(n in text for n in needles):
            return key
    return None


class _Reader:
    def __init__(self, structure: Structure, units: Mapping[int, str] | None) -> None:
        self.structure = structure
        self.year = structure.year or 0
        self.reading = TableReading(TableSet((), structure.department or "", self.year))
        self.units_override = dict(units or {})
        self.kept: dict[int, tuple[list[Row], set[str]]] = {}

    # -- shared -------------------------------------------------------------------------------

    def problem(self, kind: ProblemKind, table: int, message: str, printed: Printed, *,
                row: str | None = None, column: str | None = None, found: str | None = None) -> None:
        # messages quote cells, and a cell may be a megabyte long: every finding stays short
        self.reading.problems.append(Problem(
            kind, table, printable(message, _MESSAGE_CHARS), printed, row,
            None if column is None else printable(column, _NAME_CHARS),
            None if found is None else printable(found, _NAME_CHARS)))

    def factor(self, lt: LocatedTable) -> Decimal:
        unit = self.units_override.get(lt.number) or lt.unit or DEFAULT_UNIT
        if unit not in TABLE_UNITS:
            unit = DEFAULT_UNIT
        self.reading.units[lt.number] = unit
        return wan_per(unit)

    def amount(self, lt: LocatedTable, text: str, factor: Decimal, printed: Printed,
               row: str, column: str) -> PrintedFigure:
        a = parse_printed_figure(text)
        if a.malformed:
            self.problem("malformed-number", lt.number,
                         f"表{lt.number}中“{text.strip()}”不是格式正确的数字", printed,
                         row=row, column=column, found=text.strip())
            return BLANK
        if a.value is None or factor == 1:
            return a
        return PrintedFigure(a.value * factor, a.error * factor)

    def keep(self, lt: LocatedTable, rows: list[Row], key: str, row: Row, printed: Printed) -> None:
        # the keys in ``rows``, so that a long table is not searched once per row (built
        # afresh should rows have come in some other way)
        entry = self.kept.get(id(rows))
        if entry is None or entry[0] is not rows or len(entry[1]) != len(rows):
            entry = self.kept[id(rows)] = (rows, {r.key for r in rows})
        if key in entry[1]:
            self.problem("structure", lt.number, f"表{lt.number}中“{row.name}”（{key}）出现两次，只读第一次",
                         printed, row=key)
            return
        rows.append(row)
        entry[1].add(key)
        self.reading.printed[(lt.number, key)] = printed

    # -- 表2/3/5/8/9 ---------------------------------------------------------------------------

    def hierarchical(self, lt: LocatedTable) -> Table | None:
        number = lt.number
        rows = _rows(lt.grids)
        if not rows:
            return None
        width = len(rows[0].cells)
        texts, stub = _header_texts(rows, width)
        words = recognition_order(hierarchical_columns(number))
        mapped: dict[int, str] = {}
        for c in range(width):
            if stub[c]:
                continue
            key = _match(texts[c], words)
            if key is not None and key not in mapped.values():
                mapped[c] = key
        first = min(mapped, default=None)
        if first is None:
            return None
        with_income = number != 9 or any(k in mapped.values() for k in ("opening", "income", "closing"))
        canonical = tuple(c.column for c in hierarchical_columns(number, with_income=with_income))
        keys = [c.key for c in canonical]
        amount_cols = [c for c in range(first, width) if "行次" not in texts[c] and not stub[c]]
        if any(c not in mapped for c in amount_cols) and len(amount_cols) == len(keys):
            mapped = dict(zip(amount_cols, keys, strict=True))
        for c in amount_cols:
            if c not in mapped and any(parse_printed_figure(r.cells[c]).value is not None for r in rows):
                self.problem("structure", number, f"表{number}第{c + 1}列表头“{texts[c]}”无法识别，该列未读",
                             Printed(lt.grids[0].line, lt.grids[0].page, texts[c]), column=texts[c])
        missing = [k for k in keys if k not in mapped.values()]
        if missing:
            labels = "、".join(c.label for c in canonical if c.key in missing)
            self.problem("structure", number, f"表{number}缺少“{labels}”列",
                         Printed(lt.grids[0].line, lt.grids[0].page, " | ".join(rows[0].cells)))
        factor = self.factor(lt)
        index = {key: keys.index(key) for key in keys}
        out: list[Row] = []
        for r in rows:
            label_cells = [compact(c) for c in r.cells[:first]]
            code, name = _code_and_name(label_cells)
            has_figures = any(parse_printed_figure(r.cells[c]).value is not None
                              or parse_printed_figure(r.cells[c]).malformed for c in mapped)
            if code is None:
                if "合计" in name or "总计" in name:
                    key, kind, level, name = "total", RowKind.TOTAL, 0, "合计"
                elif has_figures and not _header_like(r.cells):
                    self.problem("structure", number, f"表{number}有数字的行没有科目编码或合计字样，未读",
                                 r.printed)
                    continue
                else:
                    continue
            else:
                if len(code) not in _CODE_LEVELS:
                    self.problem("structure", number, f"表{number}科目编码“{code}”位数不对（应为3、5或7位）",
                                 r.printed, found=code)
                    continue
                key, kind, level = code, RowKind.ITEM, _CODE_LEVELS[len(code)]
            values: list[Decimal | None] = [None] * len(keys)
            errors: list[Decimal] = [ZERO] * len(keys)
            for c, column in mapped.items():
                a = self.amount(lt, r.cells[c], factor, r.printed, key, column)
                values[index[column]], errors[index[column]] = a.value, a.error
            row = Row(key, name or key, tuple(values), tuple(errors), code, level, kind)
            self.keep(lt, out, key, row, r.printed)
        return Table(number, TABLE_KEYS[number], lt.title.official, canonical, tuple(out),
                     unit=DEFAULT_UNIT, notes=_notes(lt), hierarchical=True)

    # -- 表1 and 表4 ---------------------------------------------------------------------------

    def summary(self, lt: LocatedTable) -> Table | None:
        number = lt.number
        rows = _rows(lt.grids)
        if not rows:
            return None
        width = len(rows[0].cells)
        texts, _ = _header_texts(rows, width)
        li, lo = _sides(rows, width)
        if lo is None:
            return None
        in_cols = [c for c in range(li + 1, lo) if "行次" not in texts[c]]
        out_cols = [c for c in range(lo + 1, width) if "行次" not in texts[c]]
        if not in_cols or not out_cols:
            return None
        in_col = in_cols[-1]
        columns: tuple[Column, ...]
        if number == 1:
            columns = tuple(c.column for c in SUMMARY_1)
            out_map = {out_cols[-1]: "expenditure"}
        else:
            columns = tuple(c.column for c in SUMMARY_4)
            out_map = {}
            for c in out_cols:
                key = _match(texts[c], _T4_SPENDING_WORDS)
                if key is not None and key not in out_map.values():
                    out_map[c] = key
            if len(out_map) < len(_T4_SPENDING_KEYS) and len(out_cols) == len(_T4_SPENDING_KEYS):
                out_map = dict(zip(out_cols, _T4_SPENDING_KEYS, strict=True))
        keys = [c.key for c in columns]
        factor = self.factor(lt)
        income_rows: list[Row] = []
        spending_rows: list[Row] = []
        after_opening = False
        for r in rows:
            label = compact(r.cells[li])
            if label:
                key = self.income_key(number, label, after_opening)
                if key is None:
                    self.unknown_label(lt, label, r, r.cells[in_col])
                else:
                    after_opening = after_opening or key == "opening"
                    a = self.amount(lt, r.cells[in_col], factor, r.printed, key, "income")
                    values: list[Decimal | None] = [None] * len(keys)
                    errors: list[Decimal] = [ZERO] * len(keys)
                    values[0], errors[0] = a.value, a.error
                    kind = RowKind.TOTAL if key in ("income_total", "income_grand_total") else RowKind.ITEM
                    level = 1 if key.startswith("opening.") else 0
                    row = Row(key, _name(label), tuple(values), tuple(errors), None, level, kind, INCOME)
                    self.keep(lt, income_rows, key, row, r.printed)
            label = compact(r.cells[lo])
            if label:
                found = self.spending_key(number, label)
                if found is None:
                    self.unknown_label(lt, label, r, *(r.cells[c] for c in out_map))
                    continue
                key, code = found
                values = [None] * len(keys)
                errors = [ZERO] * len(keys)
                for c, column in out_map.items():
                    a = self.amount(lt, r.cells[c], factor, r.printed, key, column)
                    values[keys.index(column)], errors[keys.index(column)] = a.value, a.error
                kind = RowKind.TOTAL if key in ("expenditure_total", "expenditure_grand_total") else RowKind.ITEM
                row = Row(key, _name(label), tuple(values), tuple(errors), code, 1 if code else 0, kind,
                          EXPENDITURE)
                self.keep(lt, spending_rows, key, row, r.printed)
        return Table(number, TABLE_KEYS[number], lt.title.official, columns,
                     (*income_rows, *spending_rows), unit=DEFAULT_UNIT, notes=_notes(lt),
                     sections=(INCOME, EXPENDITURE))

    def unknown_label(self, lt: LocatedTable, label: str, r: _Row, *cells: str) -> None:
        if label in STUB_CELLS or label in HEADER_WORDS or _small_int(label) or label.startswith("栏次"):
            return
        self.problem("structure", lt.number, f"表{lt.number}的行名“{label}”不是该表的标准行名，未读",
                     r.printed, found=label)

    def income_key(self, number: int, label: str, after_opening: bool) -> str | None:
        text = _label_key(label)
        if number == 1:
            return T1_INCOME.get(text) or _match(text, T1_INCOME_WORDS)
        if text in T4_INCOME:
            return T4_INCOME[text]
        fund = _match(text, _T4_SPENDING_WORDS)  # the funds name its income rows too
        if fund is not None and fund != "total":
            return f"{'opening' if after_opening else 'income'}.{fund}"
        return _match(text, T4_INCOME_WORDS)

    def spending_key(self, number: int, label: str) -> tuple[str, str | None] | None:
        text = _label_key(label)
        footer = (T1_SPENDING if number == 1 else T4_SPENDING).get(text)
        if footer is not None:
            return footer, None
        code = _class_code(text, self.year)
        if code is not None:
            return code, code
        footer = _match(text, T1_SPENDING_WORDS if number == 1 else T4_SPENDING_WORDS)
        return (footer, None) if footer else None

    # -- 表6 -----------------------------------------------------------------------------------

    def basic(self, lt: LocatedTable) -> Table | None:
        rows = _rows(lt.grids)
        if not rows:
            return None
        width = len(rows[0].cells)
        starts = _group_starts(rows, width)
        if not starts:
            return None
        bounds = list(zip(starts, [*starts[1:], width], strict=True))
        texts, _ = _header_texts(rows, width)
        factor = self.factor(lt)
        columns = tuple(c.column for c in BASIC_6)
        out: list[Row] = []
        for r in rows:
            for start, end in bounds:
                group = [compact(c) for c in r.cells[start:end]]
                amount_at = next((c for c in range(start, end) if "决算" in texts[c] or "金额" in texts[c]),
                                 end - 1)
                labels = [g for c, g in zip(range(start, end), group, strict=True) if c != amount_at]
                text = "".join(g for g in labels if not g.isdigit())
                if ("人员经费" in text or "公用经费" in text) and "合计" in text:
                    key = "personnel_total" if "人员经费" in text else "public_total"
                    name = "人员经费合计" if key == "personnel_total" else "公用经费合计"
                    section = PERSONNEL if key == "personnel_total" else PUBLIC
                    code, kind, level = None, RowKind.TOTAL, 0
                else:
                    code, name = _code_and_name(labels)
                    if code is None:
                        if parse_printed_figure(r.cells[amount_at]).value is not None and not _header_like(r.cells):
                            self.problem("structure", 6, "表6有数字的格没有经济分类科目编码，未读", r.printed)
                        continue
                    if len(code) not in _ECONOMIC_CODE_LEVELS or not code.startswith("3"):
                        self.problem("structure", 6, f"表6经济分类科目编码“{code}”不对（应为3xx或3xxxx）",
                                     r.printed, found=code)
                        continue
                    key, kind, level = code, RowKind.ITEM, _ECONOMIC_CODE_LEVELS[len(code)]
                    section = PERSONNEL if code[:_ECONOMIC_CLASS_DIGITS] in PERSONNEL_CLASSES else PUBLIC
                column = "personnel" if section == PERSONNEL else "public"
                a = self.amount(lt, r.cells[amount_at], factor, r.printed, key, column)
                values = (a.value, None) if section == PERSONNEL else (None, a.value)
                errors = (a.error, ZERO) if section == PERSONNEL else (ZERO, a.error)
                row = Row(key, name or key, values, errors, code, level, kind, section)
                self.keep(lt, out, key, row, r.printed)
        out.sort(key=lambda row: 0 if row.section == PERSONNEL else 1)
        return Table(6, TABLE_KEYS[6], lt.title.official, columns, tuple(out), unit=DEFAULT_UNIT,
                     notes=_notes(lt), sections=(PERSONNEL, PUBLIC), hierarchical=True)

    # -- 表7 -----------------------------------------------------------------------------------

    def three_public(self, lt: LocatedTable) -> Table | None:
        rows = _rows(lt.grids)
        if not rows:
            return None
        width = len(rows[0].cells)
        if sum(1 for c in range(width) if any(r.cells[c].strip() for r in rows)) < _THREE_PUBLIC_MIN_COLUMNS:
            # one cell a line (a table flattened into text): which figure is which is a guess
            self.problem("layout", 7, "表7每行只有一格（网页表格复制为文字的样子），无法按栏目读出，未读",
                         Printed(lt.grids[0].line, lt.grids[0].page, " | ".join(rows[0].cells)))
            return None
        first_data = next((i for i, r in enumerate(rows) if not _header_like(r.cells)), len(rows))
        header = [r.cells for r in rows[:first_data] if any(c.strip() for c in r.cells)]
        paths = _header_paths(header, width)
        mapped: dict[int, str] = {}
        for c in range(width):
            key = _three_public_key(paths[c])
            if key is not None and key not in mapped.values():
                mapped[c] = key
        keys = three_public_keys(by_stage=False)
        data = rows[first_data] if first_data < len(rows) else None
        if len(mapped) < len(keys):
            if width == len(keys):
                mapped = dict(zip(range(width), keys, strict=True))
            else:
                labels = "、".join(k for k in keys if k not in mapped.values())
                self.problem("structure", 7, f"表7表头无法识别的列：{labels}",
                             Printed(lt.grids[0].line, lt.grids[0].page, " | ".join(rows[0].cells)))
        factor = self.factor(lt)
        printed_order = [key for _, key in sorted(mapped.items())]
        keys = printed_order + [k for k in keys if k not in printed_order]
        columns = three_public_columns(keys, by_stage=False)
        values: list[Decimal | None] = [None] * len(keys)
        errors: list[Decimal] = [ZERO] * len(keys)
        printed = data.printed if data is not None else Printed(lt.grids[0].line, lt.grids[0].page, "")
        if data is not None:
            for c, key in mapped.items():
                a = self.amount(lt, data.cells[c], factor, data.printed, "three_public", key)
                values[keys.index(key)], errors[keys.index(key)] = a.value, a.error
            for extra in rows[first_data + 1:]:
                if not _header_like(extra.cells):
                    self.problem("structure", 7, "表7只应有一行数字，其余行未读", extra.printed)
        row = Row("three_public", "“三公”经费", tuple(values), tuple(errors))
        self.reading.printed[(7, "three_public")] = printed
        return Table(7, TABLE_KEYS[7], lt.title.official, columns, (row,), unit=DEFAULT_UNIT,
                     notes=_notes(lt))


# --- labels, codes and headers ---------------------------------------------------------------

# a row name of a public table is under 40 characters; cut beyond this. Not calibrated on a case (a
# bound); pinned by test_bounds.py::test_every_field_of_a_finding_is_short_whatever_is_printed
_NAME_CHARS = 100


def _name(text: str) -> str:
    """A row name as printed, cut when no name could be that long."""
    return text if len(text) <= _NAME_CHARS else text[:_NAME_CHARS - 1] + "…"


def _code_and_name(cells: Iterable[str]) -> tuple[str | None, str]:
    """The code (digit cells joined: 201 | 06 | 01 → 2010601) and the name of a row's stub."""
    digits: list[str] = []
    name: list[str] = []
    for cell in cells:
        if not cell or cell in ("类", "款", "项"):
            continue
        if cell.isdigit():
            digits.append(cell)
            continue
        m = re.match(r"^(\d{3,7})(\D.*)$", cell)
        if m and not digits:
            digits.append(m.group(1))
            name.append(m.group(2))
        else:
            name.append(cell)
    code = "".join(digits) or None
    return code, _name("".join(name))


def _label_key(label: str) -> str:
    """A 表1/表4 label for lookup: no ordinal, no quotes, no bracketed remark."""
    text = title_key(label)
    text = re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])", "", text)
    return _without_remark(text)


def _without_remark(text: str) -> str:
    """``text`` without the bracketed remark at its end: from the first （ after the last
    ） before the final one (what ``re.sub(r"（[^）]*）$", "", text)`` removes, found in one
    pass rather than by a search that rescans a run of （ from each of them)."""
    if not text.endswith("）"):
        return text
    opening = text.find("（", text.rfind("）", 0, len(text) - 1) + 1, len(text) - 1)
    return text[:opening] if opening >= 0 else text


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
    "使用非财政拨款结余": "non_fiscal_balance_used",
    "使用专用结余": "non_fiscal_balance_used",
    "年初结转和结余": "opening",
    "总计": "income_grand_total",
}
T1_INCOME_WORDS = (("non_fiscal_balance_used", ("使用非财政拨款结余",)),
                   ("income_total", ("本年收入合计",)), ("opening", ("年初结转",)))
T1_SPENDING = {"本年支出合计": "expenditure_total", "结余分配": "surplus_distribution",
               "年末结转和结余": "closing", "总计": "expenditure_grand_total"}
T1_SPENDING_WORDS = (("expenditure_total", ("本年支出合计",)), ("closing", ("年末结转",)))
T4_INCOME = {"本年收入合计": "income_total", "年初财政拨款结转和结余": "opening",
             "年初结转和结余": "opening", "总计": "income_grand_total"}
T4_INCOME_WORDS = (("income_total", ("本年收入合计",)), ("opening", ("年初",)))
T4_SPENDING = {"本年支出合计": "expenditure_total", "年末财政拨款结转和结余": "closing",
               "年末结转和结余": "closing", "总计": "expenditure_grand_total"}
T4_SPENDING_WORDS = (("expenditure_total", ("本年支出合计",)), ("closing", ("年末",)))




@cache
def _class_names(year: int) -> dict[str, str]:
    """功能分类 类 names → code: the year's names first, then every name any year used."""
    entries = codes.functional().entries
    names: dict[str, str] = {}
    for e in entries:
        if e.level == "类":
            names.setdefault(title_key(e.name), e.code)
    for e in entries:
        if e.level == "类" and e.valid_in(year):
            names[title_key(e.name)] = e.code
    # The names the disclosure templates print (e.g. 医疗卫生与计划生育支出 before 2019).
    for template in bundled_templates():
        for c in template.classes:
            names.setdefault(title_key(c.name), c.code)
    return names


def _class_code(label: str, year: int) -> str | None:
    m = re.match(r"^(\d{3})(.*)$", label)
    if m:
        return m.group(1)
    return _class_names(year).get(label)


# 表1/表4 print 收入 and 支出 side by side, 表6 人员经费 and 公用经费: at least two labelled groups make
# sides, else the table is halved, when at least _MIN_SPLIT_WIDTH wide (a label and a figure a side).
# The groups calibrated on the three of test_audit_tables.py::test_basic_table_in_three_groups; the
# 项目 pair and the halving are not calibrated on a case (fallbacks)
_SIDES = 2
_MIN_SPLIT_WIDTH = 4


def _sides(rows: Sequence[_Row], width: int) -> tuple[int, int | None]:
    """Columns of the 收入 and 支出 labels of 表1/表4."""
    li = lo = None
    for r in rows:
        for c, cell in enumerate(r.cells):
            word = compact(cell)
            if li is None and word == "本年收入合计":
                li = c
            if lo is None and word == "本年支出合计":
                lo = c
    if li is not None and lo is not None and li < lo:
        return li, lo
    for r in rows:
        items = [c for c, cell in enumerate(r.cells) if compact(cell) == "项目"]
        if len(items) >= _SIDES:
            return items[0], items[1]
    return 0, (width // _SIDES if width >= _MIN_SPLIT_WIDTH else None)


def _group_starts(rows: Sequence[_Row], width: int) -> list[int]:
    """First column of each side-by-side group of 表6."""
    for r in rows:
        if not _header_like(r.cells):
            continue
        starts = [c for c, cell in enumerate(r.cells)
                  if "编码" in compact(cell) or compact(cell) == "经济分类"]
        if len(starts) >= _SIDES:
            return starts
    for r in rows:
        totals = [c for c, cell in enumerate(r.cells) if "经费合计" in compact(cell)]
        if len(totals) >= _SIDES:
            return totals
    return [0, width // _SIDES] if width >= _MIN_SPLIT_WIDTH else []


def _header_paths(header: Sequence[Sequence[str]], width: int) -> list[list[str]]:
    """Each column's header path: a cell spans rightwards to the next cell of its row
    within the span of the cell above it (merged cells printed once, blanks after)."""
    paths: list[list[str]] = [[] for _ in range(width)]
    spans = [(0, width)]
    for cells in header:
        new_spans: list[tuple[int, int]] = []
        for start, end in spans:
            filled = [c for c in range(start, end) if c < len(cells) and compact(cells[c])]
            if not filled:
                new_spans.append((start, end))
                continue
            if filled[0] > start:
                new_spans.append((start, filled[0]))
            for k, c in enumerate(filled):
                stop = filled[k + 1] if k + 1 < len(filled) else end
                new_spans.append((c, stop))
                for col in range(c, stop):
                    paths[col].append(compact(cells[c]))
        spans = new_spans
    return paths


def _three_public_key(path: Sequence[str]) -> str | None:
    stage = "budget" if any("预算" in p for p in path) else "final" if any("决算" in p for p in path) else None
    if stage is None:
        return None
    item = None
    for label in reversed([p for p in path if "预算" not in p and "决算" not in p]):
        if label == "小计":
            item = "vehicle" if any("公务用车" in p for p in path) else "total"
        elif "出国" in label:
            item = "outbound"
        elif "接待" in label:
            item = "reception"
        elif "购置" in label and "运行" in label:
            item = "vehicle"
        elif "购置" in label:
            item = "vehicle_purchase"
        elif "运行" in label or "维护" in label:
            item = "vehicle_operation"
        elif "合计" in label:
            item = "total"
        if item is not None:
            break
    return f"{item}.{stage}" if item else None


def _notes(lt: LocatedTable) -> tuple[str, ...]:
    return tuple(line.text for line in lt.notes)


# --- the entry point ------------------------------------------------------------------------------


def read_tables(structure: Structure, *, units: Mapping[int, str] | None = None) -> TableReading:
    """The tables of a recognised report as a TableSet (万元), with what could not be read.

    ``units`` overrides the printed unit of some tables (the audit uses it to test a unit
    label the figures contradict). A table printed twice is read at its first appearance.
    """
    reader = _Reader(structure, units)
    parsers = {1: reader.summary, 4: reader.summary, 6: reader.basic, 7: reader.three_public}
    tables: list[Table] = []
    seen: set[int] = set()
    for lt in structure.tables:
        if lt.number in seen:
            continue
        seen.add(lt.number)
        parse = parsers.get(lt.number, reader.hierarchical)
        table = parse(lt) if lt.grids else None
        if table is None:
            reader.reading.unreadable.append(lt.number)
            continue
        tables.append(table)
    tables.sort(key=lambda t: t.number)
    reading = reader.reading
    reading.tables = TableSet(tuple(tables), structure.department or "", structure.year or 0)
    return reading
