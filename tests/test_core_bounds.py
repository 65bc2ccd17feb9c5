"""Every number is bounded before arithmetic, and the core computes in one Decimal context.

What the readers accept (juesuan.money.number_problem: < 18 integer digits, ≤ 10 decimal
places) survives every operation the core does — sums of many, products, quotients,
rounding — in juesuan.money.CORE_CONTEXT without a decimal exception; the entry points
of the core run in that context whatever context their caller has; and every message
made from a pydantic error is Chinese.
"""

from __future__ import annotations

import re
import time
import typing
from decimal import (
    ROUND_DOWN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    getcontext,
    localcontext,
)
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core.core_schema import ErrorType

from juesuan.filing.io import FilingReadError, filing_from_data, load_filing, type_message
from juesuan.limits import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS
from juesuan.money import (
    CORE_CONTEXT,
    AmountError,
    AmountUnit,
    core_context,
    format_wan,
    in_core_context,
    number_problem,
    parse_filing_amount,
    round_half_up,
    to_wan,
    total,
)
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import load_scheme
from juesuan.performance.scoring import score_performance
from juesuan.rules.check import check_filing
from juesuan.tables.build import build_tables

ROOT = Path(__file__).resolve().parents[1]
SUIZHOU = ROOT / "examples" / "suizhou-zwfw-2020.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")
# English words (pydantic's messages); names such as Unicode or ASCII are Chinese usage too.
ENGLISH = re.compile(r"(?!Unicode|ASCII|YAML|JSON|true|false)\b[A-Za-z]{3,}")


# --- the bounds ------------------------------------------------------------------


@pytest.mark.parametrize(("value", "ok"), [
    (Decimal("999999999999999999.9999999999"), True),  # 18 + 10 digits: the largest shape
    (Decimal("-999999999999999999"), True),
    (Decimal("1E+17"), True),
    (Decimal("0E-10"), True),
    (Decimal("1E+18"), False),
    (Decimal("1000000000000000000"), False),
    (Decimal("0.00000000001"), False),
    (Decimal("1E-999999999"), False),
    (Decimal("1E+999999999"), False),
    (Decimal("0E-999999999"), False),
    (Decimal("0E+999999999"), False),
    (10**18 - 1, True),
    (-(10**18), False),
    (10**4000, False),
])
def test_number_bounds(value: Decimal | int, ok: bool) -> None:
    assert (number_problem(value) is None) is ok


def test_bounds_are_what_the_messages_say() -> None:
    assert f"{MAX_INTEGER_DIGITS} 位" in (number_problem(Decimal("1E+30")) or "")
    assert f"{MAX_DECIMAL_PLACES} 位" in (number_problem(Decimal("1E-30")) or "")


# Numbers as a filing may write them: sign, digits, point, decimals, exponent.
number_texts = st.builds(
    lambda sign, whole, frac, exp: f"{sign}{whole}{'.' + frac if frac else ''}{exp}",
    st.sampled_from(["", "-", "+"]),
    st.from_regex(r"[0-9]{1,24}", fullmatch=True),
    st.from_regex(r"[0-9]{0,14}", fullmatch=True),
    st.sampled_from(["", "e0"]) | st.integers(-40, 40).map(lambda n: f"E{n:+d}"),
)


def accepted(texts: list[str]) -> list[Decimal]:
    values = []
    for text in texts:
        try:
            values.append(parse_filing_amount(text))
        except AmountError:
            continue
    return values


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(number_texts, min_size=1, max_size=30), copies=st.integers(1, 2000),
       places=st.integers(0, 10))
def test_accepted_numbers_survive_every_core_operation(texts: list[str], copies: int,
                                                        places: int) -> None:
    values = accepted(texts)
    with core_context():
        for value in values:
            assert number_problem(value) is None
        many = total(values * copies)  # sum of many
        results = [many, -many, total(values)]
        for a in values:
            results.append(to_wan(a, AmountUnit.YUAN))
            for b in values:
                results += [a + b, a - b, a * b]
                if b:
                    results += [a / b, (a * b) / b, a / b * a]
        for r in results:
            for p in (2, places):
                rounded = round_half_up(r, p)
                assert rounded.as_tuple().exponent == -p
            format_wan(r)
            format_wan(r, thousands=True)
            assert r.is_finite()


def test_rounding_never_signals_for_large_values() -> None:
    with core_context():
        big = Decimal("9" * 18) * Decimal("9" * 18) / Decimal("0.0000000001")
        assert round_half_up(big, 6) == big.quantize(Decimal("0.000001"),
                                                      context=Context(prec=100))
        assert round_half_up(Decimal("2.5"), 0) == 3
        assert round_half_up(Decimal("-2.345"), 2) == Decimal("-2.35")


def test_core_context_is_one_definition() -> None:
    assert CORE_CONTEXT.prec == 28
    for trap in (InvalidOperation, DivisionByZero, Overflow):
        assert CORE_CONTEXT.traps[trap]
    assert not CORE_CONTEXT.traps[Inexact] and not CORE_CONTEXT.traps[Rounded]
    before = getcontext()
    with core_context() as inside:
        assert inside.prec == CORE_CONTEXT.prec and inside is not CORE_CONTEXT
    assert getcontext() is before

    @in_core_context
    def precision() -> int:
        return getcontext().prec

    with localcontext(Context(prec=3)):
        assert precision() == 28


def test_entry_points_ignore_the_callers_context() -> None:
    """A caller's context (prec 4, rounding down, every signal trapped) changes nothing."""
    loaded = load_filing(SUIZHOU)
    scheme = load_scheme("hubei-2020")
    assert loaded.filing.performance is not None
    expected = (build_tables(loaded.filing), check_filing(loaded.filing),
                score_performance(loaded.filing.performance, "部门", scheme),
                check_performance(loaded.filing, scheme))
    hostile = Context(prec=4, rounding=ROUND_DOWN, traps=[Inexact, Rounded, InvalidOperation])
    with localcontext(hostile):
        loaded_again = load_filing(SUIZHOU)
        scheme_again = load_scheme("hubei-2020")
        assert loaded_again.filing == loaded.filing
        assert scheme_again == scheme
        assert loaded_again.filing.performance is not None
        got = (build_tables(loaded_again.filing), check_filing(loaded_again.filing),
               score_performance(loaded_again.filing.performance, "部门", scheme),
               check_performance(loaded_again.filing, scheme))
    assert got == expected


# --- Chinese messages --------------------------------------------------------------


@pytest.mark.parametrize("kind", typing.get_args(ErrorType))
def test_every_pydantic_error_type_has_a_chinese_message(kind: str) -> None:
    message, expected = type_message(kind)
    assert CJK.search(message) and not ENGLISH.search(message), (kind, message)
    assert expected is None or not ENGLISH.search(expected), (kind, expected)


VALID = {
    "year": 2020, "unit": "万元",
    "department": {"name": "测试局", "region": "测试县", "level": "县级"},
    "income": [{"code": "2010601", "general_budget": "100.00"}],
    "expenditure": [{"code": "2010601", "basic": "100.00"}],
}


@pytest.mark.parametrize(("change", "words"), [
    ({"year": "二〇二〇"}, ("应为整数",)),
    ({"year": 1.5}, ("应为整数",)),
    ({"year": [2020]}, ("应为整数",)),
    ({"year": 1999}, ("数值过小", "不小于 2000")),
    ({"unit": "千元"}, ("取值不在允许范围内",)),
    ({"department": "测试局"}, ("应为键值对",)),
    ({"department": {"name": "", "region": "x", "level": "县级"}}, ("不能为空",)),
    ({"department": {"name": "\ud800", "region": "x", "level": "县级"}}, ("无效的字符", "U+D800")),
    ({"department": {"name": 5, "region": "x", "level": "县级"}}, ("应为文本",)),
    ({"income": {"code": "2010601"}}, ("应为列表",)),
    ({"income": [{"code": "2010601", "general_budget": True}]}, ("true/false",)),
    ({"income": [{"code": "2010601", "general_budget": Decimal("1E-999999999")}]}, ("小数位数过多",)),
    ({"year": Decimal("1E-999999999")}, ("小数位数过多",)),
    ({"year": Decimal("1E+999999999")}, ("超出可处理的范围",)),
    ({"year": 10**5000}, ("超出可处理的范围",)),
    ({"schema_version": 2}, ("取值不在允许范围内",)),
    ({"reasons": {"items": {"2010601": 5}}}, ("应为文本",)),
    ({"performance": {"management": {"grades": {"优": "x"}}}}, ("应为整数",)),
    ({"remarks": "x"}, ("不认识的字段",)),
])
def test_validation_messages_are_chinese(change: dict[str, object], words: tuple[str, ...]) -> None:
    """Data from the web app goes through the same bounds and messages as files (no hang)."""
    start = time.monotonic()
    with pytest.raises(FilingReadError) as caught:
        filing_from_data({**VALID, **change}, "表单")
    assert time.monotonic() - start < 5
    text = str(caught.value)
    for word in words:
        assert word in text, (word, text)
    for problem in caught.value.problems:
        assert not ENGLISH.search(problem.message), problem
        assert problem.expected is None or not re.search(r"[A-Za-z]{6,}", problem.expected), problem
    text.encode("utf-8")  # printable: no lone surrogate left in the message
