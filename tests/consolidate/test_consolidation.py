"""汇总 in the core: a real-sized department summed and eliminated exactly, the three modes
over a 3-level tree, the elimination checks (H.1, H.2) with their expected/found, 元 and 万元
mixed, and a region's summation without eliminations."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from unit_filings import generate, in_wan, rebuilt

from juesuan.consolidate import (
    CHECKS,
    ConsolidationError,
    Mode,
    UnitNode,
    choose_root,
    consolidate,
    consolidate_region,
    tree_from_parents,
)
from juesuan.filing.model import EXPENDITURE_KINDS, INCOME_SOURCES, Filing, Fund
from juesuan.money import AmountUnit
from juesuan.rules.check import check_filing
from juesuan.rules.finding import Severity
from juesuan.rules.registry import show
from juesuan.tables.build import build_tables

ZERO = Decimal(0)
FISCAL = ("general_budget", "government_fund", "state_capital")


@pytest.fixture(scope="module")
def department() -> tuple[list[Filing], dict[str, str | None]]:
    filings, tree = generate.generate_department(11, units=12, depth=3, rows=150)
    return filings, tree


def tree_of(filings: list[Filing], parents: dict[str, str | None]) -> UnitNode:
    return choose_root(tree_from_parents(parents, filings), None)


def field_total(filings: list[Filing], section: str, name: str) -> Decimal:
    return sum((getattr(row, name) or ZERO for f in filings for row in getattr(f, section)), ZERO)


# --- a real-sized department ----------------------------------------------------------------


def test_generated_department_is_three_levels_of_valid_units(department: Any) -> None:
    filings, parents = department
    assert len(filings) == 12 and [c for c, p in parents.items() if p is None] == ["011"]
    depth = max(len(code) for code in parents) // 3
    assert depth == 3
    for filing in filings:
        assert 140 <= len(filing.expenditure) <= 170
        errors = [f for f in check_filing(filing) if f.severity is Severity.ERROR]
        assert errors == [], (filing.department.code, errors[:3])


def test_consolidated_tables_equal_the_hand_summed_units_minus_the_eliminations(department: Any) -> None:
    filings, parents = department
    result = consolidate(tree_of(filings, parents))
    assert result.findings == []  # the generator's flows agree
    has_children = {p for p in parents.values() if p is not None}
    # summed by hand from the units' rows, in 元; then what the eliminations take off
    income: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    spent: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    eliminated: dict[str, Decimal] = defaultdict(Decimal)
    for f in filings:
        code = f.department.code
        child, parent = parents[code] is not None, code in has_children
        for row in f.income:
            for source in INCOME_SOURCES:
                income[row.code][source] += getattr(row, source) or ZERO
            if child:
                income[row.code]["superior_subsidy"] -= row.superior_subsidy or ZERO
                eliminated["superior_subsidy"] += row.superior_subsidy or ZERO
            if parent:
                income[row.code]["affiliated_remittance"] -= row.affiliated_remittance or ZERO
                eliminated["affiliated_remittance"] += row.affiliated_remittance or ZERO
        for erow in f.expenditure:
            for kind in EXPENDITURE_KINDS:
                spent[erow.code][kind] += getattr(erow, kind) or ZERO
            if child:
                spent[erow.code]["remit_superior"] -= erow.remit_superior or ZERO
                eliminated["remit_superior"] += erow.remit_superior or ZERO
            if parent:
                spent[erow.code]["subsidy_affiliated"] -= erow.subsidy_affiliated or ZERO
                eliminated["subsidy_affiliated"] += erow.subsidy_affiliated or ZERO
    assert eliminated["superior_subsidy"] == eliminated["subsidy_affiliated"] > 1_000_000
    assert eliminated["affiliated_remittance"] == eliminated["remit_superior"] > 0
    assert sum(e.subsidy_paid for e in result.eliminations) == eliminated["subsidy_affiliated"]
    assert sum(e.remittance_paid for e in result.eliminations) == eliminated["remit_superior"]
    top = next(f for f in filings if parents[f.department.code or ""] is None)
    outside = field_total([top], "income", "superior_subsidy")
    assert outside > 0  # the top unit's 上级补助收入 comes from outside the department: it stays

    tables = build_tables(result.filing)
    t2, t3 = tables[2], tables[3]

    def cell(table: Any, key: str, column: str) -> Decimal:
        value = table.cell(key, column)
        return ZERO if value is None else Decimal(value)

    wan = Decimal(10000)
    coded = {r.code for r in t2.rows if r.code and len(r.code) == 7}
    assert coded == {c for c, by in income.items() if any(by.values())}
    for code, by in income.items():
        if not any(by.values()):
            continue
        assert cell(t2, code, "fiscal") == sum((by[s] for s in FISCAL), ZERO) / wan, code
        for source in ("superior_subsidy", "business", "operating", "affiliated_remittance", "other"):
            assert cell(t2, code, source) == by[source] / wan, (code, source)
    for code, by in spent.items():
        for kind in EXPENDITURE_KINDS:
            assert cell(t3, code, kind) == by[kind] / wan, (code, kind)
    assert cell(t2, "total", "superior_subsidy") == outside / wan
    assert cell(t3, "total", "subsidy_affiliated") == ZERO
    assert cell(t2, "total", "total") == sum((sum(by.values(), ZERO) for by in income.values()), ZERO) / wan
    # the consolidated filing passes every ERROR rule
    errors = [f for f in check_filing(result.filing) if f.severity is Severity.ERROR]
    assert errors == []


def test_everything_else_is_summed(department: Any) -> None:
    filings, parents = department
    f = consolidate(tree_of(filings, parents), name="合成部门（汇总）").filing
    assert f.department.name == "合成部门（汇总）" and f.department.code == "011"
    assert f.department.units[0].name == filings[0].department.name
    assert len(f.department.units) == 12
    assert f.unit is AmountUnit.YUAN and f.year == filings[0].year
    econ: dict[str, Decimal] = defaultdict(Decimal)
    for unit in filings:
        for row in unit.basic_economic:
            econ[row.code] += row.amount or ZERO
    assert {r.code: r.amount for r in f.basic_economic} == econ
    assert [r.code for r in f.income] == sorted(r.code for r in f.income)
    assert f.three_public.reception.final == sum(
        (u.three_public.reception.final or ZERO for u in filings), ZERO)
    assert f.three_public.vehicle_operation.fleet == sum(
        u.three_public.vehicle_operation.fleet or 0 for u in filings)
    assert f.operating_costs is not None
    assert f.operating_costs.final == sum((u.operating_costs.final for u in filings if u.operating_costs), ZERO)
    assert f.assets is not None and f.assets.vehicles is not None
    assert f.assets.vehicles.other == sum(u.assets.vehicles.other for u in filings if u.assets and u.assets.vehicles)
    assert f.budget.general_budget_initial == sum(
        (u.budget.general_budget_initial or ZERO for u in filings), ZERO)
    assert f.prior_year.income_total == sum((u.prior_year.income_total or ZERO for u in filings), ZERO)
    # texts are not summed
    assert f.organisation.duties == () and f.reasons.income_change is None
    carry = {(c.fund, c.code): c.closing for c in f.carry_over}
    nf = sum((c.closing or ZERO for u in filings for c in u.carry_over if c.fund is Fund.NON_FISCAL), ZERO)
    assert carry[(Fund.NON_FISCAL, None)] == nf


def test_a_figure_one_unit_does_not_state_is_absent_not_zero(department: Any) -> None:
    filings, parents = department

    def drop(data: dict[str, Any]) -> None:
        data["prior_year"]["income_total"] = None
        data["operating_costs"] = None
        data["three_public"]["reception"]["final"] = None
        data["three_public"]["reception"]["batches"] = None

    changed = [rebuilt(filings[0], drop), *filings[1:]]
    f = consolidate(tree_of(changed, parents)).filing
    assert f.prior_year.income_total is None  # one unit without it: unknown
    assert f.operating_costs is None
    # blank “三公” amount = none: the others' sum; their counts still add up
    assert f.three_public.reception.final == sum(
        (u.three_public.reception.final or ZERO for u in filings[1:]), ZERO)
    assert f.three_public.reception.batches == sum(
        u.three_public.reception.batches or 0 for u in filings[1:])


# --- the three modes over a 3-level tree ----------------------------------------------------


def level_by_level(node: UnitNode) -> Filing:
    """A node's 汇总 = its own filing + its children's 汇总 (节点汇总 at each level)."""
    assert node.filing is not None
    if not node.children:
        return node.filing
    summed = tuple(UnitNode(c.key, level_by_level(c)) for c in node.children)
    return consolidate(UnitNode(node.key, node.filing, summed), Mode.NODE).filing


def figures(filing: Filing) -> dict[str, Any]:
    data = filing.model_dump(mode="json", exclude={"department"})
    return data


def test_complete_equals_consolidating_level_by_level(department: Any) -> None:
    filings, parents = department
    root = tree_of(filings, parents)
    assert max(len(n.key) for n in root.walk()) == 9  # three levels
    complete = consolidate(root, Mode.COMPLETE)
    assert figures(complete.filing) == figures(level_by_level(root))
    assert len(complete.eliminations) == len({p for p in parents.values() if p})


def test_node_mode_eliminates_with_the_direct_children_only(department: Any) -> None:
    filings, parents = department
    root = tree_of(filings, parents)
    result = consolidate(root, Mode.NODE)
    members = [root.filing, *(c.filing for c in root.children)]
    assert result.units == (root.key, *(c.key for c in root.children))
    assert [e.parent for e in result.eliminations] == [root.key]
    f = result.filing
    top = [root.filing]
    children = [c.filing for c in root.children if c.filing is not None]
    assert field_total([f], "income", "superior_subsidy") == field_total(top, "income", "superior_subsidy")  # type: ignore[list-item]
    # the children's subsidies to the grandchildren are flows outside the set: they stay
    assert field_total([f], "expenditure", "subsidy_affiliated") == field_total(
        children, "expenditure", "subsidy_affiliated") > 0
    assert result.findings == []
    assert len(f.department.units) == len(members)


def test_chosen_mode_with_some_children_warns_and_keeps_the_rest(department: Any) -> None:
    filings, parents = department
    root = tree_of(filings, parents)
    middle = next(c for c in root.children if len(c.children) >= 2)
    grandchild = middle.children[0]
    chosen = [root.key, middle.key, grandchild.key]
    result = consolidate(root, Mode.CHOSEN, chosen=chosen)
    assert result.units == tuple(chosen)
    assert root.filing is not None and middle.filing is not None and grandchild.filing is not None
    warnings = [f for f in result.findings if f.rule == "H.1"]
    assert [w.severity for w in warnings] == [Severity.WARNING, Severity.WARNING]
    paid = field_total([root.filing], "expenditure", "subsidy_affiliated")
    received = field_total([middle.filing], "income", "superior_subsidy")
    first = next(w for w in warnings if w.location.file == root.key)
    assert (first.expected, first.found) == (show(paid), show(received))
    assert f"其余 {show(paid - received)}元" in first.message and "未选" in first.message
    by_parent = {e.parent: e for e in result.eliminations}
    assert by_parent[root.key].partial and by_parent[root.key].subsidy_paid == received
    # the parent's side lost only what the chosen children show; the rest stays
    f = result.filing
    kept = (paid - received) + field_total([middle.filing], "expenditure", "subsidy_affiliated") \
        - field_total([grandchild.filing], "income", "superior_subsidy") \
        + field_total([grandchild.filing], "expenditure", "subsidy_affiliated")
    assert field_total([f], "expenditure", "subsidy_affiliated") == kept
    assert not any(f.severity is Severity.ERROR for f in result.findings)


def test_modes_refuse_units_without_a_filing(department: Any) -> None:
    filings, parents = department
    root = choose_root(tree_from_parents(parents, filings[:3]), None)
    with pytest.raises(ConsolidationError, match=r"完全汇总需要单位 .* 的填报文件"):
        consolidate(root, Mode.COMPLETE)
    with pytest.raises(ConsolidationError, match="单位树有循环"):
        tree_from_parents({"1": "2", "2": "1"}, [])


# --- the elimination checks -----------------------------------------------------------------


def small() -> tuple[list[Filing], dict[str, str | None]]:
    filings, tree = generate.generate_department(4, units=3, depth=2, rows=40)
    return filings, tree


def test_a_planted_mismatch_gives_h1_with_the_exact_figures() -> None:
    filings, parents = small()
    child = filings[1]
    row = next(i for i, r in enumerate(child.income) if r.superior_subsidy)

    def plant(data: dict[str, Any]) -> None:
        data["income"][row]["superior_subsidy"] += Decimal("1234.56")
        data["income"][row]["business"] = (data["income"][row]["business"] or ZERO) - Decimal("1234.56")

    changed = [filings[0], rebuilt(child, plant), filings[2]]
    result = consolidate(tree_of(changed, parents))
    [h1] = [f for f in result.findings if f.rule == "H.1"]
    paid = field_total([filings[0]], "expenditure", "subsidy_affiliated")
    assert h1.severity is Severity.ERROR
    assert (h1.expected, h1.found, h1.tolerance) == (show(paid), show(paid + Decimal("1234.56")), "0.00")
    assert "差额 1234.56元" in h1.message and h1.message.startswith(CHECKS[0].title)
    # both sides went in full: no internal flow is left, the difference shows in the balance
    assert field_total([result.filing], "expenditure", "subsidy_affiliated") == 0
    balance = [f for f in check_filing(result.filing) if f.rule == "F.fund-balance"]
    assert balance and "1234.56" in balance[0].message


def test_remittance_mismatch_gives_h2() -> None:
    filings, parents = small()
    child = next(i for i, f in enumerate(filings[1:], 1) if any(r.remit_superior for r in f.expenditure))
    row = next(i for i, r in enumerate(filings[child].expenditure) if r.remit_superior)

    def plant(data: dict[str, Any]) -> None:
        data["expenditure"][row]["remit_superior"] -= Decimal("0.01")

    changed = list(filings)
    changed[child] = rebuilt(filings[child], plant)
    [h2] = consolidate(tree_of(changed, parents)).findings
    received = field_total([filings[0]], "income", "affiliated_remittance")
    assert (h2.rule, h2.severity) == ("H.2", Severity.ERROR)
    assert (h2.expected, h2.found) == (show(received), show(received - Decimal("0.01")))


def test_yuan_and_wan_yuan_mixed_sum_exactly() -> None:
    filings, parents = small()
    in_yuan = consolidate(tree_of(filings, parents)).filing
    mixed = [in_wan(filings[0]), filings[1], in_wan(filings[2])]
    result = consolidate(tree_of(mixed, parents))
    assert result.filing.unit is AmountUnit.WAN_YUAN and result.findings == []
    wan = Decimal(10000)
    for a, b in zip(in_yuan.income, result.filing.income, strict=True):
        assert a.code == b.code
        for source in INCOME_SOURCES:
            assert (getattr(a, source) is None) == (getattr(b, source) is None)
            assert (getattr(a, source) or ZERO) / wan == (getattr(b, source) or ZERO), (a.code, source)
    assert in_yuan.three_public.reception.final / wan == result.filing.three_public.reception.final  # type: ignore[operator]
    asked = consolidate(tree_of(mixed, parents), unit=AmountUnit.YUAN).filing
    assert figures(asked) == figures(in_yuan)


def test_a_difference_rounding_explains_is_info_with_the_tolerance() -> None:
    filings, parents = small()
    parent = in_wan(filings[0])
    rows = [i for i, r in enumerate(parent.expenditure) if r.subsidy_affiliated]

    def round_them(data: dict[str, Any]) -> None:
        for i in rows:  # published to 0.01 万元, as a 万元 filing is
            data["expenditure"][i]["subsidy_affiliated"] = data["expenditure"][i]["subsidy_affiliated"].quantize(Decimal("0.01"))

    rounded = rebuilt(parent, round_them)
    result = consolidate(tree_of([rounded, *filings[1:]], parents))
    exact = field_total([parent], "expenditure", "subsidy_affiliated")
    written = field_total([rounded], "expenditure", "subsidy_affiliated")
    assert exact != written
    [h1] = [f for f in result.findings if f.rule == "H.1"]
    assert h1.severity is Severity.INFO
    assert (h1.expected, h1.found) == (show(written), show(exact))
    assert h1.tolerance == show(Decimal("0.005") * len(rows))


def test_region_sums_departments_without_eliminations() -> None:
    a, _ = small()
    b, _ = generate.generate_department(5, units=2, depth=2, rows=30, year=a[0].year)
    region = consolidate_region([a[1], b[1]], name="合成区部门决算汇总", region="合成区")
    assert region.department.name == "合成区部门决算汇总" and region.department.region == "合成区"
    for section, name in (("income", "superior_subsidy"), ("expenditure", "remit_superior")):
        assert field_total([region], section, name) == field_total([a[1], b[1]], section, name)
    with pytest.raises(ConsolidationError, match="填报年度不同"):
        consolidate_region([a[0], rebuilt(b[0], lambda d: d.update(year=a[0].year - 1))], name="x")
