"""Score the audit on the real reports of tests/fixtures/real (see its README.md).

    .venv/bin/python benchmarks/corpus_score.py            # the table per province and year
    .venv/bin/python benchmarks/corpus_score.py --details  # every finding and defect, matched or not

Each report is audited as the text it is; each finding of the audit is set against the
truth file written by reading the report:

- an *error* on the line of a listed defect is a true error; any other error is a false
  alarm (precision of errors = true errors / errors);
- a listed defect is *found* when an error or a warning stands on its line (when several
  defects share a line, or the line is longer than :data:`LONG_LINE`, the finding must also
  quote the defect's text or one of its figures);
- with ``copy: opening`` (the stored text is cut), findings that something is missing
  (:data:`ABSENCE_RULES`, or a finding with no line; :data:`TAIL_ABSENCE_RULES` on the last
  line) are not scored.

Also: whether the audit recognised the report year and the unit as the truth has them.
tests/audit/test_real_corpus.py runs this and holds the floor the scores may not fall
under; benchmarks/README.md records them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "real"

# Findings that say something is missing: in a cut text the rest is missing by cutting.
ABSENCE_RULES = frozenset({"X13", "A.toc-mismatch", "A.no-data", "A.table-order"})
# what such findings say was found
ABSENCE_FOUND = frozenset({"没有表格"})
# Findings that something is missing after a figure (its reason): on the last line of a cut text,
# the cut may be what took it away.
TAIL_ABSENCE_RULES = frozenset({"C.reason-missing"})
# A line longer than this (a PDF or DOCX extracted as one line) holds many statements: a finding
# on it stands on a defect only if it quotes the defect's text or one of its figures.
LONG_LINE = 300
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SHORT_NAME = 4  # a unit named by a part of its name (县政府办 for 陵水县政府办) has at least this many characters


@dataclass(frozen=True)
class Defect:
    at: str
    line: int
    severity: str
    kind: str
    what: str


@dataclass(frozen=True)
class Entry:
    """One report of the corpus with its truth."""

    name: str
    text: str
    truth: dict[str, Any]
    defects: tuple[Defect, ...]

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def cut(self) -> bool:
        return self.truth.get("copy", "opening") == "opening"


@dataclass(frozen=True)
class Seen:
    """A finding of the audit as scored."""

    rule: str
    severity: str
    line: int | None
    message: str
    quote: str
    defect: Defect | None  # the defect it stands on, if any


@dataclass
class Scored:
    entry: Entry
    seen: list[Seen] = field(default_factory=list)
    found: list[Defect] = field(default_factory=list)
    missed: list[Defect] = field(default_factory=list)
    year: int | None = None
    unit: str | None = None

    @property
    def unit_right(self) -> bool:
        """The unit recognised is the one the truth names (or a short form of it)."""
        if not self.unit:
            return False
        from juesuan.audit.structure import title_key  # compact, with Chinese brackets

        want, got = title_key(self.entry.truth.get("unit") or ""), title_key(self.unit)
        return bool(want) and (got == want or (len(got) >= _SHORT_NAME and got in want))

    @property
    def errors(self) -> list[Seen]:
        return [s for s in self.seen if s.severity == "error"]

    @property
    def true_errors(self) -> list[Seen]:
        return [s for s in self.errors if s.defect is not None]


def line_of(text: str, at: str, where: str) -> int:
    count = text.count(at)
    if count != 1:
        raise ValueError(f"{where}: “{at}” occurs {count} times in report.txt (must be once)")
    return text[:text.index(at)].count("\n") + 1


def load_entry(folder: Path) -> Entry:
    text = (folder / "report.txt").read_text(encoding="utf-8")
    truth = yaml.safe_load((folder / "truth.yaml").read_text(encoding="utf-8"))
    defects = tuple(
        Defect(d["at"], line_of(text, d["at"], f"{folder.name}/truth.yaml"), d["severity"],
               d.get("kind", "other"), d.get("what", ""))
        for d in truth.get("defects") or ()
    )
    for c in truth.get("consistent") or ():
        line_of(text, c["at"], f"{folder.name}/truth.yaml (consistent)")
    return Entry(folder.name, text, truth, defects)


def load_corpus(root: Path = CORPUS) -> list[Entry]:
    return [load_entry(f) for f in sorted(root.iterdir()) if (f / "truth.yaml").is_file()]


def _figures(text: str) -> set[str]:
    """The figures of ``text`` specific enough to tell one statement from another (not 0, 8, 10)."""
    found = {m.group(0).replace(",", "") for m in _FIGURE.finditer(text)}
    return {f for f in found if "." in f or len(f) >= 3}


def _defect_for(entry: Entry, line: int | None, said: tuple[str, str]) -> Defect | None:
    if line is None:
        return None
    on_line = [d for d in entry.defects if d.line == line]
    if len(on_line) == 1 and len(entry.lines[line - 1]) <= LONG_LINE:
        return on_line[0]
    for text in said:  # what the finding says before the sentence it quotes
        figures = _figures(text)
        match = next((d for d in on_line if d.at in text or _figures(d.at) & figures), None)
        if match is not None:
            return match
    return None


def score_entry(entry: Entry) -> Scored:
    from juesuan.audit.check import audit
    from juesuan.audit.reading.text import read_text
    from juesuan.performance.scheme import bundled_schemes

    # as the command line and the web app audit: the 自评表 scored under the bundled schemes
    result = audit(read_text(Path(entry.name + ".txt"), entry.text.encode("utf-8")),
                   schemes=bundled_schemes())
    scored = Scored(entry, year=result.year, unit=result.department)
    for f in result.findings:
        severity = f.severity.value
        if severity == "info":
            continue
        line = f.location.line
        if entry.cut and (f.rule in ABSENCE_RULES or line is None or f.found in ABSENCE_FOUND
                          or (f.rule in TAIL_ABSENCE_RULES and line == len(entry.lines))):
            continue
        quote = f.location.quote or ""
        said = (f"{f.message} {f.found or ''} {f.expected or ''}", quote)
        scored.seen.append(Seen(f.rule, severity, line, f.message, quote, _defect_for(entry, line, said)))
    hit = {id(s.defect) for s in scored.seen if s.defect is not None}
    for d in entry.defects:
        (scored.found if id(d) in hit else scored.missed).append(d)
    return scored


@dataclass
class Tally:
    reports: int = 0
    errors: int = 0
    true_errors: int = 0
    warnings: int = 0
    true_warnings: int = 0
    unit_right: int = 0
    defects: int = 0
    found: int = 0
    year_right: int = 0
    year_wrong: int = 0

    def add(self, s: Scored) -> None:
        self.reports += 1
        self.errors += len(s.errors)
        self.true_errors += len(s.true_errors)
        self.warnings += sum(1 for x in s.seen if x.severity == "warning")
        self.true_warnings += sum(1 for x in s.seen if x.severity == "warning" and x.defect is not None)
        self.unit_right += s.unit_right
        self.defects += len(s.entry.defects)
        self.found += len(s.found)
        truth_year = s.entry.truth.get("year")
        if s.year == truth_year:
            self.year_right += 1
        elif s.year is not None:
            self.year_wrong += 1

    @property
    def precision(self) -> float | None:
        return self.true_errors / self.errors if self.errors else None

    @property
    def recall(self) -> float | None:
        return self.found / self.defects if self.defects else None


def tally(scored: Iterable[Scored], key: Any = None) -> dict[Any, Tally]:
    out: dict[Any, Tally] = defaultdict(Tally)
    for s in scored:
        out[key(s) if key else "全部"].add(s)
    return dict(out)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def table(rows: dict[Any, Tally], title: str) -> str:
    lines = [f"| {title} | 报告 | 错误 | 其中属实 | 错误准确率 | 警告 | 其中属实 | 缺陷 | 查出 | 查全率 "
             "| 年度认对/认错 | 单位认对 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for k in sorted(rows, key=str):
        t = rows[k]
        lines.append(f"| {k} | {t.reports} | {t.errors} | {t.true_errors} | {_pct(t.precision)} | {t.warnings} "
                     f"| {t.true_warnings} | {t.defects} | {t.found} | {_pct(t.recall)} "
                     f"| {t.year_right}/{t.year_wrong} | {t.unit_right} |")
    return "\n".join(lines)


def score_corpus(entries: Sequence[Entry]) -> list[Scored]:
    return [score_entry(e) for e in entries]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="every finding and defect")
    parser.add_argument("--only", default=None, help="reports whose folder name contains this")
    args = parser.parse_args(argv)
    entries = [e for e in load_corpus() if args.only is None or args.only in e.name]
    scored = score_corpus(entries)
    print(table(tally(scored), "语料"))
    print()
    print(table(tally(scored, lambda s: s.entry.truth.get("province")), "省份"))
    print()
    print(table(tally(scored, lambda s: s.entry.truth.get("year")), "年度"))
    if args.details:
        for s in scored:
            print(f"\n## {s.entry.name}  年度 {s.year}（真 {s.entry.truth.get('year')}）  单位 {s.unit}")
            for x in s.seen:
                mark = "✓" if x.defect else "✗"
                print(f"  {mark} {x.severity:7} {x.rule:18} 第{x.line}行 {x.message[:120]}")
            for d in s.missed:
                print(f"  漏 {d.severity:7} 第{d.line}行 {d.kind}: {d.what[:120]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
