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
from dataclasses import dataclass
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
def consolidate_region(filings: Iterable[Filing], *, name: str, region: str | None = None,
                       level: Level | None = None, code: str | None = None,
                       unit: AmountUnit | None = None) -> Filing:
    """A region's 汇总 of departments: the same summation, no eliminations between them
    (each department's own flows with its units were eliminated in its 部门决算).

    ``filings`` is consumed once, one filing at a time: only running sums are kept, so a
    generator of many filings is summed in bounded memory."""
    # The money unit depends on all the inputs' units (元 only when every one is 元), and a
    # converted sum is not a sum of converted figures digit for digit (0.0005 + 0.0005 万元 is
    # 0.0010, 10 元 / 10000 is 0.001): so sum in both candidate units while either can be the
    # answer, and drop the 元 sums at the first filing in 万元.
    sums = {u: _Sums(u) for u in ((unit,) if unit is not None else (AmountUnit.YUAN, AmountUnit.WAN_YUAN))}
    for filing in filings:
        if unit is None and filing.unit is not AmountUnit.YUAN:
            sums.pop(AmountUnit.YUAN, None)
        for one in sums.values():
            one.add(filing)
    chosen = sums[unit] if unit is not None else sums.get(AmountUnit.YUAN, sums[AmountUnit.WAN_YUAN])
    if not chosen.count:
        raise ConsolidationError("没有要汇总的填报文件")
    return chosen.filing(name=name, code=code, region=region, level=level)


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


def _add_blank(slot: dict[Any, Decimal | None], key: Any, value: Decimal | None) -> None:
    """Blank = none: the sum of the figures given, absent while none is."""
    if value is not None:
        before = slot.get(key)
        slot[key] = value if before is None else before + value


def _add_count(slot: dict[Any, int | None], key: Any, value: int | None) -> None:
    if value is not None:
        before = slot.get(key)
        slot[key] = value if before is None else before + value


@dataclass
class _AllOrNone:
    """A figure that one unit without it makes absent (“not stated”, not zero)."""

    value: Decimal | None = ZERO

    def add(self, value: Decimal | None) -> None:
        self.value = None if value is None or self.value is None else self.value + value


def _fund_order(fund: Fund) -> int:
    return list(Fund).index(fund)


_THREE_PUBLIC_ITEMS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")
# the “三公” counts: blank is “not stated” for a unit that spent on the item, none otherwise
_NEEDED_COUNTS = (("outbound", "groups"), ("outbound", "persons"), ("vehicle_purchase", "vehicles"),
                  ("vehicle_operation", "fleet"), ("reception", "batches"), ("reception", "persons"))
_PROCUREMENT_AMOUNTS = ("goods", "works", "services", "sme_reserved", "small_micro_reserved",
                        "sme_awarded_reserved", "small_micro_awarded_reserved", "sme_awarded_other")
_BUDGET_TOTALS = ("income_initial", "expenditure_initial", "general_budget_initial")
_PRIOR_YEAR = ("grand_total", "income_total", "expenditure_total", "fiscal_grand_total",
               "general_budget_expenditure", "operating_costs")

_Removed = Mapping[tuple[str, str], Mapping[Any, Decimal] | None]


class _Sums:
    """Every summed part of a filing, in the money unit ``target``: :meth:`add` one filing at a
    time (memory is that of the sums, not of the filings), :meth:`filing` the 汇总."""

    def __init__(self, target: AmountUnit) -> None:
        self.target = target
        self.count = 0
        self.year: int | None = None
        self.head: Department | None = None  # the first filing's: the 汇总's identity
        self.units: list[Unit] = []
        self.layouts: set[Any] = set()
        self.income: dict[str, dict[str, Decimal]] = defaultdict(dict)
        self.expenditure: dict[tuple[str, Fund], dict[str, Decimal]] = defaultdict(dict)
        self.economic: dict[str, Decimal | None] = {}
        self.carry: dict[tuple[Fund, str | None], dict[str, Decimal]] = defaultdict(dict)
        self.singles: dict[str, Decimal] = {}
        self.names: dict[str, str] = {}
        self.economic_names: dict[str, str] = {}
        self.three: dict[tuple[str, str], Decimal | None] = {}
        self.counts: dict[tuple[str, str], int | None] = {}
        self.unstated: set[tuple[str, str]] = set()  # counts a unit that spent did not give
        self.foreign_given = False
        self.foreign_final: dict[str, Decimal | None] = {}
        self.foreign_counts: dict[str, int | None] = {}
        self.persons_approximate = False
        self.operating: dict[str, _AllOrNone] | None = {"final": _AllOrNone(), "budget": _AllOrNone()}
        self.procurement: dict[str, _AllOrNone] | None = {
            n: _AllOrNone() for n in (*_PROCUREMENT_AMOUNTS, "total")}
        self.assets_given = False
        self.vehicles: dict[str, int] | None = {key: 0 for key in Vehicles.model_fields}
        self.large_equipment: int | None = 0
        self.as_of: list[str | None] = []  # the one date of every unit's assets, while they agree
        self.dates_differ = False
        self.budget_items: dict[tuple[str, Fund], dict[str, Decimal]] = defaultdict(dict)
        self.budget_totals = {key: _AllOrNone() for key in _BUDGET_TOTALS}
        self.prior = {key: _AllOrNone() for key in _PRIOR_YEAR}
        self.prior_three = {key: _AllOrNone() for key in PriorYearThreePublic.model_fields}

    def add(self, filing: Filing, removed: _Removed | None = None) -> None:
        """Add one filing; ``removed`` is what the eliminations take off its rows (in the
        target unit, by row key; None for a field removed in full)."""
        if self.year is not None and filing.year != self.year:
            years = "、".join(map(str, sorted({self.year, filing.year})))
            raise ConsolidationError(f"填报年度不同（{years}），只能汇总同一年度的决算")
        conv = _converter(filing.unit, self.target)
        self.count += 1
        self.year = filing.year
        if self.head is None:
            self.head = filing.department
        self.units.append(Unit(name=filing.department.name))
        self.layouts.add(filing.layout)
        self._rows(filing, conv, removed or {})
        self._three_public(filing, conv)
        self._other_parts(filing, conv)

    def _rows(self, filing: Filing, conv: Callable[[Decimal], Decimal], removed: _Removed) -> None:
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
            slot = self.income[irow.code]
            if irow.name:
                self.names.setdefault(irow.code, irow.name)
            for source in INCOME_SOURCES:
                _add(slot, source, taken("income", source, irow.code, getattr(irow, source)))
        for erow in filing.expenditure:
            eslot = self.expenditure[(erow.code, erow.fund)]
            if erow.name:
                self.names.setdefault(erow.code, erow.name)
            for kind in EXPENDITURE_KINDS:
                _add(eslot, kind, taken("expenditure", kind, (erow.code, erow.fund), getattr(erow, kind)))
        for econ in filing.basic_economic:
            self.economic.setdefault(econ.code, None)  # a row given blank stays (blank)
            _add_blank(self.economic, econ.code, None if econ.amount is None else conv(econ.amount))
            if econ.name:
                self.economic_names.setdefault(econ.code, econ.name)
        for carry in filing.carry_over:
            cslot = self.carry[(carry.fund, carry.code)]
            for stage in ("opening", "closing"):
                value = getattr(carry, stage)
                _add(cslot, stage, None if value is None else conv(value))
        for single in ("non_fiscal_balance_used", "surplus_distribution"):
            value = getattr(filing, single)
            _add(self.singles, single, None if value is None else conv(value))

    def _three_public(self, filing: Filing, conv: Callable[[Decimal], Decimal]) -> None:
        three = filing.three_public
        for item in _THREE_PUBLIC_ITEMS:
            entry = getattr(three, item)
            for stage in ("budget", "final"):
                value = getattr(entry, stage)
                self.three.setdefault((item, stage), None)
                _add_blank(self.three, (item, stage), None if value is None else conv(value))
        for item, count in _NEEDED_COUNTS:
            entry = getattr(three, item)
            value = getattr(entry, count)
            if value is None and entry.final is not None and entry.final > 0:
                self.unstated.add((item, count))
            _add_count(self.counts, (item, count), value)
        self.persons_approximate = self.persons_approximate or three.reception.persons_approximate
        foreign = three.reception.foreign
        if foreign is not None:
            self.foreign_given = True
            _add_blank(self.foreign_final, "final", None if foreign.final is None else conv(foreign.final))
            _add_count(self.foreign_counts, "batches", foreign.batches)
            _add_count(self.foreign_counts, "persons", foreign.persons)

    def _other_parts(self, filing: Filing, conv: Callable[[Decimal], Decimal]) -> None:
        def converted(value: Decimal | None) -> Decimal | None:
            return None if value is None else conv(value)

        if filing.operating_costs is None:
            self.operating = None
        elif self.operating is not None:
            self.operating["final"].add(conv(filing.operating_costs.final))
            self.operating["budget"].add(converted(filing.operating_costs.budget))
        if filing.procurement is None:
            self.procurement = None
        elif self.procurement is not None:
            for key in _PROCUREMENT_AMOUNTS:
                self.procurement[key].add(converted(getattr(filing.procurement, key)))
            self.procurement["total"].add(converted(_procurement_total(filing.procurement)))
        self._assets(filing.assets)
        for item in filing.budget.items:
            slot = self.budget_items[(item.code, item.fund)]
            for stage in ("initial", "adjusted"):
                _add(slot, stage, converted(getattr(item, stage)))
        for key, total in self.budget_totals.items():
            total.add(converted(getattr(filing.budget, key)))
        for key, prior in self.prior.items():
            prior.add(converted(getattr(filing.prior_year, key)))
        for key, prior in self.prior_three.items():
            prior.add(converted(getattr(filing.prior_year.three_public, key)))

    def _assets(self, assets: Assets | None) -> None:
        self.assets_given = self.assets_given or assets is not None
        if assets is None or assets.vehicles is None:
            self.vehicles = None
        elif self.vehicles is not None:
            for key in self.vehicles:
                self.vehicles[key] += getattr(assets.vehicles, key)
        equipment = assets.large_equipment if assets is not None else None
        if equipment is None:
            self.large_equipment = None
        elif self.large_equipment is not None:
            self.large_equipment += equipment
        date = assets.as_of if assets is not None else None
        if not self.as_of:
            self.as_of.append(date)
        elif self.as_of[0] != date:
            self.dates_differ = True

    # --- the 汇总 ---

    def filing(self, *, name: str | None, code: str | None, region: str | None,
               level: Level | None) -> Filing:
        head, year = self.head, self.year
        assert head is not None and year is not None
        department = Department(
            name=name or head.name,
            short_name=None if name else head.short_name,
            code=code if code is not None else head.code,
            region=region or head.region,
            level=level or head.level,
            units=tuple(self.units),
        )
        layouts = set(self.layouts)
        try:
            return Filing(
                year=year, unit=self.target, layout=layouts.pop() if len(layouts) == 1 else None,
                department=department,
                income=tuple(IncomeRow(code=c, name=_name(c, year, self.names), **values)
                             for c, values in sorted(self.income.items()) if values),
                expenditure=tuple(
                    ExpenditureRow(code=c, fund=fund, name=_name(c, year, self.names), **values)
                    for (c, fund), values in sorted(self.expenditure.items(),
                                                    key=lambda kv: (kv[0][0], _fund_order(kv[0][1])))
                    if values),
                basic_economic=tuple(
                    EconomicRow(code=c, name=None if codes.economic().name(year, c)
                                else self.economic_names.get(c), amount=v)
                    for c, v in sorted(self.economic.items())),
                carry_over=tuple(
                    CarryOver(fund=fund, code=c, opening=v.get("opening"), closing=v.get("closing"))
                    for (fund, c), v in sorted(self.carry.items(),
                                               key=lambda kv: (_fund_order(kv[0][0]), kv[0][1] or ""))),
                non_fiscal_balance_used=self.singles.get("non_fiscal_balance_used"),
                surplus_distribution=self.singles.get("surplus_distribution"),
                three_public=self._three_public_result(),
                operating_costs=self._operating_result(),
                procurement=self._procurement_result(),
                assets=self._assets_result(),
                budget=self._budget_result(),
                prior_year=PriorYear(
                    **{k: v.value for k, v in self.prior.items()},
                    three_public=PriorYearThreePublic(**{k: v.value for k, v in self.prior_three.items()})),
            )
        except ValidationError as exc:  # the sum of valid filings is valid; this would be a bug
            raise AssertionError(f"consolidated filing is invalid: {exc}") from exc

    def _count(self, item: str, count: str) -> int | None:
        return None if (item, count) in self.unstated else self.counts.get((item, count))

    def _three_public_result(self) -> ThreePublic:
        def amounts(item: str) -> dict[str, Decimal | None]:
            return {"budget": self.three[(item, "budget")], "final": self.three[(item, "final")]}

        reception_final = self.three[("reception", "final")]
        foreign: ForeignReception | None = None
        if self.foreign_given:
            foreign_final = self.foreign_final.get("final")
            if foreign_final is None or (reception_final is not None and foreign_final <= reception_final):
                foreign = ForeignReception(final=foreign_final, batches=self.foreign_counts.get("batches"),
                                           persons=self.foreign_counts.get("persons"))
        return ThreePublic(
            outbound=Outbound(**amounts("outbound"), groups=self._count("outbound", "groups"),
                              persons=self._count("outbound", "persons")),
            vehicle_purchase=VehiclePurchase(**amounts("vehicle_purchase"),
                                             vehicles=self._count("vehicle_purchase", "vehicles")),
            vehicle_operation=VehicleOperation(**amounts("vehicle_operation"),
                                               fleet=self._count("vehicle_operation", "fleet")),
            reception=Reception(**amounts("reception"), batches=self._count("reception", "batches"),
                                persons=self._count("reception", "persons"),
                                persons_approximate=self.persons_approximate, foreign=foreign),
        )

    def _operating_result(self) -> OperatingCosts | None:
        if self.operating is None:
            return None
        final = self.operating["final"].value
        assert final is not None
        return OperatingCosts(final=final, budget=self.operating["budget"].value)

    def _procurement_result(self) -> Procurement | None:
        if self.procurement is None:
            return None
        return Procurement(**{k: v.value for k, v in self.procurement.items()})

    def _assets_result(self) -> Assets | None:
        if not self.assets_given:
            return None
        vehicles = None if self.vehicles is None else Vehicles(**self.vehicles)
        as_of = None if self.dates_differ else self.as_of[0]
        if vehicles is None and self.large_equipment is None and as_of is None:
            return None
        return Assets(as_of=as_of, vehicles=vehicles, large_equipment=self.large_equipment)

    def _budget_result(self) -> Budget:
        ordered = sorted(self.budget_items.items(), key=lambda kv: (kv[0][0], _fund_order(kv[0][1])))
        return Budget(**{k: v.value for k, v in self.budget_totals.items()},
                      items=tuple(BudgetItem(code=c, fund=fund, **values) for (c, fund), values in ordered))


def _procurement_total(p: Procurement) -> Decimal | None:
    # a unit that gives the three parts but no total has the total they make (as the text does)
    if p.total is not None:
        return p.total
    parts = (p.goods, p.works, p.services)
    return None if any(v is None for v in parts) else sum((v for v in parts if v is not None), ZERO)


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

    sums = _Sums(target)
    for member in members:
        assert member.filing is not None
        sums.add(member.filing, removed.get(member.key, {}))
    filing = sums.filing(name=name, code=code, region=region, level=level)
    return Consolidation(filing, sort_findings(findings), tuple(eliminations), tuple(keys))


def _name(code: str, year: int, names: Mapping[str, str]) -> str | None:
    # the code list's name (left to the table builders); a unit's own only for a code it lacks
    return None if codes.functional().name(year, code) else names.get(code)


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
