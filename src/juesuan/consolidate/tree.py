"""The unit tree of a department and the three ways of choosing the units to consolidate.

A node is one unit: its key (``department.code``, or a name the caller gives), its filing
when it is at hand, and its children. The desktop 决算 software consolidates over the same
tree: 完全汇总 (a node and everything under it), 节点汇总 (a node and its direct children) and
选择汇总 (units picked from the tree). Pure: the caller reads the files.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from juesuan.filing.model import Filing
from juesuan.money import printable


class ConsolidationError(ValueError):
    """Units that cannot be consolidated as asked; the message is Chinese and user-facing."""


class Mode(StrEnum):
    COMPLETE = "complete"  # 完全汇总
    NODE = "node"  # 节点汇总
    CHOSEN = "chosen"  # 选择汇总

    @property
    def label(self) -> str:
        return {"complete": "完全汇总", "node": "节点汇总", "chosen": "选择汇总"}[self.value]


@dataclass(frozen=True)
class UnitNode:
    """One unit of the tree; ``filing`` is None for a unit whose filing is not at hand."""

    key: str
    filing: Filing | None
    children: tuple[UnitNode, ...] = ()

    @property
    def name(self) -> str:
        return self.filing.department.name if self.filing is not None else self.key

    def walk(self) -> Iterator[UnitNode]:
        """This node and every node under it, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, key: str) -> UnitNode | None:
        return next((node for node in self.walk() if node.key == key), None)


def unit_key(filing: Filing) -> str | None:
    return filing.department.code


def flat_tree(filings: Sequence[Filing]) -> UnitNode:
    """The tree without a tree file: the first filing is the 本级 unit, the others its direct
    children. Keys are the codes, or the position when a filing has none."""
    if not filings:
        raise ConsolidationError("没有要汇总的填报文件")
    keys = [unit_key(f) or f"第{n}份" for n, f in enumerate(filings, 1)]
    _refuse_repeated(keys, filings)
    children = tuple(UnitNode(k, f) for k, f in zip(keys[1:], filings[1:], strict=True))
    return UnitNode(keys[0], filings[0], children)


def _refuse_repeated(keys: Sequence[str], filings: Sequence[Filing]) -> None:
    seen: dict[str, int] = {}
    for n, key in enumerate(keys):
        if key in seen:
            raise ConsolidationError(
                f"两份填报的单位编码相同（{printable(key)}）：{printable(filings[seen[key]].department.name)}、"
                f"{printable(filings[n].department.name)}；每个单位只能汇总一次")
        seen[key] = n


def tree_from_parents(parents: Mapping[str, str | None], filings: Sequence[Filing]) -> list[UnitNode]:
    """The trees (usually one) that ``parents`` (unit code → its 上级's code, None for a top
    unit) describes, with the filings attached by ``department.code``. A code named only as a
    parent is a unit of the tree too. Every filing must have a code that the tree names."""
    keys: list[str] = []
    for filing in filings:
        key = unit_key(filing)
        if not key:
            raise ConsolidationError(
                f"填报“{printable(filing.department.name)}”没有单位编码（department.code），"
                "无法在单位树中找到它")
        keys.append(key)
    _refuse_repeated(keys, filings)
    by_key = dict(zip(keys, filings, strict=True))
    everyone = set(parents) | {p for p in parents.values() if p is not None}
    unknown = [k for k in keys if k not in everyone]
    if unknown:
        raise ConsolidationError(
            f"单位树中没有编码 {'、'.join(printable(k) for k in unknown)}（填报文件的 department.code）；"
            "单位树应列出每个单位的编码及其上级编码")
    for key in parents:
        seen = [key]
        parent = parents.get(key)
        while parent is not None:
            if parent in seen:
                loop = " → ".join(printable(k) for k in [*seen[seen.index(parent):], parent])
                raise ConsolidationError(f"单位树有循环：{loop}")
            seen.append(parent)
            parent = parents.get(parent)
    children: dict[str | None, list[str]] = {}
    for key in sorted(everyone):
        children.setdefault(parents.get(key), []).append(key)

    def node(key: str) -> UnitNode:
        return UnitNode(key, by_key.get(key), tuple(node(c) for c in children.get(key, ())))

    return [node(top) for top in children.get(None, [])]


def choose_root(trees: Sequence[UnitNode], root: str | None) -> UnitNode:
    """The node named ``root``, or the one top unit when none is named."""
    if root is not None:
        for tree in trees:
            found = tree.find(root)
            if found is not None:
                return found
        raise ConsolidationError(f"单位树中没有编码为 {printable(root)} 的单位")
    if len(trees) != 1:
        tops = "、".join(printable(t.key) for t in trees[:10])
        raise ConsolidationError(f"单位树有 {len(trees)} 个最上级单位（{tops}），请用 --root 指定汇总的单位")
    return trees[0]


def select(root: UnitNode, mode: Mode, chosen: Collection[str] = ()) -> list[UnitNode]:
    """The units ``mode`` consolidates under ``root``, parents before children.

    complete: ``root`` and every unit under it; node: ``root`` and its direct children;
    chosen: the units of the tree under ``root`` whose keys are in ``chosen``. Each must have
    its filing."""
    if mode is Mode.COMPLETE:
        members = list(root.walk())
    elif mode is Mode.NODE:
        members = [root, *root.children]
    else:
        members = [n for n in root.walk() if n.key in chosen]
        missing = sorted(set(chosen) - {n.key for n in members})
        if missing:
            raise ConsolidationError(
                f"所选单位 {'、'.join(printable(k) for k in missing)} 不在单位 {printable(root.key)} 之下")
    if not members:
        raise ConsolidationError("没有选中任何单位")
    lacking = [n.key for n in members if n.filing is None]
    if lacking:
        raise ConsolidationError(
            f"{mode.label}需要单位 {'、'.join(printable(k) for k in lacking[:20])} 的填报文件，但没有给出")
    return members
