"""Money: Decimal parsing, 四舍五入, 元/万元."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juesuan.money import (
    AmountError,
    AmountUnit,
    decimal_places,
    format_wan,
    half_unit,
    parse_filing_amount,
    round_half_up,
    to_wan,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.56", Decimal("1234.56")),
        (" 6.20 ", Decimal("6.20")),
        (Decimal("2940.05"), Decimal("2940.05")),
        (7, Decimal(7)),
        ("1234567890123456.78", Decimal("1234567890123456.78")),
        ("１２", Decimal(12)),  # full-width digits pasted from documents
    ],
)
def test_parse_filing_amount_accepts_numbers_and_numeric_text(raw: object, expected: Decimal) -> None:
    assert parse_filing_amount(raw) == expected


@pytest.mark.parametrize("raw", [1.5, True, "abc", "", "NaN", "Infinity", None, [1]])
def test_parse_filing_amount_refuses_floats_and_non_numbers(raw: object) -> None:
    with pytest.raises(AmountError):
        parse_filing_amount(raw)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("0.125", 2, "0.13"),  # half-even would give 0.12
        ("12345678.905", 2, "12345678.91"),
        ("-0.125", 2, "-0.13"),
        ("2.5", 0, "3"),
        ("0.004999", 2, "0.00"),
    ],
)
def test_round_half_up(value: str, places: int, expected: str) -> None:
    assert str(round_half_up(Decimal(value), places)) == expected


def test_format_wan_never_prints_negative_zero() -> None:
    assert format_wan(Decimal("-0.001")) == "0.00"
    assert format_wan(Decimal("1234.565"), thousands=True) == "1,234.57"
    assert format_wan(None) == ""


def test_to_wan_is_exact() -> None:
    assert to_wan(Decimal("29400512.34"), AmountUnit.YUAN) == Decimal("2940.051234")
    assert to_wan(Decimal("2940.05"), AmountUnit.WAN_YUAN) == Decimal("2940.05")


def test_places_and_half_unit() -> None:
    assert decimal_places(Decimal("1.50")) == 2
    assert decimal_places(Decimal("150")) == 0
    assert half_unit(2) == Decimal("0.005")


cents = st.integers(min_value=-(10**14), max_value=10**14).map(lambda n: Decimal(n).scaleb(-4))


@given(cents)
def test_rounding_error_is_at_most_half_unit(value: Decimal) -> None:
    rounded = round_half_up(value, 2)
    assert abs(rounded - value) <= half_unit(2)
    assert decimal_places(rounded) == 2


@given(st.lists(cents, min_size=1, max_size=30))
def test_sum_of_rounded_parts_is_within_n_half_units_of_rounded_sum(parts: list[Decimal]) -> None:
    """Why n × 0.005 is the tolerance for 尾差: it can never be exceeded by rounding alone."""
    rounded_sum = round_half_up(sum(parts, Decimal(0)), 2)
    sum_of_rounded = sum((round_half_up(p, 2) for p in parts), Decimal(0))
    assert abs(rounded_sum - sum_of_rounded) <= (len(parts) + 1) * half_unit(2)
