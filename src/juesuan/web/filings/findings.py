"""The checks' findings and the document's 【待填写】 places as the desk shows them. Pure: no Django.

A finding is written for every reader (``juesuan check`` prints it with its rule and field
path). Here it becomes an :class:`Item` in the words of a finance officer: the table, row and
column it is about, or the page and field of the filing it points to; its message with the
field paths put in words; the editor page and field it links to; and its group (表3
支出决算表, 绩效自评, 说明文字 …) for grouping and filtering.

Every item has a stable :attr:`Item.key` (its rule and place, not its wording or figures), so
the unit's 出错说明 stays with a finding across the versions that still have it. Errors and
【待填写】 places are :attr:`Item.blocking`: 上报 needs each explained, 公开 needs none left
(:func:`unexplained`, :func:`blocking`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from juesuan.content import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, Document
from juesuan.rules.finding import Finding
from juesuan.tables.table import Table
from juesuan.web.filings.forms_schema import (
    SECTION_BY_SLUG,
    dotted,
    parse_path,
    section_of,
)
from juesuan.web.filings.paging import PAGE_SIZE

GAP = "gap"  # the severity of a 【待填写】 place
SEVERITY_LABELS = {"error": "错误", GAP: "待填写", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = ("error", GAP, "warning", "info")

# The editor page that holds what a table is made from (the nine tables are computed from the
# filing's rows; 表1 and 表4 also carry 年初/年末结转和结余).
TABLE_SECTIONS = {1: "expenditure", 2: "income", 3: "expenditure", 4: "expenditure",
                  5: "expenditure", 6: "basic-economic", 7: "three-public", 8: "expenditure",
                  9: "expenditure"}
_CARRY_ROWS = re.compile(r"opening|closing|carry|balance|结转|结余")
_INCOME_ROWS = re.compile(r"income|收入")
# A field path as the checks quote it in a message: in brackets after the words, e.g.
# "…未填写增减原因（reasons.operating_costs_change）".
_QUOTED_PATH = re.compile(r"[（(]([a-z_]+(?:\[[^\]]*\]|\.[a-z_0-9]+)+)[）)]")

Words = Callable[[str], str]  # a field path in words (juesuan.web.filings.words.describe_path)


@dataclass(frozen=True)
class Item:
    key: str
    severity: str  # "error", "gap", "warning", "info"
    group: str  # 表3 支出决算表, or the editor page's title, or 说明文字
    where: str  # the table, row and column, or the page and field, in words
    message: str
    section: str | None  # the editor page's slug
    field: str | None  # the form field (``expenditure.3.basic``), for the link's anchor
    page: int | None  # the page of a long list the field is on (None: the list is not paged)
    rule: str | None = None
    expected: str | None = None
    found: str | None = None
    tolerance: str | None = None

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def blocking(self) -> bool:
        """An error or a gap: 上报 needs an 出错说明 of it, 公开 needs it gone."""
        return self.severity in ("error", GAP)

    @property
    def anchor(self) -> str:
        """The id of the field's element on the editor page (form_html.field_id)."""
        return "f-" + self.field.replace(".", "-") if self.field else ""


def finding_key(finding: Finding) -> str:
    loc = finding.location
    parts = (finding.rule, loc.table, loc.row, loc.column, loc.path)
    return "|".join("" if p is None else str(p) for p in parts)


def _asks(paragraph: str) -> list[str]:
    return re.findall(re.escape(PLACEHOLDER_OPEN) + r"(.*?)" + re.escape(PLACEHOLDER_CLOSE),
                      paragraph)


def gap_key(section_key: str, ordinal: int, paragraph: str) -> str:
    """A 【待填写】 place: its section, which of the section's paragraphs with a gap it is, and
    what it asks for (the paragraph's other words change with the figures; two paragraphs may
    ask the same, such as 收入 and 支出's 差异原因)."""
    digest = hashlib.sha256("|".join(_asks(paragraph)).encode("utf-8")).hexdigest()[:16]
    return f"gap|{section_key}|{ordinal}|{digest}"


def _row_index(rows: object, code: str | None) -> int | None:
    if not code or not isinstance(rows, list):
        return None
    for index, row in enumerate(rows):
        if isinstance(row, Mapping) and row.get("code") == code:
            return index
    return None


def _paged(rows: object, index: int | None) -> int | None:
    if index is None or not isinstance(rows, list) or len(rows) <= PAGE_SIZE:
        return None
    return index // PAGE_SIZE + 1


def _in_words(message: str, words: Words) -> str:
    return _QUOTED_PATH.sub(lambda m: f"（{words(m.group(1))}）", message)


def _finding_item(finding: Finding, tables: Sequence[Table], data: Mapping[str, object],
                  words: Words) -> Item:
    loc = finding.location
    section: str | None = None
    field: str | None = None
    page: int | None = None
    if loc.path:
        path = parse_path(loc.path)
        owner = section_of(path)
        section = owner.slug if owner else None
        field = dotted(path)
        if len(path) > 1 and isinstance(path[1], int):
            page = _paged(data.get(str(path[0])), path[1])
        where = words(loc.path)
        group = owner.title if owner else "填报"
    elif loc.table is not None:
        table = next((t for t in tables if t.number == loc.table), None)
        title = f"表{loc.table}" + (f" {table.title}" if table else "")
        group = title
        parts = [title]
        row = loc.row_name or loc.row
        if row:
            parts.append(f"{row}（{loc.row}）" if loc.row_name and loc.row and loc.row.isdigit()
                         else row)
        if loc.column:
            label = next((c.label for c in table.columns if c.key == loc.column), None) \
                if table else None
            parts.append(label or loc.column)
        where = " › ".join(parts)
        section = TABLE_SECTIONS.get(loc.table)
        key = loc.row or ""
        if loc.table in (1, 4) and _CARRY_ROWS.search(key):
            section = "carry-over"
        elif loc.table == 1 and _INCOME_ROWS.search(key):
            section = "income"
        if section in ("expenditure", "income", "basic-economic"):
            rows_name = {"expenditure": "expenditure", "income": "income",
                         "basic-economic": "basic_economic"}[section]
            rows = data.get(rows_name)
            index = _row_index(rows, loc.row)
            if index is not None:
                field = f"{rows_name}.{index}.code"
                page = _paged(rows, index)
    else:
        where = loc.describe()
        group = "填报"
    return Item(
        key=finding_key(finding),
        severity=finding.severity.value,
        group=group,
        where=where,
        message=_in_words(finding.message, words),
        section=section if section in SECTION_BY_SLUG else None,
        field=field,
        page=page,
        rule=finding.rule,
        expected=finding.expected,
        found=finding.found,
        tolerance=finding.tolerance,
    )


def _gap_item(section_key: str, ordinal: int, paragraph: str, heading: str) -> Item:
    asks = _asks(paragraph)
    return Item(
        key=gap_key(section_key, ordinal, paragraph),
        severity=GAP,
        group="说明文字",
        where=heading,
        message=f"文档此处还需填写：{'、'.join(asks)}。原文：{paragraph}",
        section=None,
        field=None,
        page=None,
    )


def items_of(doc: Document, data: Mapping[str, object], words: Words) -> list[Item]:
    """The document's findings and 【待填写】 places, errors and gaps first, then by group.

    ``data`` is the filing as plain data (to find a table row's place in the editor);
    ``words`` puts a field path in words."""
    headings = {s.key: s.heading for s in doc.sections()}
    return items_from(doc.findings, doc.placeholders(), doc.tables(), headings, data, words)


def items_from(findings: Iterable[Finding], placeholders: Iterable[tuple[str, str]],
               tables: Sequence[Table], headings: Mapping[str, str], data: Mapping[str, object],
               words: Words) -> list[Item]:
    """:func:`items_of` from its parts: the editor's live check has findings and tables but
    no document text (so no 【待填写】)."""
    items = [_finding_item(f, tables, data, words) for f in findings]
    ordinals: dict[str, int] = {}
    for section_key, paragraph in placeholders:
        ordinals[section_key] = ordinals.get(section_key, 0) + 1
        heading = headings.get(section_key, section_key)
        items.append(_gap_item(section_key, ordinals[section_key], paragraph, heading))
    return sorted(items, key=lambda i: (SEVERITY_ORDER.index(i.severity), i.group))


def unexplained(items: Iterable[Item], notes: Mapping[str, str]) -> list[Item]:
    """The errors and gaps without an 出错说明: they block 上报."""
    return [i for i in items if i.blocking and not notes.get(i.key, "").strip()]


def blocking(items: Iterable[Item]) -> list[Item]:
    """The errors and gaps, explained or not: they block 公开."""
    return [i for i in items if i.blocking]


def counts(items: Iterable[Item]) -> dict[str, int]:
    result = dict.fromkeys(SEVERITY_ORDER, 0)
    for item in items:
        result[item.severity] += 1
    return result


def groups(items: Iterable[Item]) -> list[tuple[str, list[Item]]]:
    """The items by group, in the order of first appearance (errors' groups first)."""
    out: dict[str, list[Item]] = {}
    for item in items:
        out.setdefault(item.group, []).append(item)
    return list(out.items())

