"""Money as Decimal: parsing, 四舍五入 rounding, 元/万元, and rounding tolerance.

Every amount in juesuan is a ``Decimal``. Floats are refused on the way in because a
binary float cannot hold 0.01 exactly and silently changes large amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from juesuan.limits import MAX_INTEGER_DIGITS

ZERO = Decimal(0)
TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")


class AmountUnit(StrEnum):
    """金额单位 of a filing."""

    YUAN = "元"
    WAN_YUAN = "万元"


# Finest precision a filing may carry, in decimal places of its own unit: 分.
MAX_PLACES = {AmountUnit.YUAN: 2, AmountUnit.WAN_YUAN: 6}


class AmountError(ValueError):
    """An amount that cannot be read; the message is Chinese and user-facing."""



def parse_amount(value: object) -> Decimal:
    """Read an amount from a filing value: Decimal, int or a numeric string.

    Thousands separators ("1,234.56") and surrounding spaces are accepted because
    figures are often pasted from published tables. Floats, booleans, NaN and
    infinities are refused.
    """
    if isinstance(value, bool):
        raise AmountError("金额应为数字，不能是 true/false")
    if isinstance(value, float):
        raise AmountError("金额不能以浮点数读入（会丢失精度），请使用 Decimal 加载器或写成字符串")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if not text:
            raise AmountError("金额为空字符串")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise AmountError(f"“{value}”不是数字金额") from None
    else:
        raise AmountError(f"金额应为数字，实际为 {type(value).__name__}")
    if not result.is_finite():
        raise AmountError(f"金额必须是有限数值，实际为 {value}")
    if result and result.adjusted() >= MAX_INTEGER_DIGITS:
        # A national budget is about 10^13 元; larger values are typing slips, and huge
        # exponents (1e400) would make every later quantize fail.
        raise AmountError(f"金额超出可处理的范围（整数部分不超过 {MAX_INTEGER_DIGITS} 位）")
    return result


def decimal_places(value: Decimal) -> int:
    """Number of decimal places as written (Decimal("1.50") has 2)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only
    return max(0, -exponent)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """四舍五入 to ``places`` decimals (Python's default is half-even)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


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
