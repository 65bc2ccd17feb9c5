"""The read-only JSON API: list, detail, tables, document, comparisons, its OpenAPI
description and docs page, and errors in Chinese."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from juesuan.render.json import tables_to_data
from juesuan.tables.build import build_tables

pytestmark = pytest.mark.django_db



SHANGHAI = "/api/disclosures/310107/2024/czj/czj"


@pytest.fixture
def examples(db: Any) -> list[Any]:
    from juesuan.web import seed

    return seed.load_examples()


def get(client: Any, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content, parse_float=Decimal)


def test_list_of_published_disclosures(client: Any, examples: Any) -> None:
    data = get(client, "/api/disclosures")
    assert data["count"] == 2 and data["pages"] == 1
    keys = [item["key"] for item in data["items"]]
    assert keys == ["310107/2024/czj/czj", "421300/2020/zwfw/zwfw"]
    first = data["items"][0]
    assert first["unit"] == {"code": "czj", "name": "上海市普陀区财政局"}
    assert first["region"] == {"code": "310107", "name": "上海市普陀区"}
    assert first["url"] == "http://testserver/310107/2024/czj/czj/"
    assert first["api_url"] == "http://testserver" + SHANGHAI


@pytest.mark.parametrize(("query", "keys"), [
    ("year=2020", ["421300/2020/zwfw/zwfw"]),
    ("region=420000", ["421300/2020/zwfw/zwfw"]),  # 湖北省 includes 随州市
    ("region=310107", ["310107/2024/czj/czj"]),
    ("department=czj", ["310107/2024/czj/czj"]),
    ("department=政务服务", ["421300/2020/zwfw/zwfw"]),
    ("q=随州", ["421300/2020/zwfw/zwfw"]),
    ("q=普陀 财政", ["310107/2024/czj/czj"]),
    ("q=普陀&year=2020", []),
    ("q=%00", ["310107/2024/czj/czj", "421300/2020/zwfw/zwfw"]),  # a NUL byte is dropped, never sent
])
def test_list_filters(client: Any, examples: Any, query: str, keys: list[str]) -> None:
    data = get(client, f"/api/disclosures?{query}")
    assert [item["key"] for item in data["items"]] == keys and data["count"] == len(keys)


def test_list_pagination(client: Any, examples: Any) -> None:
    data = get(client, "/api/disclosures?page_size=1&page=2")
    assert (data["count"], data["pages"], data["page"]) == (2, 2, 2)
    assert [i["key"] for i in data["items"]] == ["421300/2020/zwfw/zwfw"]
    assert get(client, "/api/disclosures?page_size=1&page=3")["items"] == []


@pytest.mark.parametrize(("query", "message"), [
    ("year=abc", "查询参数 year 应为整数，收到“abc”"),
    ("page=0", "查询参数 page 应不小于 1，收到“0”"),
    ("page_size=1000", "查询参数 page_size 应不大于 100，收到“1000”"),
    ("page=99999999999999999999", "查询参数 page 应不大于 100000，收到“99999999999999999999”"),
    ("year=99999999999999999999", "查询参数 year 应不大于 9999，收到“99999999999999999999”"),
])
def test_bad_parameters_are_422_in_chinese(client: Any, examples: Any, query: str, message: str) -> None:
    data = get(client, f"/api/disclosures?{query}", 422)
    assert data["detail"] == "请求参数有误：" + message
    assert data["errors"][0]["message"] == message


def test_one_disclosure_with_key_figures_and_no_findings(client: Any, examples: Any) -> None:
    data = get(client, SHANGHAI)
    assert data["title"] == "上海市普陀区财政局2024年度部门决算"
    assert data["version"] == 1 and len(data["digest"]) == 64
    assert "findings" not in data  # the checks are the review's, never the public's
    figures = {f["key"]: f["value"] for f in data["figures"]}
    assert figures["grand_total"] == "2995.40" and figures["income_total"] == "2946.26"
    assert figures["operating_costs"] == "184.65" and figures["three_public.reception"] == "0.00"
    assert all(isinstance(v, str) for v in figures.values())  # decimal strings, never numbers
    assert data["downloads"]["pdf"] == "http://testserver/310107/2024/czj/czj/document.pdf"


def test_tables_are_the_cli_json(client: Any, examples: Any, suizhou_filing: Any) -> None:
    data = get(client, "/api/disclosures/421300/2020/zwfw/zwfw/tables")
    assert data == json.loads(json.dumps(tables_to_data(build_tables(suizhou_filing))), parse_float=Decimal)
    assert len(data["tables"]) == 9 and data["department"] == "随州市政务服务和大数据管理局"


def test_document_json(client: Any, examples: Any) -> None:
    data = get(client, SHANGHAI + "/document")
    assert data["title"] == "上海市普陀区财政局2024年度部门决算" and data["parts"]


def test_unknown_disclosure_is_404_in_chinese(client: Any, examples: Any) -> None:
    data = get(client, "/api/disclosures/310107/2024/czj/xyz", 404)
    assert data == {"detail": "没有找到公开的部门决算：310107/2024/czj/xyz"}
    assert get(client, "/api/disclosures/310107/2024/czj/xyz/tables", 404)["detail"].startswith("没有找到")
    data = get(client, "/api/no/such/thing", 404)
    assert data["detail"].startswith("没有这个接口：/api/no/such/thing")


def test_the_api_is_read_only(client: Any, examples: Any) -> None:
    assert client.post("/api/disclosures").status_code == 405
    assert client.delete(SHANGHAI).status_code == 405


def test_compare_two_departments(client: Any, examples: Any) -> None:
    data = get(client, "/api/compare?d=310107/2024/czj/czj&d=421300/2020/zwfw/zwfw", 400)
    assert "须为同一年度" in data["detail"]
    data = get(client, "/api/compare?d=310107/2024/czj/czj", 400)
    assert data["detail"] == "请至少选择两个公开件进行比较（当前选择了 1 个）。"
    data = get(client, "/api/compare", 422)
    assert data["detail"] == "请求参数有误：查询参数 d 必须提供"


def test_compare_years_of_a_unit(client: Any, examples: Any) -> None:
    data = get(client, "/api/compare/years/421300/zwfw/zwfw")
    assert data["kind"] == "years" and [s["year"] for s in data["subjects"]] == [2020]
    income = next(m for m in data["measures"] if m["key"] == "income_total")
    assert income["values"] == ["2117.37"] and income["changes"] == [None]


def test_openapi_describes_money_as_decimal_strings(client: Any, examples: Any) -> None:
    spec = get(client, "/api/openapi.json")
    assert spec["info"]["title"] == "部门决算公开数据接口"
    for path in ("/api/disclosures", "/api/disclosures/{region}/{year}/{department}/{unit}",
                 "/api/disclosures/{region}/{year}/{department}/{unit}/tables",
                 "/api/disclosures/{region}/{year}/{department}/{unit}/document",
                 "/api/compare", "/api/compare/years/{region}/{department}/{unit}"):
        assert set(spec["paths"][path]) == {"get"}, path
    value = spec["components"]["schemas"]["KeyFigure"]["properties"]["value"]
    kinds = [option.get("type") for option in value["anyOf"]]
    assert kinds == ["string", "null"] and value["anyOf"][0]["pattern"] == r"^-?\d+\.\d{2}$"
    assert '"type": "number"' not in json.dumps(spec)  # no amount anywhere is a float


def test_docs_page_works_offline(client: Any, examples: Any) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "https://" not in html and "cdn" not in html.lower()
