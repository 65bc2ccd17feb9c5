"""DOCX rendering: the file read back with python-docx and its XML, and converted with LibreOffice."""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from lxml import etree

from juesuan.content import Chart, Document, Part, Section, Series
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.render.docx import (
    GOVERNMENT_FONTS,
    NOTO_FONTS,
    WINDOWS_FONTS,
    balanced_indents,
    break_points,
    document_to_docx,
    ems,
)
from juesuan.render.layout import grid
from juesuan.tables.table import Column, Row, Table

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def data(document: Document) -> bytes:
    return document_to_docx(document)


@pytest.fixture(scope="module")
def opened(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def body_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


def expected_headings(doc: Document) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(sections: tuple[Section, ...], level: int) -> None:
        for section in sections:
            out.append((f"Heading {level}", section.heading))
            walk(section.subsections, level + 1)

    for part in doc.printed_parts():
        out.append(("Heading 1", part.heading))
        walk(part.sections, 2)
    return out


def captioned_tables(opened: Any) -> dict[str, Any]:
    """Each table of the document under the caption paragraph before it (表N 标题)."""
    found: dict[str, Any] = {}
    caption = None
    for block in opened.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.style is not None and block.style.name == "表格标题":
                caption = block.text
        elif caption is not None:
            found[caption] = block
            caption = None
    return found


def header_cells(tbl: Any) -> set[tuple[str, int, int, int, int]]:
    """(text, row, col, rowspan, colspan) of the header, rebuilt from gridSpan/vMerge."""
    rows = [tr for tr in tbl._tbl.tr_lst if tr.trPr is not None
            and tr.trPr.find(qn("w:tblHeader")) is not None]
    starts: dict[tuple[int, int], list[Any]] = {}
    for r, tr in enumerate(rows):
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            vmerge = tc.vMerge
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if vmerge == "continue":
                owner = next(k for k in sorted(starts, reverse=True) if k[1] == col
                             and k[0] < r and starts[k][1] == span)
                starts[owner][2] += 1
            else:
                starts[(r, col)] = [text, span, 1]
            col += span
    return {(text, r, c, rowspan, span) for (r, c), (text, span, rowspan) in starts.items()}


def test_opens_a4_with_title_and_properties(opened: Any, document: Document) -> None:
    section = opened.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert opened.core_properties.title == document.title
    assert opened.core_properties.author == document.department
    texts = [p.text for p in opened.paragraphs]
    assert texts[:2] == ["测试局", "2024年度部门决算"]  # the cover: department, then the year


def test_headings_for_every_part_and_section_in_order(opened: Any, document: Document) -> None:
    headings = [(p.style.name, p.text) for p in opened.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == expected_headings(document)


def style_font(opened: Any, name: str) -> tuple[str, float | None, bool]:
    """(East Asian font, size in points, bold) a style names."""
    style = opened.styles[name]
    east_asian = style.element.rPr.rFonts.get(qn("w:eastAsia"))
    size = style.font.size.pt if style.font.size is not None else None
    return east_asian, size, bool(style.font.bold)


def test_styles_name_the_fonts_of_government_pcs(opened: Any) -> None:
    """黑体 headings, 楷体_GB2312 subheadings, 仿宋_GB2312 三号 text, 小标宋 title, 宋体
    tables at a smaller size, Times New Roman digits."""
    assert style_font(opened, "Normal") == ("仿宋_GB2312", 16.0, False)
    assert style_font(opened, "Heading 1")[0] == "黑体"
    assert style_font(opened, "Heading 2")[:2] == ("黑体", 16.0)
    assert style_font(opened, "Heading 3")[:2] == ("楷体_GB2312", 16.0)
    assert style_font(opened, "封面标题")[0] == "方正小标宋简体"
    table_font, table_size, _ = style_font(opened, "表格文字")
    assert table_font in ("宋体", "仿宋_GB2312") and table_size is not None and table_size < 16
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "表格文字", "封面标题"):
        rfonts = opened.styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:ascii")) == "Times New Roman"
        assert not any(k.endswith("Theme") or k.endswith("theme") for k in rfonts.attrib), name
    for name in ("Heading 1", "Heading 2", "Heading 3"):  # drives the navigation pane
        assert opened.styles[name].element.pPr.find(qn("w:outlineLvl")) is not None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def font_table(data: bytes) -> dict[str, dict[str, str]]:
    """Per font of word/fontTable.xml: its children's values (altName, charset, …)."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml"))
    return {font.get(f"{W}name"): {child.tag[len(W):]: child.get(f"{W}val") for child in font}
            for font in root.iter(f"{W}font")}


def test_font_table_declares_what_stands_in_for_each_font(data: bytes) -> None:
    fonts = font_table(data)
    for name, alt in (("方正小标宋简体", "宋体"), ("楷体_GB2312", "楷体"), ("仿宋_GB2312", "仿宋"),
                      ("黑体", "SimHei"), ("宋体", "SimSun")):
        entry = fonts[name]
        assert entry["altName"] == alt, name
        assert entry["charset"] == "86", name  # GB2312
        assert entry["family"] and entry["pitch"], name
    assert fonts["仿宋_GB2312"]["panose1"] == "02010609030101010101"
    assert fonts["黑体"]["panose1"] == "02010609060101010101"
    assert len(fonts) == len(set(fonts))  # one entry a font


def test_every_run_names_its_east_asian_font(data: bytes) -> None:
    xml = body_xml(data)
    runs = re.findall(r"<w:r>(.*?)</w:r>", xml, re.S)
    assert runs
    fonts = {GOVERNMENT_FONTS.east_asian(kind)
             for kind in ("body", "heading", "subheading", "title", "table")}
    named = set()
    for run in runs:
        if "<w:t" not in run:
            continue
        match = re.search(r'w:eastAsia="([^"]+)"', run)
        assert match is not None and match.group(1) in fonts, run[:200]
        named.add(match.group(1))
    assert named == fonts
    assert "Noto" not in xml


@pytest.mark.parametrize("fonts", [NOTO_FONTS, WINDOWS_FONTS])
def test_other_font_choices(document: Document, fonts: Any) -> None:
    data = document_to_docx(document, fonts=fonts)
    xml = body_xml(data)
    assert f'w:eastAsia="{fonts.body}"' in xml and f'w:eastAsia="{fonts.heading}"' in xml
    assert "GB2312" not in xml and "方正" not in xml
    assert font_table(data)[fonts.heading]["charset"] == "86"


def test_body_paragraphs_indent_two_characters(opened: Any) -> None:
    ind = opened.styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    body = next(p for p in opened.paragraphs if p.text == "负责全区财政工作。")
    assert body.style.name == "Normal"


def test_placeholders_highlighted(data: bytes) -> None:
    xml = body_xml(data)
    runs = re.findall(r"<w:r>(.*?)</w:r>", xml, re.S)
    gaps = [run for run in runs if "【待填写：" in run]
    assert len(gaps) == 2  # 增减原因 and 机构设置
    assert all('<w:highlight w:val="yellow"/>' in run for run in gaps)
    assert all("【待填写：" not in run for run in runs if "highlight" not in run)


def test_every_table_has_its_header_merged_as_the_grid(opened: Any, document: Document) -> None:
    tables = captioned_tables(opened)
    for table in document.tables():
        tbl = tables[table.heading]
        g = grid(table)
        want = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in g.header}
        assert header_cells(tbl) == want, table.heading
        assert len(tbl._tbl.tblGrid.gridCol_lst) == len(g.columns)
        assert len(tbl._tbl.tr_lst) == g.depth + len(g.lines)


def test_merges_in_xml_and_header_rows_repeat(opened: Any, small: Any) -> None:
    tables = captioned_tables(opened)
    summary = tables["表1 收入支出决算总表"]
    first = summary._tbl.tr_lst[0]
    spans = [(tc.grid_span, "".join(t.text for t in tc.iter(qn("w:t")))) for tc in first.tc_lst]
    assert spans == [(2, "收入"), (2, "支出")]  # banners across 项目 and 决算数
    three_public = tables["表7 财政拨款“三公”经费支出决算表"]
    xml = three_public._tbl.xml
    assert 'w:vMerge w:val="restart"' in xml and re.search(r"<w:vMerge/>", xml)
    for tbl in tables.values():
        header = [tr for tr in tbl._tbl.tr_lst
                  if tr.trPr.find(qn("w:tblHeader")) is not None]
        body = tbl._tbl.tr_lst[len(header):]
        assert header and tbl._tbl.tr_lst[: len(header)] == header  # the first rows only
        assert all(tr.trPr.find(qn("w:tblHeader")) is None for tr in body)


def cell_texts(tbl: Any) -> list[list[tuple[str, Any]]]:
    """Body rows: (text, paragraph) per cell."""
    rows = []
    for tr in tbl._tbl.tr_lst:
        if tr.trPr.find(qn("w:tblHeader")) is not None:
            continue
        cells = []
        for tc in tr.tc_lst:
            p = tc.find(qn("w:p"))
            cells.append(("".join(t.text for t in p.iter(qn("w:t"))), p))
        rows.append(cells)
    return rows


def test_known_figures_aligned_and_totals_bold(opened: Any) -> None:
    income = captioned_tables(opened)["表2 收入决算表"]
    rows = cell_texts(income)
    line = next(r for r in rows if r[0][0] == "2010601")
    texts = [text for text, _ in line]
    assert "1.23" in texts  # 其他收入 12 250 元, half-up
    assert "1,511.89" in texts
    p = line[texts.index("1.23")][1]
    assert p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
    name = line[1][1]
    assert name.pPr.find(qn("w:jc")).get(qn("w:val")) == "left"
    total = next(r for r in rows if r[1][0] == "合计")
    amounts = [p for text, p in total if text and text != "合计"]
    assert amounts and all(p.find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:b')}") is not None
                           for p in amounts)


def test_tables_have_borders_title_unit_and_notes(opened: Any, document: Document) -> None:
    texts = [p.text for p in opened.paragraphs]
    for table in document.tables():
        assert table.heading in texts
        for note in table.notes:
            assert note in texts
    assert "编制部门：测试局\t单位：万元" in texts
    tbl = captioned_tables(opened)["表2 收入决算表"]
    borders = tbl._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.tag.split("}")[1] for child in borders} >= {"top", "bottom", "insideH",
                                                              "insideV"}


C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def chart_parts(data: bytes) -> list[Any]:
    """The chart parts of the document, in order (word/charts/chart1.xml, …), parsed."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = sorted((n for n in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n)),
                   key=lambda n: int(re.sub(r"\D", "", n)))
    return [etree.fromstring(archive.read(n)) for n in names]


def cached(element: Any, path: str) -> list[str]:
    """The cached values under ``path`` (c:cat or c:val) of a series."""
    return [v.text for v in element.findall(f"{C}{path}//{C}pt/{C}v")]


def test_charts_are_word_charts_with_their_data(data: bytes, opened: Any,
                                                document: Document) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert not [n for n in archive.namelist() if n.startswith("word/media/")]  # no pictures
    charts = chart_parts(data)
    assert len(charts) == len(document.charts())
    assert len(opened.inline_shapes) == len(document.charts())
    kinds = {"pie": "pieChart", "bar": "barChart", "grouped_bar": "barChart"}
    for chart, part in zip(document.charts(), charts, strict=True):
        assert part.tag == f"{C}chartSpace"
        assert part.find(f"{C}chart/{C}plotArea/{C}{kinds[chart.kind]}") is not None
        # The text of the chart is in the CJK font.
        assert {e.get("typeface") for e in part.iter(f"{A}ea")} == {GOVERNMENT_FONTS.heading}
    texts = [p.text for p in opened.paragraphs]
    for n, chart in enumerate(document.charts(), 1):
        assert f"图{n}：{chart.title}" in texts
    xml = body_xml(data)
    assert "财政拨款收入" in xml and "1,672.64" in xml  # the pie's data table
    assert '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id=' in xml


def test_chart_figures_are_the_decimals_rounded_half_up(data: bytes) -> None:
    pie, bars, grouped = chart_parts(data)
    ser = pie.find(f".//{C}ser")
    # The pie: positive slices only (事业收入 is blank), the legend with the amounts.
    assert cached(ser, "cat") == ["财政拨款收入  1,672.64", "其他收入  1.23"]
    assert cached(ser, "val") == ["1672.64", "1.23"]
    # Shares half-up from the Decimals: 1 672.64 / 1 673.87 = 99.926…%; 其他收入 is under
    # 4 % and left unlabelled (the legend and the table have it).
    labels = ser.findall(f"{C}dLbls/{C}dLbl")
    assert [t.text for t in labels[0].iter(f"{A}t")] == ["99.93%"]
    assert labels[1].find(f"{C}delete").get("val") == "1"
    # Bars: one value per category, labelled #,##0.00.
    assert cached(bars.find(f".//{C}ser"), "val") == ["1511.89", "160.75"]
    assert bars.find(f".//{C}ser/{C}dLbls/{C}numFmt").get("formatCode") == "#,##0.00"
    assert bars.find(f".//{C}ser/{C}dLbls/{C}showVal").get("val") == "1"
    assert [cached(s, "val") for s in grouped.iter(f"{C}ser")] == [["1700.00", "10.00"],
                                                                    ["1664.27", "8.37"]]
    assert grouped.find(f".//{C}legend") is not None


def test_chart_data_opens_in_a_workbook(data: bytes, document: Document) -> None:
    """编辑数据 in Word opens the embedded workbook: the chart's data, where its formulas
    point."""
    import openpyxl

    archive = zipfile.ZipFile(io.BytesIO(data))
    rels = etree.fromstring(archive.read("word/charts/_rels/chart3.xml.rels"))
    target = rels[0].get("Target")
    assert target.startswith("../embeddings/") and target.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(archive.read("word/" + target[3:])))
    sheet = book["Sheet1"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows == [[None, "预算数", "决算数"], ["基本支出", 1700, 1664.27],
                    ["项目支出", 10, 8.37]]
    assert sheet["B2"].number_format == "#,##0.00"
    part = chart_parts(data)[2]
    refs = [f.text for f in part.iter(f"{C}f")]
    assert refs[:3] == ["Sheet1!$B$1", "Sheet1!$A$2:$A$3", "Sheet1!$B$2:$B$3"]


def test_many_categories_make_horizontal_bars_within_a_page(document: Document) -> None:
    n = 60
    chart = Chart("many", "多项", "grouped_bar", tuple(f"项目{i}（2010{i:03d}）" for i in range(n)),
                  (Series("预算数", tuple(Decimal(i) for i in range(n))),
                   Series("决算数", tuple(Decimal(i) + Decimal("0.005") for i in range(n)))))
    few = replace(chart, categories=chart.categories[:12],
                  series=tuple(replace(s, values=s.values[:12]) for s in chart.series))
    section = Section("explanation.many", "多项", charts=(chart, few))
    parts = (*document.parts, replace(document.parts[-1], key="more", sections=(section,)))
    data = document_to_docx(replace(document, parts=parts))
    dense, roomy = chart_parts(data)[-2:]
    for part in (dense, roomy):
        assert part.find(f".//{C}barDir").get("val") == "bar"
        assert part.find(f".//{C}catAx/{C}scaling/{C}orientation").get("val") == "maxMin"
    assert cached(dense.findall(f".//{C}ser")[1], "val")[1] == "1.01"  # half-up
    # Twelve categories get every label and every amount; sixty get a page and no amounts.
    assert roomy.find(f".//{C}catAx/{C}tickLblSkip").get("val") == "1"
    assert {e.get("val") for e in roomy.iter(f"{C}showVal")} == {"1"}
    assert dense.find(f".//{C}catAx/{C}tickLblSkip") is None
    assert {e.get("val") for e in dense.iter(f"{C}showVal")} == {"0"}
    inline = docx.Document(io.BytesIO(data)).inline_shapes
    heights = [shape.height for shape in inline][-2:]
    assert heights[1] < heights[0] <= Cm(22.1)
    assert all(shape.width == Cm(15) for shape in inline)


def test_chart_without_data_is_a_picture_of_its_note(document: Document) -> None:
    empty = Chart("empty", "空", "pie", ("甲",), (Series("决算数", (Decimal(0),)),))
    section = Section("explanation.empty", "空", charts=(empty,))
    parts = (*document.parts, replace(document.parts[-1], key="more", sections=(section,)))
    data = document_to_docx(replace(document, parts=parts))
    archive = zipfile.ZipFile(io.BytesIO(data))
    media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(media) == 1 and archive.read(media[0]).startswith(b"\x89PNG")
    assert len(chart_parts(data)) == len(document.charts())  # the others are still charts
    opened = docx.Document(io.BytesIO(data))
    assert len(opened.inline_shapes) == len(document.charts()) + 1
    ids = re.findall(r'<wp:docPr id="(\d+)"', body_xml(data))
    assert len(ids) == len(set(ids))  # drawing ids are unique


def test_same_document_same_bytes(document: Document) -> None:
    from datetime import datetime

    stamp = datetime(2025, 1, 1)
    assert document_to_docx(document, created=stamp) == document_to_docx(document, created=stamp)


def test_footer_page_fields(opened: Any) -> None:
    footer = opened.sections[0].footer._element.xml
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", footer)
    assert [i.strip() for i in instructions] == ["PAGE", "NUMPAGES"]
    text = re.sub(r"<[^>]+>", "", footer)
    assert "第" in text and "页 共" in text
    assert opened.sections[0].different_first_page_header_footer  # no number on the cover
    assert all(not s.different_first_page_header_footer for s in opened.sections[1:])


def test_toc_field_with_static_entries(data: bytes, document: Document) -> None:
    xml = body_xml(data)
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-2" \\h \\z \\u </w:instrText>', xml)
    toc = re.findall(r'<w:pStyle w:val="TOC1"/>.*?</w:p>', xml, re.S)
    entries = [texts(p) for p in toc]
    assert entries == [part.heading for part in document.parts]
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    # Every TOC entry links to a bookmark that exists.
    links = re.findall(r'<w:hyperlink w:anchor="([^"]+)"[^>]*>(.*?)</w:hyperlink>', xml, re.S)
    marked = dict(re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"/>(.*?)<w:bookmarkEnd',
                             xml, re.S))
    assert len(links) == len(entries) + sum(len(p.sections) for p in document.parts)
    for anchor, inner in links:
        assert texts(inner) == texts(marked[anchor])


def texts(xml: str) -> str:
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def all_text(data: bytes) -> str:
    """The text of every XML part of the file (body, footers, charts, properties)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return "".join(re.sub(r"<[^>]+>", "", archive.read(n).decode("utf-8"))
                   for n in archive.namelist() if n.endswith(".xml"))


def test_findings_are_never_printed(data: bytes, document: Document) -> None:
    """The findings belong to the review: no heading, no 目录 entry, no table of them."""
    assert document.findings  # the sample has one of each severity
    text = all_text(data)
    assert "检查结果" not in text and "检查未发现问题" not in text
    for finding in document.findings:
        assert finding.rule not in text and finding.message not in text
    assert "1,683.86" not in text  # the finding's 实为


def test_a_part_with_nothing_in_it_is_left_out(document: Document) -> None:
    """An empty 附件 (or a part of sections without text, tables or charts) takes no page
    and no 目录 entry."""
    parts = (*document.parts, Part("attachments", "附件", (Section("attachments.none", "空"),)),
             Part("glossary", "第四部分 名词解释", (Section("glossary.terms", "名词解释",
                                                      ("财政拨款收入：……",)),)))
    doc = replace(document, parts=parts)
    assert [p.heading for p in doc.printed_parts()] == [p.heading for p in parts if p.key != "attachments"]
    data = document_to_docx(doc)
    opened: Any = docx.Document(io.BytesIO(data))
    texts = [p.text for p in opened.paragraphs]
    assert "附件" not in texts and "空" not in texts
    assert "第四部分 名词解释" in texts
    assert [p.text for p in opened.paragraphs if p.style.name == "toc 1"][-1] == "第四部分 名词解释"


def wide_table(table: Table) -> Table:
    """The table with its columns repeated: too wide for a portrait page."""
    columns = tuple(replace(c, key=f"{c.key}{n}") for n in range(3) for c in table.columns)
    rows = tuple(replace(r, values=r.values * 3, errors=()) for r in table.rows)
    return replace(table, columns=columns, rows=rows, title="宽表")


def test_wide_tables_get_landscape_pages(document: Document, small: Any) -> None:
    wide = wide_table(small[2])
    parts = (*document.parts[:1],
             replace(document.parts[1], sections=(Section("tables.wide", "宽表", tables=(wide,)),
                                                  *document.parts[1].sections[1:])),
             *document.parts[2:])
    opened: Any = docx.Document(io.BytesIO(document_to_docx(replace(document, parts=parts))))
    orientations = [s.orientation for s in opened.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT
    assert WD_ORIENT.LANDSCAPE in orientations
    assert orientations[-1] == WD_ORIENT.PORTRAIT  # back to portrait for the next table
    landscape = next(s for s in opened.sections if s.orientation == WD_ORIENT.LANDSCAPE)
    assert landscape.page_width > landscape.page_height
    widths = [int(c.get(qn("w:w"))) for c in captioned_tables(opened)["表2 宽表"]._tbl.tblGrid]
    text_width = (landscape.page_width - landscape.left_margin - landscape.right_margin) / 635
    assert abs(sum(widths) - text_width) < 40  # fills the landscape page


@pytest.mark.parametrize("name", ["shanghai-putuo-czj-2024", "suizhou-zwfw-2020"])
def test_examples(name: str) -> None:
    filing = load_filing(ROOT / "examples" / f"{name}.yaml").filing
    doc = build_document(filing, scheme=scheme_for(filing))
    opened: Any = docx.Document(io.BytesIO(document_to_docx(doc)))
    headings = [(p.style.name, p.text) for p in opened.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == expected_headings(doc)
    assert len(captioned_tables(opened)) == len(doc.tables())


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_to_pdf(tmp_path: Path, data: bytes, document: Document) -> None:
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pdf = convert(tmp_path, data)  # the fonts of government PCs: LibreOffice substitutes
    assert pdf.exists() and pdf.stat().st_size > 0
    with pdfplumber.open(pdf) as opened:
        pages = [page.extract_text() or "" for page in opened.pages]
    text = normalise("\n".join(pages))
    assert normalise(document.title) in normalise(pages[0])
    assert "1,511.89" in text and "1.23" in text
    assert "表2收入决算表" in text
    assert "第2页共" in text and "检查结果" not in text
    # the cover alone (no page number), the 目录 alone, then the first part
    assert "页" not in pages[0]
    assert normalise(pages[1]).startswith("目录") and "负责全区财政工作" not in pages[1]
    assert normalise(pages[2]).startswith(normalise(document.parts[0].heading))


@pytest.mark.parametrize("values", [("0.95", "0"), ("1.21", "0.76"), ("1511.89", "160.75"),
                                    ("0", "0")])
def test_value_axis_labels_carry_the_places_of_its_step(values: tuple[str, ...]) -> None:
    """0.2 steps print 0.2, 0.4 (not 0, 0); steps of 500 print no decimals."""
    from juesuan.render.docx_chart import chart_xml

    chart = Chart("c", "三公", "grouped_bar", ("公务接待费", "其他 <&>"),
                  (Series("预算数", tuple(Decimal(v) for v in values)),
                   Series("决算数", (None, Decimal(0)))))
    part = etree.fromstring(chart_xml(chart, "黑体"))
    axis = part.find(f".//{C}valAx")
    step = Decimal(axis.find(f"{C}majorUnit").get("val"))
    code = axis.find(f"{C}numFmt").get("formatCode")
    places = len(code.split(".")[1]) if "." in code else 0
    assert places == max(0, -step.normalize().as_tuple().exponent)
    assert Decimal(axis.find(f"{C}scaling/{C}max").get("val")) >= max(Decimal(v) for v in values)
    assert cached(part.find(f".//{C}ser"), "cat") == ["公务接待费", "其他 <&>"]
    assert cached(part.findall(f".//{C}ser")[1], "val") == ["0.00"]  # the blank is a gap


def test_characters_xml_cannot_hold_are_left_out(document: Document) -> None:
    """A control character in a name (a filing may carry one) leaves a valid file."""
    table = document.tables()[1]
    rows = (replace(table.rows[0], name=table.rows[0].name + "\x01\x0b"), *table.rows[1:])
    odd = replace(table, rows=rows)
    chart = Chart("odd", "图\x02", "bar", ("甲\x1f",), (Series("决算数\x00", (Decimal(1),)),))
    section = Section("explanation.odd", "说明\x0c", ("正文\x08。",), tables=(odd,), charts=(chart,))
    parts = (*document.parts, replace(document.parts[-1], key="more", sections=(section,)))
    data = document_to_docx(replace(document, parts=parts))
    opened: Any = docx.Document(io.BytesIO(data))
    texts = [p.text for p in opened.paragraphs]
    assert "正文。" in texts and "说明" in texts
    assert table.rows[0].name in body_xml(data)
    part = chart_parts(data)[-1]
    assert cached(part.find(f".//{C}ser"), "cat") == ["甲"]


# --------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def examples() -> dict[str, tuple[Document, bytes]]:
    """Both examples' documents and their DOCX, as `juesuan report` makes them."""
    out = {}
    for name in ("shanghai-putuo-czj-2024", "suizhou-zwfw-2020"):
        filing = load_filing(ROOT / "examples" / f"{name}.yaml").filing
        doc = build_document(filing, scheme=scheme_for(filing))
        out[name] = (doc, document_to_docx(doc))
    return out


def body_blocks(data: bytes) -> list[Any]:
    """The body's paragraphs, tables and final sectPr, in order."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return list(root.find(f"{W}body"))


def own_section(block: Any) -> Any:
    return block.find(f"{W}pPr/{W}sectPr")


def sections_of(blocks: list[Any]) -> list[Any]:
    """The sectPr of the section each block is in (a section's properties are carried by
    its last paragraph, the last section's by the body)."""
    result: list[Any] = [None] * len(blocks)
    current = None
    for i in reversed(range(len(blocks))):
        block = blocks[i]
        own = block if block.tag == f"{W}sectPr" else own_section(block)
        current = own if own is not None else current
        result[i] = current
    return result


def style_of(block: Any) -> str | None:
    style = block.find(f"{W}pPr/{W}pStyle")
    return None if style is None else style.get(f"{W}val")


def block_text(block: Any) -> str:
    return "".join(t.text or "" for t in block.iter(f"{W}t"))


def is_landscape(sect: Any) -> bool:
    return sect.find(f"{W}pgSz").get(f"{W}orient") == "landscape"


def text_width(sect: Any) -> int:
    """Width between the margins of the section's page, in twips."""
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    return int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))


@pytest.mark.parametrize("name", ["shanghai-putuo-czj-2024", "suizhou-zwfw-2020"])
def test_each_table_in_one_section_from_heading_to_notes(
        name: str, examples: dict[str, tuple[Document, bytes]]) -> None:
    """A table's heading, caption, unit line, rows and notes are in one section, whose page
    holds its width: a wide table is landscape from its first to its last row."""
    doc, data = examples[name]
    blocks = body_blocks(data)
    sections = sections_of(blocks)
    # every table, and each chart's data, and nothing else (the findings' table is gone)
    assert sum(b.tag == f"{W}tbl" for b in blocks) == len(doc.tables()) + len(doc.charts())
    landscape = 0
    for i, block in enumerate(blocks):
        if block.tag != f"{W}tbl":
            continue
        sect = sections[i]
        width = sum(int(c.get(f"{W}w")) for c in block.iter(f"{W}gridCol"))
        assert width <= text_width(sect) + 20, block_text(blocks[i - 2])
        start = i - 1
        while style_of(blocks[start]) in ("TableInfo", "TableCaption"):
            start -= 1
        if (style_of(blocks[start]) or "").startswith("Heading"):  # the heading over it
            assert sections[start] is sect, block_text(blocks[start])
        assert all(sections[j] is sect for j in range(start + 1, i))
        end = i + 1
        while end < len(blocks) and style_of(blocks[end]) == "TableNote":
            assert sections[end] is sect
            end += 1
        if width > text_width(sections[0]) + 20:  # wider than a portrait page
            assert is_landscape(sect)
            landscape += 1
    if name.startswith("suizhou"):
        assert landscape >= 3  # 表2, 表3, 表4 and self-evaluation forms


@pytest.mark.parametrize("name", ["shanghai-putuo-czj-2024", "suizhou-zwfw-2020", "sample"])
def test_no_empty_paragraph_to_make_an_empty_page(
        name: str, examples: dict[str, tuple[Document, bytes]], data: bytes) -> None:
    """Every paragraph holds something, but the one a point high that ends a section right
    after a table; a section break is never followed by a page break of its own."""
    blocks = body_blocks(data if name == "sample" else examples[name][1])
    breaks = 0
    for i, block in enumerate(blocks):
        if block.tag != f"{W}p":
            continue
        sect = own_section(block)
        if not block_text(block) and block.find(f".//{W}drawing") is None:
            spacing = block.find(f"{W}pPr/{W}spacing")
            assert sect is not None and blocks[i - 1].tag == f"{W}tbl", etree.tostring(block)[:300]
            assert spacing.get(f"{W}lineRule") == "exact" and int(spacing.get(f"{W}line")) <= 20
        if sect is not None:
            breaks += 1
            following = blocks[i + 1]
            assert following.find(f"{W}pPr/{W}pageBreakBefore") is None, block_text(following)
    if name == "suizhou-zwfw-2020":
        assert breaks >= 2


def keeps(tr: Any) -> bool:
    """Whether every paragraph of the row keeps with the next."""
    return all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p"))


def long_table(key: str, rows: int, notes: tuple[str, ...] = ()) -> Table:
    """A plain table of ``rows`` rows named ``{key}-001``, …"""
    return Table(0, key, f"长表{key}", (Column("amount", "金额"), Column("other", "其他")),
                 tuple(Row(f"r{i}", f"{key}-{i:03d}", (Decimal(i), Decimal(rows - i)))
                       for i in range(1, rows + 1)), notes=notes)


def tables_document(document: Document, tables: list[Table]) -> Document:
    """The sample document with ``tables``, one a section, in place of its tables."""
    sections = tuple(Section(f"tables.{t.key}", f"{n}、{t.title}", tables=(t,))
                     for n, t in enumerate(tables, 1))
    return replace(document, parts=(document.parts[0], replace(document.parts[1], sections=sections)))


@pytest.mark.parametrize("notes", [(), ("注：本表反映本年度情况。", "说明：无。")])
def test_rows_never_split_and_no_page_holds_one_or_two(document: Document,
                                                       notes: tuple[str, ...]) -> None:
    """Rows never split; the header and the first two rows keep with the next, the last
    three keep together (and with the notes); a long table may break in between; a short
    one keeps whole."""
    doc = tables_document(document, [long_table("L", 60, notes), long_table("S", 6, notes)])
    tbls = [b for b in body_blocks(document_to_docx(doc)) if b.tag == f"{W}tbl"]
    for tbl in tbls:
        trs = tbl.findall(f"{W}tr")
        assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in trs)
        header = [tr for tr in trs if tr.find(f"{W}trPr/{W}tblHeader") is not None]
        assert header == trs[:len(header)] and all(keeps(tr) for tr in header)
        body = trs[len(header):]
        assert keeps(body[-1]) == bool(notes)  # the last row, with the notes
        if len(body) == 60:
            assert all(keeps(tr) for tr in body[:2]) and all(keeps(tr) for tr in body[-3:-1])
            assert not any(keeps(tr) for tr in body[2:-3])
        else:
            assert all(keeps(tr) for tr in body[:-1])
    texts = [b for b in body_blocks(document_to_docx(doc)) if style_of(b) == "TableNote"]
    assert [block_text(b) for b in texts] == list(notes) * 2
    for b in texts:  # the notes keep together
        kept = b.find(f"{W}pPr/{W}keepNext") is not None
        assert kept == (block_text(b) != notes[-1])


def test_cover_page_title_and_notices(document: Document) -> None:
    """The department and 2024年度部门决算 on two lines in large 小标宋, the notices under
    them smaller, then 目录 on a page of its own."""
    notices = ("本文件为示例，明细为重建数据。", "不代表该局的真实账目。")
    opened: Any = docx.Document(io.BytesIO(document_to_docx(replace(document, notices=notices))))
    paragraphs = opened.paragraphs
    assert [p.text for p in paragraphs[:4]] == ["测试局", "2024年度部门决算", *notices]
    title, notice = (style_font(opened, p.style.name) for p in (paragraphs[0], paragraphs[2]))
    assert title[0] == "方正小标宋简体" and paragraphs[1].style.name == paragraphs[0].style.name
    assert title[1] is not None and notice[1] is not None and notice[1] < title[1]
    toc = paragraphs[4]
    assert toc.text.replace(" ", "") == "目录" and toc.paragraph_format.page_break_before
    first = next(p for p in paragraphs if p.style.name == "Heading 1")
    assert first.paragraph_format.page_break_before  # the 目录 alone on its page
    assert {p.style.name for p in paragraphs[5:paragraphs.index(first)]} == {"toc 1", "toc 2"}


def test_contents_hold_on_one_page(document: Document) -> None:
    """Many sections close the 目录's lines up, within the page."""
    sections = tuple(Section(f"explanation.s{n}", f"{n}、第{n}项情况说明", (f"第{n}项。",))
                     for n in range(1, 14))
    doc = replace(document, parts=(*document.parts, Part("glossary", "第四部分 名词解释", sections)))
    blocks = body_blocks(document_to_docx(doc))
    entries = [b for b in blocks if style_of(b) in ("TOC1", "TOC2")]
    assert len(entries) == len(doc.printed_parts()) + sum(
        len(p.sections) for p in doc.printed_parts())
    pitches = {int(b.find(f"{W}pPr/{W}spacing").get(f"{W}line")) for b in entries}
    assert len(pitches) == 1
    pitch = pitches.pop() / 20
    sect = sections_of(blocks)[0]
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    height = (int(size.get(f"{W}h")) - int(margins.get(f"{W}top"))
              - int(margins.get(f"{W}bottom"))) / 20
    assert 14 < pitch < 24 and len(entries) * pitch < height - 40


def test_numbering_stays_in_the_text(document: Document) -> None:
    """（一）, 1、 and 一、 are the text's own: no list numbering adds or eats one."""
    written = ("（一）收入情况。", "1、第一项。", "（1）其中一项。", "一是加强管理。")
    section = Section("overview.numbers", "三、编号", written,
                      subsections=(Section("overview.numbers.1", "（一）细项", ("2、第二项。",)),))
    parts = (replace(document.parts[0], sections=(*document.parts[0].sections, section)),
             *document.parts[1:])
    data = document_to_docx(replace(document, parts=parts))
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    for text in (*written, "三、编号", "（一）细项", "2、第二项。"):
        assert text in texts
    assert "<w:numPr>" not in body_xml(data)
    styles = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml"))
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}styleId") in ("Normal", "Heading1", "Heading2", "Heading3", "Heading4"):
            assert style.find(f"{W}pPr/{W}numPr") is None


@pytest.mark.parametrize("n", range(20, 90, 3))
def test_a_long_title_leaves_no_character_alone(n: int) -> None:
    """Lines narrowed to balanced lengths: as many lines as the title takes, the last of
    them at least half as long as the others, less a character or two."""
    text = "决" * n
    size, width = 16.0, 8844  # 三号 on the portrait page (156 mm)
    per_line = width / (size * 20)
    indents = balanced_indents(text, size, width)
    if n <= per_line:
        assert indents is None
        return
    if indents is None:  # the lines as they come are balanced enough
        indents = (0, 0)
    assert indents[0] == indents[1]  # centred
    narrowed = int((width - sum(indents)) / (size * 20))  # characters a line holds
    lines = math.ceil(n / narrowed)
    assert lines == math.ceil(n / int(per_line))
    assert n - (lines - 1) * narrowed >= narrowed / 2 - 2


def test_a_title_breaks_after_the_department(document: Document) -> None:
    text = "第二部分 随州市政务服务和大数据管理局2020年决算情况说明"
    department = "随州市政务服务和大数据管理局"
    head = "第二部分 随州市政务服务和大数据管理局"
    points = break_points(text, department)
    assert len(head) in points and 5 in points  # after the name, after the space
    size, width = 18.0, 8844
    left, right = balanced_indents(text, size, width, points=points) or (0, 0)
    room = (width - left - right) / (size * 20)  # ems
    assert ems(head) <= room < ems(head, most=False) + ems("2020", most=False)
    # in the file: the heading's text whole (no line break), narrowed by its indents
    long_part = replace(document.parts[2], heading=text)
    data = document_to_docx(replace(document, department=department,
                                    title=f"{department}2024年度部门决算",
                                    parts=(*document.parts[:2], long_part)))
    heading = next(p for p in docx.Document(io.BytesIO(data)).paragraphs
                   if p.text == text and p.style.name == "Heading 1")
    fmt = heading.paragraph_format
    assert fmt.left_indent == fmt.right_indent and fmt.left_indent > 0
    assert "<w:br/>" not in heading._p.xml


def convert(tmp_path: Path, data: bytes) -> Path:
    """The DOCX converted to PDF by LibreOffice."""
    source = tmp_path / "document.docx"
    source.write_bytes(data)
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return tmp_path / "document.pdf"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_leaves_no_page_with_one_or_two_rows_of_a_table(
        tmp_path: Path, document: Document) -> None:
    """Tables of 33 to 52 rows, each from the top of its page: some fill a page and a row
    or two; no page holds fewer than three rows of a table that runs across pages."""
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    lengths = {f"T{n:02d}": n for n in range(33, 53)}
    tables = [long_table(key, n, ("注：本表为测试。",) if n % 2 else ()) for key, n in lengths.items()]
    pdf = convert(tmp_path, document_to_docx(tables_document(document, tables)))
    pages: dict[str, list[set[int]]] = {key: [] for key in lengths}
    with pdfplumber.open(pdf) as opened:
        for page in opened.pages:
            found: dict[str, set[int]] = {}
            for key, row in re.findall(r"(T\d\d)-(\d{3})", page.extract_text() or ""):
                found.setdefault(key, set()).add(int(row))
            for key, rows in found.items():
                pages[key].append(rows)
    split = 0
    for key, n in lengths.items():
        assert set().union(*pages[key]) == set(range(1, n + 1)), key  # every row printed
        if len(pages[key]) > 1:
            split += 1
            assert min(len(rows) for rows in pages[key]) >= 3, (key, [len(r) for r in pages[key]])
    assert split >= len(lengths) // 2  # the longer tables do run across pages
