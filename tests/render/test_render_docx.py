"""DOCX rendering: the file read back with python-docx and its XML, and converted with LibreOffice."""

from __future__ import annotations

import io
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

from juesuan.content import Chart, Document, Section, Series
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.render.docx import (
    FINDINGS_HEADING,
    NOTO_FONTS,
    WINDOWS_FONTS,
    document_to_docx,
)
from juesuan.render.layout import grid
from juesuan.tables.table import Table

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

    for part in doc.parts:
        out.append(("Heading 1", part.heading))
        walk(part.sections, 2)
    out.append(("Heading 1", FINDINGS_HEADING))
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
    assert texts[0] == "测试局\n2024年度部门决算"  # the cover, broken after the department


def test_headings_for_every_part_and_section_in_order(opened: Any, document: Document) -> None:
    headings = [(p.style.name, p.text) for p in opened.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == expected_headings(document)


def test_heading_styles_name_cjk_fonts_not_theme_fonts(opened: Any) -> None:
    want = {"Heading 1": NOTO_FONTS.heading, "Heading 2": NOTO_FONTS.heading,
            "Heading 3": NOTO_FONTS.subheading}
    for name, font in want.items():
        element = opened.styles[name].element
        rfonts = element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == font
        assert not any(k.endswith("Theme") or k.endswith("theme") for k in rfonts.attrib), name
        assert element.pPr.find(qn("w:outlineLvl")) is not None  # drives the navigation pane


def test_every_run_names_its_east_asian_font(data: bytes) -> None:
    xml = body_xml(data)
    runs = re.findall(r"<w:r>(.*?)</w:r>", xml, re.S)
    assert runs
    fonts = {NOTO_FONTS.body, NOTO_FONTS.heading, NOTO_FONTS.title}
    for run in runs:
        if "<w:t" not in run:
            continue
        match = re.search(r'w:eastAsia="([^"]+)"', run)
        assert match is not None and match.group(1) in fonts, run[:200]


def test_windows_fonts(document: Document) -> None:
    xml = body_xml(document_to_docx(document, fonts=WINDOWS_FONTS))
    assert 'w:eastAsia="仿宋"' in xml and 'w:eastAsia="黑体"' in xml
    assert "Noto" not in xml


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
        assert {e.get("typeface") for e in part.iter(f"{A}ea")} == {NOTO_FONTS.heading}
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
    assert entries == [part.heading for part in document.parts] + [FINDINGS_HEADING]
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


def test_findings_listed(opened: Any, document: Document) -> None:
    last = [p for p in opened.paragraphs if p.style.name == "Heading 1"][-1]
    assert last.text == FINDINGS_HEADING
    tbl = opened.tables[-1]
    rows = cell_texts(tbl)
    assert len(rows) == len(document.findings)
    for row, finding in zip(rows, document.findings, strict=True):
        assert row[1][0] == finding.severity.label
        assert row[2][0] == finding.rule
        assert finding.message in row[4][0]
    assert "应为 1,683.87" in rows[0][4][0]


def test_no_findings(document: Document) -> None:
    opened = docx.Document(io.BytesIO(document_to_docx(replace(document, findings=()))))
    assert "检查未发现问题。" in [p.text for p in opened.paragraphs]


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
    assert orientations[-1] == WD_ORIENT.PORTRAIT  # back to portrait for 检查结果
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
    source = tmp_path / "document.docx"
    source.write_bytes(data)
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    pdf = tmp_path / "document.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    with pdfplumber.open(pdf) as opened:
        pages = [page.extract_text() or "" for page in opened.pages]
    text = normalise("\n".join(pages))
    assert normalise(document.title) in normalise(pages[0])
    assert "1,511.89" in text and "1.23" in text
    assert "表2收入决算表" in text
    assert "第2页共" in text


@pytest.mark.parametrize(("values", "code"), [(("0.95", "0"), "#,##0.00"), (("1.21", "0.76"), "#,##0.0"),
                                              (("1511.89", "160.75"), "#,##0"), (("0", "0"), "#,##0")])
def test_value_axis_shows_the_decimals_small_amounts_need(values: tuple[str, ...], code: str) -> None:
    from juesuan.render.docx_chart import chart_xml

    chart = Chart("c", "三公", "grouped_bar", ("公务接待费", "其他 <&>"),
                  (Series("预算数", tuple(Decimal(v) for v in values)),
                   Series("决算数", (None, Decimal(0)))))
    part = etree.fromstring(chart_xml(chart, "黑体"))
    assert part.find(f".//{C}valAx/{C}numFmt").get("formatCode") == code
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
