"""What juesuan writes, juesuan reads back: the audit of our own disclosure documents.

Both examples are written as `juesuan report` writes them (HTML, DOCX, PDF), each file
is read and audited as `juesuan audit` does, and the audit must find the document's
structure — cover, 目录, parts, the nine tables under their headings — and read the nine
tables back cell for cell as :func:`juesuan.tables.build.build_tables` built them (rounded
to the printed 0.01). A finding on the structure or the tables would be a false one.

The documents put a heading in the 目录's words right above each table's own title
(“一、收入支出决算总表” / “表1 收入支出决算总表”), list subsections in the 目录, and in
the PDF repeat the document's title above every page and fill the page with a white box:
each of these once made the audit report missing or unreadable tables.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.audit.check import AuditResult, audit
from juesuan.audit.readers import read_report
from juesuan.audit.source import SourceDocument
from juesuan.audit.structure import compact, match_title
from juesuan.filing.io import load_filing
from juesuan.publish import publish_one
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FORMATS = ("html", "docx", "pdf")
# the rules on reading a document's structure and tables; a finding of any of them on our
# own document is false
STRUCTURE_RULES = {"A.table-structure", "A.table-order", "A.toc-mismatch", "X13", "A.reading",
                   "C.malformed"}


def cells(ts: TableSet) -> dict[tuple[int, str, str], Decimal | None]:
    return {
        (t.number, row.key, column.key): value
        for t in ts.tables
        for row in t.rows
        for column, value in zip(t.columns, row.values, strict=True)
    }


def shape(ts: TableSet) -> dict[tuple[int, str], tuple[object, ...]]:
    """Per row: code, level, kind, section, and the table's column keys."""
    return {
        (t.number, row.key): (row.code, row.level, row.kind.value, row.section, t.column_keys)
        for t in ts.tables
        for row in t.rows
    }


class Audited:
    def __init__(self, filing: Path, out: Path) -> None:
        outcome = publish_one(str(filing), str(out), FORMATS, order=None, scheme=None, strict=False)
        assert outcome.internal is None, outcome.traceback
        assert not outcome.unreadable and outcome.unwritable is None
        self.built = build_tables(load_filing(filing).filing).rounded(2)
        self.sources: dict[str, SourceDocument] = {}
        self.results: dict[str, AuditResult] = {}
        for fmt in FORMATS:
            source = read_report(out / f"{filing.stem}.{fmt}")
            self.sources[fmt] = source
            self.results[fmt] = audit(source)


@pytest.fixture(scope="module", params=["shanghai-putuo-czj-2024", "suizhou-zwfw-2020"])
def example(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Audited:
    """One example written in every format and audited, once per module."""
    pytest.importorskip("weasyprint")
    pytest.importorskip("pdfplumber")
    name = request.param
    return Audited(EXAMPLES / f"{name}.yaml", tmp_path_factory.mktemp(name))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_false_finding_on_structure_or_tables(example: Audited, fmt: str) -> None:
    result = example.results[fmt]
    false = [(f.rule, f.severity.value, f.message, f.location.line) for f in result.findings
             if f.rule in STRUCTURE_RULES]
    assert false == []
    assert (result.department, result.year) == (example.built.department, example.built.year)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_nine_tables_read_back_as_built(example: Audited, fmt: str) -> None:
    result = example.results[fmt]
    read, built = result.tables, example.built
    assert not result.reading.unreadable
    assert [t.number for t in read.tables] == list(range(1, 10))
    assert [t.key for t in read.tables] == [t.key for t in built.tables]
    assert shape(read) == shape(built)
    assert cells(read) == cells(built)


@pytest.mark.parametrize("fmt", FORMATS)
def test_structure_is_found(example: Audited, fmt: str) -> None:
    s = example.results[fmt].structure
    assert s.toc_place is not None
    assert [t.number for t in s.tables] == list(range(1, 10))
    # the 目录 lists every part the body has, and every table
    assert {h.number for h in s.headings if h.kind in ("part", "tableset")} == {
        e.number for e in s.toc if e.kind == "part"}
    # each table stands under its own heading, which is not taken for a second title
    table_headings = [found[0] for h in s.headings
                      if h.kind == "section" and (found := match_title(h.text))]
    assert table_headings == list(range(1, 10))


def test_pdf_running_head_is_not_read_into_the_text(example: Audited) -> None:
    """The title above every page but the first is not part of the text: a sentence that
    runs over a page break reads on without it."""
    source = example.sources["pdf"]
    cover = example.results["pdf"].structure.cover.place
    assert cover is not None
    title = compact(cover.text)
    assert source.pages is not None and source.pages > 10
    assert [line for line in source.lines()
            if line.page != cover.page and compact(line.text) == title] == []
