"""The whole document as JSON (documented in docs/formats.md) and as an XLSX workbook."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from juesuan.content import Document, Section
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.render.document_json import document_to_data, document_to_json
from juesuan.render.json import table_to_data
from juesuan.render.xlsx import document_to_xlsx, tables_to_xlsx, xlsx_sheet_name
from juesuan.tables.table import TableSet

ROOT = Path(__file__).resolve().parents[2]
DECIMAL = re.compile(r"^-?\d+\.\d{2}$")
SECTION_KEYS = {"key", "heading", "paragraphs", "tables", "charts", "subsections"}


@pytest.fixture(scope="module")
def data(document: Document) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(document_to_json(document))
    return loaded


def sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            found.append(item)
            walk(item["subsections"])

    for part in data["parts"]:
        walk(part["sections"])
    return found


# ---------------------------------------------------------------------------- JSON


def test_json_round_trip(document: Document, data: dict[str, Any]) -> None:
    text = document_to_json(document)
    assert text.endswith("}\n") and "测试局" in text  # UTF-8, not escaped
    assert data == document_to_data(document)
    assert data["format_version"] == 2
    assert (data["title"], data["department"], data["year"], data["unit"]) == (
        document.title, document.department, document.year, document.unit)
    assert data["metadata"] == document.metadata


def test_json_tree(document: Document, data: dict[str, Any]) -> None:
    assert [(p["key"], p["heading"]) for p in data["parts"]] == [
        (p.key, p.heading) for p in document.parts]
    found = sections(data)
    assert [(s["key"], s["heading"]) for s in found] == [
        (s.key, s.heading) for s in document.sections()]
    for item, section in zip(found, document.sections(), strict=True):
        assert set(item) == SECTION_KEYS
        assert item["paragraphs"] == list(section.paragraphs)
        assert item["tables"] == [table_to_data(t) for t in section.tables]


def test_json_nine_tables_with_decimal_strings(data: dict[str, Any], small: TableSet) -> None:
    tables = [t for s in sections(data) for t in s["tables"]]
    assert [t["number"] for t in tables] == list(range(1, 10))
    for table in tables:
        for row in table["rows"]:
            assert all(v is None or DECIMAL.match(v) for v in row["values"]), row
    income = tables[1]
    line = next(r for r in income["rows"] if r["key"] == "2010601")
    assert line["values"][income["column_keys"].index("other")] == "1.23"  # half-up


def test_json_placeholders_preserved(document: Document, data: dict[str, Any]) -> None:
    paragraphs = [p for s in sections(data) for p in s["paragraphs"]]
    assert "增加的主要原因是【待填写：增减原因】。" in paragraphs
    assert "【待填写：机构设置】" in paragraphs
    assert data["placeholders"] == [
        {"section": key, "text": text} for key, text in document.placeholders()]
    assert len(data["placeholders"]) == 2


def test_json_charts(document: Document, data: dict[str, Any]) -> None:
    charts = [c for s in sections(data) for c in s["charts"]]
    assert [c["key"] for c in charts] == [c.key for c in document.charts()]
    pie = charts[0]
    assert set(pie) == {"key", "title", "kind", "unit", "categories", "series"}
    assert pie["kind"] == "pie" and pie["unit"] == "万元"
    assert pie["categories"] == ["财政拨款收入", "事业收入", "其他收入"]
    assert pie["series"] == [{"name": "决算数", "values": ["1672.64", None, "1.23"]}]
    for chart in charts:
        for series in chart["series"]:
            assert len(series["values"]) == len(chart["categories"])
            assert all(v is None or DECIMAL.match(v) for v in series["values"])


def test_json_findings_are_the_reviews(document: Document, data: dict[str, Any]) -> None:
    """The public JSON has no findings; the review's JSON has every one, in the one shape."""
    from juesuan.render.review import review_to_data

    assert "findings" not in data and document.findings
    review = review_to_data(document)
    assert review["findings"] == [f.to_data() for f in document.findings]
    assert review["findings"][0]["severity"] == "error"
    location = review["findings"][0]["location"]
    assert {k: v for k, v in location.items() if v is not None} == {"table": 1, "row": "total",
                                                                     "column": "amount"}


def test_json_example_with_self_evaluation_forms() -> None:
    filing = load_filing(ROOT / "examples" / "suizhou-zwfw-2020.yaml").filing
    doc = build_document(filing, scheme=scheme_for(filing))
    data = json.loads(document_to_json(doc))
    numbers = [t["number"] for s in sections(data) for t in s["tables"]]
    assert numbers == [t.number for t in doc.tables()]
    assert numbers[:9] == list(range(1, 10)) and len(numbers) > 9
    assert "findings" not in data and doc.findings


# ---------------------------------------------------------------------------- XLSX


def test_xlsx_sheet_per_table(document: Document) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(document_to_xlsx(document)))
    tables = document.tables()
    assert workbook.sheetnames == [xlsx_sheet_name(t) for t in tables]
    for ws, table in zip(workbook.worksheets, tables, strict=True):
        assert ws["A1"].value == table.heading
    assert workbook.properties.title == document.title


def test_xlsx_same_sheets_as_the_table_workbook(document: Document, small: TableSet) -> None:
    mine = openpyxl.load_workbook(io.BytesIO(document_to_xlsx(document)))
    theirs = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx(small)))
    for name in theirs.sheetnames:
        a, b = mine[name], theirs[name]
        assert [[c.value for c in row] for row in a.iter_rows()] == [
            [c.value for c in row] for row in b.iter_rows()]
        assert {str(r) for r in a.merged_cells.ranges} == {str(r) for r in b.merged_cells.ranges}


def test_xlsx_repeated_titles_get_distinct_sheets(document: Document, small: TableSet) -> None:
    twice = Section("extra", "重复", tables=(small[2], small[2]))
    doc = replace(document, parts=(*document.parts,
                                   replace(document.parts[0], sections=(twice,))))
    workbook = openpyxl.load_workbook(io.BytesIO(document_to_xlsx(doc)))
    assert workbook.sheetnames[-2:] == ["表2 收入决算表（2）", "表2 收入决算表（3）"]


def test_xlsx_example_units_and_forms() -> None:
    for name in ("shanghai-putuo-czj-2024", "suizhou-zwfw-2020"):
        filing = load_filing(ROOT / "examples" / f"{name}.yaml").filing
        doc = build_document(filing, scheme=scheme_for(filing))
        workbook = openpyxl.load_workbook(io.BytesIO(document_to_xlsx(doc)))
        assert len(workbook.sheetnames) == len(doc.tables())
        assert len(set(workbook.sheetnames)) == len(workbook.sheetnames)
        if name.startswith("shanghai"):
            units = workbook["部门决算单位构成"]
            assert units["A1"].value == "部门决算单位构成"
            assert all("单位：" not in str(c.value) for c in units[2])  # no unit to show
        else:
            assert any("绩效自评表" in n for n in workbook.sheetnames)
