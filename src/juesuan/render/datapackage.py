"""A region-year's published disclosures as one Frictionless Data Package (open data).

The package is ``datapackage.json`` (Data Package v1, ``tabular-data-package``) and one CSV
per resource under ``data/``: ``disclosures.csv`` (each disclosure: its codes, names and key
totals) and one CSV per public table (表1…表9), in long form: a line per (disclosure, table
row), the table's amount columns side by side. Every table line points at its disclosure by
a foreign key (区划代码, 年度, 部门编码, 单位编码).

The schema is not a second copy of the tables: the fields of a table are its columns as
:mod:`juesuan.tables.columns` describes them (the same descriptions the builders print and
the audit reads), the resource titles are the template's table titles. Codes are strings
("2010101", never a number); amounts are decimal strings in the table's unit (万元) with the
column's places, rounded half-up as the published table prints them, never floats; a blank
cell of the table is an empty cell, not 0.

Pure: no files, no Django. :func:`build_package` returns ``{relative path: bytes}`` and the
same input always gives the same bytes (sorted lines, fixed key order).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from juesuan.filing.model import Filing
from juesuan.render.csv import safe_text
from juesuan.render.layout import cell_text
from juesuan.tables.build import build_tables
from juesuan.tables.columns import (
    BASIC_6,
    HIERARCHICAL,
    SUMMARY_1,
    SUMMARY_4,
    TABLE_KEYS,
    three_public_columns,
    three_public_keys,
)
from juesuan.tables.figures import cell_of
from juesuan.tables.table import Column, Table, TableSet
from juesuan.template.catalogue import template_for

DESCRIPTOR = "datapackage.json"
DATA_DIR = "data"
DISCLOSURES = "disclosures"
UNIT = "万元"
PROFILE = "tabular-data-package"
RESOURCE_PROFILE = "tabular-data-resource"

# The identity of a disclosure in every CSV (and the primary key of disclosures.csv).
KEY_FIELDS = ("region", "year", "department", "unit")

# Key totals in disclosures.csv: (field, title, topic of juesuan.tables.figures.CELLS).
TOTALS = (
    ("grand_total", "收入总计", "grand_total"),
    ("income_total", "本年收入合计", "income_total"),
    ("expenditure_total", "本年支出合计", "expenditure_total"),
    ("fiscal_income", "财政拨款收入", "fiscal.income"),
    ("fiscal_expenditure", "财政拨款支出", "fiscal.expenditure"),
    ("general_budget_expenditure", "一般公共预算财政拨款支出", "general_budget"),
    ("three_public_final", "“三公”经费支出决算数", "three_public"),
)


class PackageError(ValueError):
    """Input that cannot make a package; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Identity:
    """Who published a disclosure: the portal's codes and names."""

    region_code: str
    region_name: str
    year: int
    department_code: str
    department_name: str
    unit_code: str
    unit_name: str

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.region_code, self.year, self.department_code, self.unit_code)

    @property
    def key_text(self) -> str:
        return f"{self.region_code}/{self.year}/{self.department_code}/{self.unit_code}"


Source = Filing | TableSet
"""A disclosure's content: its filing, or the tables already built from it."""


def slug(text: str) -> str:
    """Lowercase ASCII for names: letters, digits and ``-`` only."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def package_name(region_code: str, year: int) -> str:
    return f"juesuan-{slug(region_code)}-{year}"


def resource_name(number: int) -> str:
    """``table1-income-expenditure-summary`` … (``_`` is not allowed in v1 resource names)."""
    return f"table{number}-{TABLE_KEYS[number].replace('_', '-')}"


def resource_names() -> tuple[str, ...]:
    """Every resource's name, ``disclosures`` first: the CSV files are ``data/<name>.csv``."""
    return (DISCLOSURES, *(resource_name(n) for n in sorted(TABLE_KEYS)))


def canonical_columns(number: int) -> tuple[Column, ...]:
    """The columns of a public table in the package: the widest variant the column
    descriptions define (表7 item by item, 表9 with its income columns), so every
    template's table fits one schema."""
    if number == 1:
        return tuple(s.column for s in SUMMARY_1)
    if number == 4:
        return tuple(s.column for s in SUMMARY_4)
    if number == 6:
        return tuple(s.column for s in BASIC_6)
    if number == 7:
        return three_public_columns(three_public_keys(by_stage=False), by_stage=False)
    return tuple(s.column for s in HIERARCHICAL[number])


def field_name(column_key: str) -> str:
    """A column key as a field name ("vehicle.final" → "vehicle_final")."""
    return column_key.replace(".", "_")


def column_title(column: Column) -> str:
    return "/".join((*column.groups, column.label))


# --- schema ----------------------------------------------------------------------------


def _key_fields() -> list[dict[str, Any]]:
    return [
        {"name": "region", "type": "string", "title": "区划代码", "constraints": {"required": True}},
        {"name": "year", "type": "integer", "title": "年度", "constraints": {"required": True}},
        {"name": "department", "type": "string", "title": "部门编码", "constraints": {"required": True}},
        {"name": "unit", "type": "string", "title": "单位编码", "constraints": {"required": True}},
    ]


def _amount_field(name: str, title: str, places: int | None) -> dict[str, Any]:
    shown = f"，保留 {places} 位小数" if places is not None else ""
    return {"name": name, "type": "number", "title": title, "decimalChar": ".", "bareNumber": True,
            "description": f"金额，单位{UNIT}，十进制数{shown}（四舍五入）；空单元格表示表中该格为空，不是 0"}


def _disclosures_schema() -> dict[str, Any]:
    fields = _key_fields()
    fields[1:1] = [{"name": "region_name", "type": "string", "title": "地区"}]
    fields += [
        {"name": "department_name", "type": "string", "title": "部门名称"},
        {"name": "unit_name", "type": "string", "title": "单位名称"},
        *(_amount_field(name, title, 2) for name, title, _ in TOTALS),
    ]
    return {"fields": fields, "primaryKey": list(KEY_FIELDS), "missingValues": [""]}


def _table_schema(number: int, columns: Sequence[Column], sided: bool) -> dict[str, Any]:
    fields = _key_fields()
    fields += [
        {"name": "line", "type": "integer", "title": "行号", "description": "该行在表中的顺序，从 1 开始",
         "constraints": {"required": True, "minimum": 1}},
        {"name": "row_key", "type": "string", "title": "行键",
         "description": "行在表中的稳定标识：科目编码，或如 total 的名称", "constraints": {"required": True}},
    ]
    if sided:
        fields.append({"name": "section", "type": "string", "title": "部分",
                       "description": "左右并列的表中该行所在的一侧，如 收入、支出"})
    fields += [
        {"name": "code", "type": "string", "title": "科目编码",
         "description": "功能分类或经济分类科目编码（文本，保留全部数字）；无编码的行为空"},
        {"name": "name", "type": "string", "title": "项目" if number in (1, 4, 7) else "科目名称"},
        {"name": "level", "type": "integer", "title": "层级", "description": "0 标题或合计行，1 类，2 款，3 项"},
        *(_amount_field(field_name(c.key), column_title(c), c.places) for c in columns),
    ]
    return {
        "fields": fields,
        "primaryKey": [*KEY_FIELDS, "row_key"],
        "foreignKeys": [{"fields": list(KEY_FIELDS),
                         "reference": {"resource": DISCLOSURES, "fields": list(KEY_FIELDS)}}],
        "missingValues": [""],
    }


# --- data ------------------------------------------------------------------------------


def _csv(header: Sequence[str], lines: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(lines)
    return out.getvalue().encode("utf-8")


def _amount(value: object, places: int | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, Decimal):  # a text in an amount column: no public table has one
        raise PackageError(f"金额栏中出现了文字“{str(value)[:20]}”，无法写入数据包")
    return cell_text(value, places)


def _key_cells(identity: Identity) -> list[object]:
    return [identity.region_code, identity.year, identity.department_code, identity.unit_code]


def _table_lines(number: int, columns: Sequence[Column], sided: bool,
                 items: Sequence[tuple[Identity, TableSet]]) -> list[list[object]]:
    lines: list[list[object]] = []
    keys = {c.key for c in columns}
    for identity, ts in items:
        table = ts.get(number)
        if table is None:
            continue
        unknown = [c.key for c in table.columns if c.key not in keys]
        if unknown:
            raise PackageError(f"{identity.key_text} 表{number}有数据包未定义的栏目：{'、'.join(unknown)}")
        index = {c.key: i for i, c in enumerate(table.columns)}
        for line, row in enumerate(table.rows, 1):
            cells: list[object] = [*_key_cells(identity), line, row.key]
            if sided:
                cells.append(row.section or "")
            cells += [row.code or "", safe_text(row.name), row.level]
            cells += [_amount(row.values[index[c.key]], c.places) if c.key in index else "" for c in columns]
            lines.append(cells)
    return lines


def _total(ts: TableSet, topic: str) -> str:
    number, row, column = cell_of(topic)
    table: Table | None = ts.get(number)
    if table is None or table.find(row) is None or column not in table.column_keys:
        return ""
    return _amount(table.cell(row, column), 2)


def _disclosure_lines(items: Sequence[tuple[Identity, TableSet]]) -> list[list[object]]:
    lines: list[list[object]] = []
    for identity, ts in items:
        cells: list[object] = [identity.region_code, safe_text(identity.region_name), identity.year,
                               identity.department_code, identity.unit_code,
                               safe_text(identity.department_name), safe_text(identity.unit_name)]
        lines.append(cells + [_total(ts, topic) for _, _, topic in TOTALS])
    return lines


def _title(number: int, year: int, items: Sequence[tuple[Identity, TableSet]]) -> str:
    """The title the template in force for the year prints (a filing's own if none does)."""
    template = template_for(None, year)
    if number in template.numbers:
        return template.table_title(number)
    built = next((t for _, ts in items if (t := ts.get(number)) is not None), None)
    return built.title if built is not None else TABLE_KEYS[number]


def _tables_of(source: Source) -> TableSet:
    return source if isinstance(source, TableSet) else build_tables(source)


def build_package(region_code: str, region_name: str, year: int,
                  disclosures: Sequence[tuple[Identity, Source]], *,
                  created: datetime | None = None) -> dict[str, bytes]:
    """The data package of one region-year: ``{relative path: bytes}``.

    ``disclosures``: each published disclosure's identity and its filing (or its tables,
    already built). ``created``: when the package's data was last changed (the latest
    publication); omitted from the descriptor when not given, so the bytes stay a function
    of the input.
    """
    if not disclosures:
        raise PackageError(f"{region_name} {year} 年度没有公开的部门决算，无法生成数据包")
    seen: set[tuple[str, int, str, str]] = set()
    for identity, _ in disclosures:
        if identity.year != year:
            raise PackageError(f"{identity.key_text} 不是 {year} 年度的决算")
        if identity.key in seen:
            raise PackageError(f"公开件 {identity.key_text} 出现了两次")
        seen.add(identity.key)
    items = sorted(((identity, _tables_of(source)) for identity, source in disclosures),
                   key=lambda item: item[0].key)

    files: dict[str, bytes] = {}
    resources: list[dict[str, Any]] = []

    def add(name: str, title: str, description: str, schema: dict[str, Any], data: bytes) -> None:
        path = f"{DATA_DIR}/{name}.csv"
        files[path] = data
        resources.append({
            "name": name, "path": path, "profile": RESOURCE_PROFILE, "title": title,
            "description": description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": schema,
        })

    schema = _disclosures_schema()
    add(DISCLOSURES, "公开件目录", f"每个公开的部门决算一行：区划、部门和单位的编码与名称，主要合计数（{UNIT}）",
        schema, _csv([f["name"] for f in schema["fields"]], _disclosure_lines(items)))
    for number in sorted(TABLE_KEYS):
        columns = canonical_columns(number)
        sided = len({c.section for c in columns}) > 1
        schema = _table_schema(number, columns, sided)
        title = f"表{number} {_title(number, year, items)}"
        add(resource_name(number), title,
            f"{title}：每个公开件的每一行表格一行，金额单位{UNIT}；模板不印的栏目为空",
            schema, _csv([f["name"] for f in schema["fields"]], _table_lines(number, columns, sided, items)))

    descriptor: dict[str, Any] = {
        "profile": PROFILE,
        "name": package_name(region_code, year),
        "title": f"{region_name} {year} 年度部门决算公开数据",
        "description": (f"{region_name}（区划代码 {region_code}，含下级地区）{year} 年度已公开的部门决算"
                        f"，共 {len(items)} 个公开件：公开件目录和九张公开表，金额单位{UNIT}。"),
        "keywords": ["部门决算", "财政", "open data"],
    }
    if created is not None:
        descriptor["created"] = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    descriptor["resources"] = resources
    files[DESCRIPTOR] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return dict(sorted(files.items()))


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the bytes do not depend on when


def package_zip(files: dict[str, bytes]) -> bytes:
    """The package as one zip (``datapackage.json`` and ``data/*.csv``), same bytes for the
    same files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path])
    return out.getvalue()
