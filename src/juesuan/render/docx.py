"""Word rendering of the whole disclosure document (部门决算公开), with python-docx.

:func:`document_to_docx` lays a :class:`~juesuan.content.Document` out as an
A4 Word file that reads like the published disclosures and stays editable:

* a title page, then 目录: a real Word TOC field (``TOC \\o "1-2" \\h \\z \\u``; Word
  offers to update it on opening, which adds the page numbers) whose cached result
  is the list of part and section headings, each linked to its heading, so it
  reads before any update (LibreOffice shows that list as it is);
* parts as *Heading 1*, sections as *Heading 2*, subsections as *Heading 3* (deeper
  ones *Heading 4*): the built-in styles, so the navigation pane and the TOC work;
  their theme fonts are replaced by explicit fonts so that CJK text shows;
* body paragraphs with a first-line indent of two characters, placeholders
  (【待填写：…】) highlighted yellow;
* every table under its heading (表N 标题), a line with the department and the unit,
  the header of merged cells laid out by :func:`juesuan.render.layout.grid`
  (``gridSpan`` across, ``vMerge`` down) and repeated on every page (``tblHeader``),
  numbers right-aligned with thousands separators, totals bold, borders, a double
  rule between the two sides of a side-by-side table, the notes underneath; tables
  too wide for a portrait page go on a landscape page of their own;
* charts as Word charts (:mod:`juesuan.render.docx_chart`: drawn by Word or LibreOffice,
  editable, their data in an embedded workbook), each followed by its caption and its
  data as a table; a chart without data is matplotlib's picture of 无数据;
* 第 X 页 共 Y 页 in the footer (``PAGE`` and ``NUMPAGES`` fields), none on the title page;
* a last part, 检查结果, listing the findings.

Speed (a filing's document in some 40 ms): the styles, page and settings are set up
once per font choice (:func:`_template`); paragraphs go in through python-docx, but
tables, the bulk of the file, are written as text (:mod:`juesuan.render.docx_xml`)
and spliced into the body's XML when the package is written.

Fonts: every run names its Latin and East Asian fonts (``w:rFonts``). The default,
:data:`NOTO_FONTS`, uses Noto Serif CJK SC for text and Noto Sans CJK SC for headings,
which LibreOffice renders (and embeds in a PDF) wherever ``fonts-noto-cjk`` is
installed; the font table gives Word on Windows 宋体 and 黑体 as substitutes.
:data:`WINDOWS_FONTS` uses the fonts of government documents on Windows (仿宋,
黑体, 楷体, 宋体); LibreOffice without them falls back to another CJK font.
"""

from __future__ import annotations

import io
import re
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
from docx.shared import Cm, Pt, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from juesuan.content import Chart, Document, Section
from juesuan.render import DOCUMENT_TIME
from juesuan.render import docx_xml as dx
from juesuan.render.charts import chart_png, has_data
from juesuan.render.docx_chart import WORKBOOK_RID, chart_size, chart_workbook, chart_xml
from juesuan.render.layout import Grid, display_width, grid, indent
from juesuan.rules.finding import Finding, Severity
from juesuan.tables.table import Column, Row, RowKind, Table

# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class Fonts:
    """Font names written into the document: East Asian ones and the Latin one."""

    body: str  # 正文 (仿宋-style)
    heading: str  # 标题 (黑体-style)
    subheading: str  # 三级标题 (楷体-style)
    title: str  # 封面标题 (小标宋-style)
    latin: str = "Times New Roman"  # digits and Latin letters (tabular digits)


NOTO_FONTS = Fonts("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK SC",
                   "Noto Serif CJK SC")
WINDOWS_FONTS = Fonts("仿宋", "黑体", "楷体", "宋体")

# Font-table entries that let Word substitute a Windows font for a missing Noto font.
_FONT_TABLE_HINTS = {
    "Noto Serif CJK SC": ("宋体", "02020400000000000000", "roman"),
    "Noto Sans CJK SC": ("黑体", "020B0500000000000000", "swiss"),
}

# --------------------------------------------------------------------------- page geometry

A4_WIDTH, A4_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_TOP, MARGIN_BOTTOM = Cm(2.8), Cm(2.5)
MARGIN_LEFT, MARGIN_RIGHT = Cm(2.6), Cm(2.6)

BODY_SIZE = 14.0  # 四号
LINE_PITCH = 28.0  # exact line spacing of body text, points
TABLE_SIZES = (10.5, 9.0)  # 五号, then 小五 for wide tables
CELL_PADDING = 57  # left and right cell margin, twips (0.1 cm)
CELL_PADDING_VERTICAL = 15  # top and bottom, twips
CHART_WIDTH = Cm(15.0)
CHART_DPI = 200

_TWIPS_PER_PT = 20
_EMU_PER_TWIP = 635


def _text_width(landscape: bool) -> int:
    """Width between the margins, in twips."""
    page = A4_HEIGHT if landscape else A4_WIDTH
    return int((page - MARGIN_LEFT - MARGIN_RIGHT) / _EMU_PER_TWIP)


def _orient(section: Any, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    )
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.5)


# --------------------------------------------------------------------------- styles

STYLE_TABLE_TEXT = dx.TABLE_TEXT_STYLE
STYLE_TABLE_CAPTION = "TableCaption"
STYLE_TABLE_INFO = "TableInfo"
STYLE_TABLE_NOTE = "TableNote"
STYLE_FIGURE = "Figure"
STYLE_FIGURE_CAPTION = "FigureCaption"
STYLE_COVER_TITLE = "CoverTitle"
STYLE_TOC_TITLE = "TocTitle"
STYLE_TOC = ("TOC1", "TOC2")

_HEADING_STYLES = ("Heading 1", "Heading 2", "Heading 3", "Heading 4")


def document_to_docx(doc: Document, *, fonts: Fonts = NOTO_FONTS,
                     created: datetime | None = None) -> bytes:
    """The document as the bytes of a .docx file.

    ``fonts`` chooses the font names (:data:`NOTO_FONTS` or :data:`WINDOWS_FONTS`);
    ``created`` is the creation time in the document properties (default
    :data:`~juesuan.render.DOCUMENT_TIME`: the same document gives the same bytes).
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
            width = max((_measure(texts[col]) for texts in cells.texts), default=0.0)
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
    """(level, text) of every heading in document order, the 检查结果 part included."""
    def walk(sections: tuple[Section, ...], level: int) -> Iterator[tuple[int, str]]:
        for section in sections:
            yield level, section.heading
            yield from walk(section.subsections, level + 1)

    for part in doc.parts:
        yield 1, part.heading
        yield from walk(part.sections, 2)
    yield 1, FINDINGS_HEADING


FINDINGS_HEADING = "检查结果"
_TABLE_MARK_TARGET = "juesuan-table"
_TABLE_MARK = re.compile(rb"<\?juesuan-table (\d+)\?>")
TOC_LEVELS = 2


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
        return self.fonts.latin, getattr(self.fonts, kind)

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
        self._font_table_hints()

    def _font_table_hints(self) -> None:
        for rel in self.docx.part.rels.values():
            if rel.reltype.endswith("/fontTable") and not rel.is_external:
                part = rel.target_part
                blob = part.blob.decode("utf-8")
                entries = []
                used = {self.fonts.body, self.fonts.heading, self.fonts.subheading,
                        self.fonts.title}
                for name, (alt, panose, family) in _FONT_TABLE_HINTS.items():
                    if name not in used or f'w:name="{name}"' in blob:
                        continue
                    entries.append(
                        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>'
                        f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
                        f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
                    )
                blob = blob.replace("</w:fonts>", "".join(entries) + "</w:fonts>")
                part._blob = blob.encode("utf-8")  # a plain Part: its blob is what is saved

    def _setup_page(self) -> None:
        section = self.docx.sections[0]
        _orient(section, landscape=False)
        section.different_first_page_header_footer = True  # no page number on the cover
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fonts = self._fonts()
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
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(LINE_PITCH)  # exact
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.widow_control = True
        _first_line_chars(normal.element.get_or_add_pPr(), 2, BODY_SIZE)

        heading_specs = (
            # size, bold, centred, font, first-line indent (characters), space before/after
            (16.0, True, True, self.fonts.heading, 0, 12.0, 12.0),
            (BODY_SIZE, False, False, self.fonts.heading, 2, 6.0, 0.0),
            (BODY_SIZE, True, False, self.fonts.subheading, 2, 0.0, 0.0),
            (BODY_SIZE, True, False, self.fonts.body, 2, 0.0, 0.0),
        )
        for name, (size, bold, centred, font, chars, before, after) in zip(
            _HEADING_STYLES, heading_specs, strict=True
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
                            after: float = 0.0, keep: bool = False) -> Any:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.element.set(qn("w:styleId"), style_id)
            style.base_style = normal
            style.quick_style = True
            style.font.size = Pt(size)
            style.font.bold = bold
            rpr = style.element.get_or_add_rPr()
            _set_fonts(rpr.get_or_add_rFonts(), latin, font or self.fonts.body)
            fmt = style.paragraph_format
            fmt.alignment = align
            fmt.space_before = Pt(before)
            fmt.space_after = Pt(after)
            fmt.line_spacing = 1.0
            fmt.keep_with_next = keep
            _first_line_chars(style.element.get_or_add_pPr(), 0, size)
            return style

        centre = WD_ALIGN_PARAGRAPH.CENTER
        paragraph_style(STYLE_TABLE_TEXT, "表格文字", size=TABLE_SIZES[0])
        paragraph_style(STYLE_TABLE_CAPTION, "表格标题", size=15.0, bold=True, align=centre,
                        font=self.fonts.heading, before=6.0, after=6.0, keep=True)
        paragraph_style(STYLE_TABLE_INFO, "表格单位", size=TABLE_SIZES[0], after=3.0, keep=True)
        paragraph_style(STYLE_TABLE_NOTE, "表格注释", size=TABLE_SIZES[0], before=3.0)
        paragraph_style(STYLE_FIGURE, "图片", size=BODY_SIZE, align=centre, before=6.0,
                        keep=True)
        paragraph_style(STYLE_FIGURE_CAPTION, "图题", size=12.0, bold=True, align=centre,
                        font=self.fonts.heading, after=6.0, keep=True)
        paragraph_style(STYLE_COVER_TITLE, "封面标题", size=26.0, bold=True, align=centre,
                        font=self.fonts.title, before=160.0, after=24.0)
        paragraph_style(STYLE_TOC_TITLE, "目录标题", size=18.0, bold=True, align=centre,
                        font=self.fonts.heading, after=18.0)
        width = _text_width(landscape=False)
        for level, style_id in enumerate(STYLE_TOC, 1):
            style = paragraph_style(style_id, f"toc {level}", size=BODY_SIZE,
                                    font=self.fonts.heading if level == 1 else None,
                                    before=6.0 if level == 1 else 0.0)
            style.paragraph_format.left_indent = Pt(BODY_SIZE * 2 * (level - 1))
            style.paragraph_format.line_spacing = Pt(LINE_PITCH)
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
        self.bookmark = 0
        self.figure = 0
        self.prepared: dict[int, tuple[Grid, _Cells, _TableLayout]] = {}  # by id of the table
        self.tables: list[bytes] = []  # written as text, spliced into the body on saving

    def write(self, created: datetime | None) -> None:
        self._setup_properties(created)
        self._cover()
        self._toc()
        for part in self.doc.parts:
            self._part(part.heading, part.key, part.sections)
        self._findings()

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
        return self.fonts.latin, getattr(self.fonts, kind)

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

    def _paragraph(self, style_id: str | None = None) -> Any:
        if style_id is None:
            p = OxmlElement("w:p")
        else:
            p = dx.parse(f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr></w:p>')
        self.sentinel.addprevious(p)  # before the final sectPr (body.add_p looks for it each time)
        self.fresh_page = False
        return p

    def _text(self, text: str, style_id: str | None = None, *, kind: str = "body",
              bold: bool = False, size: float | None = None) -> Any:
        p = self._paragraph(style_id)
        for run in _text_runs(text, self._fonts(kind), bold=bold, size=size):
            p.append(run)
        return p

    @staticmethod
    def _page_break_before(p: Any) -> None:
        p.get_or_add_pPr().pageBreakBefore_val = True

    def _new_page(self, landscape: bool) -> bool:
        """Start a new page (a new section if the orientation changes).

        True if the caller must still put a page break before its first paragraph.
        """
        if landscape != self.landscape:
            section = self.docx.add_section(WD_SECTION.NEW_PAGE)
            _orient(section, landscape=landscape)
            section.different_first_page_header_footer = False
            self.landscape = landscape
            self.fresh_page = True
            return False
        return not self.fresh_page

    def _heading(self, text: str, level: int, *, page: bool = False,
                 landscape: bool = False) -> None:
        brk = self._new_page(landscape) if page else False
        style = _HEADING_STYLES[min(level, len(_HEADING_STYLES)) - 1].replace(" ", "")
        p = self._paragraph(style)
        if brk:
            self._page_break_before(p)
        kind = "heading" if level <= 2 else "subheading" if level == 3 else "body"
        self.bookmark += 1
        p.append(_el("w:bookmarkStart", id=str(self.bookmark), name=f"_Toc{self.bookmark:06d}"))
        for run in _text_runs(text, self._fonts(kind)):
            p.append(run)
        p.append(_el("w:bookmarkEnd", id=str(self.bookmark)))

    # ---- cover and contents

    def _cover(self) -> None:
        """The title, broken after the department's name (上海市普陀区财政局 / 2024年度部门决算)."""
        title, department = self.doc.title, self.doc.department
        if department and title.startswith(department) and title != department:
            title = f"{department}\n{title[len(department):]}"
        self._text(title, STYLE_COVER_TITLE, kind="title")

    def _toc(self) -> None:
        p = self._text("目  录", STYLE_TOC_TITLE, kind="heading")
        self._page_break_before(p)
        entries = [(level, text) for level, text in _headings(self.doc) if level <= TOC_LEVELS]
        fonts_by_level = {1: self._fonts("heading"), 2: self._fonts()}
        bookmarks = self._bookmark_numbers()
        for n, (level, text) in enumerate(entries):
            p = self._paragraph(STYLE_TOC[level - 1])
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

    def _part(self, heading: str, key: str, sections: tuple[Section, ...]) -> None:
        landscape = self._starts_landscape(sections[0]) if sections else False
        self._heading(heading, 1, page=True, landscape=landscape)
        by_page = key in ("tables", "attachments")
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
        p = self._text(caption if caption is not None else table.heading, STYLE_TABLE_CAPTION,
                       kind="heading", size=15.0 if caption is None else 12.0)
        if page_break:
            self._page_break_before(p)
        self._table_info(table, layout.size)
        g, cells, _ = self._prepared(table)
        self._grid_table(g, cells, layout, keep_end=bool(table.notes))
        for note in table.notes:
            self._text(note, STYLE_TABLE_NOTE, size=layout.size)

    def _table_info(self, table: Table, size: float) -> None:
        """编制部门 on the left (the nine public tables), 单位 on the right."""
        p = self._paragraph(STYLE_TABLE_INFO)
        tabs = p.get_or_add_pPr().get_or_add_tabs()
        _sub(tabs, "w:tab", val="right", pos=str(_text_width(self.landscape)))
        fonts = self._fonts()
        if 1 <= table.number <= 9:
            for run in _text_runs(f"编制部门：{self.doc.department}", fonts, size=size):
                p.append(run)
        if table.unit:
            tab = _sub(p, "w:r")
            tab.append(_run_properties(fonts, size=size))
            _sub(tab, "w:tab")
            for run in _text_runs(f"单位：{table.unit}", fonts, size=size):
                p.append(run)

    def _insert_table(self, xml: list[str]) -> None:
        """The table written as the strings ``xml``: a mark before the final sectPr that
        :meth:`save` replaces with them."""
        self.sentinel.addprevious(etree.PI(_TABLE_MARK_TARGET, str(len(self.tables))))
        self.tables.append("".join(xml).encode("utf-8"))
        self.fresh_page = False

    def _grid_table(self, g: Grid, cells: _Cells, layout: _TableLayout, *,
                    keep_end: bool = False) -> None:
        """The table; ``keep_end`` keeps its last row on the page of the paragraph after it."""
        widths, size = layout.widths, layout.size
        fonts = self._fonts()
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
                xml.append(dx.cell_paragraph(text, fonts, align="center", size=size, bold=True))
                xml.append(dx.CELL_END)
                col += cell.colspan
            xml.append(dx.ROW_END)
        kinds = [column.kind for column in g.columns]
        starts = [dx.cell_start(widths[col], 1, None, rules[col]) for col in range(len(kinds))]
        last = len(g.lines)
        for n, (line, texts, strings) in enumerate(zip(g.lines, cells.texts, cells.strings,
                                                       strict=True), 1):
            xml.append(dx.BODY_ROW)
            keep = keep_end and n == last
            for col, kind in enumerate(kinds):
                row = g.row_at(line, col)
                xml.append(starts[col])
                if row is None:
                    xml.append(dx.cell_paragraph("", fonts, align="left", size=size, keep=keep))
                else:
                    bold = row.kind is RowKind.TOTAL
                    if kind == "code":
                        text, align, steps = row.code or "", "left", 0
                    elif kind == "name":
                        text, align, steps = row.name, "left", indent(row)
                    else:
                        text, align, steps = texts[col], "left" if strings[col] else "right", 0
                    xml.append(dx.cell_paragraph(text, fonts, align=align, size=size, bold=bold,
                                                 indent_steps=steps, keep=keep))
                xml.append(dx.CELL_END)
            xml.append(dx.ROW_END)
        xml.append(dx.TABLE_END)
        self._insert_table(xml)

    # ---- charts

    def _chart(self, chart: Chart) -> None:
        self.figure += 1
        p = self._paragraph(STYLE_FIGURE)
        if has_data(chart):
            p.append(self._native_chart(chart))
        else:  # 无数据: matplotlib's note, as a picture
            picture = io.BytesIO(chart_png(chart, dpi=CHART_DPI))
            Paragraph(p, self.docx._body).add_run().add_picture(picture, width=CHART_WIDTH)
        # “：” after the number, not a space: a title that starts with a year (“2024年度与…”)
        # would otherwise read back as one figure “1 2024”
        self._text(f"图{self.figure}：{chart.title}", STYLE_FIGURE_CAPTION, kind="heading")
        data = chart_table(chart)
        g = grid(data)
        cells = _cells(g)
        layout = _table_layout(g, cells)
        if layout.landscape:  # a chart's data stays by its chart, on a portrait page
            layout = _TableLayout(layout.widths, TABLE_SIZES[-1], False)
            scale = _text_width(False) / sum(layout.widths)
            layout = _TableLayout(tuple(int(w * scale) for w in layout.widths), layout.size,
                                  False)
        self._table_info(data, layout.size)
        self._grid_table(g, cells, layout)
        self._text("", STYLE_TABLE_NOTE)

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

    # ---- findings

    def _findings(self) -> None:
        findings = self.doc.findings
        self._heading(FINDINGS_HEADING, 1, page=True, landscape=False)
        counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
        if not findings:
            self._text("检查未发现问题。")
            return
        summary = "，".join(f"{s.label} {counts[s]} 条" for s in Severity if counts[s])
        self._text(f"对本文件的数据和表间关系共检查出 {len(findings)} 条结果：{summary}。"
                   "错误须在公开前更正，警告须逐条核实。")
        headers = ("序号", "级别", "规则", "位置", "说明")
        rows = [_finding_cells(n, f) for n, f in enumerate(findings, 1)]
        size = TABLE_SIZES[-1]
        caps = (6.0, 6.0, 20.0, 24.0)
        needs = [min(max(_measure(r[i]) for r in [headers, *rows]), cap) + 1  # 1: slack
                 for i, cap in enumerate(caps)]
        unit = size / 2 * _TWIPS_PER_PT  # twips per display column
        fixed = [int(w * unit) + 2 * CELL_PADDING for w in needs]
        widths = (*fixed, _text_width(False) - sum(fixed))
        fonts = self._fonts()
        xml = [dx.table_start(widths, CELL_PADDING, CELL_PADDING_VERTICAL), dx.HEADER_ROW]
        for text, width in zip(headers, widths, strict=True):
            xml.append(dx.cell_start(width, shade=True))
            xml.append(dx.cell_paragraph(text, fonts, align="center", size=size, bold=True))
            xml.append(dx.CELL_END)
        xml.append(dx.ROW_END)
        for finding, cells in zip(findings, rows, strict=True):
            xml.append(dx.BODY_ROW)
            for text, width, align in zip(cells, widths,
                                          ("center", "center", "left", "left", "left"),
                                          strict=True):
                xml.append(dx.cell_start(width))
                xml.append(dx.cell_paragraph(
                    text, fonts, align=align, size=size,
                    bold=finding.severity is Severity.ERROR and text == "错误"))
                xml.append(dx.CELL_END)
            xml.append(dx.ROW_END)
        xml.append(dx.TABLE_END)
        self._insert_table(xml)


def _finding_cells(n: int, finding: Finding) -> tuple[str, str, str, str, str]:
    detail = finding.message
    shown = [(label, value) for label, value in (("应为", finding.expected), ("实为", finding.found))
             if value is not None and value not in detail]
    if shown:
        detail += "（" + "，".join(f"{label} {value}" for label, value in shown) + "）"
    return (str(n), finding.severity.label, finding.rule, finding.location.describe(), detail)


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

