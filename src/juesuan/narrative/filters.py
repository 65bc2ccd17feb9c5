"""Chinese number filters for the 情况说明 templates. Pure; they format, never compute.

Every filter refuses floats. A :class:`~juesuan.narrative.facts.Gap` passes through any
filter unchanged; the environment's ``finalize`` prints it as its placeholder and records
it (see :mod:`juesuan.narrative.render`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from jinja2 import pass_context
from jinja2.runtime import Context

from juesuan.money import round_half_up
from juesuan.narrative.facts import Change, Gap
from juesuan.performance.scoring import fmt
from juesuan.tables.layout import chinese_number
from juesuan.template.catalogue import template_for
from juesuan.template.model import Wording

SENTENCE_END = "。！？…"
SOFT_END = "；;，,、：:"


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} 过滤器只接受 Decimal 或整数，实际为 {type(value).__name__}")
    return value if isinstance(value, Decimal) else Decimal(value)


def wan(value: object) -> str | Gap:
    """An amount in 万元: two decimals, half-up, never "-0.00" (the unit is written by the template)."""
    if isinstance(value, Gap):
        return value
    rounded = round_half_up(_decimal(value, "wan"), 2)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.2f}"


def pct(value: object) -> str | Gap:
    """A percentage (already × 100): two decimals, half-up, with the % sign."""
    if isinstance(value, Gap):
        return value
    rounded = round_half_up(_decimal(value, "pct"), 2)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.2f}%"


def change(value: object, part: str = "both", unit: str = "万元", wording: Wording | None = None) -> str | Gap:
    """A year-over-year change in the template's words (``wording``; by default those of
    the template in force for 2020).

    ``both``: 增加56.94万元，增长1.87% / 减少…，下降…% / 持平 (the rate is left out when
    the base is 0); ``amount``: 增加56.94万元; ``rate``: 增长1.87%. An unknown base gives
    the base's gap.
    """
    if not isinstance(value, Change):
        raise TypeError(f"change 过滤器只接受 Change，实际为 {type(value).__name__}")
    w = wording or template_for(None, 2020).wording
    if isinstance(value.base, Gap):
        return value.base
    if value.flat:
        return w.flat
    amount, rate = value.amount, value.rate
    assert amount is not None
    amount_text = f"{w.increase if value.up else w.decrease}{wan(amount)}{unit}"
    rate_text = None if rate is None else f"{w.rise if value.up else w.fall}{pct(rate)}"
    if part == "amount":
        return amount_text
    if part == "rate":
        if rate_text is None:
            raise ValueError("上年数为 0，无增减幅度")
        return rate_text
    if part != "both":
        raise ValueError(f"change 过滤器不认识 {part!r}")
    return amount_text if rate_text is None else f"{amount_text}，{rate_text}"


def chinese_ordinal(value: object) -> str:
    """1 → 一, 11 → 十一."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("chinese_ordinal 只接受整数")
    return chinese_number(value)


def sentence(value: object) -> str | Gap:
    """A stated text as a whole sentence: trimmed, ending in 。 (a trailing ；，： is replaced);
    a gap ends the sentence after its placeholder."""
    if isinstance(value, Gap):
        return replace(value, suffix="。")
    if not isinstance(value, str):
        raise TypeError(f"sentence 过滤器只接受文字，实际为 {type(value).__name__}")
    text = value.strip()
    while text and text[-1] in SOFT_END:
        text = text[:-1].rstrip()
    if text and text[-1] not in SENTENCE_END:
        text += "。"
    return text


def clause(value: object) -> str | Gap:
    """A stated text inside a sentence: trimmed, without its final punctuation."""
    if isinstance(value, Gap):
        return value
    if not isinstance(value, str):
        raise TypeError(f"clause 过滤器只接受文字，实际为 {type(value).__name__}")
    text = value.strip()
    while text and text[-1] in SENTENCE_END + SOFT_END:
        text = text[:-1].rstrip()
    return text


_PURPOSE_LEAD = re.compile(r"^\s*(?:主要)?用于[：:]?\s*")


def purpose(value: object) -> str | Gap:
    """What money was used for, after the template's own "主要用于": a text the department
    began with "主要用于" the same way is not printed "主要用于主要用于"."""
    if isinstance(value, Gap):
        return value
    if not isinstance(value, str):
        raise TypeError(f"purpose 过滤器只接受文字，实际为 {type(value).__name__}")
    return _PURPOSE_LEAD.sub("", value, count=1) or value


def score(value: object) -> str:
    """A score as the forms print it: no trailing zeros (96.742, 100, 97.2)."""
    return fmt(_decimal(value, "score"))


def is_gap(value: object) -> bool:
    return isinstance(value, Gap)


@pass_context
def _change_in_words(context: Context, value: object, part: str = "both", unit: str = "万元") -> str | Gap:
    """``change`` in the words of the section's template (``w`` in its context)."""
    return change(value, part, unit, wording=context.get("w"))


FILTERS = {
    "wan": wan,
    "pct": pct,
    "change": _change_in_words,
    "chinese_ordinal": chinese_ordinal,
    "sentence": sentence,
    "clause": clause,
    "purpose": purpose,
    "score": score,
}

TESTS = {"gap": is_gap}
