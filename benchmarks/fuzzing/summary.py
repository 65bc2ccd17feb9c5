"""What a fuzz run found: reproducers, failures grouped by cause, the table per kind × command."""

from __future__ import annotations

import json
import shlex
import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fuzzing.runner import FAILURES, MB, Outcome


def save_reproducer(outcome: Outcome, folder: Path, out: Path, seed: int | None) -> Path:
    """The input's files, its command line (``repro.sh``) and the error (``error.txt``)."""
    target = out / f"{outcome.status}-{outcome.index:07d}"
    target.mkdir(parents=True, exist_ok=True)
    meta_path = folder / "meta.json"
    files: list[str] = []
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        files = list(meta.get("files", []))
        shutil.copy2(meta_path, target / "meta.json")
    for name in [*files, "stdio.log"]:
        source = folder / name
        if source.is_file():
            shutil.copy2(source, target / name)
    command = shlex.join(outcome.args)
    (target / "repro.sh").write_text(
        "#!/bin/sh\n"
        "# Reproduce: run juesuan on this folder's input (JUESUAN=path/to/juesuan to choose one).\n"
        f"# Remake the input itself: python benchmarks/fuzz.py --seed {seed} --replay {outcome.index}\n"
        'cd "$(dirname "$0")" && mkdir -p out && exec "${JUESUAN:-juesuan}" ' + command + "\n",
        encoding="utf-8")
    (target / "repro.sh").chmod(0o755)
    lines = [f"class:    {outcome.status}", f"kind:     {outcome.kind}", f"command:  juesuan {command}",
             f"input:    {outcome.note}", f"size:     {outcome.size} bytes",
             f"exit:     {outcome.exit_code}", f"time:     {outcome.seconds:.2f} s (CPU {outcome.cpu_seconds:.2f} s)",
             f"memory:   +{outcome.memory / MB:.0f} MB (allowed {outcome.memory_allowed / MB:.0f} MB)",
             f"error:    {outcome.exc_type}: {outcome.message}", f"where:    {outcome.frame}", "",
             "--- traceback / stack ---", outcome.traceback, "", "--- output ---", outcome.output]
    (target / "error.txt").write_text("\n".join(lines), encoding="utf-8", errors="replace")
    return target


@dataclass
class Group:
    status: str
    exc_type: str
    frame: str
    count: int = 0
    message: str = ""
    examples: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


def group_key(outcome: Outcome) -> tuple[str, str, str]:
    if outcome.status == "memory" and not outcome.frame:
        return (outcome.status, outcome.exc_type, f"{outcome.kind} → {outcome.command}")
    if outcome.status == "hang" and not outcome.frame:
        return (outcome.status, outcome.exc_type, f"{outcome.kind} → {outcome.command}")
    return (outcome.status, outcome.exc_type, outcome.frame)


@dataclass
class Cell:
    inputs: int = 0
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FAILURES, 0))
    slowest: float = 0.0
    slowest_index: int = -1
    memory: int = 0
    memory_index: int = -1


class Summary:
    def __init__(self) -> None:
        self.cells: dict[tuple[str, str], Cell] = defaultdict(Cell)
        self.groups: dict[tuple[str, str, str], Group] = {}
        self.total = 0
        self.failed = 0

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        cell = self.cells[(outcome.kind or "?", outcome.command or "?")]
        cell.inputs += 1
        if outcome.seconds > cell.slowest:
            cell.slowest, cell.slowest_index = outcome.seconds, outcome.index
        if outcome.memory > cell.memory and outcome.status != "crash":
            cell.memory, cell.memory_index = outcome.memory, outcome.index
        if not outcome.failed:
            return
        self.failed += 1
        cell.failures[outcome.status] += 1
        key = group_key(outcome)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(*key, message=outcome.message)
        group.count += 1
        group.kinds.add(f"{outcome.kind}/{outcome.command}")
        if len(group.examples) < 3:
            group.examples.append(outcome.saved or f"#{outcome.index}")

    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(FAILURES, 0)
        for cell in self.cells.values():
            for name, n in cell.failures.items():
                totals[name] += n
        return totals

    def table(self, wall: float) -> str:
        header = ["kind", "command", "inputs", "traceback", "hang", "memory", "crash", "harness",
                  "slowest", "(input)", "peak mem", "(input)"]
        rows = [header]
        for (kind, command), cell in sorted(self.cells.items()):
            rows.append([kind, command, str(cell.inputs), *(str(cell.failures[f]) for f in FAILURES),
                         f"{cell.slowest:.2f} s", f"#{cell.slowest_index}",
                         f"+{cell.memory / MB:.0f} MB", f"#{cell.memory_index}"])
        counts = self.counts()
        rows.append(["total", "", str(self.total), *(str(counts[f]) for f in FAILURES), "", "", "", ""])
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = []
        for n, row in enumerate(rows):
            cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
            lines.append("  ".join(cells).rstrip())
            if n == 0 or n == len(rows) - 2:
                lines.append("  ".join("-" * w for w in widths))
        rate = self.total / wall if wall > 0 else 0.0
        lines.append(f"{self.total} inputs in {wall:.1f} s ({rate:.1f} inputs/s); "
                     f"{self.failed} failed, {len(self.groups)} distinct cause(s)")
        return "\n".join(lines)

    def distinct(self) -> str:
        if not self.groups:
            return "no failures"
        lines = ["distinct failures (class, cause, innermost juesuan frame), most frequent first:"]
        for group in sorted(self.groups.values(), key=lambda g: (-g.count, g.status, g.frame)):
            lines.append(f"  {group.count:6d}  {group.status:9s}  {group.exc_type}: {group.message[:120]}")
            lines.append(f"          at {group.frame or '?'}   [{', '.join(sorted(group.kinds))}]")
            lines.append(f"          e.g. {', '.join(group.examples)}")
        return "\n".join(lines)

    def data(self) -> dict[str, Any]:
        return {
            "total": self.total, "failed": self.failed, "counts": self.counts(),
            "cells": [{"kind": k, "command": c, **asdict(cell)} for (k, c), cell in sorted(self.cells.items())],
            "groups": [{**asdict(g), "kinds": sorted(g.kinds)}
                       for g in sorted(self.groups.values(), key=lambda g: -g.count)],
        }
