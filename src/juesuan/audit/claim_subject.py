"""The subject of the claim rules: the claims of one report, placed on its tables' cells.

:class:`ClaimSet` is what every rule of :mod:`juesuan.audit.claim_rules` reads. It holds the
claims :func:`juesuan.audit.claims.extract_claims` found in a report's text and, when they
were read, the report's tables, and answers the questions the checks of
:mod:`juesuan.audit.text_checks` ask of them:

* the amount a claim states, in the report's unit and with the error of its printed
  decimals (a total of a table with the rounding of that total, :mod:`juesuan.tolerance`);
* the claims a figure is derived from — the latest of a topic before it in its paragraph,
  section or document — found through indexes, not by scanning;
* the table cell a figure must agree with (:data:`juesuan.tables.figures.CELLS`; a 类 or 项
  by its name in the table of the fund its section is about);
* every percentage the text states that can be recomputed (:attr:`ClaimSet.derived`), with
  the interval the rounding of its inputs allows (:mod:`juesuan.audit.grading`).

It reports nothing itself; the helpers below it place a 类/款/项 path on a coded row.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

from juesuan import tolerance
from juesuan.audit.claim_model import Claim, Kind, Measure
from juesuan.audit.grading import HUNDRED, Derived, Interval, grade_amounts, hull, ratio_percent
from juesuan.money import WAN_PER_UNIT, ZERO, half_unit
from juesuan.rules.finding import Location
from juesuan.rules.registry import show
from juesuan.tables.amounts import Amt
from juesuan.tables.columns import PERSONNEL, PUBLIC
from juesuan.tables.figures import CELLS, EXPENDITURE_COLUMNS, INCOME_COLUMNS, SHARE_OF
from juesuan.tables.table import Row, Table, TableSet

# digits of a 类, 款 and 项 code (201, 20106, 2010601): a 类/款/项 path of more names names no row;
# fixed by the 功能分类 code list, pinned by test_claims.py::test_items_of_01
_CODE_LENGTHS = (3, 5, 7)
Scope = Literal["paragraph", "section", "document"]

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
    def _disagreements(self) -> dict[tuple[object, ...], tuple[int, int] | None]:
        return {}

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

    def values_disagree(self, claim: Claim) -> tuple[Claim, Claim] | None:
        """Two values of the claim's topic stated before it in its paragraph that no rounding
        makes one (收入总计267.07万元，支出总计213万元): which one a change or a rate is of is
        not known. Found once for each list of values (a prefix scan), not a scan a claim."""
        positions = self._positions("paragraph", True, claim.topic, Measure.VALUE, claim.paragraph,
                                    claim.subject)
        if len(positions) < 2:
            return None
        key = (claim.topic, claim.paragraph, claim.subject)
        if key not in self._disagreements:
            self._disagreements[key] = self._first_disagreement(positions)
        pair = self._disagreements[key]
        if pair is None or pair[1] >= bisect_left(positions, self.position[id(claim)]):
            return None
        return self.claims[positions[pair[0]]], self.claims[positions[pair[1]]]

    def _first_disagreement(self, positions: list[int]) -> tuple[int, int] | None:
        """The indexes in ``positions`` of the first value read and of the first value after it
        that no rounding makes the same, or None."""
        first: tuple[int, Amt] | None = None
        for k, p in enumerate(positions):
            amount = self.amount(self.claims[p])
            if amount is None:
                continue
            if first is None:
                first = (k, amount)
            elif grade_amounts(first[1], amount) == "wrong":
                return first[0], k
        return None

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

