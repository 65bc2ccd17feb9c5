"""What every reader shares: :class:`ReportReadError`, the bounds of :mod:`juesuan.limits` and
the blocks of a report counted against them as they are read.

The bounds are read from this module when they are used (``bounds.MAX_REPORT_LINES``), so
that a test may lower one here for every reader at once.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from juesuan.audit.reading.cells import rectangle
from juesuan.audit.source import Block, Grid, Line, SourceDocument

# Every bound a reader keeps; the readers read them here, as ``bounds.MAX_…``.
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

__all__ = [
    "MAX_DEPTH",
    "MAX_PDF_CONTENT",
    "MAX_PDF_CROSSINGS",
    "MAX_PDF_INFLATED",
    "MAX_PDF_OBJECTS",
    "MAX_PDF_PAGE_CONTENT",
    "MAX_PDF_PAGE_OBJECTS",
    "MAX_PDF_STREAM",
    "MAX_PDF_TABLE_CROSSINGS",
    "MAX_REPORT_BYTES",
    "MAX_REPORT_CELLS",
    "MAX_REPORT_CHARS",
    "MAX_REPORT_LINES",
    "MAX_REPORT_PAGES",
    "MAX_REPORT_TABLES",
    "MAX_REPORT_TAGS",
    "MAX_REPORT_UNZIPPED",
    "MAX_SPAN_EXPANSION",
    "MAX_TABLE_COLUMNS",
    "Blocks",
    "ReportReadError",
    "check_totals",
    "check_zip",
    "source_document",
    "too_large",
]


class ReportReadError(Exception):
    """A report file that cannot be read; the message is Chinese and names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{path}：{message}")


def too_large(path: Path, what: str, limit: int, name: str, unit: str) -> ReportReadError:
    return ReportReadError(
        path, f"{what}超过上限 {limit:,} {unit}（{name}，见 docs/limits.md），未读取；"
        "文件可能已损坏或经过特殊构造"
    )


class Blocks:
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
            raise too_large(self.path, "报告的行数（文字行、段落和表格行）", MAX_REPORT_LINES,
                             "MAX_REPORT_LINES", "行")
        if self.chars + chars > MAX_REPORT_CHARS:
            raise too_large(self.path, "报告的文字", MAX_REPORT_CHARS, "MAX_REPORT_CHARS", "字")
        if self.cells + cells > MAX_REPORT_CELLS:
            raise too_large(self.path, "报告中表格的单元格（合并单元格按展开计）", MAX_REPORT_CELLS,
                             "MAX_REPORT_CELLS", "个")
        if self.tables + tables > MAX_REPORT_TABLES:
            raise too_large(self.path, "报告中的表格", MAX_REPORT_TABLES, "MAX_REPORT_TABLES", "张")

    def rectangle(self, rows: Sequence[Sequence[str]], present: int) -> tuple[tuple[str, ...], ...]:
        """``rows`` padded to a rectangle, once its size is known to be within bounds:
        merged cells may make a table at most MAX_SPAN_EXPANSION times the ``present`` cells."""
        width = max((len(row) for row in rows), default=0)
        self.check_expansion(len(rows) * width, present)
        return rectangle(rows)

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
        return source_document(self.path, fmt, self.blocks, pages=pages, problems=self.problems)


def source_document(
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
    check_totals(path, blocks)
    return SourceDocument(str(path), fmt, tuple(blocks), pages, tuple(found))


def check_totals(path: Path, blocks: Sequence[Block]) -> None:
    """Every report, however read, within the bounds on one report (the readers check as
    they go; this is the guarantee)."""
    total = Blocks(path)
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


# libxml2 keeps HTML to 256 levels; deeper than this the HTML walker reads the rest as plain
# text rather than recurse (Python's stack is about 1,000 frames); DOCX content controls alike.
MAX_DEPTH = 200


def check_zip(path: Path, data: bytes, *, tags: bool = False) -> None:
    """A DOCX/XLSX is a ZIP its reader unpacks in memory: refuse it by the sizes its entries
    declare before anything is unpacked (zipfile never returns more than an entry declares);
    with ``tags``, also by the markup of its XML parts, which python-docx parses whole."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if sum(max(entry.file_size, 0) for entry in entries) > MAX_REPORT_UNZIPPED:
                raise too_large(path, "ZIP 压缩包解压后的大小", MAX_REPORT_UNZIPPED,
                                 "MAX_REPORT_UNZIPPED", "字节")
            if tags:
                count = 0
                for entry in entries:
                    if entry.filename.lower().endswith((".xml", ".rels")):
                        with archive.open(entry) as member:
                            while chunk := member.read(1 << 20):
                                count += chunk.count(b"<")
                if count > MAX_REPORT_TAGS:
                    raise too_large(path, "DOCX 中的 XML 标记（<…>）", MAX_REPORT_TAGS,
                                     "MAX_REPORT_TAGS", "个")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError) as exc:
        raise ReportReadError(path, f"ZIP 压缩包已损坏，无法打开（{exc}）") from None
