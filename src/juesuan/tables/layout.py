"""Chinese numbering of the public tables and sections, and the template of a filing.

What differs between templates (titles, notes, class lists, column variants) is data:
see :mod:`juesuan.template`.
"""

from __future__ import annotations

from juesuan.template.catalogue import template_for
from juesuan.template.model import Template


def layout_for(name: str | None, year: int) -> Template:
    """The template a filing names, else the one in force for its year."""
    return template_for(name, year)


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 26 → 二十六 (up to 99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def ordinal(n: int, label: str) -> str:
    """一、一般公共服务支出."""
    return f"{chinese_number(n)}、{label}"
