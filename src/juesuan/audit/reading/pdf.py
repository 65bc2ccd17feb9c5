"""PDF through pdfplumber, page by page, each page within the bounds on a page (see
:mod:`juesuan.audit.readers`).

pdfminer (under pdfplumber) opens the document and enumerates its pages. A page's characters
and drawings are read by pdfium (:mod:`juesuan.audit.reading.pdfium`, in C) into the objects
pdfplumber would have made of them; a page pdfium is not suited to is interpreted by pdfminer as
before, and a page (or document) pdfium fails on too, with a note. From the objects on, every
page is read alike: tables by pdfplumber's table finding (computed by
:mod:`juesuan.audit.reading.pdftables`), the text outside them in lines."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from juesuan.audit.reading import bounds, pdfium, pdftables
from juesuan.audit.reading.bounds import Blocks, ReportReadError
from juesuan.audit.reading.cells import cell_text, rectangle
from juesuan.audit.source import SourceDocument, normalise, squeeze

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d+[-—–－\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)


@dataclass
class _PdfItem:
    page: int
    top: float
    text: str = ""
    rows: list[tuple[str, ...]] | None = None
    x0: float = 0.0
    x1: float = 0.0
    margin: str | None = None  # "top" / "bottom": the page's first / last line, in its margin

    @property
    def is_page_number(self) -> bool:
        return self.rows is None and bool(_PAGE_NUMBER.match(self.text))


# A running head or foot stands in the top or bottom eighth of its page (calibrated on the cases
# below: the title above the pages of tests/fixtures/pdfs/01_shanghai-putuo-czj-2024.pdf) ...
_MARGIN_SHARE = 0.125
# ... and is printed alike (digits aside) on this share of the pages, at least three.
# Calibrated on tests/fixtures/pdfs/01_shanghai-putuo-czj-2024.pdf (the title above every page
# but the first: test_own_documents.py::test_pdf_running_head_is_not_read_into_the_text) and
# the four-page laid-out PDF of test_readers.py::test_pdf_white_box_and_running_head.
_RUNNING_SHARE = 0.4
_RUNNING_MIN_PAGES = 3


def _without_running_lines(items: list[_PdfItem]) -> list[_PdfItem]:
    """The items without the running head and foot: the page's first (last) line, in its
    margin, printed alike on most pages (``上海市XX局2024年度部门决算`` above every page but
    the first). Left in, they would stand inside a sentence that runs over a page break, or
    be read as a 目录 entry. Page numbers stay: they are told by their form wherever they stand."""
    pages: dict[tuple[str, str], set[int]] = {}
    for item in items:
        if item.margin is not None:
            pages.setdefault((item.margin, _running_key(item.text)), set()).add(item.page)
    read = len({item.page for item in items})
    least = max(_RUNNING_MIN_PAGES, _RUNNING_SHARE * read)
    running = {key for key, where in pages.items() if len(where) >= least}
    if not running:
        return items
    return [item for item in items
            if item.margin is None or (item.margin, _running_key(item.text)) not in running]


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def read_pdf(path: Path, data: bytes, max_pages: int) -> SourceDocument:
    """The pages in order, at most ``max_pages`` of them, each within the bounds on a page;
    the pages are enumerated lazily (a PDF may declare 100,000 of them)."""
    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from pdfminer import pdftypes

    # pdfminer inflates every Flate stream it reads (fonts, character maps) whole, and
    # repairs a damaged one a byte at a time onto a growing bytes object (quadratic: a 3.4 MB
    # font with one flipped bit took 8 minutes). Both, bounded and linear:
    pdftypes.zlib = _BOUNDED_ZLIB  # type: ignore[attr-defined,assignment]
    pdftypes.decompress_corrupted = _decompress_corrupted
    with _BOUNDED_ZLIB.reading():
        return _read_pdf_pages(path, data, max_pages)


def _read_pdf_pages(path: Path, data: bytes, max_pages: int) -> SourceDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    problems: list[str] = []
    items: list[_PdfItem] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            raise ReportReadError(path, "PDF 已加密，需要密码才能打开") from None
        raise
    # Not ``with pdf``: PDF.close() closes every page of ``pdf.pages``, enumerating them all
    # first. The pages read here are closed one by one; the stream is a BytesIO.
    with contextlib.ExitStack() as stack:
        stack.callback(pdf.flush_cache)
        engine = _open_engine(data, pdf, problems) if USE_PDFIUM else None
        if engine is not None:
            stack.callback(engine.close)
        pages = PDFPage.create_pages(pdf.doc)
        budget = _PdfBudget()
        doctop = 0.0
        tried = 0
        failed: list[str] = []
        number = 0
        stop: str | None = None  # why the pages from ``number`` on are not read
        total: int | None = None
        while True:
            try:
                page_obj = next(pages, None)
            except Exception as exc:  # a damaged page tree: the pages before it are read
                if number == 0:
                    raise
                failed.append(f"第{number + 1}页起无法读取（{type(exc).__name__}: {str(exc)[:100]}）")
                tried += 1
                break
            if page_obj is None:
                break
            number += 1
            if number > max_pages:
                total = _page_count(data, pdf, engine)
                stop = f"只读取了前 {max_pages} 页" + (f"（共 {total} 页）" if total and total >= number
                                                      else "（其余页未读取）")
                break
            tried += 1
            try:
                page = Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
                doctop += float(page.height)
                try:
                    found = _read_page(engine, page, page_obj, number, problems, budget)
                finally:
                    page.close()
            except _PdfPageTooLarge as exc:
                if exc.stop:
                    stop = exc.problem
                    break
                problems.append(exc.problem)
                continue
            except Exception as exc:  # one damaged page: say so, read the others
                failed.append(f"第{number}页无法读取（{type(exc).__name__}: {str(exc)[:100]}）")
                continue
            over = budget.take(found)
            if over is not None:  # the pages read so far are the report
                stop = f"第{number}页起未读取：{over}"
                break
            items.extend(found)
        if failed and len(failed) == tried:
            raise ReportReadError(path, f"PDF 文件已损坏，没有一页能读取：{failed[0]}")
        problems.extend(failed)
        if stop is not None:
            problems.insert(0, stop)
            total = total or _page_count(data, pdf, engine)
        else:
            total = number
    blocks = Blocks(path)
    blocks.problems.extend(problems)
    for item in _join_continued_tables(_without_running_lines(items)):
        if item.rows is None:
            blocks.line(item.text, item.page)
        else:
            blocks.grid(tuple(item.rows), item.page)
    return blocks.document("pdf", pages=total)


class _BoundedZlib(threading.local):
    """What pdfminer's stream decoder sees as ``zlib``. While a report is read (``active``,
    per thread: the web reads reports in threads), ``decompress`` refuses a stream that
    would inflate beyond MAX_PDF_STREAM, or beyond what is left of MAX_PDF_INFLATED for the
    PDF, with zlib.error, on which pdfminer reads the stream as damaged; otherwise it is
    zlib's."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)

    def __init__(self) -> None:
        self.active = False
        self.left = bounds.MAX_PDF_INFLATED
        self.refused = 0  # streams refused for the bounds (pdfium is then not given the document)

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        self.active, self.left, self.refused = True, bounds.MAX_PDF_INFLATED, 0
        try:
            yield
        finally:
            self.active = False

    def cap(self) -> int:
        return max(min(bounds.MAX_PDF_STREAM, self.left), 0) if self.active else 1 << 62

    def take(self, result: bytes) -> bytes:
        if self.active:
            self.left -= len(result)
        return result

    def decompress(self, data: bytes) -> bytes:
        cap = self.cap()
        if len(data) * _FLATE_MAX_RATIO > cap:  # it might go over: inflate a trial first
            trial = zlib.decompressobj()
            if len(trial.decompress(data, cap + 1)) > cap or trial.unconsumed_tail:
                self.refused += 1
                raise zlib.error(f"解压后超过 {cap:,} 字节（MAX_PDF_STREAM、MAX_PDF_INFLATED）")
        return self.take(zlib.decompress(data))  # exactly what pdfminer would have had


_BOUNDED_ZLIB = _BoundedZlib()


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's ``decompress_corrupted``, in linear time and bounded as _BoundedZlib:
    what a damaged Flate stream inflates to before the damage (the error is raised unless
    it is in the last 3 bytes, the checksum). Inflated a block at a time; the block with
    the damage a byte at a time from the state before it, so the result is the same to
    the byte."""
    cap = _BOUNDED_ZLIB.cap()
    inflate = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0

    def add(part: bytes) -> None:
        nonlocal size
        parts.append(part)
        size += len(part)
        if size > cap:
            _BOUNDED_ZLIB.refused += 1
            raise zlib.error(f"解压后超过 {cap:,} 字节（MAX_PDF_STREAM、MAX_PDF_INFLATED）")

    block = 1 << 16
    for start in range(0, len(data), block):
        before = inflate.copy()
        try:
            add(inflate.decompress(data[start:start + block]))
            continue
        except zlib.error:
            if size > cap:
                raise
            inflate = before
        for i in range(start, min(start + block, len(data))):
            try:
                part = inflate.decompress(data[i:i + 1])
            except zlib.error:
                if i < len(data) - 3:
                    raise
                return _BOUNDED_ZLIB.take(b"".join(parts))
            add(part)
    return _BOUNDED_ZLIB.take(b"".join(parts))


@dataclass
class _PdfBudget:
    """What the pages read so far have used of the bounds on a whole PDF."""

    objects: int = 0
    crossings: int = 0
    content: int = 0
    crossings_noted: bool = False
    lines: int = 0
    tables: int = 0
    cells: int = 0

    def take(self, items: list[_PdfItem]) -> str | None:
        """Count a page's items against the bounds on one report; what they would exceed."""
        grids = [item.rows for item in items if item.rows is not None]
        self.lines += len(items) - len(grids) + sum(len(rows) for rows in grids)
        self.tables += len(grids)
        self.cells += sum(len(row) for rows in grids for row in rows)
        if self.lines > bounds.MAX_REPORT_LINES:
            return f"行数超过 {bounds.MAX_REPORT_LINES:,} 行（MAX_REPORT_LINES）"
        if self.tables > bounds.MAX_REPORT_TABLES:
            return f"表格超过 {bounds.MAX_REPORT_TABLES:,} 张（MAX_REPORT_TABLES）"
        if self.cells > bounds.MAX_REPORT_CELLS:
            return f"表格的单元格超过 {bounds.MAX_REPORT_CELLS:,} 个（MAX_REPORT_CELLS）"
        return None


class _PdfPageTooLarge(Exception):
    """A page over a bound on one page (it is left out), or over a bound on all pages
    (``stop``: it and the pages after are left out)."""

    def __init__(self, problem: str, *, stop: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.stop = stop


class _ContentCounter:
    """A page's content streams (the page's, and a form XObject's each time it is used) counted
    against MAX_PDF_PAGE_CONTENT and MAX_PDF_CONTENT before they are interpreted, by pdfminer or
    by pdfium alike."""

    def __init__(self, number: int, budget: _PdfBudget) -> None:
        self.number = number
        self.budget = budget
        self.used = 0

    def cap(self) -> int:
        """How many more bytes may be decoded before a bound is over."""
        return min(bounds.MAX_PDF_PAGE_CONTENT - self.used, bounds.MAX_PDF_CONTENT - self.budget.content)

    def add(self, size: int) -> None:
        self.used += size
        self.budget.content += size
        if self.used > bounds.MAX_PDF_PAGE_CONTENT:
            self.budget.content -= self.used
            raise _PdfPageTooLarge(
                f"第{self.number}页的内容流超过 {bounds.MAX_PDF_PAGE_CONTENT:,} 字节（MAX_PDF_PAGE_CONTENT），该页未读取")
        if self.budget.content > bounds.MAX_PDF_CONTENT:
            raise _PdfPageTooLarge(
                f"第{self.number}页起未读取：各页的内容流合计超过 {bounds.MAX_PDF_CONTENT:,} 字节（MAX_PDF_CONTENT）",
                stop=True)

    def undo(self) -> None:
        """Take back what was counted: the page is counted again as another reader reads it."""
        self.budget.content -= self.used
        self.used = 0


def _count_objects(made: int, number: int, budget: _PdfBudget) -> None:
    """Whether ``made`` objects on page ``number`` go over MAX_PDF_PAGE_OBJECTS or what is left
    of MAX_PDF_OBJECTS: the bound an object-by-object count would have crossed first."""
    page_limit = bounds.MAX_PDF_PAGE_OBJECTS
    all_limit = bounds.MAX_PDF_OBJECTS - budget.objects
    if made <= min(page_limit, all_limit):
        return
    if page_limit <= all_limit:
        raise _PdfPageTooLarge(f"第{number}页的对象（字符、线条和图片）超过 {bounds.MAX_PDF_PAGE_OBJECTS:,} 个"
                               "（MAX_PDF_PAGE_OBJECTS），该页未读取")
    raise _PdfPageTooLarge(f"第{number}页起未读取：各页的对象（字符、线条和图片）合计超过 "
                           f"{bounds.MAX_PDF_OBJECTS:,} 个（MAX_PDF_OBJECTS）", stop=True)


def _parse_page(page: Any, number: int, budget: _PdfBudget) -> None:
    """Parse the page as pdfplumber's ``Page.layout`` would, bounded as it goes: every
    content stream the interpreter runs (the page's, and a form XObject's each time it is
    used) counted against MAX_PDF_PAGE_CONTENT and MAX_PDF_CONTENT before it is run (a few
    KB can unpack to megabytes of operators that draw nothing), and every object the
    device makes (a character, a path) against MAX_PDF_PAGE_OBJECTS and MAX_PDF_OBJECTS
    as it is made (pdfplumber costs tens of µs an object, and table finding more)."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import list_value
    from pdfminer.utils import MATRIX_IDENTITY, Matrix
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    counter = _ContentCounter(number, budget)

    class Interpreter(PDFPageInterpreter):
        def dup(self) -> PDFPageInterpreter:
            return Interpreter(self.rsrcmgr, self.device)

        def render_contents(self, resources: dict[object, object], streams: Sequence[object],
                            ctm: Matrix = MATRIX_IDENTITY) -> None:
            for obj in list_value(streams):
                data = pdfium.decoded_or_none(obj, counter.cap())
                counter.add(len(data) if data is not None else 0)
            super().render_contents(resources, streams, ctm)

    objects = 0

    def made() -> None:
        nonlocal objects
        objects += 1
        _count_objects(objects, number, budget)

    class Device(PDFPageAggregatorWithMarkedContent):
        def render_char(self, *args: Any, **kwargs: Any) -> float:
            made()
            return float(super().render_char(*args, **kwargs))

        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            made()  # a path of many subpaths is painted again for each of them
            super().paint_path(*args, **kwargs)

        def render_image(self, *args: Any, **kwargs: Any) -> None:
            made()
            super().render_image(*args, **kwargs)

    device = Device(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    Interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()  # what Page.layout would have computed, unbounded
    budget.objects += objects


def _page_count(data: bytes, pdf: Any, engine: pdfium.Reader | None = None) -> int | None:
    """The pages of the document without enumerating them: pdfium's count (C, fast), else
    what the page tree declares (/Count)."""
    if engine is not None:
        return engine.count
    try:
        document = pdfium.open_document(data)
    except pdfium.EngineFailed:  # damaged, encrypted, or no pdfium: pdfminer may still read it
        return _declared_pages(pdf)
    with pdfium.LOCK:
        try:
            return len(document)
        finally:
            document.close()


def _declared_pages(pdf: Any) -> int | None:
    """The page count the document's page tree declares (/Count), without reading the pages."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"]).get("Count"))
    except Exception:
        return None
    return count if isinstance(count, int) and count > 0 else None


# pdfium reads the pages (pdfminer when it cannot); False: pdfminer reads every page, as before
# (benchmarks/bench_audit.py compares the two; the tests check they read alike).
USE_PDFIUM = True


def _open_engine(data: bytes, pdf: Any, problems: list[str]) -> pdfium.Reader | None:
    """The document open in pdfium, if pdfium may read it: not when pdfminer refused a stream
    of the document's structure for the bounds, nor when its cross-reference had to be rebuilt
    or its object streams go over the bounds (pdfium would then read them unbounded, or find
    other objects than pdfminer); a note if pdfium cannot open what pdfminer could."""
    if _BOUNDED_ZLIB.refused:
        return None
    inflation = pdfium.Inflation()
    try:
        pdfium.check_document(pdf.doc, inflation, _zlib_refused)
    except pdfium.Unsuitable:
        return None
    except Exception:  # a damaged document: pdfminer reads what it can, as before
        return None
    try:
        document = pdfium.open_document(data)
    except pdfium.EngineFailed as exc:
        problems.append(f"pypdfium2 无法打开此 PDF（{exc}），改用 pdfplumber 逐页读取（较慢）")
        return None
    return pdfium.Reader(document, _zlib_refused, inflation, pdf.doc)


def _zlib_refused() -> int:
    return _BOUNDED_ZLIB.refused


def _read_page(engine: pdfium.Reader | None, page: Any, page_obj: Any, number: int,
               problems: list[str], budget: _PdfBudget) -> list[_PdfItem]:
    """The page's items, read by pdfium if it can, else by pdfminer (after a note, if pdfium
    failed on it)."""
    if engine is not None:
        try:
            return _pdfium_page(engine, page, page_obj, number, problems, budget)
        except pdfium.Unsuitable:
            pass
        except pdfium.EngineFailed as exc:
            problems.append(f"第{number}页 pypdfium2 读取失败（{str(exc)[:100]}），改用 pdfplumber 读取")
    return _pdf_page(page, number, problems, budget)


def _pdfium_page(engine: pdfium.Reader, page: Any, page_obj: Any, number: int,
                 problems: list[str], budget: _PdfBudget) -> list[_PdfItem]:
    """The page read by pdfium into the objects pdfplumber would have, then as any page. Its
    content is counted first, as pdfminer counts it (a page over a bound is not read);
    Unsuitable or EngineFailed (the count taken back) for pdfminer to read it instead."""
    try:
        engine.check_index(number - 1, page_obj)
    except pdfium.Unsuitable:
        raise
    except Exception as exc:  # a damaged page tree: pdfminer reads the page, as before
        raise pdfium.Unsuitable(f"{type(exc).__name__}: {exc}") from exc
    counter = _ContentCounter(number, budget)
    pdfium.count_contents(page_obj, counter)  # _PdfPageTooLarge as pdfminer's count, or Unsuitable
    try:
        try:
            engine.check_page(page_obj)
            place = pdfium.Place(pdfium.page_ctm(page_obj.mediabox, page_obj.rotate), float(page.height),
                                 float(page.mediabox[0]), float(page.mediabox[1]), float(page.initial_doctop))
        except pdfium.Unsuitable:
            raise
        except Exception as exc:  # pdfminer's objects damaged: pdfminer reads the page, as before
            raise pdfium.Unsuitable(f"{type(exc).__name__}: {exc}") from exc
        limit = min(bounds.MAX_PDF_PAGE_OBJECTS, bounds.MAX_PDF_OBJECTS - budget.objects)
        try:
            found = engine.page_objects(number - 1, page_obj, place, limit)
        except (pdfium.Unsuitable, pdfium.EngineFailed):
            raise
        except Exception as exc:  # pdfium failed: pdfminer reads the page, after a note
            raise pdfium.EngineFailed(f"{type(exc).__name__}: {exc}") from exc
    except (pdfium.Unsuitable, pdfium.EngineFailed):
        counter.undo()
        raise
    _count_objects(found.made, number, budget)
    page._objects = found.objects  # what Page.objects would have parsed
    budget.objects += found.made
    return _page_items(page, number, problems, budget)


def _pdf_page(page: Any, number: int, problems: list[str], budget: _PdfBudget) -> list[_PdfItem]:
    """The page interpreted by pdfminer (bounded), then as any page."""
    _parse_page(page, number, budget)
    return _page_items(page, number, problems, budget)


def _page_items(page: Any, number: int, problems: list[str], budget: _PdfBudget) -> list[_PdfItem]:
    """The page's tables and lines of text, from its objects."""
    chars = [c for c in page.chars if str(c.get("text", "")).strip()]
    if not chars:
        if page.images:
            problems.append(f"第{number}页是图片，无法读取文字，需要 OCR")
        return []
    undecoded = sum(1 for c in chars if str(c["text"]).startswith("(cid:"))
    if undecoded:
        problems.append(
            f"第{number}页有 {undecoded} 个字符无法解码（PDF 缺少字符映射），文字可能不全"
        )
    kept = pdftables.dedupe(page.chars)
    items: list[_PdfItem] = []
    boxes: list[tuple[float, float, float, float]] = []
    centres: pdftables.Centres | None = None
    for table in _find_tables(page, number, problems, budget):
        centres = centres or pdftables.Centres(kept)
        rows = [[cell_text(cell) for cell in row] for row in pdftables.extract(table, centres)]
        if not any(any(row) for row in rows):
            continue
        x0, top, x1, bottom = (float(v) for v in table.bbox)
        boxes.append((x0, top, x1, bottom))
        items.append(_PdfItem(number, top, rows=list(rectangle(rows)), x0=x0, x1=x1))

    def outside(char: dict[str, Any]) -> bool:
        cx = (char["x0"] + char["x1"]) / 2
        cy = (char["top"] + char["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    loose = [c for c in kept if str(c.get("text", "")) and (not boxes or outside(c))]
    for top, text in _text_lines(loose):
        items.append(_PdfItem(number, top, text=text))
    items.sort(key=lambda item: item.top)
    height = float(page.height)
    content = [item for item in items if not item.is_page_number]
    if len(content) > 1:  # a line alone on its page is what the page says, not its head
        first, last = content[0], content[-1]
        if first.rows is None and first.top < _MARGIN_SHARE * height:
            first.margin = "top"
        if last.rows is None and last.top > (1 - _MARGIN_SHARE) * height:
            last.margin = "bottom"
    return items


def _find_tables(page: Any, number: int, problems: list[str], budget: _PdfBudget) -> list[Any]:
    """pdfplumber's ``page.find_tables()`` (computed by :mod:`pdftables`), unless the page's
    ruling lines are too many: its cost grows with the square of their crossings (horizontal ×
    vertical lines). Only what shows rules a table (a white box behind the text does not)."""
    from pdfplumber.table import Table, cells_to_tables

    visible = [[obj for obj in objects if _visible(obj)] for objects in (page.lines, page.rects, page.curves)]
    edges = pdftables.ruling_edges(*visible)
    if edges is None:  # a coordinate not a finite number: pdfplumber's own, whatever it makes of it
        return _plumber_tables(page, number, problems, budget)
    horizontal = sum(1 for edge in edges if edge[pdftables.ORIENTATION] == "h")
    crossings = horizontal * (len(edges) - horizontal)
    if crossings > bounds.MAX_PDF_TABLE_CROSSINGS:
        # A chart's lettering drawn as paths makes hundreds of short strokes; a ruling that
        # bounds a cell is at least a row high. Without the shorter ones, tables can be found.
        edges = [edge for edge in edges if pdftables.edge_length(edge) >= _MIN_RULING]
        horizontal = sum(1 for edge in edges if edge[pdftables.ORIENTATION] == "h")
        crossings = horizontal * (len(edges) - horizontal)
    if not _within_crossings(crossings, horizontal, len(edges) - horizontal, number, problems, budget):
        return []
    cells = pdftables.cells(pdftables.crossings(edges))
    return [Table(page, group) for group in cells_to_tables(cells)]


def _within_crossings(crossings: int, horizontal: int, vertical: int, number: int, problems: list[str],
                      budget: _PdfBudget) -> bool:
    """Whether a page's rulings cross few enough times to look for tables (MAX_PDF_TABLE_CROSSINGS,
    MAX_PDF_CROSSINGS); if not, a note."""
    if crossings > bounds.MAX_PDF_TABLE_CROSSINGS:
        problems.append(f"第{number}页的表格线过多（{horizontal} 条横线 × {vertical} 条竖线，"
                        f"超过 {bounds.MAX_PDF_TABLE_CROSSINGS:,}，MAX_PDF_TABLE_CROSSINGS），只读取了文字，未识别表格")
        return False
    if budget.crossings + crossings > bounds.MAX_PDF_CROSSINGS:
        if not budget.crossings_noted:
            budget.crossings_noted = True
            problems.append(f"第{number}页起只读取了文字、未识别表格：各页表格线合计超过上限"
                            f"（{bounds.MAX_PDF_CROSSINGS:,}，MAX_PDF_CROSSINGS）")
        return False
    budget.crossings += crossings
    return True


def _plumber_tables(page: Any, number: int, problems: list[str], budget: _PdfBudget) -> list[Any]:
    """pdfplumber's own table finding (on a page with a coordinate that is not a number)."""
    from pdfplumber.table import (
        Table,
        TableFinder,
        TableSettings,
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
    )

    finder = TableFinder.__new__(TableFinder)  # its __init__ would go on to the cells at once
    finder.page = page.filter(_visible)
    finder.settings = TableSettings.resolve(None)
    edges = finder.get_edges()
    horizontal = sum(1 for edge in edges if edge["orientation"] == "h")
    crossings = horizontal * (len(edges) - horizontal)
    if crossings > bounds.MAX_PDF_TABLE_CROSSINGS:
        edges = [edge for edge in edges if _edge_length(edge) >= _MIN_RULING]
        horizontal = sum(1 for edge in edges if edge["orientation"] == "h")
        crossings = horizontal * (len(edges) - horizontal)
    if not _within_crossings(crossings, horizontal, len(edges) - horizontal, number, problems, budget):
        return []
    settings = finder.settings
    intersections = edges_to_intersections(edges, settings.intersection_x_tolerance,
                                           settings.intersection_y_tolerance)
    return [Table(page, group) for group in cells_to_tables(intersections_to_cells(intersections))]


# Points: a table row is at least this high, a column this wide; shorter strokes (a chart's
# lettering drawn as paths) are left out on a page over MAX_PDF_TABLE_CROSSINGS. Pinned by
# test_bounds.py::test_pdf_pages_ruled_edge_to_edge_are_read_without_their_tables.
_MIN_RULING = 12.0

# Flate inflates at most ~1030 times: a stream under cap / this ratio cannot go over its cap.
# Pinned by test_bounds.py::test_pdf_streams_inflate_within_bounds.
_FLATE_MAX_RATIO = 1100
# A character joins one of the last _LINE_LOOKBACK lines when it overlaps it by half the lower
# height (a raised "2024" in a line of Chinese, a lower quotation mark, stay on their line), and
# a gap wider than _WORD_GAP of the font size (_DEFAULT_FONT_SIZE when none is given) is a space.
# Calibrated on tests/fixtures/pdfs/01_shanghai-putuo-czj-2024.pdf:
# test_readers.py::test_pdf_01_text_lines and test_pdf_01_has_every_number_of_the_text_extract.
_LINE_LOOKBACK = 4
_LINE_OVERLAP = 0.5
_WORD_GAP = 0.3
_DEFAULT_FONT_SIZE = 10
# Points: a table at the top of the next page with the same columns and its left and right edges
# this close continues the table before (01_shanghai-putuo-czj-2024.pdf's 表1 over two pages:
# test_readers.py::test_pdf_01_summary_table_is_one_grid_with_income_and_expenditure).
_CONTINUED_EDGES = 3
# A colour with every component this near white (at least _WHITE in grey or RGB, at most
# _CMYK_WHITE in CMYK) does not show on white paper: a box painted so rules no table
# (test_readers.py::test_pdf_white_box_and_running_head).
_WHITE = 0.99
_CMYK_WHITE = 0.01


def _edge_length(edge: dict[str, Any]) -> float:
    if edge["orientation"] == "h":
        return float(edge["x1"]) - float(edge["x0"])
    return float(edge["bottom"]) - float(edge["top"])


def _visible(obj: dict[str, Any]) -> bool:
    """Whether a drawn object shows on white paper: a path only filled or stroked in white
    (a page's or a box's background) does not."""
    if obj.get("object_type") not in ("rect", "line", "curve"):
        return True
    painted = []
    if obj.get("fill"):
        painted.append(obj.get("non_stroking_color"))
    if obj.get("stroke") or obj.get("object_type") == "line":
        painted.append(obj.get("stroking_color"))
    return any(not _is_white(color) for color in painted)


def _is_white(color: object) -> bool:
    values = color if isinstance(color, (list, tuple)) else (color,)
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return False  # no colour (black by default) or a pattern
    numbers = [float(v) for v in values]
    if len(numbers) == 4:  # CMYK
        return all(v <= _CMYK_WHITE for v in numbers)
    return all(v >= _WHITE for v in numbers)


def _text_lines(chars: Sequence[dict[str, Any]]) -> list[tuple[float, str]]:
    """Group characters into lines by vertical overlap (a raised "2024" in a line of
    Chinese, or a lower quotation mark, stays on its line), then read each line left to
    right, with a space where there is a visible gap."""
    lines: list[tuple[list[float], list[dict[str, Any]]]] = []
    for char in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        top, bottom = float(char["top"]), float(char["bottom"])
        height = max(bottom - top, 0.1)
        for band, members in reversed(lines[-_LINE_LOOKBACK:]):
            overlap = min(bottom, band[1]) - max(top, band[0])
            if overlap >= _LINE_OVERLAP * min(height, band[1] - band[0]):
                members.append(char)
                band[0], band[1] = min(band[0], top), max(band[1], bottom)
                break
        else:
            lines.append(([top, bottom], [char]))
    result: list[tuple[float, str]] = []
    for band, members in lines:
        members.sort(key=lambda c: float(c["x0"]))
        text = ""
        previous: dict[str, Any] | None = None
        for char in members:
            if previous is not None:
                gap = float(char["x0"]) - float(previous["x1"])
                size = min(float(char.get("size") or _DEFAULT_FONT_SIZE),
                           float(previous.get("size") or _DEFAULT_FONT_SIZE))
                if gap > _WORD_GAP * size:
                    text += " "
            text += str(char["text"])
            previous = char
        text = squeeze(normalise(text))
        if text:
            result.append((band[0], text))
    return result


def _join_continued_tables(items: list[_PdfItem]) -> list[_PdfItem]:
    """Join a table that goes on at the top of the next page to the one it continues."""
    result: list[_PdfItem] = []
    last_table: _PdfItem | None = None  # the last content item, if it is a table
    last_page = 0
    for item in items:
        if item.is_page_number:
            result.append(item)
            continue
        if (
            item.rows is not None
            and last_table is not None
            and last_table.rows is not None
            and item.page == last_page + 1
            and _continues(last_table, item)
        ):
            last_table.rows.extend(_without_repeated_header(last_table.rows, item.rows))
            last_page = item.page
            continue
        result.append(item)
        last_table = item if item.rows is not None else None
        last_page = item.page
    return result


def _continues(first: _PdfItem, second: _PdfItem) -> bool:
    if first.rows is None or second.rows is None:
        return False
    if not first.rows or not second.rows or len(first.rows[0]) != len(second.rows[0]):
        return False
    return (abs(first.x0 - second.x0) <= _CONTINUED_EDGES
            and abs(first.x1 - second.x1) <= _CONTINUED_EDGES)


def _without_repeated_header(
    rows: list[tuple[str, ...]], more: list[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    repeated = 0
    while (
        repeated < len(more)
        and repeated < len(rows)
        and more[repeated] == rows[repeated]
        and any(cell and not _is_number(cell) for cell in more[repeated])
    ):
        repeated += 1
    return more[repeated:]


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,]*\.?\d+%?", text))
