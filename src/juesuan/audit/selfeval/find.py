"""Finding the 自评表 among a report's grids, with the text printed around them, and
reading each (:func:`read_forms`, :func:`form_lines`)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from juesuan.audit.selfeval.cells import (
    HEADER_LABELS,
    TITLE,
    TOTAL_LABELS,
    Printed,
    Row,
    compact,
    form_key,
    form_rows,
    header_label,
    is_funds_header,
    is_indicator_header,
    looks_like_form,
)
from juesuan.audit.selfeval.form import Reader
from juesuan.audit.selfeval.model import Form, build_form, title_name
from juesuan.audit.selfeval.reflow import reflow
from juesuan.audit.source import Grid, Line, SourceDocument, normalise

# --- finding the forms ------------------------------------------------------------------------


# A form's title is the nearest of the _TITLE_LINES lines above its grid (other than notes) that
# names a 自评表, at most _TITLE_CHARS long; a grid with no title of its own at most
# _PAGE_BREAK_LINES after a form's last grid (a page number, a running head) continues it.
# Calibrated on tests/fixtures/reports/seed-suizhou-2020.txt and juesuan's own forms:
# test_selfeval.py::test_seed_forms_are_found_with_their_titles, test_own_selfeval.py.
_TITLE_LINES = 3
_TITLE_CHARS = 80
_PAGE_BREAK_LINES = 3

def _title_at(blocks: Sequence[Any], index: int) -> int | None:
    """The index of the form's title: a line naming a 自评表 among the three lines above its
    grid (not counting a 编制部门 / 单位 line between them)."""
    counted = 0
    for j in range(index - 1, max(index - 7, -1), -1):
        block = blocks[j]
        if isinstance(block, Grid):
            return None
        if _is_title(block.text):
            return j
        if not _NOTE_LINE.match(normalise(block.text).strip()):
            counted += 1
            if counted == _TITLE_LINES:
                return None
    return None


def _is_title(text: str) -> bool:
    t = compact(text)
    return bool(TITLE.search(t)) and len(t) <= _TITLE_CHARS




# --- text printed around a form's grids --------------------------------------------------------

_FIELD_LABELS = tuple(sorted(
    {label for label, _ in HEADER_LABELS} | {
        "偏差大或目标未完成原因分析", "偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析",
        "改进措施及结果应用方案", "改进措施", "年度总体目标"},
    key=len, reverse=True))
_NOTE_LABELS = ("编制部门", "评分办法", "计分办法", "备注", "注", "单位")
_FIELD_LINE = re.compile(
    "^(?P<label>" + "|".join(re.escape(x) for x in _FIELD_LABELS) + r")\s*[:：]\s*(?P<value>.*)$")
_NOTE_LINE = re.compile(
    "^(?:(?:" + "|".join(re.escape(x) for x in _NOTE_LABELS) + r")\s*[:：]|执行率\s*=)")
# where a text that a PDF reader put into one grid cell starts a new line: a form's title, a
# field or note label with its colon, or the juesuan form's calculation note
_SEGMENT = re.compile(
    r"(?:19|20)\d{2}年度?[^：:，。；]{1,60}?(?:自评|评价)(?:得分)?表(?:[(（][^()（）]{1,12}[)）])?"
    "|(?:" + "|".join(re.escape(x) for x in (*_FIELD_LABELS, *_NOTE_LABELS)) + r")\s*[:：]"
    r"|执行率\s*=")
_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
# how far after a form's last grid its notes are looked for; not calibrated on a case (the fixtures
# print no note after a form's grid): a bound
_TRAILING_LINES = 12


def _field_row(line: Line) -> Row | None:
    """A line “项目名称：互联网+放管服” printed beside a form's grid, as the row it stands for."""
    m = _FIELD_LINE.match(normalise(line.text).strip())
    if m is None:
        return None
    cells = (m.group("label"), m.group("value").strip())
    return Row(cells, tuple(compact(c) for c in cells), Printed(line.line, line.page, line.text),
                cells)


def _split_text_rows(grid: Grid) -> list[Any]:
    """A grid whose rows include text a PDF reader took into the table (one cell holding a
    form's title, its 项目名称：… fields, its notes) as lines and the grids between them."""
    out: list[Any] = []
    rows: list[tuple[str, ...]] = []
    start = 0
    for k, row in enumerate(grid.rows):
        filled = [c for c in row if c.strip()]
        text = row[0].strip() if row else ""
        if len(row) > 1 and len(filled) == 1 and text and _SEGMENT.search(normalise(text)):
            if rows:
                out.append(Grid(tuple(rows), grid.line + start, grid.page))
                rows = []
            norm = normalise(text)
            cuts = sorted({0, *(m.start() for m in _SEGMENT.finditer(norm))})
            for a, b in itertools.pairwise([*cuts, len(norm)]):
                piece = norm[a:b].strip()
                if piece:
                    out.append(Line(piece, grid.line + k, grid.page))
            start = k + 1
            continue
        if not rows:
            start = k
        rows.append(row)
    if rows:
        out.append(Grid(tuple(rows), grid.line + start, grid.page))
    return out


def _blocks(source: SourceDocument) -> tuple[Any, ...]:
    """The report's blocks, with text taken into a form's grid (by a PDF reader) set apart."""
    out: list[Any] = []
    for block in reflow(source.blocks):
        if isinstance(block, Grid) and not block.row_lines and any("自评" in cell or _FORMISH.search(cell)
                                            for row in block.rows for cell in row[:1]):
            out.extend(_split_text_rows(block))
        else:
            out.append(block)
    return tuple(out)


def _summary_for(blocks: Sequence[Any], start: int, index: int, name: str) -> str | None:
    """The 项目自评综述 sentence printed before a project form, if it names the project."""
    key = compact(name)
    if not key:
        return None
    for j in range(index - 1, max(start, 0) - 1, -1):
        block = blocks[j]
        if isinstance(block, Grid):
            break
        text = block.text
        if "自评综述" in compact(text) and key in compact(text):
            m = re.search(r"自评综述\s*[:：]\s*(.+)$", text)
            if m:
                return m.group(1).strip() or None
    return None


@dataclass
class _Group:
    first: int  # block index of the first grid
    last: int  # block index of the last grid
    title: Line | None
    grids: list[Grid]
    rows: list[Row]
    start: int  # where the text before it begins (after the previous form)
    lines: list[int] = field(default_factory=list)  # the text lines that belong to the form


def _starts_form(rows: Sequence[Row]) -> bool:
    return any(r.words and header_label(r.words[0]) in ("name", "unit_name") for r in rows[:3])


_FORMISH = re.compile(r"指\s*标|执\s*行\s*[数率]|项\s*目\s*名\s*称|单\s*位\s*名\s*称")


def _text_rows(blocks: Sequence[Any], start: int, end: int, taken: list[int]) -> list[Row]:
    """The fields printed as lines between a form's grids (项目名称：…), as rows; the indexes
    of the lines that belong to the form (fields, notes, the titles of its parts) go to
    ``taken``."""
    rows: list[Row] = []
    for j in range(start, end):
        block = blocks[j]
        if isinstance(block, Grid):
            continue
        row = _field_row(block)
        if row is not None:
            rows.append(row)
            taken.append(j)
        elif _NOTE_LINE.match(normalise(block.text).strip()) or _is_title(block.text):
            taken.append(j)
    return rows


def _close(group: _Group, blocks: Sequence[Any], stop: int) -> None:
    """Take the fields and notes printed after the form's last grid (偏差原因分析：…), up to
    the next grid, title or heading."""
    for j in range(group.last + 1, min(stop, group.last + 1 + _TRAILING_LINES)):
        block = blocks[j]
        if isinstance(block, Grid):
            return
        text = normalise(block.text).strip()
        if _is_title(text) or _HEADING.match(text):
            return
        row = _field_row(block)
        if row is not None:
            group.rows.append(row)
            group.lines.append(j)
        elif _NOTE_LINE.match(text):
            group.lines.append(j)


def _has_total(rows: Sequence[Row]) -> bool:
    return any(r.words and r.words[0].startswith(TOTAL_LABELS) for r in rows)


def _continues(group: _Group, blocks: Sequence[Any], index: int, title: Line | None,
               rows: Sequence[Row]) -> bool:
    """Whether a grid goes on with the form before it: after a page break (no title, no
    header of its own), or as the next part of the same form under its own title."""
    if _starts_form(rows) or any(is_funds_header(r) for r in rows) or _finished(group.rows):
        return False
    if title is None:
        return index - group.last <= _PAGE_BREAK_LINES
    return (group.title is not None and form_key(title.text) == form_key(group.title.text)
            and index - group.last <= _TRAILING_LINES and not _has_total(group.rows))


def _groups(blocks: Sequence[Any]) -> Iterator[_Group]:
    """The grids of each form, with its title and the text printed around them; a grid that
    goes on with a form's rows after a page break (no title, no header of its own), or under
    its part's title, is joined to it."""
    current: _Group | None = None
    previous_end = 0
    for index, block in enumerate(blocks):
        if not isinstance(block, Grid):
            continue
        if current is None and not any(_FORMISH.search(cell) for row in block.rows for cell in row):
            continue  # cheap: most grids of a report are the nine tables
        rows = form_rows([block])
        at = _title_at(blocks, index)
        title: Line | None = blocks[at] if at is not None else None
        if current is not None and _continues(current, blocks, index, title, rows):
            current.rows.extend(_text_rows(blocks, current.last + 1, index, current.lines))
            current.grids.append(block)
            current.rows.extend(rows)
            current.last = index
            continue
        if current is not None:
            _close(current, blocks, at if at is not None else index)
            yield current
            previous_end = current.last + 1
            current = None
        formish = any(is_funds_header(r) or is_indicator_header(r) for r in rows)
        if looks_like_form(rows) or (title is not None and (formish or _starts_form(rows))):
            current = _Group(index, index, title, [block], [], previous_end)
            if at is not None:
                current.lines.append(at)
                current.rows.extend(_text_rows(blocks, at + 1, index, current.lines))
            current.rows.extend(rows)
    if current is not None:
        _close(current, blocks, len(blocks))
        yield current


def _finished(rows: Sequence[Row]) -> bool:
    return any(r.words and ("改进措施" in r.words[0] or "结果应用" in r.words[0]) for r in rows[-2:])


def form_lines(source: SourceDocument) -> frozenset[int]:
    """The line numbers of the text printed as part of a 自评表 (its titles, the fields and
    notes around its grids): read by this module, not running text."""
    blocks = _blocks(source)
    taken: set[int] = set()
    for group in _groups(blocks):
        taken.update(blocks[j].line for j in group.lines)
    return frozenset(taken)


def read_forms(source: SourceDocument) -> list[Form]:
    """Every 自评表 of the report, in order: a 部门整体 form at ``performance.department``
    (the first, if several), project forms at ``performance.projects[N]``."""
    return read_with_problems(source)[0]


def read_with_problems(source: SourceDocument) -> tuple[list[Form], list[str]]:
    """The forms, and why the ones that could not be read were not."""
    forms: list[Form] = []
    problems: list[str] = []
    projects = 0
    department = False
    blocks = _blocks(source)
    for group in _groups(blocks):
        title = group.title
        draft = Reader(title.text if title else None,
                        Printed(title.line, title.page, title.text) if title else None
                        ).read(group.rows)
        if not draft.blocks and not draft.funds:
            continue
        is_department = draft.department
        if is_department and department:
            where = title.text if title else "部门整体绩效自评表"
            problems.append(f"{where}：第二张部门整体自评表未读入（填报只容一张）")
            continue
        path = "performance.department" if is_department else f"performance.projects[{projects}]"
        name = draft.header.get("name") or title_name(draft.title) or ""
        summary = None if is_department else _summary_for(blocks, group.start, group.first, name)
        form = build_form(draft, path, summary)
        if isinstance(form, str):
            where = title.text if title else "自评表"
            line = group.rows[0].printed.line if group.rows else None
            problems.append(f"{where}（第 {line} 行）未能读出：{form}" if line else f"{where}未能读出：{form}")
            continue
        forms.append(form)
        if is_department:
            department = True
        else:
            projects += 1
    return forms, problems
