"""XLSX through openpyxl: one grid per sheet, after a line with the sheet name."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from juesuan.audit.reading import bounds
from juesuan.audit.reading.bounds import Blocks, ReportReadError, check_zip, too_large
from juesuan.audit.reading.cells import cell_text
from juesuan.audit.source import SourceDocument, normalise, squeeze

_DECIMALS = re.compile(r"0\.(0+)")
_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")


def read_xlsx(path: Path, data: bytes) -> SourceDocument:
    check_zip(path, data)
    try:
        import openpyxl
    except ImportError:
        raise ReportReadError(
            path, "读取 Excel 文件需要 openpyxl，本机没有安装（pip install openpyxl）"
        ) from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # openpyxl opens every sheet at once
        sheets = len(_SHEET_TAG.findall(archive.read("xl/workbook.xml")))
    if sheets > bounds.MAX_REPORT_TABLES:
        raise too_large(path, "工作表", bounds.MAX_REPORT_TABLES, "MAX_REPORT_TABLES", "张")
    blocks = Blocks(path)
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


def _sheet_rows(sheet: Any, blocks: Blocks) -> tuple[tuple[str, ...], ...]:
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
                if column > bounds.MAX_TABLE_COLUMNS:
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
    return cell_text(str(value))
