"""Mutations of the real reports, in every format, through the commands themselves.

The real reports (tests/fixtures/reports/*.txt, as text, as HTML built from them and as
DOCX built with python-docx; the PDFs of tests/fixtures/pdfs) are mutated the ways files
go wrong or are made to go wrong: bytes flipped, cut short, a region repeated thousands of
times, numbers of thousands of digits, one line of hundreds of KB, tags nested 100,000
deep, other encodings. Each goes through ``juesuan audit`` (JSON and text) and
``juesuan import`` in CliRunner: the exit code is 0, 1 or 2, there is no exception and no
internal error, the output is bounded and it all finishes within a hang guard.

The cases the hunt found are kept as plain tests in test_bounds.py.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.limits import MAX_QUOTE_CHARS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT_FILES = sorted((FIXTURES / "reports").glob("*.txt"))
PDF_FILES = sorted((FIXTURES / "pdfs").glob("0*.pdf"))
REPORTS = [path.read_text(encoding="utf-8") for path in REPORT_FILES]

# A hang guard for one file through one command on a loaded machine, not a speed test.
BUDGET = 60.0
# Output of one command on one mutated report: bounded whatever the input (quotes and
# findings per rule are capped).
MAX_OUTPUT = 20_000_000

# JUESUAN_FUZZ_EXAMPLES=500 for a longer hunt (the other formats take a share of it)
EXAMPLES = int(os.environ.get("JUESUAN_FUZZ_EXAMPLES", "12"))
# The same examples every run (derandomize): the test command checks the fixes, benchmarks/fuzz.py
# explores; no shrinking, which reruns a slow input many times.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                phases=(Phase.explicit, Phase.reuse, Phase.generate),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("ignore")


def commands(path: Path, out: Path) -> None:
    """``juesuan audit`` (JSON, text) and ``juesuan import`` on ``path``: every outcome fine."""
    for args in (["audit", str(path), "-f", "json"], ["audit", str(path)],
                 ["import", str(path), "-o", str(out)]):
        start = time.monotonic()
        result = runner.invoke(app, args)
        took = time.monotonic() - start
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{args}: {type(result.exception).__name__}") from result.exception
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output[-2000:])
        assert "内部错误" not in result.output and "Traceback" not in result.output, result.output[-3000:]
        assert took < BUDGET, (args, took)
        assert len(result.output) < MAX_OUTPUT, (args, len(result.output))
        if args[0] == "audit" and "json" in args:
            docs = json.loads(result.stdout)
            assert len(docs) == 1 and (docs[0].get("error") is None) == (result.exit_code != 2)
            for finding in docs[0]["findings"]:
                short(finding)
        if args[0] == "import":
            assert result.exit_code in (0, 2)


# What one finding may hold, whatever the report: a quote of MAX_QUOTE_CHARS, short fields
# (the fixtures' longest message has about 220 characters).
FIELD_CHARS = {"message": 600, "expected": 300, "found": 300, "section": 300, "quote": MAX_QUOTE_CHARS,
               "row": 300, "column": 300}


def short(finding: dict[str, object]) -> None:
    location = finding["location"]
    assert isinstance(location, dict)
    for key, value in [*finding.items(), *location.items()]:
        if isinstance(value, str) and key in FIELD_CHARS:
            assert len(value) <= FIELD_CHARS[key], (finding["rule"], key, len(value), value[:300])


# --- mutations of the text -------------------------------------------------------------------

ATOMS = ["-", "—", "1%", "-1", "。", "，", "增加增加", "占", "比上年", "2024年", "表1\n", "一、\n",
         "支出决算表\n", "（", "（类）", "1 | ", " | \n", "201 | 06 | 01 | 行政运行 | 1.00\n", "……\n",
         "目录\n", "第三部分\n", "单位：万元\n", "9" * 40, "1,2.34万元，", "\f"]


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(REPORTS))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["repeat", "long-line", "huge-number", "atom", "cut", "delete",
                                     "long-cell"]))
        at = draw(st.integers(0, len(text)))
        if kind == "repeat":  # a region repeated, as a broken export or a crafted file does
            size = draw(st.integers(1, 400))
            times = draw(st.integers(2, max(2, 200_000 // size)))
            text = text[:at] + text[at:at + size] * times + text[at:]
        elif kind == "long-line":
            line = text[at:at + draw(st.integers(1, 60))].replace("\n", "")
            text = text[:at] + (line or "x") * draw(st.integers(1_000, 20_000)) + text[at:]
        elif kind == "huge-number":
            digits = "".join(draw(st.sampled_from(["9", "1", "0", ".", ","])) for _ in range(5))
            text = text[:at] + "9" * draw(st.integers(19, 5_000)) + digits + "万元" + text[at:]
        elif kind == "atom":
            atom = draw(st.sampled_from(ATOMS))
            text = text[:at] + atom * (draw(st.integers(1, 80_000)) // len(atom) + 1) + text[at:]
        elif kind == "long-cell":  # one cell of a table row (or a word of a line) very long
            cut = text.find(" | ", at)
            at = cut + 3 if cut >= 0 else at
            text = text[:at] + draw(st.sampled_from(["一", "1", "（", "X", "201"])) * draw(
                st.integers(500, 100_000)) + text[at:]
        elif kind == "cut":
            text = text[:at]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 5_000)):]
    return text


@st.composite
def damaged_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "duplicate"]))
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        if kind == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            size = draw(st.integers(1, 2_000))
            out[at:at] = bytes(out[at:at + size]) * draw(st.integers(2, 50))
    return bytes(out)


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5", "latin-1"]


@FUZZ
@given(text=mutated_text(), encoding=st.sampled_from(ENCODINGS), data=st.data())
def test_mutated_text_reports(tmp_path: Path, text: str, encoding: str, data: st.DataObject) -> None:
    path = tmp_path / "report.txt"
    raw = text.encode(encoding, errors="replace")
    path.write_bytes(data.draw(damaged_bytes(raw)) or b"x")
    commands(path, tmp_path / "out.yaml")


# --- HTML built from the reports -----------------------------------------------------------------


def html_of(text: str, depth: int, tag: str) -> str:
    """The report as a web page: lines as paragraphs, " | " runs as tables; ``depth``
    levels of ``tag`` around it all."""
    parts: list[str] = []
    rows: list[str] = []

    def table() -> None:
        if rows:
            parts.append("<table border=1>" + "".join(rows) + "</table>")
            rows.clear()

    for line in text.splitlines():
        if " | " in line:
            cells = [c.strip() for c in line.split("|")]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            continue
        table()
        parts.append(f"<p>{line}</p>")
    table()
    body = "\n".join(parts)
    return (f'<html><head><meta charset="utf-8"></head><body>{f"<{tag}>" * depth}{body}'
            f'{f"</{tag}>" * depth}</body></html>')


SPANS = ['<td colspan="1000" rowspan="0">x</td>', '<td rowspan="65534">x</td>', '<td colspan="99999999">x</td>',
         '<td rowspan="0">x</td>', '<th colspan="-5" rowspan="x">x</th>']


@FUZZ
@given(text=mutated_text(), depth=st.sampled_from([0, 3, 300, 100_000]),
       tag=st.sampled_from(["div", "table", "td", "span", "p", "b"]),
       span=st.sampled_from(["", *SPANS]), data=st.data())
def test_mutated_html_reports(tmp_path: Path, text: str, depth: int, tag: str, span: str,
                              data: st.DataObject) -> None:
    page = html_of(text, depth, tag)
    if span:
        page = page.replace("<tr>", "<tr>" + span, data.draw(st.integers(1, 50)))
    path = tmp_path / "report.html"
    path.write_bytes(data.draw(damaged_bytes(page.encode("utf-8"))) or b"<p>")
    commands(path, tmp_path / "out.yaml")


# --- DOCX built with python-docx -----------------------------------------------------------------


def docx_of(text: str, rng: random.Random) -> bytes:
    document = docx.Document()
    rows: list[list[str]] = []

    def table() -> None:
        if rows:
            width = max(len(row) for row in rows)
            grid = document.add_table(rows=len(rows), cols=width)
            for row, texts in zip(grid.rows, rows, strict=True):
                for cell, text in zip(row.cells, texts, strict=False):  # grid.cell() is quadratic
                    cell.text = text
            if rng.random() < 0.3 and len(rows) > 1 and width > 1:  # a merged header
                grid.cell(0, 0).merge(grid.cell(1, rng.randrange(1, width)))
            rows.clear()

    for line in text.splitlines()[:3000]:
        if " | " in line:
            if len(rows) < 300:
                rows.append([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", "", c.strip())
                             for c in line.split("|")][:30])
            continue
        table()
        document.add_paragraph(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", "", line))
    table()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@settings(FUZZ, max_examples=max(EXAMPLES * 2 // 3, 1))
@given(text=mutated_text(), seed=st.integers(0, 1000), data=st.data())
def test_mutated_docx_reports(tmp_path: Path, text: str, seed: int, data: st.DataObject) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(data.draw(damaged_bytes(docx_of(text, random.Random(seed)))) or b"PK")
    commands(path, tmp_path / "out.yaml")


# --- XLSX built with openpyxl ---------------------------------------------------------------------


def xlsx_of(text: str, far: str | None, dimension: str | None) -> bytes:
    """Each run of " | " lines a sheet (its title the line before); ``far`` a cell put far
    away, ``dimension`` what the sheets claim their size is."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    title, rows = "表", []

    def sheet() -> None:
        if rows and len(book.worksheets) < 40:
            ws = book.create_sheet(re.sub(r"[\\/*?:\[\]]", "", title)[:30] or "表")
            for row in rows[:500]:
                ws.append([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", c)[:1000] for c in row[:50]])
            if far:
                ws[far] = "9" * 30
        rows.clear()

    for line in text.splitlines():
        if " | " in line:
            rows.append([c.strip() for c in line.split("|")])
            continue
        sheet()
        title = line
    sheet()
    if not book.worksheets:
        book.create_sheet("空")
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if dimension:
        source = zipfile.ZipFile(io.BytesIO(data))
        changed = io.BytesIO()
        with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in source.infolist():
                part = source.read(entry.filename)
                if entry.filename.startswith("xl/worksheets/"):
                    part = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), part)
                target.writestr(entry, part)
        data = changed.getvalue()
    return data


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))
@given(text=mutated_text(), far=st.sampled_from([None, "XFD1048576", "ALL1", "A1048576", "B70000"]),
       dimension=st.sampled_from([None, "A1:XFD1048576", "A1", "ZZ9:A1", "A0:B-1"]), data=st.data())
def test_mutated_xlsx_reports(tmp_path: Path, text: str, far: str | None, dimension: str | None,
                              data: st.DataObject) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(data.draw(damaged_bytes(xlsx_of(text, far, dimension))) or b"PK")
    commands(path, tmp_path / "out.yaml")


# --- the PDFs ----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))
@given(pdf=st.sampled_from(PDF_FILES), data=st.data())
def test_mutated_pdf_reports(tmp_path: Path, pdf: Path, data: st.DataObject) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(data.draw(damaged_bytes(pdf.read_bytes())) or b"%PDF-")
    commands(path, tmp_path / "out.yaml")


# --- a few fixed cases of each kind, always run -------------------------------------------------


@pytest.mark.parametrize("atom", ["-", "1%", "，", "支出决算表\n", "（", "9" * 5_000 + "万元"])
def test_long_runs_in_every_part_of_a_report(tmp_path: Path, atom: str) -> None:
    text = REPORTS[0]
    lines = text.splitlines(keepends=True)
    for at in (0, 12, 22, len(lines) // 3, len(lines) - 3):
        path = tmp_path / f"run-{at}.txt"
        path.write_text("".join(lines[:at]) + atom * (60_000 // len(atom) + 1) + "\n" + "".join(lines[at:]),
                        encoding="utf-8")
        commands(path, tmp_path / "out.yaml")
