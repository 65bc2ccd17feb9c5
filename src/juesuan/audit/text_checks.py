"""Checks of the figures a report states in its text: against each other and its tables.

Every derived figure is recomputed with **interval arithmetic** from the precision its
inputs are printed with: an amount printed to 0.01 万元 is known to ±0.005, so a share
printed from two such amounts is only known to lie in the interval of the ratio over
all inputs within half a unit. A printed figure is graded

* correct — it equals the recomputation from the printed inputs, rounded half-up to the
  decimals it is printed with;
* rounding (info, never an error) — it differs from that, but lies inside the
  interval rounded to its own decimals: unrounded inputs explain it;
* wrong (the rule's severity) — outside the interval.

A figure printed with fewer decimals than the convention (1.2% for 1.22%) is judged at
its own precision, and the missing decimals are a separate format finding (C.precision).

The rules themselves are listed in :mod:`juesuan.audit.claim_rules` (scope ``claims``);
:func:`juesuan.audit.claim_rules.check_claims` runs them on the claims of one report and,
when they were read, its tables.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

from juesuan import tolerance
from juesuan.audit.claims import TOPIC_NAMES, Claim, Kind, Measure
from juesuan.money import WAN_PER_UNIT, ZERO, half_unit, per_wan, round_half_up
from juesuan.rules.finding import Location, Severity
from juesuan.rules.registry import Report, show
from juesuan.tables.amounts import Amt
from juesuan.tables.columns import PERSONNEL, PUBLIC
from juesuan.tables.figures import (
    CELLS,
    COVERS,
    EXPENDITURE_COLUMNS,
    INCOME_COLUMNS,
    SHARE_OF,
    SUMS,
    THREE_PUBLIC,
)
from juesuan.tables.table import Row, Table, TableSet

HUNDRED = Decimal(100)
PERCENT_PLACES = 2  # the convention for 占比、增减率、完成率 (GBC V33-232)
# digits of a 类, 款 and 项 code (201, 20106, 2010601): a 类/款/项 path of more names names no row;
# fixed by the 功能分类 code list, pinned by test_claims.py::test_items_of_01
_CODE_LENGTHS = (3, 5, 7)
# half-units of its last decimal each share of a breakdown rounded to 100% may carry of the
# remainder (one unit per share); not calibrated on a case: the rounding bound
_REMAINDER_HALF_UNITS = 2
# 基本持平 is not said of a final and a budget further apart than this share of the budget; not
# calibrated on a case (01's 基本持平 items, test_claims.py::test_items_of_01, are equal): a judgement
_ROUGHLY_EQUAL = Decimal("0.01")
# characters of a reason quoted in a message; calibrated on test_claims_rules.py's case
# “持平 with a reason for a decrease (warning)”
_REASON_QUOTE_CHARS = 40
# an amount in 万元 printed with this many decimals (not the convention's two) is noted; calibrated
# on test_claims_rules.py's case “6.2万元 (info)”
_SHORT_AMOUNT_PLACES = 1
# a total is checked against the parts the text lists only when it lists at least this many;
# calibrated on 01's totals of 五（二）, 五（三） and 十一（二） (tests/fixtures/reports/01, L342/347/423;
# test_claims.py::test_rounding_in_01_is_only_info)
_MIN_PARTS = 2
# characters of a 三公 item's name (因公出国, 公务用车, 公务接待) that find the claim about it; calibrated
# on test_claims_rules.py's case “接待 0.76 without 批次/人次”
_ITEM_NAME_PREFIX = 4
Grade = Literal["ok", "rounding", "wrong"]
Scope = Literal["paragraph", "section", "document"]


# --- interval arithmetic ------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A closed interval [lo, hi] of Decimals."""

    lo: Decimal
    hi: Decimal

    @classmethod
    def around(cls, value: Decimal, error: Decimal) -> Interval:
        return cls(value - error, value + error)

    @classmethod
    def of(cls, amount: Amt) -> Interval:
        return cls.around(amount.value, amount.error)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def contains_zero(self) -> bool:
        return self.lo <= 0 <= self.hi

    def magnitude(self) -> Interval:
        """The interval of |x|."""
        if self.contains_zero():
            return Interval(ZERO, max(-self.lo, self.hi))
        return Interval(min(abs(self.lo), abs(self.hi)), max(abs(self.lo), abs(self.hi)))


def hull(f: Callable[..., Decimal], *intervals: Interval) -> Interval:
    """The range of ``f`` over the box of ``intervals``, from its corners.

    Exact for a function monotone in each argument over the box — every ratio checked
    here, once its denominator is known not to cross zero."""
    values = [f(*corner) for corner in itertools.product(*((i.lo, i.hi) for i in intervals))]
    return Interval(min(values), max(values))


def ratio_percent(numerator: Interval, denominator: Interval) -> Interval | None:
    """numerator / denominator × 100, or None when the denominator may be zero."""
    if denominator.contains_zero():
        return None
    return hull(lambda n, d: n / d * HUNDRED, numerator, denominator)


@dataclass(frozen=True)
class Derived:
    """A percentage recomputed from the printed figures it is derived from."""

    point: Decimal  # from the printed inputs as printed
    interval: Interval  # over the inputs within their rounding errors
    formula: str  # how, with the figures: "2106.66 / 2940.05"


def grade_percent(printed: Decimal, places: int, derived: Derived) -> Grade:
    if round_half_up(derived.point, places) == printed:
        return "ok"
    low = round_half_up(derived.interval.lo, places)
    high = round_half_up(derived.interval.hi, places)
    return "rounding" if low <= printed <= high else "wrong"


def grade_amounts(expected: Amt, found: Amt) -> Grade:
    return tolerance.grade(expected, found)


def pct(value: Decimal, places: int = PERCENT_PLACES) -> str:
    return f"{round_half_up(value, places):.{places}f}%"


# --- the subject --------------------------------------------------------------------------

VALUE_LIKE = (Measure.VALUE, Measure.FINAL)
# The figures of the text that state a total of a table — the sum of the table's rows — and
# the section of the table whose rows it adds up: their rounding is a total's
# (juesuan.tolerance.table_total), as in the table rules.
TABLE_TOTALS: dict[tuple[str, str], str | None] = {
    ("income_total", "value"): None,
    ("expenditure_total", "value"): None,
    ("general_budget", "value"): None,
    ("general_budget.basic", "value"): None,
    ("personnel", "value"): PERSONNEL,
    ("public", "value"): PUBLIC,
    **{(f"income.{c}", "value"): None for c in INCOME_COLUMNS},
    **{(f"expenditure.{c}", "value"): None for c in EXPENDITURE_COLUMNS},
}


def fund_table_of(section: str | None) -> tuple[int, str]:
    """The table (and its amount column) of the 类 and 项 a section of the text lists."""
    if section and "政府性基金" in section:
        return 8, "expenditure"
    if section and "国有资本经营" in section:
        return 9, "expenditure"
    return 5, "total"


def at(claim: Claim) -> Location:
    return Location(line=claim.line or None, page=claim.page, section=claim.section,
                    quote=claim.quote or None)


def norm(measure: Measure | None) -> str | None:
    """Measures that name the same figure: the 决算数 of a topic is its value."""
    if measure is None:
        return None
    return "value" if measure in VALUE_LIKE else measure.value


def clean_name(name: str) -> str:
    return re.sub(r"^[一二三四五六七八九十]+、|\s+", "", name)


@dataclass(frozen=True)
class ClaimSet:
    """What the claim rules read: the claims of one report and, if read, its tables."""

    claims: tuple[Claim, ...]
    tables: TableSet | None = None

    @cached_property
    def amount_unit(self) -> str:
        """The unit the report states amounts in: its tables', else most of its text's."""
        if self.tables is not None and self.tables.tables:
            return self.tables.tables[0].unit
        units = Counter(c.unit for c in self.claims
                        if c.kind is Kind.AMOUNT and c.unit in ("万元", "元"))
        return units.most_common(1)[0][0] if units else "万元"

    def unit_slip(self, claim: Claim) -> bool:
        """An amount in 元 where the report's figures are in 万元 (GBC R001)."""
        return (claim.kind is Kind.AMOUNT and claim.unit == "元" and self.amount_unit == "万元"
                and claim.topic is not None and claim.measure is not None)

    def total_amount(self, claim: Claim) -> tuple[Amt | None, int | None]:
        """:meth:`amount`, with the rounding of the table total it states when it states one
        (juesuan.tolerance); and the number of that table when it was not read (the rounding
        is then estimated)."""
        amount = self.amount(claim)
        key = (claim.topic or "", norm(claim.measure) or "")
        if amount is None or key not in TABLE_TOTALS or claim.subject is not None:
            return amount, None
        number, row_key, column = CELLS[key]
        table = self.tables.get(number) if self.tables is not None else None
        cell = tolerance.table_total(table, row_key, column, TABLE_TOTALS[key]) \
            if table is not None else None
        if cell is None:
            return tolerance.unread_total(amount), number
        return tolerance.stating(amount, cell), None

    def amount(self, claim: Claim) -> Amt | None:
        """The figure in the report's amount unit, with the error of its printed decimals;
        an amount in 元 slipped into a 万元 report is read as the 万元 it stands for."""
        if claim.value is None or claim.approximate:
            return None
        error = half_unit(claim.places)
        if claim.kind is Kind.COUNT:
            return Amt(claim.value, error if claim.places else ZERO)
        if claim.kind is not Kind.AMOUNT:
            return None
        unit = claim.unit
        if self.unit_slip(claim) or unit == self.amount_unit:
            return Amt(claim.value, error)
        scale = WAN_PER_UNIT.get(unit, Decimal(1)) / WAN_PER_UNIT.get(self.amount_unit, Decimal(1))
        return Amt(claim.value * scale, error * scale)

    @cached_property
    def numbered(self) -> list[tuple[int, Claim]]:
        return list(enumerate(self.claims))

    @cached_property
    def position(self) -> dict[int, int]:
        return {id(c): i for i, c in self.numbered}

    @cached_property
    def _indexes(self) -> dict[tuple[Scope, bool], dict[tuple[object, ...], list[int]]]:
        return {}

    def _positions(self, same: Scope, by_subject: bool, topic: str | None,
                   measure: Measure | None, place: object, subject: str | None) -> list[int]:
        """Positions (ascending) of the claims with a value of ``topic`` and ``measure`` in
        ``place`` (the paragraph or section for that scope) and, ``by_subject``, ``subject``:
        an index, so that finding the latest claim is not a scan of all before it."""
        index = self._indexes.get((same, by_subject))
        if index is None:
            index = defaultdict(list)
            for i, c in self.numbered:
                if c.value is None:
                    continue
                where = c.paragraph if same == "paragraph" else \
                    c.section if same == "section" else None
                index[(c.topic, c.measure, where, c.subject if by_subject else None)].append(i)
            self._indexes[(same, by_subject)] = index
        return index.get((topic, measure, place, subject if by_subject else None), [])

    def latest(self, claim: Claim, topic: str | None, measures: Iterable[Measure], *,
               subject: str | None = None, same: Scope = "paragraph",
               any_subject: bool = False) -> Claim | None:
        """The last claim before ``claim`` of ``topic`` with one of ``measures``."""
        limit = self.position[id(claim)]
        place = claim.paragraph if same == "paragraph" else \
            claim.section if same == "section" else None
        best = -1
        for measure in set(measures):
            positions = self._positions(same, not any_subject, topic, measure, place, subject)
            before = bisect_left(positions, limit)
            if before:
                best = max(best, positions[before - 1])
        return self.claims[best] if best >= 0 else None

    @cached_property
    def _later(self) -> dict[tuple[object, ...], tuple[list[int], list[int]]]:
        """Changes by (paragraph, sentence, topic) and reasons by (paragraph, sentence): the
        offsets in ascending order and, for each, the first position (in the order of the
        claims) of those at that offset or later."""
        found: dict[tuple[object, ...], list[tuple[int, int]]] = defaultdict(list)
        for i, c in self.numbered:
            if c.measure is Measure.CHANGE:
                found[(Measure.CHANGE, c.paragraph, c.sentence, c.topic)].append((c.offset, i))
            elif c.measure is Measure.REASON:
                found[(Measure.REASON, c.paragraph, c.sentence)].append((c.offset, i))
        index: dict[tuple[object, ...], tuple[list[int], list[int]]] = {}
        for key, entries in found.items():
            entries.sort()
            firsts = [i for _, i in entries]
            for k in range(len(firsts) - 2, -1, -1):
                firsts[k] = min(firsts[k], firsts[k + 1])
            index[key] = ([offset for offset, _ in entries], firsts)
        return index

    def first_after(self, measure: Measure, where: tuple[object, ...],
                    offset: int | None) -> int | None:
        """The position of the first claim of ``measure`` in ``where`` — (paragraph, sentence,
        topic) for a change, (paragraph, sentence) for a reason — whose offset is greater
        than ``offset`` (any offset for None)."""
        entry = self._later.get((measure, *where))
        if entry is None:
            return None
        offsets, firsts = entry
        k = 0 if offset is None else bisect_right(offsets, offset)
        return firsts[k] if k < len(firsts) else None

    def nearest(self, claim: Claim, topic: str, measures: Iterable[Measure]) -> Claim | None:
        """The claim of ``topic`` nearest before ``claim``, else the first after it."""
        wanted = tuple(measures)
        found = self.latest(claim, topic, wanted, same="document")
        if found is not None:
            return found
        first = [positions[0] for measure in set(wanted)
                 if (positions := self._positions("document", True, topic, measure, None, None))]
        return self.claims[min(first)] if first else None

    # --- table cells --------------------------------------------------------------

    @cached_property
    def _rows_by_name(self) -> dict[int, dict[tuple[int, str], list[Row]]]:
        tables = self.tables
        if tables is None:
            return {}
        return {n: rows_by_name(t) for n in (5, 8, 9) if (t := tables.get(n)) is not None}

    def cell(self, topic: str, measure: str, subject: str | None = None,
             section: str | None = None) -> tuple[Amt, str] | None:
        """The table cell the text's figure must agree with, and its description. A 类 or
        项 is looked up in the table of the fund its section is about: 表8 for 政府性基金,
        表9 for 国有资本经营, 表5 otherwise."""
        if self.tables is None:
            return None
        if topic in ("general_budget.class", "general_budget.item") and measure == "value":
            number, column = fund_table_of(section)
            table = self.tables.get(number)
            row = class_or_item_row(table, topic, subject, self._rows_by_name.get(number)) \
                if table is not None else None
            if table is None or row is None or column not in table.column_keys:
                return None
            label = "合计" if column == "total" else "本年支出"
            return cell_amount(table, row, column), f"表{number}“{row.name.strip()}”{label}"
        key = CELLS.get((topic, measure))
        if key is None:
            return None
        number, row_key, column = key
        table = self.tables.get(number)
        if table is None or table.find(row_key) is None or column not in table.column_keys:
            return None
        row = table.row(row_key)
        column_label = "·".join((*table.columns[table.column_index(column)].groups,
                                 table.columns[table.column_index(column)].label))
        return (cell_amount(table, row, column),
                f"表{number}“{clean_name(row.name)}”{column_label}")

    # --- derived percentages -------------------------------------------------------

    def budget_of(self, claim: Claim, reference: str | None) -> tuple[Claim | None, Amt | None]:
        """The budget a completion rate or a comparison refers to: text, else table."""
        kinds = {"budget": (Measure.BUDGET,), "adjusted_budget": (Measure.ADJUSTED_BUDGET,),
                 None: (Measure.BUDGET, Measure.ADJUSTED_BUDGET)}[reference]
        for kind in kinds:
            found = self.latest(claim, claim.topic, (kind,), subject=claim.subject)
            if found is not None:
                return found, self.amount(found)
        if claim.topic and reference != "adjusted_budget":
            cell = self.cell(claim.topic, "budget", claim.subject)
            if cell is not None:
                return None, cell[0]
        return None, None

    def final_of(self, claim: Claim) -> tuple[Claim | None, Amt | None]:
        found = self.latest(claim, claim.topic, VALUE_LIKE, subject=claim.subject)
        if found is not None:
            return found, self.amount(found)
        if claim.topic:
            cell = self.cell(claim.topic, "value", claim.subject)
            if cell is not None:
                return None, cell[0]
        return None, None

    @cached_property
    def derived(self) -> dict[int, Derived]:
        """Every percentage the checks can recompute, by claim position."""
        result: dict[int, Derived] = {}
        for i, claim in self.numbered:
            if claim.kind is not Kind.PERCENT or claim.value is None:
                continue
            found: Derived | None = None
            if claim.measure is Measure.SHARE:
                found = self._share(claim)
            elif claim.measure is Measure.COMPLETION:
                found = self._completion(claim)
            elif claim.measure in (Measure.CHANGE_PCT, Measure.BUDGET_DIFF_PCT):
                found = self._change_pct(claim)
            if found is not None:
                result[i] = found
        return result

    def _share(self, claim: Claim) -> Derived | None:
        part_claim = self.latest(claim, claim.topic, VALUE_LIKE, subject=claim.subject)
        part = self.amount(part_claim) if part_claim is not None else None
        denominator_topic = claim.reference or SHARE_OF.get(claim.topic or "")
        if part is None or denominator_topic is None:
            return None
        measures = VALUE_LIKE
        den_claim = self.nearest(claim, denominator_topic, measures)
        den = self.amount(den_claim) if den_claim is not None else None
        if den is None:
            cell = self.cell(denominator_topic, "value")
            den = cell[0] if cell is not None else None
        if den is None or den.value == 0:
            return None
        interval = ratio_percent(Interval.of(part), Interval.of(den))
        if interval is None:
            return None
        return Derived(part.value / den.value * HUNDRED, interval,
                       f"{show(part.value)} / {show(den.value)}")

    def _completion(self, claim: Claim) -> Derived | None:
        _, budget = self.budget_of(claim, claim.reference)
        _, final = self.final_of(claim)
        if budget is None or final is None or budget.value == 0:
            return None
        interval = ratio_percent(Interval.of(final), Interval.of(budget))
        if interval is None:
            return None
        return Derived(final.value / budget.value * HUNDRED, interval,
                       f"{show(final.value)} / {show(budget.value)}")

    def change_inputs(self, claim: Claim) -> tuple[Amt | None, Amt | None, Claim | None]:
        """(current, base, change amount claim) of a change or a budget difference:
        base is last year's figure (PRIOR) or the budget."""
        budget_diff = claim.measure in (Measure.BUDGET_DIFF, Measure.BUDGET_DIFF_PCT)
        base_measures = (Measure.BUDGET, Measure.ADJUSTED_BUDGET) if budget_diff else (
            Measure.PRIOR,)
        current_claim = self.latest(claim, claim.topic, VALUE_LIKE, subject=claim.subject)
        if current_claim is None and not budget_diff:
            current_claim = self.latest(claim, claim.topic, VALUE_LIKE, subject=claim.subject,
                                        same="section")
        base_claim = self.latest(claim, claim.topic, base_measures, subject=claim.subject)
        amount_measure = Measure.BUDGET_DIFF if budget_diff else Measure.CHANGE
        change_claim = None
        if claim.kind is Kind.PERCENT:
            change_claim = self.latest(claim, claim.topic, (amount_measure,),
                                       subject=claim.subject)
            if change_claim is not None and change_claim.sentence != claim.sentence:
                change_claim = None
        current = self.amount(current_claim) if current_claim is not None else None
        base = self.amount(base_claim) if base_claim is not None else None
        return current, base, change_claim

    def _change_pct(self, claim: Claim) -> Derived | None:
        current, base, change_claim = self.change_inputs(claim)
        change = self.amount(change_claim) if change_claim is not None else None
        if current is not None and base is not None:
            if Interval.of(base).contains_zero():
                return None
            # by the corners of (current, base): the base is in numerator and denominator
            interval = hull(lambda c, b: (c - b) / b * HUNDRED, Interval.of(current),
                            Interval.of(base))
            point = (current.value - base.value) / base.value * HUNDRED
            how = f"({show(current.value)} − {show(base.value)}) / {show(base.value)}"
            if claim.value is not None and claim.value < 0:  # a signed rate: 差异率-4.46%
                return Derived(point, interval, how)
            return Derived(abs(point), interval.magnitude(), how)
        if change is None or change_claim is None:
            return None
        if base is not None:
            rate = ratio_percent(Interval.of(change), Interval.of(base))
            if rate is None or base.value == 0:
                return None
            return Derived(change.value / base.value * HUNDRED, rate,
                           f"{show(change.value)} / {show(base.value)}")
        direction = change_claim.direction
        if current is None or direction not in (1, -1):
            return None
        assert direction is not None
        base_interval = Interval.of(current) - (
            Interval.of(change) if direction == 1 else Interval(-change.value - change.error,
                                                                -change.value + change.error))
        if base_interval.contains_zero():
            return None
        s = Decimal(direction)
        interval = hull(lambda c, d: d / (c - s * d) * HUNDRED, Interval.of(current),
                        Interval.of(change))
        base_value = current.value - s * change.value
        if base_value == 0:
            return None
        sign = "−" if direction == 1 else "+"
        return Derived(change.value / base_value * HUNDRED, interval,
                       f"{show(change.value)} / ({show(current.value)} {sign} "
                       f"{show(change.value)})")


def cell_amount(table: Table, row: Row, column: str) -> Amt:
    index = table.column_index(column)
    value = row.values[index]
    return Amt(value if isinstance(value, Decimal) else ZERO, row.error(index))


def rows_by_name(table: Table) -> dict[tuple[int, str], list[Row]]:
    """The coded rows of a table by the length of their code and their name (cleaned)."""
    found: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for r in table.coded_rows():
        if r.code is not None:
            found[(len(r.code), clean_name(r.name))].append(r)
    return found


def class_or_item_row(table: Table, topic: str, subject: str | None,
                      by_name: dict[tuple[int, str], list[Row]] | None = None) -> Row | None:
    """The 表5 row of a 类 named in the text, or of a 类/款/项 path (``by_name``: the
    table's :func:`rows_by_name`, when the caller keeps it)."""
    if not subject:
        return None
    names = [clean_name(part) for part in subject.split("/")]
    if topic == "general_budget.class":
        names = names[:1]
    if len(names) > len(_CODE_LENGTHS):  # a name with "/" in it: the path does not name a 类/款/项 row
        return None
    if by_name is None:
        by_name = rows_by_name(table)
    parent: str | None = None
    row: Row | None = None
    for depth, name in enumerate(names):
        length = _CODE_LENGTHS[depth]
        row = next((r for r in by_name.get((length, name), ())
                    if r.code is not None and (parent is None or r.code.startswith(parent))),
                   None)
        if row is None or row.code is None:
            return None
        parent = row.code
    return row


# --- the checks (listed in juesuan.audit.claim_rules) -------------------------------------


def check_malformed(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.malformed:
            report.fail(f"数字“{claim.text}”书写有误：{claim.malformed}", at(claim),
                        expected="规范的数字", found=claim.text)


def check_unit(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.kind is not Kind.AMOUNT or claim.value is None:
            continue
        if claim.unit == "万":
            report.fail(f"“{claim.name}”{claim.text}的金额单位不完整，应为“万元”", at(claim),
                        expected="万元", found="万", severity=Severity.WARNING)
            continue
        if not subject.unit_slip(claim):
            continue
        assert claim.topic is not None and claim.measure is not None
        as_wan = Amt(claim.value, half_unit(claim.places))
        yuan = per_wan("元")
        as_yuan = Amt(claim.value / yuan, half_unit(claim.places) / yuan)
        cell = subject.cell(claim.topic, norm(claim.measure) or "", claim.subject)
        if cell is not None:
            table_amount, where = cell
            if grade_amounts(table_amount, as_yuan) != "wrong":
                continue  # really 元: the same figure as the table's 万元
            if grade_amounts(table_amount, as_wan) == "wrong":
                continue  # neither: C.table reports the figure
            report.fail(f"“{claim.name}”写作 {claim.text}，与{where} {show(table_amount.value)}"
                        f"{subject.amount_unit}数值相同：单位应为“万元”", at(claim),
                        expected=f"{claim.value}万元", found=claim.text)
        else:
            report.fail(f"“{claim.name}”写作 {claim.text}，而说明中其余金额均以万元为单位："
                        "单位可能应为“万元”", at(claim), expected=f"{claim.value}万元",
                        found=claim.text, severity=Severity.WARNING)


def check_table(subject: ClaimSet, report: Report) -> None:
    if subject.tables is None:
        return
    for claim in subject.claims:
        if claim.kind is not Kind.AMOUNT or claim.topic is None or claim.value is None:
            continue
        measure = norm(claim.measure)
        if measure not in ("value", "budget"):
            continue
        cell = subject.cell(claim.topic, measure, claim.subject, claim.section)
        found = subject.amount(claim)
        if cell is None or found is None:
            number = fund_table_of(claim.section)[0]
            if claim.topic in ("general_budget.class", "general_budget.item") and \
                    measure == "value" and subject.tables.get(number) is not None:
                report.fail(f"说明中的“{claim.name}”{claim.text}在表{number}中找不到对应的行",
                            at(claim), expected=f"表{number}中的对应科目", found=claim.subject,
                            severity=Severity.WARNING)
            continue
        expected, where = cell
        grade = grade_amounts(expected, found)
        if grade == "ok":
            continue
        unit = subject.amount_unit
        detail = (f"说明中“{claim.name}”为 {show(found.value)}{unit}，{where}为 "
                  f"{show(expected.value)}{unit}，差额 {show(found.value - expected.value)}{unit}")
        allowed = tolerance.allowed(expected, found)
        if grade == "rounding":
            report.fail(f"{detail}，在四舍五入误差范围内（允许 ±{show(allowed)}）", at(claim),
                        expected=show(expected.value), found=show(found.value),
                        severity=Severity.INFO, tolerance=allowed)
        else:
            report.fail(detail, at(claim), expected=show(expected.value), found=show(found.value),
                        tolerance=allowed)


def _judge(report: Report, subject: ClaimSet, claim: Claim, derived: Derived, what: str,
           note: Callable[[Claim, Derived], str | None] | None = None) -> None:
    assert claim.value is not None
    places = claim.places
    grade = grade_percent(claim.value, places, derived)
    if grade == "ok":
        return
    low = round_half_up(derived.interval.lo, places)
    high = round_half_up(derived.interval.hi, places)
    span = pct(low, places) if low == high else f"{pct(low, places)}～{pct(high, places)}"
    detail = (f"{what}：按说明所列数字 {derived.formula} 计算为 {pct(derived.point, places)}，"
              f"文中为 {pct(claim.value, places)}")
    if grade == "rounding":
        report.fail(f"{detail}；所列数字为四舍五入后的数，原数可得 {span}，在四舍五入误差范围内",
                    at(claim), expected=pct(derived.point, places), found=pct(claim.value, places),
                    severity=Severity.INFO)
        return
    extra = note(claim, derived) if note is not None else None
    if extra:
        report.fail(f"{detail}（{extra}）", at(claim), expected=pct(derived.point, places),
                    found=pct(claim.value, places), severity=Severity.INFO)
        return
    report.fail(f"{detail}，四舍五入误差范围为 {span}", at(claim),
                expected=pct(derived.point, places), found=pct(claim.value, places))


def check_share(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    shares: dict[int, list[Decimal]] = defaultdict(list)  # the shares of each sentence
    for c in subject.claims:
        if c.measure is Measure.SHARE and c.value is not None:
            shares[c.sentence].append(c.value)
    for i, claim in subject.numbered:
        if claim.measure is not Measure.SHARE or i not in derived:
            continue

        def balanced(claim: Claim, found: Derived) -> str | None:
            """Shares of one breakdown forced to add up to 100%: the last one takes the
            rounding remainder. Info, not an error, when the gap is that remainder."""
            siblings = shares.get(claim.sentence, [])
            total = sum(siblings, ZERO)
            gap = abs(round_half_up(found.point, claim.places) - (claim.value or ZERO))
            if len(siblings) > 1 and total == HUNDRED and \
                    gap <= half_unit(claim.places) * _REMAINDER_HALF_UNITS * len(siblings):
                return (f"各项占比合计凑整为 100%，此项承担了四舍五入的尾差 "
                        f"{show(gap)} 个百分点")
            return None

        _judge(report, subject, claim, derived[i], f"“{claim.name}”", balanced)


def check_completion(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    for i, claim in subject.numbered:
        if claim.measure is Measure.COMPLETION and i in derived:
            _judge(report, subject, claim, derived[i], f"“{claim.name}”")


def check_budget_zero(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.measure is not Measure.COMPLETION:
            continue
        budget_claim, budget = subject.budget_of(claim, claim.reference)
        if budget is None or budget.value != 0:
            continue
        source = f"年初预算为 {budget_claim.text}" if budget_claim is not None else \
            "表7中预算数为0"
        name = TOPIC_NAMES.get(claim.topic or "", "")
        report.fail(f"“{name}”{source}，却表述为“完成预算的{claim.text}”：预算为0时完成率无意义，"
                    "应改为说明无预算（或按全年预算表述）", at(claim),
                    expected="不表述完成率", found=f"完成预算的{claim.text}")


def check_change(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    for i, claim in subject.numbered:
        if claim.value is None:
            continue
        if claim.measure in (Measure.CHANGE, Measure.BUDGET_DIFF) and claim.kind is Kind.AMOUNT:
            current, base, _ = subject.change_inputs(claim)
            found = subject.amount(claim)
            if current is None or base is None or found is None:
                continue
            expected = Amt(abs(current.value - base.value), current.error + base.error)
            grade = grade_amounts(expected, found)
            if grade == "ok":
                continue
            versus = "预算数" if claim.measure is Measure.BUDGET_DIFF else "上年数"
            detail = (f"“{claim.name}”：按说明所列本年数 {show(current.value)} 与{versus} "
                      f"{show(base.value)} 计算应为 {show(expected.value)}，文中为 "
                      f"{show(found.value)}")
            allowed = tolerance.allowed(expected, found)
            if grade == "rounding":
                report.fail(f"{detail}，在四舍五入误差范围内", at(claim),
                            expected=show(expected.value), found=show(found.value),
                            severity=Severity.INFO, tolerance=allowed)
            else:
                report.fail(detail, at(claim), expected=show(expected.value),
                            found=show(found.value), tolerance=allowed)
        elif claim.measure in (Measure.CHANGE_PCT, Measure.BUDGET_DIFF_PCT):
            if i in derived:
                _judge(report, subject, claim, derived[i], f"“{claim.name}”")
            elif claim.measure is Measure.CHANGE_PCT:
                current, base, change_claim = subject.change_inputs(claim)
                if (base is not None and base.value == 0) or (
                        change_claim is not None and current is not None
                        and change_claim.value == current.value and change_claim.direction == 1):
                    report.fail(f"“{claim.name}”{claim.text}：上年数为0，增减率无法计算，"
                                "宜说明为新增", at(claim), expected="不表述增减率",
                                found=claim.text, severity=Severity.INFO)


def check_direction(subject: ClaimSet, report: Report) -> None:
    claims = subject.claims
    for claim in claims:
        measure = claim.measure
        if measure in (Measure.CHANGE, Measure.CHANGE_PCT, Measure.BUDGET_DIFF,
                       Measure.BUDGET_DIFF_PCT) and claim.word:
            if claim.direction is None:
                continue  # “下降（增长）”: a template choice left in (A.template-text)
            _direction_against_numbers(subject, report, claim)
            if measure in (Measure.CHANGE_PCT, Measure.BUDGET_DIFF_PCT):
                _, _, change_claim = subject.change_inputs(claim)
                if change_claim is not None and None not in (change_claim.direction,
                                                             claim.direction) and \
                        change_claim.direction != claim.direction:
                    report.fail(f"“{claim.name}”：金额“{change_claim.word}{change_claim.text}”"
                                f"与比率“{claim.word}{claim.text}”的方向相反", at(claim),
                                expected=change_claim.word, found=claim.word)
        elif measure is Measure.COMPARISON:
            _comparison(subject, report, claim)
        elif measure is Measure.TREND:
            _trend(subject, report, claim)


def grade_direction(direction: int, final: Amt, base: Amt) -> Grade:
    """Does ``final`` compare with ``base`` as ``direction`` says (+1 more, −1 less, 0 equal)?
    A direction only unrounded figures could bear out is rounding, not wrong."""
    diff = Interval.of(final) - Interval.of(base)
    point = final.value - base.value
    if (direction == 1 and point > 0) or (direction == -1 and point < 0) or (
            direction == 0 and point == 0):
        return "ok"
    possible = diff.hi > 0 if direction == 1 else diff.lo < 0 if direction == -1 else \
        diff.contains_zero()
    return "rounding" if possible else "wrong"


def _truth(point: Decimal, words: tuple[str, str, str]) -> str:
    return words[0] if point > 0 else words[1] if point < 0 else words[2]


def _direction_against_numbers(subject: ClaimSet, report: Report, claim: Claim) -> None:
    current, base, _ = subject.change_inputs(claim)
    if current is None or base is None or claim.direction is None:
        return
    grade = grade_direction(claim.direction, current, base)
    if grade == "ok":
        return
    versus = "预算数" if claim.measure in (Measure.BUDGET_DIFF, Measure.BUDGET_DIFF_PCT) \
        else "上年数"
    truth = _truth(current.value - base.value, ("增加", "减少", "持平"))
    message = (f"“{claim.name}”写作“{claim.word}”，而本年数 {show(current.value)} 与{versus} "
               f"{show(base.value)} 相比为{truth}")
    if grade == "rounding":
        report.fail(f"{message}，原数的增减方向在四舍五入误差范围内无法确定", at(claim),
                    expected=truth, found=claim.word, severity=Severity.INFO)
    else:
        report.fail(message, at(claim), expected=truth, found=claim.word)


def _comparison(subject: ClaimSet, report: Report, claim: Claim) -> None:
    _, final = subject.final_of(claim)
    if final is None or claim.direction is None:
        return
    budgets = [subject.budget_of(claim, reference)[1] for reference in (
        [claim.reference] if claim.reference else ["budget", "adjusted_budget"])]
    candidates = [b for b in budgets if b is not None]
    if not candidates:
        return
    # “决算数小于预算数” without 年初/全年 may mean either budget the text states
    direction = claim.direction
    budget = next((b for b in candidates if grade_direction(direction, final, b) == "ok"),
                  candidates[0])
    grade = grade_direction(direction, final, budget)
    if grade == "ok":
        return
    point = final.value - budget.value
    truth = "决算数" + _truth(point, ("大于", "小于", "等于")) + "预算数"
    message = (f"“{claim.name}”写作“{claim.text}”，而决算数 {show(final.value)}、预算数 "
               f"{show(budget.value)}：{truth}")
    if grade == "rounding":
        report.fail(f"{message}，在四舍五入误差范围内", at(claim), expected=truth,
                    found=claim.text, severity=Severity.INFO)
    elif direction == 0 and (claim.word or "").startswith("基本"):
        relative = abs(point) / abs(budget.value) if budget.value else Decimal(1)
        if relative > _ROUGHLY_EQUAL:
            report.fail(f"{message}，相差 {pct(relative * HUNDRED)}：不宜表述为基本持平",
                        at(claim), expected=truth, found=claim.text, severity=Severity.WARNING)
    else:
        report.fail(message, at(claim), expected=truth, found=claim.text)


def _trend(subject: ClaimSet, report: Report, claim: Claim) -> None:
    if claim.topic is None:
        return
    change = subject.latest(claim, claim.topic, (Measure.CHANGE,), subject=claim.subject)
    if change is None:  # the first change of the topic later in the sentence
        later = subject.first_after(Measure.CHANGE, (claim.paragraph, claim.sentence, claim.topic),
                                    claim.offset)
        change = subject.claims[later] if later is not None else None
    if change is not None and change.value:
        report.fail(f"“{claim.name}”表述为“{claim.text}”，而同段写有“{change.word}"
                    f"{change.text}”", at(claim), expected=f"{change.word}{change.text}",
                    found=claim.text)
        return
    # the first reason after it in its sentence or the next one (of the paragraph)
    later_reasons = [
        subject.first_after(Measure.REASON, (claim.paragraph, claim.sentence), claim.offset),
        subject.first_after(Measure.REASON, (claim.paragraph, claim.sentence + 1), None)]
    first = min((i for i in later_reasons if i is not None), default=None)
    reason = subject.claims[first] if first is not None else None
    if reason is not None and reason.direction in (1, -1):
        said = "增加" if reason.direction == 1 else "减少"
        report.fail(f"“{claim.name}”表述为“{claim.text}”，但随后的原因说明的是{said}"
                    f"（“{reason.text[:_REASON_QUOTE_CHARS]}”）：持平不需要原因，或增减情况表述有误", at(claim),
                    expected=f"说明{said}的金额和比率", found=claim.text,
                    severity=Severity.WARNING)


def check_reason_missing(subject: ClaimSet, report: Report) -> None:
    reasons: dict[int, list[Claim]] = defaultdict(list)
    for claim in subject.claims:
        if claim.measure is Measure.REASON:
            reasons[claim.paragraph].append(claim)
    last_reason = {paragraph: max(r.sentence for r in found) for paragraph, found in reasons.items()}
    # A reason given for the “三公”经费 as a whole (决算数小于预算数的主要原因是…) covers the
    # items listed after it in the same section, as in the 2020 Hubei form.
    group_reason = {c.section for c in subject.claims
                    if c.topic == "three_public" and c.paragraph in reasons}
    reported: set[tuple[int, str | None, str | None]] = set()
    for claim in subject.claims:
        why = _needs_reason(subject, claim)
        if why is None:
            continue
        if claim.topic in THREE_PUBLIC[1:] and claim.section in group_reason and \
                claim.measure is Measure.FINAL:
            continue
        key = (claim.paragraph, claim.topic, claim.subject)
        if key in reported:
            continue
        if last_reason.get(claim.paragraph, -1) >= claim.sentence:
            continue
        reported.add(key)
        report.fail(f"“{claim.name}”{why}，但未说明主要原因", at(claim),
                    expected="主要原因：…", found="未说明")


def _needs_reason(subject: ClaimSet, claim: Claim) -> str | None:
    if claim.topic is None or claim.topic.startswith(("year", "performance.rated")):
        return None
    if claim.measure in (Measure.CHANGE, Measure.BUDGET_DIFF) and claim.value and \
            claim.direction in (1, -1):
        return f"{claim.word}{claim.text}"
    if claim.measure is Measure.COMPARISON and claim.direction in (1, -1):
        return f"“{claim.text}”"
    if claim.measure in (Measure.FINAL,) and claim.kind is Kind.AMOUNT:
        budget_claim = subject.latest(claim, claim.topic, (Measure.BUDGET,
                                                           Measure.ADJUSTED_BUDGET),
                                      subject=claim.subject)
        final = subject.amount(claim)
        budget = subject.amount(budget_claim) if budget_claim is not None else None
        if budget is not None and final is not None and \
                grade_amounts(budget, final) == "wrong":
            return f"决算数 {claim.text} 与预算数 {budget_claim.text if budget_claim else ''} 不同"
    return None


def check_duplicate(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.measure is Measure.DUPLICATE:
            half = claim.text[: len(claim.text) // 2]
            report.fail(f"“{claim.text}”重复：应为“{half}”", at(claim), expected=half,
                        found=claim.text)


def check_precision(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    for i, claim in subject.numbered:
        if claim.value is None:
            continue
        if claim.kind is Kind.PERCENT and claim.measure in (
                Measure.SHARE, Measure.COMPLETION, Measure.CHANGE_PCT, Measure.BUDGET_DIFF_PCT) \
                and claim.places < PERCENT_PLACES:
            found = derived.get(i)
            if found is not None and round_half_up(found.point, PERCENT_PLACES) != \
                    round_half_up(claim.value, PERCENT_PLACES):
                report.fail(f"“{claim.name}”写作 {claim.text}，只保留了{claim.places}位小数，"
                            f"按两位小数应为 {pct(found.point)}", at(claim),
                            expected=pct(found.point), found=claim.text,
                            severity=Severity.WARNING)
            else:
                shown = pct(claim.value)
                report.fail(f"“{claim.name}”写作 {claim.text}，百分比应保留两位小数（{shown}）",
                            at(claim), expected=shown, found=claim.text,
                            severity=Severity.INFO)
        elif claim.kind is Kind.AMOUNT and claim.unit == "万元" and claim.places == _SHORT_AMOUNT_PLACES and \
                claim.measure is not None:
            shown = f"{claim.value:.2f}万元"
            report.fail(f"“{claim.name}”写作 {claim.text}，金额应保留两位小数（{shown}）",
                        at(claim), expected=shown, found=claim.text, severity=Severity.INFO)


def check_total(subject: ClaimSet, report: Report) -> None:
    """A total the text states against the parts it lists (其中：…). A figure that states a
    total of a table carries that total's rounding (the rows it adds up), as in the table
    rules (X7 for 基本支出 = 人员经费 + 公用经费): the same identity, the same severity."""
    by_section: dict[str | None, list[Claim]] = defaultdict(list)
    for claim in subject.claims:
        if claim.value is not None and claim.topic is not None:
            by_section[claim.section].append(claim)
    for claims in by_section.values():
        for total_topic, measure, part_topics in SUMS:
            totals = [c for c in claims if c.topic == total_topic and norm(c.measure) == measure
                      and c.subject is None]
            if not totals:
                continue
            total_claim = totals[-1]
            parts: dict[tuple[str, str | None], Claim] = {}
            for c in claims:
                if c.topic in part_topics and norm(c.measure) == measure:
                    parts[(c.topic, c.subject)] = c
            for whole, covered in COVERS.items():
                if any(topic == whole for topic, _ in parts):
                    parts = {k: c for k, c in parts.items() if k[0] not in covered}
            stated = [subject.total_amount(c) for c in parts.values()]
            total, unread_total = subject.total_amount(total_claim)
            if len(parts) < _MIN_PARTS or total is None or any(a is None for a, _ in stated):
                continue
            unread = sorted({n for n in (unread_total, *(n for _, n in stated)) if n is not None})
            expected = tolerance.summed(Amt(sum((a.value for a, _ in stated if a is not None), ZERO)),
                                        (a for a, _ in stated if a is not None))
            grade = grade_amounts(expected, total)
            if grade == "ok":
                continue
            if grade == "rounding" and unread:
                # within the estimate for the unread tables: within the figures' own rounding?
                printed = [subject.amount(c) for c in parts.values()]
                own_total = subject.amount(total_claim)
                assert own_total is not None
                own = Amt(expected.value, sum((a.error for a in printed if a is not None), ZERO))
                if grade_amounts(own, own_total) == "rounding":
                    expected, total, unread = own, own_total, []
            listed = " + ".join(c.text for c in parts.values())
            shown = show if total_claim.kind is Kind.AMOUNT else (lambda v: f"{v:f}")
            detail = (f"“{total_claim.name}”{total_claim.text}应等于所列各项之和 {listed} = "
                      f"{shown(expected.value)}，差额 {shown(total.value - expected.value)}")
            limit = tolerance.allowed(expected, total)
            allowed = show(limit)
            if grade == "rounding" and unread:
                tables = "、".join(f"表{n}" for n in unread)
                report.fail(f"{detail}：{tables}未能读出，不知其合计由多少行相加，按至多 "
                            f"{tolerance.UNREAD_TOTAL_ROWS} 行的四舍五入误差估计（允许 ±{allowed}），"
                            "差额可能是四舍五入所致，请核对", at(total_claim),
                            expected=show(expected.value), found=show(total.value),
                            severity=Severity.WARNING, tolerance=limit)
            elif grade == "rounding":
                report.fail(f"{detail}，在四舍五入误差范围内（允许 ±{allowed}）", at(total_claim),
                            expected=show(expected.value), found=show(total.value),
                            severity=Severity.INFO, tolerance=limit)
            elif expected.value > total.value:
                report.fail(f"{detail}：各项之和大于合计（允许 ±{allowed}）", at(total_claim),
                            expected=show(expected.value), found=show(total.value),
                            tolerance=limit)
            else:
                report.fail(f"{detail}：各项之和小于合计，可能有未列出的项目（允许 ±{allowed}）",
                            at(total_claim), expected=show(expected.value), found=show(total.value),
                            severity=Severity.WARNING, tolerance=limit)


def check_repeat(subject: ClaimSet, report: Report) -> None:
    first: dict[tuple[str, str | None, str], Claim] = {}
    for claim in subject.claims:
        measure = norm(claim.measure)
        if claim.kind is not Kind.AMOUNT or claim.topic is None or \
                measure not in ("value", "budget", "adjusted_budget"):
            continue
        key = (claim.topic, claim.subject, measure)
        earlier = first.setdefault(key, claim)
        if earlier is claim:
            continue
        a, b = subject.amount(earlier), subject.amount(claim)
        if a is None or b is None:
            continue
        grade = grade_amounts(a, b)
        if grade == "wrong":
            report.fail(f"“{claim.name}”前后不一致：第{earlier.line}行为 {earlier.text}，此处为 "
                        f"{claim.text}", at(claim), expected=earlier.text, found=claim.text)


def check_year(subject: ClaimSet, report: Report) -> None:
    stated = [c for c in subject.claims if c.measure is Measure.REPORT_YEAR and c.value]
    if subject.tables is not None:
        year = subject.tables.year
    elif stated:
        counts = Counter(int(c.value) for c in stated if c.value is not None)
        year = max(counts, key=lambda y: (counts[y], y))
    else:
        return
    for claim in subject.claims:
        if claim.value is None or claim.kind is not Kind.YEAR or claim.heading:
            continue  # headings: A.year
        if claim.measure is Measure.REPORT_YEAR and int(claim.value) != year:
            report.fail(f"报告年度为{year}年，此处写作“{claim.text}”", at(claim),
                        expected=f"{year}年", found=claim.text)
        elif claim.measure is Measure.PRIOR_YEAR and int(claim.value) != year - 1:
            report.fail(f"与上年比较应为{year - 1}年度，此处写作“{claim.text}”", at(claim),
                        expected=f"{year - 1}年", found=claim.text)


# What a 项 is for, by the words of its name: (words of the name, words its 主要用于 may use).
PURPOSES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("住房公积金",), ("公积金",)),
    (("购房补贴",), ("购房",)),
    (("提租补贴",), ("租",)),
    (("医疗",), ("医疗", "医保")),
    (("职业年金",), ("年金",)),
    (("养老",), ("养老", "退休", "离休")),
    (("离退休", "退休"), ("退休", "离休")),
]


def check_purpose(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.measure is not Measure.PURPOSE or claim.topic != "general_budget.item" or \
                not claim.subject:
            continue
        name = claim.subject.split("/")[-1]
        own = next((words for keys, words in PURPOSES if any(k in name for k in keys)), None)
        if own is None or any(w in claim.text for w in own):
            continue
        foreign = sorted({w for _, words in PURPOSES for w in words
                          if w not in own and w in claim.text})
        if foreign:
            said = "、".join(foreign)
            item = claim.name.removesuffix("主要用途")
            report.fail(f"“{item}”的主要用途写作“{claim.text}”，说的是{said}，"
                        f"与科目“{name}”不符", at(claim), expected=f"{name}的用途",
                        found=claim.text)


# 三公 items, the 表7 决算数 column that shows them spent, and the counts the text must give
# (部门决算公开模板 七（二）: 团组、人次; 购置车辆数、保有量; 接待批次、人次).
THREE_PUBLIC_COUNTS = (
    ("outbound.final", "因公出国（境）费", {"个", "人次", "人", "批"}, ("团组", "出国", "出境"),
     "团组数和人次"),
    ("vehicle.final", "公务用车购置及运行维护费", {"辆"}, (), "车辆购置数或保有量"),
    ("reception.final", "公务接待费", {"批次", "次", "批", "人次", "人"}, ("接待",), "接待批次和人次"),
)


def check_three_public_counts(subject: ClaimSet, report: Report) -> None:
    """Spending on a 三公 item in 表7 needs its counts in the 三公 section of the text."""
    t7 = subject.tables.get(7) if subject.tables is not None else None
    if t7 is None or not t7.rows:
        return
    in_section = [c for c in subject.claims if c.section and "三公" in c.section]
    if not in_section:
        return  # no 三公 section in the text: the completeness rules report that
    row = t7.rows[0]
    for column, name, units, words, counts in THREE_PUBLIC_COUNTS:
        if column not in t7.column_keys:
            continue
        spent = row.values[t7.column_index(column)]
        if not isinstance(spent, Decimal) or spent <= 0:
            continue
        stated = any(c.kind is Kind.COUNT and c.unit in units
                     and (not words or any(w in c.quote for w in words)) for c in in_section)
        if not stated:
            about = next((c for c in in_section if name[:_ITEM_NAME_PREFIX] in c.quote), in_section[0])
            report.fail(f"表7 {name}决算数为 {show(spent)}万元，但“三公”经费说明中没有{counts}",
                        at(about), expected=counts, found="未说明")
