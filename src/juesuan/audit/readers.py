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

This module is the dispatcher; the readers are in :mod:`juesuan.audit.reading`, one module
a format, with what they share (the error, the bounds, the counted blocks) in ``reading.bounds``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from juesuan.audit.reading import bounds
from juesuan.audit.reading.bounds import ReportReadError, too_large
from juesuan.audit.reading.docx import read_docx
from juesuan.audit.reading.html import read_html
from juesuan.audit.reading.libreoffice import CALC_SUFFIXES, WRITER_SUFFIXES, read_with_libreoffice
from juesuan.audit.reading.pdf import read_pdf
from juesuan.audit.reading.text import read_text
from juesuan.audit.reading.xlsx import read_xlsx
from juesuan.audit.source import SourceDocument

__all__ = ["ReportReadError", "read_report"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def read_report(path: Path, *, max_pages: int | None = None) -> SourceDocument:
    """Read a report in any supported format (see the module docstring).

    ``max_pages`` limits how many PDF pages are read (a problem then says so); never more
    than ``MAX_REPORT_PAGES``.
    """
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > bounds.MAX_REPORT_BYTES:
            raise too_large(path, "文件", bounds.MAX_REPORT_BYTES, "MAX_REPORT_BYTES", "字节")
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
            pages = bounds.MAX_REPORT_PAGES if max_pages is None else min(max_pages, bounds.MAX_REPORT_PAGES)
            return read_pdf(path, data, pages)
        if kind == "docx":
            return read_docx(path, data)
        if kind == "xlsx":
            return read_xlsx(path, data)
        if kind in ("writer", "calc"):
            return read_with_libreoffice(path, data, kind)
        if kind == "html":
            return read_html(path, data)
        return read_text(path, data)
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
