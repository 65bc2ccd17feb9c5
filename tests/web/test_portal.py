"""The public portal: search and listings, a disclosure's page, document and downloads."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest

from juesuan.filing.io import parse_filing_text
from juesuan.render.json import tables_to_json
from juesuan.tables.build import build_tables

pytestmark = pytest.mark.django_db



SHANGHAI = "/310107/2024/czj/czj/"
SUIZHOU = "/421300/2020/zwfw/zwfw/"


@pytest.fixture
def examples(db: Any) -> list[Any]:
    """The two bundled examples, published, as ``juesuan serve`` loads them."""
    from juesuan.web import seed

    records = seed.load_examples()
    assert len(records) == 2
    return records


def page(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    text: str = response.content.decode()
    return text


# --- home, search, listings ---------------------------------------------------------------


def test_home_lists_regions_and_their_years(client: Any, examples: Any) -> None:
    html = page(client, "/")
    assert "上海市普陀区" in html and "湖北省随州市" in html
    assert 'href="/310107/2024/"' in html and 'href="/421300/2020/"' in html


def test_search_by_name_finds_the_department(client: Any, examples: Any) -> None:
    html = page(client, "/?q=财政局")
    assert "查询结果（1 个）" in html
    assert f'href="{SHANGHAI}"' in html and "上海市普陀区财政局" in html
    assert SUIZHOU not in html
    html = page(client, "/?q=政务服务")
    assert f'href="{SUIZHOU}"' in html and SHANGHAI not in html


def test_search_by_year_and_by_region_including_subregions(client: Any, examples: Any) -> None:
    html = page(client, "/?year=2020")
    assert SUIZHOU in html and SHANGHAI not in html
    html = page(client, "/?region=420000")  # 湖北省: its 随州市 disclosures are included
    assert SUIZHOU in html and SHANGHAI not in html
    html = page(client, "/?region=310107&year=2020")
    assert "没有符合条件的公开部门决算" in html


def test_a_bad_year_is_ignored_with_a_message(client: Any, examples: Any) -> None:
    html = page(client, "/?year=20x4&q=财政局")
    assert "年度“20x4”不是四位数字，已忽略该条件" in html
    assert SHANGHAI in html
    assert "查询结果（2 个）" in page(client, "/?q=%00&page=999999999999999999999")  # nothing crashes


def test_not_found_pages_say_what_is_missing_in_chinese(client: Any, examples: Any) -> None:
    html = page(client, "/310107/2024/czj/nothing/", 404)
    assert "没有找到公开的部门决算：310107/2024/czj/nothing" in html
    assert "没有这个页面：/no/such/page/" in page(client, "/no/such/page/", 404)


def test_listing_by_region_then_year_then_department(client: Any, examples: Any) -> None:
    html = page(client, "/310107/")
    assert "上海市普陀区部门决算公开" in html and 'href="/310107/2024/"' in html
    html = page(client, "/310107/2024/")
    assert "<h2>上海市普陀区财政局</h2>" in html and f'href="{SHANGHAI}"' in html
    assert 'value="310107/2024/czj/czj"' in html  # to pick for a comparison
    assert "尚无公开的 1999 年度部门决算" in page(client, "/310107/1999/", 404)
    assert "没有区划代码为 999999 的地区" in page(client, "/999999/", 404)


def test_listing_data_as_csv_and_json(client: Any, examples: Any) -> None:
    response = client.get("/disclosures.json?year=2024")
    data = json.loads(response.content)
    assert data["count"] == 1 and data["items"][0]["key"] == "310107/2024/czj/czj"
    assert data["items"][0]["unit"] == "上海市普陀区财政局"
    response = client.get("/disclosures.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "公开件" and {r[0] for r in rows[1:]} == {"310107/2024/czj/czj", "421300/2020/zwfw/zwfw"}


# --- a disclosure -----------------------------------------------------------------------------


def test_disclosure_page_shows_key_figures_downloads_and_the_document(client: Any, examples: Any) -> None:
    html = page(client, SHANGHAI)
    assert "<h1>上海市普陀区财政局2024年度部门决算</h1>" in html
    assert 'data-measure="income_total">2,946.26<' in html
    assert 'data-measure="operating_costs">184.65<' in html
    assert f'<iframe class="document" sandbox="allow-scripts allow-popups" src="{SHANGHAI}document.html"' in html
    for name in ("document.pdf", "document.docx", "document.xlsx", "document.json", "tables.csv", "tables.json",
                 "filing.yaml"):
        assert f'href="{SHANGHAI}{name}"' in html
    assert "<script>" not in html  # our pages run only our static scripts (CSP script-src 'self')


def test_the_document_is_served_with_its_charts_and_its_own_policy(client: Any, examples: Any) -> None:
    response = client.get(SHANGHAI + "document.html")
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    policy = response["Content-Security-Policy"]
    assert "script-src 'unsafe-inline'" in policy and "frame-ancestors 'self'" in policy
    html = response.content.decode()
    assert "<title>上海市普陀区财政局2024年度部门决算</title>" in html
    assert "echarts.init" in html and 'id="chart-income_structure"' in html


def _disposition(response: Any, name: str) -> None:
    header = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(name)}" in header, header
    assert 'filename="310107-2024-czj-czj-' in header  # ASCII fallback


def test_pdf_download(client: Any, examples: Any) -> None:
    response = client.get(SHANGHAI + "document.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    _disposition(response, "上海市普陀区财政局2024年度部门决算.pdf")
    assert response.content.startswith(b"%PDF")


def test_docx_download_opens_in_python_docx(client: Any, examples: Any) -> None:
    import docx

    response = client.get(SHANGHAI + "document.docx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    _disposition(response, "上海市普陀区财政局2024年度部门决算.docx")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "上海市普陀区财政局" in text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "2946.26" in cells or "2,946.26" in cells


def test_xlsx_download_has_the_known_figure(client: Any, examples: Any) -> None:
    import openpyxl

    response = client.get(SHANGHAI + "document.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    _disposition(response, "上海市普陀区财政局2024年度部门决算.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["表2 收入决算表"]
    rows = [row for row in sheet.iter_rows(values_only=True) if "行政运行" in row]
    assert rows and Decimal(str(rows[0][3])) == Decimal("1511.89")  # 财政拨款收入 of 2010601


def test_csv_download_has_the_known_figure(client: Any, examples: Any) -> None:
    response = client.get(SHANGHAI + "tables.csv")
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    _disposition(response, "上海市普陀区财政局2024年度部门决算公开表.csv")
    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the mark
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    cell = [r for r in rows if r["表号"] == "2" and r["科目编码"] == "2010601" and r["列键"] == "fiscal"]
    assert [r["金额"] for r in cell] == ["1511.89"]


def test_json_downloads_parse_with_decimals(client: Any, examples: Any, shanghai_filing: Any) -> None:
    response = client.get(SHANGHAI + "document.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    _disposition(response, "上海市普陀区财政局2024年度部门决算.json")
    document = json.loads(response.content, parse_float=Decimal)
    assert document["title"] == "上海市普陀区财政局2024年度部门决算"
    response = client.get(SHANGHAI + "tables.json")
    assert response.content.decode() == tables_to_json(build_tables(shanghai_filing))
    tables = json.loads(response.content, parse_float=Decimal)
    table2 = tables["tables"][1]
    total = next(r for r in table2["rows"] if r["key"] == "total")
    assert total["values"][0] == "2946.26"


def test_yaml_download_is_the_published_filing(client: Any, examples: Any, example_filing: Any) -> None:
    response = client.get(SHANGHAI + "filing.yaml")
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    _disposition(response, "上海市普陀区财政局2024年度部门决算填报数据.yaml")
    assert parse_filing_text(response.content.decode(), "filing.yaml", json_format=False).filing == example_filing


def test_a_download_answers_not_modified_to_its_etag(client: Any, examples: Any) -> None:
    first = client.get(SHANGHAI + "tables.csv")
    again = client.get(SHANGHAI + "tables.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content


def test_an_unknown_download_is_a_404_naming_the_choices(client: Any, examples: Any) -> None:
    html = page(client, SHANGHAI + "document.exe", 404)
    assert "没有这种下载：document.exe" in html
    page(client, "/310107/2024/czj/nothing/document.pdf", 404)


def test_earlier_years_of_the_same_unit_are_listed(client: Any, world: Any, make_record: Any,
                                                   shanghai_filing: Any) -> None:
    from tests.web.conftest import PUBLISHED

    make_record("a", year=2023, steps=PUBLISHED, filing=shanghai_filing.model_copy(update={"year": 2023}))
    make_record("a", year=2024, steps=PUBLISHED)
    html = page(client, "/310107/2024/da/ua/")
    assert 'href="/310107/2023/da/ua/">2023 年度<' in html
    assert 'href="/compare/years/310107/da/ua/">历年比较<' in html


def test_the_public_never_sees_the_review(client: Any, examples: Any) -> None:
    """Public and review apart: the portal's page, document and data name no check, rule id or
    field path, and print the department's own self-evaluation figures (97.2, not 97.258)."""
    texts = {url: page(client, url) for url in (SUIZHOU, SUIZHOU + "document.html", SUIZHOU + "document.json")}
    texts["api"] = page(client, "/api/disclosures" + SUIZHOU.rstrip("/"))
    for url, text in texts.items():
        for review in ("检查结果", "P.explanation", "N.reason-missing", "prior_year.", "97.258", "参考等级",
                       "错误 0"):
            assert review not in text, (url, review)
    assert "96余人次" in texts[SUIZHOU + "document.html"]
    for name in ("document-审核意见.html", "document.review", "review.html"):  # no such file on the portal
        assert client.get(SUIZHOU + name).status_code == 404, name


def test_the_region_choice_lists_regions_with_disclosures_and_their_parents(client: Any, examples: Any) -> None:
    import re

    from juesuan.web.orgs.models import Region

    empty = Region.objects.create(code="990000", name="无公开区")  # nothing published in or under it
    Region.objects.create(code="990100", name="无公开县", parent=empty)
    html = page(client, "/")
    chosen = re.findall(r'<option value="(\d+)"', html.split('name="region"')[1].split("</select>")[0])
    # 随州市 and 普陀区 have disclosures; 湖北省 and 上海市 have them under them; 990000 has none.
    assert chosen == ["310000", "310107", "420000", "421300"]
