"""The real inputs the mutations start from, and the files derived from them once per run.

Everything here is built in the parent process before the first fork, so every child
shares it (copy-on-write). Building it also warms juesuan up: every command runs once on
the examples, which loads the lazily imported libraries (openpyxl, python-docx,
pdfplumber) and fills juesuan's caches before the children are forked.

PDFs rendered by WeasyPrint take seconds; they are made once, in a child process (the
parent never initialises Pango/fontconfig), and cached in ``cache_dir`` (not in git).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fuzzing.mutate import docx_of, load_tree

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"
SCHEMES = ROOT / "src" / "juesuan" / "performance" / "schemes"
CODES = ROOT / "src" / "juesuan" / "codes" / "data"

CJK = re.compile(r"[\u4e00-\u9fff]")


def default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "juesuan-fuzz-cache"


@dataclass
class Corpus:
    filings: dict[str, str] = field(default_factory=dict)  # example name → YAML text
    filing_trees: dict[str, Any] = field(default_factory=dict)
    schemes: dict[str, str] = field(default_factory=dict)
    scheme_trees: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)  # fixture name → text
    headings: list[str] = field(default_factory=list)
    table_lines: list[str] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)
    functional_codes: list[str] = field(default_factory=list)
    economic_codes: list[str] = field(default_factory=list)
    xlsx: dict[str, bytes] = field(default_factory=dict)
    docx: dict[str, bytes] = field(default_factory=dict)
    html: dict[str, bytes] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)
    small_pdfs: dict[str, bytes] = field(default_factory=dict)

    @property
    def junk(self) -> list[str]:
        return self.headings + self.table_lines[:200] + ["", "\f", "目录", "单位：万元", "单位：元", "注：本表无数据。"]


def _report_pools(corpus: Corpus) -> None:
    lines = [line for text in corpus.reports.values() for line in text.split("\n") if line.strip()]
    corpus.table_lines = sorted({line for line in lines if " | " in line})
    corpus.text_lines = sorted({line for line in lines if " | " not in line})
    corpus.headings = sorted({line for line in corpus.text_lines
                              if len(line) <= 40 and CJK.search(line) and not line.endswith(("。", "；", "，"))})


def _codes(name: str) -> list[str]:
    with (CODES / name).open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def build(kinds: set[str], cache_dir: Path | None = None, log: Any = None, *, warm: bool = True) -> Corpus:
    """The corpus for the input kinds asked for, and (``warm``) a warm-up of every command."""
    corpus = Corpus()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        corpus.filings[path.stem] = path.read_text(encoding="utf-8")
        corpus.filing_trees[path.stem] = load_tree(corpus.filings[path.stem])
    for path in sorted(SCHEMES.glob("*.yaml")):
        corpus.schemes[path.stem] = path.read_text(encoding="utf-8")
        corpus.scheme_trees[path.stem] = load_tree(corpus.schemes[path.stem])
    for path in sorted((FIXTURES / "reports").glob("*.txt")):
        corpus.reports[path.stem] = path.read_text(encoding="utf-8")
    _report_pools(corpus)
    corpus.functional_codes = _codes("functional.csv")
    corpus.economic_codes = _codes("economic.csv")
    if warm or kinds & {"xlsx", "docx", "html", "pdf"}:
        with tempfile.TemporaryDirectory(prefix="juesuan-fuzz-corpus-") as folder:
            _derived(corpus, kinds, Path(folder))
    if "pdf" in kinds:
        corpus.pdfs = {p.stem: p.read_bytes() for p in sorted((FIXTURES / "pdfs").glob("*.pdf"))}
        corpus.small_pdfs = rendered_pdfs(corpus, cache_dir or default_cache_dir(), log)
    return corpus


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _derived(corpus: Corpus, kinds: set[str], folder: Path) -> None:
    """XLSX, DOCX and HTML made by juesuan from the examples (and a warm-up of every command)."""
    from typer.testing import CliRunner

    from juesuan.cli import app

    runner = CliRunner()

    def run(*args: str) -> None:
        with _cwd(folder):
            result = runner.invoke(app, list(args), catch_exceptions=True)
        if result.exit_code not in (0, 1):
            raise RuntimeError(f"warm-up `juesuan {' '.join(args)}` failed: {result.output}\n{result.exception!r}")

    for name in corpus.filings:
        filing = str(EXAMPLES / f"{name}.yaml")
        run("check", filing, "--format", "json")
        run("tables", filing, "--format", "xlsx", "-o", f"{name}-tables.xlsx")
        run("tables", filing, "--format", "csv")
        run("report", filing, "-o", "report", "-f", "html,docx,xlsx,json", "-j", "1")
        corpus.xlsx[f"{name}-tables"] = (folder / f"{name}-tables.xlsx").read_bytes()
        corpus.xlsx[f"{name}-report"] = (folder / "report" / f"{name}.xlsx").read_bytes()
        corpus.docx[f"{name}-report"] = (folder / "report" / f"{name}.docx").read_bytes()
        corpus.html[f"{name}-report"] = (folder / "report" / f"{name}.html").read_bytes()
    suizhou = str(EXAMPLES / "suizhou-zwfw-2020.yaml")
    run("score", suizhou, "--format", "xlsx", "-o", "score.xlsx")
    # WeasyPrint, Pango and the CJK fonts load once here, shared by every child: a child's PDF
    # then costs what laying out its document costs, not what loading the fonts costs.
    run("report", suizhou, "-o", "report-pdf", "-f", "pdf", "-j", "1")
    run("score", suizhou, "--format", "json")
    corpus.xlsx["suizhou-score"] = (folder / "score.xlsx").read_bytes()
    first = next(iter(sorted((FIXTURES / "reports").glob("01_*.txt"))))
    run("audit", str(first), "--format", "json", "-j", "1")
    run("import", str(first), "-o", "imported.yaml")
    run("audit", str(folder / f"{next(iter(corpus.filings))}-tables.xlsx"), "-j", "1")
    if kinds & {"docx", "html", "text", "xlsx", "pdf"}:
        for name, text in corpus.reports.items():
            corpus.docx[name] = docx_of(text)
        (folder / "first.docx").write_bytes(next(iter(corpus.docx.values())))
        run("audit", str(folder / "first.docx"), "-j", "1")
        (folder / "first.html").write_bytes(next(iter(corpus.html.values())))
        run("audit", str(folder / "first.html"), "-j", "1")


# --- PDFs rendered by WeasyPrint, cached ------------------------------------------------------

def _page(text: str) -> str:
    out: list[str] = []
    rows: list[str] = []
    for line in [*text.split("\n"), ""]:
        if " | " in line:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in line.split("|")) + "</tr>")
            continue
        if rows:
            out.append("<table border=1 cellspacing=0>" + "".join(rows) + "</table>")
            rows = []
        out.append(f"<p>{html.escape(line)}</p>")
    style = ("<style>@page{size:A4;margin:1.5cm} body{font-family:'Noto Sans CJK SC',sans-serif;"
             "font-size:9pt} td{border:1px solid #000;padding:2px}</style>")
    return f"<html><head><meta charset='utf-8'>{style}</head><body>{''.join(out)}</body></html>"


def pdf_pages(corpus: Corpus) -> dict[str, str]:
    """The HTML pages rendered as small PDFs: pieces of the text reports."""
    pages: dict[str, str] = {}
    for name, text in sorted(corpus.reports.items()):
        lines = [line for line in text.split("\n") if not line.startswith(("source:", "note:", "repo path:"))]
        if name.startswith(("01", "seed")):
            pages[f"{name}-head"] = _page("\n".join(lines[:140]))
        if name.startswith(("02", "03")):
            start = next((i for i, line in enumerate(lines) if " | " in line), 0)
            pages[f"{name}-tables"] = _page("\n".join(lines[max(0, start - 5): start + 90]))
    return pages


def rendered_pdfs(corpus: Corpus, cache_dir: Path, log: Any = None) -> dict[str, bytes]:
    """The small PDFs and juesuan's own PDF of the Suizhou example, from the cache or rendered."""
    import weasyprint

    import juesuan

    cache_dir.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, tuple[Path, str | None]] = {}
    for name, page in pdf_pages(corpus).items():
        key = hashlib.sha256((page + weasyprint.__version__).encode()).hexdigest()[:16]
        wanted[name] = (cache_dir / f"{name}-{key}.pdf", page)
    example = corpus.filings.get("suizhou-zwfw-2020", "")
    key = hashlib.sha256((example + juesuan.__version__ + weasyprint.__version__).encode()).hexdigest()[:16]
    wanted["suizhou-report"] = (cache_dir / f"suizhou-report-{key}.pdf", None)
    missing = {name: spec for name, spec in wanted.items() if not spec[0].exists()}
    if missing:
        if log:
            log(f"rendering {len(missing)} PDF(s) with WeasyPrint into {cache_dir} (once) …")
        _render_in_child(missing)
    return {name: path.read_bytes() for name, (path, _) in wanted.items() if path.exists()}


def _render_in_child(missing: dict[str, tuple[Path, str | None]]) -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            import weasyprint
            from typer.testing import CliRunner

            from juesuan.cli import app

            for path, page in missing.values():
                if page is not None:
                    data = weasyprint.HTML(string=page).write_pdf()
                else:
                    with tempfile.TemporaryDirectory() as folder:
                        CliRunner().invoke(app, ["report", str(EXAMPLES / "suizhou-zwfw-2020.yaml"),
                                                 "-o", folder, "-f", "pdf", "-j", "1"])
                        data = (Path(folder) / "suizhou-zwfw-2020.pdf").read_bytes()
                partial = path.with_suffix(".part")
                partial.write_bytes(data)
                partial.replace(path)
        except BaseException:
            code = 1
        os._exit(code)
    os.waitpid(pid, 0)
