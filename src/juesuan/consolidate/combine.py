"""汇总: the sum of units' filings with the flows between them eliminated. Pure.

What is eliminated (docs/consolidate.md): between a unit and its 上级 (parent) when both are
consolidated, the child's 上级补助收入 against the parent's 对附属单位补助支出 (H.1), and the
parent's 附属单位上缴收入 against the child's 上缴上级支出 (H.2). Each side is taken off its
own rows, by functional code. When the parent's children are all in the set, both sides are
removed in full, so the consolidated filing shows no internal flow, and a difference between
the two sides is a finding of the rules H.1/H.2 (:mod:`juesuan.consolidate.rules`) that
tells the reviewer by how much they disagree. When only some children are (选择汇总), the
parent's side is reduced by what the chosen children show (rows of the same functional code
first): the rest is a flow to units outside the set and stays.

Everything else is summed exactly in one money unit. A missing figure is never read as zero:
where the model means “blank = none” (row amounts, carry-over, “三公”经费 amounts, budget
items) the sum is of the units that have the figure; where blank means “not stated”
(上年数, budget totals, 机关运行经费, 政府采购, vehicles and equipment, the “三公” counts of a
unit that spent on the item) one unit without it makes the consolidated figure absent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import ValidationError

from juesuan import codes
from juesuan.consolidate.rules import RULES, Flows
from juesuan.consolidate.tree import ConsolidationError, Mode, UnitNode, select
from juesuan.filing.model import (
    EXPENDITURE_KINDS,
    INCOME_SOURCES,
    Assets,
    Budget,
    BudgetItem,
    CarryOver,
    Department,
    EconomicRow,
    ExpenditureRow,
    Filing,
    ForeignReception,
    Fund,
    IncomeRow,
    Level,
    OperatingCosts,
    Outbound,
    PriorYear,
    PriorYearThreePublic,
    Procurement,
    Reception,
    ThreePublic,
    Unit,
    VehicleOperation,
    VehiclePurchase,
    Vehicles,
)
from juesuan.money import CENT, ZERO, AmountUnit, in_core_context, per_wan
from juesuan.rules.finding import Finding, sort_findings
from juesuan.rules.registry import run
from juesuan.tables.amounts import Amt, amt, amt_sum


@dataclass(frozen=True)
class PairElimination:
    """What one child's side eliminated against its parent (in the consolidated unit)."""

    child: str  # the child's key (code)
    child_name: str
    subsidy_received: Decimal  # 上级补助收入
    remittance_paid: Decimal  # 上缴上级支出


@dataclass(frozen=True)
class Elimination:
    """One parent and its children in the set: what each side eliminated."""

    parent: str
    parent_name: str
    subsidy_paid: Decimal  # 对附属单位补助支出 eliminated from the parent's rows
    remittance_received: Decimal  # 附属单位上缴收入 eliminated from the parent's rows
    pairs: tuple[PairElimination, ...]
    partial: bool  # some children of the parent are not consolidated (选择汇总)

    @property
    def subsidy_received(self) -> Decimal:
        return sum((p.subsidy_received for p in self.pairs), ZERO)

    @property
    def remittance_paid(self) -> Decimal:
        return sum((p.remittance_paid for p in self.pairs), ZERO)


@dataclass(frozen=True)
class Consolidation:
    filing: Filing
    findings: list[Finding]
    eliminations: tuple[Elimination, ...]
    units: tuple[str, ...]  # keys of the units consolidated, parents before children


# --- the entry points ------------------------------------------------------------------


@in_core_context
def consolidate(root: UnitNode, mode: Mode = Mode.COMPLETE, *, chosen: Iterable[str] = (),
                name: str | None = None, code: str | None = None, region: str | None = None,
                level: Level | None = None, unit: AmountUnit | None = None) -> Consolidation:
    """The 汇总 of the units ``mode`` selects under ``root`` (see :func:`select`), with the
    flows between each consolidated parent and child eliminated. The department's identity
    comes from the highest unit consolidated unless given."""
    members = select(root, mode, frozenset(chosen))
    parent_of = {child.key: node.key for node in root.walk() for child in node.children}
    children_of = {node.key: [c.key for c in node.children] for node in root.walk()}
    return _combine(members, parent_of, children_of, name=name, code=code, region=region,
                    level=level, unit=unit)


@in_core_context
def consolidate_region(filings: Sequence[Filing], *, name: str, region: str | None = None,
                       level: Level | None = None, code: str | None = None,
                       unit: AmountUnit | None = None) -> Filing:
    """A region's 汇总 of departments: the same summation, no eliminations between them
    (each department's own flows with its units were eliminated in its 部门决算)."""
    if not filings:
        raise ConsolidationError("没有要汇总的填报文件")
    members = [UnitNode(f"第{n}份", f) for n, f in enumerate(filings, 1)]
    return _combine(members, {}, {}, name=name, code=code, region=region, level=level,
                    unit=unit).filing


# --- summing -----------------------------------------------------------------------------


def _output_unit(filings: Sequence[Filing], unit: AmountUnit | None) -> AmountUnit:
    if unit is not None:
        return unit
    units = {f.unit for f in filings}
    # mixed: the unit of the public tables; 元 converts to 万元 exactly (up to 6 decimals)
    return units.pop() if len(units) == 1 else AmountUnit.WAN_YUAN


def _converter(source: AmountUnit, target: AmountUnit) -> Callable[[Decimal], Decimal]:
    if source is target:
        return lambda v: v
    factor = per_wan(AmountUnit.YUAN)  # 10000, exact both ways
    if target is AmountUnit.YUAN:
        return lambda v: _tidy(v * factor)
    return lambda v: v / factor


def _tidy(value: Decimal) -> Decimal:
    """An amount in 元 written to the 分 when that is exact (12.340000 万元 → 123400.00 元)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= -2:
        return value
    cents = value.quantize(CENT)
    return cents if cents == value else value.normalize()


def _add(slot: dict[Any, Decimal], key: Any, value: Decimal | None) -> None:
    if value is not None:
        slot[key] = slot.get(key, ZERO) + value


def _add_blank(slot: dict[str, Decimal | None], key: str, value: Decimal | None) -> None:
    if value is not None:
        before = slot.get(key)
        slot[key] = value if before is None else before + value


@dataclass
class _AllOrNone:
    """A figure that one unit without it makes absent (“not stated”, not zero)."""

    value: Decimal | None = ZERO

    def add(self, value: Decimal | None) -> None:
        self.value = None if value is None or self.value is None else self.value + value


@dataclass
class _Sums:
    income: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    expenditure: dict[tuple[str, Fund], dict[str, Decimal]] = field(
        default_factory=lambda: defaultdict(dict))
    economic: dict[str, Decimal | None] = field(default_factory=dict)
    carry: dict[tuple[Fund, str | None], dict[str, Decimal]] = field(
        default_factory=lambda: defaultdict(dict))
    singles: dict[str, Decimal] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    economic_names: dict[str, str] = field(default_factory=dict)


def _fund_order(fund: Fund) -> int:
    return list(Fund).index(fund)


def _combine(members: Sequence[UnitNode], parent_of: Mapping[str, str],
             children_of: Mapping[str, Sequence[str]], *, name: str | None, code: str | None,
             region: str | None, level: Level | None, unit: AmountUnit | None) -> Consolidation:
    filings = [m.filing for m in members if m.filing is not None]
    assert len(filings) == len(members)
    years = sorted({f.year for f in filings})
    if len(years) > 1:
        raise ConsolidationError(f"填报年度不同（{'、'.join(map(str, years))}），只能汇总同一年度的决算")
    target = _output_unit(filings, unit)
    keys = [m.key for m in members]
    present = set(keys)
    by_key = {m.key: m for m in members}
    # pairs: parent key → its children in the set
    pairs: dict[str, list[str]] = {}
    for key in keys:
        parent = parent_of.get(key)
        if parent in present:
            pairs.setdefault(parent, []).append(key)

    sums = _Sums()
    findings: list[Finding] = []
    eliminations: list[Elimination] = []
    # what is taken off a unit's rows: key → (section, field) → amount by row key (in the
    # target unit), or None for the field removed in full
    removed: dict[str, dict[tuple[str, str], dict[Any, Decimal] | None]] = defaultdict(dict)
    for parent, children in pairs.items():
        outside = [c for c in children_of.get(parent, ()) if c not in present]
        elimination, found = _eliminate(by_key[parent], [by_key[c] for c in children], outside,
                                        target, removed)
        eliminations.append(elimination)
        findings += found

    for member in members:
        assert member.filing is not None
        _add_filing(sums, member.filing, _converter(member.filing.unit, target),
                    removed.get(member.key, {}))

    head = members[0].filing
    assert head is not None
    department = Department(
        name=name or head.department.name,
        short_name=None if name else head.department.short_name,
        code=code if code is not None else head.department.code,
        region=region or head.department.region,
        level=level or head.department.level,
        units=tuple(Unit(name=m.filing.department.name) for m in members if m.filing is not None),
    )
    layouts = {f.layout for f in filings}
    try:
        filing = Filing(
            year=years[0], unit=target, layout=layouts.pop() if len(layouts) == 1 else None,
            department=department,
            income=_income_rows(sums, years[0]),
            expenditure=_expenditure_rows(sums, years[0]),
            basic_economic=tuple(
                EconomicRow(code=c, name=None if codes.economic().name(years[0], c)
                            else sums.economic_names.get(c), amount=v)
                for c, v in sorted(sums.economic.items())),
            carry_over=tuple(
                CarryOver(fund=fund, code=c, opening=v.get("opening"), closing=v.get("closing"))
                for (fund, c), v in sorted(sums.carry.items(),
                                           key=lambda kv: (_fund_order(kv[0][0]), kv[0][1] or ""))),
            non_fiscal_balance_used=sums.singles.get("non_fiscal_balance_used"),
            surplus_distribution=sums.singles.get("surplus_distribution"),
            three_public=_three_public(filings, target),
            operating_costs=_operating_costs(filings, target),
            procurement=_procurement(filings, target),
            assets=_assets(filings),
            budget=_budget(filings, target),
            prior_year=_prior_year(filings, target),
        )
    except ValidationError as exc:  # the sum of valid filings is valid; this would be a bug
        raise AssertionError(f"consolidated filing is invalid: {exc}") from exc
    return Consolidation(filing, sort_findings(findings), tuple(eliminations), tuple(keys))


def _add_filing(sums: _Sums, filing: Filing, conv: Callable[[Decimal], Decimal],
                removed: Mapping[tuple[str, str], Mapping[Any, Decimal] | None]) -> None:
    left_to_take = {side: dict(rows) for side, rows in removed.items() if rows is not None}

    def taken(section: str, name: str, key: Any, value: Decimal | None) -> Decimal | None:
        if value is None or (section, name) not in removed:
            return None if value is None else conv(value)
        rows = left_to_take.get((section, name))
        if rows is None:  # the side eliminated in full: no figure is left (not a zero)
            return None
        value = conv(value)
        share = min(value, rows.get(key, ZERO))
        if share <= 0:
            return value
        rows[key] -= share
        return None if share == value else value - share

    for irow in filing.income:
        slot = sums.income[irow.code]
        if irow.name:
            sums.names.setdefault(irow.code, irow.name)
        for source in INCOME_SOURCES:
            value = getattr(irow, source)
            _add(slot, source, taken("income", source, irow.code, value))
    for erow in filing.expenditure:
        eslot = sums.expenditure[(erow.code, erow.fund)]
        if erow.name:
            sums.names.setdefault(erow.code, erow.name)
        for kind in EXPENDITURE_KINDS:
            value = getattr(erow, kind)
            _add(eslot, kind, taken("expenditure", kind, (erow.code, erow.fund), value))
    for econ in filing.basic_economic:
        sums.economic.setdefault(econ.code, None)  # a row given blank stays (blank)
        _add_blank(sums.economic, econ.code, None if econ.amount is None else conv(econ.amount))
        if econ.name:
            sums.economic_names.setdefault(econ.code, econ.name)
    for carry in filing.carry_over:
        cslot = sums.carry[(carry.fund, carry.code)]
        for stage in ("opening", "closing"):
            value = getattr(carry, stage)
            _add(cslot, stage, None if value is None else conv(value))
    for single in ("non_fiscal_balance_used", "surplus_distribution"):
        value = getattr(filing, single)
        _add(sums.singles, single, None if value is None else conv(value))


def _name(code: str, year: int, names: Mapping[str, str]) -> str | None:
    # the code list's name (left to the table builders); a unit's own only for a code it lacks
    return None if codes.functional().name(year, code) else names.get(code)


def _income_rows(sums: _Sums, year: int) -> tuple[IncomeRow, ...]:
    return tuple(IncomeRow(code=c, name=_name(c, year, sums.names), **values)
                 for c, values in sorted(sums.income.items()) if values)


def _expenditure_rows(sums: _Sums, year: int) -> tuple[ExpenditureRow, ...]:
    ordered = sorted(sums.expenditure.items(), key=lambda kv: (kv[0][0], _fund_order(kv[0][1])))
    return tuple(ExpenditureRow(code=c, fund=fund, name=_name(c, year, sums.names), **values)
                 for (c, fund), values in ordered if values)


# --- the eliminations --------------------------------------------------------------------


Side = Literal["subsidy", "remittance"]


def _rows_of(filing: Filing, side: Literal["income", "expenditure"], name: str,
             conv: Callable[[Decimal], Decimal]) -> tuple[dict[Any, Decimal], list[Amt]]:
    """A unit's amounts of one flow, by row key (in the target unit), and as Amt in 万元 with
    the rounding error of how they were written."""
    by_row: dict[Any, Decimal] = {}
    measured: list[Amt] = []
    if side == "income":
        for irow in filing.income:
            value = getattr(irow, name)
            if value is not None:
                _add(by_row, irow.code, conv(value))
                measured.append(amt(value, filing.unit))
    else:
        for erow in filing.expenditure:
            value = getattr(erow, name)
            if value is not None:
                _add(by_row, (erow.code, erow.fund), conv(value))
                measured.append(amt(value, filing.unit))
    return by_row, measured


def _by_code(rows: Mapping[Any, Decimal]) -> dict[str, Decimal]:
    result: dict[str, Decimal] = {}
    for key, value in rows.items():
        _add(result, key if isinstance(key, str) else key[0], value)
    return result


def _reduce(parent_rows: Mapping[Any, Decimal], children_by_code: Mapping[str, Decimal],
            amount: Decimal) -> dict[Any, Decimal]:
    """How much to take off each of the parent's rows to eliminate ``amount``: rows of the
    functional codes the children show first, then the others, in code order."""
    taken: dict[Any, Decimal] = {}
    left = amount
    still = dict(children_by_code)
    ordered = sorted(parent_rows, key=lambda k: k if isinstance(k, str) else (k[0], _fund_order(k[1])))
    for key in ordered:
        code = key if isinstance(key, str) else key[0]
        share = min(parent_rows[key], still.get(code, ZERO), left)
        if share > 0:
            taken[key] = share
            still[code] -= share
            left -= share
    for key in ordered:
        share = min(parent_rows[key] - taken.get(key, ZERO), left)
        if share > 0:
            taken[key] = taken.get(key, ZERO) + share
            left -= share
    return taken


def _eliminate(parent: UnitNode, children: Sequence[UnitNode], outside: Sequence[str],
               target: AmountUnit,
               removed: dict[str, dict[tuple[str, str], dict[Any, Decimal] | None]],
               ) -> tuple[Elimination, list[Finding]]:
    assert parent.filing is not None
    pf = parent.filing
    pconv = _converter(pf.unit, target)
    partial = bool(outside)
    # (parent's side, children's side) of H.1 and H.2
    plan: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
        (("expenditure", "subsidy_affiliated"), ("income", "superior_subsidy")),
        (("income", "affiliated_remittance"), ("expenditure", "remit_superior")),
    )
    per_child: dict[str, dict[str, Decimal]] = {c.key: {} for c in children}
    parent_eliminated: dict[str, Decimal] = {}
    sides: dict[str, Amt] = {}  # each field's total as written, for the rules
    for (p_section, p_field), (c_section, c_field) in plan:
        p_rows, p_measured = _rows_of(pf, p_section, p_field, pconv)  # type: ignore[arg-type]
        c_measured: list[Amt] = []
        c_by_code: dict[str, Decimal] = {}
        for child in children:
            assert child.filing is not None
            rows, measured = _rows_of(child.filing, c_section, c_field,  # type: ignore[arg-type]
                                      _converter(child.filing.unit, target))
            removed[child.key][(c_section, c_field)] = None  # the children's side goes in full
            per_child[child.key][c_field] = sum(rows.values(), ZERO)
            c_measured += measured
            for code, value in _by_code(rows).items():
                _add(c_by_code, code, value)
        p_total, c_total = sum(p_rows.values(), ZERO), sum(c_by_code.values(), ZERO)
        if partial and c_total < p_total:
            # the rest of the parent's side went to units outside the set: it stays
            take = _reduce(p_rows, c_by_code, c_total)
            removed[parent.key][(p_section, p_field)] = take
            parent_eliminated[p_field] = sum(take.values(), ZERO)
        else:
            removed[parent.key][(p_section, p_field)] = None
            parent_eliminated[p_field] = p_total
        sides[p_field], sides[c_field] = amt_sum(p_measured), amt_sum(c_measured)
    flows = Flows(parent.key, parent.name, tuple(c.name for c in children), tuple(outside),
                  subsidy_paid=sides["subsidy_affiliated"], subsidy_received=sides["superior_subsidy"],
                  remittance_received=sides["affiliated_remittance"],
                  remittance_paid=sides["remit_superior"], unit=target)
    pairs = tuple(PairElimination(c.key, c.name, per_child[c.key]["superior_subsidy"],
                                  per_child[c.key]["remit_superior"]) for c in children)
    return (Elimination(parent.key, parent.name, parent_eliminated["subsidy_affiliated"],
                        parent_eliminated["affiliated_remittance"], pairs, partial),
            run(RULES, flows, unit=target.value))


# --- the other parts of a filing -----------------------------------------------------------


def _sum_present(values: Iterable[Decimal | None]) -> Decimal | None:
    """Blank = none: the sum of the figures given, absent when none is."""
    result: Decimal | None = None
    for value in values:
        if value is not None:
            result = value if result is None else result + value
    return result


def _sum_all(values: Iterable[Decimal | None]) -> Decimal | None:
    """Blank = not stated: absent as soon as one is."""
    acc = _AllOrNone()
    for value in values:
        acc.add(value)
    return acc.value


def _counts(values: Iterable[int | None]) -> int | None:
    result: int | None = None
    for value in values:
        if value is not None:
            result = value if result is None else result + value
    return result


def _in(filings: Sequence[Filing], target: AmountUnit,
        get: Callable[[Filing], Decimal | None]) -> list[Decimal | None]:
    result: list[Decimal | None] = []
    for f in filings:
        value = get(f)
        result.append(None if value is None else _converter(f.unit, target)(value))
    return result


def _needed_counts(filings: Sequence[Filing], item: str, count: str) -> int | None:
    """A “三公” count: blank is “not stated” for a unit that spent on the item, none otherwise."""
    values: list[int | None] = []
    for f in filings:
        entry = getattr(f.three_public, item)
        value = getattr(entry, count)
        if value is None and entry.final is not None and entry.final > 0:
            return None
        values.append(value)
    return _counts(values)


def _three_public(filings: Sequence[Filing], target: AmountUnit) -> ThreePublic:
    def money(item: str, stage: str) -> Decimal | None:
        return _sum_present(_in(filings, target, lambda f: getattr(getattr(f.three_public, item), stage)))

    def amounts(item: str) -> dict[str, Decimal | None]:
        return {"budget": money(item, "budget"), "final": money(item, "final")}

    foreigns = [f.three_public.reception.foreign for f in filings]
    reception_final = money("reception", "final")
    foreign: ForeignReception | None = None
    if any(x is not None for x in foreigns):
        foreign_final = _sum_present(
            None if x is None or x.final is None else _converter(f.unit, target)(x.final)
            for f, x in zip(filings, foreigns, strict=True))
        if foreign_final is None or (reception_final is not None and foreign_final <= reception_final):
            foreign = ForeignReception(
                final=foreign_final,
                batches=_counts(x.batches for x in foreigns if x is not None),
                persons=_counts(x.persons for x in foreigns if x is not None))
    return ThreePublic(
        outbound=Outbound(**amounts("outbound"), groups=_needed_counts(filings, "outbound", "groups"),
                          persons=_needed_counts(filings, "outbound", "persons")),
        vehicle_purchase=VehiclePurchase(
            **amounts("vehicle_purchase"),
            vehicles=_needed_counts(filings, "vehicle_purchase", "vehicles")),
        vehicle_operation=VehicleOperation(
            **amounts("vehicle_operation"),
            fleet=_needed_counts(filings, "vehicle_operation", "fleet")),
        reception=Reception(
            budget=money("reception", "budget"), final=reception_final,
            batches=_needed_counts(filings, "reception", "batches"),
            persons=_needed_counts(filings, "reception", "persons"),
            persons_approximate=any(f.three_public.reception.persons_approximate for f in filings),
            foreign=foreign),
    )


def _operating_costs(filings: Sequence[Filing], target: AmountUnit) -> OperatingCosts | None:
    if any(f.operating_costs is None for f in filings):
        return None
    final = _sum_all(_in(filings, target, lambda f: f.operating_costs.final if f.operating_costs else None))
    assert final is not None
    return OperatingCosts(final=final, budget=_sum_all(
        _in(filings, target, lambda f: f.operating_costs.budget if f.operating_costs else None)))


_PROCUREMENT_AMOUNTS = ("goods", "works", "services", "sme_reserved", "small_micro_reserved",
                        "sme_awarded_reserved", "small_micro_awarded_reserved", "sme_awarded_other")


def _procurement_total(p: Procurement) -> Decimal | None:
    # a unit that gives the three parts but no total has the total they make (as the text does)
    if p.total is not None:
        return p.total
    parts = (p.goods, p.works, p.services)
    return None if any(v is None for v in parts) else sum((v for v in parts if v is not None), ZERO)


def _procurement(filings: Sequence[Filing], target: AmountUnit) -> Procurement | None:
    if any(f.procurement is None for f in filings):
        return None
    values = {name: _sum_all(_in(filings, target, lambda f, n=name: getattr(f.procurement, n)))  # type: ignore[misc]
              for name in _PROCUREMENT_AMOUNTS}
    total = _sum_all(_in(filings, target,
                         lambda f: _procurement_total(f.procurement) if f.procurement else None))
    return Procurement(total=total, **values)


def _assets(filings: Sequence[Filing]) -> Assets | None:
    if all(f.assets is None for f in filings):
        return None
    assets = [f.assets for f in filings]
    vehicles: Vehicles | None = None
    if all(a is not None and a.vehicles is not None for a in assets):
        counts = {key: sum(getattr(a.vehicles, key) for a in assets if a is not None and a.vehicles)
                  for key in Vehicles.model_fields}
        vehicles = Vehicles(**counts)
    equipment = [a.large_equipment if a is not None else None for a in assets]
    dates = {a.as_of if a is not None else None for a in assets}
    as_of = dates.pop() if len(dates) == 1 else None
    large = None if any(e is None for e in equipment) else sum(e for e in equipment if e is not None)
    if vehicles is None and large is None and as_of is None:
        return None
    return Assets(as_of=as_of, vehicles=vehicles, large_equipment=large)


def _budget(filings: Sequence[Filing], target: AmountUnit) -> Budget:
    items: dict[tuple[str, Fund], dict[str, Decimal]] = defaultdict(dict)
    for f in filings:
        conv = _converter(f.unit, target)
        for item in f.budget.items:
            slot = items[(item.code, item.fund)]
            for stage in ("initial", "adjusted"):
                value = getattr(item, stage)
                _add(slot, stage, None if value is None else conv(value))
    totals = {key: _sum_all(_in(filings, target, lambda f, k=key: getattr(f.budget, k)))  # type: ignore[misc]
              for key in ("income_initial", "expenditure_initial", "general_budget_initial")}
    ordered = sorted(items.items(), key=lambda kv: (kv[0][0], _fund_order(kv[0][1])))
    return Budget(**totals, items=tuple(BudgetItem(code=c, fund=fund, **values)
                                        for (c, fund), values in ordered))


def _prior_year(filings: Sequence[Filing], target: AmountUnit) -> PriorYear:
    fields = ("grand_total", "income_total", "expenditure_total", "fiscal_grand_total",
              "general_budget_expenditure", "operating_costs")
    values = {key: _sum_all(_in(filings, target, lambda f, k=key: getattr(f.prior_year, k)))  # type: ignore[misc]
              for key in fields}
    three = {key: _sum_all(_in(filings, target, lambda f, k=key: getattr(f.prior_year.three_public, k)))  # type: ignore[misc]
             for key in PriorYearThreePublic.model_fields}
    return PriorYear(**values, three_public=PriorYearThreePublic(**three))
