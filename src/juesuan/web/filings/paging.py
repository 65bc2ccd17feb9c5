"""Long lists of a section, a page at a time. Pure: no Django, no I/O.

A list of a section (支出 rows, 收入 rows, 增减原因 …) with more than :data:`PAGE_SIZE` rows is
edited a page at a time, optionally filtered by code or name: the page shows only its rows,
and its form posts only them (a 20,000-row 支出 table would be 54 MB of HTML and more form
fields than any server takes). Lists up to :data:`PAGE_SIZE` rows are shown and saved whole,
as before.

The rows of a page keep their indices in the saved list as form indices
(``expenditure.11250.code``), so row numbers, check findings and problems point at the same
row everywhere. The form carries the page's identity, ``_shown.<list path>``: the saved indices
of the rows shown, as ranges (``11200-11399``; a filtered page ``3,17,25-30``). The form is
saved only against the version it was opened on (``_base``), so these indices name the same
rows when it comes back. :func:`merge_pages` then puts the posted rows in place of the shown
ones: rows changed on the page are changed, rows deleted on the page are removed, rows added
on the page are inserted after the page's last row, every other row stays as saved. A form
of a long list without its identity is refused (:func:`unpaged`): it would replace thousands
of rows by the few it holds.

The page (``?page=57``) and the filter (``?q=2010``) are the section's: every long list of the
section shows that page (in practice a section has one list; 绩效自评 has three).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from juesuan.web.filings.forms_schema import (
    ROW,
    Group,
    Node,
    Pairs,
    Parsed,
    PathKey,
    Rows,
    Scalar,
    Section,
    join,
    normalise_number,
    scalar_text,
)

PAGE_SIZE = 200  # rows a page: about 2,000 form fields and 300 KB of HTML for 支出
SHOWN = "_shown"  # form key prefix of a page's identity: "_shown.<list path>"
_MAX_SHOWN_TEXT = 8000  # characters of an identity: PAGE_SIZE indices of 6 digits, with commas
_MAX_SHOWN = 1000  # indices in one identity (a page has PAGE_SIZE)

# The name of a code of a kind ("functional", "economic") in the filing's year, for filtering
# rows by the name of their 科目 ("行政运行") as well as by their code.
Names = Callable[[str, str], str]


def _no_names(kind: str, code: str) -> str:
    return ""


@dataclass(frozen=True)
class ListRef:
    """A list of a section that is not inside another list (those are paged)."""

    path: str  # form path: "expenditure", "budget.items"
    loc: tuple[str, ...]  # data path: ("budget", "items")
    node: Rows | Pairs

    @property
    def label(self) -> str:
        return self.node.label

    @property
    def shown_key(self) -> str:
        return f"{SHOWN}.{self.path}"


def lists_of(section: Section) -> tuple[ListRef, ...]:
    found: list[ListRef] = []

    def walk(node: Node, path: str, loc: tuple[str, ...]) -> None:
        if isinstance(node, Group):
            for child in node.fields:
                walk(child, join(path, child.name), (*loc, child.name))
        elif isinstance(node, Rows | Pairs):
            found.append(ListRef(path, loc, node))

    for node in section.nodes:
        walk(node, node.name, (node.name,))
    return tuple(found)


def dig(data: Any, loc: Sequence[str]) -> Any:
    """The value at a data path of plain data (None where it is missing)."""
    for part in loc:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def items_of(ref: ListRef, value: Any) -> list[Any]:
    """The rows of a list's value: items of a tuple, (key, value) pairs of a mapping."""
    if isinstance(ref.node, Pairs):
        return list(value.items()) if isinstance(value, Mapping) else []
    return list(value) if isinstance(value, list | tuple) else []


# --- filtering -----------------------------------------------------------------------------------


def _texts(node: Node, value: Any, names: Names) -> tuple[list[str], list[str]]:
    """(codes, texts) of a row: code fields match a prefix; texts, choices and the names of
    the codes a part."""
    codes: list[str] = []
    texts: list[str] = []
    if isinstance(node, Scalar):
        text = scalar_text(node, value)
        if node.kind in ("functional", "economic"):
            codes.append(text)
            if text:
                texts.append(names(node.kind, text))
        elif node.kind in ("text", "longtext"):
            texts.append(text)
        elif node.kind == "choice":
            texts.append(text)
            texts.extend(label for choice, label in node.choices if choice == text)
    elif isinstance(node, Group) and isinstance(value, Mapping):
        for child in node.fields:
            c, t = _texts(child, value.get(child.name), names)
            codes += c
            texts += t
    return codes, texts


def matches(ref: ListRef, item: Any, query: str, names: Names = _no_names) -> bool:
    """Whether a row matches a filter: a code starting with it, or a name or text containing it."""
    query = query.strip()
    if not query:
        return True
    if isinstance(ref.node, Pairs):
        key, value = item
        codes, texts = _texts(ref.node.key, key, names)
        texts += _texts(ref.node.value, value, names)[1]
    else:
        codes, texts = _texts(ref.node.item, item, names)
    digits = normalise_number(query)
    if digits.isdigit() and any(c.startswith(digits) for c in codes):
        return True
    folded = query.casefold()
    return any(folded in t.casefold() for t in texts)


# --- a page of a list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The rows of a long list on one page."""

    ref: ListRef
    total: int  # rows in the saved list
    matched: int  # rows matching the filter (all rows without one)
    page: int  # 1-based
    pages: int
    shown: tuple[int, ...]  # indices in the saved list, in order
    query: str

    @property
    def identity(self) -> str:
        return encode(self.shown)

    @property
    def first(self) -> int:
        """The 1-based number of the first row of the page among the matching rows (0: none)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.shown)


def window(ref: ListRef, value: Any, page: int, query: str = "", names: Names = _no_names) -> Window | None:
    """The page ``page`` of the list (rows matching ``query``), or None when the list is short
    enough to be shown whole (and no filter is asked for)."""
    items = items_of(ref, value)
    query = query.strip()[:50]
    if len(items) <= PAGE_SIZE:
        return None
    matching = [i for i, item in enumerate(items) if matches(ref, item, query, names)] if query else list(
        range(len(items)))
    pages = max(1, math.ceil(len(matching) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = tuple(matching[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
    return Window(ref, len(items), len(matching), page, pages, shown, query)


def windows(section: Section, data: Mapping[str, Any], page: int, query: str = "",
            names: Names = _no_names) -> dict[str, Window]:
    """The windows of the section's long lists, by list path."""
    out: dict[str, Window] = {}
    for ref in lists_of(section):
        found = window(ref, dig(data, ref.loc), page, query, names)
        if found is not None:
            out[ref.path] = found
    return out


def encode(indices: Sequence[int]) -> str:
    """(3, 17, 25, 26, 27) → ``3,17,25-27``."""
    parts: list[str] = []
    i = 0
    while i < len(indices):
        j = i
        while j + 1 < len(indices) and indices[j + 1] == indices[j] + 1:
            j += 1
        parts.append(str(indices[i]) if i == j else f"{indices[i]}-{indices[j]}")
        i = j + 1
    return ",".join(parts)


def decode(text: str) -> tuple[int, ...] | None:
    """The indices of an identity, strictly increasing; None when it is not one."""
    text = text.strip()
    if not text:
        return ()
    if len(text) > _MAX_SHOWN_TEXT:
        return None
    out: list[int] = []
    for part in text.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdecimal() or len(low) > 6 or (dash and (not high.isdecimal() or len(high) > 6)):
            return None
        start, end = int(low), int(high) if high else int(low)
        if end < start or (out and start <= out[-1]) or len(out) + end - start + 1 > _MAX_SHOWN:
            return None
        out.extend(range(start, end + 1))
    return tuple(out)


def shown_of(section: Section, values: Mapping[str, str]) -> tuple[dict[str, tuple[int, ...]], list[str]]:
    """The identities a section's form was posted with, by list path, and problems reading them."""
    shown: dict[str, tuple[int, ...]] = {}
    problems: list[str] = []
    for ref in lists_of(section):
        text = values.get(ref.shown_key)
        if text is None:
            continue
        indices = decode(str(text))
        if indices is None:
            problems.append(f"“{ref.label}”的分页标识无效，未保存。请重新打开本页后再修改。")
        else:
            shown[ref.path] = indices
    return shown, problems


def unpaged(section: Section, saved: Mapping[str, Any], shown: Mapping[str, tuple[int, ...]]) -> list[str]:
    """Long lists of the saved filing a form was posted for without a page identity: such a
    form would replace thousands of rows by the few it holds, so it is refused."""
    out = []
    for ref in lists_of(section):
        count = len(items_of(ref, dig(saved, ref.loc)))
        if count > PAGE_SIZE and ref.path not in shown:
            out.append(f"“{ref.label}”有 {count:,} 行，分页编辑；提交的表单没有分页标识，为免误删其他页的行，"
                       "本次未保存。请重新打开编辑页面后再修改。")
    return out


# --- putting a page back into the whole list ---------------------------------------------------------


def merge_pages(saved: Mapping[str, Any], parsed: Parsed, section: Section,
                shown: Mapping[str, tuple[int, ...]], values: Mapping[str, str]) -> list[str]:
    """Put the rows of the saved lists that were not on the page back around the posted rows,
    in ``parsed.data`` (and map problems of the merged rows to their form fields). Returns
    problems that forbid saving (an incomplete page); nothing is merged then."""
    refs = [ref for ref in lists_of(section) if ref.path in shown]
    problems: list[str] = []
    for ref in refs:
        total = len(items_of(ref, dig(saved, ref.loc)))
        indices = shown[ref.path]
        if indices and indices[-1] >= total:
            problems.append(f"“{ref.label}”只有 {total} 行，页面上却有第 {indices[-1] + 1} 行：页面已过期，未保存。"
                            "请重新打开本页后再修改。")
            continue
        missing = [i for i in indices if join(join(ref.path, i), ROW) not in values]
        if missing:
            problems.append(f"“{ref.label}”第 {missing[0] + 1} 行等 {len(missing)} 行没有随表单提交，"
                            "为免误删，本次未保存。请重新打开本页后再修改。")
    if problems:
        return problems
    for ref in refs:
        parent = dig(parsed.data, ref.loc[:-1]) if len(ref.loc) > 1 else parsed.data
        if not isinstance(parent, dict):
            continue  # the part holding the list is removed (删除此部分): all of it goes
        if isinstance(ref.node, Pairs):
            _merge_pairs(ref, dig(saved, ref.loc), parent, parsed, shown[ref.path])
        else:
            _merge_rows(ref, dig(saved, ref.loc), parent, parsed, shown[ref.path])
    return []


def _merge_rows(ref: ListRef, saved: Any, parent: dict[str, Any], parsed: Parsed,
                shown: tuple[int, ...]) -> None:
    name = ref.loc[-1]
    posted = list(parent.get(name) or [])
    order = list(parsed.rows.get(ref.loc, range(len(posted))))
    on_page = set(shown)
    updated: dict[int, tuple[int, Any]] = {}  # form index → (position read, row)
    added: list[tuple[int, int, Any]] = []  # (form index, position read, row)
    for position, (index, item) in enumerate(zip(order, posted, strict=True)):
        if index in on_page:
            updated[index] = (position, item)
        else:
            added.append((index, position, item))
    merged: list[Any] = []
    origin: list[int] = []  # merged position → form index (a saved index for rows not on the page)
    moved: dict[int, int] = {}  # position read → merged position

    def add_new() -> None:
        for index, position, item in added:
            moved[position] = len(merged)
            merged.append(item)
            origin.append(index)

    last = shown[-1] if shown else None
    for i, item in enumerate(items_of(ref, saved)):
        if i in on_page:
            if i in updated:
                position, row = updated[i]
                moved[position] = len(merged)
                merged.append(row)
                origin.append(i)
        else:
            merged.append(item)
            origin.append(i)
        if i == last:
            add_new()
    if last is None:
        add_new()
    parent[name] = merged
    parsed.rows[ref.loc] = origin
    _renumber(parsed, ref.loc, moved)


def _renumber(parsed: Parsed, loc: PathKey, moved: Mapping[int, int]) -> None:
    """Lists inside the rows (indicators of a project …) were read at the rows' posted positions."""
    depth = len(loc)

    def fix(key: PathKey) -> PathKey:
        if len(key) > depth and key[:depth] == loc:
            position = key[depth]
            if isinstance(position, int) and position in moved:
                return (*loc, moved[position], *key[depth + 1:])
        return key

    parsed.rows = {fix(k): v for k, v in parsed.rows.items()}
    parsed.keys = {fix(k): v for k, v in parsed.keys.items()}


def _merge_pairs(ref: ListRef, saved: Any, parent: dict[str, Any], parsed: Parsed,
                 shown: tuple[int, ...]) -> None:
    assert isinstance(ref.node, Pairs)
    name = ref.loc[-1]
    posted = parent.get(name) or {}
    where = parsed.keys.get(ref.loc, {})
    by_index = {where[key]: (key, value) for key, value in posted.items() if key in where}
    on_page = set(shown)
    pairs = items_of(ref, saved)
    elsewhere = {key: i for i, (key, _) in enumerate(pairs) if i not in on_page}
    label = ref.node.key.label
    for index, (key, _) in list(by_index.items()):
        if key in elsewhere:
            parsed.errors.setdefault(join(join(ref.path, index), "key"), []).append(
                f"{label}“{key}”重复（第 {elsewhere[key] + 1} 行已有，不在本页），同一{label}只能填一行")
            del by_index[index]
    merged: dict[str, Any] = {}
    keys: dict[str, int] = {}
    added = [(index, pair) for index, pair in sorted(by_index.items()) if index not in on_page]

    def add_new() -> None:
        for index, (key, value) in added:
            merged[key] = value
            keys[key] = index

    last = shown[-1] if shown else None
    for i, (key, value) in enumerate(pairs):
        if i in on_page:
            if i in by_index:
                new_key, new_value = by_index[i]
                merged[new_key] = new_value
                keys[new_key] = i
        else:
            merged[key] = value
            keys[key] = i
        if i == last:
            add_new()
    if last is None:
        add_new()
    if merged or name in parent:
        parent[name] = merged
    parsed.keys[ref.loc] = keys
