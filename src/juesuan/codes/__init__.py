"""政府收支分类科目: 支出功能分类 and 部门预算支出经济分类, keyed by (year, code).

The lists are data files in ``data/`` (CSV, UTF-8). Each row is valid from
``valid_from`` to ``valid_to`` (inclusive; empty means open-ended), so a code that
was created, renamed or abolished keeps one row per period.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class Classification(StrEnum):
    FUNCTIONAL = "functional"  # 支出功能分类
    ECONOMIC = "economic"  # 部门预算支出经济分类


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name: str
    level: str  # 类 / 款 / 项
    parent: str | None
    valid_from: int | None
    valid_to: int | None
    source: str

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )

    @property
    def verified(self) -> bool:
        """False when any part of the row comes from unverified knowledge (source M)."""
        return "M" not in self.source


# Years the bundled lists are meant to cover; outside them every code is "unknown".
FIRST_YEAR = 2019
LAST_YEAR = 2026


@dataclass(frozen=True)
class CodeList:
    classification: Classification
    entries: tuple[CodeEntry, ...]

    def lookup(self, year: int, code: str) -> CodeEntry | None:
        for entry in _index(self.classification).get(code, ()):
            if entry.valid_in(year):
                return entry
        return None

    def covers(self, year: int) -> bool:
        return FIRST_YEAR <= year <= LAST_YEAR

    def name(self, year: int, code: str) -> str | None:
        entry = self.lookup(year, code)
        return entry.name if entry else None

    def classes(self, year: int) -> list[CodeEntry]:
        """All 类 valid in ``year``, in code order."""
        return sorted(
            (e for e in self.entries if e.level == "类" and e.valid_in(year)), key=lambda e: e.code
        )

    def children(self, year: int, code: str) -> list[CodeEntry]:
        return sorted(
            (e for e in self.entries if e.parent == code and e.valid_in(year)),
            key=lambda e: e.code,
        )


def _year(text: str) -> int | None:
    return int(text) if text.strip() else None


@cache
def _load(classification: Classification) -> tuple[CodeEntry, ...]:
    path = resources.files("juesuan.codes") / "data" / f"{classification.value}.csv"
    with path.open("r", encoding="utf-8") as handle:
        return tuple(
            CodeEntry(
                code=row["code"].strip(),
                name=row["name"].strip(),
                level=row["level"].strip(),
                parent=row["parent"].strip() or None,
                valid_from=_year(row["valid_from"]),
                valid_to=_year(row["valid_to"]),
                source=row["source"].strip(),
            )
            for row in csv.DictReader(handle)
        )


@cache
def _index(classification: Classification) -> dict[str, tuple[CodeEntry, ...]]:
    index: dict[str, list[CodeEntry]] = {}
    for entry in _load(classification):
        index.setdefault(entry.code, []).append(entry)
    return {code: tuple(entries) for code, entries in index.items()}


@cache
def functional() -> CodeList:
    return CodeList(Classification.FUNCTIONAL, _load(Classification.FUNCTIONAL))


@cache
def economic() -> CodeList:
    return CodeList(Classification.ECONOMIC, _load(Classification.ECONOMIC))


def functional_parent(code: str) -> str | None:
    """项 2010601 → 款 20106 → 类 201 → None (by length, as the codes are built)."""
    return {7: code[:5], 5: code[:3]}.get(len(code))


def economic_parent(code: str) -> str | None:
    return code[:3] if len(code) == 5 else None
