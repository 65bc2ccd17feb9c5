"""PDF rendering: the Shanghai example laid out once, its text layer and pages checked.

The document is the one :func:`build_document` makes of the Shanghai example, with
one extra part appended: a table long enough to run over pages (its header must
repeat), a wide one as long (landscape on all its pages), a short section after them
and, while the built document has no charts of its own, the sample charts.
"""

from __future__ import annotations

import ctypes.util
import gc
import io
import itertools
import logging
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from juesuan.content import Document, Part, Section
from juesuan.document.build import build_document
from juesuan.document.typeset import full_width
from juesuan.filing.io import load_filing
from juesuan.render.html import KEEP_ROWS, TAIL, chart_data, document_to_html
from juesuan.render.layout import grid
from juesuan.render.pdf import (
    _fewer_collections,
    _ldconfig_listing,
    _library_finder,
    _user_agent,
    document_to_pdf,
    html_to_pdf,
)
from juesuan.tables.table import Column, Row, Table

ROOT = Path(__file__).resolve().parents[2]
LONG_HEADER = "长表金额栏"
LONG_ROWS = 120
WIDE_COLUMNS = 14
WIDE_ROWS = 70
AFTER_WIDE = "宽表之后的说明"
PAGE_FOOTER = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")

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
    images: list[int]  # pictures per page
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


def wide_table() -> Table:
    """A table too wide for a portrait page and too long for one page: 宽表第1行 …"""
    columns = tuple(Column(f"c{k}", f"宽{k}栏") for k in range(1, WIDE_COLUMNS + 1))
    rows = tuple(Row(f"w{i}", f"宽表第{i}行", tuple(Decimal(i * k) * Decimal("1234.5")
                                                   for k in range(1, WIDE_COLUMNS + 1)))
                 for i in range(1, WIDE_ROWS + 1))
    return Table(0, "wide", "宽表", columns, rows)


def with_extras(doc: Document, sample: Document) -> Document:
    sections = [Section("extra.long", "长表", tables=(long_table(),)),
                Section("extra.wide", "宽表", tables=(wide_table(),)),
                Section("extra.after", AFTER_WIDE, ("宽表之后回到纵向页面。",))]
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
    pages, raw, sizes, graphics, images = [], [], [], [], []
    with pdfplumber.open(io.BytesIO(pdf)) as reader:
        for page in reader.pages:
            text = page.extract_text() or ""
            raw.append(text)
            pages.append(normalise(text))
            sizes.append((float(page.width), float(page.height)))
            graphics.append(len(page.curves) + len(page.rects) + len(page.lines))
            images.append(len(page.images))
    return Rendered(doc, pdf, pages, "\n".join(raw), sizes, graphics, images, collect.messages)


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
        assert squash(normalise(full_width(table.heading))) in text
        for row in table.rows:
            assert squash(normalise(full_width(row.name))) in text, (table.heading, row.name)


def test_text_layer_is_real_cjk_text(rendered: Rendered) -> None:
    """WeasyPrint maps each glyph back to the ideograph: no radicals in the text layer."""
    assert not [c for c in rendered.raw if 0x2E80 <= ord(c) <= 0x2FDF]
    assert "部门决算" in rendered.raw and "上海市普陀区财政局" in rendered.raw


def test_every_page_but_the_cover_has_its_footer(rendered: Rendered) -> None:
    total = len(rendered.pages)
    assert total > 5
    assert not PAGE_FOOTER.search(rendered.pages[0])
    for number, text in enumerate(rendered.pages[1:], 2):
        assert f"第{number}页共{total}页" in squash(text), number
    assert "第 2 页" in rendered.pages[1]


def test_cover_and_contents_pages(rendered: Rendered) -> None:
    doc = rendered.document
    assert squash(rendered.pages[0]) == squash(normalise(doc.title))  # the title alone
    assert squash(rendered.pages[1]).startswith("目录")
    first_part = squash(normalise(doc.parts[0].heading))
    body = next(i for i, t in enumerate(rendered.pages) if squash(t).startswith(first_part))
    assert body >= 2
    assert all("......" in t for t in rendered.pages[1:body])  # 目录 pages, nothing else


def test_findings_are_not_printed(rendered: Rendered) -> None:
    assert rendered.document.findings
    text = squash("".join(rendered.pages))
    assert "检查结果" not in text
    for finding in rendered.document.findings:
        assert squash(normalise(finding.message)) not in text


def test_a4_pages_and_landscape_for_wide_tables(rendered: Rendered) -> None:
    portrait = (595.28, 841.89)
    shapes = {(round(w, 2), round(h, 2)) for w, h in rendered.sizes}
    assert shapes <= {portrait, portrait[::-1]}
    assert rendered.sizes[0] == pytest.approx(portrait, abs=0.01)
    # 表7 (三公, thirteen columns) is printed on a landscape page.
    page = next(i for i, t in enumerate(rendered.pages) if "表7" in t and "三公" in t
                and "决算表" in t and "....." not in t)
    assert rendered.sizes[page][0] > rendered.sizes[page][1]


def test_a_wide_table_is_landscape_on_all_its_pages(rendered: Rendered) -> None:
    pages = [i for i, t in enumerate(rendered.pages) if re.search(r"宽表第\d+行", t)]
    assert len(pages) >= 2, "the wide table should run over pages"
    assert pages == list(range(pages[0], pages[-1] + 1))
    for i in pages:
        width, height = rendered.sizes[i]
        assert width > height, f"page {i + 1} of the wide table is portrait"
        assert f"宽{WIDE_COLUMNS}栏" in squash(rendered.pages[i])  # its header, repeated
    heading = next(i for i, t in enumerate(rendered.pages)
                   if "宽表" in [squash(line) for line in t.splitlines()])
    assert heading == pages[0]  # the section's heading is on its first landscape page
    after = next(i for i, t in enumerate(rendered.pages) if AFTER_WIDE in t and "....." not in t)
    assert after == pages[-1] + 1
    assert rendered.sizes[after][0] < rendered.sizes[after][1]  # back to portrait


def test_no_empty_page_and_no_stranded_rows(rendered: Rendered) -> None:
    """Every page has text besides its footer; a long table's first and last rows go over
    a page break at least KEEP_ROWS at a time."""
    for number, text in enumerate(rendered.pages, 1):
        body = PAGE_FOOTER.sub("", text).strip()
        assert len(body) > 8, f"page {number} has nothing but {body!r}"
    for pattern, rows in ((r"(?<!宽表)第(\d+)行", LONG_ROWS), (r"宽表第(\d+)行", WIDE_ROWS)):
        counts = [len(set(re.findall(pattern, t))) for t in rendered.pages]
        pages = [c for c in counts if c]
        assert len(pages) >= 2
        assert sum(pages) == rows
        assert min(pages) >= KEEP_ROWS, (pattern, pages)


def test_no_page_has_a_lone_row_whatever_the_length() -> None:
    """Tables one page long and a row or two more, each from a new page: without the rule
    some would leave their last row alone on a page."""
    def table(n: int) -> Table:
        rows = tuple(Row(f"r{i}", f"甲{n}行{i}", (Decimal(i),)) for i in range(1, n + 1))
        return Table(n, f"t{n}", f"表{n}", (Column("amount", "金额"),), rows)

    lengths = range(28, 40)
    sections = tuple(Section(f"tables.{n}", f"长表{n}", tables=(table(n),)) for n in lengths)
    doc = Document("测试局2024年度部门决算", "测试局", 2024, (Part("tables", "决算表", sections),))
    with pdfplumber.open(io.BytesIO(document_to_pdf(doc))) as reader:
        pages = [page.extract_text() or "" for page in reader.pages]
    split = 0
    for n in lengths:
        counts = [len(set(re.findall(rf"甲{n}行(\d+)", text))) for text in pages]
        counts = [c for c in counts if c]
        assert sum(counts) == n
        split += len(counts) > 1
        assert min(counts) >= KEEP_ROWS, (n, counts)
    assert split >= 3  # the longer tables run over a page break


def test_table_header_repeats_on_every_page(rendered: Rendered) -> None:
    pages = [i for i, t in enumerate(rendered.pages) if re.search(r"(?<!宽表)第\d+行", t)]
    assert len(pages) >= 2, "the long table should run over pages"
    for i in pages:
        assert LONG_HEADER in rendered.pages[i], f"page {i + 1} lacks the repeated header"


def test_contents_carries_page_numbers(rendered: Rendered) -> None:
    contents = squash(rendered.pages[1] + rendered.pages[2])
    assert contents.startswith("目录")
    for part in rendered.document.parts:
        heading = squash(normalise(full_width(part.heading)))
        found = re.search(re.escape(heading) + r"\.+(\d+)", contents)
        assert found, part.heading
        page = int(found.group(1))
        assert squash(rendered.pages[page - 1]).startswith(heading), part.heading


def test_charts_are_drawn_with_their_data(rendered: Rendered) -> None:
    charts = rendered.document.charts()
    assert charts
    for chart in charts:
        caption = squash(normalise(f"{chart.title}数据"))
        page = next(i for i, t in enumerate(rendered.pages) if caption in squash(t))
        assert rendered.images[page] >= 1  # the chart is a picture, as in published reports
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


def test_fonts_are_embedded(rendered: Rendered, tmp_path: Path) -> None:
    """Every font is embedded (and subset): the PDF looks the same where the fonts are missing."""
    source = tmp_path / "document.pdf"
    source.write_bytes(rendered.pdf)
    listing = subprocess.run(["pdffonts", str(source)], capture_output=True, text=True,
                             check=True, timeout=60).stdout.splitlines()[2:]
    assert listing
    cjk = [line for line in listing if "CJK" in line]
    assert cjk, listing
    for line in listing:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert (emb, sub) == ("yes", "yes"), name
        assert "+" in name  # a subset's tag


def test_no_text_overlaps(rendered: Rendered) -> None:
    """No two characters of a page's text layer share their place (a figure too wide for its
    cell would run into the next one: 2,112.862,106.66)."""
    with pdfplumber.open(io.BytesIO(rendered.pdf)) as reader:
        for number, page in enumerate(reader.pages, 1):
            chars = sorted((c for c in page.chars if c["text"].strip()),
                           key=lambda c: (round(c["top"]), c["x0"]))
            for a, b in itertools.pairwise(chars):
                if round(a["top"]) != round(b["top"]):
                    continue
                overlap = a["x1"] - b["x0"]
                assert overlap < 0.25 * min(a["width"], b["width"]), \
                    f"page {number}: “{a['text']}” and “{b['text']}” overlap at {a['x0']:.1f}"


def test_no_heading_ends_with_a_lone_character() -> None:
    """Headings of every length around one, two and three lines: when one wraps, its last
    line holds TAIL characters or more (a long one is parted in balanced halves)."""
    text = "预算财政拨款支出决算情况说明" * 8
    sections = tuple(Section(f"s{n}", "一" + text[:n], ("正文。",))
                     for n in (*range(26, 38), *range(60, 72), *range(92, 100)))
    doc = Document("测试局2024年度部门决算", "测试局", 2024,
                   (Part("explanation", "第一部分 说明", sections),))
    wrapped = 0
    for lines in pdf_lines(document_to_pdf(doc))[2:]:
        heading: list[str] = []
        for line in lines:
            if line.startswith("一预算"):
                heading = [line]
            elif line == "正文。":
                if len(heading) > 1:
                    wrapped += 1
                    assert len(heading[-1]) >= TAIL, heading
                heading = []
            elif heading:
                heading.append(line)
    assert wrapped >= 20  # most of these headings do wrap


def pdf_lines(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text, spaces removed."""
    with pdfplumber.open(io.BytesIO(pdf)) as reader:
        return [[squash(line) for line in (page.extract_text() or "").splitlines()]
                for page in reader.pages]


def test_the_trimmed_stylesheet_changes_nothing(document: Document) -> None:
    """The PDF laid out with the trimmed user-agent stylesheet (faster) is the one
    WeasyPrint's own gives, byte for byte; and this WeasyPrint can be trimmed."""
    assert _user_agent() is not None
    html = document_to_html(document, interactive=False)
    assert html_to_pdf(html) == html_to_pdf(html, trimmed=False)


# What `ldconfig -p` prints (an excerpt of a Debian machine's).
LISTING = """\
1234 libs found in cache `/etc/ld.so.cache'
\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpangoft2-1.0.so.0
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibgobject-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so.0
\tlibgobject-2.0.so (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so
\tlibharfbuzz.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libharfbuzz.so.0
"""


def test_libraries_are_found_in_the_linker_cache_listing() -> None:
    find = _library_finder(LISTING, None)
    assert find("gobject-2.0") == "libgobject-2.0.so.0"
    assert find("pango-1.0") == "libpango-1.0.so.0"  # not libpangoft2
    assert find("pangoft2-1.0") == "libpangoft2-1.0.so.0"
    assert find("harfbuzz") == "libharfbuzz.so.0"
    # The other platforms' names WeasyPrint tries are not in it.
    assert find("libgobject-2.0-0") is None
    assert find("gobject-2.0-0") is None
    assert find("harfbuzz-subset") is None
    # Without a listing, the standard search.
    assert _library_finder(None, ctypes.util.find_library) is ctypes.util.find_library


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldconfig is Linux's")
def test_the_listing_answers_as_the_standard_search_for_weasyprints_libraries() -> None:
    listing = _ldconfig_listing()
    assert listing is not None
    find = _library_finder(listing, None)
    for name in ("gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig",
                 "pangoft2-1.0", "gobject-2.0-0", "libpango-1.0-0", "fontconfig-1"):
        assert find(name) == ctypes.util.find_library(name), name


def test_fewer_collections_restores_the_thresholds_also_on_error() -> None:
    before = gc.get_threshold()
    with _fewer_collections():
        assert gc.get_threshold()[0] >= 100_000
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
    with pytest.raises(KeyError), _fewer_collections():
        raise KeyError("x")
    assert gc.get_threshold() == before
