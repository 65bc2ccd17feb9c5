"""Plain text: UTF-8 with or without BOM, UTF-16/32 with BOM, else GB18030."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from juesuan.audit.reading import bounds
from juesuan.audit.reading.bounds import ReportReadError, source_document, too_large
from juesuan.audit.source import SourceDocument, from_text

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# A candidate that fails on at most max(_FEW_BAD, one per _CHARS_PER_BAD characters) bytes, with
# _WIDE_PER_BAD non-ASCII characters for each, is taken with U+FFFD; calibrated on the cut GB18030,
# the UTF-8 with one bad byte and the two GBK characters of test_readers.py::
# test_text_with_a_few_bad_bytes_is_read_with_a_problem
_FEW_BAD = 3
_CHARS_PER_BAD = 1000
_WIDE_PER_BAD = 10
# A text is binary when more than max(_FEW_ODD, one per _CHARS_PER_ODD) of its first _BINARY_SCAN
# characters are control or unassigned characters; calibrated on noise.txt (bytes 0–255) of
# test_readers.py's unreadable files, the scan bound not calibrated on a case (a bound)
_BINARY_SCAN = 200_000
_FEW_ODD = 2
_CHARS_PER_ODD = 50
# no encoding read takes more bytes for a character (UTF-32): a file larger than this many times
# MAX_REPORT_CHARS is refused unread; not calibrated on a case, a bound (test_bounds.py::test_text_bounds)
_MAX_BYTES_PER_CHAR = 4


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode_text(path: Path, data: bytes, candidates: Sequence[str]) -> tuple[str, list[str]]:
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
            if bad <= max(_FEW_BAD, len(text) // _CHARS_PER_BAD) and wide >= _WIDE_PER_BAD * bad and not _looks_binary(text):
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
        for ch in text[:_BINARY_SCAN]
        if unicodedata.category(ch) in ("Cc", "Cn", "Cs") and ch not in "\t\n\r\f\v\x1a"
    )
    return odd > max(_FEW_ODD, min(len(text), _BINARY_SCAN) // _CHARS_PER_ODD)


_LINE_BREAKS = "\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # with \r, as str.splitlines


def check_text_size(path: Path, size: int, text: str | None = None) -> None:
    """Refuse text over MAX_REPORT_CHARS or MAX_REPORT_LINES before it is split into lines.
    ``size`` alone (bytes) refuses what no encoding could decode to fewer characters."""
    if size > _MAX_BYTES_PER_CHAR * bounds.MAX_REPORT_CHARS or (text is not None and len(text) > bounds.MAX_REPORT_CHARS):
        raise too_large(path, "报告的文字", bounds.MAX_REPORT_CHARS, "MAX_REPORT_CHARS", "字")
    if text is not None:
        breaks = sum(text.count(ch) for ch in _LINE_BREAKS)
        breaks += text.count("\r") - text.count("\r\n")
        if breaks >= bounds.MAX_REPORT_LINES:
            raise too_large(path, "报告的行数", bounds.MAX_REPORT_LINES, "MAX_REPORT_LINES", "行")


def read_text(path: Path, data: bytes) -> SourceDocument:
    check_text_size(path, len(data))
    bom = bom_encoding(data)
    candidates = [bom] if bom else ["utf-8", "gb18030"]
    text, problems = decode_text(path, data, candidates)
    check_text_size(path, len(data), text)
    document = from_text(text, str(path))
    _check_text_grids(path, document)
    return source_document(path, "text", document.blocks, problems=[*problems, *document.problems])


def _check_text_grids(path: Path, document: SourceDocument) -> None:
    """A table is read with every row padded to its widest (at most MAX_TABLE_COLUMNS cells):
    those padded cells count against MAX_REPORT_CELLS, as the merged cells the other readers
    expand do. One line of 1,000 cells over 100,000 short rows is 100 M cells to read."""
    cells = sum(len(grid.rows) * max(map(len, grid.rows), default=0) for grid in document.grids())
    if cells > bounds.MAX_REPORT_CELLS:
        raise too_large(path, "报告中表格的单元格（各行按同一表格最宽的一行补齐计）", bounds.MAX_REPORT_CELLS,
                         "MAX_REPORT_CELLS", "个")
