"""The running text of a report as paragraphs, each under its headings.

:func:`paragraphs` reads the :class:`~juesuan.audit.source.Line` blocks of a
:class:`~juesuan.audit.source.SourceDocument`: a heading (第X部分, 一、, （一）:
:func:`heading_level`) starts a paragraph, and so does a list item; a grid or a line of a
自评表 ends one; page numbers are skipped, and the end of a heading wrapped onto a line of its
own is joined to it. A :class:`Paragraph` holds its text in canonical form (ASCII
punctuation full width, spaces dropped except between digits), the form the claims are read
from (:mod:`juesuan.audit.claims`), and gives back the line and the text as printed of any
part of it.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator

from juesuan.audit.source import Grid, Line, SourceDocument
from juesuan.limits import MAX_QUOTE_CHARS
from juesuan.rules.finding import excerpt

_MARKER = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_LIST_START = re.compile(
    r"^\s*(?:\d+[、.．](?!\d)|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|（\d+）)"
)
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*)?\d{1,3}(?:\s*[-—–])?\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$")
_HEADING_PUNCT = re.compile(r"[，；：、！？,;:]")


def _canonical(text: str) -> str:
    """ASCII punctuation of Chinese text to full width (one character for one)."""
    text = text.replace("(", "（").replace(")", "）").replace(":", "：").replace(";", "；")
    text = text.replace("\"", "”").replace("!", "！").replace("?", "？")
    return re.sub(r"(?<!\d),|,(?!\d)", "，", text)


# a heading is no longer: the longest of the fixtures, 01's 第三部分上海市普陀区财政局2024年度部门决算情况说明
# (tests/fixtures/reports/01, wrapped at L319–320), is half of it; pinned by test_claims.py::test_headings
HEADING_CHARS = 60
# a line repeats the one before only if that one has this many characters (one character would
# start half the lines); calibrated on 03's 第四部分 / 名词解释 (tests/fixtures/reports/03, L387–388)
_REPEATED_MIN_CHARS = 2
# the longest end of a heading wrapped onto a line of its own; calibrated on 01's …决算情况 / 说明
# (tests/fixtures/reports/01, L319–320)
_WRAPPED_HEADING_TAIL_CHARS = 6


def heading_level(text: str) -> int | None:
    """0 for 第X部分, 1 for 一、, 2 for （一）; None when the line is not a heading.

    A heading is short and has no clause punctuation after its marker (a paragraph
    that starts with （一） has commas: “(一)2020年,全年无团组…”)."""
    canon = _canonical(text).strip()
    match = _MARKER.match(canon)
    if match is None or len(canon) > HEADING_CHARS:
        return None
    body = canon[match.end():]
    if _HEADING_PUNCT.search(body) or "。" in body.rstrip("。 "):
        return None
    marker = match.group(1)
    return 0 if marker.startswith("第") else 1 if marker.endswith("、") else 2


_SPACE = re.compile(r"\s")


class Paragraph:
    """Running text between headings, list items and tables: the unit the checks group by.

    ``chars`` is the canonical text (spaces dropped except between digits), ``origin``
    the index of each character in ``raw`` (the lines joined as printed), and ``line_at``
    the Line a character came from. Lines are collected in lists and joined once, when
    first read: a paragraph of many lines costs its length, not its length squared."""

    def __init__(self, path: tuple[str, ...], heading: bool) -> None:
        self.path = path
        self.heading = heading
        self._raw: list[str] = []
        self._chars: list[str] = []
        self._joined: tuple[str, str] | None = None
        self._raw_length = 0
        self._last = ""  # the last kept character
        self.origin = array("I")  # 4 bytes a character (a report is under MAX_REPORT_CHARS)
        self._starts: list[int] = []  # where each line starts in raw
        self._lines: list[Line] = []

    def add(self, line: Line) -> None:
        start = self._raw_length
        self._starts.append(start)
        self._lines.append(line)
        self._raw.append(line.text)
        self._raw_length += len(line.text)
        self._joined = None
        text = _canonical(line.text)
        # slices between the spaces, not a list of characters: a Chinese character alone is an
        # object of 76 bytes, 150 MB for a line of 2,000,000 (fuzz seed 1 #33886)
        kept: list[str] = []
        position = 0
        for space in _SPACE.finditer(text):
            i = space.start()
            kept.append(text[position:i])
            self.origin.extend(range(start + position, start + i))
            before = text[i - 1] if i else self._last
            after = text[i + 1] if i + 1 < len(text) else ""
            if before[-1:].isdigit() and after.isdigit():
                kept.append(" ")  # a space inside digits is kept (read as 1 234.56)
                self.origin.append(start + i)
            position = i + 1
        kept.append(text[position:])
        self.origin.extend(range(start + position, start + len(text)))
        chars = "".join(kept)
        if chars:
            self._last = chars[-1]
        self._chars.append(chars)

    def _join(self) -> tuple[str, str]:
        if self._joined is None:
            self._joined = ("".join(self._raw), "".join(self._chars))
        return self._joined

    @property
    def raw(self) -> str:
        return self._join()[0]

    @property
    def chars(self) -> str:
        return self._join()[1]

    def line_at(self, index: int) -> Line:
        if not self.origin:
            return self._lines[0]
        raw = self.origin[max(0, min(index, len(self.origin) - 1))]
        return self._lines[bisect_right(self._starts, raw) - 1]

    def _raw_span(self, start: int, end: int) -> tuple[int, int]:
        last = len(self.origin) - 1
        lo = self.origin[max(0, min(start, last))]
        hi = self.origin[max(0, min(max(end - 1, start), last))] + 1
        return lo, hi

    def quote_fits(self, start: int, end: int) -> bool:
        """Whether ``quote(start, end)`` is whole, whatever it is centred on."""
        if not self.origin:
            return True
        lo, hi = self._raw_span(start, end)
        return hi - lo <= MAX_QUOTE_CHARS

    def quote(self, start: int, end: int, focus: tuple[int, int] | None = None) -> str:
        """The raw text of ``chars[start:end]`` as printed; when longer than MAX_QUOTE_CHARS,
        the part around ``focus`` (positions in ``chars``), with "…" where cut."""
        if not self.origin:
            return ""
        lo, hi = self._raw_span(start, end)
        around = self._raw_span(*focus) if focus is not None else None
        return excerpt(self.raw, lo, hi, focus=around)


def paragraphs(source: SourceDocument, skip: frozenset[int] = frozenset()) -> Iterator[Paragraph]:
    """The paragraphs of running text; a grid, or a line in ``skip`` (the text of a 自评表),
    ends one."""
    path: list[str] = ["", "", ""]
    current: Paragraph | None = None
    heading_at: int | None = None  # level of ``current`` when it is a heading
    previous = ""  # the last line added, without spaces
    for block in source.blocks:
        if isinstance(block, Grid) or block.line in skip:
            if current is not None:
                yield current
            current, heading_at = None, None
            continue
        text = block.text.strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        level = heading_level(text)
        bare = re.sub(r"\s+", "", _canonical(text))
        # a line that begins with the whole line before it repeats it (a chart's title and
        # then its caption “收入结构 / 收入结构数据（单位：万元）”, a part's heading and then
        # its section “第四部分 名词解释 / 名词解释”): a new paragraph, never a wrapped line
        repeats = len(previous) >= _REPEATED_MIN_CHARS and (bare.startswith(previous) or previous.endswith(bare))
        previous = bare
        if (level is None and current is not None and heading_at is not None and not repeats
                and len(text) <= _WRAPPED_HEADING_TAIL_CHARS and not re.search(r"[\d，。；：、,.;:]", text)
                and len(path[heading_at]) + len(text) <= HEADING_CHARS):
            # the end of a heading wrapped onto the next line (…决算情况 / 说明); only as
            # long as a heading can be, or a column of short lines would make one huge
            current.add(block)
            path[heading_at] += text
            current.path = tuple(path)
            continue
        if level is not None:
            if current is not None:
                yield current
            path[level] = text
            for deeper in range(level + 1, len(path)):
                path[deeper] = ""
            current, heading_at = Paragraph(tuple(path), heading=True), level
            current.add(block)
            continue
        if current is None or current.heading or repeats or _LIST_START.match(_canonical(text)):
            if current is not None:
                yield current
            current, heading_at = Paragraph(tuple(path), heading=False), None
        current.add(block)
    if current is not None:
        yield current


def section_of(path: tuple[str, ...]) -> str | None:
    """The headings a claim stands under: from 一、 down when there is one, else the part."""
    inner = [p for p in path[1:] if p]
    if inner:
        return " / ".join(inner)
    return path[0] or None
