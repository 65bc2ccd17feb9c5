"""Punctuation of Chinese text as a government document prints it: full width.

Department texts are often typed with half-width commas and brackets ("出国(境)", "职责增加,新增");
a published document sets them full width. Only punctuation touching Chinese text changes:
"1,234.56", "12:30" and "(A)" in Latin text stay as they are. No word changes.
"""

from __future__ import annotations

from dataclasses import replace

from juesuan.content import Document, Section
from juesuan.tables.table import Table

_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _chinese(char: str) -> bool:
    return ("\u4e00" <= char <= "\u9fff" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"
            or char in "“”‘’…—")


def full_width(text: str) -> str:
    """``text`` with half-width punctuation next to Chinese set full width."""
    if not any(c in _FULL for c in text):
        return text
    chars = list(text)
    for i, char in enumerate(chars):
        full = _FULL.get(char)
        if full is None:
            continue
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if char == "(":
            near = _chinese(after) or (_chinese(before) and not after.isascii())
        elif char == ")":
            near = _chinese(before) or (_chinese(after) and not before.isascii())
        else:
            near = _chinese(before) or (_chinese(after) and not (before.isdigit() and after.isdigit()))
        if near:
            chars[i] = full
    return "".join(chars)


def typeset_table(table: Table) -> Table:
    """The table's own words (title, headers, row names, text cells, notes) set full width."""
    return replace(
        table, title=full_width(table.title), stub=full_width(table.stub),
        notes=tuple(full_width(n) for n in table.notes),
        columns=tuple(replace(c, label=full_width(c.label), groups=tuple(full_width(g) for g in c.groups))
                      for c in table.columns),
        rows=tuple(replace(r, name=full_width(r.name),
                           values=tuple(full_width(v) if isinstance(v, str) else v for v in r.values))
                   for r in table.rows))


def typeset_section(section: Section) -> Section:
    return replace(
        section, heading=full_width(section.heading),
        paragraphs=tuple(full_width(p) for p in section.paragraphs),
        tables=tuple(typeset_table(t) for t in section.tables),
        charts=tuple(replace(c, title=full_width(c.title),
                             categories=tuple(full_width(x) for x in c.categories),
                             series=tuple(replace(s, name=full_width(s.name)) for s in c.series))
                     for c in section.charts),
        subsections=tuple(typeset_section(s) for s in section.subsections))


def typeset_document(doc: Document) -> Document:
    """The public document as printed: every text of it (not the review's) set full width, once,
    so that HTML, PDF, DOCX, XLSX and JSON print the same punctuation."""
    return replace(doc, title=full_width(doc.title), notices=tuple(full_width(n) for n in doc.notices),
                   parts=tuple(replace(p, heading=full_width(p.heading),
                                       sections=tuple(typeset_section(s) for s in p.sections))
                               for p in doc.parts))
