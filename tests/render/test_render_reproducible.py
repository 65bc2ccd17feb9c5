"""The same document gives the same bytes, whenever it is rendered.

The web application serves a version's files with a digest of the version as ETag, and a
document is compared by its digest: a file must not carry the time it was made.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.content import Document
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.publish import render
from juesuan.render.docx import document_to_docx
from juesuan.render.xlsx import document_to_xlsx, tables_to_xlsx
from juesuan.tables.table import TableSet

ROOT = Path(__file__).resolve().parents[2]
SUIZHOU = ROOT / "examples" / "suizhou-zwfw-2020.yaml"


def renderings(document: Document, small: TableSet, full: Document) -> dict[str, bytes]:
    return {
        "tables.xlsx": tables_to_xlsx(small),
        "document.xlsx": document_to_xlsx(document),
        "document.docx": document_to_docx(document),
        **{f"full.{fmt}": render(full, fmt) for fmt in ("html", "docx", "xlsx", "json")},
    }


def cli_files(tmp_path: Path) -> dict[str, bytes]:
    runner = CliRunner()
    tables, score = tmp_path / "t.xlsx", tmp_path / "s.xlsx"
    assert runner.invoke(app, ["tables", str(SUIZHOU), "-f", "xlsx", "-o", str(tables)]).exit_code == 0
    assert runner.invoke(app, ["score", str(SUIZHOU), "-f", "xlsx", "-o", str(score)]).exit_code in (0, 1)
    return {"tables": tables.read_bytes(), "score": score.read_bytes()}


def test_rendering_twice_a_second_apart_gives_the_same_bytes(
    document: Document, small: TableSet, tmp_path: Path
) -> None:
    suizhou = load_filing(SUIZHOU).filing
    full = build_document(suizhou, scheme=scheme_for(suizhou))  # as juesuan report makes it
    first = renderings(document, small, full)
    first_cli = cli_files(tmp_path / "1")
    time.sleep(1.1)  # the documents' times are stored to the second
    assert renderings(document, small, full) == first
    assert cli_files(tmp_path / "2") == first_cli


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_the_fixed_time_is_in_the_properties(document: Document, kind: str) -> None:
    if kind == "xlsx":
        properties = openpyxl.load_workbook(io.BytesIO(document_to_xlsx(document))).properties
        created = properties.created
    else:
        core = docx.Document(io.BytesIO(document_to_docx(document))).core_properties
        created = core.created
        assert core.modified == created
    assert created is not None and created.year == 2000


def test_zip_members_carry_no_time(document: Document) -> None:
    for data in (document_to_docx(document), document_to_xlsx(document)):
        stamps = {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
        assert all(stamp[0] == 1980 for stamp in stamps)
