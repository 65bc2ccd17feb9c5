"""Read a published report file into a :class:`SourceDocument`.

:func:`read_report` looks at the bytes first and the file name second:

* ``%PDF-`` → PDF (pdfplumber): per page, ruled tables become :class:`Grid` blocks and
  the text outside them :class:`Line` blocks, in reading order (top to bottom), with
  page numbers. A table that runs on at the top of the next page (same number of
  columns, same left and right edges, nothing but a page number between) is joined
  into one grid; a repeated header at the top of the continuation is dropped. Only
  what shows rules a table (a white box behind the text does not); on a page with too
  many rulings, strokes shorter than a table row (a chart's lettering drawn as paths)
  are left out first. A running head or foot — the page's first or last line, in its
  margin, printed alike on most pages — is dropped, so a paragraph that runs over a
  page break reads on. Pages with pictures but no text are reported in ``problems``
  ("需要 OCR"), never guessed.
* a ZIP with ``word/document.xml`` → DOCX (python-docx): paragraphs and tables in
  body order; a ZIP with ``xl/workbook.xml`` → XLSX (openpyxl): one grid per sheet,
  after a line with the sheet name.
* an OLE2 compound file (.doc/.wps, .xls/.et) or RTF → converted by LibreOffice
  (``soffice --headless``) to DOCX/XLSX, then read as above.
* HTML (by suffix, or a file that starts like HTML, such as an "Excel" export that
  is really a web page) → lxml: text of paragraphs, headings, list items and divs as
  lines; each ``<table>`` as a grid; ``<br>`` breaks lines; script/style ignored.
* anything else → plain text (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030,
  which also covers GBK/GB2312) through :func:`~juesuan.audit.source.from_text`.

Merged table cells, in every format, keep their text in the first (top-left) slot of
the span and ``""`` in the other slots, and every grid is rectangular. Inside a cell,
wrapped lines are joined (without a space between Chinese characters), so
``'一般公共预算财政拨\\n款收入'`` reads ``'一般公共预算财政拨款收入'``. Every string is put
through :func:`~juesuan.audit.source.normalise` (NFKC plus the CJK radicals table).

Line numbers (``Line.line``, ``Grid.line``) count the lines of the text as read: each
line one, each grid row one. Plain text keeps its own line numbers.

Every reader keeps to the bounds of :mod:`juesuan.limits` (docs/limits.md) by itself, so
every caller (``juesuan audit``, ``juesuan import``, the web import) gets them: the file's
size, a ZIP's declared unpacked size and an HTML/DOCX's tags are checked before parsing;
sheets are sized by the cells present, never by what their ``<dimension>`` claims; merged
cells are expanded only as far as the cells present justify; text, lines, tables and cells
are counted as they are read. Going over a bound is a :class:`ReportReadError` naming the
bound, except for PDF pages, which are left unread with a problem saying so (the pages
before them are a report all the same).

Anything that cannot be read raises :class:`ReportReadError` with a Chinese message
that names the file; no other exception leaves :func:`read_report`.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import itertools
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from juesuan.audit.source import (
    Block,
    Grid,
    Line,
    SourceDocument,
    from_text,
    normalise,
    squeeze,
)
from juesuan.limits import (
    MAX_PDF_CONTENT,
    MAX_PDF_CROSSINGS,
    MAX_PDF_INFLATED,
    MAX_PDF_OBJECTS,
    MAX_PDF_PAGE_CONTENT,
    MAX_PDF_PAGE_OBJECTS,
    MAX_PDF_STREAM,
    MAX_PDF_TABLE_CROSSINGS,
    MAX_REPORT_BYTES,
    MAX_REPORT_CELLS,
    MAX_REPORT_CHARS,
    MAX_REPORT_LINES,
    MAX_REPORT_PAGES,
    MAX_REPORT_TABLES,
    MAX_REPORT_TAGS,
    MAX_REPORT_UNZIPPED,
    MAX_SPAN_EXPANSION,
    MAX_TABLE_COLUMNS,
)

__all__ = ["ReportReadError", "read_report"]

LIBREOFFICE_TIMEOUT = 120  # seconds for one conversion

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
WRITER_SUFFIXES = {".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt"}
CALC_SUFFIXES = {".xls", ".xlt", ".et", ".ett", ".ods"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class ReportReadError(Exception):
    """A report file that cannot be read; the message is Chinese and names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{path}：{message}")


def read_report(path: Path, *, max_pages: int | None = None) -> SourceDocument:
    """Read a report in any supported format (see the module docstring).

    ``max_pages`` limits how many PDF pages are read (a problem then says so); never more
    than ``MAX_REPORT_PAGES``.
    """
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_REPORT_BYTES:
            raise _too_large(path, "文件", MAX_REPORT_BYTES, "MAX_REPORT_BYTES", "字节")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportReadError(path, "找不到文件") from None
    except IsADirectoryError:
        raise ReportReadError(path, "这是一个文件夹，不是文件") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ReportReadError(path, f"无法打开文件（{reason}）") from None
    if not data.strip():
        raise ReportReadError(path, "文件是空的")
    kind = ""
    try:
        kind = _sniff(path, data)
        if kind == "pdf":
            pages = MAX_REPORT_PAGES if max_pages is None else min(max_pages, MAX_REPORT_PAGES)
            return _read_pdf(path, data, pages)
        if kind == "docx":
            return _read_docx(path, data)
        if kind == "xlsx":
            return _read_xlsx(path, data)
        if kind in ("writer", "calc"):
            return _read_with_libreoffice(path, data, kind)
        if kind == "html":
            return _read_html(path, data)
        return _read_text(path, data)
    except ReportReadError:
        raise
    except Exception as exc:  # a damaged file may break a library in any way
        detail = f"{type(exc).__name__}: {exc}"
        if len(detail) > 200:
            detail = detail[:200] + "…"
        label = _KIND_LABELS.get(kind, "")
        if "EOF" in detail:
            raise ReportReadError(
                path, f"{label}文件不完整（可能没有下载完），无法读取（{detail}）"
            ) from exc
        raise ReportReadError(path, f"{label}文件已损坏或格式不受支持（{detail}）") from exc


_KIND_LABELS = {
    "pdf": "PDF ",
    "docx": "DOCX ",
    "xlsx": "XLSX ",
    "writer": "",
    "calc": "",
    "html": "HTML ",
    "text": "",
}


# ---------------------------------------------------------------------------------------
# Which reader


def _sniff(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if suffix == ".pdf":
        raise ReportReadError(
            path, "不是 PDF 文件（文件开头没有 %PDF 标记），可能已损坏或扩展名不对"
        )
    if data.startswith(_ZIP_MAGIC):
        return _sniff_zip(path, data)
    if suffix in (".docx", ".xlsx", ".docm", ".xlsm"):
        raise ReportReadError(
            path, f"不是 {suffix[1:].upper()} 文件（不是 ZIP 格式），可能已损坏或扩展名不对"
        )
    if data.startswith(_OLE_MAGIC):
        if suffix in WRITER_SUFFIXES:
            return "writer"
        if suffix in CALC_SUFFIXES:
            return "calc"
        raise ReportReadError(
            path,
            "这是旧版 Office/WPS 文件，但从扩展名看不出是文档还是表格；请改为 .doc 或 .xls 后再读",
        )
    if data.lstrip().startswith(b"{\\rtf"):
        return "writer"
    if suffix in HTML_SUFFIXES:
        return "html"
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix != ".txt" and (
        text_head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta"))
        or (text_head.startswith(b"<?xml") and b"<html" in text_head)
    ):
        return "html"
    if suffix in WRITER_SUFFIXES | CALC_SUFFIXES:
        raise ReportReadError(path, f"不是可识别的 {suffix[1:]} 文件，可能已损坏或扩展名不对")
    return "text"


def _sniff_zip(path: Path, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError) as exc:
        raise ReportReadError(path, f"ZIP 压缩包已损坏，无法打开（{exc}）") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if b"opendocument.text" in mimetype:
        return "writer"
    if b"opendocument.spreadsheet" in mimetype:
        return "calc"
    raise ReportReadError(path, "是 ZIP 压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件")


# ---------------------------------------------------------------------------------------
# Shared helpers


def _too_large(path: Path, what: str, limit: int, name: str, unit: str) -> ReportReadError:
    return ReportReadError(
        path, f"{what}超过上限 {limit:,} {unit}（{name}，见 docs/limits.md），未读取；"
        "文件可能已损坏或经过特殊构造"
    )


class _Blocks:
    """The blocks of one report as they are read: numbered (one line number per line, one
    per grid row) and counted against the bounds on one report, so that a file that would
    go over one stops being read as soon as it does."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.blocks: list[Block] = []
        self.problems: list[str] = []
        self.next = 1  # line number of the next line or grid row
        self.skipped = 0  # empty lines and paragraphs: no number, but read all the same
        self.chars = 0
        self.cells = 0
        self.tables = 0

    def line(self, text: str, page: int | None = None) -> None:
        self.expect(lines=1, chars=len(text))
        self.blocks.append(Line(text, self.next, page))
        self.next += 1
        self.chars += len(text)

    def empty(self, count: int = 1) -> None:
        self.expect(lines=count)
        self.skipped += count

    def grid(self, rows: tuple[tuple[str, ...], ...], page: int | None = None) -> None:
        cells = sum(len(row) for row in rows)
        chars = sum(len(cell) for row in rows for cell in row)
        self.expect(lines=len(rows), chars=chars, cells=cells, tables=1)
        self.blocks.append(Grid(rows, self.next, page))
        self.next += max(len(rows), 1)
        self.chars += chars
        self.cells += cells
        self.tables += 1

    def expect(self, *, lines: int = 0, chars: int = 0, cells: int = 0, tables: int = 0) -> None:
        """Refuse the report if this much more would take it over a bound."""
        if self.next - 1 + self.skipped + lines > MAX_REPORT_LINES:
            raise _too_large(self.path, "报告的行数（文字行、段落和表格行）", MAX_REPORT_LINES,
                             "MAX_REPORT_LINES", "行")
        if self.chars + chars > MAX_REPORT_CHARS:
            raise _too_large(self.path, "报告的文字", MAX_REPORT_CHARS, "MAX_REPORT_CHARS", "字")
        if self.cells + cells > MAX_REPORT_CELLS:
            raise _too_large(self.path, "报告中表格的单元格（合并单元格按展开计）", MAX_REPORT_CELLS,
                             "MAX_REPORT_CELLS", "个")
        if self.tables + tables > MAX_REPORT_TABLES:
            raise _too_large(self.path, "报告中的表格", MAX_REPORT_TABLES, "MAX_REPORT_TABLES", "张")

    def rectangle(self, rows: Sequence[Sequence[str]], present: int) -> tuple[tuple[str, ...], ...]:
        """``rows`` padded to a rectangle, once its size is known to be within bounds:
        merged cells may make a table at most MAX_SPAN_EXPANSION times the ``present`` cells."""
        width = max((len(row) for row in rows), default=0)
        self.check_expansion(len(rows) * width, present)
        return _rectangle(rows)

    def check_expansion(self, expanded: int, present: int) -> None:
        if expanded > MAX_SPAN_EXPANSION * max(present, MAX_TABLE_COLUMNS):
            raise ReportReadError(
                self.path,
                f"一张表格有 {present:,} 个单元格，合并单元格展开后达 {expanded:,} 个，超过实有单元格的 "
                f"{MAX_SPAN_EXPANSION} 倍（MAX_SPAN_EXPANSION，见 docs/limits.md），未读取；"
                "文件可能已损坏或经过特殊构造",
            )
        self.expect(cells=expanded)

    def clipped(self) -> None:
        problem = f"有表格超过 {MAX_TABLE_COLUMNS} 列（MAX_TABLE_COLUMNS），其余列未读取"
        if problem not in self.problems:
            self.problems.append(problem)

    def document(self, fmt: str, *, pages: int | None = None) -> SourceDocument:
        return _document(self.path, fmt, self.blocks, pages=pages, problems=self.problems)


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join_wrapped(parts: Sequence[str]) -> str:
    """Join the lines of a wrapped cell: no space next to Chinese text or inside a number,
    one space between words of Latin text."""
    out = ""
    for raw in parts:
        part = squeeze(raw)
        if not part:
            continue
        if out and _needs_space(out[-1], part[0]):
            out += " "
        out += part
    return out


def _needs_space(left: str, right: str) -> bool:
    if _is_cjk(left) or _is_cjk(right):
        return False
    if not (left.isascii() and right.isascii()):
        return False
    numberish = "0123456789,.%-"
    if left in numberish and right in numberish:
        return False
    return left.isalnum() and right.isalnum()


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return _join_wrapped(normalise(text).splitlines())


def _rectangle(rows: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    width = max((len(row) for row in rows), default=0)
    return tuple(tuple(row) + ("",) * (width - len(row)) for row in rows)


def _document(
    path: Path,
    fmt: str,
    blocks: Sequence[Block],
    *,
    pages: int | None = None,
    problems: Sequence[str] = (),
) -> SourceDocument:
    found = list(problems)
    if not blocks and not found:
        found.append("文件中没有读到任何文字")
    _check_totals(path, blocks)
    return SourceDocument(str(path), fmt, tuple(blocks), pages, tuple(found))


def _check_totals(path: Path, blocks: Sequence[Block]) -> None:
    """Every report, however read, within the bounds on one report (the readers check as
    they go; this is the guarantee)."""
    total = _Blocks(path)
    lines = chars = cells = tables = 0
    for block in blocks:
        if isinstance(block, Line):
            lines += 1
            chars += len(block.text)
        else:
            lines += len(block.rows)
            cells += sum(len(row) for row in block.rows)
            chars += sum(len(cell) for row in block.rows for cell in row)
            tables += 1
    total.expect(lines=lines, chars=chars, cells=cells, tables=tables)


# ---------------------------------------------------------------------------------------
# Plain text

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _decode_text(path: Path, data: bytes, candidates: Sequence[str]) -> tuple[str, list[str]]:
    """Decode with the first candidate that fits. A candidate that fits all but a few
    bytes (a damaged or cut-off file) is taken with those bytes as U+FFFD and a problem
    saying so, before the next candidate is tried: UTF-8 text with one bad byte must not
    be read as GB18030 mojibake."""
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = data.decode(encoding, "replace")
            bad = text.count("\ufffd")
            wide = sum(1 for ch in text if ord(ch) > 0x7F) - bad
            if bad <= max(3, len(text) // 1000) and wide >= 10 * bad and not _looks_binary(text):
                label = "GB18030" if encoding == "gb18030" else encoding.upper()
                problem = (
                    f"有 {bad} 处字节不是有效的 {label} 编码，已用 � 代替（文件可能损坏或不完整）"
                )
                return text, [problem]
            continue
        except LookupError:
            continue
        if _looks_binary(text):
            break
        return text, []
    raise ReportReadError(
        path, "无法识别文件的文字编码（试过 UTF-8 和 GB18030），或者这不是文本文件"
    )


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    odd = sum(
        1
        for ch in text[:200_000]
        if unicodedata.category(ch) in ("Cc", "Cn", "Cs") and ch not in "\t\n\r\f\v\x1a"
    )
    return odd > max(2, min(len(text), 200_000) // 50)


_LINE_BREAKS = "\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # with \r, as str.splitlines


def _check_text_size(path: Path, size: int, text: str | None = None) -> None:
    """Refuse text over MAX_REPORT_CHARS or MAX_REPORT_LINES before it is split into lines.
    ``size`` alone (bytes) refuses what no encoding could decode to fewer characters."""
    if size > 4 * MAX_REPORT_CHARS or (text is not None and len(text) > MAX_REPORT_CHARS):
        raise _too_large(path, "报告的文字", MAX_REPORT_CHARS, "MAX_REPORT_CHARS", "字")
    if text is not None:
        breaks = sum(text.count(ch) for ch in _LINE_BREAKS)
        breaks += text.count("\r") - text.count("\r\n")
        if breaks >= MAX_REPORT_LINES:
            raise _too_large(path, "报告的行数", MAX_REPORT_LINES, "MAX_REPORT_LINES", "行")


def _read_text(path: Path, data: bytes) -> SourceDocument:
    _check_text_size(path, len(data))
    bom = _bom_encoding(data)
    candidates = [bom] if bom else ["utf-8", "gb18030"]
    text, problems = _decode_text(path, data, candidates)
    _check_text_size(path, len(data), text)
    document = from_text(text, str(path))
    _check_text_grids(path, document)
    return _document(path, "text", document.blocks, problems=[*problems, *document.problems])


def _check_text_grids(path: Path, document: SourceDocument) -> None:
    """A table is read with every row padded to its widest (at most MAX_TABLE_COLUMNS cells):
    those padded cells count against MAX_REPORT_CELLS, as the merged cells the other readers
    expand do. One line of 1,000 cells over 100,000 short rows is 100 M cells to read."""
    cells = sum(len(grid.rows) * max(map(len, grid.rows), default=0) for grid in document.grids())
    if cells > MAX_REPORT_CELLS:
        raise _too_large(path, "报告中表格的单元格（各行按同一表格最宽的一行补齐计）", MAX_REPORT_CELLS,
                         "MAX_REPORT_CELLS", "个")


# ---------------------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHINESE_CHARSETS = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312"}


def _html_charset(data: bytes) -> str | None:
    head = data[:8192]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").strip().lower()
    if name in _CHINESE_CHARSETS or name.startswith("gb"):
        return "gb18030"  # gb2312 pages carry GBK-only characters such as 镕
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _read_html(path: Path, data: bytes) -> SourceDocument:
    _check_text_size(path, len(data))
    if data.count(b"<") > MAX_REPORT_TAGS:  # before lxml builds a tree of them all
        raise _too_large(path, "HTML 中的标记（<…>）", MAX_REPORT_TAGS, "MAX_REPORT_TAGS", "个")
    bom = _bom_encoding(data)
    if bom:
        candidates = [bom]
    else:
        declared = _html_charset(data)
        candidates = [c for c in (declared, "utf-8", "gb18030") if c]
    text, problems = _decode_text(path, data, candidates)
    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    blocks = _Blocks(path)
    blocks.problems.extend(problems)
    if not text.strip():
        return blocks.document("html")

    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReportReadError(path, f"HTML 无法解析（{exc}）") from None
    walker = _HtmlWalker(blocks)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return blocks.document("html")


_HTML_SKIP = {
    "script", "style", "noscript", "template", "head", "title", "iframe", "object",
    "embed", "svg", "math", "select", "textarea", "button", "map", "audio", "video",
}  # fmt: skip
_HTML_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_WHITESPACE = re.compile(r"\s+")
_MAX_ROWSPAN = 65534  # HTML's own limit
# libxml2 keeps HTML to 256 levels; deeper than this the walker reads the rest as plain text
# rather than recurse (Python's stack is about 1,000 frames).
_MAX_DEPTH = 200


class _HtmlWalker:
    def __init__(self, blocks: _Blocks) -> None:
        self.blocks = blocks
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = squeeze(normalise(_WHITESPACE.sub(" ", "".join(self.buffer))))
        self.buffer = []
        if text:
            self.blocks.line(text)

    def walk(self, element: Any, depth: int = 0) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None:  # comment or processing instruction: only its tail is text
            return
        tag = tag.lower()
        if tag in _HTML_SKIP:
            return
        if tag == "br":
            self.flush()
            return
        if depth > _MAX_DEPTH:
            self.buffer.append(_html_cell_text(element, flat=True))
            return
        if tag == "table" and not _has_nested_table(element):
            self.flush()
            self.table(element)
            return
        block = tag in _HTML_BLOCKS
        if block:
            self.flush()
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child, depth + 1)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush()

    def table(self, table: Any) -> None:
        for caption in table.iterfind("caption"):
            self.buffer.append(_html_cell_text(caption))
            self.flush()
        rows = _html_grid(table, self.blocks)
        if rows and any(any(cell for cell in row) for row in rows):
            self.blocks.grid(rows)


def _has_nested_table(table: Any) -> bool:
    """A table holding another table is page layout, read as running text."""
    return any(True for _ in table.iterdescendants("table"))


def _span(element: Any, name: str, limit: int) -> int:
    value = str(element.get(name) or "1").strip()
    match = re.match(r"\d+", value)
    if not match:
        return 1
    return min(int(match.group()[:8]), limit)


def _html_grid(table: Any, blocks: _Blocks) -> tuple[tuple[str, ...], ...]:
    """Expand rowspan/colspan: the text in the top-left slot, "" in the rest of the span.

    A span is clipped to the table: colspan to MAX_TABLE_COLUMNS, rowspan to the rows of its
    section (``rowspan=0`` is "to the end of the section": thead, tbody or tfoot). Before
    anything is expanded, the slots the spans claim are checked against the cells present
    (MAX_SPAN_EXPANSION)."""
    trs = [tr for tr in table.iter("tr") if isinstance(tr.tag, str)]
    section_end = [0] * len(trs)  # index after the last row of each row's section
    for r in range(len(trs) - 1, -1, -1):
        same = r + 1 < len(trs) and trs[r + 1].getparent() is trs[r].getparent()
        section_end[r] = section_end[r + 1] if same else r + 1
    cells: list[list[tuple[Any, int, int]]] = []  # per row: (td, colspan, rowspan)
    present = claimed = 0
    for r, tr in enumerate(trs):
        row: list[tuple[Any, int, int]] = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            colspan = max(_span(td, "colspan", MAX_TABLE_COLUMNS), 1)
            rowspan = _span(td, "rowspan", _MAX_ROWSPAN)
            if rowspan == 0:
                rowspan = section_end[r] - r
            rowspan = max(min(rowspan, section_end[r] - r), 1)
            row.append((td, colspan, rowspan))
            present += 1
            claimed += colspan * rowspan
        cells.append(row)
    blocks.check_expansion(claimed, present)
    grid: dict[tuple[int, int], str] = {}
    width = 0
    clipped = False
    for r, row in enumerate(cells):
        c = 0
        for td, colspan, rowspan in row:
            while (r, c) in grid:
                c += 1
            if c >= MAX_TABLE_COLUMNS:  # no real table is that wide: ignore the rest of the row
                clipped = True
                break
            colspan = min(colspan, MAX_TABLE_COLUMNS - c)
            text = _html_cell_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dr == dc == 0 else ""
            c += colspan
            width = max(width, c)
    if clipped:
        blocks.clipped()
    blocks.check_expansion(len(cells) * width, present)
    return tuple(tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(cells)))


def _html_cell_text(element: Any, *, flat: bool = False) -> str:
    if flat:  # too deep to walk: its text, without recursion
        return _WHITESPACE.sub(" ", "".join(element.itertext()))
    parts: list[str] = []

    def collect(node: Any, depth: int = 0) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        if tag is not None and tag not in _HTML_SKIP:
            if tag == "br" or tag in _HTML_BLOCKS:
                parts.append("\n")
            if depth > _MAX_DEPTH:
                parts.append("".join(node.itertext()))
            elif node.text and tag != "br":
                parts.append(node.text)
            for child in node if depth <= _MAX_DEPTH else ():
                collect(child, depth + 1)
            if tag in _HTML_BLOCKS:
                parts.append("\n")
        if node is not element and node.tail:
            parts.append(node.tail)

    collect(element)
    lines = [_WHITESPACE.sub(" ", line) for line in "".join(parts).split("\n")]
    return _cell("\n".join(lines))


# ---------------------------------------------------------------------------------------
# PDF

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


# A running head or foot stands in the top or bottom eighth of its page ...
_MARGIN_SHARE = 0.125
# ... and is printed alike (digits aside) on this share of the pages, at least three.
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


def _read_pdf(path: Path, data: bytes, max_pages: int) -> SourceDocument:
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
                total = _page_count(data, pdf)
                stop = f"只读取了前 {max_pages} 页" + (f"（共 {total} 页）" if total and total >= number
                                                      else "（其余页未读取）")
                break
            tried += 1
            try:
                page = Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
                doctop += float(page.height)
                try:
                    found = _pdf_page(page, number, problems, budget)
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
            total = total or _page_count(data, pdf)
        else:
            total = number
    blocks = _Blocks(path)
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
        self.left = MAX_PDF_INFLATED

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        self.active, self.left = True, MAX_PDF_INFLATED
        try:
            yield
        finally:
            self.active = False

    def cap(self) -> int:
        return max(min(MAX_PDF_STREAM, self.left), 0) if self.active else 1 << 62

    def take(self, result: bytes) -> bytes:
        if self.active:
            self.left -= len(result)
        return result

    def decompress(self, data: bytes) -> bytes:
        cap = self.cap()
        if len(data) * 1100 > cap:  # Flate inflates at most ~1030 times: it might go over
            trial = zlib.decompressobj()
            if len(trial.decompress(data, cap + 1)) > cap or trial.unconsumed_tail:
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
        if self.lines > MAX_REPORT_LINES:
            return f"行数超过 {MAX_REPORT_LINES:,} 行（MAX_REPORT_LINES）"
        if self.tables > MAX_REPORT_TABLES:
            return f"表格超过 {MAX_REPORT_TABLES:,} 张（MAX_REPORT_TABLES）"
        if self.cells > MAX_REPORT_CELLS:
            return f"表格的单元格超过 {MAX_REPORT_CELLS:,} 个（MAX_REPORT_CELLS）"
        return None


class _PdfPageTooLarge(Exception):
    """A page over a bound on one page (it is left out), or over a bound on all pages
    (``stop``: it and the pages after are left out)."""

    def __init__(self, problem: str, *, stop: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.stop = stop


def _parse_page(page: Any, number: int, budget: _PdfBudget) -> None:
    """Parse the page as pdfplumber's ``Page.layout`` would, bounded as it goes: every
    content stream the interpreter runs (the page's, and a form XObject's each time it is
    used) counted against MAX_PDF_PAGE_CONTENT and MAX_PDF_CONTENT before it is run (a few
    KB can unpack to megabytes of operators that draw nothing), and every object the
    device makes (a character, a path) against MAX_PDF_PAGE_OBJECTS and MAX_PDF_OBJECTS
    as it is made (pdfplumber costs tens of µs an object, and table finding more)."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, list_value, resolve1
    from pdfminer.utils import MATRIX_IDENTITY, Matrix
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    def decoded_size(obj: object, cap: int) -> int:
        stream = resolve1(obj)
        if not isinstance(stream, PDFStream):
            return 0
        if stream.data is not None or stream.rawdata is None or stream.decipher:
            return len(stream.get_data())
        filters = stream.get_filters()
        if not filters:
            return len(stream.rawdata)
        if len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE:
            inflate = zlib.decompressobj()
            try:  # at most cap + 1 bytes, never the whole of a bomb
                return len(inflate.decompress(stream.rawdata, cap + 1))
            except zlib.error:  # damaged: what inflates before the damage, as pdfminer repairs it
                inflate, size = zlib.decompressobj(), 0
                for start in range(0, len(stream.rawdata), 1 << 16):
                    try:
                        size += len(inflate.decompress(stream.rawdata[start:start + (1 << 16)],
                                                       cap + 1 - size))
                    except zlib.error:
                        break
                    if size > cap or inflate.unconsumed_tail:
                        return cap + 1
                return size
        return len(stream.get_data())

    page_used = 0

    class Interpreter(PDFPageInterpreter):
        def dup(self) -> PDFPageInterpreter:
            return Interpreter(self.rsrcmgr, self.device)

        def render_contents(self, resources: dict[object, object], streams: Sequence[object],
                            ctm: Matrix = MATRIX_IDENTITY) -> None:
            nonlocal page_used
            for obj in list_value(streams):
                cap = min(MAX_PDF_PAGE_CONTENT - page_used, MAX_PDF_CONTENT - budget.content)
                size = decoded_size(obj, max(cap, 0))
                page_used += size
                budget.content += size
                if page_used > MAX_PDF_PAGE_CONTENT:
                    budget.content -= page_used
                    raise _PdfPageTooLarge(
                        f"第{number}页的内容流超过 {MAX_PDF_PAGE_CONTENT:,} 字节（MAX_PDF_PAGE_CONTENT），该页未读取")
                if budget.content > MAX_PDF_CONTENT:
                    raise _PdfPageTooLarge(
                        f"第{number}页起未读取：各页的内容流合计超过 {MAX_PDF_CONTENT:,} 字节（MAX_PDF_CONTENT）",
                        stop=True)
            super().render_contents(resources, streams, ctm)

    objects = 0

    def made() -> None:
        nonlocal objects
        objects += 1
        if objects > MAX_PDF_PAGE_OBJECTS:
            raise _PdfPageTooLarge(f"第{number}页的对象（字符、线条和图片）超过 {MAX_PDF_PAGE_OBJECTS:,} 个"
                                   "（MAX_PDF_PAGE_OBJECTS），该页未读取")
        if budget.objects + objects > MAX_PDF_OBJECTS:
            raise _PdfPageTooLarge(f"第{number}页起未读取：各页的对象（字符、线条和图片）合计超过 "
                                   f"{MAX_PDF_OBJECTS:,} 个（MAX_PDF_OBJECTS）", stop=True)

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


def _page_count(data: bytes, pdf: Any) -> int | None:
    """The pages of the document without enumerating them: pdfium's count (C, fast), else
    what the page tree declares (/Count)."""
    try:
        import pypdfium2  # type: ignore[import-untyped]

        document = pypdfium2.PdfDocument(data)
        try:
            return len(document)
        finally:
            document.close()
    except Exception:  # damaged, encrypted, or no pdfium: pdfminer may still read it
        return _declared_pages(pdf)


def _declared_pages(pdf: Any) -> int | None:
    """The page count the document's page tree declares (/Count), without reading the pages."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"]).get("Count"))
    except Exception:
        return None
    return count if isinstance(count, int) and count > 0 else None


def _pdf_page(page: Any, number: int, problems: list[str], budget: _PdfBudget) -> list[_PdfItem]:
    _parse_page(page, number, budget)
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
    page = _dedupe_chars(page)
    items: list[_PdfItem] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in _find_tables(page, number, problems, budget):
        rows = [[_cell(cell) for cell in row] for row in table.extract()]
        if not any(any(row) for row in rows):
            continue
        x0, top, x1, bottom = (float(v) for v in table.bbox)
        boxes.append((x0, top, x1, bottom))
        items.append(_PdfItem(number, top, rows=list(_rectangle(rows)), x0=x0, x1=x1))

    def outside(char: dict[str, Any]) -> bool:
        cx = (char["x0"] + char["x1"]) / 2
        cy = (char["top"] + char["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    loose = [c for c in page.chars if str(c.get("text", "")) and outside(c)]
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


def _dedupe_chars(page: Any) -> Any:
    """pdfplumber's ``Page.dedupe_chars()`` (characters printed twice at one place, for bold),
    without its ``sorted(..., key=chars.index)``, which is quadratic in the characters."""
    from operator import itemgetter

    from pdfplumber.utils.clustering import cluster_objects

    key = itemgetter("upright", "text", "fontname", "size")
    kept: set[int] = set()
    for _, group in itertools.groupby(sorted(page.chars, key=key), key=key):
        for y_cluster in cluster_objects(list(group), itemgetter("doctop"), 1):
            for x_cluster in cluster_objects(y_cluster, itemgetter("x0"), 1):
                kept.add(id(min(x_cluster, key=itemgetter("doctop", "x0"))))
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in kept)


def _find_tables(page: Any, number: int, problems: list[str], budget: _PdfBudget) -> list[Any]:
    """pdfplumber's ``page.find_tables()``, unless the page's ruling lines are too many:
    its cost grows with the square of their crossings (horizontal × vertical lines)."""
    from pdfplumber.table import (
        Table,
        TableFinder,
        TableSettings,
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
    )

    finder = TableFinder.__new__(TableFinder)  # its __init__ would go on to the cells at once
    finder.page = page.filter(_visible)  # a white box behind the text rules no table
    finder.settings = TableSettings.resolve(None)
    edges = finder.get_edges()
    horizontal = sum(1 for edge in edges if edge["orientation"] == "h")
    crossings = horizontal * (len(edges) - horizontal)
    if crossings > MAX_PDF_TABLE_CROSSINGS:
        # A chart's lettering drawn as paths makes hundreds of short strokes; a ruling that
        # bounds a cell is at least a row high. Without the shorter ones, tables can be found.
        edges = [edge for edge in edges if _edge_length(edge) >= _MIN_RULING]
        horizontal = sum(1 for edge in edges if edge["orientation"] == "h")
        crossings = horizontal * (len(edges) - horizontal)
    if crossings > MAX_PDF_TABLE_CROSSINGS:
        problems.append(f"第{number}页的表格线过多（{horizontal} 条横线 × {len(edges) - horizontal} 条竖线，"
                        f"超过 {MAX_PDF_TABLE_CROSSINGS:,}，MAX_PDF_TABLE_CROSSINGS），只读取了文字，未识别表格")
        return []
    if budget.crossings + crossings > MAX_PDF_CROSSINGS:
        if not budget.crossings_noted:
            budget.crossings_noted = True
            problems.append(f"第{number}页起只读取了文字、未识别表格：各页表格线合计超过上限"
                            f"（{MAX_PDF_CROSSINGS:,}，MAX_PDF_CROSSINGS）")
        return []
    budget.crossings += crossings
    settings = finder.settings
    intersections = edges_to_intersections(edges, settings.intersection_x_tolerance,
                                           settings.intersection_y_tolerance)
    cells = intersections_to_cells(intersections)
    return [Table(page, group) for group in cells_to_tables(cells)]


_MIN_RULING = 12.0  # points: a table row is at least this high, a column this wide


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
        return all(v <= 0.01 for v in numbers)
    return all(v >= 0.99 for v in numbers)


def _text_lines(chars: Sequence[dict[str, Any]]) -> list[tuple[float, str]]:
    """Group characters into lines by vertical overlap (a raised "2024" in a line of
    Chinese, or a lower quotation mark, stays on its line), then read each line left to
    right, with a space where there is a visible gap."""
    lines: list[tuple[list[float], list[dict[str, Any]]]] = []
    for char in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        top, bottom = float(char["top"]), float(char["bottom"])
        height = max(bottom - top, 0.1)
        for band, members in reversed(lines[-4:]):
            overlap = min(bottom, band[1]) - max(top, band[0])
            if overlap >= 0.5 * min(height, band[1] - band[0]):
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
                size = min(float(char.get("size") or 10), float(previous.get("size") or 10))
                if gap > 0.3 * size:
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
    return abs(first.x0 - second.x0) <= 3 and abs(first.x1 - second.x1) <= 3


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


# ---------------------------------------------------------------------------------------
# DOCX


def _check_zip(path: Path, data: bytes, *, tags: bool = False) -> None:
    """A DOCX/XLSX is a ZIP its reader unpacks in memory: refuse it by the sizes its entries
    declare before anything is unpacked (zipfile never returns more than an entry declares);
    with ``tags``, also by the markup of its XML parts, which python-docx parses whole."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if sum(max(entry.file_size, 0) for entry in entries) > MAX_REPORT_UNZIPPED:
                raise _too_large(path, "ZIP 压缩包解压后的大小", MAX_REPORT_UNZIPPED,
                                 "MAX_REPORT_UNZIPPED", "字节")
            if tags:
                count = 0
                for entry in entries:
                    if entry.filename.lower().endswith((".xml", ".rels")):
                        with archive.open(entry) as member:
                            while chunk := member.read(1 << 20):
                                count += chunk.count(b"<")
                if count > MAX_REPORT_TAGS:
                    raise _too_large(path, "DOCX 中的 XML 标记（<…>）", MAX_REPORT_TAGS,
                                     "MAX_REPORT_TAGS", "个")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError) as exc:
        raise ReportReadError(path, f"ZIP 压缩包已损坏，无法打开（{exc}）") from None


def _read_docx(path: Path, data: bytes) -> SourceDocument:
    _check_zip(path, data, tags=True)
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    parent = document._body
    blocks = _Blocks(path)
    paragraph, table, run, link = qn("w:p"), qn("w:tbl"), qn("w:r"), qn("w:hyperlink")
    containers = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}

    def visit(container: Any, depth: int) -> None:
        for child in container.iterchildren():
            if child.tag == paragraph:
                if child.find(run) is None and child.find(link) is None:  # no text, and fast
                    blocks.empty()
                    continue
                texts = [squeeze(normalise(raw)) for raw in Paragraph(child, parent).text.splitlines()]
                texts = [text for text in texts if text]
                for text in texts:
                    blocks.line(text)
                if not texts:
                    blocks.empty()  # counted all the same: a million empty paragraphs are no report
            elif child.tag == table:
                rows = _docx_grid(child, blocks, parent)
                if rows and any(any(row) for row in rows):
                    blocks.grid(rows)
                else:
                    blocks.empty(len(rows))
            elif child.tag in containers and depth < _MAX_DEPTH:
                visit(child, depth + 1)  # content controls (a table of contents, say) hold paragraphs

    visit(document.element.body, 0)
    return blocks.document("docx")


def _docx_int(element: Any, name: str, default: int) -> int:
    if element is None:
        return default
    match = re.match(r"\s*(\d{1,8})", str(element.get(name) or ""))
    return int(match.group(1)) if match else default


def _docx_grid(tbl: Any, blocks: _Blocks, parent: Any) -> tuple[tuple[str, ...], ...]:
    """Rows of a Word table (``w:tbl``); a merged cell's text in its first slot, "" in the others.

    Read from the XML directly: python-docx expands every ``w:gridSpan`` into slots before
    anything can be checked, and finds the start of a vertical merge by walking up row by
    row (quadratic in the rows). Here the slots the spans claim are checked against the
    cells present (MAX_SPAN_EXPANSION) before any is made, and each slot knows the cell
    it belongs to, so a vertical merge is one look at the row above."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    tr_tag, tc_tag, p_tag = qn("w:tr"), qn("w:tc"), qn("w:p")
    val = qn("w:val")
    plan: list[tuple[int, list[tuple[Any, int, bool]]]] = []
    present = claimed = 0
    for tr in tbl.iterchildren(tr_tag):
        before = min(_docx_int(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), val, 0),
                     MAX_TABLE_COLUMNS)
        cells: list[tuple[Any, int, bool]] = []
        for tc in tr.iterchildren(tc_tag):
            tc_pr = tc.find(qn("w:tcPr"))
            span = 1
            merged = False
            if tc_pr is not None:
                span = min(max(_docx_int(tc_pr.find(qn("w:gridSpan")), val, 1), 1), MAX_TABLE_COLUMNS)
                v_merge = tc_pr.find(qn("w:vMerge"))
                merged = v_merge is not None and (v_merge.get(val) or "continue") == "continue"
            cells.append((tc, span, merged))
            claimed += span
        present += len(cells)
        claimed += before
        plan.append((before, cells))
        blocks.expect(lines=len(plan))
    blocks.check_expansion(claimed, present)
    rows: list[list[str]] = []
    above: list[Any] = []  # the cell each slot of the row above belongs to
    for before, cells in plan:
        slots: list[Any] = [None] * before
        texts = [""] * before
        for tc, span, merged in cells:
            column = len(slots)
            if column >= MAX_TABLE_COLUMNS:
                blocks.clipped()
                break
            span = min(span, MAX_TABLE_COLUMNS - column)
            owner = above[column] if merged and column < len(above) and above[column] is not None else None
            if owner is None:  # a cell of its own (or a merge that continues nothing)
                owner = tc
                text = _cell("\n".join(Paragraph(p, parent).text for p in tc.iterchildren(p_tag)))
            else:
                text = ""  # the rest of a vertical merge: its text is in the first row
            slots.extend([owner] * span)
            texts.extend([text] + [""] * (span - 1))
        rows.append(texts)
        above = slots
    return blocks.rectangle(rows, present)


# ---------------------------------------------------------------------------------------
# XLSX

_DECIMALS = re.compile(r"0\.(0+)")
_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")


def _read_xlsx(path: Path, data: bytes) -> SourceDocument:
    _check_zip(path, data)
    try:
        import openpyxl
    except ImportError:
        raise ReportReadError(
            path, "读取 Excel 文件需要 openpyxl，本机没有安装（pip install openpyxl）"
        ) from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # openpyxl opens every sheet at once
        sheets = len(_SHEET_TAG.findall(archive.read("xl/workbook.xml")))
    if sheets > MAX_REPORT_TABLES:
        raise _too_large(path, "工作表", MAX_REPORT_TABLES, "MAX_REPORT_TABLES", "张")
    blocks = _Blocks(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                rows = _sheet_rows(sheet, blocks)
                if not rows:
                    continue
                blocks.line(squeeze(normalise(str(sheet.title))))
                blocks.grid(rows)
        finally:
            workbook.close()
    return blocks.document("xlsx")


def _sheet_rows(sheet: Any, blocks: _Blocks) -> tuple[tuple[str, ...], ...]:
    """The cells present in the sheet, row by row.

    Read from the sheet's XML as it stands, never through ``iter_rows()``: that pads every
    row to the width and the sheet to the height its ``<dimension>`` claims (a 5 KB file
    claiming A1:XFD1048576 is 16 billion cells). Rows the file leaves out are empty; a run
    of them is one empty row; cells right of MAX_TABLE_COLUMNS are not read."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    if not hasattr(sheet, "_get_source"):  # not a worksheet (a chart sheet)
        return ()
    book = sheet.parent
    rows: list[list[str]] = []
    present = 0
    last: int | None = None
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
        for index, cells in parser.parse():
            if last is not None and index > last + 1 and rows and rows[-1]:
                rows.append([])
            last = index
            present += len(cells)
            blocks.expect(lines=len(rows) + 1, cells=present)
            texts: dict[int, str] = {}
            for cell in cells:
                column = int(cell["column"])
                if column > MAX_TABLE_COLUMNS:
                    blocks.clipped()
                    continue
                text = _xlsx_value(ReadOnlyCell(sheet, **cell))
                if text and column >= 1:
                    texts[column] = text
            width = max(texts, default=0)
            rows.append([texts.get(c, "") for c in range(1, width + 1)])
    first = next((i for i, row in enumerate(rows) if row), len(rows))
    end = next((i for i in range(len(rows), 0, -1) if rows[i - 1]), 0)
    rows = rows[first:end]
    if not rows:
        return ()
    lead = min((next(i for i, t in enumerate(row) if t) for row in rows if row), default=0)
    return blocks.rectangle([row[lead:] for row in rows], present)


def _xlsx_value(cell: Any) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
        match = _DECIMALS.search(str(getattr(cell, "number_format", "") or ""))
        try:
            if match:  # show what the sheet shows: "#,##0.00" → two places
                number = number.quantize(Decimal(1).scaleb(-len(match.group(1)[:30])), ROUND_HALF_UP)
            elif number == number.to_integral_value():
                number = number.quantize(Decimal(1))
        except InvalidOperation:  # more digits than the context holds: as stored
            return str(value)
        return format(number, "f")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return _cell(str(value))


# ---------------------------------------------------------------------------------------
# Legacy formats through LibreOffice

_TARGETS = {"writer": ("docx", ".doc"), "calc": ("xlsx", ".xls")}


def _read_with_libreoffice(path: Path, data: bytes, kind: str) -> SourceDocument:
    target, default_suffix = _TARGETS[kind]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        package = "libreoffice-writer-nogui" if kind == "writer" else "libreoffice-calc-nogui"
        raise ReportReadError(
            path,
            f"读取 {path.suffix or '这种'} 文件需要 LibreOffice（soffice），本机没有安装；"
            f"请安装 {package}，或先把文件另存为 .{target} 或 PDF",
        )
    suffix = path.suffix.lower()
    if suffix in (".wps", ".wpt"):
        suffix = ".doc"  # Kingsoft WPS files are Word-compatible
    elif suffix in (".et", ".ett"):
        suffix = ".xls"
    elif suffix not in WRITER_SUFFIXES | CALC_SUFFIXES:
        suffix = ".rtf" if data.lstrip().startswith(b"{\\rtf") else default_suffix
    with tempfile.TemporaryDirectory(prefix="juesuan-lo-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        out = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        stderr = _run(path, command, work)
        result = out / f"input.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            detail = stderr.strip().splitlines()[-1] if stderr.strip() else "没有生成文件"
            raise ReportReadError(path, f"LibreOffice 无法转换这个文件（{detail[:200]}）")
        converted = result.read_bytes()
    reader: Callable[[Path, bytes], SourceDocument] = _read_docx if target == "docx" else _read_xlsx
    return reader(path, converted)


def _run(path: Path, command: list[str], work: Path) -> str:
    env = dict(os.environ, HOME=str(work))
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=work,
        env=env,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=LIBREOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ReportReadError(
            path, f"LibreOffice 转换超时（超过 {LIBREOFFICE_TIMEOUT} 秒）"
        ) from None
    return stderr.decode("utf-8", "replace")
