"""A published report as read: lines of text and table grids, with where they stand.

Every reader (text, HTML, PDF, DOCX) produces a :class:`SourceDocument`; structure
recognition and the checks read nothing else, so a report is judged the same way
whatever format it came in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from juesuan.limits import MAX_TABLE_COLUMNS

# CJK Radicals Supplement code points that PDF text layers produce instead of the
# unified ideograph (NFKC folds the Kangxi radicals U+2F00–2FD5 but not these).
# From Unicode's EquivalentUnifiedIdeograph.txt, the ones seen in Chinese reports.
RADICALS_SUPPLEMENT = {
    "\u2e8c": "小", "\u2e8d": "小", "\u2e94": "彑", "\u2e95": "彐", "\u2e9c": "日", "\u2ea0": "民",
    "\u2ea4": "爫", "\u2ea6": "丬", "\u2ea8": "犭", "\u2eab": "罒", "\u2eb2": "罒", "\u2eb3": "网",
    "\u2eb6": "羊", "\u2eb7": "羊", "\u2ebc": "月", "\u2ec3": "覀", "\u2ec4": "西", "\u2ec5": "见",
    "\u2ec6": "角", "\u2ec8": "讠", "\u2ec9": "贝", "\u2ecb": "车", "\u2ecc": "辶", "\u2ecd": "辶",
    "\u2ed0": "钅", "\u2ed1": "长", "\u2ed2": "镸", "\u2ed3": "长", "\u2ed4": "门", "\u2ed6": "阝",
    "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦", "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞",
    "\u2edd": "食", "\u2edf": "食", "\u2ee0": "饣", "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼",
    "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾",
    "\u2eeb": "斉", "\u2eec": "齐", "\u2eed": "歯", "\u2eee": "齿", "\u2eef": "竜", "\u2ef0": "龙",
    "\u2ef1": "龜", "\u2ef2": "亀", "\u2ef3": "龟",
}
_RADICALS = str.maketrans(RADICALS_SUPPLEMENT)
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def normalise(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII, Kangxi radicals to ideographs)
    plus the radicals-supplement table; keeps Chinese punctuation such as “”、（）."""
    # NFKC would turn （） and ， into ASCII; keep them by protecting a few characters.
    protected = {"（": "\ue000", "）": "\ue001", "，": "\ue002", "：": "\ue003", "；": "\ue004"}
    for ch, mark in protected.items():
        text = text.replace(ch, mark)
    text = unicodedata.normalize("NFKC", text).translate(_RADICALS)
    for ch, mark in protected.items():
        text = text.replace(mark, ch)
    return text


def squeeze(text: str) -> str:
    """Collapse runs of spaces (PDF text often spreads names: "因 公 出 国")."""
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Line:
    """One line of running text."""

    text: str
    line: int  # 1-based line number in the document's text (or paragraph number)
    page: int | None = None


@dataclass(frozen=True)
class Grid:
    """A table as a grid of cell texts (merged cells repeated or blank as read)."""

    rows: tuple[tuple[str, ...], ...]
    line: int  # line number of the first row
    page: int | None = None
    # the line of each row, when the rows were not printed one a line (a form put back together
    # from one cell a line: juesuan.audit.selfeval.reflow)
    row_lines: tuple[int, ...] = ()


Block = Line | Grid


@dataclass(frozen=True)
class SourceDocument:
    path: str
    format: str  # text / html / pdf / docx
    blocks: tuple[Block, ...]
    pages: int | None = None
    problems: tuple[str, ...] = ()  # e.g. 第 3 页是图片，需要 OCR

    def lines(self) -> list[Line]:
        return [b for b in self.blocks if isinstance(b, Line)]

    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]


def from_text(text: str, path: str = "<text>", *, fmt: str = "text") -> SourceDocument:
    """Plain text: lines; runs of lines with " | " between cells become grids.

    This is the form of pasted tables (and of the text extracts under tests/fixtures).
    A row keeps its first MAX_TABLE_COLUMNS cells, as the other readers do; a reading
    problem names the (first) line cut.
    """
    blocks: list[Block] = []
    grid: list[tuple[str, ...]] = []
    grid_start = 0
    page: int | None = None
    wide: list[tuple[int, int]] = []  # (line, cells) of the rows cut to MAX_TABLE_COLUMNS
    for number, raw in enumerate(text.splitlines(), 1):
        line = normalise(raw.rstrip("\n"))
        if "\f" in raw:
            page = (page or 1) + raw.count("\f")
        if " | " in line or line.startswith("| ") or line.endswith(" |"):
            if not grid:
                grid_start = number
            cells = line.split("|", MAX_TABLE_COLUMNS)
            if len(cells) > MAX_TABLE_COLUMNS:
                wide.append((number, line.count("|") + 1))
                cells = cells[:MAX_TABLE_COLUMNS]
            grid.append(tuple(squeeze(cell) for cell in cells))
            continue
        if grid:
            blocks.append(Grid(tuple(grid), grid_start, page))
            grid = []
        if line.strip():
            blocks.append(Line(squeeze(line), number, page))
    if grid:
        blocks.append(Grid(tuple(grid), grid_start, page))
    return SourceDocument(path, fmt, tuple(blocks), problems=_wide_rows(wide))


def _wide_rows(wide: list[tuple[int, int]]) -> tuple[str, ...]:
    """The reading problem for rows cut to MAX_TABLE_COLUMNS cells: one, naming the first line."""
    if not wide:
        return ()
    number, cells = wide[0]
    more = f"等 {len(wide):,} 行" if len(wide) > 1 else ""
    return (f"第{number}行{more}的表格超过 {MAX_TABLE_COLUMNS} 列（第{number}行有 {cells:,} 个单元格；"
            "MAX_TABLE_COLUMNS，见 docs/limits.md），其余列未读取",)
