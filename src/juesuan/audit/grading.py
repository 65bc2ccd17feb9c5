"""Interval arithmetic, and the grading of a figure a report prints against one recomputed.

Every derived figure is recomputed with **interval arithmetic** from the precision its
inputs are printed with: an amount printed to 0.01 万元 is known to ±0.005, so a share
printed from two such amounts is only known to lie in the interval of the ratio over
all inputs within half a unit. A printed figure is graded

* correct (``ok``) — it equals the recomputation from the printed inputs, rounded half-up
  to the decimals it is printed with;
* ``rounding`` (info, never an error) — it differs from that, but lies inside the
  interval rounded to its own decimals: unrounded inputs explain it;
* ``wrong`` (the rule's severity) — outside the interval.

A figure printed with fewer decimals than the convention (1.2% for 1.22%) is judged at
its own precision, and the missing decimals are a separate format finding (C.precision).

This module knows nothing of claims or tables: :mod:`juesuan.audit.claim_subject` finds the
inputs of a figure and recomputes it (:class:`Derived`), and the checks of
:mod:`juesuan.audit.text_checks` grade it with the functions here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from juesuan import tolerance
from juesuan.money import ZERO, round_half_up
from juesuan.tables.amounts import Amt

HUNDRED = Decimal(100)
PERCENT_PLACES = 2  # the convention for 占比、增减率、完成率 (GBC V33-232)
Grade = Literal["ok", "rounding", "wrong"]
# a percentage may also have been cut rather than rounded (99.86% for 99.868%)
PercentGrade = Literal["ok", "rounding", "truncated", "wrong"]


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


# --- grading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    """A percentage recomputed from the printed figures it is derived from."""

    point: Decimal  # from the printed inputs as printed
    interval: Interval  # over the inputs within their rounding errors
    formula: str  # how, with the figures: "2106.66 / 2940.05"


def grade_percent(printed: Decimal, places: int, derived: Derived) -> PercentGrade:
    """ok: the derived figure rounds to the printed one; rounding: some figure the printed
    inputs allow does; truncated: only cutting the digits (not rounding) gives it; wrong."""
    if round_half_up(derived.point, places) == printed:
        return "ok"
    low = round_half_up(derived.interval.lo, places)
    high = round_half_up(derived.interval.hi, places)
    if low <= printed <= high:
        return "rounding"
    quantum = Decimal(1).scaleb(-places)
    cut_low = derived.interval.lo.quantize(quantum, rounding=ROUND_DOWN)
    cut_high = derived.interval.hi.quantize(quantum, rounding=ROUND_DOWN)
    return "truncated" if cut_low <= printed <= cut_high else "wrong"


def grade_amounts(expected: Amt, found: Amt) -> Grade:
    return tolerance.grade(expected, found)


def pct(value: Decimal, places: int = PERCENT_PLACES) -> str:
    return f"{round_half_up(value, places):.{places}f}%"


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
