"""HTML through lxml: paragraphs, headings, list items and divs as lines; each table a grid."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from juesuan.audit.reading import bounds
from juesuan.audit.reading.bounds import MAX_DEPTH, Blocks, ReportReadError, too_large
from juesuan.audit.reading.cells import cell_text
from juesuan.audit.reading.text import bom_encoding, check_text_size, decode_text
from juesuan.audit.source import SourceDocument, normalise, squeeze

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHINESE_CHARSETS = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312"}


def _html_charset(data: bytes) -> str | None:
    head = data[:8192]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").strip().lower()
    if name in _CHINESE_CHARSETS or name.startswith("gb"):
        return "gb18030"  # gb2312 pages carry GBK-only characters such as 镕
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_html(path: Path, data: bytes) -> SourceDocument:
    check_text_size(path, len(data))
    if data.count(b"<") > bounds.MAX_REPORT_TAGS:  # before lxml builds a tree of them all
        raise too_large(path, "HTML 中的标记（<…>）", bounds.MAX_REPORT_TAGS, "MAX_REPORT_TAGS", "个")
    bom = bom_encoding(data)
    if bom:
        candidates = [bom]
    else:
        declared = _html_charset(data)
        candidates = [c for c in (declared, "utf-8", "gb18030") if c]
    text, problems = decode_text(path, data, candidates)
    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    blocks = Blocks(path)
    blocks.problems.extend(problems)
    if not text.strip():
        return blocks.document("html")

    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReportReadError(path, f"HTML 无法解析（{exc}）") from None
    walker = _HtmlWalker(blocks)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return blocks.document("html")


_HTML_SKIP = {
    "script", "style", "noscript", "template", "head", "title", "iframe", "object",
    "embed", "svg", "math", "select", "textarea", "button", "map", "audio", "video",
}  # fmt: skip
_HTML_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_WHITESPACE = re.compile(r"\s+")
_MAX_ROWSPAN = 65534  # HTML's own limit


class _HtmlWalker:
    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = squeeze(normalise(_WHITESPACE.sub(" ", "".join(self.buffer))))
        self.buffer = []
        if text:
            self.blocks.line(text)

    def walk(self, element: Any, depth: int = 0) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None:  # comment or processing instruction: only its tail is text
            return
        tag = tag.lower()
        if tag in _HTML_SKIP:
            return
        if tag == "br":
            self.flush()
            return
        if depth > MAX_DEPTH:
            self.buffer.append(_html_cell_text(element, flat=True))
            return
        if tag == "table" and not _has_nested_table(element):
            self.flush()
            self.table(element)
            return
        block = tag in _HTML_BLOCKS
        if block:
            self.flush()
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child, depth + 1)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush()

    def table(self, table: Any) -> None:
        for caption in table.iterfind("caption"):
            self.buffer.append(_html_cell_text(caption))
            self.flush()
        rows = _html_grid(table, self.blocks)
        if rows and any(any(cell for cell in row) for row in rows):
            self.blocks.grid(rows)


def _has_nested_table(table: Any) -> bool:
    """A table holding another table is page layout, read as running text."""
    return any(True for _ in table.iterdescendants("table"))


def _span(element: Any, name: str, limit: int) -> int:
    value = str(element.get(name) or "1").strip()
    match = re.match(r"\d+", value)
    if not match:
        return 1
    return min(int(match.group()[:8]), limit)


def _html_grid(table: Any, blocks: Blocks) -> tuple[tuple[str, ...], ...]:
    """Expand rowspan/colspan: the text in the top-left slot, "" in the rest of the span.

    A span is clipped to the table: colspan to MAX_TABLE_COLUMNS, rowspan to the rows of its
    section (``rowspan=0`` is "to the end of the section": thead, tbody or tfoot). Before
    anything is expanded, the slots the spans claim are checked against the cells present
    (MAX_SPAN_EXPANSION)."""
    trs = [tr for tr in table.iter("tr") if isinstance(tr.tag, str)]
    section_end = [0] * len(trs)  # index after the last row of each row's section
    for r in range(len(trs) - 1, -1, -1):
        same = r + 1 < len(trs) and trs[r + 1].getparent() is trs[r].getparent()
        section_end[r] = section_end[r + 1] if same else r + 1
    cells: list[list[tuple[Any, int, int]]] = []  # per row: (td, colspan, rowspan)
    present = claimed = 0
    for r, tr in enumerate(trs):
        row: list[tuple[Any, int, int]] = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            colspan = max(_span(td, "colspan", bounds.MAX_TABLE_COLUMNS), 1)
            rowspan = _span(td, "rowspan", _MAX_ROWSPAN)
            if rowspan == 0:
                rowspan = section_end[r] - r
            rowspan = max(min(rowspan, section_end[r] - r), 1)
            row.append((td, colspan, rowspan))
            present += 1
            claimed += colspan * rowspan
        cells.append(row)
    blocks.check_expansion(claimed, present)
    grid: dict[tuple[int, int], str] = {}
    width = 0
    clipped = False
    for r, row in enumerate(cells):
        c = 0
        for td, colspan, rowspan in row:
            while (r, c) in grid:
                c += 1
            if c >= bounds.MAX_TABLE_COLUMNS:  # no real table is that wide: ignore the rest of the row
                clipped = True
                break
            colspan = min(colspan, bounds.MAX_TABLE_COLUMNS - c)
            text = _html_cell_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dr == dc == 0 else ""
            c += colspan
            width = max(width, c)
    if clipped:
        blocks.clipped()
    blocks.check_expansion(len(cells) * width, present)
    return tuple(tuple(grid.get((r, c), "") for c in range(width)) for r in range(len(cells)))


def _html_cell_text(element: Any, *, flat: bool = False) -> str:
    if flat:  # too deep to walk: its text, without recursion
        return _WHITESPACE.sub(" ", "".join(element.itertext()))
    parts: list[str] = []

    def collect(node: Any, depth: int = 0) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        if tag is not None and tag not in _HTML_SKIP:
            if tag == "br" or tag in _HTML_BLOCKS:
                parts.append("\n")
            if depth > MAX_DEPTH:
                parts.append("".join(node.itertext()))
            elif node.text and tag != "br":
                parts.append(node.text)
            for child in node if depth <= MAX_DEPTH else ():
                collect(child, depth + 1)
            if tag in _HTML_BLOCKS:
                parts.append("\n")
        if node is not element and node.tail:
            parts.append(node.tail)

    collect(element)
    lines = [_WHITESPACE.sub(" ", line) for line in "".join(parts).split("\n")]
    return cell_text("\n".join(lines))
