"""The ordinals of a report's headings and 目录 entries: 一、二、三、… and （一）（二）….

Real reports lose ordinals when a 目录 is typed by hand or a list is edited: an item left
with its 顿号 only ("、收入支出决算总体情况说明"), items between 三、 and 七、 without any, a
number used twice, a sub-list starting at （二）. Each is likely a slip but proves nothing
about the figures, so the rule that reports them (A.numbering) warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from juesuan.audit.source import Line
from juesuan.audit.structure import Structure, chinese_int, compact
from juesuan.tables.layout import chinese_number

_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_CHINESE_ITEM = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_PAREN_ITEM = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]")
_LOST_ORDINAL = re.compile(r"^、[\u4e00-\u9fff]")
# an ordinal of two or three characters that lost its 顿号 (“十一其他重要事项情况说明”); read as
# one only where the list expects it next (one item may be missing), as a one-character
# numeral starts many words (一般公共预算, 三公经费)
_BARE_ITEM = re.compile(r"^([一二三四五六七八九十]{2,3})(?=[\u4e00-\u9fff])")
_PAGE_ONLY = re.compile(r"^[-—–－]?\d{1,4}[-—–－]?$")
# An item of a list (a heading, a 目录 entry) is short; a longer line between two numbered items
# is running text, not an item that lost its number. Calibrated on the 目录 entries of
# tests/fixtures/real (the longest, a 三公 section title with its page number, has 31 characters).
_ITEM_CHARS = 40
_LAST = 99  # the last number written in Chinese that chinese_number and chinese_int know


@dataclass(frozen=True)
class NumberingProblem:
    line: Line
    message: str
    expected: str
    found: str


def numbering_problems(structure: Structure) -> list[NumberingProblem]:
    """Lost, skipped and repeated ordinals, in reading order."""
    problems: list[NumberingProblem] = []
    last: dict[str, int] = {}  # the last number of each level in the current list
    between: list[Line] = []  # short lines since the last 一、-level item
    for block in structure.source.blocks[structure.start:]:
        if not isinstance(block, Line):
            between.clear()
            continue
        text = compact(block.text)
        if not text or _PAGE_ONLY.match(text):
            continue
        if _PART.match(text):
            last.clear()
            between.clear()
            continue
        if _LOST_ORDINAL.match(text):
            problems.append(NumberingProblem(block, f"“{text[:20]}”前缺少序号，只剩顿号",
                                             "一、二、……", text[:20]))
            between.append(block)
            continue
        chinese, paren = _CHINESE_ITEM.match(text), _PAREN_ITEM.match(text)
        bare = _bare_item(text, last.get("chinese")) if chinese is None else None
        chinese = chinese or bare
        if chinese is not None and (n := chinese_int(chinese.group(1))) is not None:
            previous = last.get("chinese")
            if previous is not None and n == previous and n < _LAST:
                problems.append(NumberingProblem(block, f"序号“{chinese.group(1)}、”与上一项重复",
                                                 f"{chinese_number(n + 1)}、", f"{chinese.group(1)}、"))
            elif previous is not None and n > previous + 1:
                missing = n - previous - 1
                unnumbered = [b for b in between if not _LOST_ORDINAL.match(compact(b.text))]
                wanted = "、".join(f"“{chinese_number(k)}、”" for k in range(previous + 1, n))
                if len(unnumbered) == missing:
                    # the items are there, their numbers are not
                    first = unnumbered[0]
                    problems.append(NumberingProblem(
                        first, f"“{chinese_number(previous)}、”之后的 {missing} 项没有序号（应为{wanted}），"
                        f"下一项直接是“{chinese.group(0)}”", wanted, compact(first.text)[:20]))
                elif not any(_LOST_ORDINAL.match(compact(b.text)) for b in between):
                    problems.append(NumberingProblem(
                        block, f"序号从“{chinese_number(previous)}、”跳到“{chinese.group(0)}”，缺少{wanted}",
                        wanted, f"{chinese.group(1)}、"))
            if bare is not None:
                problems.append(NumberingProblem(block, f"序号“{bare.group(1)}”后缺少顿号",
                                                 f"{bare.group(1)}、", text[:20]))
            while n < _LAST and f"{chinese_number(n + 1)}、" in text[len(chinese.group(0)):]:
                n += 1  # two entries run onto one line (a PDF's 目录): "六、… 七、…"
            last["chinese"] = n
            last.pop("paren", None)
            between.clear()
            continue
        if paren is not None and (n := chinese_int(paren.group(1))) is not None:
            previous = last.get("paren")
            if previous is None and n > 1 and "chinese" in last:
                problems.append(NumberingProblem(block, f"小标题从“（{paren.group(1)}）”开始，缺少“（一）”",
                                                 "（一）", f"（{paren.group(1)}）"))
            last["paren"] = n
            between.clear()
            continue
        if len(text) <= _ITEM_CHARS:
            between.append(block)
        else:
            between.clear()  # running text: a list of items, if any, has ended
    return problems


def _bare_item(text: str, previous: int | None) -> re.Match[str] | None:
    """An item whose ordinal lost its 顿号, when the list expects that ordinal next."""
    m = _BARE_ITEM.match(text)
    if m is None or previous is None or len(text) > _ITEM_CHARS:
        return None
    return m if chinese_int(m.group(1)) in (previous + 1, previous + 2) else None
