"""The text of a table cell as every reader gives it: wrapped lines joined (without a space
between Chinese characters), normalised; and a grid padded to a rectangle."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from juesuan.audit.source import normalise, squeeze


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_wrapped(parts: Sequence[str]) -> str:
    """Join the lines of a wrapped cell: no space next to Chinese text or inside a number,
    one space between words of Latin text."""
    out = ""
    for raw in parts:
        part = squeeze(raw)
        if not part:
            continue
        if out and needs_space(out[-1], part[0]):
            out += " "
        out += part
    return out


def needs_space(left: str, right: str) -> bool:
    if is_cjk(left) or is_cjk(right):
        return False
    if not (left.isascii() and right.isascii()):
        return False
    numberish = "0123456789,.%-"
    if left in numberish and right in numberish:
        return False
    return left.isalnum() and right.isalnum()


def cell_text(text: str | None) -> str:
    if not text:
        return ""
    return join_wrapped(normalise(text).splitlines())


def rectangle(rows: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    width = max((len(row) for row in rows), default=0)
    return tuple(tuple(row) + ("",) * (width - len(row)) for row in rows)
