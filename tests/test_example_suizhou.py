"""The bundled Suizhou 2020 example: every figure its source document states survives.

examples/suizhou-zwfw-2020.yaml reconstructs the nine tables of 随州市政务服务和大数据管理局's
2020 决算公开, whose published text lost its tables. These tests pin the figures the
document states (see examples/README.md for where each is quoted) to what the table
builders produce, rounded half-up to 0.01 as printed.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import pytest

from juesuan.filing.io import load_filing
from juesuan.filing.model import Filing, Fund
from juesuan.money import round_half_up
from juesuan.tables.build import build_tables
from juesuan.tables.table import Table, TableSet
from juesuan.template.catalogue import bundled

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "suizhou-zwfw-2020.yaml"
SEED = Path(__file__).resolve().parent / "fixtures" / "reports" / "seed-suizhou-2020.txt"
NAME = "随州市政务服务和大数据管理局"


def D(text: str) -> Decimal:
    return Decimal(text)


def r2(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value, 2)


@pytest.fixture(scope="module")
def filing() -> Filing:
    return load_filing(EXAMPLE).filing


@pytest.fixture(scope="module")
def tables(filing: Filing) -> TableSet:
    return build_tables(filing)


def cell(table: Table, row: str, column: str) -> Decimal | None:
    return r2(table.cell(row, column))


def class_rows_with_amounts(table: Table, column: str) -> dict[str, Decimal]:
    index = table.column_index(column)
    return {
        row.code: r2(row.values[index])
        for row in table.rows
        if row.code is not None and row.level == 1 and row.values[index] is not None
    }


# --- the file itself ------------------------------------------------------------


def test_example_identifies_the_department(filing: Filing) -> None:
    assert filing.year == 2020
    assert filing.unit == "万元"
    assert filing.layout == "hubei-2020"
    assert filing.department.name == NAME
    assert filing.department.level == "市级"


def _amounts(value: Any) -> list[Decimal]:
    if isinstance(value, Decimal):
        return [value]
    if isinstance(value, dict):
        return [a for v in value.values() for a in _amounts(v)]
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in _amounts(v)]
    return []


def test_every_amount_is_written_to_two_decimals(filing: Filing) -> None:
    # The 绩效自评 section transcribes its forms as printed (scores, rates, 1722.6725).
    amounts = _amounts(filing.model_dump(exclude={"performance"}))
    assert len(amounts) > 40
    assert all(a.as_tuple().exponent == -2 for a in amounts), [
        str(a) for a in amounts if a.as_tuple().exponent != -2
    ]


NUMBER_FIELD = re.compile(r"(?:^|[\s{,])([a-z_]+):\s*-?\d+(?:\.\d+)?\s*(?=[,}]|$)")


def test_every_figure_in_the_file_says_where_it_comes_from() -> None:
    """Each line holding a number carries a comment naming its origin: 原文, 推算 or 重建."""
    unlabelled = []
    labelled = 0
    for number, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        body, _, comment = line.partition("#")
        keys = set(NUMBER_FIELD.findall(body.rstrip())) - {"schema_version", "year"}
        if not keys:
            continue
        if any(tag in comment for tag in ("原文", "推算", "重建")):
            labelled += 1
        else:
            unlabelled.append(f"{number}: {line.strip()}")
    assert not unlabelled
    assert labelled > 40


# --- 表1 收入支出决算总表 ---------------------------------------------------------


def test_table1_income_is_all_general_budget(tables: TableSet) -> None:
    t1 = tables[1]
    assert cell(t1, "income_total", "income") == D("2117.37")
    assert cell(t1, "income.general_budget", "income") == D("2117.37")
    for source in ("government_fund", "state_capital", "superior_subsidy", "business",
                   "operating", "affiliated_remittance", "other"):
        assert cell(t1, f"income.{source}", "income") is None, source
    assert cell(t1, "opening", "income") is None
    assert cell(t1, "non_fiscal_balance_used", "income") is None


def test_table1_expenditure_is_all_general_public_services(tables: TableSet) -> None:
    t1 = tables[1]
    assert cell(t1, "expenditure_total", "expenditure") == D("2111.07")
    assert cell(t1, "201", "expenditure") == D("2111.07")
    assert t1.row("201").name == "一、一般公共服务支出"
    assert class_rows_with_amounts(t1, "expenditure") == {"201": D("2111.07")}


def test_table1_balances_with_the_reconstructed_carry_over(tables: TableSet) -> None:
    t1 = tables[1]
    assert cell(t1, "closing", "expenditure") == D("6.30")
    assert cell(t1, "income_grand_total", "income") == D("2117.37")
    assert cell(t1, "expenditure_grand_total", "expenditure") == D("2117.37")


# --- 表2, 表3, 表5 ----------------------------------------------------------------


def test_tables_2_3_5_totals(tables: TableSet) -> None:
    assert cell(tables[2], "total", "total") == D("2117.37")
    assert cell(tables[2], "total", "fiscal") == D("2117.37")
    t3 = tables[3]
    assert cell(t3, "total", "total") == D("2111.07")
    assert cell(t3, "total", "basic") == D("175.77")  # 自评表 基本支出总额
    assert cell(t3, "total", "project") == D("1935.30")  # 2111.07 − 175.77
    t5 = tables[5]
    assert cell(t5, "total", "total") == D("2111.07")
    assert cell(t5, "total", "basic") == D("175.77")
    assert cell(t5, "total", "project") == D("1935.30")
    for table in (tables[2], tables[3], tables[5]):
        assert {row.code for row in table.rows if row.level == 1} == {"201"}
        assert {row.code for row in table.rows if row.level == 2} == {"20103"}


# --- 表4 财政拨款收入支出决算总表 -------------------------------------------------


def test_table4_fiscal_totals(tables: TableSet) -> None:
    t4 = tables[4]
    assert cell(t4, "income.general_budget", "income") == D("2117.37")
    assert cell(t4, "income.government_fund", "income") is None
    assert cell(t4, "income.state_capital", "income") is None
    assert cell(t4, "income_total", "income") == D("2117.37")
    assert cell(t4, "opening", "income") is None
    assert cell(t4, "income_grand_total", "income") == D("2117.37")
    assert cell(t4, "expenditure_total", "total") == D("2111.07")
    assert cell(t4, "expenditure_total", "general_budget") == D("2111.07")
    assert cell(t4, "expenditure_total", "government_fund") is None
    assert cell(t4, "expenditure_total", "state_capital") is None
    assert cell(t4, "201", "general_budget") == D("2111.07")
    assert class_rows_with_amounts(t4, "total") == {"201": D("2111.07")}
    assert cell(t4, "closing", "general_budget") == D("6.30")
    assert cell(t4, "expenditure_grand_total", "total") == D("2117.37")


# --- 表6 基本支出 -----------------------------------------------------------------


def test_table6_basic_expenditure(tables: TableSet, filing: Filing) -> None:
    t6 = tables[6]
    personnel = cell(t6, "personnel_total", "personnel")
    public = cell(t6, "public_total", "public")
    assert public == D("29.74")  # 机关日常公用经费
    assert personnel == D("146.03")
    assert personnel is not None and public is not None
    assert personnel + public == D("175.77")
    assert personnel + public == cell(tables[5], "total", "basic")
    assert filing.operating_costs is not None
    assert public == filing.operating_costs.final


def test_table6_has_no_social_insurance_outside_class_201(filing: Filing) -> None:
    """All spending is 一般公共服务支出 (类 201), so no 款 that belongs under 208/210/221."""
    codes = {row.code for row in filing.basic_economic}
    assert not codes & {"30108", "30109", "30110", "30111", "30113", "30301", "30302"}


def test_table6_reception_within_three_public(tables: TableSet) -> None:
    reception_basic = cell(tables[6], "30217", "public")
    assert reception_basic is not None
    assert reception_basic <= D("0.76")


# --- 表7 “三公”经费 --------------------------------------------------------------


def test_table7_three_public(tables: TableSet) -> None:
    t7 = tables[7]
    values = {key: cell(t7, "three_public", key) for key in t7.column_keys}
    expected = {key: None for key in t7.column_keys}
    expected |= {
        "reception.budget": D("1.21"),
        "reception.final": D("0.76"),
        "total.budget": D("1.21"),
        "total.final": D("0.76"),
    }
    assert values == expected
    assert t7.title == "一般公共预算财政拨款“三公”经费支出决算表"


def test_three_public_counts(filing: Filing) -> None:
    tp = filing.three_public
    assert (tp.reception.batches, tp.reception.persons, tp.reception.persons_approximate) == (10, 96, True)
    assert (tp.outbound.groups, tp.outbound.persons) == (0, 0)
    assert tp.vehicle_purchase.vehicles == 0
    assert tp.vehicle_operation.fleet is None  # the report does not state a fleet: none is printed


# --- 表8, 表9 ---------------------------------------------------------------------


@pytest.mark.parametrize("number", [8, 9])
def test_fund_tables_are_empty_with_their_note(tables: TableSet, number: int) -> None:
    table = tables[number]
    assert table.empty
    assert all(v is None for row in table.rows for v in row.values)
    spec = bundled("hubei-2020").table(number)
    assert spec is not None and spec.empty_note is not None
    assert table.notes[-1] == spec.empty_note.replace("{name}", NAME)
    fund = {8: "政府性基金预算财政拨款", 9: "国有资本经营预算财政拨款"}[number]
    assert table.notes[-1] == f"说明：{NAME}本年度没有{fund}收入和支出，故本表无数据。"


# --- figures outside the tables ---------------------------------------------------


def test_budget(filing: Filing) -> None:
    budget = filing.budget
    assert budget.income_initial == D("2091.77")
    assert budget.expenditure_initial == D("2091.77")
    assert budget.general_budget_initial == D("2091.77")
    assert all(item.fund is Fund.GENERAL_BUDGET for item in budget.items)
    assert sum(item.initial or 0 for item in budget.items) == D("2091.77")


def test_prior_year(filing: Filing) -> None:
    prior = filing.prior_year
    assert prior.income_total == D("1205.87")
    assert prior.expenditure_total == D("1092.27")
    assert prior.operating_costs == D("30.63")
    assert prior.three_public.reception == D("0.51")
    assert not prior.three_public.outbound
    assert not prior.three_public.vehicle_purchase
    assert not prior.three_public.vehicle_operation


def test_procurement_and_operating_costs(filing: Filing) -> None:
    assert filing.procurement is not None
    assert filing.procurement.total == D("349.7")
    assert filing.procurement.description is not None
    assert "12345公共服务热线移动平台" in filing.procurement.description
    assert filing.operating_costs is not None
    assert filing.operating_costs.final == D("29.74")


def test_organisation(filing: Filing) -> None:
    org = filing.organisation
    assert len(org.duties) == 10
    assert org.duties[6] == "负责12345市长热线运行管理工作。"
    assert org.structure is not None and org.structure.startswith("2019年3月")
    assert org.staffing is not None and "现有管理人员22人" in org.staffing


# --- the document's own arithmetic, redone from the filing -----------------------


def pct(numerator: Decimal, denominator: Decimal, places: int = 2) -> Decimal:
    return round_half_up(numerator / denominator * 100, places)


def test_the_documents_changes_and_rates_follow(tables: TableSet, filing: Filing) -> None:
    income = r2(tables[1].cell("income_total", "income"))
    spent = r2(tables[1].cell("expenditure_total", "expenditure"))
    assert income is not None and spent is not None
    prior = filing.prior_year
    assert prior.income_total is not None and prior.expenditure_total is not None
    budget = filing.budget
    assert budget.income_initial is not None and budget.expenditure_initial is not None
    # 预决算差异率1.2%；比上年增加911.5万元、75.59%
    assert pct(income - budget.income_initial, budget.income_initial, 1) == D("1.2")
    assert income - prior.income_total == D("911.50")
    assert pct(income - prior.income_total, prior.income_total) == D("75.59")
    # 比年初预算增加19.3万元、上升1%；比上年增加1018.8万元、93.27%
    assert spent - budget.expenditure_initial == D("19.30")
    assert pct(spent - budget.expenditure_initial, budget.expenditure_initial, 0) == D("1")
    assert spent - prior.expenditure_total == D("1018.80")
    assert pct(spent - prior.expenditure_total, prior.expenditure_total) == D("93.27")


def test_the_documents_three_public_and_operating_cost_changes(
    tables: TableSet, filing: Filing
) -> None:
    final = r2(tables[7].cell("three_public", "total.final"))
    budget = r2(tables[7].cell("three_public", "total.budget"))
    assert final is not None and budget is not None
    prior = filing.prior_year.three_public.reception
    assert prior is not None
    assert pct(final, budget) == D("62.81")  # 完成预算的62.81%
    assert final - prior == D("0.25")  # 增加了0.25万元
    # The document prints 49.01%: 0.25 / 0.51 truncated, not rounded (49.02).
    assert pct(final - prior, prior) == D("49.02")
    assert ((final - prior) / prior * 100).quantize(D("0.01"), rounding=ROUND_DOWN) == D("49.01")
    assert filing.operating_costs is not None and filing.prior_year.operating_costs is not None
    assert filing.prior_year.operating_costs - filing.operating_costs.final == D("0.89")


# --- text quoted from the seed is verbatim ----------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="seed document not available")
def test_quoted_text_is_verbatim(filing: Filing) -> None:
    seed = SEED.read_text(encoding="utf-8")
    org = filing.organisation
    reasons = filing.reasons
    assert filing.procurement is not None and filing.assets is not None
    quoted = [
        *org.duties,
        org.structure,
        org.staffing,
        filing.procurement.description,
        filing.assets.description,
        reasons.income_change,
        reasons.expenditure_change,
        reasons.outbound_change,
        reasons.vehicle_change,
        reasons.reception_change,
        reasons.three_public_change,
    ]
    for text in quoted:
        assert text is not None
        assert text in seed, text
