"""What a published report consists of: cover, 目录, parts, sections and the nine tables.

Pure: reads a :class:`~juesuan.audit.source.SourceDocument` and says where each
element stands (block, line, page) and how it was printed. Nothing is judged here:
the audit rules compare what was found (a title close to but not equal to an official
one, a heading naming another department, a 目录 entry without its section …).

Text extracted from PDFs wraps anywhere, so headings and titles are matched on up to
four consecutive lines joined, and always without whitespace (“2024 年度”, “目  录”).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from juesuan.audit.source import Block, Grid, Line, SourceDocument, normalise
from juesuan.tables.layout import chinese_number
from juesuan.template.catalogue import bundled_templates

# --- text helpers ------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})
CHINESE_DIGITS = "零一二三四五六七八九"


def compact(text: str) -> str:
    """The text without any whitespace (NFKC-normalised): how names and titles are compared."""
    if len(text) > _CACHED_LENGTH:
        return _compact(text)
    return _compact_cached(text)


def _compact(text: str) -> str:
    return _WHITESPACE.sub("", normalise(text))


# The audit compacts the same cells, lines and joined lines many times over (a report's
# 7000 calls are of 1000 strings): remember the short ones.
_CACHED_LENGTH = 200
_compact_cached = lru_cache(maxsize=16384)(_compact)


def title_key(text: str) -> str:
    """Compact text without quotation marks and with Chinese brackets: for title matching."""
    return compact(text).translate(_QUOTES).translate(_BRACKETS)


def chinese_int(text: str) -> int | None:
    """一 → 1, 十 → 10, 十一 → 11, 二十六 → 26 (1–99); None for anything else."""
    if not text or any(ch not in CHINESE_DIGITS + "十" for ch in text):
        return None
    if "十" not in text:
        return CHINESE_DIGITS.index(text) if len(text) == 1 and text != "零" else None
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    t = CHINESE_DIGITS.index(tens) if tens else 1
    o = CHINESE_DIGITS.index(ones) if ones else 0
    return t * 10 + o if t > 0 else None


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


# --- the official titles -------------------------------------------------------------------

# Every accepted printed form of each title: the titles and title variants of the
# disclosure templates (juesuan/template/data), the first being the 2024 Shanghai
# template's. Compared with title_key(), i.e. whitespace and quotation marks ignored.
def _title_variants() -> dict[int, tuple[str, ...]]:
    first = "shanghai-2024"
    templates = sorted(bundled_templates(), key=lambda t: (t.name != first, t.name))
    variants: dict[int, list[str]] = {}
    for template in templates:
        for spec in template.tables:
            forms = variants.setdefault(spec.number, [])
            for form in (spec.title, *spec.variants):
                if form not in forms:
                    forms.append(form)
    return {n: tuple(forms) for n, forms in sorted(variants.items())}


TITLE_VARIANTS: dict[int, tuple[str, ...]] = _title_variants()
_VARIANT_KEYS: list[tuple[str, int, str]] = sorted(
    ((title_key(v), n, v) for n, vs in TITLE_VARIANTS.items() for v in vs),
    key=lambda item: -len(item[0]),
)

# What may stand in front of a title: 表1 / 附表1 / 公开01表 / 一、 / （一） / the
# department and year (…2024年度), and behind it: （公开01表）.
_TITLE_PREFIX = re.compile(
    r"^(?:.{0,40}?\d{4}年度?)?"
    r"(?:(?:附表|附件|表|公开|部门决算)?(?:\d{1,2}|[一二三四五六七八九])(?:号表|表)?[-—.．、:：]?"
    r"|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)?$"
)
_TITLE_SUFFIX = re.compile(r"[（(](?:公开|部门)?\d{1,2}表[）)]$")
# a title listed in a sentence or a list ends with its punctuation: "(六)一般公共预算…决算表;"
_LIST_END = re.compile(r"(?:[;；,，。.、:：]+|（[一二三四五六七八九十]）)$")  # also a part: …决算表（一）
# the similarity from which a line is a title with a typo; calibrated on the seeded typo of
# tests/fixtures/reports/04 and 收人决算表 (test_audit_structure.py::test_tables_wrapped_titles_typos_and_units),
# pinned by test_audit_structure.py::test_a_wrong_character_resembles_its_title
TYPO_THRESHOLD = 0.75
# A line is a title with a typo only if its length is within _TYPO_LENGTH_GAP characters of an
# accepted title's, and _TYPO_MIN_CHARS to _TYPO_MAX_CHARS long; a title is at most _TITLE_CHARS
# long, and the first line of a wrapped one at most _WRAPPED_TITLE_FIRST_CHARS. Calibrated on the
# seeded typo and wrapped title of tests/fixtures/reports/04_shanghai-putuo-czj-2024-seeded-defects.txt
# (test_audit_fixtures.py::test_04_wrapped_title_is_recognised) and pinned by
# test_audit_structure.py::test_a_wrong_character_resembles_its_title,
# ::test_tables_wrapped_titles_typos_and_units and ::test_a_further_table_resembling_a_title_is_no_typo.
_TYPO_LENGTH_GAP = 6
_TYPO_MIN_CHARS = 4
_TYPO_MAX_CHARS = 45
_TITLE_CHARS = 70
_WRAPPED_TITLE_FIRST_CHARS = 40


@lru_cache(maxsize=4096)
def match_title(text: str) -> tuple[int, str] | None:
    """(table number, official form) when ``text`` is a known title, with an allowed prefix."""
    key = _TITLE_SUFFIX.sub("", _LIST_END.sub("", title_key(text)))
    for variant, number, official in _VARIANT_KEYS:
        if key.endswith(variant) and _TITLE_PREFIX.match(key[: len(key) - len(variant)]):
            return number, official
    return None


def closest_text(text: str) -> str:
    """``text`` as closest_title compares it: compact, without ordinal, list punctuation and
    the bracketed table number."""
    key = _TITLE_SUFFIX.sub("", _LIST_END.sub("", title_key(text)))
    return re.sub(r"^(?:表\d{1,2}|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", "", key)


def closest_title(text: str) -> tuple[int, str, float] | None:
    """The official title ``text`` most resembles, with the similarity (0–1)."""
    key = closest_text(text)
    best: tuple[int, str, float] | None = None
    for variant, number, official in _VARIANT_KEYS:
        if abs(len(variant) - len(key)) > _TYPO_LENGTH_GAP:
            continue
        ratio = similarity(key, variant)
        if best is None or ratio > best[2]:
            best = (number, official, ratio)
    return best


# --- headings ------------------------------------------------------------------------------

_PART = re.compile(r"^第([一二三四五六七八九十]+)部分[:：、.．]?(.*)$")
_NAME_YEAR = re.compile(
    r"^(?P<name>.*?)(?P<year>(?:19|20)\d{2})年度?(?:部门|单位)?决算"
    r"(?P<what>表|情况说明|说明|公开|报告)?$"
)
_YEAR_NAME = re.compile(r"^(?P<year>(?:19|20)\d{2})年度?(?P<name>.+?)(?:部门|单位)?决算(?:公开|报告)?$")
_OVERVIEW = re.compile(r"^(?P<name>.+?)(?:部门|单位)?概况$")
# a department's name: 2–40 characters; calibrated on the cover 中共某某市某某区委员会办公室
# (test_audit_structure.py::test_cover_over_several_lines_after_other_text) and the names of
# test_audit_structure.py::test_what_a_heading_names
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fffA-Za-z（）()·]{2,40}$")
# The cover is looked for in the first _COVER_BLOCKS blocks, over up to _COVER_LINES lines joined;
# calibrated on the cover of four lines after a line of site navigation of test_audit_structure.py::
# test_cover_over_several_lines_after_other_text (the block bound is not calibrated on a case)
_COVER_BLOCKS = 80
_COVER_LINES = 4
# a 第N部分 heading wraps over up to _PART_LINES lines, each added line under _PART_TAIL_CHARS; calibrated
# on …决算情况说 / 明 (test_audit_structure.py::test_toc_with_wrapped_entries) and 01's …决算情况 / 说明
# (tests/fixtures/reports/01, L319–320); the character bound is not calibrated on a case
_PART_LINES = 3
_PART_TAIL_CHARS = 40
# a …年度部门决算表 heading without 第二部分 wraps over up to this many lines; not calibrated on a case
_TABLESET_LINES = 2
# a table title wraps over up to this many lines; calibrated on 表1 / 收入支出决算 / 总表
# (test_audit_structure.py::test_tables_wrapped_titles_typos_and_units)
_TITLE_LINES = 3
# a line resembling a title is one only if a grid or a unit line follows within this many lines;
# calibrated on 收人决算表 / 单位：元 (test_audit_structure.py::test_tables_wrapped_titles_typos_and_units)
_TABLE_FOLLOWS_LINES = 3
# the 目录 heading is looked for in this many blocks after the cover, over up to _TOC_HEADING_LINES
# lines; calibrated on 目 / 录 of test_audit_structure.py::test_toc_with_wrapped_entries (the block
# bound is not calibrated on a case)
_TOC_SEARCH_BLOCKS = 15
_TOC_HEADING_LINES = 2
# a 目录 line listing a subsection is at most _TOC_ITEM_CHARS long; an entry wraps onto a line of at most
# _TOC_WRAP_CHARS while it is at most _TOC_ITEM_CHARS; calibrated on 二、收入决算 / 表
# (test_audit_structure.py::test_toc_with_wrapped_entries) and the subsections of
# ::test_toc_with_subsections_and_a_page_number
_TOC_ITEM_CHARS = 60
_TOC_WRAP_CHARS = 20
# a section heading (一、…) is no longer; not calibrated on a case: a bound, longer is running text
_SECTION_CHARS = 40
# the unit of a table may be printed in the first rows of its grid; not calibrated on a case
_UNIT_HEADER_ROWS = 3
_ORDINAL_ITEM = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
# the leader dots and page number of a 目录 entry; only from the start of a run of leader
# characters (tried inside a long run, the search would be quadratic in it)
_TOC_PAGE = re.compile(r"(?<![.·…\-—_\s])[.·…\-—_\s]*\d{1,3}$")
_SUB_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．](?!\d))")
# a page number printed as a line of its own (compact): 5, -5-, 第5页, 第5页共23页, 5/23
_PAGE_NUMBER = re.compile(r"^(?:[-—–－]?\d{1,4}[-—–－]?|第\d{1,4}页(?:[/，,]?共\d{1,4}页)?|\d{1,4}/\d{1,4})$")
# "单位：万元" (a few characters ending in 元); "单位：XX医院" / "编制单位：…" name the unit
# (organisation), not the unit of money (tests/fixtures/real/guizhou-2020-qiannan-zyyy)
_UNIT = re.compile(r"(?:金额)?单位[:：]\s*([^\s,，;；)）:：]{0,6}元)")
_COMPLETE_PART = re.compile(r"(概况|决算表|情况说明|名词解释|附件|附表|情况|评价|报告|其他|说明)$")


def part_complete(text: str) -> bool:
    body = _PART.match(text)
    return bool(body and body.group(2) and _COMPLETE_PART.search(body.group(2))
                and not body.group(2).endswith("决算情况"))


@dataclass(frozen=True)
class Place:
    """Where something is printed: its first block, line and page, and the text as printed."""

    block: int
    line: int | None
    page: int | None
    text: str
    end: int  # last block (headings and titles may wrap over several lines)


@dataclass(frozen=True)
class Cover:
    department: str | None
    year: int | None
    place: Place | None


HeadingKind = Literal["part", "tableset", "section"]


@dataclass(frozen=True)
class Heading:
    kind: HeadingKind
    number: int | None  # 第N部分 (a table-set heading counts as part 2) or the section's 一、…
    text: str  # compact, without 第N部分 or the ordinal
    place: Place
    name: str | None = None  # the department the heading names, if any
    year: int | None = None
    in_toc: bool = False
    part: int | None = None  # the part a section stands in


@dataclass(frozen=True)
class TocEntry:
    kind: Literal["part", "item"]
    number: int | None
    text: str  # compact, without ordinal and page number
    part: int | None  # the part an item is listed under
    place: Place


@dataclass(frozen=True)
class TableTitle:
    number: int
    official: str  # the accepted form it matched (or, for a typo, the one it resembles)
    place: Place
    typo: bool = False
    ratio: float = 1.0


@dataclass(frozen=True)
class LocatedTable:
    """A table as found: title, unit, the grids under it and the lines around them."""

    title: TableTitle
    unit: str | None  # as printed after 单位：, e.g. 万元
    unit_place: Place | None
    grids: tuple[Grid, ...]
    notes: tuple[Line, ...]  # lines under the table (注：…, 说明：…)
    lines: tuple[Line, ...]  # every line between the title and the next element
    end: int  # last block of the table's range

    @property
    def number(self) -> int:
        return self.title.number

    @property
    def header(self) -> tuple[tuple[str, ...], ...]:
        """The header rows: the first grid's rows above the first row with a code or a figure
        (栏次 numbers 1, 2, 3 … are header)."""
        rows: list[tuple[str, ...]] = []
        for row in self.grids[0].rows if self.grids else ():
            cells = [compact(c) for c in row]
            if any(re.search(r"\d{3}|\d\.\d", c) for c in cells):
                break
            if any(cells):
                rows.append(row)
        return tuple(rows)


@dataclass(frozen=True)
class Structure:
    source: SourceDocument
    start: int  # block of the cover (everything before it is not part of the report)
    cover: Cover
    toc: tuple[TocEntry, ...]
    toc_place: Place | None
    body_start: int
    headings: tuple[Heading, ...]  # body headings: parts, the table-set heading, sections
    tables: tuple[LocatedTable, ...]  # in order of appearance, duplicates included
    toc_typos: tuple[TableTitle, ...]  # 目录 entries close to but not equal to a title
    markers: tuple[tuple[int, str], ...]  # (line, label) of every heading and table title
    # the year a title-like line of the opening states (…2019年度决算公开报告, 2017年…部门决算
    # “三公”经费公开) when no cover or heading states one in a form recognised above
    stated_year: int | None = None
    # likewise the unit such a line names (普洱市审计局(本级) of 2019年普洱市审计局(本级)“三公”经费决算情况说明)
    stated_department: str | None = None

    @property
    def department(self) -> str | None:
        if self.cover.department:
            return self.cover.department
        names = [h.name for h in self.headings if h.name]
        return max(set(names), key=names.count) if names else self.stated_department

    @property
    def year(self) -> int | None:
        """The report year: the cover's, else the one most headings state, else the one the
        opening states (None when none: the checks of years are then not evaluated)."""
        if self.cover.year:
            return self.cover.year
        years = [h.year for h in self.headings if h.year]
        return max(set(years), key=years.count) if years else self.stated_year

    def table(self, number: int) -> LocatedTable | None:
        for t in self.tables:
            if t.number == number:
                return t
        return None

    def section_of(self, line: int | None) -> str | None:
        """The heading or table title a line stands under."""
        if line is None:
            return None
        # markers are sorted by line: a binary search, as every finding asks
        index = bisect_right(self.markers, line, key=lambda marker: marker[0])
        return self.markers[index - 1][1] if index else None

    def body_lines(self) -> Iterator[Line]:
        for block in self.source.blocks[self.start:]:
            if isinstance(block, Line):
                yield block


# --- recognition ---------------------------------------------------------------------------


class _Blocks:
    """The blocks with helpers to join wrapped lines."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.blocks = blocks
        self._joined: dict[tuple[int, int], tuple[str, str] | None] = {}

    def line(self, i: int) -> Line | None:
        if 0 <= i < len(self.blocks):
            block = self.blocks[i]
            if isinstance(block, Line):
                return block
        return None

    def joined(self, i: int, k: int) -> tuple[str, str] | None:
        """(compact, as printed) of the k lines from block i, or None unless all are lines."""
        key = (i, k)
        if key not in self._joined:  # asked for again and again by each kind of heading
            self._joined[key] = self._join(i, k)
        return self._joined[key]

    def _join(self, i: int, k: int) -> tuple[str, str] | None:
        parts = []
        for j in range(i, i + k):
            block = self.line(j)
            if block is None:
                return None
            parts.append(block.text)
        return compact("".join(parts)), "".join(p.strip() for p in parts)

    def place(self, i: int, k: int = 1) -> Place:
        block = self.blocks[i]
        joined = self.joined(i, k)
        text = joined[1] if joined else (block.text if isinstance(block, Line) else "")
        return Place(i, block.line, block.page, text, i + k - 1)


def _cover(b: _Blocks) -> tuple[int, Cover]:
    limit = min(len(b.blocks), _COVER_BLOCKS)
    for i in range(limit):
        for k in range(1, _COVER_LINES + 1):
            joined = b.joined(i, k)
            if joined is None:
                break
            text = joined[0]
            m = _NAME_YEAR.match(text)
            if m and m.group("what") in (None, "公开", "报告") and _NAME_CHARS.match(m.group("name")):
                return i, Cover(_PAGE_FIELDS.sub("", m.group("name")) or None, int(m.group("year")), b.place(i, k))
            m = _YEAR_NAME.match(text)
            if m and _NAME_CHARS.match(m.group("name")):
                return i, Cover(_PAGE_FIELDS.sub("", m.group("name")) or None, int(m.group("year")), b.place(i, k))
    return 0, Cover(None, None, None)


# A year followed within a clause by 决算: "2019年度决算公开报告", "2017年部门决算“三公”经费公开",
# "2023年黔东南州机关事务管理局本级部门决算公开说明", "2022年度部门决算报表". Not a date (2021年10月)
# or a document number (〔2020〕). Calibrated on the openings of tests/fixtures/real (their truth
# years; benchmarks/corpus_score.py).
_STATED_YEAR = re.compile(r"(?<![\d〔\[(（])((?:19|20)\d{2})\s*年度?(?![\d一二三四五六七八九十〇]+月)[^。，,；;:：]{0,40}?决算(?!批复)")
# lines of the opening read for it
_STATED_YEAR_BLOCKS = 30


# A unit named beside the year in a title-like line: "徐闻县食品药品监督管理局2017年部门决算…",
# "2019年普洱市审计局(本级)“三公”经费决算情况说明". The name must end as an organisation's does.
# Calibrated on the openings of tests/fixtures/real (benchmarks/corpus_score.py: 单位认对).
_ORGANISATION = r"[\u4e00-\u9fff（）()]{2,40}?(?:局|委员会|委|办公室|办公厅|办|院|所|中心|政府|中学|小学|大学|学校|学院|厅|站|队|馆|室|部|处|社|会|分局|共体)(?:[（(]本级[)）])?"
_NAME_BEFORE_YEAR = re.compile(rf"(?P<name>{_ORGANISATION})\s*(?:19|20)\d{{2}}\s*年度?\s*(?:部门|单位)?(?:决算|一般公共预算|“三公”|\"三公\"|财政拨款)")
_NAME_AFTER_YEAR = re.compile(rf"(?:19|20)\d{{2}}\s*年度?\s*(?P<name>{_ORGANISATION})\s*(?:部门|单位)?(?:决算|一般公共预算|“三公”|\"三公\"|财政拨款)")


def _stated_department(b: _Blocks) -> str | None:
    """The unit the first title-like line of the opening names with a year (see _NAME_BEFORE_YEAR)."""
    for block in b.blocks[:_STATED_YEAR_BLOCKS]:
        if not isinstance(block, Line):
            continue
        text = compact(block.text)
        m = _NAME_BEFORE_YEAR.search(text) or _NAME_AFTER_YEAR.search(text)
        if m is not None:
            return _department(m.group("name"))
    return None


def _stated_year(b: _Blocks) -> int | None:
    """The first year a line of the opening states with 决算 (see _STATED_YEAR)."""
    for block in b.blocks[:_STATED_YEAR_BLOCKS]:
        if isinstance(block, Line) and (m := _STATED_YEAR.search(block.text)):
            return int(m.group(1))
    return None


def _part_heading(b: _Blocks, i: int) -> tuple[Heading, int] | None:
    """A 第N部分 heading at block i, joined with the lines it wraps onto; (heading, lines)."""
    first = b.joined(i, 1)
    if first is None or not _PART.match(first[0]):
        return None
    chosen = 1
    previous = first[0]
    for k in range(2, _PART_LINES + 1):
        joined = b.joined(i, k)
        if joined is None or part_complete(previous):
            break
        tail = joined[0][len(previous):]
        if _PART.match(tail) or _ORDINAL_ITEM.match(tail) or len(tail) > _PART_TAIL_CHARS:
            break
        if part_complete(joined[0]):
            chosen = k
            break
        previous = joined[0]
    text = b.joined(i, chosen)
    assert text is not None
    m = _PART.match(text[0])
    assert m is not None
    rest = m.group(2)
    name, year = named(rest)
    return Heading("part", chinese_int(m.group(1)), rest, b.place(i, chosen), name, year), chosen


# Words that stand where a heading could name the department but do not name one.
GENERIC_NAMES = frozenset({"部门", "单位", "本部门", "本单位", "部门基本", "单位基本", "基本"})


# The fields of a government site's page header that run into a cover when its text is taken
# whole ("责任部门西夏区政府办公室公开方式主动公开银川市西夏区人民政府办公室"): the name is what follows
# the last of them (tests/fixtures/real/ningxia-2018-xixia-zfb, zhejiang-2021-yongkang-yiyuan).
_PAGE_FIELDS = re.compile(r"^.*(?:主动公开|依申请公开|面向全社会|公开范围|公开方式|有效性|责任部门)")


def _department(name: str | None) -> str | None:
    if name:
        name = _PAGE_FIELDS.sub("", name)
    if not name or name in GENERIC_NAMES or not _NAME_CHARS.match(name):
        return None
    return name


def named(text: str) -> tuple[str | None, int | None]:
    """The department and year a heading states: …2024年度部门决算表, …概况."""
    m = _NAME_YEAR.match(text)
    if m:
        return _department(m.group("name")), int(m.group("year"))
    m = _OVERVIEW.match(text)
    if m:
        return _department(m.group("name")), None
    return None, None


def _tableset_heading(b: _Blocks, i: int) -> tuple[Heading, int] | None:
    """A heading such as 上海市XX局2024年度部门决算表 without 第二部分 (possibly wrapped)."""
    for k in range(1, _TABLESET_LINES + 1):
        joined = b.joined(i, k)
        if joined is None:
            return None
        m = _NAME_YEAR.match(joined[0])
        if m and m.group("what") == "表" and (not m.group("name") or _NAME_CHARS.match(m.group("name"))):
            return Heading("tableset", 2, joined[0], b.place(i, k), _department(m.group("name")),
                           int(m.group("year"))), k
    return None


def _title(b: _Blocks, i: int) -> tuple[TableTitle, int] | None:
    """A table title at block i, on one line or wrapped over up to three."""
    for k in range(1, _TITLE_LINES + 1):
        joined = b.joined(i, k)
        if joined is None or len(joined[0]) > _TITLE_CHARS:
            return None
        if k > 1:
            # a wrapped title: the first line alone is not a title and is short
            first = b.joined(i, 1)
            if first is None or len(first[0]) > _WRAPPED_TITLE_FIRST_CHARS:
                return None
        found = match_title(joined[0])
        if found is not None:
            return TableTitle(found[0], found[1], b.place(i, k)), k
    return None


def _followed_by_table(b: _Blocks, i: int) -> bool:
    for j in range(i + 1, min(i + 1 + _TABLE_FOLLOWS_LINES, len(b.blocks))):
        block = b.blocks[j]
        if isinstance(block, Grid):
            return True
        if _UNIT.search(compact(block.text)):
            return True
    return False


def _typo(b: _Blocks, i: int) -> TableTitle | None:
    joined = b.joined(i, 1)
    if joined is None or not _TYPO_MIN_CHARS <= len(joined[0]) <= _TYPO_MAX_CHARS or _UNIT.search(joined[0]):
        return None
    if not _followed_by_table(b, i):
        return None
    best = closest_title(joined[0])
    if best is None or best[2] < TYPO_THRESHOLD:
        return None
    return TableTitle(best[0], best[1], b.place(i), typo=True, ratio=best[2])


def _toc(b: _Blocks, start: int) -> tuple[Place | None, int]:
    """The 目录 heading after the cover: (its place, the block after it)."""
    for i in range(start, min(start + _TOC_SEARCH_BLOCKS, len(b.blocks))):
        for k in range(1, _TOC_HEADING_LINES + 1):
            joined = b.joined(i, k)
            if joined is not None and joined[0] in ("目录", "目次"):
                return b.place(i, k), i + k
    return None, start


def _toc_entries(b: _Blocks, begin: int) -> tuple[list[TocEntry], int]:
    """目录 entries from ``begin`` until the body starts; (entries, body start)."""
    entries: list[TocEntry] = []
    seen_parts: set[int] = set()
    part: int | None = None
    i = begin
    while i < len(b.blocks):
        block = b.blocks[i]
        if isinstance(block, Grid):
            return entries, i
        heading = _part_heading(b, i)
        if heading is not None:
            h, k = heading
            if h.number in seen_parts:
                return entries, i
            if h.number is not None:
                seen_parts.add(h.number)
            part = h.number
            entries.append(TocEntry("part", h.number, h.text, part, h.place))
            i += k
            continue
        if entries and _PAGE_NUMBER.match(compact(block.text)):
            i += 1  # the footer of a 目录 that runs over a page
            continue
        text = _TOC_PAGE.sub("", compact(block.text))
        if entries and part is not None and _title(b, i) is not None and not _ORDINAL_ITEM.match(text):
            return entries, i  # a bare table title: the tables begin, there was no repeat
        if entries and _SUB_ITEM.match(text) and len(text) <= _TOC_ITEM_CHARS:
            i += 1  # a 目录 that lists the subsections too: （一）…, 1、…
            continue
        m = _ORDINAL_ITEM.match(text)
        if m:
            entry = TocEntry("item", chinese_int(m.group(1)), m.group(2), part, b.place(i))
            entries.append(entry)
        elif entries and entries[-1].kind == "item" and len(text) <= _TOC_WRAP_CHARS \
                and len(entries[-1].text) <= _TOC_ITEM_CHARS:
            last = entries[-1]  # an entry wrapped onto this line (while it is as short as one)
            place = Place(last.place.block, last.place.line, last.place.page,
                          last.place.text + block.text.strip(), i)
            entries[-1] = TocEntry("item", last.number, last.text + text, last.part, place)
        elif not entries:
            return entries, i
        else:
            return entries, i
        i += 1
    return entries, i


_PUBLIC_TABLES = 9


def _toc_title_typos(entries: list[TocEntry]) -> list[TableTitle]:
    """Entries of the tables part that resemble a title without matching one."""
    typos: list[TableTitle] = []
    table_parts = {e.part for e in entries if e.kind == "item" and match_title(e.text)}
    for e in entries:
        if e.kind != "item" or e.part not in table_parts or match_title(e.text):
            continue
        if e.number is not None and e.number > _PUBLIC_TABLES:
            continue  # 十、十一、…: a table of the region's own template, not one of the nine
        best = closest_title(e.text)
        if best is not None and best[2] >= TYPO_THRESHOLD:
            typos.append(TableTitle(best[0], best[1], e.place, typo=True, ratio=best[2]))
    exact = {found[0] for e in entries if e.kind == "item" and (found := match_title(e.text))}
    return [t for t in typos if t.number not in exact]


def _section(text: str) -> tuple[int | None, str] | None:
    m = _ORDINAL_ITEM.match(text)
    if not m or len(m.group(2)) > _SECTION_CHARS or text.endswith(("。", "；", "，")):
        return None
    body = m.group(2)
    if "：" in body or ":" in body:
        return None
    return chinese_int(m.group(1)), body


def recognise(source: SourceDocument) -> Structure:
    """Find the cover, 目录, parts, sections and tables of a report."""
    b = _Blocks(source.blocks)
    start, cover = _cover(b)
    body_from = cover.place.end + 1 if cover.place else start
    toc_place, toc_begin = _toc(b, body_from)
    toc: list[TocEntry] = []
    toc_typos: list[TableTitle] = []
    if toc_place is not None:
        toc, body_start = _toc_entries(b, toc_begin)
        toc_typos = _toc_title_typos(toc)
    else:
        body_start = body_from

    headings: list[Heading] = []
    titles: list[tuple[TableTitle, int, int | None]] = []  # title, first block after it, part
    boundaries: list[int] = []  # blocks where a table's range ends at the latest
    part: int | None = None
    tables_part = False  # the current part is the one with the tables (…决算表)
    i = body_start
    while i < len(b.blocks):
        block = b.blocks[i]
        if isinstance(block, Grid):
            i += 1
            continue
        found_part = _part_heading(b, i)
        if found_part is not None:
            h, k = found_part
            headings.append(h)
            boundaries.append(i)
            part = h.number
            tables_part = h.text.endswith("表")
            i += k
            continue
        found_set = _tableset_heading(b, i)
        if found_set is not None:
            h, k = found_set
            headings.append(h)
            boundaries.append(i)
            part, tables_part = 2, True
            i += k
            continue
        text = compact(block.text)
        section = _section(text) if part is not None and not tables_part else None
        if section is not None and not match_title(text):
            headings.append(Heading("section", section[0], section[1], b.place(i), part=part))
            boundaries.append(i)
            i += 1
            continue
        found_title = _title(b, i)
        if found_title is not None:
            title, k = found_title
            titles.append((title, i + k, part))
            boundaries.append(i)
            i += k
            continue
        typo = _typo(b, i)
        if typo is not None:
            titles.append((typo, i + 1, part))
            boundaries.append(i)
        i += 1

    headings += _headings_above_titles(b, titles)
    headings.sort(key=lambda h: h.place.block)
    exact = {title.number for title, _, _ in titles if not title.typo}
    # a line resembling a title whose table is printed under its exact title elsewhere is
    # another table (e.g. Beijing's 政府性基金预算财政拨款基本支出决算表), not a typo
    kept = [(title, after) for title, after, _ in titles if not (title.typo and title.number in exact)]
    boundaries.sort()
    tables = tuple(_located(b, title, after, boundaries) for title, after in kept)
    toc_parts = {e.number for e in toc if e.kind == "part"}
    toc_items = {(e.part, e.number) for e in toc if e.kind == "item"}
    headings = [
        replace(h, in_toc=(h.kind in ("part", "tableset") and h.number in toc_parts)
                or (h.kind == "section" and (h.part, h.number) in toc_items))
        for h in headings
    ]
    markers = sorted(
        [(h.place.line or 0, _label(h)) for h in headings]
        + [(t.title.place.line or 0, f"表{t.number} {t.title.official}") for t in tables]
    )
    return Structure(source, start, cover, tuple(toc), toc_place, body_start, tuple(headings),
                     tables, tuple(toc_typos), tuple(markers), _stated_year(b), _stated_department(b))


def _headings_above_titles(b: _Blocks, titles: list[tuple[TableTitle, int, int | None]]) -> list[Heading]:
    """The titles that are a section heading standing right above the table's own title.

    Reports put a heading in the 目录's words (“一、收入支出决算总表”) above the table's
    caption or title row (“表1 收入支出决算总表”): two titles of one table, in one part,
    with at most a few lines and no grid between them. The first is the heading; the
    table is under the second. Those titles are removed from ``titles`` and returned as
    headings of their part.
    """
    headings: list[Heading] = []
    index = 0
    while index + 1 < len(titles):
        title, after, part = titles[index]
        following, _, following_part = titles[index + 1]
        between = b.blocks[after:following.place.block]
        if (following.number != title.number or following_part != part
                or len(between) > _HEADING_GAP or any(isinstance(block, Grid) for block in between)):
            index += 1
            continue
        text = compact(title.place.text)
        m = _ORDINAL_ITEM.match(text)
        number = chinese_int(m.group(1)) if m else None
        headings.append(Heading("section", number, m.group(2) if m else text, title.place, part=part))
        del titles[index]
    return headings


# lines between a table's heading and its title (a unit line, a wrapped line); calibrated on
# test_audit_structure.py::test_a_heading_above_the_table_title_is_no_second_title
_HEADING_GAP = 3


def _label(h: Heading) -> str:
    if h.kind == "part" and h.number is not None:
        return f"第{chinese_number(h.number)}部分 {h.text}".strip()
    if h.kind == "section" and h.number is not None:
        return f"{chinese_number(h.number)}、{h.text}"
    return h.text


def _located(b: _Blocks, title: TableTitle, after: int, boundaries: list[int]) -> LocatedTable:
    """The table under ``title``, up to the next boundary (``boundaries`` sorted)."""
    index = bisect_left(boundaries, after)
    end = (boundaries[index] if index < len(boundaries) else len(b.blocks)) - 1
    grids: list[Grid] = []
    lines: list[tuple[int, Line]] = []
    for j in range(after, end + 1):
        block = b.blocks[j]
        if isinstance(block, Grid):
            grids.append(block)
        else:
            lines.append((j, block))
    unit, unit_place = None, None
    candidates = [(title.place.block, title.place.text), *((j, line.text) for j, line in lines)]
    for j, text in candidates:
        m = _UNIT.search(compact(text))
        if m:
            unit, unit_place = m.group(1), b.place(j)
            break
    if unit is None and grids:
        grid = grids[0]
        cells = [cell for row in grid.rows[:_UNIT_HEADER_ROWS] for cell in row]
        for cell in cells:
            m = _UNIT.search(compact(cell))
            if m:
                unit = m.group(1)
                unit_place = Place(after, grid.line, grid.page, cell, after)
                break
    last_grid = max((j for j in range(after, end + 1) if isinstance(b.blocks[j], Grid)),
                    default=-1)
    notes = tuple(
        line for j, line in lines
        if j > last_grid
        and (compact(line.text).startswith(("注", "说明", "备注")) or "无数据" in line.text)
    )
    return LocatedTable(title, unit, unit_place, tuple(grids), notes,
                        tuple(line for _, line in lines), end)
