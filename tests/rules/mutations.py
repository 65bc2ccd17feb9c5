"""Mutations of filing data (plain dicts and lists) for the rule tests' failing cases.

A path is dotted; a part indexes a list when the node is a list ("expenditure.1.project"),
and is a key otherwise ("reasons.items.2010601").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Data = dict[str, Any]
Mutation = Callable[[Data], None]


def walk(data: Data, path: str) -> tuple[Any, int | str]:
    """The container holding the last part of ``path``, and that part."""
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, int(last) if isinstance(node, list) else last


def set_(path: str, value: Any) -> Mutation:
    """Set a field by path: "expenditure.1.project", "three_public.outbound.groups"."""

    def mutate(data: Data) -> None:
        node, last = walk(data, path)
        node[last] = value

    return mutate


def delete(path: str) -> Mutation:
    def mutate(data: Data) -> None:
        node, last = walk(data, path)
        del node[last]

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(data: Data) -> None:
        for m in mutations:
            m(data)

    return mutate
