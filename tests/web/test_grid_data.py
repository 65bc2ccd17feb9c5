"""What the editor's grids get from the server (grid_data): which lists are grids, each code's
上年决算数 from last year's filing (published, else current; in this year's 金额单位), the
人员经费 classes of 表6, and the nine tables shown beside the editor (filing-tables)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from tests.web.conftest import PUBLISHED

from juesuan.filing.model import EconomicRow, ExpenditureRow, Filing, Fund, IncomeRow
from juesuan.money import AmountUnit
from juesuan.tables.columns import PERSONNEL_CLASSES
from juesuan.web.filings import grid_data
from juesuan.web.filings.forms_schema import SECTION_BY_SLUG
from juesuan.web.workflow import Action

pytestmark = pytest.mark.django_db


def grid_of(slug: str, path: str) -> grid_data.GridList:
    return next(g for g in grid_data.grid_lists(SECTION_BY_SLUG[slug]) if g.path == path)


def page_json(response: Any) -> dict[str, Any]:
    found = re.search(r'<script id="grid-data" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    assert found, "页面中没有表格编辑所需的数据"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# --- which lists are grids ------------------------------------------------------------------------


def test_the_row_tables_of_codes_and_amounts_are_grids_and_nothing_else() -> None:
    found = {slug: [(g.path, g.kind, g.amounts) for g in grid_data.grid_lists(section)]
             for slug, section in SECTION_BY_SLUG.items()}
    assert found["income"] == [("income", "functional", (
        "general_budget", "government_fund", "state_capital", "superior_subsidy", "business",
        "operating", "affiliated_remittance", "other"))]
    assert found["expenditure"] == [("expenditure", "functional", (
        "basic", "project", "remit_superior", "operating", "subsidy_affiliated"))]
    assert found["basic-economic"] == [("basic_economic", "economic", ("amount",))]
    assert found["carry-over"] == [("carry_over", "functional", ("opening", "closing"))]
    assert found["budget"] == [("budget.items", "functional", ("initial", "adjusted"))]
    assert {slug for slug, grids in found.items() if grids} == {
        "income", "expenditure", "basic-economic", "carry-over", "budget"}
    # 结转结余 starts with its fund (its code is optional); 预算数 has a text: neither has a
    # 本行合计 nor a 上年决算数, their amounts not being parts of one figure.
    carry, budget = grid_of("carry-over", "carry_over"), grid_of("budget", "budget.items")
    assert (carry.code, carry.parts, budget.code, budget.parts) == ("code", False, "code", False)
    assert all(grid_of(s, p).parts for s, p in (("income", "income"), ("expenditure", "expenditure"),
                                                ("basic-economic", "basic_economic")))


# --- 上年决算数 ----------------------------------------------------------------------------------------


def test_a_code_s_prior_total_sums_every_row_and_kind_of_that_code(shanghai_filing: Filing) -> None:
    rows = (
        ExpenditureRow(code="2010601", fund=Fund.GENERAL_BUDGET, basic=Decimal("10.10"),
                       project=Decimal("2.02")),
        ExpenditureRow(code="2010601", fund=Fund.NON_FISCAL, operating=Decimal("0.005")),
        ExpenditureRow(code="2010602", fund=Fund.GENERAL_BUDGET, project=Decimal("7")),
        ExpenditureRow(code="2010603", fund=Fund.GENERAL_BUDGET),
    )
    prior = shanghai_filing.model_copy(update={"expenditure": rows, "unit": AmountUnit.WAN_YUAN})
    grid = grid_of("expenditure", "expenditure")
    totals = grid_data.prior_totals(prior, grid, AmountUnit.WAN_YUAN)
    assert totals == {"2010601": Decimal("12.125"), "2010602": Decimal("7"),
                      "2010603": Decimal("0")}
    # Last year in 万元, this year in 元: converted exactly.
    in_yuan = grid_data.prior_totals(prior, grid, AmountUnit.YUAN)
    assert in_yuan["2010601"] == Decimal("121250")


def test_income_and_economic_prior_totals(shanghai_filing: Filing) -> None:
    income = (IncomeRow(code="2010601", general_budget=Decimal("1.5"), business=Decimal("2.25")),
              IncomeRow(code="2010601", other=Decimal("0.25")))
    economic = (EconomicRow(code="30101", amount=Decimal("3")),
                EconomicRow(code="30201", amount=Decimal("4")))
    prior = shanghai_filing.model_copy(update={"income": income, "basic_economic": economic,
                                               "unit": AmountUnit.YUAN})
    assert grid_data.prior_totals(prior, grid_of("income", "income"), AmountUnit.YUAN) == {
        "2010601": Decimal("4.00")}
    economic_grid = grid_of("basic-economic", "basic_economic")
    assert grid_data.prior_totals(prior, economic_grid, AmountUnit.WAN_YUAN) == {
        "30101": Decimal("0.0003"), "30201": Decimal("0.0004")}


def test_the_page_gives_last_year_s_published_figures(client: Any, world: Any, make_record: Any,
                                                      shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    last = make_record("a", year=2023, steps=(*PUBLISHED, Action.REVISE))
    # Reopened (修订): a newer current version, but the published one is last year's 决算.
    changed = tuple(r.model_copy(update={"basic": Decimal("999")}) if r.code == "2010601" else r
                    for r in shanghai_filing.expenditure)
    services.save_version(last, shanghai_filing.model_copy(update={"expenditure": changed}),
                          world.users["unit_a"], base=last.current.number)
    record = make_record("a", year=2024)
    client.force_login(world.users["unit_a"])
    data = page_json(client.get(f"/desk/f/{record.pk}/edit/expenditure/"))
    entry = data["lists"]["expenditure"]
    expected = grid_data.prior_totals(shanghai_filing, grid_of("expenditure", "expenditure"),
                                      AmountUnit.WAN_YUAN)
    assert entry["prior"]["2010601"] == str(expected["2010601"].quantize(Decimal("0.01")))
    assert entry["prior"]["2010601"] != "999.00"
    assert entry["prior_note"] == "2023 年度填报第 1 版（公开版本），单位：万元"
    assert entry["levels"] == [3, 5] and entry["kind"] == "functional"
    assert data["unit"] == "万元" and data["year"] == 2024
    assert data["codes"]["functional"]["names"]["2010601"] == "行政运行"


def test_without_last_year_s_filing_there_is_no_prior_column(client: Any, world: Any,
                                                             make_record: Any) -> None:
    record = make_record("a", year=2024)
    client.force_login(world.users["unit_a"])
    data = page_json(client.get(f"/desk/f/{record.pk}/edit/basic-economic/"))
    entry = data["lists"]["basic_economic"]
    assert "prior" not in entry
    # 表6's own rule, from the table builder: 301 and 303 are 人员经费, the rest 公用经费.
    assert entry["sides"] == {"personnel": list(PERSONNEL_CLASSES), "labels": ["人员经费", "公用经费"]}
    assert entry["sides"]["personnel"] == ["301", "303"]
    assert entry["levels"] == [3]


def test_last_year_s_current_version_when_it_was_never_published(client: Any, world: Any,
                                                                 make_record: Any,
                                                                 shanghai_filing: Filing) -> None:
    make_record("a", year=2023)
    record = make_record("a", year=2024)
    client.force_login(world.users["unit_a"])
    entry = page_json(client.get(f"/desk/f/{record.pk}/edit/income/"))["lists"]["income"]
    sources = grid_of("income", "income").amounts
    income = sum((getattr(r, s) or Decimal(0) for r in shanghai_filing.income if r.code == "2010601"
                  for s in sources), Decimal(0))
    assert entry["prior"]["2010601"] == str(income.quantize(Decimal("0.01")))
    assert entry["prior_note"].startswith("2023 年度填报第 1 版（当前版本）")


def test_a_section_without_a_grid_has_no_grid_data(client: Any, world: Any,
                                                   make_record: Any) -> None:
    record = make_record("a", year=2024)
    client.force_login(world.users["unit_a"])
    page = client.get(f"/desk/f/{record.pk}/edit/basic/").content.decode()
    assert 'id="grid-data"' not in page and "tabulator.min.js" not in page
    assert "查看决算表" in page  # the tables are beside every section
    grid_page = client.get(f"/desk/f/{record.pk}/edit/income/").content.decode()
    assert "tabulator.min.js" in grid_page and "juesuan/grid.js" in grid_page
    # The form the server renders is unchanged: its table, row template and add button.
    assert 'id="rows-f-income"' in grid_page and 'id="tpl-f-income"' in grid_page
    assert 'data-add-row="income"' in grid_page


# --- sums of a long list's other pages ----------------------------------------------------------------


def _expected_elsewhere(filing: Filing, shown: set[int]) -> tuple[int, dict[str, Decimal], dict[str, Decimal]]:
    """Rows off the page, the exact sum per kind, and 项目支出 per 类 and 款 (plain Decimal sums)."""
    off = [r for i, r in enumerate(filing.expenditure) if i not in shown]
    grid = grid_of("expenditure", "expenditure")
    total = {k: sum((getattr(r, k) for r in off if getattr(r, k) is not None), Decimal(0)) for k in grid.amounts}
    groups: dict[str, Decimal] = {}
    for r in off:
        for digits in (3, 5):
            groups[r.code[:digits]] = groups.get(r.code[:digits], Decimal(0)) + (r.project or Decimal(0))
    return len(off), total, groups


def test_the_rows_of_other_pages_are_summed_exactly(client: Any, world: Any, make_record: Any) -> None:
    from tests.web.huge import huge_filing

    from juesuan.web.filings import paging, services

    filing = huge_filing(450)
    grid = grid_of("expenditure", "expenditure")
    data = services.version_data(make_record("a", filing=filing, checks=False).current)
    win = paging.window(grid.ref, data["expenditure"], 2)
    assert win is not None and win.shown == tuple(range(200, 400))
    got = grid_data.elsewhere_sums(filing, grid, win.shown)
    rows, total, groups = _expected_elsewhere(filing, set(win.shown))
    assert got["rows"] == rows == 250
    for i, kind in enumerate(grid.amounts):
        assert (Decimal(got["total"][i]) if got["total"][i] is not None else Decimal(0)) == total[kind], kind
    project = grid.amounts.index("project")
    assert {key: Decimal(sums[project] or 0) for key, sums in got["groups"].items()} == groups
    assert set(got["groups"]) == set(groups) and all(len(k) in (3, 5) for k in groups)
    assert got["blank"] == [None] * 5 and got["bad"] == [None] * 5
    # Exact: a sum with more digits than a double holds, never in exponent form.
    assert total["project"] > 10 ** 5 and "E" not in got["total"][project]


def test_rows_without_a_code_and_rows_of_an_odd_code_are_summed_apart(shanghai_filing: Filing) -> None:
    from juesuan.filing.model import CarryOver

    rows = (CarryOver(fund=Fund.GENERAL_BUDGET, opening=Decimal("0.10"), closing=Decimal("1E+3")),
            CarryOver(fund=Fund.GOVERNMENT_FUND, code="2010601", opening=Decimal("2.005")),
            CarryOver(fund=Fund.GOVERNMENT_FUND, code="2010602", closing=Decimal("0.3")),
            CarryOver(fund=Fund.GENERAL_BUDGET, opening=Decimal("7")))
    filing = shanghai_filing.model_copy(update={"carry_over": rows})
    got = grid_data.elsewhere_sums(filing, grid_of("carry-over", "carry_over"), [3])
    assert got == {"rows": 3, "total": ["2.105", "1000.3"],
                   "groups": {"201": ["2.005", "0.3"], "20106": ["2.005", "0.3"]},
                   "blank": ["0.10", "1000"], "bad": [None, None]}


def test_a_page_of_a_long_list_gives_the_grid_the_other_pages_sums(client: Any, world: Any,
                                                                   make_record: Any) -> None:
    from tests.web.huge import huge_filing

    filing = huge_filing(450)
    record = make_record("a", filing=filing, checks=False)
    client.force_login(world.users["unit_a"])
    entry = page_json(client.get(f"/desk/f/{record.pk}/edit/expenditure/?page=3"))["lists"]["expenditure"]
    rows, total, _ = _expected_elsewhere(filing, set(range(400, 450)))
    assert entry["elsewhere"]["rows"] == rows == 400
    project = entry["amounts"].index("project")
    assert Decimal(entry["elsewhere"]["total"][project]) == total["project"]
    # A list shown whole has nothing elsewhere.
    short = page_json(client.get(f"/desk/f/{record.pk}/edit/income/"))["lists"]["income"]
    assert "elsewhere" not in short and short["code"] == "code" and short["parts"] is True


# --- the nine tables beside the editor ------------------------------------------------------------


def test_the_nine_tables_of_the_saved_version(client: Any, world: Any, make_record: Any) -> None:
    from juesuan.web.filings import services

    record = make_record("a", year=2024)
    client.force_login(world.users["unit_a"])
    response = client.get(f"/desk/f/{record.pk}/tables/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<table class="data') == 9
    assert "由已保存的第 1 版生成的九张决算表" in page and "<html" in page
    assert "收入支出决算总表" in page and "一般公共预算财政拨款基本支出决算表" in page
    fragment = client.get(f"/desk/f/{record.pk}/tables/?fragment=1").content.decode()
    assert "<html" not in fragment and fragment.count('<table class="data') == 9
    # The figures are the tables' own (表3 支出合计 printed with two decimals and separators).
    tables = grid_data.table_views(services.filing_of(record.current))
    assert [t.id for t in tables] == [f"tbl-{n}" for n in range(1, 10)]
    first_figure = next(c.text for row in tables[2].body for c in row.cells
                        if c.classes.startswith("num") and c.text)
    assert str(first_figure) in fragment


def test_the_tables_are_for_who_may_see_the_filing(client: Any, world: Any,
                                                   make_record: Any) -> None:
    record = make_record("a", year=2024)  # a draft: its unit's only
    assert client.get(f"/desk/f/{record.pk}/tables/").status_code == 302  # to the login form
    client.force_login(world.users["dept_a"])
    assert client.get(f"/desk/f/{record.pk}/tables/").status_code == 404
    client.force_login(world.users["unit_b"])
    assert client.get(f"/desk/f/{record.pk}/tables/").status_code == 404
    client.force_login(world.users["unit_a"])
    assert client.post(f"/desk/f/{record.pk}/tables/").status_code == 405
    submitted = make_record("a", year=2023, steps=(Action.SUBMIT,))
    client.force_login(world.users["dept_a"])
    assert client.get(f"/desk/f/{submitted.pk}/tables/?fragment=1").status_code == 200


# --- the vendored grid ---------------------------------------------------------------------------


def test_the_vendored_tabulator_is_the_one_its_readme_names() -> None:
    import hashlib
    from pathlib import Path

    folder = Path(grid_data.__file__).parents[1] / "static" / "juesuan" / "vendor" / "tabulator"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    row = r"^\| `([^`]+)` \|[^|]*\| ([0-9.]+) \| ([0-9,]+) \| `([0-9a-f]{64})` \|"
    rows = re.findall(row, readme, re.M)
    assert {name for name, *_ in rows} == {"tabulator.min.js", "tabulator.min.css", "LICENSE"}
    for name, version, size, digest in rows:
        data = (folder / name).read_bytes()
        assert version.startswith("6.")
        assert len(data) == int(size.replace(",", "")), name
        assert hashlib.sha256(data).hexdigest() == digest, name
    header = (folder / "tabulator.min.js").read_text(encoding="utf-8")[:40]
    assert header.startswith("/* Tabulator v6.5.3")
