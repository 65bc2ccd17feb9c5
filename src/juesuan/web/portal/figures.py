"""Comparisons between disclosures (departments side by side, one unit's years). Pure functions.

The key figures and their changes are :mod:`juesuan.web.figures` (re-exported here): what the
published document states, 万元 to two decimals, ``None`` for a figure not given. A comparison
computes a change only where both sides have the figure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

# The figures and their changes are the ones the working area shows too (juesuan.web.figures).
from juesuan.web.figures import (
    MEASURE_KEYS,
    MEASURES,
    MISSING,
    UNIT,
    Change,
    Figures,
    Measure,
    amount_text,
    change,
    key_figures,
    signed_text,
)

__all__ = ["MEASURES", "MEASURE_KEYS", "MISSING", "UNIT", "Change", "Figures", "Measure", "amount_text",
           "change", "key_figures", "signed_text"]


# --- comparisons -----------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One compared disclosure."""

    key: str  # region/year/department/unit
    name: str  # the unit's name
    region: str  # the region's name
    year: int
    figures: Figures
    url: str = ""


@dataclass(frozen=True)
class Line:
    measure: Measure
    values: tuple[Decimal | None, ...]  # one per subject
    changes: tuple[Change | None, ...]  # one per subject; None for the base and where unknown

    @property
    def complete(self) -> bool:
        """Every compared disclosure has this figure."""
        return all(v is not None for v in self.values)


ComparisonKind = Literal["departments", "years"]


@dataclass(frozen=True)
class Comparison:
    """Key figures side by side. ``departments``: changes against the first subject (the
    base); ``years``: subjects are one unit's years, oldest first, each change against the
    year before."""

    kind: ComparisonKind
    subjects: tuple[Subject, ...]
    lines: tuple[Line, ...]

    @property
    def title(self) -> str:
        if self.kind == "years" and self.subjects:
            first, last = self.subjects[0], self.subjects[-1]
            return f"{first.name} {first.year}—{last.year} 年度比较"
        names = "、".join(s.name for s in self.subjects)
        year = self.subjects[0].year if self.subjects else ""
        return f"{year} 年度部门比较：{names}"

    @property
    def base_label(self) -> str:
        return "较上年" if self.kind == "years" else "较基准"


def compare(kind: ComparisonKind, subjects: Sequence[Subject]) -> Comparison:
    subjects = tuple(subjects)
    lines = []
    for measure in MEASURES:
        values = tuple(s.figures.get(measure.key) for s in subjects)
        changes: list[Change | None] = [None]
        for i in range(1, len(values)):
            base = values[i - 1] if kind == "years" else values[0]
            changes.append(change(values[i], base))
        lines.append(Line(measure, values, tuple(changes[: len(values)])))
    return Comparison(kind, subjects, tuple(lines))


def comparison_data(c: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data: amounts and rates as decimal strings, null = 无数据."""
    return {
        "kind": c.kind,
        "title": c.title,
        "unit": UNIT,
        "base": ("previous_year" if c.kind == "years" else (c.subjects[0].key if c.subjects else None)),
        "subjects": [{"key": s.key, "name": s.name, "region": s.region, "year": s.year, "url": s.url}
                     for s in c.subjects],
        "measures": [
            {
                "key": line.measure.key,
                "label": line.measure.label,
                "group": line.measure.group,
                "complete": line.complete,
                "values": [amount_text(v) for v in line.values],
                "changes": [None if ch is None else {"amount": amount_text(ch.amount),
                                                     "rate": amount_text(ch.rate)}
                            for ch in line.changes],
            }
            for line in c.lines
        ],
    }


CSV_COLUMNS = ("指标键", "指标", "分组", "公开件", "单位", "行政区划", "年度", "金额（万元）",
               "增减额（万元）", "增减率（%）", "比较基准", "说明")


def comparison_csv(c: Comparison) -> str:
    """One line per (measure, disclosure); an empty amount with 说明 无数据 where the
    filing does not give the figure. RFC 4180, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in c.lines:
        for i, (subject, value, ch) in enumerate(zip(c.subjects, line.values, line.changes, strict=True)):
            if i == 0:
                base = ""
            elif c.kind == "years":
                base = str(c.subjects[i - 1].year)
            else:
                base = c.subjects[0].key
            note = MISSING if value is None else ("" if ch is not None or i == 0 else "比较基准无数据")
            writer.writerow((line.measure.key, line.measure.label, line.measure.group, subject.key,
                             subject.name, subject.region, subject.year, amount_text(value) or "",
                             "" if ch is None else amount_text(ch.amount),
                             "" if ch is None or ch.rate is None else amount_text(ch.rate),
                             base, note))
    return out.getvalue()
