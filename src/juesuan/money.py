"""Money as Decimal: parsing, 四舍五入 rounding, 元/万元, and rounding tolerance.

Every amount in juesuan is a ``Decimal``. Floats are refused on the way in because a
binary float cannot hold 0.01 exactly and silently changes large amounts.

One Decimal context for the whole core
--------------------------------------
The core (reading a filing or scheme, building the tables, the checks, scoring, the audit
of a report, the document) runs in :data:`CORE_CONTEXT`, entered by :func:`in_core_context`
at its public entry points, so a result never depends on the context a caller (a web
worker thread, a test) happens to have. Why no decimal exception can arise there:

* every number that enters is bounded first (:func:`number_problem`): fewer than 18 integer
  digits and at most 10 decimal places, so it is 0 or between 1e-10 and 1e18 in size and has
  at most 28 significant digits — the context's precision;
* the core only adds, subtracts, multiplies, divides by a number it has checked is not zero,
  compares and rounds; chains are a handful of operations long, so a result stays below
  about 1e100, nowhere near ``Emax`` (999999): Overflow cannot happen, nor can an underflow
  reach ``Emin``;
* rounding to a number of places (:func:`round_half_up`) widens the precision when a value
  has more digits than the context keeps, so quantize never signals InvalidOperation, and
  ``%`` is applied only to values far below 1e28 (no DivisionImpossible).

InvalidOperation, DivisionByZero and Overflow stay trapped: if one happened anyway it would be
a bug to see, not a wrong figure to publish.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    getcontext,
    localcontext,
)
from enum import StrEnum
from typing import ParamSpec, TypeVar

from juesuan.limits import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS

ZERO = Decimal(0)
TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")

# prec 28 is what the core has always computed with (results and tests depend on it);
# rounding half-up so that an inexact quotient rounds like 四舍五入 too.
CORE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP, Emin=-999_999, Emax=999_999,
                       capitals=1, clamp=0, flags=[],
                       traps=[InvalidOperation, DivisionByZero, Overflow])

_P = ParamSpec("_P")
_R = TypeVar("_R")


def core_context() -> AbstractContextManager[Context]:
    """``with core_context():`` computes in a fresh copy of :data:`CORE_CONTEXT`."""
    return localcontext(CORE_CONTEXT)


def in_core_context(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` (an entry point of the core) in :data:`CORE_CONTEXT`."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(CORE_CONTEXT):
            return func(*args, **kwargs)

    return wrapper


def number_problem(value: Decimal | int) -> str | None:
    """Why a number is outside what the core computes with (Chinese), or None.

    Non-finite values are left to the caller (an amount refuses them, a count says it
    wants an integer).
    """
    if isinstance(value, int):
        if abs(value) >= 10**MAX_INTEGER_DIGITS:
            return f"数值超出可处理的范围（整数部分不超过 {MAX_INTEGER_DIGITS} 位）"
        return None
    if not value.is_finite():
        return None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -MAX_DECIMAL_PLACES:
        return f"小数位数过多（不超过 {MAX_DECIMAL_PLACES} 位）"
    if exponent > MAX_INTEGER_DIGITS or (value and value.adjusted() >= MAX_INTEGER_DIGITS):
        return f"数值超出可处理的范围（整数部分不超过 {MAX_INTEGER_DIGITS} 位）"
    return None


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str, limit: int = 60) -> str:
    """``text`` safe to print in a one-line message: control characters and lone surrogates
    escaped (a terminal cannot encode a surrogate, a control character garbles the line),
    at most ``limit`` characters."""
    shown = _UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", text[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class AmountUnit(StrEnum):
    """金额单位 of a filing."""

    YUAN = "元"
    WAN_YUAN = "万元"


# Finest precision a filing may carry, in decimal places of its own unit: 分.
MAX_PLACES = {AmountUnit.YUAN: 2, AmountUnit.WAN_YUAN: 6}


class AmountError(ValueError):
    """An amount that cannot be read; the message is Chinese and user-facing."""



def parse_filing_amount(value: object) -> Decimal:
    """Read an amount a filing states: Decimal, int or a numeric string, exact.

    Thousands separators ("1,234.56") and surrounding spaces are accepted because
    figures are often pasted from published tables. Floats, booleans, NaN, infinities and
    numbers out of bounds (:func:`number_problem`) are refused. (A figure printed in a
    published report, known only to its rounding, is read by juesuan.audit.figures.)
    """
    if isinstance(value, bool):
        raise AmountError("金额应为数字，不能是 true/false")
    if isinstance(value, float):
        raise AmountError("金额不能以浮点数读入（会丢失精度），请使用 Decimal 加载器或写成字符串")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if abs(value) >= 10**MAX_INTEGER_DIGITS:  # before Decimal(): 10**5000 is no amount
            raise AmountError(f"金额超出可处理的范围（整数部分不超过 {MAX_INTEGER_DIGITS} 位）")
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if not text:
            raise AmountError("金额为空字符串")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise AmountError(f"“{printable(value)}”不是数字金额") from None
    else:
        raise AmountError(f"金额应为数字，实际为 {type(value).__name__}")
    if not result.is_finite():
        raise AmountError(f"金额必须是有限数值，实际为 {printable(str(value))}")
    problem = number_problem(result)
    if problem is not None:
        # A national budget is about 10^13 元; larger values are typing slips, and huge
        # exponents (1e400, 1e-999999999) would make every later quantize fail.
        raise AmountError(f"金额{problem}")
    return result


def decimal_places(value: Decimal) -> int:
    """Number of decimal places as written (Decimal("1.50") has 2)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only
    return max(0, -exponent)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """四舍五入 to ``places`` decimals (Python's default is half-even).

    Never signals for a finite value: when it has more digits than the context keeps,
    the rounding is done with the precision it needs.
    """
    exponent = Decimal(1).scaleb(-places)
    context = getcontext()
    needed = value.adjusted() + places + 1 if value.is_finite() and value else 0
    if needed > context.prec:
        context = context.copy()
        context.prec = needed
    return value.quantize(exponent, rounding=ROUND_HALF_UP, context=context)


# The one table of money units: how many 万元 one unit is. Filings are in 元 or 万元;
# published reports also print 千元 and 亿元 (and 万 / 亿 without 元 in running text).
WAN_PER_UNIT: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿元": TEN_THOUSAND,
    "亿": TEN_THOUSAND,
}


def wan_per(unit: str | AmountUnit) -> Decimal:
    """万元 per ``unit`` (KeyError for a unit that is not money)."""
    return WAN_PER_UNIT[str(unit)]


def per_wan(unit: str | AmountUnit) -> Decimal:
    """``unit`` per 万元: 10000 for 元, 1 for 万元 (no exponent: 10000, not 1E+4)."""
    ratio = 1 / WAN_PER_UNIT[str(unit)]
    return Decimal(int(ratio)) if ratio == ratio.to_integral_value() else ratio


def to_wan(value: Decimal, unit: AmountUnit) -> Decimal:
    """Convert an amount in ``unit`` to 万元, exactly."""
    return value / TEN_THOUSAND if unit is AmountUnit.YUAN else value


def half_unit(places: int) -> Decimal:
    """Largest error of a figure printed with ``places`` decimals (0.005 for 2)."""
    return Decimal(5).scaleb(-(places + 1))


def format_wan(value: Decimal | None, places: int = 2, *, thousands: bool = False) -> str:
    """Display form of an amount in 万元: rounded half-up, fixed decimals."""
    if value is None:
        return ""
    rounded = round_half_up(value, places)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0.00"
    return f"{rounded:,.{places}f}" if thousands else f"{rounded:.{places}f}"


def total(values: Iterable[Decimal | None]) -> Decimal:
    """Sum treating blanks as zero."""
    result = ZERO
    for v in values:
        if v is not None:
            result += v
    return result
