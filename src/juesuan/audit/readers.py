"""Read a published report file into a :class:`SourceDocument`.

:func:`read_report` looks at the bytes first and the file name second:

* ``%PDF-`` → PDF (pdfplumber): per page, ruled tables become :class:`Grid` blocks and
  the text outside them :class:`Line` blocks, in reading order (top to bottom), with
  page numbers. A table that runs on at the top of the next page (same number of
  columns, same left and right edges, nothing but a page number between) is joined
  into one grid; a repeated header at the top of the continuation is dropped. Pages
  with pictures but no text are reported in ``problems`` ("需要 OCR"), never guessed.
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

Anything that cannot be read raises :class:`ReportReadError` with a Chinese message
that names the file; no other exception leaves :func:`read_report`.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Sequence
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

    ``max_pages`` limits how many PDF pages are read (a problem then says so).
    """
    path = Path(path)
    try:
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
            return _read_pdf(path, data, max_pages)
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


class _Numbering:
    """Running line numbers: one per line, one per grid row."""

    def __init__(self) -> None:
        self.next = 1

    def take(self, count: int = 1) -> int:
        number = self.next
        self.next += max(count, 1)
        return number


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
    return SourceDocument(str(path), fmt, tuple(blocks), pages, tuple(found))


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


def _read_text(path: Path, data: bytes) -> SourceDocument:
    bom = _bom_encoding(data)
    candidates = [bom] if bom else ["utf-8", "gb18030"]
    text, problems = _decode_text(path, data, candidates)
    document = from_text(text, str(path))
    return _document(path, "text", document.blocks, problems=problems)


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
    bom = _bom_encoding(data)
    if bom:
        candidates = [bom]
    else:
        declared = _html_charset(data)
        candidates = [c for c in (declared, "utf-8", "gb18030") if c]
    text, problems = _decode_text(path, data, candidates)
    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    if not text.strip():
        return _document(path, "html", [], problems=problems)

    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReportReadError(path, f"HTML 无法解析（{exc}）") from None
    walker = _HtmlWalker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return _document(path, "html", walker.blocks, problems=problems)


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
_MAX_COLSPAN = 1000  # the HTML limits
_MAX_ROWSPAN = 65534


class _HtmlWalker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.numbers = _Numbering()
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = squeeze(normalise(_WHITESPACE.sub(" ", "".join(self.buffer))))
        self.buffer = []
        if text:
            self.blocks.append(Line(text, self.numbers.take()))

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None:  # comment or processing instruction: only its tail is text
            return
        tag = tag.lower()
        if tag in _HTML_SKIP:
            return
        if tag == "br":
            self.flush()
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
            self.walk(child)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush()

    def table(self, table: Any) -> None:
        for caption in table.iterfind("caption"):
            self.buffer.append(_html_cell_text(caption))
            self.flush()
        rows = _html_grid(table)
        if rows and any(any(cell for cell in row) for row in rows):
            self.blocks.append(Grid(rows, self.numbers.take(len(rows))))


def _has_nested_table(table: Any) -> bool:
    """A table holding another table is page layout, read as running text."""
    return any(True for _ in table.iterdescendants("table"))


def _span(element: Any, name: str, limit: int) -> int:
    value = str(element.get(name) or "1").strip()
    match = re.match(r"\d+", value)
    if not match:
        return 1
    return min(int(match.group()), limit)


def _html_grid(table: Any) -> tuple[tuple[str, ...], ...]:
    """Expand rowspan/colspan: the text in the top-left slot, "" in the rest of the span."""
    trs = [tr for tr in table.iter("tr") if isinstance(tr.tag, str)]
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            if c >= _MAX_COLSPAN:  # no real table is that wide: ignore the rest of the row
                break
            colspan = max(min(_span(td, "colspan", _MAX_COLSPAN), _MAX_COLSPAN - c), 1)
            rowspan = _span(td, "rowspan", _MAX_ROWSPAN)
            if rowspan == 0:  # "to the end of the table section"
                rowspan = len(trs) - r
            rowspan = max(min(rowspan, len(trs) - r), 1)
            text = _html_cell_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dr == dc == 0 else ""
            c += colspan
            width = max(width, c)
    rows = [[grid.get((r, c), "") for c in range(width)] for r in range(len(trs))]
    return _rectangle(rows)


def _html_cell_text(element: Any) -> str:
    parts: list[str] = []

    def collect(node: Any) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        if tag is not None and tag not in _HTML_SKIP:
            if tag == "br" or tag in _HTML_BLOCKS:
                parts.append("\n")
            if node.text and tag != "br":
                parts.append(node.text)
            for child in node:
                collect(child)
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

    @property
    def is_page_number(self) -> bool:
        return self.rows is None and bool(_PAGE_NUMBER.match(self.text))


def _read_pdf(path: Path, data: bytes, max_pages: int | None) -> SourceDocument:
    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    problems: list[str] = []
    items: list[_PdfItem] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            raise ReportReadError(path, "PDF 已加密，需要密码才能打开") from None
        raise
    with pdf:
        total = len(pdf.pages)
        count = total if max_pages is None else min(total, max(max_pages, 0))
        if count < total:
            problems.append(f"只读取了前 {count} 页（共 {total} 页）")
        failed: list[str] = []
        for number in range(1, count + 1):
            try:
                page = pdf.pages[number - 1]
                try:
                    items.extend(_pdf_page(page, number, problems))
                finally:
                    page.close()
            except Exception as exc:  # one damaged page: say so, read the others
                failed.append(f"第{number}页无法读取（{type(exc).__name__}: {str(exc)[:100]}）")
        if failed and len(failed) == count:
            raise ReportReadError(path, f"PDF 文件已损坏，没有一页能读取：{failed[0]}")
        problems.extend(failed)
    blocks = _pdf_blocks(_join_continued_tables(items))
    return _document(path, "pdf", blocks, pages=total, problems=problems)


def _pdf_page(page: Any, number: int, problems: list[str]) -> list[_PdfItem]:
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
    page = page.dedupe_chars()
    items: list[_PdfItem] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in page.find_tables():
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
    return items


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


def _pdf_blocks(items: list[_PdfItem]) -> list[Block]:
    numbers = _Numbering()
    blocks: list[Block] = []
    for item in items:
        if item.rows is None:
            blocks.append(Line(item.text, numbers.take(), item.page))
        else:
            blocks.append(Grid(tuple(item.rows), numbers.take(len(item.rows)), item.page))
    return blocks


# ---------------------------------------------------------------------------------------
# DOCX


def _read_docx(path: Path, data: bytes) -> SourceDocument:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    parent = document._body
    numbers = _Numbering()
    blocks: list[Block] = []

    def visit(container: Any) -> None:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                for raw in Paragraph(child, parent).text.splitlines():
                    text = squeeze(normalise(raw))
                    if text:
                        blocks.append(Line(text, numbers.take()))
            elif child.tag == qn("w:tbl"):
                rows = _docx_grid(Table(child, parent))
                if rows and any(any(row) for row in rows):
                    blocks.append(Grid(rows, numbers.take(len(rows))))
            elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
                visit(child)  # content controls (a table of contents, say) hold paragraphs

    visit(document.element.body)
    return _document(path, "docx", blocks)


def _docx_grid(table: Any) -> tuple[tuple[str, ...], ...]:
    """Rows of a Word table; a merged cell's text in its first slot, "" in the others
    (python-docx hands back the same ``w:tc`` for every slot a merged cell covers)."""
    from docx.oxml.ns import qn

    rows: list[list[str]] = []
    above: list[object] = []
    # python-docx expands w:gridSpan / w:gridBefore into one slot each: cap them as the
    # HTML reader caps colspan, or a damaged file asks for millions of slots.
    for element in table._tbl.iter(qn("w:gridSpan"), qn("w:gridBefore")):
        try:
            span = int(element.get(qn("w:val"), "1"))
        except ValueError:
            span = 1
        if not 0 <= span <= _MAX_COLSPAN:
            element.set(qn("w:val"), str(_MAX_COLSPAN if span > 0 else 1))
    for row in table.rows:
        try:
            cells = list(row.cells)
            before = int(row.grid_cols_before or 0)
        except Exception:  # a damaged vertical merge: take the cells as they stand
            cells = [_RawCell(tc) for tc in row._tr.tc_lst]
            before = 0
        slots: list[object] = [None] * before + [cell._tc for cell in cells]
        texts = [""] * before
        for index, cell in enumerate(cells, before):
            tc = slots[index]
            repeated = (index > 0 and slots[index - 1] is tc) or (
                index < len(above) and above[index] is tc
            )
            texts.append("" if repeated else _cell(cell.text))
        rows.append(texts)
        above = slots
    return _rectangle(rows)


class _RawCell:
    def __init__(self, tc: Any) -> None:
        self._tc = tc

    @property
    def text(self) -> str:
        from docx.oxml.ns import qn

        paragraphs = self._tc.iter(qn("w:p"))
        return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs)


# ---------------------------------------------------------------------------------------
# XLSX

_DECIMALS = re.compile(r"0\.(0+)")


def _read_xlsx(path: Path, data: bytes) -> SourceDocument:
    try:
        import openpyxl
    except ImportError:
        raise ReportReadError(
            path, "读取 Excel 文件需要 openpyxl，本机没有安装（pip install openpyxl）"
        ) from None
    numbers = _Numbering()
    blocks: list[Block] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                rows = _sheet_rows(sheet)
                if not rows:
                    continue
                blocks.append(Line(squeeze(normalise(str(sheet.title))), numbers.take()))
                blocks.append(Grid(rows, numbers.take(len(rows))))
        finally:
            workbook.close()
    return _document(path, "xlsx", blocks)


def _sheet_rows(sheet: Any) -> tuple[tuple[str, ...], ...]:
    rows: list[list[str]] = []
    for row in sheet.iter_rows():
        texts = [_xlsx_value(cell) for cell in row]
        while texts and not texts[-1]:
            texts.pop()
        rows.append(texts)
    while rows and not rows[-1]:
        rows.pop()
    while rows and not rows[0]:
        rows.pop(0)
    if not rows:
        return ()
    lead = min((next(i for i, t in enumerate(row) if t) for row in rows if row), default=0)
    return _rectangle([row[lead:] for row in rows])


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
        if match:  # show what the sheet shows: "#,##0.00" → two places
            number = number.quantize(Decimal(1).scaleb(-len(match.group(1))), ROUND_HALF_UP)
        elif number == number.to_integral_value():
            number = number.quantize(Decimal(1))
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
