"""Nasty values, and drawing from hypothesis strategies with a seeded ``random.Random``.

Hypothesis is built to run inside ``@given`` tests, where it chooses (and shrinks) the
examples itself. The harness needs the opposite: example *i* of seed *s* must be the
same every time, so that a failure can be replayed from ``--seed s --replay i``.
:func:`draw` therefore runs a strategy on a ``ConjectureData`` fed by a seeded
``random.Random``. That is hypothesis' internal API (pinned in requirements-dev.lock.txt);
``tests/test_fuzz_harness.py`` checks that it still works and is deterministic.
"""

from __future__ import annotations

import random
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.control import BuildContext
from hypothesis.errors import HypothesisException, StopTest
from hypothesis.internal.conjecture.data import ConjectureData

T = TypeVar("T")


def draw(strategy: st.SearchStrategy[T], rng: random.Random) -> T:
    """One example of ``strategy``, determined by ``rng``."""
    last: BaseException | None = None
    for _ in range(20):
        data = ConjectureData(random=random.Random(rng.getrandbits(64)))
        try:
            with BuildContext(data, is_final=True, wrapped_test=lambda: None):
                return data.draw(strategy)
        except (HypothesisException, StopTest, Exception) as exc:  # overrun or a filter
            last = exc
            continue
    raise RuntimeError(f"could not draw from {strategy!r}: {last!r}")


class Raw:
    """A value written into YAML or JSON text as it is (``1e999999``, ``NaN``, ``9999…``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:40]!r})"


def long_digits(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(rng.choice([19, 30, 400, 5000])))


# Scalars written as YAML text after "key: " or "- " (each is valid or invalid YAML on purpose).
YAML_SCALARS: list[str] = [
    "1e999999", "-1e999999", "1e-999999", "1E+308", "1e-400", "0." + "0" * 400 + "1",
    "9" * 19, "9" * 30, "9" * 400, "9" * 5000, "-0", "+1", "-0.00", "1_000", "0x1F", "0o17", "0b101",
    ".nan", ".NaN", ".inf", "-.inf", "NaN", "Infinity", "-Infinity", "nan", "inf",
    "true", "false", "yes", "no", "on", "off", "null", "~", "", "''", '""',
    "[]", "{}", "[1, 2]", "{a: 1}", "[[[[[]]]]]", "{: }", "[", "{", "]", "}",
    "!!int abc", "!!float x", "!!int 1e5", "!!binary AAAA", "!!binary '%%%'", "!!timestamp 2020-13-45",
    "!!python/object:os.system ls", "!!python/name:os.system", "!!str", "!!set {a, b}",
    "!!omap [a: 1]", "!!null x", "!!map []", "!!seq {}", "!!bool maybe", "!x y", "!<tag:x> 1",
    "!!merge 1", "!!value 2", "!!yaml 3",
    "2020-01-01", "2020-02-30", "12:30:00", "1:20", "190:20:30", "2001-12-14t21:59:43.10-05:00",
    "'# x'", "# x", "a # x", "x: y", "- x", "? x", "@x", "`x`", "%x", "|x", ">x", "&x", "*x",
    "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\x00\"", "\"\\0\"", "\"a\\u0000b\"", "\"\\U0010ffff\"",
    "\"\\uffff\"", "\"\\ufffe\"", "\"\\N\\L\\P\"", "\"\\e\\a\\b\"", "\"\\U00110000\"", "\"\\q\"",
    "'[bold]x[/]'", "'[/]'", "'[link=javascript:x]x[/link]'", "'<script>alert(1)</script>'",
    "'{{ 7*7 }}'", "'{% for x in y %}'", "'=1+1'", "'=HYPERLINK(\"x\")'", "'@SUM(A1)'", "'+1+1'",
    "'%s%s%n'", "'{0}{1}'", "'$(rm x)'", "'\\\\'", "'../../x'", "'/dev/zero'", "'.'", "'/'",
    "*undefined", "&a 1", "&a", "*a", "<<: *a", "? [a]", "!!merge <<",
    "|\n  block\n  text", ">-\n  folded\n  text", "|-", "|+\n\n\n", "|9\n  x",
    "0.1", "123.456789", "1,234.56", "'1,234.56'", "' 12 '", "'-5'", "-5", "-0.01", "'１２３'",
    "'١٢٣'", "'1e5'", "'0x10'", "'  '", "'12.'", "'.5'", "'1.2.3'", "'1,2,3'", "'1 000'",
    "'12%'", "'壹佰'", "'一百'", "'Ⅻ'", "'²'", "'\u0661\u0662'", "'\u00a0'", "'\u200b1'",
    "2020", "1900", "0", "-2020", "99999", "2020.5", "'2020'", "1e3", "20200",
    "元", "万元", "亿元", "central-2020", "shanghai-2024", "hubei-2020", "bogus-layout",
]

# Lines inserted into YAML text.
YAML_LINES: list[str] = [
    "&a", "*a", "? x", "---", "...", "--- !!map", "%YAML 1.1", "%YAML 9.9", "%TAG ! tag:x,2000:",
    "<<: *a", "\t", "\tkey: 1", ": x", "- - - -", "'", '"', "{", "[", "#", "x: &a [*a]",
    "performance: {scheme: /dev/zero}", "year: 2020", "unit: 元", "layout: central-2020",
    "?", "!!", "&&", "**", "|", ">", "\x00", "\ufeff", "\u2028", "\x85", "\r", "\x1b[31m",
]

# Python values put into a parsed filing tree.
def tree_values(rng: random.Random) -> list[Any]:
    return [
        Raw("1e999999"), Raw("-1e999999"), Raw("1e-999999"), Raw(long_digits(rng)),
        Raw("9" * 19), Raw("0." + "0" * 1000 + "1"), Raw("NaN"), Raw("Infinity"), Raw("-Infinity"),
        Raw("1E+400"), Raw("-0"), Raw("1e308"), Raw("5e-324"),
        0, -1, 1, 2**63, -(2**63), 2**31, 1.5, 0.1, 1e308, 5e-324, -0.0,
        True, False, None, "", [], {}, [None], {"": None}, [[]], {"a": {}},
        "\ud800", "\udfff", "\x00", "a\x00b", "\x7f", "\x1b[31m", "\u202e", "\ufeff", "\u2028",
        "\U0010ffff", "𠀀𠀁", "x" * rng.choice([1000, 100_000, 1_000_000]), "9" * 10_000,
        "1e999999", "NaN", "Infinity", "-0", "1,234.56", " 12 ", "１２３", "١٢٣", "12%",
        "[bold]x[/]", "[/]", "<script>alert(1)</script>", "{{ 7*7 }}", "=1+1", "# x", "%s%n",
        "../../x", "/dev/zero", ".", "2020", "元", "万元", "亿元",
    ]


NUMBER_TEXTS: list[str] = [
    "0.00", "-0.00", "1,2.34", "12.3.4", "1e5", "1E+400", "9" * 30, "9" * 400, "0." + "0" * 50 + "1",
    "-5.00", "(12.50)", "（3.00）", "－5.00", "１２３.４５", "٣٫١٤", "∞", "NaN", "inf", "-", "——", "…",
    "100%", "1000000%", "-100%", "12a.5", "1,234,567,890,123,456,789.00", "0.005", "99999999.99",
    "2,9 40.05", "93.27了%", "1121.82.", ".5", "5.", "1/2", "½", "⅓", "²³", "Ⅻ", "一百", "壹万",
]

SPANS: list[str] = ["0", "1", "2", "3", "-1", "-2147483648", "2147483648", "65535", "65536",
                    "1000", "100000", "999999999", "1e9", "abc", "", " 2 ", "2.5", "+3", "0x10",
                    "１", "\u0662", "99999999999999999999"]

ENCODINGS: list[str] = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                        "gbk", "gb18030", "gb2312", "big5", "latin-1", "cp1252", "shift_jis",
                        "utf-7", "ascii"]


def nasty_text() -> st.SearchStrategy[str]:
    """Short text mixing CJK, digits, punctuation of the reports, controls and surrogates."""
    alphabet = st.one_of(
        st.sampled_from("0123456789.,-%万元年（）()|:：；，。、"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.characters(codec=None),
        st.sampled_from(["\x00", "\ud800", "\ufeff", "\u3000", "\t", "\n", "\r", "[", "]", "/"]),
    )
    return st.text(alphabet, max_size=30)
