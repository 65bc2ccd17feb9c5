"""Word rendering of the whole disclosure document (部门决算公开), with python-docx.

:func:`document_to_docx` lays a :class:`~juesuan.content.Document` out as an A4 Word
file in the habits of government documents (GB/T 9704), and keeps it editable:

* the page: 版心 156 × 225 mm (margins 37, 35, 28 and 26 mm), 22 lines of 三号 text;
  the landscape pages of wide tables turn that 版心 round;
* a cover page: the department on one line, “{year}年度部门决算” on the next, in large
  小标宋; the document's notices under it, smaller; no page number;
* 目录 on a page of its own: a real Word TOC field (``TOC \\o "1-2" \\h \\z \\u``; Word
  offers to update it on opening, which adds the page numbers) whose cached result
  is the list of part and section headings, each linked to its heading, so it reads
  before any update (LibreOffice shows that list as it is); its lines close up so
  that a long list still holds on the page;
* parts (第一部分 …) as *Heading 1*, 黑体 centred; sections (一、) as *Heading 2*,
  黑体; subsections (（一）) as *Heading 3*, 楷体; deeper ones *Heading 4*, 仿宋 bold:
  the built-in styles, so the navigation pane and the TOC work; the numbering is the
  text's own (no list numbering that could add or eat one);
* a title too long for its line is narrowed by indents to lines of balanced length,
  so that no character is left alone on its last line; the text itself is unchanged
  (the TOC, a search, a copy see it whole);
* body paragraphs in 仿宋 三号 with a first-line indent of two characters, placeholders
  (【待填写：…】) highlighted yellow;
* every table under its heading (表N 标题), a line with the department and the unit,
  the header of merged cells laid out by :func:`juesuan.render.layout.grid`
  (``gridSpan`` across, ``vMerge`` down) and repeated on every page (``tblHeader``),
  numbers right-aligned with thousands separators, totals bold, borders, a double
  rule between the two sides of a side-by-side table, the notes underneath; rows never
  split (``cantSplit``); the header and first two rows, the last three rows and a short
  table whole keep together (``keepNext``), so that no page holds one or two rows of a
  table; a table too wide for a portrait page is in a landscape section from its
  heading to its notes;
* charts as Word charts (:mod:`juesuan.render.docx_chart`: drawn by Word or LibreOffice,
  editable, their data in an embedded workbook), each followed by its caption and its
  data as a table; a chart without data is a picture of 无数据 (Pillow);
* 第 X 页 共 Y 页 in the footer (``PAGE`` and ``NUMPAGES`` fields), none on the cover;
* no empty page: a section break is carried by the last paragraph of its section
  (a table's last note), never by an empty paragraph that could take a page of its
  own, and a part with nothing in it (an empty 附件) is left out, from the 目录 too.

The check findings (``Document.findings``) belong to the review, never to the public
document: this renderer does not print them.

Speed (a filing's document in some 40 ms): the styles, page and settings are set up
once per font choice (:func:`_template`); paragraphs go in through python-docx, but
tables, the bulk of the file, are written as text (:mod:`juesuan.render.docx_xml`)
and spliced into the body's XML when the package is written.

Fonts: every run names its Latin and East Asian fonts (``w:rFonts``). The default,
:data:`GOVERNMENT_FONTS`, names the fonts of government PCs: 方正小标宋简体 for the
title, 黑体 for headings, 楷体_GB2312 for subheadings, 仿宋_GB2312 for text, 宋体 for
tables, Times New Roman for digits and Latin letters; the font table declares what Word
and WPS may put in place of each (宋体, 楷体, 仿宋: ``w:altName``, GB2312 character set,
family, PANOSE class). LibreOffice, which does not read those, draws any CJK font it
lacks with a CJK font it has (Noto CJK on Debian). :data:`NOTO_FONTS` names the Noto
CJK fonts themselves; :data:`WINDOWS_FONTS` the plain Windows names (仿宋, 黑体, 楷体,
宋体).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section as WordSection
from docx.shared import Cm, Length, Pt, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from juesuan.content import Chart, Document, Section
from juesuan.content import Part as DocumentPart
from juesuan.render import DOCUMENT_TIME
from juesuan.render import docx_xml as dx
from juesuan.render.charts import chart_picture, has_data
from juesuan.render.docx_chart import WORKBOOK_RID, chart_size, chart_workbook, chart_xml
from juesuan.render.layout import Grid, display_width, grid, indent
from juesuan.tables.table import Column, Row, RowKind, Table

# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class Fonts:
    """Font names written into the document: East Asian ones and the Latin one."""

    body: str  # 正文 (仿宋)
    heading: str  # 部分、一级标题、表题 (黑体)
    subheading: str  # 二级标题 “（一）” (楷体)
    title: str  # 封面标题、目录 (小标宋)
    latin: str = "Times New Roman"  # digits and Latin letters (tabular digits)
    table: str = ""  # 表格文字 (宋体); "" for the body's font

    def east_asian(self, kind: str) -> str:
        """The East Asian font of ``kind``: body, heading, subheading, title or table."""
        if kind == "table":
            return self.table or self.body
        name: str = getattr(self, kind)
        return name


GOVERNMENT_FONTS = Fonts("仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", table="宋体")
NOTO_FONTS = Fonts("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK SC",
                   "Noto Serif CJK SC")
WINDOWS_FONTS = Fonts("仿宋", "黑体", "楷体", "宋体", table="宋体")

# What the font table says of each font the document may name: another name for it
# (altName: what Word and WPS look for when the name itself is missing), its PANOSE
# class where known, family and pitch. All are GB2312 (charset 86).
_FONT_TABLE = {
    "方正小标宋简体": ("宋体", None, "auto", "variable"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern", "fixed"),
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern", "fixed"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "Noto Serif CJK SC": ("宋体", "02020400000000000000", "roman", "variable"),
    "Noto Sans CJK SC": ("黑体", "020B0500000000000000", "swiss", "variable"),
}

# --------------------------------------------------------------------------- page geometry

A4_WIDTH, A4_HEIGHT = Cm(21.0), Cm(29.7)


@dataclass(frozen=True)
class _Margins:
    top: Length
    bottom: Length
    left: Length
    right: Length


# GB/T 9704: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm. A landscape page (a table too
# wide for portrait) keeps 28 and 26 mm above and below, and 26 mm at the sides: its
# tables want the width.
PORTRAIT_MARGINS = _Margins(Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6))
LANDSCAPE_MARGINS = _Margins(Cm(2.8), Cm(2.6), Cm(2.6), Cm(2.6))
FOOTER_ABOVE_EDGE = Cm(1.1)  # the page number's line: some 7 mm under the 版心

BODY_SIZE = 16.0  # 三号
LINE_PITCH = 29.0  # exact line spacing of body text, points: 22 lines in 225 mm
HEADING_SIZES = (18.0, BODY_SIZE, BODY_SIZE, BODY_SIZE)  # parts 小二, the others 三号
TITLE_SIZE = 26.0  # 一号, the cover
NOTICE_SIZE = 14.0  # 四号, the cover's notices
TOC_SIZE = 14.0  # 四号
CAPTION_SIZE = 16.0  # 表题 三号
TABLE_SIZES = (10.5, 9.0)  # 五号, then 小五 for wide tables
CELL_PADDING = 57  # left and right cell margin, twips (0.1 cm)
CELL_PADDING_VERTICAL = 15  # top and bottom, twips
CHART_WIDTH = Cm(15.0)
CHART_DPI = 200

_TWIPS_PER_PT = 20
_EMU_PER_TWIP = 635


def _margins(landscape: bool) -> _Margins:
    return LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS


def _text_width(landscape: bool) -> int:
    """Width between the margins, in twips."""
    page = A4_HEIGHT if landscape else A4_WIDTH
    margins = _margins(landscape)
    return int((page - margins.left - margins.right) / _EMU_PER_TWIP)


def _text_height(landscape: bool) -> float:
    """Height between the margins, in points."""
    page = A4_WIDTH if landscape else A4_HEIGHT
    margins = _margins(landscape)
    return float(Length(page - margins.top - margins.bottom).pt)


def _orient(section: Any, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    )
    margins = _margins(landscape)
    section.top_margin, section.bottom_margin = margins.top, margins.bottom
    section.left_margin, section.right_margin = margins.left, margins.right
    section.header_distance = Cm(1.5)
    section.footer_distance = Length(margins.bottom - FOOTER_ABOVE_EDGE)


def table_line(size: float) -> float:
    """The exact line pitch of table text of ``size`` points: a quarter more than the
    size, to the half point (五号 13, 小五 11.5), whatever font draws it; a CJK font's
    own line is half as high again, which made a 20-row table miss its page."""
    return math.floor(size * 2.5 + 0.5) / 2


# --------------------------------------------------------------------------- styles

STYLE_TABLE_TEXT = dx.TABLE_TEXT_STYLE
STYLE_TABLE_CAPTION = "TableCaption"
STYLE_TABLE_INFO = "TableInfo"
STYLE_TABLE_NOTE = "TableNote"
STYLE_FIGURE = "Figure"
STYLE_FIGURE_CAPTION = "FigureCaption"
STYLE_COVER_TITLE = "CoverTitle"
STYLE_COVER_NOTICE = "CoverNotice"
STYLE_TOC_TITLE = "TocTitle"
STYLE_TOC = ("TOC1", "TOC2")

_HEADING_STYLES = ("Heading 1", "Heading 2", "Heading 3", "Heading 4")


def document_to_docx(doc: Document, *, fonts: Fonts = GOVERNMENT_FONTS,
                     created: datetime | None = None) -> bytes:
    """The document as the bytes of a .docx file.

    ``fonts`` chooses the font names (:data:`GOVERNMENT_FONTS`, :data:`NOTO_FONTS` or
    :data:`WINDOWS_FONTS`); ``created`` is the creation time in the document properties
    (default :data:`~juesuan.render.DOCUMENT_TIME`: the same document gives the same
    bytes).
    """
    writer = _Writer(doc, fonts)
    writer.write(created)
    return writer.save()


# --------------------------------------------------------------------------- low-level XML


def _el(tag: str, **attrs: str) -> Any:
    """A new WordprocessingML element; attribute names without prefix mean ``w:``."""
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(name if ":" in name else f"w:{name}"), value)
    return element


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    child = _el(tag, **attrs)
    parent.append(child)
    return child


def _twips(points: float) -> str:
    return str(round(points * _TWIPS_PER_PT))


def _run_properties(fonts: tuple[str, str], *, bold: bool = False, size: float | None = None,
                    highlight: bool = False) -> Any:
    return dx.parse(dx.run_properties(fonts, bold, size, highlight))


def _text_runs(text: str, fonts: tuple[str, str], *, bold: bool = False,
               size: float | None = None) -> Iterator[Any]:
    """Runs for ``text``: placeholders highlighted, line breaks as ``w:br``."""
    paragraph = dx.parse(f"<w:p>{dx.text_runs(text, fonts, bold=bold, size=size)}</w:p>")
    yield from list(paragraph)


def _field_runs(instruction: str, cached: str, fonts: tuple[str, str],
                size: float | None = None) -> list[Any]:
    """A complex field: begin, instruction, separate, cached result, end."""

    def run() -> Any:
        r = _el("w:r")
        r.append(_run_properties(fonts, size=size))
        return r

    begin, instr, separate, result, end = run(), run(), run(), run(), run()
    _sub(begin, "w:fldChar", fldCharType="begin")
    text = _sub(instr, "w:instrText")
    text.text = f" {instruction} "
    text.set(qn("xml:space"), "preserve")
    _sub(separate, "w:fldChar", fldCharType="separate")
    t = _sub(result, "w:t")
    t.text = cached
    _sub(end, "w:fldChar", fldCharType="end")
    return [begin, instr, separate, result, end]


# --------------------------------------------------------------------------- balanced titles

BALANCE_SLACK = 1.0  # ems a balanced line may hold beyond its share: estimates err
# Widths in ems, least and most, of what is not a CJK character (which is one em): a space,
# and a digit or Latin letter (Times New Roman's digit is half an em; the serifs that stand
# in for it, bold, up to 0.7).
SPACE_EMS = (0.25, 0.35)
NARROW_EMS = (0.45, 0.7)
_WORD = re.compile(r"[0-9A-Za-z.%+\-]+")


def _em(c: str, most: bool) -> float:
    if unicodedata.east_asian_width(c) in "WFA":  # CJK, and the punctuation “”…— it draws
        return 1.0
    return (SPACE_EMS if c == " " else NARROW_EMS)[most]


def ems(text: str, most: bool = True) -> float:
    """Width of ``text`` in ems, at most (or at least)."""
    return sum(_em(c, most) for c in text)


def break_points(text: str, department: str = "") -> list[int]:
    """Where a title breaks best (index of the next line's first character): after the
    department's name, at a space, before an opening bracket."""
    points = set()
    if department and (at := text.find(department)) >= 0:
        points.add(at + len(department))
    points.update(i + 1 for i, c in enumerate(text) if c == " ")
    points.update(i for i, c in enumerate(text) if c in "（(")
    return sorted(i for i in points if 0 < i < len(text))


def _forced_width(text: str, per_line: float, first: float, points: list[int]) -> float | None:
    """The line width, in ems, that breaks ``text`` in two at the best of ``points``: the
    first line just holds its part and not one unit more, the second is no longer and
    holds at least a third as much; None if no point does."""
    candidates = []  # (second line's length, width)
    for i in points:
        head, tail = text[:i].rstrip(), text[i:].lstrip()
        if not head or not tail:
            continue
        width = ems(head) + first + 0.1
        word = _WORD.match(tail)
        following = ems(word.group(0), most=False) if word else _em(tail[0], most=False)
        second = ems(tail)
        if (width <= per_line and width / 3 <= second <= width
                and width < ems(head, most=False) + first + following):
            candidates.append((second, width))
    return max(candidates)[1] if candidates else None


def balanced_indents(text: str, size: float, width: int, first: float = 0.0,
                     centred: bool = True, points: list[int] | None = None
                     ) -> tuple[int, int] | None:
    """(left, right) indents, in twips, that narrow the lines of the title ``text``
    (``size`` points, ``first`` ems of first-line indent) within ``width`` twips so that
    none is left with a character or two: two lines broken at the best of ``points``
    (:func:`break_points`) if one serves, else lines of balanced lengths; None if the
    title holds on one line."""
    per_line = width / (size * _TWIPS_PER_PT)  # ems
    total = ems(text) + first
    if total <= per_line:
        return None
    target = _forced_width(text, per_line, first, points or [])
    if target is None:
        lines = math.ceil(total / per_line)
        target = min(per_line, total / lines + BALANCE_SLACK)
    spare = int((per_line - target) * size * _TWIPS_PER_PT)
    if spare <= 0:
        return None
    return (spare // 2, spare // 2) if centred else (0, spare)


# --------------------------------------------------------------------------- table layout


@dataclass(frozen=True)
class _TableLayout:
    widths: tuple[int, ...]  # twips, one per printed column
    size: float  # font size, points
    landscape: bool


LATIN_WIDTH = 1.35
"""Width of a narrow (Latin) character in display columns (a CJK character is 2).

Half an em in Times New Roman; more in the serif LibreOffice substitutes for it
(DejaVu Serif digits are 0.64 em, 0.70 em bold), so numbers never wrap.
"""


CELL_SLACK = 0.6  # display columns a value column gets beyond its widest text


def _measure(text: str) -> float:
    """Width of ``text`` in display columns, narrow characters at :data:`LATIN_WIDTH`."""
    if text.isascii():
        return len(text) * LATIN_WIDTH
    wide = display_width(text) - len(text)  # each wide character counts one extra
    return wide * 2 + (len(text) - wide) * LATIN_WIDTH


@dataclass(frozen=True)
class _Cells:
    """The value cells of a grid as printed (thousands separators), by line and column
    ("" in code and name columns), and which of them hold text rather than a number."""

    texts: list[list[str]]
    strings: list[list[bool]]


def _cells(g: Grid) -> _Cells:
    values = [col for col, column in enumerate(g.columns) if column.kind not in ("code", "name")]
    texts, strings = [], []
    for line in g.lines:
        line_texts = [""] * len(g.columns)
        line_strings = [False] * len(g.columns)
        for col in values:
            line_texts[col] = g.text_at(line, col, thousands=True)
            line_strings[col] = isinstance(g.value_at(line, col), str)
        texts.append(line_texts)
        strings.append(line_strings)
    return _Cells(texts, strings)


def _column_needs(g: Grid, cells: _Cells) -> list[tuple[float, float]]:
    """(natural, minimum) width of each printed column, in display columns."""
    needs: list[tuple[float, float]] = []
    for col, column in enumerate(g.columns):
        rows = [row for line in g.lines if (row := g.row_at(line, col)) is not None]
        leaf = min((_measure(c.text) for c in g.header if c.col == col and c.colspan == 1),
                   default=4.0)
        if column.kind == "code":
            width = max((_measure(r.code or "") for r in rows), default=0.0)
            needs.append((max(width, leaf, 4.0), max(width, 4.0)))
        elif column.kind == "name":
            width = max((_measure(r.name) + 2 * indent(r) for r in rows), default=0.0)
            natural = max(min(width, 40.0), min(leaf, 12.0), 4.0)
            needs.append((natural, min(natural, 16.0)))
        else:
            # a bold total in a substitute serif is wider still: "100" wrapped in 得分
            width = max((_measure(texts[col]) for texts in cells.texts), default=0.0) + CELL_SLACK
            if any(strings[col] for strings in cells.strings):
                natural = max(min(width, 40.0), min(leaf, 12.0), 4.0)
                needs.append((natural, min(natural, 12.0)))
            else:
                natural = max(width, min(leaf, 12.0), 6.0)
                needs.append((natural, max(width, min(leaf, 8.0), 4.0)))
    return needs


def _table_layout(g: Grid, cells: _Cells | None = None) -> _TableLayout:
    """Column widths, font size and orientation for a table.

    The first of portrait 五号, portrait 小五, landscape 五号, landscape 小五 that holds
    the columns halfway between their minimum and natural widths wins; the
    widths then grow to fill the text width. Failing all four, landscape 小五 with
    the wrapping columns squeezed (proportionally, if even their minimums overflow).
    """
    needs = _column_needs(g, cells or _cells(g))
    n = len(needs)
    natural = [a for a, _ in needs]
    minimum = [b for _, b in needs]

    def room(landscape: bool, size: float) -> float:
        """Display columns available for text, cell padding taken off."""
        return (_text_width(landscape) - n * 2 * CELL_PADDING) / (size / 2 * _TWIPS_PER_PT)

    def fit(landscape: bool, size: float, squeeze: bool) -> _TableLayout | None:
        available = room(landscape, size)
        comfortable = [m + (a - m) / 2 for a, m in zip(natural, minimum, strict=True)]
        if not squeeze and sum(comfortable) > available:
            return None
        if sum(natural) <= available:
            widths = natural
        elif sum(minimum) <= available:
            t = (available - sum(minimum)) / (sum(natural) - sum(minimum))
            widths = [m + (a - m) * t for a, m in zip(natural, minimum, strict=True)]
        else:
            widths = minimum
        scale = available / sum(widths)
        twips = [int(w * scale * size / 2 * _TWIPS_PER_PT) + 2 * CELL_PADDING for w in widths]
        return _TableLayout(tuple(twips), size, landscape)

    for landscape in (False, True):
        for size in TABLE_SIZES:
            layout = fit(landscape, size, squeeze=False)
            if layout is not None:
                return layout
    squeezed = fit(True, TABLE_SIZES[-1], squeeze=True)
    assert squeezed is not None
    return squeezed


def chart_table(chart: Chart) -> Table:
    """A chart's data as a table: one row per category, one column per series."""
    columns = tuple(Column(f"series{i}", s.name) for i, s in enumerate(chart.series))
    rows = tuple(
        Row(f"category{i}", category, tuple(s.values[i] if i < len(s.values) else None
                                             for s in chart.series))
        for i, category in enumerate(chart.categories)
    )
    return Table(0, f"chart.{chart.key}", chart.title, columns, rows, unit=chart.unit)


# --------------------------------------------------------------------------- the writer


def _headings(doc: Document) -> Iterator[tuple[int, str]]:
    """(level, text) of every heading in document order."""
    def walk(sections: tuple[Section, ...], level: int) -> Iterator[tuple[int, str]]:
        for section in sections:
            yield level, section.heading
            yield from walk(section.subsections, level + 1)

    for part in doc.printed_parts():
        yield 1, part.heading
        yield from walk(part.sections, 2)


_TABLE_MARK_TARGET = "juesuan-table"
_TABLE_MARK = re.compile(rb"<\?juesuan-table (\d+)\?>")
TOC_LEVELS = 2
TOC_LINE = 24.0  # the 目录's line pitch, points, when its entries leave room
TOC_MIN_LINE = 16.0  # the closest it gets (四号 text)
TOC_TITLE_SIZE = 22.0  # 二号
TOC_TITLE_AFTER = 18.0
TOC1_BEFORE = 6.0
COVER_TOP = 150.0  # space above the cover's title, points
COVER_NOTICE_GAP = 48.0  # between the title and the notices
TABLE_GAP = 8.0  # space between a table without notes and the paragraph after it
# No page may hold one or two rows of a table: the header and the first rows keep with
# the rows after them, the last rows with each other (and with the notes), and a short
# table keeps whole (if it takes less than a page).
KEEP_FIRST_ROWS = 2
KEEP_LAST_ROWS = 3
KEEP_WHOLE_ROWS = 12


@lru_cache(maxsize=8)
def _template(fonts: Fonts) -> bytes:
    """The empty document every document starts from: styles, page, footer, settings
    and font table set up for ``fonts`` (the same for every document, so made once)."""
    template = _Template(fonts)
    template.setup()
    buffer = io.BytesIO()
    template.docx.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=8)
def _styles_blob(fonts: Fonts) -> tuple[str, bytes]:
    """(part name, content) of the template's styles part: written as it is into every
    document (the writer names styles but never changes them), not serialised again."""
    package = docx.Document(io.BytesIO(_template(fonts))).part.package
    part = next(part for part in package.iter_parts() if part.content_type == CT.WML_STYLES)
    return str(part.partname), part.blob


class _Template:
    """Sets up python-docx's default document for :func:`_template`."""

    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.docx = docx.Document()

    def setup(self) -> None:
        self._setup_styles()
        self._setup_page()
        self._setup_package()

    def _fonts(self, kind: str = "body") -> tuple[str, str]:
        return self.fonts.latin, self.fonts.east_asian(kind)

    def _setup_package(self) -> None:
        package = self.docx.part.package
        for rid, rel in list(package.rels.items()):  # the template's stale preview picture
            if rel.reltype.endswith("/thumbnail"):
                del package.rels[rid]
        settings = self.docx.settings.element
        for stale in settings.findall(qn("w:savePreviewPicture")):
            settings.remove(stale)
        update = _el("w:updateFields", val="true")  # Word offers to update the TOC on opening
        compat = settings.find(qn("w:compat"))
        if compat is not None:
            compat.addprevious(update)
        else:
            settings.append(update)
        self._font_table()

    def _font_table(self) -> None:
        """An entry in the font table for every East Asian font the document names."""
        names = dict.fromkeys(self.fonts.east_asian(kind) for kind in
                              ("title", "heading", "subheading", "body", "table"))
        entries = {}
        for name in names:
            alt, panose, family, pitch = _FONT_TABLE.get(name, (None, None, "auto", "variable"))
            entries[name] = dx.font_entry(name, alt, panose, family, pitch)
        for rel in self.docx.part.rels.values():
            if rel.reltype.endswith("/fontTable") and not rel.is_external:
                part = rel.target_part
                blob = dx.with_fonts(part.blob.decode("utf-8"), entries)
                part._blob = blob.encode("utf-8")  # a plain Part: its blob is what is saved

    def _setup_page(self) -> None:
        section = self.docx.sections[0]
        _orient(section, landscape=False)
        section.different_first_page_header_footer = True  # no page number on the cover
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.paragraph_format.first_line_indent = Pt(0)
        footer.paragraph_format.line_spacing = 1.0
        fonts = self._fonts("table")
        p = footer._p
        for run in _text_runs("第 ", fonts, size=10.5):
            p.append(run)
        for run in _field_runs("PAGE", "1", fonts, 10.5):
            p.append(run)
        for run in _text_runs(" 页 共 ", fonts, size=10.5):
            p.append(run)
        for run in _field_runs("NUMPAGES", "1", fonts, 10.5):
            p.append(run)
        for run in _text_runs(" 页", fonts, size=10.5):
            p.append(run)

    def _setup_styles(self) -> None:
        styles = self.docx.styles
        root = styles.element
        latin = self.fonts.latin
        # Replace theme fonts everywhere: they would override the East Asian font.
        heading_like = ("Heading", "Title", "Subtitle", "TOCHeading")
        for style in root.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId")) or ""
            east_asian = self.fonts.heading if style_id.startswith(heading_like) else self.fonts.body
            for rfonts in style.iter(qn("w:rFonts")):
                _set_fonts(rfonts, latin, east_asian)
        defaults = root.find(qn("w:docDefaults"))
        if defaults is not None:
            for rfonts in defaults.iter(qn("w:rFonts")):
                _set_fonts(rfonts, latin, self.fonts.body)
            for lang in defaults.iter(qn("w:lang")):
                lang.set(qn("w:val"), "en-US")
                lang.set(qn("w:eastAsia"), "zh-CN")

        normal = styles["Normal"]
        normal.font.size = Pt(BODY_SIZE)
        _set_fonts(normal.element.get_or_add_rPr().get_or_add_rFonts(), latin, self.fonts.body)
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(LINE_PITCH)  # exact
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.widow_control = True
        _first_line_chars(normal.element.get_or_add_pPr(), 2, BODY_SIZE)

        fonts = self.fonts
        heading_specs = (
            # bold, centred, font, first-line indent (characters), space before/after
            (True, True, fonts.heading, 0, 0.0, LINE_PITCH / 2),  # 第一部分 …
            (False, False, fonts.heading, 2, 6.0, 0.0),  # 一、
            (True, False, fonts.subheading, 2, 0.0, 0.0),  # （一）
            (True, False, fonts.body, 2, 0.0, 0.0),  # 1.
        )
        for name, size, (bold, centred, font, chars, before, after) in zip(
            _HEADING_STYLES, HEADING_SIZES, heading_specs, strict=True
        ):
            style = styles[name]
            style.font.size = Pt(size)
            style.font.bold = bold
            style.font.italic = False
            style.font.color.rgb = None
            _clear_theme_color(style.element)
            rpr = style.element.get_or_add_rPr()
            _set_fonts(rpr.get_or_add_rFonts(), latin, font)
            fmt = style.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
            fmt.space_before = Pt(before)
            fmt.space_after = Pt(after)
            fmt.line_spacing = Pt(LINE_PITCH)
            fmt.keep_with_next = True
            _first_line_chars(style.element.get_or_add_pPr(), chars, size)

        def paragraph_style(style_id: str, name: str, *, size: float, bold: bool = False,
                            align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
                            font: str | None = None, before: float = 0.0,
                            after: float = 0.0, keep: bool = False,
                            line: float | None = None) -> Any:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.element.set(qn("w:styleId"), style_id)
            style.base_style = normal
            style.quick_style = True
            style.font.size = Pt(size)
            style.font.bold = bold
            rpr = style.element.get_or_add_rPr()
            _set_fonts(rpr.get_or_add_rFonts(), latin, font or fonts.body)
            fmt = style.paragraph_format
            fmt.alignment = align
            fmt.space_before = Pt(before)
            fmt.space_after = Pt(after)
            fmt.line_spacing = 1.0 if line is None else Pt(line)
            fmt.keep_with_next = keep
            _first_line_chars(style.element.get_or_add_pPr(), 0, size)
            return style

        centre = WD_ALIGN_PARAGRAPH.CENTER
        table_font = fonts.east_asian("table")
        size = TABLE_SIZES[0]
        paragraph_style(STYLE_TABLE_TEXT, "表格文字", size=size, font=table_font,
                        line=table_line(size))
        paragraph_style(STYLE_TABLE_CAPTION, "表格标题", size=CAPTION_SIZE, bold=True,
                        align=centre, font=fonts.heading, before=6.0, after=6.0, keep=True,
                        line=CAPTION_SIZE * 1.5)
        paragraph_style(STYLE_TABLE_INFO, "表格单位", size=size, font=table_font, after=3.0,
                        keep=True)
        paragraph_style(STYLE_TABLE_NOTE, "表格注释", size=size, font=table_font, before=3.0)
        paragraph_style(STYLE_FIGURE, "图片", size=BODY_SIZE, align=centre, before=6.0,
                        keep=True)
        paragraph_style(STYLE_FIGURE_CAPTION, "图题", size=12.0, bold=True, align=centre,
                        font=fonts.heading, after=6.0, keep=True)
        paragraph_style(STYLE_COVER_TITLE, "封面标题", size=TITLE_SIZE, align=centre,
                        font=fonts.title, line=TITLE_SIZE * 1.6)
        paragraph_style(STYLE_COVER_NOTICE, "封面说明", size=NOTICE_SIZE, align=centre,
                        line=NOTICE_SIZE * 1.75)
        paragraph_style(STYLE_TOC_TITLE, "目录标题", size=TOC_TITLE_SIZE, align=centre,
                        font=fonts.title, after=TOC_TITLE_AFTER, line=TOC_TITLE_SIZE * 1.5)
        width = _text_width(landscape=False)
        for level, style_id in enumerate(STYLE_TOC, 1):
            style = paragraph_style(style_id, f"toc {level}", size=TOC_SIZE,
                                    font=fonts.heading if level == 1 else None,
                                    before=TOC1_BEFORE if level == 1 else 0.0, line=TOC_LINE)
            style.paragraph_format.left_indent = Pt(TOC_SIZE * 2 * (level - 1))
            style.paragraph_format.tab_stops.add_tab_stop(
                Twips(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            style.element.get_or_add_pPr().get_or_add_ind().set(
                qn("w:leftChars"), str(200 * (level - 1))
            )


class _Writer:
    def __init__(self, doc: Document, fonts: Fonts) -> None:
        self.doc = doc
        self.fonts = fonts
        self.docx = docx.Document(io.BytesIO(_template(fonts)))
        self.body = self.docx.element.body
        self.sentinel = self.body.get_or_add_sectPr()  # the last section's, ending the body
        self.landscape = False
        self.fresh_page = True  # nothing written on the current page yet
        self.gap = False  # the next paragraph follows a table: space above it
        self.bookmark = 0
        self.figure = 0
        self.prepared: dict[int, tuple[Grid, _Cells, _TableLayout]] = {}  # by id of the table
        self.tables: list[bytes] = []  # written as text, spliced into the body on saving

    def write(self, created: datetime | None) -> None:
        self._setup_properties(created)
        self._cover()
        self._toc()
        for part in self.doc.printed_parts():
            self._part(part)

    def save(self) -> bytes:
        """The .docx file: the package as python-docx would write it, but the body's
        tables spliced in as the text they were written as (parsing and serialising
        them again would take longer than writing them)."""
        document_part = self.docx.part
        xml = serialize_part_xml(document_part.element)
        pieces = _TABLE_MARK.split(xml)
        pieces[1::2] = [self.tables[int(n)] for n in pieces[1::2]]
        styles, styles_blob = _styles_blob(self.fonts)
        return dx.write_package(document_part.package, {
            str(document_part.partname): b"".join(pieces), styles: styles_blob})

    def _fonts(self, kind: str = "body") -> tuple[str, str]:
        return self.fonts.latin, self.fonts.east_asian(kind)

    def _setup_properties(self, created: datetime | None) -> None:
        props = self.docx.core_properties
        props.title = _core_property(self.doc.title)
        props.subject = "部门决算公开"
        props.author = _core_property(self.doc.department)
        props.last_modified_by = "juesuan"
        props.keywords = _core_property(f"部门决算 {self.doc.year}")
        props.language = "zh-CN"
        props.comments = ""
        props.revision = 1
        stamp = created or DOCUMENT_TIME
        props.created = stamp
        props.modified = stamp

    # ---- paragraphs

    def _paragraph(self, style_id: str | None = None, runs: str = "", *, keep: bool = False,
                   page_break: bool = False, tab: int | None = None, before: float | None = None,
                   line: float | None = None, indents: tuple[int, int] | None = None) -> Any:
        """A paragraph of ``runs`` (their XML) at the end of the body, its properties
        written as text (python-docx's setters take longer than the rest of a paragraph)."""
        if self.gap:  # after a table
            before = max(before or 0.0, TABLE_GAP)
            self.gap = False
        ppr = dx.paragraph_properties(style_id, keep, page_break, tab, before, line, indents)
        p = dx.parse(f"<w:p>{ppr}{runs}</w:p>")
        self.sentinel.addprevious(p)  # before the final sectPr (body.add_p looks for it each time)
        self.fresh_page = False
        return p

    def _text(self, text: str, style_id: str | None = None, *, kind: str = "body",
              bold: bool = False, size: float | None = None, keep: bool = False,
              page_break: bool = False, before: float | None = None,
              indents: tuple[int, int] | None = None) -> Any:
        runs = dx.text_runs(text, self._fonts(kind), bold=bold, size=size)
        return self._paragraph(style_id, runs, keep=keep, page_break=page_break, before=before,
                               indents=indents)

    def _indents(self, text: str, size: float, *, first: float = 0.0,
                 centred: bool = True) -> tuple[int, int] | None:
        """Indents that narrow a title to lines of balanced length, if it takes more than
        one line (:func:`balanced_indents`)."""
        return balanced_indents(text, size, _text_width(self.landscape), first, centred,
                                break_points(text, self.doc.department))

    def _new_page(self, landscape: bool) -> bool:
        """Start a new page (a new section if the orientation changes).

        True if the caller must still put a page break before its first paragraph.
        """
        if landscape != self.landscape:
            self._section_break(landscape)
            return False
        return not self.fresh_page

    def _section_break(self, landscape: bool) -> None:
        """End the section here; the next starts on a new page, ``landscape`` or not.

        The section's properties go into its last paragraph (a table's last note, say):
        an empty paragraph of their own would take a line, a page of its own when the
        page is full. Only after a table does one come, a point high."""
        last = self.sentinel.getprevious()
        if last is None or last.tag != qn("w:p") or last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") \
                is not None:
            self.gap = False
            last = self._paragraph()
            last.append(dx.parse(f"<w:pPr>{dx.exact_spacing(1.0)}"
                                 '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr>'))
        last.set_sectPr(self.sentinel.clone())
        for reference in self.sentinel.xpath("w:headerReference|w:footerReference"):
            self.sentinel.remove(reference)  # the new section inherits them
        section = WordSection(self.sentinel, self.docx.part)
        section.start_type = WD_SECTION.NEW_PAGE
        _orient(section, landscape=landscape)
        section.different_first_page_header_footer = False
        self.landscape = landscape
        self.fresh_page = True
        self.gap = False

    def _heading(self, text: str, level: int, *, page: bool = False,
                 landscape: bool = False) -> None:
        brk = self._new_page(landscape) if page else False
        style = _HEADING_STYLES[min(level, len(_HEADING_STYLES)) - 1].replace(" ", "")
        kind = "heading" if level <= 2 else "subheading" if level == 3 else "body"
        self.bookmark += 1
        n = self.bookmark
        runs = (f'<w:bookmarkStart w:id="{n}" w:name="_Toc{n:06d}"/>'
                f'{dx.text_runs(text, self._fonts(kind))}<w:bookmarkEnd w:id="{n}"/>')
        size = HEADING_SIZES[min(level, len(HEADING_SIZES)) - 1]
        indents = self._indents(text, size, first=0.0 if level == 1 else 2.0, centred=level == 1)
        self._paragraph(style, runs, page_break=brk, indents=indents)

    # ---- cover and contents

    def _cover(self) -> None:
        """The title on two lines (上海市普陀区财政局 / 2024年度部门决算), the notices
        under it."""
        title, department = self.doc.title, self.doc.department
        lines = [title]
        if department and title.startswith(department) and title != department:
            lines = [department, title[len(department):]]
        for n, line in enumerate(lines):
            self._text(line, STYLE_COVER_TITLE, kind="title", before=None if n else COVER_TOP,
                       indents=self._indents(line, TITLE_SIZE))
        for n, notice in enumerate(self.doc.notices):
            self._text(notice, STYLE_COVER_NOTICE, before=None if n else COVER_NOTICE_GAP,
                       indents=self._indents(notice, NOTICE_SIZE))

    def _toc(self) -> None:
        self._text("目  录", STYLE_TOC_TITLE, kind="title", page_break=True)
        entries = [(level, text) for level, text in _headings(self.doc) if level <= TOC_LEVELS]
        fonts_by_level = {1: self._fonts("heading"), 2: self._fonts()}
        bookmarks = self._bookmark_numbers()
        line = _toc_line(entries)
        for n, (level, text) in enumerate(entries):
            p = self._paragraph(STYLE_TOC[level - 1], line=line if line < TOC_LINE else None)
            if n == 0:
                begin = _field_runs(f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u', "", self._fonts())
                for run in begin[:3]:  # begin, instruction, separate: the result follows
                    p.append(run)
            name = f"_Toc{bookmarks[n]:06d}"
            link = _sub(p, "w:hyperlink", anchor=name, history="1")
            for run in _text_runs(text, fonts_by_level[level]):
                link.append(run)
            if n == len(entries) - 1:
                end = _el("w:r")
                _sub(end, "w:fldChar", fldCharType="end")
                p.append(end)

    def _bookmark_numbers(self) -> list[int]:
        """Bookmark number of each TOC entry: headings are bookmarked 1, 2, … in order."""
        return [n for n, (level, _) in enumerate(_headings(self.doc), 1) if level <= TOC_LEVELS]

    # ---- parts and sections

    def _part(self, part: DocumentPart) -> None:
        sections = part.sections
        landscape = self._starts_landscape(sections[0]) if sections else False
        self._heading(part.heading, 1, page=True, landscape=landscape)
        by_page = part.key in ("tables", "attachments")
        for n, section in enumerate(sections):
            self._section(section, 2, page=by_page and n > 0)

    def _starts_landscape(self, section: Section) -> bool:
        if section.paragraphs:
            return False
        if section.tables:
            return self._layout(section.tables[0]).landscape
        if section.charts:
            return False
        return bool(section.subsections) and self._starts_landscape(section.subsections[0])

    def _layout(self, table: Table) -> _TableLayout:
        return self._prepared(table)[2]

    def _prepared(self, table: Table) -> tuple[Grid, _Cells, _TableLayout]:
        """The table's grid, cells and layout, worked out once."""
        key = id(table)
        if key not in self.prepared:
            g = grid(table)
            cells = _cells(g)
            self.prepared[key] = (g, cells, _table_layout(g, cells))
        return self.prepared[key]

    def _section(self, section: Section, level: int, *, page: bool = False) -> None:
        landscape = self._starts_landscape(section)
        self._heading(section.heading, level, page=page or landscape != self.landscape,
                      landscape=landscape)
        for text in section.paragraphs:
            self._text(text)
        for i, table in enumerate(section.tables):
            layout = self._layout(table)
            brk = False
            if layout.landscape != self.landscape or (i > 0 and layout.landscape):
                brk = self._new_page(layout.landscape)
            self._table(table, layout, page_break=brk)
        for chart in section.charts:
            self._chart(chart)
        for sub in section.subsections:
            self._section(sub, level + 1)

    # ---- tables

    def _table(self, table: Table, layout: _TableLayout, *, page_break: bool = False,
               caption: str | None = None) -> None:
        text = caption if caption is not None else table.heading
        self._text(text, STYLE_TABLE_CAPTION, kind="heading", page_break=page_break,
                   indents=self._indents(text, CAPTION_SIZE))
        self._table_info(table, layout.size)
        g, cells, _ = self._prepared(table)
        self._grid_table(g, cells, layout, keep_end=bool(table.notes))
        for n, note in enumerate(table.notes, 1):  # kept together, and with the last rows
            self._text(note, STYLE_TABLE_NOTE, kind="table", size=layout.size,
                       keep=n < len(table.notes))

    def _table_info(self, table: Table, size: float) -> None:
        """编制部门 on the left (the nine public tables), 单位 on the right; no line if
        neither."""
        if not (1 <= table.number <= 9 or table.unit):
            return
        fonts = self._fonts("table")
        runs = ""
        if 1 <= table.number <= 9:
            runs += dx.text_runs(f"编制部门：{self.doc.department}", fonts, size=size)
        if table.unit:
            runs += f"<w:r>{dx.run_properties(fonts, False, size)}<w:tab/></w:r>"
            runs += dx.text_runs(f"单位：{table.unit}", fonts, size=size)
        self._paragraph(STYLE_TABLE_INFO, runs, tab=_text_width(self.landscape))

    def _insert_table(self, xml: list[str], *, gap: bool = True) -> None:
        """The table written as the strings ``xml``: a mark before the final sectPr that
        :meth:`save` replaces with them; ``gap`` puts space above the next paragraph."""
        self.sentinel.addprevious(etree.PI(_TABLE_MARK_TARGET, str(len(self.tables))))
        self.tables.append("".join(xml).encode("utf-8"))
        self.fresh_page = False
        self.gap = gap

    def _grid_table(self, g: Grid, cells: _Cells, layout: _TableLayout, *,
                    keep_end: bool = False) -> None:
        """The table; ``keep_end`` keeps its last row on the page of the paragraph after
        it (the notes)."""
        widths, size = layout.widths, layout.size
        line = table_line(size)
        fonts = self._fonts("table")
        xml = [dx.table_start(widths, CELL_PADDING, CELL_PADDING_VERTICAL)]
        rules = [g.starts_part(col) for col in range(len(g.columns))]
        for r in range(g.depth):
            xml.append(dx.HEADER_ROW)
            col = 0
            while col < len(g.columns):
                cell = g.header_at(r, col)
                width = sum(widths[cell.col:cell.last_col + 1])
                vmerge = None if cell.rowspan == 1 else "restart" if cell.row == r else "continue"
                xml.append(dx.cell_start(width, cell.colspan, vmerge, rules[col], True))
                text = cell.text if cell.row == r else ""
                xml.append(dx.cell_paragraph(text, fonts, align="center", size=size, bold=True,
                                             keep=True, line=line))
                xml.append(dx.CELL_END)
                col += cell.colspan
            xml.append(dx.ROW_END)
        kinds = [column.kind for column in g.columns]
        starts = [dx.cell_start(widths[col], 1, None, rules[col]) for col in range(len(kinds))]
        last = len(g.lines)
        whole = last <= KEEP_WHOLE_ROWS and _fits_page(g, cells, layout)
        for n, (line_rows, texts, strings) in enumerate(zip(g.lines, cells.texts,
                                                            cells.strings, strict=True), 1):
            xml.append(dx.BODY_ROW)
            if n == last:
                keep = keep_end
            else:
                keep = whole or n <= KEEP_FIRST_ROWS or n > last - KEEP_LAST_ROWS
            for col, kind in enumerate(kinds):
                row = g.row_at(line_rows, col)
                xml.append(starts[col])
                if row is None:
                    xml.append(dx.cell_paragraph("", fonts, align="left", size=size, keep=keep,
                                                 line=line))
                else:
                    bold = row.kind is RowKind.TOTAL
                    text, align, steps = _cell_text(row, kind, texts[col], strings[col])
                    xml.append(dx.cell_paragraph(text, fonts, align=align, size=size, bold=bold,
                                                 indent_steps=steps, keep=keep, line=line))
                xml.append(dx.CELL_END)
            xml.append(dx.ROW_END)
        xml.append(dx.TABLE_END)
        self._insert_table(xml, gap=not keep_end)

    # ---- charts

    def _chart(self, chart: Chart) -> None:
        self.figure += 1
        p = self._paragraph(STYLE_FIGURE)
        if has_data(chart):
            p.append(self._native_chart(chart))
        else:  # 无数据: a drawn note, as a picture
            picture = io.BytesIO(chart_picture(chart, dpi=CHART_DPI))
            Paragraph(p, self.docx._body).add_run().add_picture(picture, width=CHART_WIDTH)
        # “：” after the number, not a space: a title that starts with a year (“2024年度与…”)
        # would otherwise read back as one figure “1 2024”
        caption = f"图{self.figure}：{chart.title}"
        self._text(caption, STYLE_FIGURE_CAPTION, kind="heading",
                   indents=self._indents(caption, 12.0))
        data = chart_table(chart)
        g = grid(data)
        cells = _cells(g)
        layout = _table_layout(g, cells)
        if layout.landscape:  # a chart's data stays by its chart, on the chart's page
            scale = _text_width(self.landscape) / sum(layout.widths)
            layout = _TableLayout(tuple(int(w * scale) for w in layout.widths),
                                  TABLE_SIZES[-1], self.landscape)
        self._table_info(data, layout.size)
        self._grid_table(g, cells, layout)

    def _native_chart(self, chart: Chart) -> Any:
        """A run holding the chart as a Word chart: a chart part, and its data as an
        embedded workbook."""
        package = self.docx.part.package
        n = self.figure
        part = Part(PackURI(f"/word/charts/chart{n}.xml"), CT.DML_CHART,
                    chart_xml(chart, self.fonts.heading), package)
        workbook = Part(PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{n}.xlsx"),
                        CT.SML_SHEET, chart_workbook(chart), package)
        rid = part.relate_to(workbook, RT.PACKAGE)
        assert rid == WORKBOOK_RID
        rid = self.docx.part.relate_to(part, RT.CHART)
        cx, cy = chart_size(chart, int(CHART_WIDTH))
        return parse_xml(
            f'<w:r {nsdecls("w", "wp", "r")}><w:drawing>'
            '<wp:inline distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{n}" name="图表 {n}" descr={dx.xml_attr(chart.title)}/>'
            f'<wp:cNvGraphicFramePr/><a:graphic {nsdecls("a")}><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart {nsdecls("c")} r:id="{rid}"/></a:graphicData></a:graphic>'
            "</wp:inline></w:drawing></w:r>"
        )


def _cell_text(row: Row, kind: str, text: str, string: bool) -> tuple[str, str, int]:
    """(text, alignment, indent steps) of a body cell of ``kind`` (code, name or value)."""
    if kind == "code":
        return row.code or "", "left", 0
    if kind == "name":
        return row.name, "left", indent(row)
    return text, "left" if string else "right", 0


def _fits_page(g: Grid, cells: _Cells, layout: _TableLayout) -> bool:
    """Whether the table's body rows, as wrapped in their columns, take less than half
    the page: a table that short is kept on one page."""
    line = table_line(layout.size)
    column = layout.size / 2  # points per display column
    room = [(w - 2 * CELL_PADDING) / _TWIPS_PER_PT / column for w in layout.widths]
    height = 0.0
    for line_rows, texts, strings in zip(g.lines, cells.texts, cells.strings, strict=True):
        lines = 1
        for col, column_kind in enumerate(c.kind for c in g.columns):
            row = g.row_at(line_rows, col)
            if row is not None:
                text, _, steps = _cell_text(row, column_kind, texts[col], strings[col])
                lines = max(lines, math.ceil((_measure(text) + 2 * steps) / max(room[col], 1.0)))
        height += lines * line + 2 * CELL_PADDING_VERTICAL / _TWIPS_PER_PT
    return height < _text_height(layout.landscape) / 2


def _toc_line(entries: list[tuple[int, str]]) -> float:
    """The 目录's line pitch: :data:`TOC_LINE`, closed up (to :data:`TOC_MIN_LINE` at
    most) so that the entries hold on the page under the title."""
    per_line = _text_width(False) / (TOC_SIZE * _TWIPS_PER_PT) - 2  # ems; 2 for the page number
    lines = sum(math.ceil((ems(text) + 2 * (level - 1)) / per_line) for level, text in entries)
    firsts = sum(1 for level, _ in entries if level == 1)
    room = (_text_height(False) - TOC_TITLE_SIZE * 1.5 - TOC_TITLE_AFTER - TOC1_BEFORE * firsts
            - TOC_LINE)  # a line to spare: the estimate may err
    if not lines:
        return TOC_LINE
    return max(TOC_MIN_LINE, min(TOC_LINE, math.floor(room / lines * 2) / 2))


CORE_PROPERTY_MAX = 255  # python-docx refuses longer document properties


def _core_property(text: str) -> str:
    """A document property (title, author): XML characters only, cut to the length allowed."""
    text = dx.xml_chars(text)
    if len(text) > CORE_PROPERTY_MAX:
        text = text[: CORE_PROPERTY_MAX - 1] + "…"
    return text


def _set_fonts(rfonts: Any, latin: str, east_asian: str) -> None:
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:cs"), latin)


def _clear_theme_color(style: Any) -> None:
    for color in style.iter(qn("w:color")):
        for attr in ("themeColor", "themeShade", "themeTint"):
            color.attrib.pop(qn(f"w:{attr}"), None)
        color.set(qn("w:val"), "000000")


def _first_line_chars(ppr: Any, chars: int, size: float) -> None:
    """First-line indent in characters (``firstLineChars``, with the twips for readers
    that ignore it)."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(100 * chars))
    ind.set(qn("w:firstLine"), _twips(size * chars))
    ind.attrib.pop(qn("w:hanging"), None)
