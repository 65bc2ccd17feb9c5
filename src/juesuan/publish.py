"""Writing disclosure documents for one filing or a folder of them (``juesuan report``).

The imperative shell around :func:`juesuan.document.build.build_document` and the
renderers: it reads filings, renders each requested format and writes the files
atomically. Work on a folder runs in parallel processes, one filing per task.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.document.build import Order, build_document
from juesuan.document.model import Document
from juesuan.filing.io import FilingReadError, atomic_write, format_problem, load_filing
from juesuan.rules.finding import Severity

FORMATS = ("html", "docx", "xlsx", "pdf", "json")
SUFFIX = {"html": ".html", "docx": ".docx", "xlsx": ".xlsx", "pdf": ".pdf", "json": ".json"}


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
    raise ValueError(f"unknown format {fmt}")


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

    @property
    def has_errors(self) -> bool:
        return self.counts["error"] > 0


def publish_one(path: str, out_dir: str, formats: tuple[str, ...], order: Order | None,
                scheme: str | None, strict: bool) -> Outcome:
    """Build and write one filing's document. Never raises for bad input."""
    outcome = Outcome(path)
    try:
        loaded = load_filing(Path(path))
    except FilingReadError as exc:
        outcome.unreadable = [format_problem(exc.file, p) for p in exc.problems]
        return outcome
    filing = loaded.filing
    outcome.department, outcome.year = filing.department.name, filing.year
    doc = build_document(filing, order=order, scheme=scheme)
    for finding in doc.findings:
        outcome.counts[finding.severity.value] += 1
    if strict and outcome.has_errors:
        outcome.skipped = True
        return outcome
    stem = Path(path).stem
    for fmt in formats:
        target = Path(out_dir) / f"{stem}{SUFFIX[fmt]}"
        atomic_write(target, render(doc, fmt))
        outcome.written.append(str(target))
    return outcome


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
                 progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Every filing in parallel processes (one process for a single filing)."""
    jobs = [str(p) for p in filings_in(paths)]
    args = (str(out_dir), formats, order, scheme, strict)
    if len(jobs) <= 1 or workers <= 1:
        results = []
        for job in jobs:
            outcome = publish_one(job, *args)
            results.append(outcome)
            if progress:
                progress(outcome)
        return results
    outcomes: dict[str, Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(publish_one, job, *args): job for job in jobs}
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[futures[future]] = outcome
            if progress:
                progress(outcome)
    return [outcomes[job] for job in jobs]
