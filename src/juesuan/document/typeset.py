"""Punctuation of Chinese text as a government document prints it: full width.

Department texts are often typed with half-width commas and brackets ("出国(境)", "职责增加,新增");
a published document sets them full width. Only punctuation touching Chinese text changes:
"1,234.56", "12:30" and "(A)" in Latin text stay as they are. No word changes.
"""

from __future__ import annotations

_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _chinese(char: str) -> bool:
    return ("\u4e00" <= char <= "\u9fff" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"
            or char in "“”‘’…—")


def full_width(text: str) -> str:
    """``text`` with half-width punctuation next to Chinese set full width."""
    if not any(c in _FULL for c in text):
        return text
    chars = list(text)
    for i, char in enumerate(chars):
        full = _FULL.get(char)
        if full is None:
            continue
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if char == "(":
            near = _chinese(after) or (_chinese(before) and not after.isascii())
        elif char == ")":
            near = _chinese(before) or (_chinese(after) and not before.isascii())
        else:
            near = _chinese(before) or (_chinese(after) and not (before.isdigit() and after.isdigit()))
        if near:
            chars[i] = full
    return "".join(chars)
