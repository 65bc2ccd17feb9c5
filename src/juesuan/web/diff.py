"""What changed between two versions of a filing, field by field. Pure; no Django.

Filings are compared as plain data (``filing_to_data``): rows of income and expenditure are
matched by their code (and fund), so inserting a row does not make every later row "changed".
A change's :attr:`Change.path` is its stable key (``expenditure[2010608 government_fund].basic``);
:mod:`juesuan.web.filings.words` puts it in words (there, not here: the filings package imports
this module, and the web app's packages import each other in one direction only).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Lists whose items are matched by key rather than by position.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "income": ("code",),
    "expenditure": ("code", "fund"),
    "basic_economic": ("code",),
    "carry_over": ("fund", "code"),
    "items": ("code", "fund"),
    "units": ("name",),
    "projects": ("name",),
    "indicators": ("level1", "level2", "level3", "name"),
}


@dataclass(frozen=True)
class Change:
    path: str
    before: str | None  # None: absent before (added)
    after: str | None  # None: absent after (removed)

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def row_key(name: str, item: Any, index: int) -> str:
    """How ``flatten`` names an item of list ``name`` in a path: ``[2010301]``, ``[3]``."""
    fields = ROW_KEYS.get(name)
    if fields and isinstance(item, dict):
        parts = [str(item[f]) for f in fields if item.get(f) not in (None, "")]
        if parts:
            return "[" + " ".join(parts) + "]"
    return f"[{index + 1}]"


def flatten(data: Any, path: str = "", name: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) for every leaf value; paths read like ``expenditure[2010301 general_budget].basic``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, f"{path}.{key}" if path else str(key), str(key))
    elif isinstance(data, list | tuple):
        seen: dict[str, int] = {}
        for index, item in enumerate(data):
            key = row_key(name, item, index)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:  # duplicate keys stay distinct
                key = f"{key[:-1]} #{seen[key]}]"
            yield from flatten(item, f"{path}{key}", name)
    elif data is not None:
        yield path, str(data)


def diff(before: Any, after: Any) -> list[Change]:
    """Changes from ``before`` to ``after`` in the order of ``after`` (removed ones last)."""
    old = dict(flatten(before))
    new = dict(flatten(after))
    changes = [Change(p, old.get(p), v) for p, v in new.items() if old.get(p) != v]
    changes += [Change(p, v, None) for p, v in old.items() if p not in new]
    return changes
