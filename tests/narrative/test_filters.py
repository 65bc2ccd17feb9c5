"""The Chinese number filters of the 情况说明 templates, the percentage arithmetic of the
facts, and the rule that templates only format: no arithmetic in any template."""

from __future__ import annotations

import decimal
from decimal import Decimal, FloatOperation, localcontext
from fractions import Fraction
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import nodes

from juesuan.narrative.facts import Change, Gap, percent
from juesuan.narrative.filters import change, chinese_ordinal, clause, pct, score, sentence, wan
from juesuan.narrative.render import environment, parse

GAP = Gap("prior", "增减额和增减幅度", "prior_year.grand_total", "缺少上年数")


def half_up(value: Fraction, places: int = 2) -> Fraction:
    """Reference 四舍五入 on exact fractions."""
    scale = 10**places
    magnitude = (abs(value) * scale + Fraction(1, 2)).__floor__()
    return Fraction(magnitude if value >= 0 else -magnitude, scale)


def two_places(text: str) -> Fraction:
    return Fraction(Decimal(text))


decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e9"),
                       max_value=Decimal("1e9"), places=None)


# --- pct -------------------------------------------------------------------------------


@given(decimals)
def test_pct_is_two_decimals_half_up_without_floats(value: Decimal) -> None:
    with localcontext() as ctx:
        ctx.traps[FloatOperation] = True  # any float mixed in would raise
        text = pct(value)
    assert isinstance(text, str) and text.endswith("%")
    number = text[:-1]
    whole, _, fraction = number.partition(".")
    assert len(fraction) == 2 and whole.lstrip("-").isdigit()
    assert two_places(number) == half_up(Fraction(value))
    assert not number.startswith("-") or two_places(number) != 0  # never "-0.00%"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("49.0196"), "49.02%"),
    (Decimal("0.005"), "0.01%"),  # half-up; half-even would give 0.00
    (Decimal("0.015"), "0.02%"),
    (Decimal("0.025"), "0.03%"),  # half-even would give 0.02
    (Decimal("-1.005"), "-1.01%"),
    (Decimal("-0.001"), "0.00%"),
    (Decimal("100"), "100.00%"),
    (7, "7.00%"),
])
def test_pct_examples(value: Decimal | int, text: str) -> None:
    assert pct(value) == text


@pytest.mark.parametrize("bad", [0.5, "12", None, True])
def test_pct_refuses_floats_and_other_types(bad: object) -> None:
    with pytest.raises(TypeError):
        pct(bad)


# --- percent (the facts' arithmetic) ----------------------------------------------------

amounts = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("0"),
                      max_value=Decimal("1e10"), places=2)


@given(amounts, amounts.filter(lambda d: d != 0))
def test_percent_is_exact_half_up(numerator: Decimal, denominator: Decimal) -> None:
    with localcontext() as ctx:
        ctx.traps[FloatOperation] = True
        result = percent(numerator, denominator)
    assert result is not None
    assert result.as_tuple().exponent == -2
    assert Fraction(result) == half_up(Fraction(numerator) * 100 / Fraction(denominator))


def test_percent_of_zero_is_none() -> None:
    assert percent(Decimal("1.00"), Decimal("0")) is None


@pytest.mark.parametrize(("numerator", "denominator", "expected"), [
    ("0.25", "0.51", "49.02"),  # the seed printed 49.01 (truncated)
    ("911.50", "1205.87", "75.59"),
    ("1018.80", "1092.27", "93.27"),
    ("0.76", "1.21", "62.81"),
    ("2940.06", "2993.92", "98.20"),
    ("2106.66", "2940.06", "71.65"),
])
def test_percent_examples(numerator: str, denominator: str, expected: str) -> None:
    assert percent(Decimal(numerator), Decimal(denominator)) == Decimal(expected)


# --- wan --------------------------------------------------------------------------------


@given(decimals)
def test_wan_is_two_decimals_half_up(value: Decimal) -> None:
    with localcontext() as ctx:
        ctx.traps[FloatOperation] = True
        text = wan(value)
    assert isinstance(text, str)
    assert len(text.partition(".")[2]) == 2
    assert two_places(text) == half_up(Fraction(value))
    assert text != "-0.00"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("6.2"), "6.20"),
    (Decimal("1.225"), "1.23"),
    (Decimal("1722.6725"), "1722.67"),
    (Decimal("0"), "0.00"),
    (Decimal("-0.004"), "0.00"),
    (Decimal("2946.255"), "2946.26"),
])
def test_wan_examples(value: Decimal, text: str) -> None:
    assert wan(value) == text


def test_wan_refuses_floats() -> None:
    with pytest.raises(TypeError):
        wan(0.1)


def test_filters_pass_gaps_through() -> None:
    assert wan(GAP) is GAP
    assert pct(GAP) is GAP
    assert clause(GAP) is GAP
    ended = sentence(GAP)
    assert isinstance(ended, Gap) and ended.suffix == "。" and ended.path == GAP.path


# --- change -----------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "base", "both", "amount", "rate"), [
    ("2117.37", "1205.87", "增加911.50万元，增长75.59%", "增加911.50万元", "增长75.59%"),
    ("2995.40", "3052.34", "减少56.94万元，下降1.87%", "减少56.94万元", "下降1.87%"),
    ("0.76", "0.51", "增加0.25万元，增长49.02%", "增加0.25万元", "增长49.02%"),
    ("0.00", "0.00", "持平", "持平", "持平"),
    ("184.65", "184.65", "持平", "持平", "持平"),
])
def test_change_in_words(current: str, base: str, both: str, amount: str, rate: str) -> None:
    c = Change(Decimal(current), Decimal(base))
    assert change(c) == both
    assert change(c, "amount") == amount
    assert change(c, "rate") == rate


def test_change_from_zero_has_no_rate() -> None:
    c = Change(Decimal("0.76"), Decimal("0.00"))
    assert change(c) == "增加0.76万元"
    assert c.rate is None
    with pytest.raises(ValueError):
        change(c, "rate")


def test_change_with_unknown_base_is_the_gap() -> None:
    c = Change(Decimal("2961.69"), GAP)
    assert change(c) is GAP
    assert not c.known and c.direction is None and c.rate is None and c.completion is None


@given(amounts, amounts)
def test_change_words_follow_the_sign(current: Decimal, base: Decimal) -> None:
    text = change(Change(current, base))
    assert isinstance(text, str)
    if current > base:
        assert text.startswith("增加")
        assert base == 0 or "，增长" in text
    elif current < base:
        assert text.startswith("减少") and "，下降" in text
    else:
        assert text == "持平"
    assert "-" not in text


# --- chinese_ordinal, sentence, clause, score ------------------------------------------------


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (7, "七"), (10, "十"), (11, "十一"),
                                         (20, "二十"), (24, "二十四")])
def test_chinese_ordinal(n: int, text: str) -> None:
    assert chinese_ordinal(n) == text


def test_chinese_ordinal_refuses_non_integers() -> None:
    with pytest.raises(TypeError):
        chinese_ordinal("1")


@pytest.mark.parametrize(("text", "as_sentence", "as_clause"), [
    ("减少支付。", "减少支付。", "减少支付"),
    ("减少支付", "减少支付。", "减少支付"),
    (" 减少支付；", "减少支付。", "减少支付"),
    ("全年无团组及人员因公出国(境)", "全年无团组及人员因公出国(境)。", "全年无团组及人员因公出国(境)"),
])
def test_sentence_and_clause(text: str, as_sentence: str, as_clause: str) -> None:
    assert sentence(text) == as_sentence
    assert clause(text) == as_clause


def test_score_drops_trailing_zeros() -> None:
    assert score(Decimal("100.000")) == "100"
    assert score(Decimal("96.742")) == "96.742"
    assert score(Decimal("97.200")) == "97.2"


# --- templates only format ------------------------------------------------------------------

ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow,
              nodes.Neg, nodes.Pos, nodes.Concat)


def template_names() -> list[str]:
    root = resources.files("juesuan.narrative") / "templates"
    names = []
    for style in root.iterdir():
        if style.is_dir():
            names += [f"{style.name}/{f.name}" for f in style.iterdir() if f.name.endswith(".j2")]
    names.append("_macros.j2")
    return sorted(names)


def test_both_styles_have_templates() -> None:
    names = template_names()
    assert sum(n.startswith("shanghai-2024/") for n in names) == 11
    assert sum(n.startswith("seed-2020/") for n in names) == 7


@pytest.mark.parametrize("name", template_names())
def test_templates_do_no_arithmetic(name: str) -> None:
    env = environment()
    source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
    tree = env.parse(source)
    found = [type(node).__name__ for node in tree.find_all(ARITHMETIC)]
    assert found == [], f"{name} computes ({found}): compute in narrative/facts.py instead"


def test_an_unformatted_amount_is_refused() -> None:
    template = environment().from_string("# 一、标题\n{{ x }}")
    with pytest.raises(TypeError, match="未格式化的数值"):
        template.render(x=Decimal("1.5"))
    with pytest.raises(TypeError, match="None"):
        template.render(x=None)


def test_a_printed_gap_is_recorded() -> None:
    gaps: list[Gap] = []
    text = environment().from_string("主要原因：{{ r|sentence }}").render(r=GAP, _gaps=gaps)
    assert text == "主要原因：【待填写：增减额和增减幅度】。"
    assert [g.path for g in gaps] == ["prior_year.grand_total"]


def test_parse_reads_headings_subsections_and_paragraphs() -> None:
    heading, paragraphs, subsections = parse(
        "# 一、标题\n第一段\n接续。\n\n第二段。\n## （一）小标题\n小段。\n\n")
    assert heading == "一、标题"
    assert paragraphs == ["第一段接续。", "第二段。"]
    assert subsections == [("（一）小标题", ["小段。"])]
    with pytest.raises(ValueError, match="标题标记不在行首"):
        parse("# 一、标题\n正文。## （一）小标题\n")


def test_decimal_context_is_left_alone() -> None:
    before = decimal.getcontext().prec
    percent(Decimal("1"), Decimal("3"))
    assert decimal.getcontext().prec == before
