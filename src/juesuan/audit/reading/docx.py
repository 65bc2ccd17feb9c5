"""DOCX through python-docx: paragraphs and tables in body order."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from juesuan.audit.reading import bounds
from juesuan.audit.reading.bounds import MAX_DEPTH, Blocks, check_zip
from juesuan.audit.reading.cells import cell_text
from juesuan.audit.source import SourceDocument, normalise, squeeze


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


_RUN, _HYPERLINK, _TEXT, _BREAK = _w("r"), _w("hyperlink"), _w("t"), _w("br")
_BREAK_TYPE = _w("type")
# What a run holds that is text, as python-docx's Run.text reads it (w:t and w:br aside).
_RUN_CONTENT: dict[str, str] = {_TEXT: "", _BREAK: "", _w("tab"): "\t", _w("ptab"): "\t",
                                _w("cr"): "\n", _w("noBreakHyphen"): "-"}

def read_docx(path: Path, data: bytes) -> SourceDocument:
    check_zip(path, data, tags=True)
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    parent = document._body
    blocks = Blocks(path)
    paragraph, table, run, link = qn("w:p"), qn("w:tbl"), qn("w:r"), qn("w:hyperlink")
    containers = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}

    def visit(container: Any, depth: int) -> None:
        for child in container.iterchildren():
            if child.tag == paragraph:
                if child.find(run) is None and child.find(link) is None:  # no text, and fast
                    blocks.empty()
                    continue
                texts = [squeeze(normalise(raw)) for raw in paragraph_text(child).splitlines()]
                texts = [text for text in texts if text]
                for text in texts:
                    blocks.line(text)
                if not texts:
                    blocks.empty()  # counted all the same: a million empty paragraphs are no report
            elif child.tag == table:
                rows = _docx_grid(child, blocks, parent)
                if rows and any(any(row) for row in rows):
                    blocks.grid(rows)
                else:
                    blocks.empty(len(rows))
            elif child.tag in containers and depth < MAX_DEPTH:
                visit(child, depth + 1)  # content controls (a table of contents, say) hold paragraphs

    visit(document.element.body, 0)
    return blocks.document("docx")


def _docx_int(element: Any, name: str, default: int) -> int:
    if element is None:
        return default
    match = re.match(r"\s*(\d{1,8})", str(element.get(name) or ""))
    return int(match.group(1)) if match else default


def paragraph_text(p: Any) -> str:
    """The text of a ``w:p`` as python-docx's ``Paragraph.text`` gives it (runs and the runs
    of hyperlinks; tabs, breaks and non-breaking hyphens as characters), read with lxml
    alone: python-docx runs an XPath query per run, 20 times slower on a long table."""
    parts: list[str] = []
    for child in p.iterchildren(_RUN, _HYPERLINK):
        runs = (child,) if child.tag == _RUN else child.iterchildren(_RUN)
        for run in runs:
            for element in run.iterchildren(*_RUN_CONTENT):
                tag = element.tag
                if tag == _TEXT:
                    parts.append(element.text or "")
                elif tag == _BREAK:
                    kind = element.get(_BREAK_TYPE) or "textWrapping"
                    parts.append("\n" if kind == "textWrapping" else "")
                else:
                    parts.append(_RUN_CONTENT[tag])
    return "".join(parts)


def _docx_grid(tbl: Any, blocks: Blocks, parent: Any) -> tuple[tuple[str, ...], ...]:
    """Rows of a Word table (``w:tbl``); a merged cell's text in its first slot, "" in the others.

    Read from the XML directly: python-docx expands every ``w:gridSpan`` into slots before
    anything can be checked, and finds the start of a vertical merge by walking up row by
    row (quadratic in the rows). Here the slots the spans claim are checked against the
    cells present (MAX_SPAN_EXPANSION) before any is made, and each slot knows the cell
    it belongs to, so a vertical merge is one look at the row above."""
    from docx.oxml.ns import qn

    tr_tag, tc_tag, p_tag = qn("w:tr"), qn("w:tc"), qn("w:p")
    val = qn("w:val")
    plan: list[tuple[int, list[tuple[Any, int, bool]]]] = []
    present = claimed = 0
    for tr in tbl.iterchildren(tr_tag):
        before = min(_docx_int(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), val, 0),
                     bounds.MAX_TABLE_COLUMNS)
        cells: list[tuple[Any, int, bool]] = []
        for tc in tr.iterchildren(tc_tag):
            tc_pr = tc.find(qn("w:tcPr"))
            span = 1
            merged = False
            if tc_pr is not None:
                span = min(max(_docx_int(tc_pr.find(qn("w:gridSpan")), val, 1), 1), bounds.MAX_TABLE_COLUMNS)
                v_merge = tc_pr.find(qn("w:vMerge"))
                merged = v_merge is not None and (v_merge.get(val) or "continue") == "continue"
            cells.append((tc, span, merged))
            claimed += span
        present += len(cells)
        claimed += before
        plan.append((before, cells))
        blocks.expect(lines=len(plan))
    blocks.check_expansion(claimed, present)
    rows: list[list[str]] = []
    above: list[Any] = []  # the cell each slot of the row above belongs to
    for before, cells in plan:
        slots: list[Any] = [None] * before
        texts = [""] * before
        for tc, span, merged in cells:
            column = len(slots)
            if column >= bounds.MAX_TABLE_COLUMNS:
                blocks.clipped()
                break
            span = min(span, bounds.MAX_TABLE_COLUMNS - column)
            owner = above[column] if merged and column < len(above) and above[column] is not None else None
            if owner is None:  # a cell of its own (or a merge that continues nothing)
                owner = tc
                text = cell_text("\n".join(paragraph_text(p) for p in tc.iterchildren(p_tag)))
            else:
                text = ""  # the rest of a vertical merge: its text is in the first row
            slots.extend([owner] * span)
            texts.extend([text] + [""] * (span - 1))
        rows.append(texts)
        above = slots
    return blocks.rectangle(rows, present)
