"""WordprocessingML written as text, for the bulk of a DOCX: runs, tables, the package.

Building a table element by element through python-docx costs some 30 µs an element,
and a filing's tables have tens of thousands of them. Written as text, a table costs
a tenth of that, and :mod:`juesuan.render.docx` splices the text into the body's XML
when it writes the package (:func:`write_package`), so it is never parsed nor
serialised again; small pieces are parsed into python-docx elements (:func:`parse`).
The XML is exactly what python-docx's element-by-element building gave.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.spec import default_content_types
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from juesuan.content import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN

W_DECL = nsdecls("w")

_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER_OPEN) + ".*?" + re.escape(PLACEHOLDER_CLOSE))

_TWIPS_PER_PT = 20

# Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return; lone
# surrogates; U+FFFE, U+FFFF): left out, as no Word file can carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_chars(text: str) -> str:
    """``text`` without the characters XML cannot hold (for lxml, which refuses them)."""
    return _NOT_XML.sub("", text)


def xml_text(text: str) -> str:
    """``text`` escaped for XML element content."""
    return escape(_NOT_XML.sub("", text))


def xml_attr(text: str) -> str:
    """``text`` as a quoted XML attribute value."""
    return quoteattr(_NOT_XML.sub("", text))


def twips(points: float) -> str:
    return str(round(points * _TWIPS_PER_PT))


def parse(xml: str) -> Any:
    """One element from its XML, which names the ``w`` namespace without declaring it."""
    end = xml.index(">")
    if xml[end - 1] == "/":
        end -= 1
    return parse_xml(f"{xml[:end]} {W_DECL}{xml[end:]}")


@lru_cache(maxsize=256)
def run_properties(fonts: tuple[str, str], bold: bool = False, size: float | None = None,
                   highlight: bool = False) -> str:
    """``w:rPr``: the Latin and East Asian fonts, bold, size (points), yellow highlight."""
    latin, east_asian = (xml_attr(f) for f in fonts)
    xml = (f"<w:rPr><w:rFonts w:ascii={latin} w:hAnsi={latin} w:eastAsia={east_asian} "
           f'w:cs={latin} w:hint="eastAsia"/>')
    if bold:
        xml += "<w:b/><w:bCs/>"
    if size is not None:
        half_points = round(size * 2)
        xml += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    if highlight:
        xml += '<w:highlight w:val="yellow"/>'
    return xml + "</w:rPr>"


def _run(piece: str, rpr: str) -> str:
    if "\n" not in piece:
        text = f'<w:t xml:space="preserve">{xml_text(piece)}</w:t>' if piece else ""
        return f"<w:r>{rpr}{text}</w:r>"
    content = []
    for n, line in enumerate(piece.split("\n")):
        if n:
            content.append("<w:br/>")
        if line:
            content.append(f'<w:t xml:space="preserve">{xml_text(line)}</w:t>')
    return f"<w:r>{rpr}{''.join(content)}</w:r>"


def text_runs(text: str, fonts: tuple[str, str], *, bold: bool = False,
              size: float | None = None) -> str:
    """Runs for ``text``: placeholders (【待填写：…】) highlighted, line breaks as ``w:br``."""
    if PLACEHOLDER_OPEN not in text:
        return _run(text, run_properties(fonts, bold, size))
    position = 0
    pieces: list[tuple[str, bool]] = []
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    if position < len(text) or not pieces:
        pieces.append((text[position:], False))
    return "".join(_run(piece, run_properties(fonts, bold, size, highlight))
                   for piece, highlight in pieces)


@lru_cache(maxsize=1024)
def paragraph_properties(style_id: str | None, keep: bool = False, page_break: bool = False,
                         tab: int | None = None, before: float | None = None,
                         line: float | None = None, indents: tuple[int, int] | None = None
                         ) -> str:
    """``w:pPr``, in the schema's order: the style, kept with the next paragraph, a page
    break before, a right tab at ``tab`` twips, space before and an exact line pitch
    (points), left and right indents (twips); "" if none."""
    xml = "" if style_id is None else f'<w:pStyle w:val="{style_id}"/>'
    if keep:
        xml += "<w:keepNext/>"
    if page_break:
        xml += "<w:pageBreakBefore/>"
    if tab is not None:
        xml += f'<w:tabs><w:tab w:val="right" w:pos="{tab}"/></w:tabs>'
    if before is not None or line is not None:
        xml += "<w:spacing"
        if before is not None:
            xml += f' w:before="{twips(before)}"'
        if line is not None:
            xml += f' w:line="{twips(line)}" w:lineRule="exact"'
        xml += "/>"
    if indents is not None:
        xml += f'<w:ind w:left="{indents[0]}" w:right="{indents[1]}"/>'
    return f"<w:pPr>{xml}</w:pPr>" if xml else ""


# --------------------------------------------------------------------------- tables

TABLE_TEXT_STYLE = "TableText"


def table_start(widths: tuple[int, ...], cell_padding: int, cell_padding_vertical: int) -> str:
    """``<w:tbl>`` with its properties (Table Grid style, centred, fixed layout, the total
    width, borders, cell margins) and its grid: the table's opening, rows to follow."""
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="{8 if outer else 4}" w:space="0" w:color="000000"/>'
        for side, outer in (("top", True), ("left", True), ("bottom", True), ("right", True),
                            ("insideH", False), ("insideV", False))
    )
    margins = "".join(
        f'<w:{side} w:w="{pad}" w:type="dxa"/>'
        for side, pad in (("top", cell_padding_vertical), ("left", cell_padding),
                          ("bottom", cell_padding_vertical), ("right", cell_padding))
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:type="dxa" w:w="{sum(widths)}"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f"<w:tblCellMar>{margins}</w:tblCellMar>"
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    )


HEADER_ROW = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
BODY_ROW = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
ROW_END = "</w:tr>"
TABLE_END = "</w:tbl>"


@lru_cache(maxsize=4096)
def cell_start(width: int, span: int = 1, vmerge: str | None = None, left_rule: bool = False,
               shade: bool = False) -> str:
    """``<w:tc>`` and its properties: width (twips), column span, vertical merge
    (``restart`` or ``continue``), a double rule on the left, grey shading; centred
    vertically."""
    xml = f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        xml += f'<w:gridSpan w:val="{span}"/>'
    if vmerge is not None:
        xml += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    if left_rule:
        xml += ('<w:tcBorders><w:left w:val="double" w:sz="4" w:space="0" w:color="000000"/>'
                "</w:tcBorders>")
    if shade:
        xml += '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
    return xml + '<w:vAlign w:val="center"/></w:tcPr>'


CELL_END = "</w:tc>"


def exact_spacing(line: float) -> str:
    """``w:spacing``: no space before or after, an exact line pitch (points)."""
    return f'<w:spacing w:before="0" w:after="0" w:line="{twips(line)}" w:lineRule="exact"/>'


@lru_cache(maxsize=256)
def _cell_paragraph_start(align: str, keep: bool, indent: str | None, line: float | None) -> str:
    xml = f'<w:p><w:pPr><w:pStyle w:val="{TABLE_TEXT_STYLE}"/>'
    if keep:  # keeps the row on the page of the next row (or of the notes)
        xml += "<w:keepNext/>"
    if line is not None:
        xml += exact_spacing(line)
    if indent is not None:
        xml += indent
    return xml + f'<w:jc w:val="{align}"/></w:pPr>'


@lru_cache(maxsize=256)
def _indent(size: float, steps: int) -> str | None:
    if not steps:
        return None
    return f'<w:ind w:left="{twips(size * steps)}" w:leftChars="{100 * steps}"/>'


def cell_paragraph(text: str, fonts: tuple[str, str], *, align: str, size: float,
                   bold: bool = False, indent_steps: int = 0, keep: bool = False,
                   line: float | None = None) -> str:
    """The paragraph of a cell: table text style, alignment, indent in characters, the
    exact line pitch ``line`` (points) if given, kept with the next row if ``keep``."""
    start = _cell_paragraph_start(align, keep, _indent(size, indent_steps), line)
    if not text:
        return start + "</w:p>"
    if "\n" in text or PLACEHOLDER_OPEN in text:
        return start + text_runs(text, fonts, bold=bold, size=size) + "</w:p>"
    return (f'{start}<w:r>{run_properties(fonts, bold, size)}<w:t xml:space="preserve">'
            f"{xml_text(text)}</w:t></w:r></w:p>")

# --------------------------------------------------------------------------- the font table


def font_entry(name: str, alt: str | None, panose: str | None, family: str, pitch: str,
               charset: str = "86") -> str:
    """A ``w:font`` of ``word/fontTable.xml``: another name Word and WPS may find the font
    under (``w:altName``), its PANOSE class where known, its character set (86: GB2312),
    family and pitch, which guide the choice of a substitute where it is missing."""
    xml = f"<w:font w:name={xml_attr(name)}>"
    if alt:
        xml += f"<w:altName w:val={xml_attr(alt)}/>"
    if panose:
        xml += f'<w:panose1 w:val="{panose}"/>'
    xml += f'<w:charset w:val="{charset}"'
    if charset == "86":
        xml += ' w:characterSet="GB2312"'
    return xml + f'/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'


_FONT = re.compile(r"<w:font w:name=\"([^\"]*)\".*?</w:font>", re.S)


def with_fonts(font_table: str, entries: dict[str, str]) -> str:
    """``font_table`` (the XML of ``word/fontTable.xml``) with ``entries`` (XML by font
    name) in place of the entries of the same names, the others added at its end."""
    table = _FONT.sub(lambda m: entries.get(m.group(1), m.group(0)), font_table)
    present = set(_FONT.findall(font_table))
    added = "".join(xml for name, xml in entries.items() if name not in present)
    return table.replace("</w:fonts>", added + "</w:fonts>")


# --------------------------------------------------------------------------- the package

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member's: the same document gives the same bytes
ZIP_LEVEL = 1  # the fastest: a third larger than the default 6, five times as fast


def _content_types(parts: list[Any]) -> bytes:
    """``[Content_Types].xml`` as python-docx writes it: defaults by extension where
    the extension implies the type, overrides for the other parts."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        ext = part.partname.ext
        if (ext.lower(), part.content_type) in default_content_types:
            defaults[ext.lower()] = part.content_type
        else:
            overrides[str(part.partname)] = part.content_type
    xml = ["<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
           '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">']
    xml += [f"<Default Extension={xml_attr(ext)} ContentType={xml_attr(ct)}/>"
            for ext, ct in sorted(defaults.items())]
    xml += [f"<Override PartName={xml_attr(name)} ContentType={xml_attr(ct)}/>"
            for name, ct in sorted(overrides.items())]
    xml.append("</Types>")
    return "".join(xml).encode("utf-8")


def write_package(package: Any, blobs: dict[str, bytes]) -> bytes:
    """The package as a .docx file, in python-docx's order (content types, package
    relationships, then each part and its relationships); ``blobs`` gives the content of
    parts by part name instead of their own serialisation."""
    parts = list(package.iter_parts())
    buffer = io.BytesIO()

    def write(name: str, blob: bytes) -> None:
        info = zipfile.ZipInfo(name, ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, blob, compresslevel=ZIP_LEVEL)

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        write("[Content_Types].xml", _content_types(parts))
        write("_rels/.rels", package.rels.xml)
        for part in parts:
            partname = part.partname
            blob = blobs.get(str(partname))
            write(partname.membername, part.blob if blob is None else blob)
            if len(part.rels):
                write(partname.rels_uri.membername, part.rels.xml)
    return buffer.getvalue()
