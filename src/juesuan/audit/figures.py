"""Figures as a published report prints them: the audit's one reader of a printed number. Pure.

A printed figure is a ``Decimal`` known to half a unit of its last printed place — it was
rounded to that place before printing: 2,940.05 → ±0.005, 6.2 → ±0.05, 6 → ±0.5
(:func:`juesuan.money.half_unit`). Thousands separators are allowed where they group three
digits; a number in brackets is negative.

:func:`parse_printed_figure` reads a table cell (:mod:`juesuan.audit.tables`);
:data:`WELL_FORMED` is what a well-formed printed number looks like, also to the reader of
the 绩效自评表 (:mod:`juesuan.audit.selfeval`) and of the figures in the running text
(:mod:`juesuan.audit.printed_numbers`, which still reads a figure whose grouping is wrong, and says so).

Not :func:`juesuan.money.parse_filing_amount`, which reads an amount a filing states: exact
(no rounding error), floats refused, no blanks or placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from juesuan.audit.structure import compact
from juesuan.money import ZERO, decimal_places, half_unit

# A well-formed printed number: optional minus, digits grouped by commas in threes or not at
# all, optional decimals.
WELL_FORMED = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})++|\d++)(?:\.\d+)?$")  # possessive: bounded memory on a megabyte of digits
_BLANKS = frozenset({"", "-", "—", "–", "－", "——", "/", "／", "…", "……", "………", "无"})
_PLACEHOLDER = re.compile(r"^[Xx×*＊…。.·]+$")


@dataclass(frozen=True)
class PrintedFigure:
    """A printed cell as read: its figure and the figure's rounding error, or no figure —
    a blank cell (``value`` None), or text with digits that is not a well-formed number
    (``malformed``; ``value`` None too).

    Not :class:`juesuan.tables.amounts.Amt`, which is always a number: a figure read here
    goes into a table row as its value and error, a blank as ``None``."""

    value: Decimal | None
    error: Decimal
    malformed: bool = False


BLANK = PrintedFigure(None, ZERO)


def parse_printed_figure(text: str) -> PrintedFigure:
    """A printed figure: ``Decimal`` with half a unit of its last printed place as error.

    Blank, dashes and placeholders (XX, …) are no figure. Text with digits that is not a
    well-formed number (1,2.34; 12.3.4; 12a.5; 5%) is malformed.
    """
    t = compact(text).replace("，", ",").replace("−", "-").replace("－", "-")
    if t in _BLANKS or _PLACEHOLDER.match(t):
        return BLANK
    if not any(ch.isdigit() for ch in t):
        return BLANK
    negative = False
    if t.startswith(("(", "（")) and t.endswith((")", "）")):
        t, negative = t[1:-1], True
    if not WELL_FORMED.match(t):
        return PrintedFigure(None, ZERO, malformed=True)
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return PrintedFigure(None, ZERO, malformed=True)
    return PrintedFigure(-value if negative else value, half_unit(decimal_places(value)))
