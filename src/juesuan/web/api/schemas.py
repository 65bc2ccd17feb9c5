"""Response schemas of the public API. Money is a decimal string (万元, two decimals), never
a JSON number, so no client reads it as a binary float."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

Amount = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["2995.40"],
                              description="金额（万元），十进制字符串，四舍五入（ROUND_HALF_UP）保留两位小数")]
Rate = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["1.87"],
                            description="增减率（%），十进制字符串，四舍五入保留两位小数")]
Cell = Annotated[str | None, Field(
    description="单元格：金额为十进制字符串（万元，两位小数），空单元格为 null")]


class Error(Schema):
    detail: str = Field(description="错误说明（中文）", examples=["没有找到公开的部门决算：310107/2024/czj/xyz"])


class FieldError(Schema):
    location: str = Field(description="出错的参数，如 query.year")
    message: str = Field(description="错误说明（中文）")


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class Place(Schema):
    code: str
    name: str


class DisclosureSummary(Schema):
    key: str = Field(description="公开件标识：区划代码/年度/部门编码/单位编码", examples=["310107/2024/czj/czj"])
    region: Place
    year: int
    department: Place
    unit: Place
    consolidated: bool = Field(description="是否为部门汇总决算")
    published_at: datetime | None = Field(description="公开时间")
    version: int = Field(description="公开版本号")
    url: str = Field(description="门户页面")
    api_url: str = Field(description="本接口中的详情")


class DisclosureList(Schema):
    count: int = Field(description="符合条件的公开件总数")
    page: int
    page_size: int
    pages: int
    items: list[DisclosureSummary]


class KeyFigure(Schema):
    key: str
    label: str
    group: str
    value: Amount | None = Field(description="金额（万元）；null 表示公开件未提供（无数据），不是 0")


class Downloads(Schema):
    html: str
    pdf: str
    docx: str
    xlsx: str
    json_document: str
    tables_csv: str
    tables_json: str
    filing_yaml: str


class DisclosureDetail(DisclosureSummary):
    title: str = Field(description="文档标题")
    digest: str = Field(description="公开版本内容的 SHA-256 摘要")
    unit_of_amounts: Literal["万元"] = "万元"
    figures: list[KeyFigure]
    downloads: Downloads


class TableRow(Schema):
    key: str
    code: str | None
    name: str
    level: int
    kind: str
    section: str | None
    values: list[Cell]


class TableOut(Schema):
    number: int
    key: str
    title: str
    unit: str
    hierarchical: bool
    sections: list[str]
    columns: list[str]
    column_keys: list[str]
    header_groups: list[list[str]]
    column_sections: list[str | None]
    rows: list[TableRow]
    notes: list[str]


class TablesOut(Schema):
    """The same structure as ``juesuan tables --format json`` (docs/formats.md)."""

    format_version: int
    department: str
    year: int
    unit: str | None
    tables: list[TableOut]


class ChangeOut(Schema):
    amount: Amount = Field(description="增减额（万元）")
    rate: Rate | None = Field(description="增减率（%）；基数为 0 时为 null")


class MeasureLine(Schema):
    key: str
    label: str
    group: str
    complete: bool = Field(description="每个比较对象都有此项数据")
    values: list[Amount | None] = Field(description="每个比较对象的金额；null 表示无数据")
    changes: list[ChangeOut | None] = Field(description="较基准（部门比较）或较上年（历年比较）；无法比较时为 null")


class SubjectOut(Schema):
    key: str
    name: str
    region: str
    year: int
    url: str


class ComparisonOut(Schema):
    kind: Literal["departments", "years"]
    title: str
    unit: Literal["万元"]
    base: str | None = Field(description="部门比较：基准公开件的标识；历年比较：previous_year")
    subjects: list[SubjectOut]
    measures: list[MeasureLine]


class DocumentOut(Schema):
    """The whole document as ``juesuan report --format json`` writes it (docs/formats.md)."""

    format_version: int
    title: str
    department: str
    year: int
    unit: str
    metadata: dict[str, str]
    parts: list[dict[str, Any]] = Field(description="各部分及其章节：段落、表格、图表数据")
    findings: list[dict[str, Any]] = Field(description="自动检查发现")
    placeholders: list[dict[str, Any]] = Field(description="尚待填写之处")


class DataPackageResourceOut(Schema):
    name: str = Field(description="资源名，如 table2-income", examples=["table2-income"])
    path: str = Field(description="在数据包中的相对路径", examples=["data/table2-income.csv"])
    url: str = Field(description="CSV 下载地址")


class DataPackageOut(Schema):
    """Where a region-year's Frictionless Data Package is (the portal serves it)."""

    name: str = Field(description="数据包名", examples=["juesuan-310107-2024"])
    region: Place
    year: int
    count: int = Field(description="包含的公开件个数（含下级地区）")
    datapackage: str = Field(description="数据包描述文件 datapackage.json 的地址")
    zip: str = Field(description="整个数据包（datapackage.json 与 data/*.csv）的 ZIP 下载地址")
    resources: list[DataPackageResourceOut]
