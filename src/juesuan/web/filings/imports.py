"""Reading an uploaded file into a filing, and building new filings (empty, from last year's).

The kind of an upload is decided by its content: a PDF, a Word or Excel file (ZIP), an old
Office file, or text — which is a JSON filing when it starts with ``{``, a YAML filing when it
parses as one (or is named .yaml/.yml), an HTML page or else a plain-text report. Filing files
go through :func:`juesuan.filing.io.parse_filing_text`; reports and the XLSX that ``juesuan
tables --format xlsx`` writes through the auditor's readers and :func:`import_report`, from a
temporary file whose name the user does not choose. Every failure is an :class:`UploadError`
with Chinese messages naming the file.
"""

from __future__ import annotations

import logging
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from juesuan.filing.carry_forward import carry_forward
from juesuan.filing.io import (
    FilingReadError,
    PathKey,
    Problem,
    filing_to_data,
    format_problem,
    parse_filing_text,
    parse_yaml,
    path_text,
)
from juesuan.filing.model import Filing, PriorYear
from juesuan.limits import (
    MAX_FILING_BYTES,
    MAX_FILING_NODES,
    MAX_INTEGER_DIGITS,
    UPLOAD_MAX_PDF_PAGES,
    UPLOAD_MAX_UNZIPPED,
)
from juesuan.money import AmountUnit, per_wan, round_half_up
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet
from juesuan.web.events import IMPORT_LABELS
from juesuan.web.filings.forms_schema import FILING, scale_amounts

logger = logging.getLogger(__name__)

Kind = Literal["yaml", "json", "xlsx", "report"]
KIND_LABELS: dict[str, str] = IMPORT_LABELS  # what a file was read as, as the 操作日志 says it
# The bounds live in juesuan.limits (docs/limits.md); the old names stay for other code.
MAX_PAGES = UPLOAD_MAX_PDF_PAGES  # of a PDF report
# An XLSX/DOCX is a ZIP: its parts are decompressed in memory by openpyxl and python-docx, so a
# small upload that unpacks to gigabytes ("zip bomb") is refused by its declared sizes (Python's
# zipfile never returns more than an entry declares).
MAX_UNZIPPED = UPLOAD_MAX_UNZIPPED
# A YAML filing has a few thousand values; aliases (*a) can repeat one part millions of times.
MAX_YAML_NODES = MAX_FILING_NODES
# A filing file is tens to hundreds of KB (MAX_FILING_BYTES); a 20 MB one (allowed for PDF
# reports) would take seconds and hundreds of MB to validate.
# Amounts and counts beyond 18 integer digits are no real figure (the core refuses such
# amounts too: juesuan.money.MAX_INTEGER_DIGITS); counts are checked here.
MAX_MAGNITUDE = 10**MAX_INTEGER_DIGITS
ALLOWED = "可导入：YAML 或 JSON 填报文件、本系统“下载”中的 XLSX 决算表、公开报告（TXT、HTML、PDF、DOCX）"

TABLE_NAMES = {
    1: "收入支出决算总表", 2: "收入决算表", 3: "支出决算表", 4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表", 6: "一般公共预算财政拨款基本支出决算表",
    7: "财政拨款“三公”经费支出决算表", 8: "政府性基金预算财政拨款收入支出决算表",
    9: "国有资本经营预算财政拨款收入支出决算表",
}


class UploadError(Exception):
    """An upload that cannot be used; ``messages`` are Chinese and name the file."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class Upload:
    name: str  # for messages only (never a path on disk)
    data: bytes


def display_name(name: str | None) -> str:
    """The last part of an uploaded file's name, without control characters, at most 80 long."""
    text = PureWindowsPath(PurePosixPath(name or "").name).name
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    return (text[:77] + "…" if len(text) > 80 else text) or "上传的文件"


def web_problems(filing: Filing) -> list[Problem]:
    """What the web app refuses though the model allows it: a 评分办法 that is not bundled
    (the command line also reads a scheme from a file path; a web user must not name files)."""
    from juesuan.performance.scheme import bundled_names

    problems = [Problem("数值超出可处理的范围", path=path_text(loc), expected=f"整数部分不超过 {MAX_INTEGER_DIGITS} 位的数值",
                        found=f"“{_short_number(value)}”")
                for loc, value in _too_large(filing, ())]
    scheme = filing.performance.scheme if filing.performance else None
    names = bundled_names()
    if scheme is not None and scheme not in names:
        problems.append(Problem("评分办法应为内置办法之一", path="performance.scheme", expected="、".join(names),
                                found=f"“{scheme[:60]}”"))
    return problems


def _too_large(value: object, loc: PathKey) -> Iterator[tuple[PathKey, Decimal | int]]:
    """Amounts and counts of the filing at or beyond :data:`MAX_MAGNITUDE`, with their paths."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _too_large(getattr(value, name), (*loc, name))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _too_large(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _too_large(item, (*loc, str(key)))
    elif isinstance(value, Decimal | int) and not isinstance(value, bool) and abs(Decimal(value)) >= MAX_MAGNITUDE:
        yield loc, value


def _short_number(value: Decimal | int) -> str:
    text = str(value) if isinstance(value, Decimal) or abs(value) < 10**40 else f"{len(str(abs(value)))} 位整数"
    return text if len(text) <= 40 else text[:37] + "…"


# --- what kind of file -----------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"), (b"BM", None),
    (b"\x1f\x8b", "GZIP 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"), (b"Rar!", "RAR 压缩包"),
    (b"\x7fELF", "程序文件"), (b"MZ", "Windows 程序文件"), (b"RIFF", "音视频文件"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_SUFFIXES = {".doc", ".wps", ".xls", ".et"}
_FILING_KEYS = {"year", "unit", "department", "income", "expenditure"}


@dataclass(frozen=True)
class Detected:
    kind: Kind
    suffix: str  # of the temporary file a report is read from
    text: str | None = None  # decoded text of a YAML/JSON filing


def detect(upload: Upload) -> Detected:
    data, name = upload.data, upload.name
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise UploadError([f"{name}：文件是空的"])
    head = data[:1024]
    if b"%PDF-" in head:
        return Detected("report", ".pdf")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
                unzipped = sum(entry.file_size for entry in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
            raise UploadError([f"{name}：ZIP 压缩包已损坏，无法打开（{ALLOWED}）"]) from None
        if unzipped > MAX_UNZIPPED:
            raise UploadError([f"{name}：解压后有 {unzipped / 1048576:.0f} MB，超过上限 "
                               f"{MAX_UNZIPPED / 1048576:.0f} MB，未导入（文件可能已损坏或经过特殊构造）"])
        if "xl/workbook.xml" in names:
            return Detected("xlsx", ".xlsx")
        if "word/document.xml" in names:
            return Detected("report", ".docx")
        raise UploadError([f"{name}：是 ZIP 压缩包，但不是 Excel（.xlsx）或 Word（.docx）文件（{ALLOWED}）"])
    if data.startswith(_OLE):
        if suffix in _OLE_SUFFIXES:
            return Detected("report", suffix)
        raise UploadError([f"{name}：是旧版 Office/WPS 文件，但从文件名看不出是文档还是表格；"
                           "请另存为 .docx 或 .xlsx 后再导入"])
    for magic, what in _MAGIC:
        if data.startswith(magic) and (what or b"\x00" in head):
            raise UploadError([f"{name}：不支持的文件类型（看起来是{what or '图片'}）。{ALLOWED}"])
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError([f"{name}：不是文本文件，也不是 PDF、DOCX 或 XLSX 文件，无法识别。{ALLOWED}"])
    return _detect_text(upload, suffix)


def _detect_text(upload: Upload, suffix: str) -> Detected:
    data, name = upload.data, upload.name
    raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # Not UTF-8: read as GB18030 only to recognise a filing saved in the wrong encoding (a GBK
    # report is fine: the report reader decodes it).
    legacy = _gb18030(raw) if text is None else None
    start = (text if text is not None else legacy or "").lstrip()[:200].lower()
    if suffix == ".json" or start.startswith("{"):
        return Detected("json", suffix, _utf8(text, name, raw))
    if suffix in (".yaml", ".yml"):
        return Detected("yaml", suffix, _utf8(text, name, raw))
    if suffix in (".html", ".htm") or start.startswith(("<!doctype html", "<html", "<table", "<meta", "<?xml")):
        return Detected("report", ".html")
    if text is not None and _looks_like_filing(text):
        return Detected("yaml", ".yaml", text)
    if legacy is not None and _looks_like_filing(legacy):
        _utf8(None, name, raw)  # a filing, but not in UTF-8: say so, whatever the file is named
    return Detected("report", ".txt")


def _gb18030(raw: bytes) -> str | None:
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _utf8(text: str | None, name: str, raw: bytes) -> str:
    """The text of a filing file, or why it cannot be read: filings are UTF-8."""
    if text is not None:
        return text
    hint = "文件含有无法按 UTF-8 解码的字节" if _gb18030(raw) is None else "文件看起来是 GBK/GB18030 编码"
    raise UploadError([f"{name}：{hint}，请用 UTF-8 编码另存后再导入"])


def _looks_like_filing(text: str) -> bool:
    try:
        data, _ = parse_yaml(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        # A filing with a mistake in it still starts like one: top-level keys we know.
        keys = {m.group(1) for m in re.finditer(r"^([a-z_]+):", text, re.MULTILINE)}
        return len(keys & _FILING_KEYS) >= 3
    return isinstance(data, dict) and len(set(map(str, data)) & _FILING_KEYS) >= 2


# --- reading -----------------------------------------------------------------------------------


@dataclass
class Reading:
    """What an upload gave: a whole filing (YAML/JSON) or the parts read from tables/a report."""

    kind: Kind
    name: str
    filing: Filing
    complete: bool  # a whole filing file
    tables: set[int] = field(default_factory=set)  # public tables found (xlsx/report)
    missing: list[str] = field(default_factory=list)  # what could not be extracted
    notes: list[str] = field(default_factory=list)
    year_known: bool = True
    name_known: bool = True

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def read_upload(upload: Upload) -> Reading:
    detected = detect(upload)
    if detected.kind in ("yaml", "json"):
        assert detected.text is not None
        if len(upload.data) > MAX_FILING_BYTES:
            raise UploadError([f"{upload.name}：填报文件 {len(upload.data) / 1048576:.1f} MB，超过 "
                               f"{MAX_FILING_BYTES // 1048576} MB（一份填报通常不到 200 KB），未导入"])
        if detected.kind == "yaml" and _yaml_nodes(detected.text) > MAX_YAML_NODES:
            raise UploadError([f"{upload.name}：文件中的数据项过多（含别名 *… 展开后超过 {MAX_YAML_NODES:,} 项；"
                               "一份填报通常只有几千项），未导入"])
        try:
            loaded = parse_filing_text(detected.text, upload.name, json_format=detected.kind == "json")
        except FilingReadError as exc:
            raise UploadError([format_problem(upload.name, p) for p in exc.problems[:50]]) from None
        return Reading(detected.kind, upload.name, loaded.filing, complete=True)
    return _read_report(upload, detected)


def _yaml_nodes(text: str) -> int:
    """How many values the YAML text holds with every alias expanded (counting stops early
    once past the limit). Syntax errors are left for the reader to report with their line."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sizes: dict[str, int] = {}  # anchor → values under it
    open_: list[tuple[str | None, int]] = []  # collections being read: anchor, count at start
    count = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                count += sizes.get(event.anchor or "", 1)
            elif isinstance(event, yaml.ScalarEvent):
                count += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.CollectionStartEvent):
                count += 1
                open_.append((event.anchor, count - 1))
            elif isinstance(event, yaml.CollectionEndEvent) and open_:
                anchor, start = open_.pop()
                if anchor:
                    sizes[anchor] = count - start
            if count > MAX_YAML_NODES:
                break
    except (yaml.YAMLError, ValueError, OverflowError):  # the loader reports the syntax error itself
        pass
    return count


def _read_report(upload: Upload, detected: Detected) -> Reading:
    from juesuan.audit.check import audit
    from juesuan.audit.importer import import_report
    from juesuan.audit.readers import ReportReadError, read_report
    from juesuan.performance.scheme import bundled_schemes

    with tempfile.TemporaryDirectory(prefix="juesuan-upload-") as folder:
        path = Path(folder) / f"upload{detected.suffix}"
        path.write_bytes(upload.data)
        try:
            source = read_report(path, max_pages=MAX_PAGES)
        except ReportReadError as exc:
            message = exc.message.replace(str(path), upload.name).replace(folder, "")
            raise UploadError([f"{upload.name}：{message}"]) from None
        try:
            result = audit(source, claims=False, schemes=bundled_schemes())  # the bundled only
            imported = import_report(result)
        except Exception as exc:  # the auditor must not take the page down with it
            logger.exception("import of %s failed", upload.name)
            raise UploadError([f"{upload.name}：无法从文件中读出决算数据（{type(exc).__name__}）"]) from None
    tables = {n for n in range(1, 10)
              if result.structure.table(n) is not None and n not in result.reading.unreadable}
    performance = imported.filing.performance
    if not tables and performance is None:
        what = "XLSX 应为本系统“下载”中的 XLSX 决算表（九张表）" if detected.kind == "xlsx" else \
            "公开报告应含九张决算表或绩效自评表"
        raise UploadError([f"{upload.name}：未能从文件中读出任何决算表或绩效自评表（{what}）"])
    kind: Kind = "xlsx" if detected.suffix == ".xlsx" else "report"
    notes = list(imported.notes) + [f"{upload.name}：{p}" for p in source.problems]
    return Reading(kind, upload.name, imported.filing, complete=False, tables=tables,
                   missing=list(imported.missing), notes=notes,
                   year_known=not any(m.startswith("决算年度") for m in imported.missing),
                   name_known=not any(m.startswith("部门名称") for m in imported.missing))


# --- taking the tables of an import into a filing ---------------------------------------------------

# Parts of a filing the public tables give, and the tables each is read from.
TABLE_PARTS: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("income", "收入", frozenset({2})),
    ("expenditure", "支出", frozenset({3, 5})),
    ("basic_economic", "基本支出经济分类", frozenset({6})),
    ("carry_over", "结转和结余", frozenset({1, 4})),
    ("non_fiscal_balance_used", "使用非财政拨款结余", frozenset({1})),
    ("surplus_distribution", "结余分配", frozenset({1})),
)
THREE_PUBLIC_ITEMS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")


@dataclass
class Merged:
    data: dict[str, Any]
    taken: list[str]  # what was imported, for people
    kept: list[str]  # what was kept from the current version
    skipped: list[str] = field(default_factory=list)  # tables found but nothing read from them


def merge_tables(current: dict[str, Any], reading: Reading) -> Merged:
    """The current filing's data with the table parts the import read (amounts converted to the
    current filing's unit); department, organisation, reasons and performance stay as they are
    (performance is taken only when the current filing has none). A table whose title was found
    but from which no row could be read changes nothing."""
    imported = filing_to_data(reading.filing)
    unit = current.get("unit", "万元")
    if unit == AmountUnit.YUAN.value:  # the importer writes 万元
        imported = scale_amounts(FILING.fields, imported, per_wan(AmountUnit.YUAN))
    dropped = {m.split("（", 1)[0] for m in reading.missing if "读出的内容不合填报格式" in m}
    data = dict(current)
    taken: list[str] = []
    skipped: list[str] = []
    for key, label, tables in TABLE_PARTS:
        if not tables & reading.tables:
            continue
        value = imported.get(key)
        if key in dropped or value == []:
            names = "、".join(f"表{n}" for n in sorted(tables & reading.tables))
            skipped.append(f"{label}：{names}中未能读出任何行，保留当前版本")
            continue
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
        rows = f"（{len(value)} 行）" if isinstance(value, list) else (f"：{value}" if value is not None else "：无")
        taken.append(f"{label}{rows}")
    got = imported.get("three_public") or {}
    if 7 in reading.tables and not got:
        skipped.append("“三公”经费：表7 中未能读出金额，保留当前版本")
    elif 7 in reading.tables and "three_public" not in dropped:
        three = dict(current.get("three_public") or {})
        for item in THREE_PUBLIC_ITEMS:
            entry = dict(three.get(item) or {})
            for stage in ("budget", "final"):
                value = (got.get(item) or {}).get(stage)
                if value is None:
                    entry.pop(stage, None)
                else:
                    entry[stage] = value
            three[item] = entry
        data["three_public"] = three
        taken.append("“三公”经费预算数和决算数（团组数、人次、车辆数保留当前版本）")
    kept = ["部门信息", "机构职能", "预算数", "上年决算数", "增减变化原因", "机关运行经费", "政府采购", "国有资产"]
    if imported.get("performance") is not None and current.get("performance") is None:
        data["performance"] = imported["performance"]
        count = len(imported["performance"].get("projects", ())) + (
            1 if imported["performance"].get("department") else 0)
        taken.append(f"绩效自评表（{count} 张，当前版本没有绩效自评）")
    else:
        kept.append("绩效自评")
    return Merged(data, taken, kept, skipped)


# The totals an import's preview compares: label, row and column of 表1 收入支出决算总表.
KEY_TOTALS = (("本年收入合计", "income_total", "income"),
              ("本年支出合计", "expenditure_total", "expenditure"))


def key_totals(filing: Filing) -> dict[str, Decimal]:
    """本年收入合计 and 本年支出合计 of a filing in 万元 (unrounded), as 表1 prints them; a
    blank total (a filing without rows yet) is 0."""
    tables = build_tables(filing)
    return {label: _cell(tables, 1, row, column) or Decimal(0) for label, row, column in KEY_TOTALS}


# --- new filings ----------------------------------------------------------------------------------


def level_of_region(code: str) -> str:
    """预算级次 from a GB/T 2260 region code: 310000 省级, 421300 市级, 310107 县级."""
    if len(code) == 6 and code.isdigit():
        if code.endswith("0000"):
            return "省级"
        if code.endswith("00"):
            return "市级"
    return "县级"


def empty_filing_data(year: int, name: str, region: str, level: str) -> dict[str, Any]:
    """The smallest valid filing of a unit: its names, no figures yet."""
    return {"year": year, "unit": AmountUnit.WAN_YUAN.value,
            "department": {"name": name, "region": region, "level": level},
            "income": [], "expenditure": []}


def _table(ts: TableSet, number: int) -> Any:
    return next((t for t in ts.tables if t.number == number), None)


def _cell(ts: TableSet, number: int, row: str, column: str) -> Decimal | None:
    table = _table(ts, number)
    if table is None or table.find(row) is None or column not in table.column_keys:
        return None
    value = table.cell(row, column)
    return value if isinstance(value, Decimal) else None


def prior_year_data(last: Filing) -> dict[str, Any]:
    """上年决算数 from last year's filing: the totals as its tables print them (in the filing's
    unit), 机关运行经费 and “三公”经费 by item."""
    ts = build_tables(last)
    factor = per_wan(last.unit)

    def amount(value: Decimal | None) -> str | None:
        return None if value is None else str(round_half_up(value * factor, 2))

    data: dict[str, Any] = {
        "grand_total": amount(_cell(ts, 1, "income_grand_total", "income")),
        "income_total": amount(_cell(ts, 1, "income_total", "income")),
        "expenditure_total": amount(_cell(ts, 1, "expenditure_total", "expenditure")),
        "fiscal_grand_total": amount(_cell(ts, 4, "income_grand_total", "income")),
        "general_budget_expenditure": amount(_cell(ts, 5, "total", "total")),
        "operating_costs": str(last.operating_costs.final) if last.operating_costs else None,
    }
    three = {item: str(getattr(last.three_public, item).final) for item in THREE_PUBLIC_ITEMS
             if getattr(last.three_public, item).final is not None}
    if three:
        data["three_public"] = three
    return {k: v for k, v in data.items() if v is not None}


def from_last_year(last: Filing, year: int) -> dict[str, Any]:
    """A new year's filing from last year's (:func:`juesuan.filing.carry_forward.carry_forward`)
    with 上年数 from last year's tables (the core's filing package cannot build tables)."""
    prior = PriorYear.model_validate(prior_year_data(last))
    return carry_forward(last, year, prior_year=prior)
