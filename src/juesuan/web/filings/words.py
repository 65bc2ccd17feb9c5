"""Field paths in the words of the editor's pages and the code lists. Pure; no Django.

A diff's path (:mod:`juesuan.web.diff`: ``expenditure[2010608 government_fund].project``) or a
path as the model and the checks write it (``expenditure[3].project``, with the filing's data)
becomes 支出 › 2010608 财政委托业务支出（政府性基金预算财政拨款） › 项目支出: the page's title
(:data:`~juesuan.web.filings.forms_schema.SECTIONS`), the fields' labels (the form nodes), the
year's code names (:mod:`juesuan.codes`), funds and 一级指标 by their Chinese names, rows of
units, projects and indicators by their names. A part nobody knows is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from juesuan import codes
from juesuan.filing.performance import FirstLevel
from juesuan.web.diff import Change, row_key
from juesuan.web.filings.forms_schema import (
    CHOICE_LABELS,
    FILING,
    Group,
    Node,
    Pairs,
    Rows,
    Scalar,
    field_of,
    section_of,
)

SEPARATOR = " › "
_CODE_ROWS = {"income", "expenditure", "basic_economic", "carry_over", "items"}
_NAME_ROWS = {"units", "projects"}
_FUNDS = {"general_budget", "government_fund", "state_capital", "non_fiscal"}
_DUPLICATE = re.compile(r"^(.*) #(\d+)$")
_NAME = re.compile(r"[^.\[\]]+")


def _code_name(kind: str, code: str, year: int | None) -> str | None:
    """The code's name in the year's list; without a year, the name it always had (if one)."""
    listing = codes.economic() if kind == "economic" else codes.functional()
    if year is not None:  # outside the years the lists cover every code is unknown
        return listing.name(year, code) if listing.covers(year) else None
    names = {e.name for e in listing.entries if e.code == code}
    return names.pop() if len(names) == 1 else None


def _code_words(kind: str, code: str, year: int | None) -> str:
    name = _code_name(kind, code, year)
    return f"{code} {name}" if name else code


def _ordinal(text: str, item: Group | Scalar) -> str:
    return f"第 {text} {'条' if isinstance(item, Scalar) else '项'}"


def _row_words(list_name: str, key: str, item: Group | Scalar, year: int | None) -> str:
    """A row's key (what ``flatten`` put in brackets) in words."""
    duplicate = _DUPLICATE.match(key)
    base, extra = (duplicate.group(1), f"（重复，第 {duplicate.group(2)} 行）") if duplicate \
        else (key, "")
    tokens = base.split(" ")
    if list_name in _CODE_ROWS:
        kind = "economic" if list_name == "basic_economic" else "functional"
        found = [t for t in tokens if t.isdigit() and len(t) in (5, 7)]
        funds = [CHOICE_LABELS[t] for t in tokens if t in _FUNDS]
        fund = field_of(item, "fund") if isinstance(item, Group) else None
        if not funds and found and isinstance(fund, Scalar) and fund.default in CHOICE_LABELS:
            funds = [CHOICE_LABELS[fund.default]]  # the row's fund left at its default
        others = [t for t in tokens if t not in _FUNDS and t not in found]
        if others and not found and not funds and base.isdigit():  # a row without its code
            return f"第 {base} 行{extra}"
        words = " ".join([*(_code_words(kind, c, year) for c in found), *others])
        if funds:
            words = f"{words}（{'，'.join(funds)}）" if words else "，".join(funds)
        return words + extra
    if list_name in _NAME_ROWS:
        return base + extra
    if list_name == "indicators" and tokens[0] in {level.value for level in FirstLevel}:
        level = FirstLevel(tokens[0]).label
        rest = tokens[1:]
        if len(rest) >= 2 and rest[0].endswith("指标"):  # 二级指标 (数量指标 …) before the name
            return f"{' '.join(rest[1:])}（{level}，{rest[0]}）{extra}"
        return f"{' '.join(rest) or level}（{level}）{extra}" if rest else level + extra
    if base.isdigit():
        return _ordinal(base, item) + extra
    return key


def _close(rest: str, item: Group | Scalar) -> int | None:
    """Where the bracket that ``rest`` opens closes: the first ``]`` followed by the end or by
    a field of the row (a key may itself hold ``]``)."""
    for at, char in enumerate(rest):
        if char != "]" or at == 0:
            continue
        after = rest[at + 1:]
        if not after:
            return at
        if isinstance(item, Group) and after.startswith("."):
            name = _NAME.match(after, 1)
            if name and any(f.name == name.group(0) for f in item.fields):
                return at
    # no known field follows: the first bracket closed before a field or another key
    ends = [at for at, char in enumerate(rest) if char == "]" and at > 0
            and rest[at + 1:at + 2] in ("", ".", "[")]
    return ends[0] if ends else None


def _indexed(rows: Any, key: str, list_name: str) -> str:
    """A model path's 0-based index as the diff's row key (the row's code, name …)."""
    if key.isdigit() and isinstance(rows, list) and int(key) < len(rows):
        return row_key(list_name, rows[int(key)], int(key))[1:-1]
    return str(int(key) + 1) if key.isdigit() else key


def _walk(path: str, year: int | None, data: Any) -> tuple[list[str], Node | None]:
    """The words of ``path`` and the form node it ends at (None: a part nobody knows)."""
    name = _NAME.match(path)
    top = field_of(FILING, name.group(0)) if name else None
    if name is None or top is None:
        return [path], None
    section = section_of((top.name,))
    words = [section.title] if section else []
    if section is None or len(section.fields) > 1:
        words.append(top.label)
    node: Node = top
    rest = path[name.end():]
    value = data.get(top.name) if isinstance(data, Mapping) else None
    while rest:
        if isinstance(node, Group) and rest.startswith("."):
            name = _NAME.match(rest, 1)
            child = field_of(node, name.group(0)) if name else None
            if name is None or child is None:
                break
            words.append(child.label)
            node, rest = child, rest[name.end():]
            value = value.get(child.name) if isinstance(value, Mapping) else None
        elif isinstance(node, Rows) and rest.startswith("["):
            at = _close(rest, node.item)
            if at is None:
                break
            key = rest[1:at]
            if data is not None:  # a model path: indices, not keys
                key = _indexed(value, key, node.name)
                value = value[int(rest[1:at])] if isinstance(value, list) and rest[1:at].isdigit() \
                    and int(rest[1:at]) < len(value) else None
            words.append(_row_words(node.name, key, node.item, year) or f"[{key}]")
            node, rest = node.item, rest[at + 1:]
        elif isinstance(node, Pairs) and rest.startswith("."):
            key = rest[1:]
            words.append(_code_words(node.key.kind, key, year)
                         if node.key.kind in ("functional", "economic") else key)
            return words, node.value
        else:
            break
    if rest:
        words.append(rest[1:] if rest.startswith(".") else rest)
        return words, None
    return words, node


def describe_path(path: str, year: int | None = None, data: Any = None) -> str:
    """A change's path in words: 支出 › 2010608 财政委托业务支出（一般公共预算财政拨款） ›
    项目支出. Code names are the ``year``'s. Paths are the diff's (rows by their key, other
    lists by number from 1); given the filing's ``data``, a path as the model and the checks
    write it (``income[3].general_budget``, rows by index from 0) is read against it. A part
    of the path nobody knows is shown as it is."""
    words, _ = _walk(path, year, data)
    return SEPARATOR.join(w for w in words if w)


def describe_value(path: str, text: str | None) -> str | None:
    """A changed value in words: a choice by its label (产出指标, not ``output``), a yes/no
    field as 是 / 否; anything else as it is."""
    if text is None:
        return None
    _, node = _walk(path, None, None)
    if isinstance(node, Scalar):
        if node.kind == "flag":
            return {"True": "是", "False": "否"}.get(text, text)
        return dict(node.choices).get(text, text)
    return text


@dataclass(frozen=True)
class Described:
    """A change as the version page shows it: where in words, the values in words."""

    change: Change
    words: str
    before: str | None
    after: str | None

    @property
    def path(self) -> str:
        return self.change.path

    @property
    def kind(self) -> str:
        return self.change.kind


def described(changes: list[Change], year: int | None = None) -> list[Described]:
    return [Described(c, describe_path(c.path, year), describe_value(c.path, c.before),
                      describe_value(c.path, c.after)) for c in changes]
