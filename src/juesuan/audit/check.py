"""Audit a published report: read its tables back and run every check on them.

:func:`audit` takes a :class:`~juesuan.audit.source.SourceDocument` (from any reader),
recognises its structure, reads its nine tables into a TableSet with the keys of
:mod:`juesuan.tables.build`, and runs the table rules (勾稽关系, compared within the
printed precision: a 0.01 that rounding explains is info, never an error) and the
audit rules (scope "audit": completeness, names, units, what could not be read), and,
when the report prints 绩效自评表, the performance rules (P.*) on them.
Findings of table rules get the page, line, table heading and printed row they
point at, so every finding can be shown beside its quote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from juesuan.audit import rules as audit_rules
from juesuan.audit.rules import AuditSubject, UnitConflict
from juesuan.audit.source import SourceDocument
from juesuan.audit.structure import Structure, recognise
from juesuan.audit.tables import TABLE_UNITS, TableReading, read_tables
from juesuan.audit.template import recognise_template
from juesuan.limits import MAX_FINDINGS_PER_RULE, MAX_QUOTE_CHARS, MAX_REPORT_FIGURES
from juesuan.money import in_core_context
from juesuan.rules.finding import Finding, Location, Severity, sort_findings
from juesuan.rules.registry import Outcome, run
from juesuan.rules.tables import check_tables, evaluate_tables
from juesuan.tables.table import TableSet
from juesuan.template.model import Template

if TYPE_CHECKING:
    from juesuan.audit.claim_model import Claim
    from juesuan.audit.selfeval import SelfEvaluation
    from juesuan.performance.scheme import Scheme


@dataclass(frozen=True)
class AuditResult:
    file: str
    format: str
    department: str | None
    year: int | None
    tables: TableSet
    structure: Structure
    reading: TableReading
    findings: tuple[Finding, ...]
    template: str | None = None  # the disclosure template it follows, when recognised
    # the 绩效自评表 as read (scored when the scheme they imply was among ``schemes``)
    self_evaluation: SelfEvaluation | None = None
    # table rules that could not be judged: a row or column they need was not read
    not_evaluated: tuple[Outcome, ...] = ()

    @property
    def summary(self) -> dict[str, int]:
        return {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def to_data(self) -> dict[str, Any]:
        """The JSON form (docs/audit.md)."""
        return {
            "file": self.file,
            "department": self.department,
            "year": self.year,
            "template": self.template,
            "summary": self.summary,
            "not_evaluated": [{"rule": o.rule, "reason": o.reason} for o in self.not_evaluated],
            "findings": [f.to_data() for f in self.findings],
        }


def _errors(tables: TableSet) -> int:
    return sum(1 for f in check_tables(tables) if f.severity is Severity.ERROR)


def _read(structure: Structure) -> tuple[TableReading, tuple[UnitConflict, ...]]:
    """The tables, each in the unit its figures fit.

    A table without a unit is read in the unit most tables state. A table stating a unit
    the others do not is read as stated unless reading it in theirs makes the tables
    reconcile better; then it is a unit mistake (A.unit).
    """
    first: dict[int, str | None] = {}
    for t in structure.tables:
        first.setdefault(t.number, t.unit)
    known = [u for u in first.values() if u in TABLE_UNITS]
    if not known:
        return read_tables(structure), ()
    majority = Counter(known).most_common(1)[0][0]
    overrides = {n: majority for n, u in first.items() if u is None or u not in TABLE_UNITS}
    reading = read_tables(structure, units=overrides)
    conflicts: list[UnitConflict] = []
    odd = {n: u for n, u in first.items() if u in TABLE_UNITS and u != majority}
    if odd:
        errors = _errors(reading.tables)
        for number, printed in sorted(odd.items()):
            trial = read_tables(structure, units={**overrides, number: majority})
            trial_errors = _errors(trial.tables)
            if trial_errors < errors:
                overrides[number] = majority
                reading, errors = trial, trial_errors
                assert printed is not None
                conflicts.append(UnitConflict(number, printed, majority))
    return reading, tuple(conflicts)


def _locate(f: Finding, subject: AuditSubject) -> Finding:
    """A table rule's finding with the file, page, line, table heading and printed row."""
    loc = f.location
    path = subject.source.path
    if loc.table is None:
        return replace(f, location=replace(loc, file=path))
    located = subject.structure.table(loc.table)
    if located is None:
        return replace(f, location=replace(loc, file=path))
    section = f"表{located.number} {located.title.official}"
    printed = subject.reading.printed.get((loc.table, loc.row)) if loc.row else None
    if printed is not None:
        line, page, quote = printed.line, printed.page, printed.quote
    else:
        place = located.title.place
        line, page, quote = place.line, place.page, place.text
    return replace(f, location=replace(loc, file=path, line=line, page=page, section=section,
                                       quote=quote))


@in_core_context
def audit(source: SourceDocument, *, claims: bool = True,
          schemes: Mapping[str, Scheme] | None = None) -> AuditResult:
    """Every finding on a published report: its tables' 勾稽关系, the audit rules and
    (unless ``claims`` is off) the figures stated in its text against the tables.

    ``schemes`` are the scoring schemes the caller resolved (the command line and the web
    app pass ``juesuan.performance.scheme.bundled_schemes()``); the 自评表 are scored, and
    the P.* rules run on them, under the one their form implies. Without it (or when that
    scheme is not among them) the 自评表 are read but not scored. The audit reads no file."""
    stated: list[Claim] = []
    if claims:
        from juesuan.audit.claims import extract_claims

        stated = extract_claims(source)
        if len(stated) >= MAX_REPORT_FIGURES:  # A.reading lists it with the reader's problems
            where = f"第{stated[-1].page}页" if stated[-1].page else f"第 {stated[-1].line} 行"
            source = replace(source, problems=(*source.problems, (
                f"说明文字中的数字超过 {MAX_REPORT_FIGURES:,} 个（MAX_REPORT_FIGURES），"
                f"{where}之后的文字未与表格核对")))
    structure = recognise(source)
    reading, conflicts = _read(structure)
    template = recognise_template(structure, reading.tables, structure.year)
    reading = replace(reading, tables=replace(reading.tables, expected=_expected(template,
                                                                                 structure.year)))
    subject = AuditSubject(source, structure, reading, conflicts)
    findings = run(audit_rules.RULES, subject)
    unreadable = set(reading.unreadable)
    table_findings, outcomes = evaluate_tables(reading.tables)
    for f in table_findings:
        if f.rule == "X13" and f.location.table in unreadable:
            continue  # the title is there; A.table-structure says the table could not be read
        findings.append(_locate(f, subject))
    if claims:
        from juesuan.audit.claim_rules import check_claims

        findings += check_claims(stated, reading.tables)
    from juesuan.audit.selfeval import check_forms, self_evaluation

    forms = self_evaluation(source, schemes)  # 绩效自评表: under the scheme their form implies
    if forms is not None:
        findings += check_forms(forms, file=source.path, tables=reading.tables,
                                department=structure.department, year=structure.year,
                                schemes=schemes)
    return AuditResult(
        file=source.path,
        format=source.format,
        department=structure.department,
        year=structure.year,
        tables=reading.tables,
        structure=structure,
        reading=reading,
        findings=tuple(_capped(findings, source.path)),
        template=template.name if template is not None else None,
        self_evaluation=forms,
        not_evaluated=tuple(o for o in outcomes if o.result == "not_evaluated"),
    )


def _expected(template: Template | None, year: int | None) -> tuple[int, ...]:
    """The tables the report must print: its template's; when the template is unknown, the
    nine, or the eight of the form used before 2019 for a report of such a year."""
    if template is not None:
        return template.numbers
    if year is not None and year <= 2018:
        return tuple(range(1, 9))
    return tuple(range(1, 10))


def _capped(findings: list[Finding], path: str) -> list[Finding]:
    """The findings sorted, at most MAX_FINDINGS_PER_RULE of each rule (errors first, then in
    reading order); the rest of a rule become one more finding that counts them, at the
    highest severity among them, placed at the first of them."""
    kept: list[Finding] = []
    left_out: dict[str, list[Finding]] = {}
    counts: Counter[str] = Counter()
    for f in sort_findings(findings):
        counts[f.rule] += 1
        if counts[f.rule] <= MAX_FINDINGS_PER_RULE:
            kept.append(_shortened(f))
        else:
            left_out.setdefault(f.rule, []).append(f)
    for rule, rest in left_out.items():
        first = rest[0].location
        kept.append(Finding(
            rule, min((f.severity for f in rest), key=lambda s: s.rank),
            f"另有 {len(rest):,} 处同类问题未列出（每条规则最多列出 {MAX_FINDINGS_PER_RULE} 处，"
            "MAX_FINDINGS_PER_RULE）",
            Location(file=path, line=first.line, page=first.page, section=_short(first.section)),
            expected=None, found=f"{len(rest):,} 处"))
    return sort_findings(kept)


# Rules name what they found as printed (a cell, a heading, a unit), and a damaged report
# prints megabytes where a name should be: each field of a finding is kept to a few times
# the quote, its head and tail where it is cut.
_FIELD_CHARS = MAX_QUOTE_CHARS
_MESSAGE_CHARS = 3 * MAX_QUOTE_CHARS


def _short(text: str | None, limit: int = _FIELD_CHARS) -> str | None:
    if text is None or len(text) <= limit:
        return text
    tail = limit // 4
    return text[:limit - tail - 1] + "…" + text[-tail:]


def _shortened(f: Finding) -> Finding:
    loc = f.location
    fields = (f.message, f.expected, f.found, loc.section, loc.row, loc.row_name, loc.column)
    if all(text is None or len(text) <= _FIELD_CHARS for text in fields):
        return f
    return replace(f, message=_short(f.message, _MESSAGE_CHARS) or "", expected=_short(f.expected),
                   found=_short(f.found), location=replace(
                       loc, section=_short(loc.section), row=_short(loc.row),
                       row_name=_short(loc.row_name), column=_short(loc.column)))
