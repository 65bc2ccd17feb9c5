"""PDF rendering: the document's static HTML laid out on A4 pages by WeasyPrint.

The PDF is made from :func:`~juesuan.render.html.document_to_html` with
``interactive=False``: charts are inline SVG drawn by matplotlib, so no script
runs. The page layout comes from the stylesheet's CSS Paged Media rules: A4 with
margins, 第 X 页 共 Y 页 in the footer (in an explicit CJK font: margin boxes do not
inherit the body's), the title in the header, each part from a new page, table
headers repeated on every page a table runs over, landscape pages for wide tables,
and page numbers in the 目录. Fonts are embedded and subset, and the text layer is
real text (the CJK figures and names can be searched and copied). The headings
become the PDF's bookmarks.

Nothing is fetched: only ``data:`` URLs would be loaded (the page has none).
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from juesuan.content import Document
from juesuan.render.html import document_to_html


def document_to_pdf(doc: Document, *, findings: bool = True) -> bytes:
    """The document as PDF bytes (A4)."""
    return html_to_pdf(document_to_html(doc, interactive=False, findings=findings))


def html_to_pdf(html: str) -> bytes:
    """Lay out a page of :func:`~juesuan.render.html.document_to_html` as PDF."""
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=html, url_fetcher=fetcher, media_type="print")
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
