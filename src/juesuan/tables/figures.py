"""The figures a 情况说明 states, once: the table cell each comes from, the denominator of
each share, the parts that must add up to a total.

Read by the narrative (:mod:`juesuan.narrative.facts` writes each figure from its cell), the
audit (:mod:`juesuan.audit.text_checks` checks a report's figures against the same cells)
and, through the narrative's facts, the portal's key figures. Topics are the names the
audit's claims use (:data:`juesuan.audit.claim_model.TOPIC_NAMES`); measures are ``value``
(决算数), ``budget`` (年初预算数) and ``adjusted_budget`` (全年预算数).
"""

from __future__ import annotations

from decimal import Decimal

from juesuan.tables.table import Table, TableSet

THREE_PUBLIC = ("three_public", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation",
                "reception")
INCOME_COLUMNS = ("fiscal", "superior_subsidy", "business", "operating", "affiliated_remittance",
                  "other")
EXPENDITURE_COLUMNS = ("basic", "project", "remit_superior", "operating", "subsidy_affiliated")

# Table cells of the amounts the text states, by (topic, measure): (table, row key, column key).
CELLS: dict[tuple[str, str], tuple[int, str, str]] = {
    ("grand_total", "value"): (1, "income_grand_total", "income"),
    ("fiscal.income", "value"): (4, "income_total", "income"),
    ("fiscal.expenditure", "value"): (4, "expenditure_total", "total"),
    ("general_budget.project", "value"): (5, "total", "project"),
    ("income_total", "value"): (2, "total", "total"),
    ("expenditure_total", "value"): (3, "total", "total"),
    ("fiscal_grand_total", "value"): (4, "income_grand_total", "income"),
    ("general_budget", "value"): (5, "total", "total"),
    ("general_budget.basic", "value"): (5, "total", "basic"),
    ("government_fund.income", "value"): (8, "total", "income"),
    ("government_fund.expenditure", "value"): (8, "total", "expenditure"),
    ("state_capital.income", "value"): (9, "total", "income"),
    ("state_capital.expenditure", "value"): (9, "total", "expenditure"),
    ("personnel", "value"): (6, "personnel_total", "personnel"),
    ("public", "value"): (6, "public_total", "public"),
    **{(f"income.{c}", "value"): (2, "total", c) for c in INCOME_COLUMNS},
    **{(f"expenditure.{c}", "value"): (3, "total", c) for c in EXPENDITURE_COLUMNS},
    **{(t, "value"): (7, "three_public", f"{'total' if t == 'three_public' else t}.final")
       for t in THREE_PUBLIC},
    **{(t, "budget"): (7, "three_public", f"{'total' if t == 'three_public' else t}.budget")
       for t in THREE_PUBLIC},
}
# The denominator of a share when the sentence does not name it (domain §3.3).
SHARE_OF: dict[str, str] = {
    **{f"income.{c}": "income_total" for c in INCOME_COLUMNS},
    **{f"expenditure.{c}": "expenditure_total" for c in EXPENDITURE_COLUMNS},
    "general_budget.class": "general_budget",
    "expenditure.class": "expenditure_total",
    "general_budget": "expenditure_total",
    **{t: "three_public" for t in THREE_PUBLIC if t != "three_public"},
}
# Totals the text states with their parts (其中：…): total ← parts.
SUMS: list[tuple[str, str, tuple[str, ...]]] = [
    ("income_total", "value", tuple(f"income.{c}" for c in INCOME_COLUMNS)),
    ("expenditure_total", "value", tuple(f"expenditure.{c}" for c in EXPENDITURE_COLUMNS)),
    ("general_budget.basic", "value", ("personnel", "public")),
    ("general_budget", "value", ("general_budget.class",)),
    ("general_budget", "budget", ("general_budget.item",)),
    ("general_budget", "adjusted_budget", ("general_budget.item",)),
    ("general_budget", "value", ("general_budget.item",)),  # 决算数 of 五（三）
    ("three_public", "value", ("outbound", "vehicle", "vehicle_purchase", "vehicle_operation",
                               "reception")),
    ("three_public", "budget", ("outbound", "vehicle", "vehicle_purchase", "vehicle_operation",
                                "reception")),
    ("vehicle", "value", ("vehicle_purchase", "vehicle_operation")),
    ("vehicle", "budget", ("vehicle_purchase", "vehicle_operation")),
    ("procurement.total", "value", ("procurement.goods", "procurement.works",
                                    "procurement.services")),
    ("vehicles", "count", ("vehicles.kind",)),
    ("performance.self", "count", ("performance.rated",)),
    ("performance.issues", "count", ("performance.rectified", "performance.rectifying")),
]
# A part that is itself the sum of others: when the text states it, its own parts are not
# counted again (公务用车购置及运行费, or 购置费 and 运行费, as the text lists them).
COVERS: dict[str, tuple[str, ...]] = {"vehicle": ("vehicle_purchase", "vehicle_operation")}


def cell_of(topic: str, measure: str = "value") -> tuple[int, str, str]:
    """(table, row key, column key) of a stated figure (KeyError for one no cell holds)."""
    return CELLS[(topic, measure)]


def stated(tables: TableSet | Table, topic: str, measure: str = "value") -> Decimal:
    """A stated figure from its cell of the printed tables (a blank cell is 0.00)."""
    number, row, column = cell_of(topic, measure)
    table = tables if isinstance(tables, Table) else tables[number]
    value = table.cell(row, column)
    return value if isinstance(value, Decimal) else Decimal("0.00")
