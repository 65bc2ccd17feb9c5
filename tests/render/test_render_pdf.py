"""PDF rendering: the Shanghai example laid out once, its text layer and pages checked.

The document is the one :func:`build_document` makes of the Shanghai example, with
one extra part appended: a table long enough to run over pages (its header must
repeat) and, while the built document has no charts of its own, the sample charts.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from juesuan.content import Document, Part, Section
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.render.html import chart_data
from juesuan.render.layout import grid
from juesuan.render.pdf import document_to_pdf
from juesuan.tables.table import Column, Row, Table

ROOT = Path(__file__).resolve().parents[2]
LONG_HEADER = "长表金额栏"
LONG_ROWS = 120

# CJK Radicals Supplement code points some PDF producers put in ToUnicode maps for the
# ideographs they look like (NFKC maps the Kangxi radicals, U+2F00–U+2FD5, but not these).
RADICALS_SUPPLEMENT = str.maketrans({
    "\u2ea0": "民", "\u2ec4": "西", "\u2ecb": "车", "\u2ed4": "门", "\u2eda": "页",
    "\u2ee2": "马", "\u2ee9": "黄", "\u2e8f": "尢",
})


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(RADICALS_SUPPLEMENT)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Rendered:
    document: Document
    pdf: bytes
    pages: list[str]  # extracted text of each page, normalised
    raw: str  # all extracted text as pdfplumber gives it
    sizes: list[tuple[float, float]]
    graphics: list[int]  # vector objects (curves, rects, lines) per page
    warnings: list[str]  # what WeasyPrint logged at WARNING or above


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def long_table() -> Table:
    rows = tuple(Row(f"r{i}", f"第{i}行", (Decimal(i) * Decimal("1000.5"),))
                 for i in range(1, LONG_ROWS + 1))
    return Table(0, "long", "长表", (Column("amount", LONG_HEADER),), rows)


def with_extras(doc: Document, sample: Document) -> Document:
    sections = [Section("extra.long", "长表", tables=(long_table(),))]
    if not doc.charts():
        sections += [s for p in sample.parts if p.key == "explanation" for s in p.sections]
    extra = Part("attachments", "附：测试内容", tuple(sections))
    return replace(doc, parts=(*doc.parts, extra))


@pytest.fixture(scope="module")
def rendered(document: Document) -> Rendered:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    built = build_document(load_filing(ROOT / "examples" / "shanghai-putuo-czj-2024.yaml").filing)
    doc = with_extras(built, document)
    collect = Collect()
    weasyprint_log = logging.getLogger("weasyprint")
    weasyprint_log.addHandler(collect)
    try:
        pdf = document_to_pdf(doc)
    finally:
        weasyprint_log.removeHandler(collect)
    pages, raw, sizes, graphics = [], [], [], []
    with pdfplumber.open(io.BytesIO(pdf)) as reader:
        for page in reader.pages:
            text = page.extract_text() or ""
            raw.append(text)
            pages.append(normalise(text))
            sizes.append((float(page.width), float(page.height)))
            graphics.append(len(page.curves) + len(page.rects) + len(page.lines))
    return Rendered(doc, pdf, pages, "\n".join(raw), sizes, graphics, collect.messages)


def public_tables(doc: Document) -> list[Table]:
    return [t for t in doc.tables() if 1 <= t.number <= 9]


def test_is_a_pdf_with_metadata(rendered: Rendered) -> None:
    assert rendered.pdf.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(rendered.pdf)) as reader:
        assert reader.metadata["Title"] == rendered.document.title
        assert reader.metadata["Author"] == rendered.document.department


def test_weasyprint_has_nothing_to_complain_about(rendered: Rendered) -> None:
    """No CSS it ignores (SVG styles become attributes), no resource it cannot load."""
    assert rendered.warnings == []


def test_text_layer_has_every_figure_of_the_nine_tables(rendered: Rendered) -> None:
    text = "\n".join(rendered.pages)
    tables = public_tables(rendered.document)
    assert [t.number for t in tables] == list(range(1, 10))
    missing = []
    for table in tables:
        g = grid(table)
        for line in g.lines:
            for col, column in enumerate(g.columns):
                if column.kind == "value" and isinstance(g.value_at(line, col), Decimal):
                    figure = g.text_at(line, col, thousands=True)
                    if figure not in text:
                        missing.append((table.number, figure))
    assert not missing


def test_text_layer_has_every_title_and_row_name(rendered: Rendered) -> None:
    text = squash("".join(rendered.pages))
    for table in rendered.document.tables():
        assert squash(normalise(table.heading)) in text
        for row in table.rows:
            assert squash(normalise(row.name)) in text, (table.heading, row.name)


def test_text_layer_is_real_cjk_text(rendered: Rendered) -> None:
    """WeasyPrint maps each glyph back to the ideograph: no radicals in the text layer."""
    assert not [c for c in rendered.raw if 0x2E80 <= ord(c) <= 0x2FDF]
    assert "部门决算" in rendered.raw and "上海市普陀区财政局" in rendered.raw


def test_every_page_has_its_footer(rendered: Rendered) -> None:
    total = len(rendered.pages)
    assert total > 5
    for number, text in enumerate(rendered.pages, 1):
        assert f"第{number}页共{total}页" in squash(text), number
    assert "第 1 页" in rendered.pages[0]


def test_a4_pages_and_landscape_for_wide_tables(rendered: Rendered) -> None:
    portrait = (595.28, 841.89)
    shapes = {(round(w, 2), round(h, 2)) for w, h in rendered.sizes}
    assert shapes <= {portrait, portrait[::-1]}
    assert rendered.sizes[0] == pytest.approx(portrait, abs=0.01)
    # 表7 (三公, thirteen columns) is printed on a landscape page.
    page = next(i for i, t in enumerate(rendered.pages) if "表7" in t and "三公" in t
                and "决算表" in t and "....." not in t)
    assert rendered.sizes[page][0] > rendered.sizes[page][1]


def test_table_header_repeats_on_every_page(rendered: Rendered) -> None:
    pages = [i for i, t in enumerate(rendered.pages) if "第1行" in t or "第120行" in t
             or re.search(r"第\d+行", t)]
    assert len(pages) >= 2, "the long table should run over pages"
    for i in pages:
        assert LONG_HEADER in rendered.pages[i], f"page {i + 1} lacks the repeated header"


def test_contents_carries_page_numbers(rendered: Rendered) -> None:
    contents = rendered.pages[0] + rendered.pages[1]
    assert "目录" in contents
    first_part = rendered.document.parts[0].heading
    assert re.search(re.escape(squash(first_part)) + r"\.+\d+", squash(contents))


def test_charts_are_drawn_with_their_data(rendered: Rendered) -> None:
    charts = rendered.document.charts()
    assert charts
    for chart in charts:
        caption = squash(normalise(f"{chart.title}数据"))
        page = next(i for i, t in enumerate(rendered.pages) if caption in squash(t))
        assert rendered.graphics[page] > 20  # the SVG's paths are vector graphics
        _, rows = chart_data(chart)
        text = rendered.pages[page] + (rendered.pages[page + 1]
                                       if page + 1 < len(rendered.pages) else "")
        for row in rows:
            for cell in row[1:]:
                assert cell in text


def test_first_page_is_not_blank(rendered: Rendered, tmp_path: Path) -> None:
    source = tmp_path / "document.pdf"
    source.write_bytes(rendered.pdf)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", "-singlefile",
                    str(source), str(tmp_path / "page")], check=True, timeout=60)
    image = Image.open(tmp_path / "page.png").convert("L")
    assert image.size == (414, 585)  # A4 at 50 dpi
    histogram = image.histogram()
    dark = sum(histogram[:100])
    assert dark > 500, "page 1 is blank"
    assert histogram[255] > image.size[0] * image.size[1] // 2  # mostly white paper


def test_same_document_same_bytes() -> None:
    """No date or random id in the file: a tiny document laid out twice is byte-identical."""
    tiny = Document("测试局2024年度部门决算", "测试局", 2024,
                    (Part("glossary", "名词解释", (Section("glossary.terms", "名词解释",
                                                           ("一、财政拨款收入：……",)),)),))
    first = document_to_pdf(tiny)
    assert document_to_pdf(tiny) == first
    assert b"/CreationDate" not in first
