"""Writing disclosure documents for one filing or a folder of them (``juesuan report``).

The imperative shell around :func:`juesuan.document.build.build_document` and the
renderers: it reads filings and resolves their scoring schemes (``--scheme`` or the filing's
``performance.scheme``; one that cannot be found makes the filing unreadable, with a message
naming the bundled schemes), renders every requested format in memory and only then
writes the files, atomically (a filing gets all its files or none). Work on a folder runs
in parallel processes, one filing per task; a bug met on one filing is that filing's
outcome, never an exception that stops the others.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.content import Document
from juesuan.document.build import Order, build_document
from juesuan.filing.io import FilingReadError, atomic_write, format_problem, load_filing
from juesuan.parallel import run_each
from juesuan.performance.scheme import SchemeError, scheme_for
from juesuan.rules.finding import Severity
from juesuan.template.model import Template

FORMATS = ("html", "docx", "xlsx", "pdf", "json", "review", "review-json")
# "review" is the 审核意见 (findings, recomputed scores) for the unit and reviewers, as HTML
# and as JSON: their own files, never part of the public formats.
SUFFIX = {"html": ".html", "docx": ".docx", "xlsx": ".xlsx", "pdf": ".pdf", "json": ".json",
          "review": "-审核意见.html", "review-json": "-审核意见.json"}


def render(doc: Document, fmt: str) -> bytes:
    """One format of a document as bytes (renderers are imported only when used)."""
    if fmt == "html":
        from juesuan.render.html import document_to_html

        return document_to_html(doc).encode("utf-8")
    if fmt == "pdf":
        from juesuan.render.pdf import document_to_pdf

        return document_to_pdf(doc)
    if fmt == "docx":
        from juesuan.render.docx import document_to_docx

        return document_to_docx(doc)
    if fmt == "xlsx":
        from juesuan.render.xlsx import document_to_xlsx

        return document_to_xlsx(doc)
    if fmt == "json":
        from juesuan.render.document_json import document_to_json

        return document_to_json(doc).encode("utf-8")
    if fmt == "review":
        from juesuan.render.review import review_to_html

        return review_to_html(doc).encode("utf-8")
    if fmt == "review-json":
        from juesuan.render.review import review_to_json

        return review_to_json(doc).encode("utf-8")
    raise ValueError(f"unknown format {fmt}")


INTERNAL_ERROR = ("内部错误：{name}。这不是您的文件的问题：请将此文件报告给 juesuan 开发者"
                  "（加 --debug 可查看详细信息）")


def internal_error(exc: BaseException) -> str:
    """The Chinese message for a bug met while processing one file (the traceback is kept
    apart, for --debug)."""
    return INTERNAL_ERROR.format(name=type(exc).__name__)


@dataclass
class Outcome:
    """What happened to one filing."""

    filing: str
    department: str = ""
    year: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Severity})
    written: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # messages when the filing could not be read
    skipped: bool = False  # --strict and the filing has errors
    unwritable: str | None = None  # why an output file could not be written
    internal: str | None = None  # a bug in juesuan met on this filing: the message for the user
    traceback: str | None = None  # … and its traceback, shown with --debug

    @property
    def has_errors(self) -> bool:
        return self.counts["error"] > 0


def publish_one(path: str, out_dir: str, formats: tuple[str, ...], order: Order | None,
                scheme: str | None, strict: bool, template: Template | None = None) -> Outcome:
    """Build and write one filing's document. Never raises: a bug becomes the outcome's
    ``internal`` message, so that the other filings of a folder are still published."""
    outcome = Outcome(path)
    try:
        _publish(outcome, path, out_dir, formats, order, scheme, strict, template)
    except Exception as exc:
        outcome.internal = internal_error(exc)
        outcome.traceback = traceback.format_exc()
    return outcome


def _publish(outcome: Outcome, path: str, out_dir: str, formats: tuple[str, ...], order: Order | None,
             scheme: str | None, strict: bool, template: Template | None) -> None:
    try:
        loaded = load_filing(Path(path))
    except FilingReadError as exc:
        outcome.unreadable = [format_problem(exc.file, p) for p in exc.problems]
        return
    filing = loaded.filing
    outcome.department, outcome.year = filing.department.name, filing.year
    line = loaded.source_map.line_of_text("performance.scheme")
    try:
        chosen = scheme_for(filing, scheme, where=f"{loaded.file}{'' if line is None else f':{line}'} "
                                                  "[performance.scheme]")
    except SchemeError as exc:  # as a filing that cannot be read: nothing is written for it
        outcome.unreadable = [str(exc)]
        return
    doc = build_document(filing, template=template, order=order, scheme=chosen)
    for finding in doc.findings:
        outcome.counts[finding.severity.value] += 1
    if strict and outcome.has_errors:
        outcome.skipped = True
        return
    stem = Path(path).stem
    # Every format in memory first: a renderer that fails leaves no partial set of files.
    rendered = [(Path(out_dir) / f"{stem}{SUFFIX[fmt]}", render(doc, fmt)) for fmt in formats]
    for target, data in rendered:
        try:
            atomic_write(target, data)
        except OSError as exc:
            outcome.unwritable = f"无法写入 {target}：{exc.strerror or exc}"
            return
        outcome.written.append(str(target))


def filings_in(paths: list[Path]) -> Iterator[Path]:
    """The filings named, and every *.yaml / *.yml / *.json inside folders named."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in (".yaml", ".yml", ".json")
                              and p.is_file())
        else:
            yield path


def publish_many(paths: list[Path], out_dir: Path, formats: tuple[str, ...], order: Order | None,
                 scheme: str | None, strict: bool, *, workers: int,
                 progress: Callable[[Outcome], None] | None = None,
                 template: Template | None = None) -> list[Outcome]:
    """Every filing in parallel processes (one process for a single filing). Never raises
    for one filing: each gets its outcome."""
    jobs = [str(p) for p in filings_in(paths)]
    args = (str(out_dir), formats, order, scheme, strict, template)
    return run_each(jobs, publish_one, args, workers=workers, crashed=_crashed, progress=progress)


def _crashed(job: str, exc: BaseException) -> Outcome:
    return Outcome(job, internal=internal_error(exc),
                   traceback="".join(traceback.format_exception(exc)))
