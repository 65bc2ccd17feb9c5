"""The PDF reader's engines: pdfium (juesuan.audit.reading.pdfium) reads a page into the objects
pdfminer would have made of it, pdfminer reads what pdfium is not given or fails on, and
pdftables finds tables as pdfplumber does.

Each is checked against what it replaces: the same SourceDocument from both engines (the
fixture reports, and small PDFs laid out every way a report may be: turned pages, a MediaBox
off the origin, forms, scaled, spaced and turned text, rectangles stroked and filled, white
boxes in every colour space), the same objects (characters within 0.01 point), the same
edges, cells and text as pdfplumber's functions on the fixtures and on random rulings and
characters. Then what pdfium must not be given (it inflates without bounds), its failures
(a note, pdfminer reads), its lock and its closing.
"""

from __future__ import annotations

import io
import random
import threading
import time
import zlib
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any, ClassVar

import minimal_pdf
import pytest

from juesuan.audit.readers import ReportReadError, read_report
from juesuan.audit.reading import bounds, pdfium, pdftables
from juesuan.audit.reading import pdf as pdf_reader
from juesuan.audit.source import SourceDocument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdfs"
PDF_01 = FIXTURES / "01_shanghai-putuo-czj-2024.pdf"
PDF_04 = FIXTURES / "04_shanghai-putuo-czj-2024-seeded-defects.pdf"

GUARD = 30.0  # seconds: a hang guard on a loaded machine, not a speed test


def read(path: Path, use_pdfium: bool, **kwargs: Any) -> SourceDocument:
    old = pdf_reader.USE_PDFIUM
    pdf_reader.USE_PDFIUM = use_pdfium
    try:
        return read_report(path, **kwargs)
    finally:
        pdf_reader.USE_PDFIUM = old


def same(a: SourceDocument, b: SourceDocument) -> bool:
    return (a.blocks, a.pages, a.problems, a.format) == (b.blocks, b.pages, b.problems, b.format)


@pytest.fixture
def by_pdfium(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the pages pdfium read (the others pdfminer read)."""
    pages: list[int] = []
    original = pdf_reader._pdfium_page

    def counted(engine: Any, page: Any, page_obj: Any, number: int, *args: Any) -> Any:
        found = original(engine, page, page_obj, number, *args)
        pages.append(number)
        return found

    monkeypatch.setattr(pdf_reader, "_pdfium_page", counted)
    return pages


def stream(data: bytes, attrs: bytes = b"", *, flate: bool = True) -> bytes:
    if flate:
        data = zlib.compress(data)
        attrs += b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n" % (len(data), attrs) + data + b"\nendstream"


def laid_out(pages: list[bytes], *, page_attrs: list[bytes] | None = None, resources: bytes = b"",
             extra: list[bytes] | None = None) -> bytes:
    """Pages of these contents (Helvetica as /F1), the page dictionaries' own entries, more
    resources and objects (numbered after the pages, from 4 + 2 × pages)."""
    count = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + count + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects += [stream(content) for content in pages]
    for i in range(count):
        attrs = (page_attrs or [])[i] if page_attrs else b"/MediaBox [0 0 595 842]"
        objects.append(b"<< /Type /Page /Parent 2 0 R %s /Resources << /Font << /F1 3 0 R >> %s >> "
                       b"/Contents %d 0 R >>" % (attrs, resources, 4 + i))
    return minimal_pdf.of_objects(objects + (extra or []))


def ruled(x0: int = 50, y0: int = 500, cols: int = 3, rows: int = 3, *, paint: bytes = b"S") -> bytes:
    """A table of rows × cols cells 100 × 20 points, ruled by lines, a number in each cell."""
    ops = [b"0.5 w"]
    ops += [b"%d %d m %d %d l %s" % (x0, y0 + r * 20, x0 + cols * 100, y0 + r * 20, paint) for r in range(rows + 1)]
    ops += [b"%d %d m %d %d l %s" % (x0 + c * 100, y0, x0 + c * 100, y0 + rows * 20, paint) for c in range(cols + 1)]
    ops.append(b"BT /F1 9 Tf")
    ops += [b"1 0 0 1 %d %d Tm (Item %d %d.00) Tj" % (x0 + c * 100 + 5, y0 + r * 20 + 6, r, r * 10 + c)
            for r in range(rows) for c in range(cols)]
    ops.append(b"ET")
    return b"\n".join(ops)


HEADING = b"BT /F1 12 Tf 1 0 0 1 60 760 Tm (Heading of the page) Tj ET\n"
FORM = ruled()
LAYOUTS = {
    "ruled by lines": laid_out([HEADING + ruled()]),
    "ruled by stroked rectangles": laid_out([HEADING + b"0.5 w 50 500 300 60 re S 50 520 m 350 520 l S "
                                              b"150 500 m 150 560 l S\nBT /F1 9 Tf 1 0 0 1 55 505 Tm (a 1) Tj "
                                              b"1 0 0 1 155 505 Tm (b 2) Tj 1 0 0 1 55 530 Tm (Head) Tj ET"]),
    "ruled by thin filled rectangles": laid_out([
        HEADING + b"0 g " + b" ".join(b"%d 500 0.5 60 re f" % x for x in (50, 150, 250, 350)) + b" "
        + b" ".join(b"50 %d 300.5 0.5 re f" % y for y in (500, 520, 540, 560))
        + b"\nBT /F1 9 Tf 1 0 0 1 55 505 Tm (x 1) Tj 1 0 0 1 155 505 Tm (y 2) Tj 1 0 0 1 255 545 Tm (z 3) Tj ET"]),
    "one path of many subpaths": laid_out([
        HEADING + b"0.5 w 50 500 m 350 500 l 50 520 m 350 520 l 50 540 m 350 540 l 50 500 m 50 540 l "
        b"150 500 m 150 540 l 350 500 m 350 540 l S\nBT /F1 9 Tf 1 0 0 1 55 505 Tm (k 1) Tj "
        b"1 0 0 1 155 525 Tm (m 2) Tj ET"]),
    "white boxes in grey, RGB and CMYK": laid_out([
        b"1 1 1 rg 40 40 515 760 re f 0.95 g 60 100 100 100 re f 1 G 70 110 m 200 110 l S "
        b"0 0 0 0 k 300 300 100 100 re f 0 0 0 1 K 0 g\n" + HEADING + ruled()]),
    "curves and closed paths": laid_out([
        HEADING + b"0.5 w 50 700 m 150 700 150 700 250 700 c S 50 600 m 100 650 l 150 600 l h S "
        b"200 600 m 250 650 300 600 v S 300 600 m 350 650 l 400 600 l 300 600 l h f\n" + ruled(y0=300)]),
    "text spaced, scaled, raised, turned": laid_out([
        HEADING + b"BT /F1 10 Tf 2 Tc 1 0 0 1 60 700 Tm (Spaced out) Tj 0 Tc 80 Tz 1 0 0 1 60 680 Tm "
        b"(Narrow text) Tj 100 Tz 4 Ts (up) Tj 0 Ts 0 1 -1 0 500 400 Tm (Turned text) Tj ET\n"
        b"2 0 0 2 10 10 cm BT /F1 8 Tf 1 0 0 1 30 200 Tm (Scaled by cm) Tj ET"]),
    "turned pages, MediaBox off the origin": laid_out(
        [HEADING + ruled()] * 4,
        page_attrs=[b"/MediaBox [0 0 595 842] /Rotate 90", b"/MediaBox [20 30 615 872] /Rotate 270",
                    b"/MediaBox [20 30 615 872]", b"/MediaBox [0 0 842 595] /Rotate 180"]),
    "forms, with a matrix and moved": laid_out(
        [HEADING + b"q 1 0 0 1 20 -100 cm /Fm1 Do Q q 0.8 0 0 0.8 30 250 cm /Fm1 Do Q"],
        resources=b"/XObject << /Fm1 6 0 R >>",
        extra=[stream(FORM, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 5 5] "
                            b"/Resources << /Font << /F1 3 0 R >> >>", flate=False)]),
    "an inline image without a filter": laid_out([
        HEADING + b"q 10 0 0 10 100 100 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q\n" + ruled()]),
}


def plumber_and_pdfium(data: bytes) -> Iterator[tuple[int, dict[str, list[Any]], dict[str, list[Any]]]]:
    """Each page's objects as pdfplumber parses them (pdfminer), and as pdfium reads them."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    pdf = pdfplumber.open(io.BytesIO(data))
    reader = pdfium.Reader(pdfium.open_document(data), lambda: 0, pdfium.Inflation())
    try:
        doctop = 0.0
        for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), 1):
            page = Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
            doctop += float(page.height)
            place = pdfium.Place(pdfium.page_ctm(page_obj.mediabox, page_obj.rotate), float(page.height),
                                 float(page.mediabox[0]), float(page.mediabox[1]), float(page.initial_doctop))
            found = reader.page_objects(number - 1, page_obj, place, bounds.MAX_PDF_PAGE_OBJECTS)
            yield number, page.objects, found.objects
    finally:
        reader.close()
        pdf.close()


def by_place(obj: dict[str, Any]) -> tuple[float, float, str]:
    return (round(obj["top"], 1), round(obj["x0"], 1), str(obj.get("text", "")))


def assert_same_objects(plumber: dict[str, list[Any]], ours: dict[str, list[Any]], where: str) -> None:
    for kind in ("char", "rect", "line", "curve", "image"):
        theirs, mine = plumber.get(kind, []), ours.get(kind, [])
        assert len(theirs) == len(mine), (where, kind, len(theirs), len(mine))
        if kind == "image":
            continue
        for a, b in zip(sorted(theirs, key=by_place), sorted(mine, key=by_place), strict=True):
            for key in ("x0", "x1", "top", "bottom", "doctop"):
                assert abs(float(a[key]) - float(b[key])) < 0.01, (where, kind, key, a, b)
            if kind == "char":
                assert (a["text"], a["upright"]) == (b["text"], b["upright"]), (where, a, b)
                assert abs(a["size"] - b["size"]) < 0.01, (where, a, b)
            else:
                assert (bool(a["fill"]), bool(a["stroke"])) == (b["fill"], b["stroke"]), (where, a, b)
                assert pdf_reader._visible(a) == pdf_reader._visible(b), (where, a, b)
            if kind == "curve":
                for p, q in zip(a["pts"], b["pts"], strict=True):
                    assert abs(p[0] - q[0]) + abs(p[1] - q[1]) < 0.01, (where, a, b)


# --- the same document, the same objects --------------------------------------------------------


@pytest.mark.parametrize(("path", "least"), [(PDF_01, 25), (PDF_04, 24)], ids=["01", "04"])
def test_fixture_reports_read_alike_by_both_engines(path: Path, least: int, by_pdfium: list[int]) -> None:
    # 04 has two pages with a one-glyph object in a font that is not embedded (pdfminer reads them)
    old = read(path, False)
    assert not by_pdfium
    new = read(path, True)
    assert same(old, new)
    assert len(by_pdfium) >= least


def test_fixture_01_objects_are_pdfminers() -> None:
    for number, plumber, ours in plumber_and_pdfium(PDF_01.read_bytes()):
        assert_same_objects(plumber, ours, f"page {number}")


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_layouts_read_alike_with_pdfminers_objects(tmp_path: Path, name: str, by_pdfium: list[int]) -> None:
    data = LAYOUTS[name]
    for number, plumber, ours in plumber_and_pdfium(data):
        assert_same_objects(plumber, ours, f"{name}, page {number}")
    path = tmp_path / "layout.pdf"
    path.write_bytes(data)
    old, new = read(path, False), read(path, True)
    assert same(old, new)
    assert new.pages is not None and len(by_pdfium) == new.pages
    assert new.grids() or name == "text spaced, scaled, raised, turned"


def test_ruled_table_reads_as_a_grid_from_pdfium(tmp_path: Path) -> None:
    path = tmp_path / "table.pdf"
    path.write_bytes(LAYOUTS["forms, with a matrix and moved"])
    document = read(path, True)
    assert [line.text for line in document.lines()] == ["Heading of the page"]
    assert [grid.rows for grid in document.grids()] == [
        (("Item 2 20.00", "Item 2 21.00", "Item 2 22.00"), ("Item 1 10.00", "Item 1 11.00", "Item 1 12.00"),
         ("Item 0 0.00", "Item 0 1.00", "Item 0 2.00"))] * 2


# --- pages pdfium is not given: pdfminer reads them, as before, without a note --------------------

TYPE3 = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 10 10] /FontMatrix [0.1 0 0 0.1 0 0] "
         b"/CharProcs << /a 7 0 R >> /Encoding << /Differences [97 /a] >> /FirstChar 97 /LastChar 97 "
         b"/Widths [10] >>")
NOT_GIVEN = {
    "a Type 3 font, on two pages": laid_out([HEADING + b"BT /T3 12 Tf 1 0 0 1 60 700 Tm (aaa) Tj ET"] * 2,
                                            resources=b"/Font << /F1 3 0 R /T3 8 0 R >>",
                                            extra=[TYPE3.replace(b"/a 7 0 R", b"/a 9 0 R"),
                                                   stream(b"10 0 d0 0 0 10 10 re f", flate=False)]),
    "an inline image with a filter": laid_out([
        HEADING + b"q 10 0 0 10 100 100 cm BI /W 2 /H 2 /CS /G /BPC 8 /F /AHx ID 00ffff00> EI Q\n" + ruled()]),
    "ActualText": laid_out([HEADING + b"/Span << /ActualText (Other) >> BDC BT /F1 10 Tf 1 0 0 1 60 700 Tm "
                                      b"(Shown) Tj ET EMC"]),
    "a lone space in a font not embedded": laid_out([HEADING + b"BT /F1 10 Tf 1 0 0 1 60 700 Tm (Left) Tj "
                                                               b"1 0 0 1 100 700 Tm ( ) Tj 1 0 0 1 120 700 Tm "
                                                               b"(Right) Tj ET"]),
}


@pytest.mark.parametrize("name", list(NOT_GIVEN))
def test_pages_pdfium_is_not_given_are_read_by_pdfminer(tmp_path: Path, name: str, by_pdfium: list[int]) -> None:
    path = tmp_path / "page.pdf"
    path.write_bytes(NOT_GIVEN[name])
    old = read(path, False)
    by_pdfium.clear()
    new = read(path, True)
    assert same(old, new)
    assert by_pdfium == []
    assert new.lines()[0].text == "Heading of the page"


def test_pages_pdfium_numbers_otherwise_are_read_by_pdfminer(tmp_path: Path, by_pdfium: list[int]) -> None:
    # a page tree node without /Type: pdfminer passes it over, pdfium takes it for a page (it
    # has no /Kids), and would open it for pdfminer's first page
    data = minimal_pdf.of_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>",
                   b"<< /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >> "
                   b"/Contents 7 0 R >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >> "
                   b"/Contents 8 0 R >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >> "
                   b"/Contents 9 0 R >>",
                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                   stream(b"BT /F1 12 Tf 60 760 Td (Not a page to pdfminer) Tj ET"),
                   stream(b"BT /F1 12 Tf 60 760 Td (First page) Tj ET"),
                   stream(b"BT /F1 12 Tf 60 760 Td (Second page) Tj ET")])
    path = tmp_path / "tree.pdf"
    path.write_bytes(data)
    old = read(path, False)
    by_pdfium.clear()
    new = read(path, True)
    assert same(old, new)
    assert [line.text for line in new.lines()] == ["First page", "Second page"]
    assert by_pdfium == []


def test_fonts_written_vertically_are_not_given_to_pdfium() -> None:
    from pdfminer.psparser import LIT

    with pytest.raises(pdfium.Unsuitable, match="vertical"):
        pdfium.check_resources({"Font": {"F1": {"Type": LIT("Font"), "Subtype": LIT("Type0"),
                                                "Encoding": LIT("UniGB-UCS2-V")}}},
                               pdfium.Inflation(), lambda: 0)


# --- pdfium fails: a note, pdfminer reads ---------------------------------------------------------


def test_document_pdfium_cannot_open_is_read_by_pdfminer_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    old = read(PDF_04, False, max_pages=3)

    def fails(data: bytes) -> Any:
        raise pdfium.EngineFailed("PdfiumError: Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pdfium, "open_document", fails)
    new = read(PDF_04, True, max_pages=3)
    assert new.blocks == old.blocks
    assert new.problems == (old.problems[0], "pypdfium2 无法打开此 PDF（PdfiumError: Failed to load document "
                            "(PDFium: Data format error).），改用 pdfplumber 逐页读取（较慢）")


def test_page_pdfium_fails_on_is_read_by_pdfminer_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    old = read(PDF_04, False, max_pages=3)
    original = pdfium.Reader.page_objects

    def fails_on_page_2(self: pdfium.Reader, index: int, *args: Any) -> pdfium.PageObjects:
        if index == 1:
            raise RuntimeError("boom")
        return original(self, index, *args)

    monkeypatch.setattr(pdfium.Reader, "page_objects", fails_on_page_2)
    new = read(PDF_04, True, max_pages=3)
    assert new.blocks == old.blocks
    assert new.problems == (old.problems[0], "第2页 pypdfium2 读取失败（RuntimeError: boom），改用 pdfplumber 读取")


def test_every_document_opened_in_pdfium_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Any] = []
    closed: list[Any] = []
    open_document, close = pdfium.open_document, pdfium.Reader.close

    def opening(data: bytes) -> Any:
        document = open_document(data)
        opened.append(document)
        return document

    def closing(self: pdfium.Reader) -> None:
        closed.append(self.document)
        close(self)

    monkeypatch.setattr(pdfium, "open_document", opening)
    monkeypatch.setattr(pdfium.Reader, "close", closing)
    read(PDF_04, True, max_pages=2)
    monkeypatch.setattr(pdf_reader, "_page_items", lambda *args: 1 / 0)  # every page fails
    with pytest.raises(ReportReadError, match="没有一页能读取"):
        read(PDF_04, True, max_pages=2)
    assert len(opened) == 2 and closed == opened


def test_threads_read_alike_one_page_at_a_time_in_pdfium() -> None:
    expected = read(PDF_04, True, max_pages=6)
    found: list[SourceDocument] = []

    def reading() -> None:
        found.append(read_report(PDF_04, max_pages=6))

    threads = [threading.Thread(target=reading) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GUARD * 4)
    assert len(found) == 3 and all(same(document, expected) for document in found)


# --- what pdfium must not be given: it inflates without bounds ------------------------------------


def bomb(size: int) -> bytes:
    """``size`` bytes of zeros, Flate: about a thousandth of it."""
    pack = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    return b"".join([pack.compress(chunk) for _ in range(size >> 20)] + [pack.flush()])


def test_inline_image_bomb_is_not_given_to_pdfium(tmp_path: Path, by_pdfium: list[int]) -> None:
    # 256 MB of an inline image in a 2 KB file: pdfium inflates an inline image's data to find
    # where it ends (1 GB took it 2 GB and 3 s); pdfminer looks for EI.
    data = bomb(256 << 20)
    content = (b"q 100 0 0 100 0 0 cm BI /W 1000 /H %d /CS /G /BPC 8 /F /Fl ID " % (256 << 10)) + data + b" EI Q"
    path = tmp_path / "inline.pdf"
    path.write_bytes(minimal_pdf.pdf([minimal_pdf.text("Cover"), content + b"\nBT /F1 10 Tf 40 800 Td (Page) Tj ET"]))
    start = time.monotonic()
    document = read_report(path)
    assert time.monotonic() - start < GUARD
    assert [line.text for line in document.lines()] == ["Cover", "Page"]
    assert by_pdfium == [1]


def test_font_program_over_the_bounds_is_not_given_to_pdfium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             by_pdfium: list[int]) -> None:
    # pdfium inflates a font program whole when a page uses the font (1 GB: 2 GB, 6 s)
    monkeypatch.setattr(bounds, "MAX_PDF_STREAM", 1_000_000)
    font = (b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Big /FirstChar 32 /LastChar 126 "
            b"/FontDescriptor 9 0 R >>")
    descriptor = (b"<< /Type /FontDescriptor /FontName /ABCDEF+Big /Flags 32 /FontBBox [0 0 1000 1000] "
                  b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 10 0 R >>")
    # page 1 uses Helvetica, page 2 the big font: objects 8 (font), 9 (descriptor), 10 (program)
    data = minimal_pdf.of_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [6 0 R 7 0 R] /Count 2 >>",
                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", stream(HEADING),
                   stream(b"BT /F2 10 Tf 1 0 0 1 60 700 Tm (Big) Tj ET"),
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                   b"/Contents 4 0 R >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F2 8 0 R >> >> "
                   b"/Contents 5 0 R >>",
                   font, descriptor, stream(bytes(3_000_000))])
    path = tmp_path / "font.pdf"
    path.write_bytes(data)
    document = read_report(path)
    assert by_pdfium == [1]
    assert document.pages == 2


def test_forms_in_forms_count_against_the_page_before_pdfium_reads_it(tmp_path: Path,
                                                                      by_pdfium: list[int]) -> None:
    # eight forms, each drawing the next ten times: 10^8 uses of a few bytes each
    levels = 8
    forms = []  # objects 8 on (two pages)
    for k in range(levels):
        inner = b"/X Do " * 10 if k < levels - 1 else b"0 0 m 1 1 l S"
        resources = b"/Resources << /XObject << /X %d 0 R >> >>" % (9 + k) if k < levels - 1 else b""
        forms.append(stream(inner, b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] " + resources, flate=False))
    data = laid_out([HEADING, HEADING + b"/X Do"], resources=b"/XObject << /X 8 0 R >>", extra=forms)
    path = tmp_path / "forms.pdf"
    path.write_bytes(data)
    start = time.monotonic()
    document = read_report(path)
    assert time.monotonic() - start < GUARD
    assert document.problems == (
        f"第2页的内容流超过 {bounds.MAX_PDF_PAGE_CONTENT:,} 字节（MAX_PDF_PAGE_CONTENT），该页未读取",)
    assert by_pdfium == [1]


def test_object_streams_over_the_bounds_keep_pdfium_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # pdfium inflates the object streams it needs, unbounded: a document with one over the
    # bounds is never opened in pdfium
    from pdfminer.pdfdocument import PDFXRefStream

    class Document:
        xrefs: ClassVar[list[Any]] = [PDFXRefStream()]

        @staticmethod
        def getobj(objid: int) -> Any:
            from pdfminer.pdftypes import PDFStream
            from pdfminer.psparser import LIT

            return PDFStream({"Filter": LIT("FlateDecode")}, zlib.compress(bytes(2_000_000)))

    xref = Document.xrefs[0]
    xref.ranges, xref.fl1, xref.fl2, xref.fl3, xref.entlen = [(0, 2)], 1, 2, 1, 4
    xref.data = bytes([1, 0, 9, 0, 2, 0, 5, 0])  # object 0 at offset 9, object 1 in object stream 5
    monkeypatch.setattr(bounds, "MAX_PDF_STREAM", 1_000_000)
    with pytest.raises(pdfium.Unsuitable, match="over the bounds"):
        pdfium.check_document(Document(), pdfium.Inflation(), lambda: 0)
    monkeypatch.setattr(bounds, "MAX_PDF_STREAM", 3_000_000)
    pdfium.check_document(Document(), pdfium.Inflation(), lambda: 0)


def test_contents_counted_for_pdfium_as_for_pdfminer() -> None:
    # the bounds' messages of test_bounds.py hold for both readers; the count itself is shared
    class Counter:
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def cap(self) -> int:
            return 10**9

        def add(self, size: int) -> None:
            self.sizes.append(size)

    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    data = LAYOUTS["forms, with a matrix and moved"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page_obj = next(PDFPage.create_pages(pdf.doc))
        counter = Counter()
        pdfium.count_contents(page_obj, counter)
    content = HEADING + b"q 1 0 0 1 20 -100 cm /Fm1 Do Q q 0.8 0 0 0.8 30 250 cm /Fm1 Do Q"
    assert counter.sizes == [len(content), len(FORM), len(FORM)]


# --- pdftables: pdfplumber's computations -----------------------------------------------------------


class EdgesPage:
    """What pdfplumber's TableFinder.get_edges reads of a page: its edges."""

    def __init__(self, lines: list[dict[str, Any]], rects: list[dict[str, Any]],
                 curves: list[dict[str, Any]]) -> None:
        from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

        self.edges = ([line_to_edge(line) for line in lines] + [e for r in rects for e in rect_to_edges(r)]
                      + [e for c in curves for e in curve_to_edges(c)])


def plumber_tables(lines: list[dict[str, Any]], rects: list[dict[str, Any]], curves: list[dict[str, Any]],
                   ) -> tuple[list[tuple[Any, ...]], list[Any]]:
    from pdfplumber.table import (
        TableFinder,
        TableSettings,
        edges_to_intersections,
        intersections_to_cells,
    )

    finder = TableFinder.__new__(TableFinder)
    finder.page = EdgesPage(lines, rects, curves)  # type: ignore[assignment]
    finder.settings = TableSettings.resolve(None)
    edges = finder.get_edges()
    shaped = [(e["x0"], e["top"], e["x1"], e["bottom"], e["width"], e["height"], e["orientation"]) for e in edges]
    return shaped, intersections_to_cells(edges_to_intersections(edges, 3, 3))


def box(kind: str, x0: float, top: float, x1: float, bottom: float, **more: Any) -> dict[str, Any]:
    return {"object_type": kind, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "doctop": top + 1000,
            "width": x1 - x0, "height": bottom - top, "y0": 842 - bottom, "y1": 842 - top, **more}


def random_rulings(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Rulings on a coarse grid (so that tolerances are met exactly and often)."""

    def at() -> float:
        return rng.randrange(0, 120) * 2.5 + rng.choice([0, 0, 0.25, 1.0, 3.0, 0.1 * rng.random()])

    lines, rects, curves = [], [], []
    for _ in range(rng.randrange(0, 25)):
        x0, top = at(), at()
        if rng.random() < 0.5:
            x1, bottom = x0 + at(), top
        else:
            x1, bottom = x0 + rng.choice([0, 0, 0.5]), top + at()
        lines.append(box("line", x0, top, x1, bottom))
    for _ in range(rng.randrange(0, 12)):
        x0, top = at(), at()
        rects.append(box("rect", x0, top, x0 + at(), top + rng.choice([0.5, at()])))
    for _ in range(rng.randrange(0, 4)):
        pts = [(at(), at()) for _ in range(rng.randrange(2, 6))]
        if rng.random() < 0.5:
            pts = [(pts[0][0], y) for _, y in pts]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        curves.append({**box("curve", min(xs), min(ys), max(xs), max(ys)), "pts": pts})
    return lines, rects, curves


def test_edges_and_cells_are_pdfplumbers_for_random_rulings() -> None:
    for seed in range(400):
        lines, rects, curves = random_rulings(random.Random(seed))
        edges, cells = plumber_tables(lines, rects, curves)
        ours = pdftables.ruling_edges(lines, rects, curves)
        assert ours == edges, seed
        assert pdftables.cells(pdftables.crossings(ours)) == cells, seed


def random_chars(rng: random.Random) -> list[dict[str, Any]]:
    chars = []
    for _ in range(rng.randrange(0, 40)):
        x0, top = rng.randrange(0, 60) * 1.5, rng.randrange(0, 12) * 2.0 + rng.choice([0, 0.5, 1.0])
        size = rng.choice([9.0, 10.0, 12.0])
        text = rng.choice("决算合计12.,  ﬁ") if rng.random() > 0.03 else ""
        chars.append({"object_type": "char", "text": text, "x0": x0, "x1": x0 + rng.choice([0.0, 3.0, 5.0, 10.0]),
                      "top": top, "bottom": top + size, "doctop": top + 100, "size": size,
                      "upright": True, "fontname": rng.choice(["A", "B"])})
    return chars


def test_cell_text_and_deduplication_are_pdfplumbers_for_random_characters() -> None:
    from pdfplumber.utils.clustering import cluster_objects
    from pdfplumber.utils.text import extract_text

    def dedupe(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import itertools

        key = itemgetter("upright", "text", "fontname", "size")
        kept = set()
        for _, group in itertools.groupby(sorted(chars, key=key), key=key):
            for y_cluster in cluster_objects(list(group), itemgetter("doctop"), 1):
                for x_cluster in cluster_objects(y_cluster, itemgetter("x0"), 1):
                    kept.add(id(min(x_cluster, key=itemgetter("doctop", "x0"))))
        return [c for c in chars if id(c) in kept]

    for seed in range(600):
        chars = random_chars(random.Random(seed))
        if chars:
            assert pdftables.text_of(chars) == extract_text(chars), seed
        assert pdftables.dedupe(chars) == dedupe(chars), seed


def test_tables_of_fixture_01_are_pdfplumbers() -> None:
    import pdfplumber
    from pdfplumber.table import Table, cells_to_tables

    with pdfplumber.open(PDF_01) as pdf:
        for page in pdf.pages:
            kept = pdftables.dedupe(page.chars)
            visible = [[o for o in objects if pdf_reader._visible(o)]
                       for objects in (page.lines, page.rects, page.curves)]
            edges, cells = plumber_tables(*visible)
            assert pdftables.ruling_edges(*visible) == edges
            assert pdftables.cells(pdftables.crossings(edges)) == cells
            ids = {id(c) for c in kept}
            deduped = page.filter(lambda o, ids=ids: o.get("object_type") != "char" or id(o) in ids)
            centres = pdftables.Centres(kept)
            for group in cells_to_tables(cells):
                table = Table(deduped, group)
                assert pdftables.extract(table, centres) == table.extract()


def test_not_a_number_is_left_to_pdfplumber() -> None:
    line = box("line", float("nan"), 10, 100, 10)
    assert pdftables.ruling_edges([line], [], []) is None

