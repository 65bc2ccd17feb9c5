"""Checks of a published report as read: completeness, official names, units, and what
could not be read. The 勾稽关系 of its tables are the table rules (T1.a … X13), run on
the TableSet read from the report; these rules judge the rest of the document.

Every rule reads an :class:`AuditSubject` — the source document, the structure
recognised in it and the tables read from it — and says where (page, line, section,
the quoted text) each finding is. None is tuned to a particular report: each decides
by the general condition stated in its description (see also docs/audit.md).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from juesuan.audit.claim_words import COMPARISON_WORDS, DOWN, UP
from juesuan.audit.numbering import numbering_problems
from juesuan.audit.source import Grid, Line, SourceDocument
from juesuan.audit.structure import (
    Heading,
    Place,
    Structure,
    TableTitle,
    TocEntry,
    closest_text,
    compact,
    match_title,
    named,
    similarity,
    title_key,
)
from juesuan.audit.tables import TABLE_UNITS, TableReading
from juesuan.rules.finding import Location, Severity
from juesuan.rules.registry import Report, Rule, rule
from juesuan.tables.layout import chinese_number

TEMPLATE = "上海区级部门决算模板2024（附件2）"
DOMAIN = "domain.md"


@dataclass(frozen=True)
class UnitConflict:
    """A table whose printed unit its figures contradict: they fit the other tables in ``fits``."""

    table: int
    printed: str
    fits: str


@dataclass(frozen=True)
class AuditSubject:
    """What the audit rules read."""

    source: SourceDocument
    structure: Structure
    reading: TableReading
    unit_conflicts: tuple[UnitConflict, ...] = ()

    def at(self, line: int | None, page: int | None, quote: str | None, *,
           table: int | None = None, row: str | None = None, column: str | None = None,
           section: str | None = None) -> Location:
        return Location(table=table, row=row, column=column, file=self.source.path, line=line,
                        page=page, section=section or self.structure.section_of(line),
                        quote=quote)

    def at_place(self, place: Place, *, table: int | None = None, section: str | None = None) -> Location:
        return self.at(place.line, place.page, place.text, table=table, section=section)


def _heading_lines(s: Structure) -> set[int]:
    """Lines that belong to the cover, the 目录, headings and table titles."""
    lines: set[int] = set()
    blocks = s.source.blocks

    def add(place: Place | None) -> None:
        if place is None:
            return
        for block in blocks[place.block: place.end + 1]:
            if isinstance(block, Line):
                lines.add(block.line)

    add(s.cover.place)
    if s.toc_place is not None:
        for block in blocks[s.toc_place.block: s.body_start]:
            if isinstance(block, Line):
                lines.add(block.line)
    for h in s.headings:
        add(h.place)
    for t in s.tables:
        add(t.title.place)
    return lines


class _Text:
    """The report's running text, joined without whitespace, with the line of each character."""

    def __init__(self, lines: list[Line]) -> None:
        parts: list[str] = []
        self.starts: list[int] = []
        self.lines = lines
        offset = 0
        for line in lines:
            text = compact(line.text)
            self.starts.append(offset)
            parts.append(text)
            offset += len(text)
        self.text = "".join(parts)

    def line_at(self, pos: int) -> Line:
        return self.lines[bisect_right(self.starts, pos) - 1]


# --- names -------------------------------------------------------------------------------


def _heading_names(s: Structure) -> list[tuple[str, str | None, int | None, Place]]:
    """(what, name, year, place) of the cover, the 目录's part entries and the body headings."""
    out: list[tuple[str, str | None, int | None, Place]] = []
    for e in s.toc:
        if e.kind == "part":
            name, year = named(e.text)
            out.append(("目录", name, year, e.place))
    for h in s.headings:
        if h.kind in ("part", "tableset"):
            out.append(("标题", h.name, h.year, h.place))
    return out


@rule("A.department-name", "部门名称前后一致", severity=Severity.ERROR, scope="audit",
      description="封面、目录和各部分标题（第一部分…概况、…年度部门决算表、…年度部门决算情况说明）中的部门名称"
      "须与封面完全一致，否则为错误（如标题漏写“普陀区”）。正文中与封面名称高度相似（相似度≥0.85）但不相同的写法"
      "（如“规划和自然资源局”写成“规划与自然资源局”）报警告；省略上级行政区的简称（如“普陀区财政局”）不报。"
      "封面上认不出部门名称时报警告。",
      reference=f"{DOMAIN} §3.2 X13；GovBudgetChecker R006")
def department_name(subject: AuditSubject, report: Report) -> None:
    s = subject.structure
    expected = s.cover.department
    if expected is None:
        report.fail("未能从封面认出部门名称（应为“XX部门XXXX年度部门决算”式样），以下按标题中的名称核对",
                    subject.at(None, None, None), expected="封面：部门名称和年度", found="未找到",
                    severity=Severity.WARNING)
        expected = s.department
        if expected is None:
            return
    want = compact(expected)
    for what, name, _, place in _heading_names(s):
        if name and compact(name) != want:
            report.fail(f"{what}中的部门名称“{name}”与封面“{expected}”不一致", subject.at_place(place),
                        expected=expected, found=name)
    skip = _heading_lines(s)
    lines = [line for line in s.body_lines() if line.line not in skip]
    text = _Text(lines)
    for where, mention in _near_names(text.text, want):
        line = text.line_at(where)
        report.fail(f"部门名称写作“{mention}”，与封面“{expected}”不一致",
                    subject.at(line.line, line.page, line.text), expected=expected, found=mention,
                    severity=Severity.WARNING)


def _near_names(text: str, name: str) -> list[tuple[int, str]]:
    """Mentions that resemble ``name`` (same first and last character, similar) but differ."""
    n = len(name)
    found: list[tuple[int, str]] = []
    if n < 4:
        return found
    pos = text.find(name[0])
    while pos != -1:
        if text.startswith(name, pos):
            pos = text.find(name[0], pos + n)
            continue
        best: tuple[str, float] | None = None
        for m in range(max(4, n - 4), n + 3):
            window = text[pos: pos + m]
            if len(window) < m:
                break
            if window[-1] != name[-1] or name in window:
                continue
            ratio = similarity(window, name)
            if best is None or ratio > best[1]:
                best = (window, ratio)
        if best is not None and best[1] >= 0.85:
            found.append((pos, best[0]))
            pos = text.find(name[0], pos + len(best[0]))
        else:
            pos = text.find(name[0], pos + 1)
    return found


# "县政府办2019度部门决算批复" (tests/fixtures/real/hainan-2019-lingshui-zfb); not 2019度量
_YEAR_WITHOUT_NIAN = re.compile(r"(?<![\d年])((?:19|20)\d{2})度(?![量数])")


@rule("A.year", "决算年度前后一致", severity=Severity.ERROR, scope="audit",
      description="目录和各部分标题中写明的年度（…2024年度部门决算表、…2024年度部门决算情况说明）须与封面年度一致；"
      "封面上认不出年度时报警告；“2019度”漏写“年”报警告。正文中的日期（如“截至…12月31日”）由情况说明数字核对（claims）检查。",
      reference=f"{DOMAIN} §3.2 X13；GovBudgetChecker V33-001")
def year(subject: AuditSubject, report: Report) -> None:
    s = subject.structure
    for line in s.source.lines():
        for m in _YEAR_WITHOUT_NIAN.finditer(compact(line.text)):
            report.fail(f"“{m.group(0)}”漏写“年”，应为“{m.group(1)}年度”", subject.at(line.line, line.page, line.text),
                        expected=f"{m.group(1)}年度", found=m.group(0), severity=Severity.WARNING)
    expected = s.cover.year
    if expected is None:
        report.fail("未能从封面认出决算年度", subject.at(None, None, None), expected="封面：XXXX年度部门决算",
                    found="未找到", severity=Severity.WARNING)
        expected = s.year
        if expected is None:
            return
    for what, _, stated, place in _heading_names(s):
        if stated is not None and stated != expected:
            report.fail(f"{what}中的年度“{stated}年度”与封面“{expected}年度”不一致", subject.at_place(place),
                        expected=f"{expected}年度", found=f"{stated}年度")


# --- titles, order and 目录 --------------------------------------------------------------


@rule("A.title-typo", "表名与规定名称一致", severity=Severity.ERROR, scope="audit",
      description="九张公开表的表名须为规定名称之一（忽略空格和引号；接受各年度、各地模板的写法，如表9"
      "“国有资本经营预算财政拨款（收入）支出决算表”）。一行文字与某个规定表名相似（相似度≥0.75）、后面紧跟表格或"
      "“单位：”行、却与任何规定表名都不相同时，视为表名错字（错误）；目录中的表名只错一个汉字的为错误，"
      "其他与规定表名相似而不同的报警告（各地模板在目录中列出的其他表名称相近，不足以断定为错字）；"
      "目录条目只是规定表名在行末截断、少了末尾的“表”字、多了“总”字或换了连接词（“、”与“及”）的，是写法不同，只作提示。",
      reference=f"{DOMAIN} §1.3、§2；{TEMPLATE}")
def title_typo(subject: AuditSubject, report: Report) -> None:
    s = subject.structure
    for t in s.tables:
        if t.title.typo:
            report.fail(f"表{t.number}的表名“{t.title.place.text}”与规定名称“{t.title.official}”不一致",
                        subject.at_place(t.title.place, table=t.number), expected=t.title.official,
                        found=t.title.place.text)
    for typo in s.toc_typos:
        # one character for another (收入决箅表) is a typo; anything else may be another table of
        # a region's template with a like name (…“三公”经费、会议费、培训费支出决算表)
        report.fail(f"目录中的表名“{typo.place.text}”与规定名称“{typo.official}”不一致",
                    subject.at_place(typo.place, section="目录"), expected=typo.official,
                    found=typo.place.text, severity=None if _one_character_off(typo) else
                    Severity.INFO if _worded_otherwise(typo) else Severity.WARNING)


def _worded_otherwise(title: TableTitle) -> bool:
    """Whether a 目录 entry is the title it resembles cut at the line's end (一般公共预算财政拨),
    without its last 表 (…基本支出决算明细), with 总 added (收入决算总表) or another connective
    (“三公”经费、会议费 for “三公”经费及会议费): the entry's wording
    (tests/fixtures/real: jiangxi-2022-donghua-ligong, xizang-2020-czt, shandong-2015-qingdao-zhengxie)."""
    printed = closest_text(title.place.text)  # without its ordinal
    official = closest_text(title.official)
    return bool(printed) and (official.startswith(printed) or printed.replace("总表", "表") == official
                              or _CONNECTIVES.sub("", printed) == _CONNECTIVES.sub("", official))


_CONNECTIVES = re.compile(r"[、及和与]")  # 经费、会议费 for 经费及会议费: the same list


def _one_character_off(title: TableTitle) -> bool:
    """Whether a 目录 entry differs from the title it resembles by one Chinese character put
    for another (not a punctuation mark, not a character more or less)."""
    printed = closest_text(title.place.text)
    official = closest_text(title.official)
    if len(printed) != len(official):
        return False
    differ = [(a, b) for a, b in zip(printed, official, strict=True) if a != b]
    return len(differ) == 1 and all("\u4e00" <= ch <= "\u9fff" for ch in differ[0])


@rule("A.table-order", "公开表按顺序各出现一次", severity=Severity.WARNING, scope="audit",
      description="九张表应按表1至表9的顺序各公开一次：同一张表出现两次，或排在编号更大的表之后，报警告"
      "（只读第一次出现的那张）。缺表由 X13 报告。",
      reference=f"{DOMAIN} §3.2 X13；{TEMPLATE}")
def table_order(subject: AuditSubject, report: Report) -> None:
    seen: dict[int, Place] = {}
    highest = 0
    for t in subject.structure.tables:
        place = t.title.place
        if t.number in seen:
            first = seen[t.number]
            report.fail(f"表{t.number}“{t.title.official}”出现两次（第{first.line}行和第{place.line}行），只读第一张",
                        subject.at_place(place, table=t.number), expected="出现一次", found="出现两次")
            continue
        seen[t.number] = place
        if t.number < highest:
            report.fail(f"表{t.number}“{t.title.official}”排在表{highest}之后", subject.at_place(place, table=t.number),
                        expected=f"表{t.number}在表{highest}之前", found=f"表{t.number}在表{highest}之后")
        highest = max(highest, t.number)


def _toc_parts(s: Structure) -> tuple[set[int], set[int]]:
    """The 目录 parts listing the tables and those listing sections."""
    table_parts = {e.part for e in s.toc if e.kind == "item" and e.part is not None and match_title(e.text)}
    other = {e.part for e in s.toc if e.kind == "item" and e.part is not None} - table_parts
    return table_parts, other


def _same_words(a: str, b: str) -> bool:
    return title_key(a) == title_key(b)


def _close_words(a: str, b: str) -> bool:
    ka, kb = title_key(a), title_key(b)
    return ka.startswith(kb) or kb.startswith(ka) or similarity(ka, kb) >= 0.6


@rule("A.toc-mismatch", "目录与正文一致", severity=Severity.ERROR, scope="audit",
      description="目录列出的每一部分、每张表、每一节（按序号对应）正文中都须有：找不到为错误；正文有而目录没有的"
      "部分、表、节报警告；序号相同而措辞不同的标题，措辞接近（相似度≥0.6 或一方包含另一方，如“其他重要事项说明”"
      "与“其他重要事项的情况说明”）报提示，相差较大报警告。正文的“XX年度部门决算表”标题（无“第二部分”字样）"
      "视作第二部分。没有目录时报提示。",
      reference=f"{TEMPLATE}（目录）")
def toc_mismatch(subject: AuditSubject, report: Report) -> None:
    s = subject.structure
    if not s.toc:
        report.fail("未找到目录", subject.at(None, None, None), expected="目录", found="无",
                    severity=Severity.INFO)
        return
    body_parts = {h.number: h for h in s.headings if h.kind in ("part", "tableset")}
    toc_parts = {e.number: e for e in s.toc if e.kind == "part"}
    for number, entry in toc_parts.items():
        if number not in body_parts:
            report.fail(f"目录列出“{entry.place.text}”，正文中没有这一部分", subject.at_place(entry.place, section="目录"),
                        expected=entry.text, found="无")
    for number, h in body_parts.items():
        if number not in toc_parts:
            report.fail(f"正文的“{h.place.text}”不在目录中", subject.at_place(h.place), expected="列入目录",
                        found="目录中无", severity=Severity.WARNING)
    table_parts, section_parts = _toc_parts(s)
    located = {t.number for t in s.tables}
    listed: set[int] = set()
    for e in s.toc:
        if e.kind != "item" or e.part not in table_parts:
            continue
        found = match_title(e.text)
        if found is None:
            continue  # a typo of a title (A.title-typo) or a table outside the nine
        listed.add(found[0])
        if found[0] not in located:
            report.fail(f"目录列出“{e.place.text}”，正文中没有这张表", subject.at_place(e.place, section="目录"),
                        expected=e.text, found="无", )
    listed |= {t.number for t in s.toc_typos}
    if table_parts:
        for t in s.tables:
            if t.number not in listed:
                report.fail(f"正文中的表{t.number}“{t.title.official}”不在目录中", subject.at_place(t.title.place),
                            expected="列入目录", found="目录中无", severity=Severity.WARNING)
    sections = [h for h in s.headings if h.kind == "section"]
    for e in s.toc:
        if e.kind != "item" or e.part not in section_parts:
            continue
        _compare_section(subject, report, e, [h for h in sections if h.part == e.part])
    for h in sections:
        if h.part in section_parts and not any(
                e.kind == "item" and e.part == h.part and e.number == h.number for e in s.toc):
            report.fail(f"正文的“{h.place.text}”不在目录中", subject.at_place(h.place), expected="列入目录",
                        found="目录中无", severity=Severity.WARNING)


def _compare_section(subject: AuditSubject, report: Report, e: TocEntry, body: list[Heading]) -> None:
    same = [h for h in body if h.number == e.number]
    if not same:
        part = f"第{chinese_number(e.part)}部分" if e.part else ""
        report.fail(f"目录列出{part}“{e.place.text}”，正文中没有这一节", subject.at_place(e.place, section="目录"),
                    expected=e.text, found="无")
        return
    h = same[0]
    if _same_words(h.text, e.text):
        return
    close = _close_words(h.text, e.text)
    report.fail(f"目录“{e.place.text}”与正文标题“{h.place.text}”措辞不同", subject.at_place(h.place),
                expected=e.text, found=h.text, severity=Severity.INFO if close else Severity.WARNING)


# --- notes, units, data ------------------------------------------------------------------

_EMPTY_NOTE = re.compile(r"无数据|没有|无[^，。；]{0,40}(收入|支出)")
FUND_WORDS = {7: "三公", 8: "政府性基金", 9: "国有资本经营"}


@rule("A.empty-table-note", "空表说明与表内容一致", severity=Severity.WARNING, scope="audit",
      description="没有任何数字的“三公”经费表（表7）须在表下说明原因（如“本年度没有财政拨款‘三公’经费支出，"
      "故本表无数据”），否则报警告（表8、表9 的空表说明由 T8.b 检查）；表下说明称“本表无数据”而表中有数字为错误；"
      "表7–表9 的空表说明提到别的资金（如表8 的说明写“国有资本经营”）报警告。",
      reference=f"{TEMPLATE}（表8、表9 下的说明）；{DOMAIN} §3.1 T8/T9.b")
def empty_table_note(subject: AuditSubject, report: Report) -> None:
    r = subject.reading
    for t in r.tables.tables:
        located = subject.structure.table(t.number)
        place = located.title.place if located else None
        notes = [compact(n) for n in t.notes]
        empty_notes = [n for n in notes if _EMPTY_NOTE.search(n)]
        loc = subject.at_place(place, table=t.number) if place else Location(table=t.number)
        if not t.empty and any("无数据" in n for n in notes):
            note = next(n for n in t.notes if "无数据" in compact(n))
            report.fail(f"表{t.number}中有数字，但表下说明称本表无数据", _note_at(subject, t.number, note, loc),
                        expected="说明与表内容一致", found=note, severity=Severity.ERROR)
        if t.number == 7 and t.empty and not empty_notes:
            report.fail("表7“三公”经费表没有任何数字，表下也没有说明（如“本年度没有财政拨款‘三公’经费支出，故本表无数据”）",
                        loc, expected="空表说明", found="无说明")
        word = FUND_WORDS.get(t.number)
        if word and t.empty:
            for note in empty_notes:
                others = [w for n, w in FUND_WORDS.items() if n != t.number and w in note]
                if word not in note and others:
                    printed = next(n for n in t.notes if compact(n) == note)
                    report.fail(f"表{t.number}的空表说明讲的是“{others[0]}”，不是本表的“{word}”",
                                _note_at(subject, t.number, printed, loc), expected=f"说明{word}", found=printed)


def _note_at(subject: AuditSubject, table: int, note: str, fallback: Location) -> Location:
    located = subject.structure.table(table)
    if located is not None:
        for line in located.notes:
            if line.text == note:
                return subject.at(line.line, line.page, line.text, table=table)
    return fallback


@rule("A.unit", "金额单位", severity=Severity.ERROR, scope="audit",
      description="每张表应注明金额单位（“单位：万元”或“单位：元”）。未注明的按其他表的单位读取并报提示；"
      "单位无法识别（不是万元、元、千元、亿元）为错误；某张表注明的单位与其余各表不同，而按其余各表的单位读，"
      "表间勾稽错误更少（即数字其实是另一单位）时，为单位标注错误。",
      reference=f"{TEMPLATE}（单位：万元）；GovBudgetChecker R001")
def unit(subject: AuditSubject, report: Report) -> None:
    seen: set[int] = set()
    for t in subject.structure.tables:
        if t.number in seen:
            continue
        seen.add(t.number)
        used = subject.reading.units.get(t.number, "万元")
        loc = subject.at_place(t.title.place, table=t.number)
        if t.unit is None:
            report.fail(f"表{t.number}“{t.title.official}”未注明金额单位，按{used}读取", loc,
                        expected="单位：万元", found="未注明", severity=Severity.INFO)
        elif t.unit not in TABLE_UNITS:
            where = subject.at_place(t.unit_place, table=t.number) if t.unit_place else loc
            report.fail(f"表{t.number}的金额单位“{t.unit}”无法识别，按{used}读取", where,
                        expected="万元或元", found=t.unit)
    for c in subject.unit_conflicts:
        located = subject.structure.table(c.table)
        if located is None:
            continue
        place = located.unit_place or located.title.place
        report.fail(f"表{c.table}注明单位为“{c.printed}”，但其数字按“{c.fits}”才与其他各表勾稽一致，"
                    f"疑为单位标注错误，已按{c.fits}读取", subject.at_place(place, table=c.table),
                    expected=c.fits, found=c.printed)


@rule("A.no-data", "公开表有数据", severity=Severity.ERROR, scope="audit",
      description="收入支出决算总表（表1）没有任何数字，或读到的各表全部没有数字（如未填写的模板），为错误："
      "一个部门的决算不可能没有收支。",
      reference=TEMPLATE)
def no_data(subject: AuditSubject, report: Report) -> None:
    ts = subject.reading.tables
    if not ts.tables:
        return
    t1 = ts.get(1)
    if all(t.empty for t in ts.tables):
        where = subject.structure.table(t1.number if t1 else ts.tables[0].number)
        loc = subject.at_place(where.title.place) if where else Location()
        report.fail(f"读到的{len(ts.tables)}张公开表中没有任何数字（报告未填写数据，或是模板）", loc,
                    expected="各表的决算数", found="全部空白")
    elif t1 is not None and t1.empty:
        where = subject.structure.table(1)
        loc = subject.at_place(where.title.place, table=1) if where else Location(table=1)
        report.fail("表1 收入支出决算总表没有任何数字", loc, expected="收入、支出和总计", found="全部空白")


# --- reading -----------------------------------------------------------------------------


@rule("A.malformed-number", "表中数字格式正确", severity=Severity.ERROR, scope="audit",
      description="表格中的金额须是格式正确的数字：可有千分位逗号（每三位一组）、一个小数点、负号；"
      "“1,2.34”“12.3.4”“12a.5”“5%”等为错误，该格按空白读取（因此相关勾稽可能随之报错）。",
      reference=f"{DOMAIN} §2")
def malformed_number(subject: AuditSubject, report: Report) -> None:
    for p in subject.reading.problems:
        if p.kind == "malformed-number":
            report.fail(p.message, subject.at(p.printed.line, p.printed.page, p.printed.quote, table=p.table,
                                              row=p.row, column=p.column),
                        expected="数字，如 1,234.56", found=p.found)


@rule("A.table-structure", "表格结构可读", severity=Severity.WARNING, scope="audit",
      description="表格须能按规定的行、列读出：有数字却没有科目编码或标准行名的行、位数不对的科目编码、"
      "重复的行、认不出表头的列报警告（这些格不参与勾稽）；表格每行只有一格（网页表格复制为文字）而未读的只作提示；找到表名却读不出表格也报警告（表格可能是图片；"
      "整份报告文本中没有表格时只报一条：表格可能另行公开）。",
      reference=f"{DOMAIN} §2")
def table_structure(subject: AuditSubject, report: Report) -> None:
    r = subject.reading
    for p in r.problems:
        if p.kind in ("structure", "layout"):
            report.fail(p.message, subject.at(p.printed.line, p.printed.page, p.printed.quote, table=p.table,
                                              row=p.row, column=p.column),
                        expected="可读的行或列", found=p.found,
                        severity=Severity.INFO if p.kind == "layout" else None)
    laid_out = {p.table for p in r.problems if p.kind == "layout"}  # said above, as info
    titled = [(n, t) for n in r.unreadable if n not in laid_out
              and (t := subject.structure.table(n)) is not None]
    if titled and not r.tables.tables:
        # no table in the whole text: the tables were published apart (附件) or as images,
        # or the titles stand in a list; nothing shows that a table is missing
        numbers = "、".join(f"表{n}" for n, _ in titled)
        first, located = titled[0]
        report.fail(f"找到{numbers}的表名，但报告文本中没有表格：表格可能另行公开（附件）或为图片，未能核对",
                    subject.at_place(located.title.place, table=first), expected="表格", found="没有表格")
        return
    for number, located in titled:
        report.fail(f"找到表{number}“{located.title.official}”的表名，但未能读出表格内容",
                    subject.at_place(located.title.place, table=number), expected="表格",
                    found="无法读取")


@rule("A.reading", "报告可完整读取", severity=Severity.WARNING, scope="audit",
      description="读取报告时遇到的问题（如 PDF 某页是图片、需要 OCR，只读了前若干页）逐条报警告："
      "这些部分没有被检查。",
      reference="juesuan.audit.readers")
def reading(subject: AuditSubject, report: Report) -> None:
    for problem in subject.source.problems:
        page = None
        m = re.search(r"第\s*(\d+)\s*页", problem)
        if m:
            page = int(m.group(1))
        report.fail(f"读取问题：{problem}", subject.at(None, page, None), expected="完整读取", found=problem)


# --- template leftovers ------------------------------------------------------------------

BOX_HINT = "填写提示"
ABOVE_BELOW = "|".join(w for w, direction in COMPARISON_WORDS.items() if direction)  # 大于 小于 …
TEMPLATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("占位符", re.compile(r"(?<![A-Za-z])X{2,}(?![A-Za-z])")),
    # the template's words (its wording, as the claims read it): both kept, one in brackets
    # (增加（减少）), or both without brackets before the figure (增长下降50.76%)
    ("未删去的备选措辞", re.compile(
        rf"({UP.pattern}|{DOWN.pattern}|{ABOVE_BELOW})（({UP.pattern}|{DOWN.pattern}|{ABOVE_BELOW})）"
        rf"|(?:{UP.pattern})(?:{DOWN.pattern})(?=[\d.]+%?)|(?:{DOWN.pattern})(?:{UP.pattern})(?=[\d.]+%?)")),
    ("填写说明", re.compile(
        r"如持平作持平表述|不涉及的不列|仍保留该表格式|作下述说明|按上述格式|由主管部门根据|（制度名称）|列明")),
    # the length hint ending a form's box (（100字以内）): each box left so is a box not filled
    # in (a hint inside a sentence is the form's own note: “…需说明原因（100字以内）；2.…”)
    (BOX_HINT, re.compile(r"（\d{2,4}字以内）(?=$|\|)")),
)
_HALF_BRACKETS = str.maketrans({"(": "（", ")": "）"})


@rule("A.template-text", "模板文字已替换", severity=Severity.WARNING, scope="audit",
      description="公开文本中不应留有模板的痕迹：占位符（XX、XXX）、未删去的备选措辞（“增加（减少）”“下降（增长）”，"
      "或不带括号的“增长下降50.76%”）和模板的填写说明（“（如持平作持平表述）”“仍保留该表格式，并在本表下方作下述说明”"
      "“列明……”“（200字以内）”等）。"
      "同一节中同类痕迹合并为一条，给出处数和第一处；留着字数提示的栏目每栏一条（每栏都未填写）。",
      reference=f"{TEMPLATE}")
def template_text(subject: AuditSubject, report: Report) -> None:
    s = subject.structure
    groups: dict[tuple[str, str, int | None], list[tuple[str, int | None, int | None, str]]] = {}
    for block in s.source.blocks[s.start:]:
        texts: list[tuple[int | None, str]]
        if isinstance(block, Grid):
            texts = [(block.line + k if block.line else None, " | ".join(row))
                     for k, row in enumerate(block.rows)]
        else:
            texts = [(block.line, block.text)]
        for line, text in texts:
            flat = compact(text).translate(_HALF_BRACKETS)
            for kind, pattern in TEMPLATE_PATTERNS:
                for m in pattern.finditer(flat):
                    where = s.section_of(line) or "封面和目录"
                    box = line if kind == BOX_HINT else None  # one finding a box
                    groups.setdefault((where, kind, box), []).append(
                        (m.group(0), line, block.page, text))
    for (section, kind, box), hits in groups.items():
        first, line, page, text = hits[0]
        if box is not None:
            hint = text.strip(" |")
            # a form's box: its section, if the report has one (a 自评表 alone has none)
            report.fail(f"第 {line} 行的栏目仍是模板的{kind}“{hint[:60]}”，未按实际情况填写",
                        subject.at(line, page, text, section=s.section_of(line)),
                        expected="按实际情况填写", found=first)
            continue
        more = f"等 {len(hits)} 处" if len(hits) > 1 else ""
        words = Counter(h[0] for h in hits)
        shown = "、".join(f"“{w}”" for w, _ in words.most_common(3))
        report.fail(f"“{section}”中留有模板{kind}{shown}{more}，应按实际情况填写或删去",
                    subject.at(line, page, text, section=section), expected="按实际情况填写",
                    found=first)


@rule("A.numbering", "标题和目录的序号连续", severity=Severity.WARNING, scope="audit",
      description="标题和目录条目的序号（一、二、……，（一）（二）……）应连续：只剩顿号的条目（“、收入支出决算总体情况说明”）、"
      "两个序号之间的条目没有序号（“三、”之后三项无序号、下一项是“七、”）、序号跳过或重复、小标题从“（二）”开始，"
      "报警告（疏漏的可能大，但与数字无关）。",
      reference=TEMPLATE)
def numbering(subject: AuditSubject, report: Report) -> None:
    for p in numbering_problems(subject.structure):
        report.fail(p.message, subject.at(p.line.line, p.line.page, p.line.text), expected=p.expected,
                    found=p.found)


# Every rule of this module, in the order they are run.
RULES: tuple[Rule, ...] = (
    department_name,
    year,
    title_typo,
    table_order,
    toc_mismatch,
    empty_table_note,
    unit,
    no_data,
    malformed_number,
    table_structure,
    reading,
    template_text,
    numbering,
)
