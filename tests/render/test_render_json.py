"""JSON rendering: shape and values as documented in docs/formats.md."""

from __future__ import annotations

import json
from typing import Any

from juesuan.render.json import tables_to_data, tables_to_json
from juesuan.tables.table import TableSet

TABLE_KEYS = {
    "number", "key", "title", "unit", "hierarchical", "sections", "columns", "column_keys",
    "header_groups", "column_sections", "rows", "notes",
}
ROW_KEYS = {"key", "code", "name", "level", "kind", "section", "values"}


def row(table: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in table["rows"] if r["key"] == key)


def test_shape(small: TableSet) -> None:
    data = json.loads(tables_to_json(small))
    assert data["department"] == "测试局"
    assert data["year"] == 2024
    assert data["unit"] == "万元"
    assert data["format_version"] == 1
    assert [t["number"] for t in data["tables"]] == list(range(1, 10))
    for table in data["tables"]:
        assert set(table) == TABLE_KEYS
        n = len(table["columns"])
        assert len(table["header_groups"]) == n == len(table["column_keys"])
        for r in table["rows"]:
            assert set(r) == ROW_KEYS
            assert len(r["values"]) == n
            assert all(v is None or isinstance(v, str) for v in r["values"])


def test_known_values(small: TableSet) -> None:
    tables = json.loads(tables_to_json(small))["tables"]
    t1, t2, t8 = tables[0], tables[1], tables[7]
    assert t1["title"] == "收入支出决算总表"
    assert t1["sections"] == ["收入", "支出"]
    assert t1["header_groups"] == [["收入"], ["支出"]]
    assert row(t1, "income_total")["values"] == ["1673.87", None]
    assert row(t1, "income_total")["kind"] == "total"
    r = row(t2, "2010601")
    assert r["code"] == "2010601" and r["name"] == "行政运行" and r["level"] == 3
    assert r["values"][t2["column_keys"].index("other")] == "1.23"
    assert row(t2, "total")["code"] is None
    assert t8["header_groups"][t8["column_keys"].index("basic")] == ["本年支出"]
    assert any("本表无数据" in note for note in t8["notes"])


def test_text_is_unescaped_and_indented(small: TableSet) -> None:
    text = tables_to_json(small)
    assert '"title": "收入支出决算总表"' in text
    assert text.startswith('{\n  "format_version": 1,')
    assert tables_to_data(small) == json.loads(text)
