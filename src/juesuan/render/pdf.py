"""PDF rendering: the document's static HTML laid out on A4 pages by WeasyPrint.

The PDF is made from :func:`~juesuan.render.html.document_to_html` with
``interactive=False, pictures=True``: charts are JPEG pictures of the drawing every
format shares (as published reports print them; the chart's figures are text in its
data table beside it), so no script runs. The page layout
comes from the stylesheet's CSS Paged Media rules: a cover page without a page
number, the 目录 on pages of its own with the page of every entry, each part from a
new page, 第 X 页 共 Y 页 in the footer (in an explicit CJK font: margin boxes do not
inherit the body's), table headers repeated on every page a table runs over, no
table's first or last rows alone on a page, and landscape pages (a named page) for
a section with a wide table, all its pages. Fonts are embedded and subset, and the
text layer is real text (the CJK figures and names can be searched and copied). The
headings become the PDF's bookmarks. The findings of the checks are not printed.

Speed: WeasyPrint is imported when a PDF is first made (it takes about a third of a
second, which a program that never writes a PDF should not pay; :func:`_import_weasyprint`
keeps it from searching for libraries by names that cannot exist here), it lays the page
out with a trimmed copy of its own user-agent stylesheet (:func:`_user_agent`), and the
cyclic garbage collector runs less often meanwhile (:func:`_fewer_collections`).

Nothing is fetched: only ``data:`` URLs would be loaded (the page has none).
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from juesuan.content import Document
from juesuan.render.html import document_to_html

if TYPE_CHECKING:
    from weasyprint import CSS

# Rules of WeasyPrint's user-agent stylesheet that select a pseudo-element of *every*
# element: ``::marker`` and the footnote and note pseudo-elements. Each gives each element
# of the page styles of its own to compute; the page has no footnotes or notes, and only a
# list item has a marker.
_EVERY_MARKER = re.compile(r"^::marker\b", re.M)
_EVERY_NOTE = re.compile(r"^::(?:footnote|note)-[a-z]+ *\{[^}]*\}\n?", re.M)


def document_to_pdf(doc: Document) -> bytes:
    """The public document as PDF bytes (A4)."""
    return html_to_pdf(document_to_html(doc, interactive=False, pictures=True))


def html_to_pdf(html: str, *, trimmed: bool = True) -> bytes:
    """Lay out a page of :func:`~juesuan.render.html.document_to_html` as PDF.

    ``trimmed=False`` lays it out with WeasyPrint's user-agent stylesheet as it is: the
    same PDF, some 15 % slower (the tests compare the two)."""
    with _fewer_collections():
        _import_weasyprint()
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher

        page = _trimmed_page() if trimmed else HTML
        fetcher = URLFetcher(allowed_protocols=("data",))
        pdf = page(string=html, url_fetcher=fetcher, media_type="print").write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


# Allocations between two collections of the youngest generation while a page is laid out
# (Python's default is 700). Layout makes millions of short-lived objects, and each
# collection also walks what the process already holds: with the default, a fresh
# process spends a sixth of its PDF time collecting, and finds little.
_LAYOUT_GC_THRESHOLD = 100_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often for the duration (the thresholds are restored
    after, also on error; memory stays bounded, collections still run)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], _LAYOUT_GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _import_weasyprint() -> None:
    """Import WeasyPrint, sparing the library search its import would do for nothing.

    WeasyPrint loads each of its seven C libraries by trying names of every platform
    (``libgobject-2.0-0``, ``gobject-2.0-0``, ``gobject-2.0``, …), and cffi asks
    ``ctypes.util.find_library`` about each name it cannot load; on Linux that runs
    ``ldconfig`` and then ``gcc`` for every name, a tenth of a second in all. Here the
    question is answered from one ``ldconfig -p`` listing instead (what find_library
    consults first). If WeasyPrint cannot be imported that way, it is imported again
    with the standard search, so nothing fails here that would not fail anyway."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return
    import ctypes.util

    standard = ctypes.util.find_library
    ctypes.util.find_library = _library_finder(_ldconfig_listing(), standard)
    try:
        import weasyprint
    except (ImportError, OSError):
        for name in [name for name in sys.modules if name.partition(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = standard
    import weasyprint  # noqa: F401


def _ldconfig_listing() -> str | None:
    """The dynamic linker's cache as ``ldconfig -p`` lists it (``None`` if it cannot)."""
    import subprocess

    for command in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            done = subprocess.run(
                [command, "-p"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return done.stdout
    return None


def _library_finder(listing: str | None, standard: Any) -> Any:
    """``find_library`` answered from ``listing``: the file name of ``lib<name>.so…``
    as the cache lists it, or ``None``. Without a listing, the standard search."""
    if listing is None:
        return standard

    def find_library(name: str) -> str | None:
        found = re.search(rf"^\s+(lib{re.escape(name)}\.so[^\s]*)\s", listing, re.M)
        return found.group(1) if found else None

    return find_library


@cache
def _trimmed_page() -> Any:
    """WeasyPrint's ``HTML`` laid out with :func:`_user_agent`'s stylesheet (or ``HTML``
    itself where that cannot be made)."""
    from weasyprint import HTML

    sheet = _user_agent()
    if sheet is None:
        return HTML

    class TrimmedHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
            return [sheet]

    return TrimmedHTML


@cache
def _user_agent() -> CSS | None:
    """WeasyPrint's user-agent stylesheet without the rules that style a pseudo-element of
    every element (:data:`_EVERY_MARKER`, :data:`_EVERY_NOTE`): a fifth of a long table's
    layout time.

    ``None`` if this WeasyPrint keeps its sheet elsewhere or no longer has those rules: a
    newer version is then only slower, never wrong."""
    from weasyprint import CSS, HTML
    from weasyprint import html as weasy_html
    from weasyprint.css.counters import CounterStyle

    text = getattr(weasy_html, "UA", None)
    if not isinstance(text, str) or not hasattr(HTML, "_ua_stylesheets"):
        return None
    trimmed, markers = _EVERY_MARKER.subn("li::marker", text)
    trimmed, notes = _EVERY_NOTE.subn("", trimmed)
    if not markers or not notes:
        return None
    # Its @counter-style rules define the counters again, in a set of their own (the page
    # is laid out with WeasyPrint's, which already has them).
    return CSS(string=trimmed, counter_style=CounterStyle())
