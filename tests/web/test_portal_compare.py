"""Comparisons between departments of one year and between years of one unit: key figures
from the printed tables, changes rounded half-up, 无数据 (never 0) for what a filing lacks."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from tests.web.conftest import PUBLISHED

pytestmark = pytest.mark.django_db



A = "310107/2024/da/ua"
B = "421300/2024/db/ub"


def changed(filing: Any, amount: str) -> Any:
    """The filing with the 一般公共预算 income of its first row (2010601 行政运行, 1511.89) changed."""
    rows = list(filing.income)
    assert rows[0].code == "2010601" and rows[0].general_budget == Decimal("1511.89")
    rows[0] = rows[0].model_copy(update={"general_budget": Decimal(amount)})
    return filing.model_copy(update={"income": tuple(rows)})


@pytest.fixture
def pair(make_record: Any, shanghai_filing: Any) -> tuple[Any, Any]:
    """The Shanghai example, and a copy in another department whose 行政运行 income is
    1499.995 instead of 1511.89: 本年收入合计 2934.365 prints as 2934.37 (half-up)."""
    return (make_record("a", steps=PUBLISHED),
            make_record("b", steps=PUBLISHED, filing=changed(shanghai_filing, "1499.995"), checks=False))


def measure(data: dict[str, Any], key: str) -> dict[str, Any]:
    line: dict[str, Any] = next(m for m in data["measures"] if m["key"] == key)
    return line


def test_departments_side_by_side_with_the_difference_rounded(client: Any, pair: Any) -> None:
    html = client.get(f"/compare/?d={A}&d={B}").content.decode()
    assert "2024 年度部门比较：单位A、单位B" in html
    assert 'data-measure="income_total">2,946.26<' in html and 'data-measure="income_total">2,934.37<' in html
    # 2934.37 − 2946.26 = −11.89; −11.89 ÷ 2946.26 × 100 = −0.4036 → −0.40 %
    assert "-11.89<small>（-0.40%）</small>" in html
    assert 'data-measure="expenditure_total">2,940.06<' in html  # unchanged on both sides


def test_department_comparison_as_json_and_csv(client: Any, pair: Any) -> None:
    response = client.get(f"/compare.json?d={A}&d={B}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content, parse_float=Decimal)
    assert data["base"] == A and [s["key"] for s in data["subjects"]] == [A, B]
    income = measure(data, "income_total")
    assert income["values"] == ["2946.26", "2934.37"]
    assert income["changes"] == [None, {"amount": "-11.89", "rate": "-0.40"}]
    fiscal = measure(data, "fiscal_income")  # 2940.06 − 11.895 = 2928.165 → 2928.17
    assert fiscal["values"] == ["2940.06", "2928.17"]
    assert fiscal["changes"][1] == {"amount": "-11.89", "rate": "-0.40"}
    assert measure(data, "expenditure_total")["changes"][1] == {"amount": "0.00", "rate": "0.00"}

    response = client.get(f"/compare.csv?d={A}&d={B}")
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''2024" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["指标键"] == "income_total" and r["公开件"] == B)
    assert (row["金额（万元）"], row["增减额（万元）"], row["增减率（%）"], row["比较基准"]) == \
        ("2934.37", "-11.89", "-0.40", A)


def test_a_figure_one_filing_lacks_is_no_data_never_zero(client: Any, make_record: Any,
                                                         shanghai_filing: Any) -> None:
    make_record("a", steps=PUBLISHED)
    make_record("b", steps=PUBLISHED, filing=shanghai_filing.model_copy(update={"operating_costs": None}),
                checks=False)
    data = json.loads(client.get(f"/compare.json?d={A}&d={B}").content)
    line = measure(data, "operating_costs")
    assert line["values"] == ["184.65", None] and line["changes"] == [None, None] and not line["complete"]
    html = client.get(f"/compare/?d={A}&d={B}").content.decode()
    assert 'data-measure="operating_costs"><span class="missing">无数据</span>' in html
    rows = list(csv.DictReader(io.StringIO(client.get(f"/compare.csv?d={A}&d={B}").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["指标键"] == "operating_costs" and r["公开件"] == B)
    assert (row["金额（万元）"], row["增减额（万元）"], row["说明"]) == ("", "", "无数据")


def test_departments_of_different_years_are_not_compared(client: Any, make_record: Any,
                                                         shanghai_filing: Any) -> None:
    make_record("a", steps=PUBLISHED)
    make_record("b", year=2023, steps=PUBLISHED, filing=shanghai_filing.model_copy(update={"year": 2023}))
    response = client.get(f"/compare/?d={A}&d=421300/2023/db/ub")
    assert response.status_code == 400
    assert "部门间比较须为同一年度：所选公开件分属 2023、2024 年度" in response.content.decode()
    response = client.get(f"/compare.json?d={A}&d=421300/2023/db/ub")
    assert response.status_code == 400 and "须为同一年度" in json.loads(response.content)["detail"]


def test_the_compare_page_offers_the_disclosures_of_a_year(client: Any, pair: Any) -> None:
    html = client.get("/compare/").content.decode()
    assert f'value="{A}"' in html and f'value="{B}"' in html
    html = client.get(f"/compare/?d={A}").content.decode()
    assert "请至少选择两个公开件进行比较（当前选择了 1 个）" in html
    assert f'value="{A}" checked' in html


def test_an_unknown_key_is_named(client: Any, pair: Any) -> None:
    response = client.get(f"/compare.json?d={A}&d=310107/2024/da/nothing")
    assert response.status_code == 404
    assert json.loads(response.content)["detail"] == "没有找到公开的部门决算：310107/2024/da/nothing"
    response = client.get(f"/compare.json?d={A}&d=garbage")
    assert response.status_code == 404 and "格式不对" in json.loads(response.content)["detail"]


def test_years_of_one_unit_with_the_change_from_the_year_before(client: Any, make_record: Any,
                                                                shanghai_filing: Any) -> None:
    earlier = changed(shanghai_filing, "1499.995").model_copy(update={"year": 2023})
    make_record("a", year=2023, steps=PUBLISHED, filing=earlier, checks=False)
    make_record("a", year=2024, steps=PUBLISHED)
    html = client.get("/compare/years/310107/da/ua/").content.decode()
    assert "单位A 2023—2024 年度比较" in html
    assert "+11.89<small>（+0.41%）</small>" in html  # 11.89 ÷ 2934.37 × 100 = 0.4052 → 0.41
    data = json.loads(client.get("/compare/years/310107/da/ua.json").content)
    assert data["kind"] == "years" and [s["year"] for s in data["subjects"]] == [2023, 2024]
    assert measure(data, "income_total")["changes"] == [None, {"amount": "11.89", "rate": "0.41"}]
    rows = list(csv.DictReader(io.StringIO(
        client.get("/compare/years/310107/da/ua.csv").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["指标键"] == "income_total" and r["年度"] == "2024")
    assert (row["增减额（万元）"], row["增减率（%）"], row["比较基准"]) == ("11.89", "0.41", "2023")
    assert client.get("/compare/years/310107/da/nothing/").status_code == 404


def test_a_year_with_too_many_disclosures_asks_for_a_region_first(client: Any, pair: Any,
                                                                  monkeypatch: Any) -> None:
    import re

    from django.core.cache import cache

    from juesuan.web.portal import views

    def listed(html: str) -> list[str]:
        return re.findall(r'name="d" value="([^"]+)"', html.split('<form method="get" action="/compare/">\n<input')[-1])

    assert listed(client.get("/compare/").content.decode()) == [A, B]
    monkeypatch.setattr(views, "CHOOSER_LIMIT", 1)  # two published, one allowed
    cache.clear()  # the page kept for visitors (portal.kept) was made under the old limit
    html = client.get("/compare/").content.decode()
    assert listed(html) == [] and "2024 年度共有 2 份公开的部门决算，超过 1 份：请先选择地区" in html
    # What was chosen stays listed (and ticked); a region lists its own.
    html = client.get(f"/compare/?d={B}").content.decode()
    assert listed(html) == [B]
    assert listed(client.get("/compare/?region=310107").content.decode()) == [A]
    # An unknown region is all regions.
    assert "超过 1 份" in client.get("/compare/?region=999999").content.decode()


def test_the_home_page_lists_a_new_publication_at_once(client: Any, make_record: Any,
                                                       django_assert_max_num_queries: Any) -> None:
    make_record("a", steps=PUBLISHED)
    html = client.get("/").content.decode()
    assert "上海市普陀区" in html and "湖北省随州市" not in html
    with django_assert_max_num_queries(2):  # kept: only the stamp is asked for (and the session)
        client.get("/")
    make_record("b", steps=PUBLISHED)
    assert "湖北省随州市" in client.get("/").content.decode()
