"""A PDF page's characters and drawings read through pdfium (pypdfium2), as pdfplumber would
have them: the same keys, in the same coordinates, so that what :mod:`juesuan.audit.reading.pdf`
does with pdfplumber's objects (tables, lines of text) it does with these, to the same result.

pdfminer interprets a page's content in Python (about 30 ms a page of a report); pdfium does it
in C (1–3 ms). pdfminer still opens the document and enumerates its pages, so that what is read,
what is refused and every message stay as they were; pdfium reads the pages it can read the way
pdfminer would, each page the one pdfminer enumerated (pdfium's own walk of the page tree is
retraced: where a damaged tree would make it open another page, the page is not given to it).
A page it cannot read so is :class:`Unsuitable` (read by pdfminer, as before, no note); a page or
document it fails on is :class:`EngineFailed` (read by pdfminer, with a note).

Characters. pdfium's text page gives each character's text, origin, font size, text matrix and
advance (the "loose" box, unless the glyph's ink reaches beyond it: then the font's width); the
box is then made as pdfminer makes it: from the origin, the advance and the font's descent, one
font size high, through the text matrix and the page's rotation. pdfium drops a text object whose glyphs have no extent (a space alone, as word
processors write it): one space is put in its place, as pdfminer would read it; a glyph of a font
pdfium could not load is also without extent, so a page with such an object in such a font
is Unsuitable. pdfium numbers the characters it adds (spaces, line breaks) as "generated":
they are left out. A hyphen it takes for a line-end hyphen (code 2) is read back as "-"; a
character without a Unicode mapping reads ``(cid:N)``, as in pdfminer.

Drawings. Paths are cut into subpaths and each is a line, a rectangle or a curve by pdfminer's
rules, with its fill and stroke and their colours (as RGB from pdfium: a colour is white when it
shows white, whatever its colour space).

Bounds. pdfium inflates what it reads without limits, so it is given nothing that could go over
the bounds on a PDF: before a page is read, every stream pdfium would decode for it (the page's
and its forms' contents, counted by the caller against MAX_PDF_PAGE_CONTENT and MAX_PDF_CONTENT
as pdfminer's interpreter counts them; fonts, character maps, colour profiles and functions of its
resources; the document's cross-reference and object streams) is decoded here first, within
MAX_PDF_STREAM each and MAX_PDF_INFLATED in all. A page using a stream that would not fit, a
stream coded some other way than Flate, a Type 3 font, vertical writing, an inline image with a
filter, ActualText, or anything pdfium and pdfminer might read differently is Unsuitable.

pdfium is not thread-safe: every call into it is made holding :data:`LOCK`.
"""

from __future__ import annotations

import ctypes
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from juesuan.audit.reading import bounds

LOCK = threading.RLock()

Matrix = tuple[float, float, float, float, float, float]
PdfObject = dict[str, Any]


class Unsuitable(Exception):
    """A page (or document) pdfium is not used for; pdfminer reads it, as it always has."""


class EngineFailed(Exception):
    """pdfium failed on a page or on the document: pdfminer reads it, and a note says so."""


class ContentCounter(Protocol):
    """What the caller counts a page's content streams against (MAX_PDF_PAGE_CONTENT and
    MAX_PDF_CONTENT): ``cap()`` bytes may still be decoded; ``add(size)`` counts a stream and
    raises when a bound is exceeded."""

    def cap(self) -> int: ...

    def add(self, size: int) -> None: ...


# --- pdfminer's view of the bytes: what pdfium will decode, decoded first -----------------------


def decoded(stream: Any, cap: int) -> bytes:
    """``stream`` decoded as pdfminer's interpreter would see it, at most ``cap + 1`` bytes of
    a Flate stream (a bomb is never inflated whole); a damaged Flate stream gives what inflates
    before the damage. The same measure as pdfminer's page reader counts."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    if stream.data is not None or stream.rawdata is None or stream.decipher:
        return bytes(stream.get_data())
    filters = stream.get_filters()
    if not filters:
        return bytes(stream.rawdata)
    if len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE:
        return _inflate(stream.rawdata, cap)
    return bytes(stream.get_data())


def _inflate(raw: bytes, cap: int) -> bytes:
    inflate = zlib.decompressobj()
    try:  # at most cap + 1 bytes, never the whole of a bomb
        return inflate.decompress(raw, cap + 1)
    except zlib.error:  # damaged: what inflates before the damage, as pdfminer repairs it
        inflate, parts, size = zlib.decompressobj(), [], 0
        for start in range(0, len(raw), 1 << 16):
            try:
                part = inflate.decompress(raw[start:start + (1 << 16)], cap + 1 - size)
            except zlib.error:
                break
            parts.append(part)
            size += len(part)
            if size > cap or inflate.unconsumed_tail:
                break
        return b"".join(parts)


# A delimiter or white space ends a PDF token; a name token is "/" and regular characters.
_REGULAR = rb"[^\s/\[\]()<>{}%]"
_NAME = re.compile(rb"/(" + _REGULAR + rb"*)")
# An inline image: BI, its dictionary, ID. With a filter, pdfium decodes it to find its end.
_INLINE_IMAGE = re.compile(rb"(?<!" + _REGULAR + rb")BI(?!" + _REGULAR + rb")")
_INLINE_DATA = re.compile(rb"(?<!" + _REGULAR + rb")ID(?!" + _REGULAR + rb")")
_INLINE_FILTER = re.compile(rb"/F(?:ilter)?(?!" + _REGULAR + rb")")
# Forms inside forms: deeper than this, the page is left to pdfminer.
_MAX_FORM_DEPTH = 24


def count_contents(page_obj: Any, counter: ContentCounter) -> None:
    """Count the page's content streams, then each form XObject's content every time the
    content names the form (pdfium runs it on every ``Do``), against ``counter``, in the
    order pdfminer's interpreter counts them. Unsuitable: an inline image with a filter, a
    name written with ``#`` escapes, forms nested too deep."""
    from pdfminer.pdftypes import resolve1

    datas = []
    for obj in _list(page_obj.contents):
        data = decoded_or_none(obj, counter.cap())
        if data is None:
            continue
        counter.add(len(data))
        datas.append(data)
    _scan(b" ".join(datas), resolve1(page_obj.resources), counter, 0)


def decoded_or_none(obj: Any, cap: int) -> bytes | None:
    from pdfminer.pdftypes import PDFStream, resolve1

    stream = resolve1(obj)
    return decoded(stream, max(cap, 0)) if isinstance(stream, PDFStream) else None


def _scan(content: bytes, resources: Any, counter: ContentCounter, depth: int) -> None:
    from pdfminer.pdftypes import resolve1

    # (the pattern starts with a look-behind, which keeps the engine from searching for "BI"
    # itself: most pages have none, and a plain search says so at memory speed)
    for found in _INLINE_IMAGE.finditer(content) if b"BI" in content else ():
        end = _INLINE_DATA.search(content, found.end())
        if _INLINE_FILTER.search(content, found.end(), end.start() if end else len(content)):
            raise Unsuitable("inline image with a filter")
    forms = _forms(resources)
    if not forms:
        return
    if depth >= _MAX_FORM_DEPTH:
        raise Unsuitable("forms nested too deep")
    for found in _NAME.finditer(content):
        name = found.group(1)
        if b"#" in name:
            raise Unsuitable("escaped name")
        form = forms.get(name)
        if form is None:
            continue
        data = decoded(form, max(counter.cap(), 0))
        counter.add(len(data))
        inner = resolve1(form.get("Resources"))
        _scan(data, inner if isinstance(inner, dict) else resources, counter, depth + 1)


def _forms(resources: Any) -> dict[bytes, Any]:
    """The form XObjects of ``resources`` by name."""
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import PSLiteral

    if not isinstance(resources, dict):
        return {}
    xobjects = resolve1(resources.get("XObject"))
    if not isinstance(xobjects, dict):
        return {}
    forms = {}
    for name, ref in xobjects.items():
        xobject = resolve1(ref)
        if isinstance(xobject, PDFStream):
            subtype = resolve1(xobject.get("Subtype"))
            if isinstance(subtype, PSLiteral) and subtype.name == "Form":
                if not (isinstance(name, str) and name.isascii()):
                    raise Unsuitable("a form named otherwise than in ASCII")  # may not be found in the content
                forms[name.encode("ascii")] = xobject
    return forms


def _list(value: Any) -> list[Any]:
    from pdfminer.pdftypes import resolve1

    value = resolve1(value)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# Keys not followed when looking for the streams of a page's resources: back to the page
# tree or a page, or to what pdfium does not read for a page's text.
_NOT_FOLLOWED = {"Parent", "P", "Annots", "Metadata", "StructParents", "PieceInfo", "Thumb"}
# Objects of a page's resources looked at, at most (each once a document).
_MAX_RESOURCE_OBJECTS = 50_000
# Objects listed in the cross-reference, at most, for pdfium to be used at all.
_MAX_XREF_OBJECTS = 1_000_000


@dataclass
class Inflation:
    """What pdfium may inflate for one document: each stream once (pdfium keeps fonts and the
    like for the document), within MAX_PDF_STREAM each and MAX_PDF_INFLATED in all."""

    left: int = field(default_factory=lambda: bounds.MAX_PDF_INFLATED)
    seen: set[int] = field(default_factory=set)  # objects looked at for pages given to pdfium
    refused: set[int] = field(default_factory=set)  # objects that keep a page from pdfium
    measured: set[int] = field(default_factory=set)  # streams counted against the bounds
    looked_at: int = 0

    def measure(self, stream: Any, zlib_refused: Callable[[], int]) -> None:
        from pdfminer.pdftypes import LITERALS_FLATE_DECODE

        cap = max(min(bounds.MAX_PDF_STREAM, self.left), 0)
        if stream.rawdata is None or stream.data is not None:
            size = len(stream.data or b"")
        elif stream.decipher:  # encrypted: pdfminer decrypts and inflates it, bounded
            before = zlib_refused()
            size = len(stream.get_data())
            if zlib_refused() != before:
                raise Unsuitable("a stream over the bounds")
        else:
            filters = stream.get_filters()
            if not filters:
                return  # nothing to inflate
            if len(filters) != 1 or filters[0][0] not in LITERALS_FLATE_DECODE:
                raise Unsuitable("a stream coded other than with Flate")
            size = len(_inflate(stream.rawdata, cap))
        if size > cap:
            raise Unsuitable("a stream over the bounds")
        self.left -= size


def check_document(doc: Any, inflation: Inflation, zlib_refused: Callable[[], int]) -> None:
    """Unsuitable unless pdfminer read the cross-reference as written (not rebuilt by
    scanning the file: pdfium might then find other objects) and every object stream it lists
    fits the bounds (pdfium inflates those it needs)."""
    from pdfminer.pdfdocument import PDFXRefFallback, PDFXRefStream
    from pdfminer.pdftypes import PDFStream

    streams: set[int] = set()
    listed = 0
    for xref in doc.xrefs:
        if isinstance(xref, PDFXRefFallback):
            raise Unsuitable("cross-reference rebuilt")
        if isinstance(xref, PDFXRefStream):
            listed += sum(count for _, count in xref.ranges)
            if listed > _MAX_XREF_OBJECTS:
                raise Unsuitable("too many objects")
            streams.update(_object_streams(xref))
    for objid in sorted(streams):
        if objid in inflation.measured:
            continue
        stream = doc.getobj(objid)
        if not isinstance(stream, PDFStream):
            raise Unsuitable("object stream missing")
        inflation.measure(stream, zlib_refused)
        inflation.measured.add(objid)


def _object_streams(xref: Any) -> set[int]:
    """The object streams a cross-reference stream lists objects in (type 2 entries)."""
    data, fl1, fl2, width = xref.data, xref.fl1, xref.fl2, xref.entlen
    if not data or not width:
        return set()
    found = set()
    for offset in range(0, len(data) - width + 1, width):
        kind = int.from_bytes(data[offset:offset + fl1], "big") if fl1 else 1
        if kind == 2:
            found.add(int.from_bytes(data[offset + fl1:offset + fl1 + fl2], "big"))
    return found


def check_resources(resources: Any, inflation: Inflation, zlib_refused: Callable[[], int]) -> None:
    """Measure every stream pdfium may decode for a page with these resources (fonts, their
    character maps, colour profiles, functions; not images, which it does not decode for
    text, nor form contents, which are counted as content), each once a document.
    Unsuitable: a Type 3 font (pdfium runs its glyphs), vertical writing or an embedded
    character map (pdfminer places such glyphs otherwise), too many objects."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream
    from pdfminer.psparser import PSLiteral

    pending: list[Any] = [resources]
    looked_at: set[int] = set()  # seen once the whole page passes: another page meets the same
    while pending:
        obj = pending.pop()
        objid = None
        if isinstance(obj, PDFObjRef):
            objid = obj.objid
            if objid in inflation.refused:
                raise Unsuitable("an object that kept a page from pdfium before")
            if objid in inflation.seen or objid in looked_at:
                continue
            looked_at.add(objid)
            inflation.looked_at += 1
            if inflation.looked_at > _MAX_RESOURCE_OBJECTS:
                raise Unsuitable("too many resource objects")
            obj = obj.resolve()
        try:
            if isinstance(obj, PDFStream):
                subtype = obj.get("Subtype")
                if isinstance(subtype, PSLiteral) and subtype.name == "Image":
                    continue
                if not (isinstance(subtype, PSLiteral) and subtype.name == "Form") and objid not in inflation.measured:
                    inflation.measure(obj, zlib_refused)
                    if objid is not None:
                        inflation.measured.add(objid)
                obj = obj.attrs
            if isinstance(obj, dict):
                _check_font(obj)
        except Unsuitable:
            if objid is not None:
                inflation.refused.add(objid)
            raise
        if isinstance(obj, dict):
            pending.extend(value for key, value in obj.items() if key not in _NOT_FOLLOWED)
        elif isinstance(obj, list):
            pending.extend(obj)
    inflation.seen |= looked_at


_FONT_TYPES = {"Type0", "Type1", "MMType1", "TrueType", "Type3", "CIDFontType0", "CIDFontType2"}


def _check_font(spec: dict[str, Any]) -> None:
    """Unsuitable: a Type 3 font, or a font written vertically (an -V encoding, or an embedded
    character map, which may be)."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream
    from pdfminer.psparser import PSLiteral

    subtype = spec.get("Subtype")
    if not (isinstance(subtype, PSLiteral) and subtype.name in _FONT_TYPES):
        return
    if subtype.name == "Type3":
        raise Unsuitable("Type 3 font")
    encoding = spec.get("Encoding")
    if isinstance(encoding, PDFObjRef):
        encoding = encoding.resolve()
    if isinstance(encoding, PDFStream):
        raise Unsuitable("embedded character map")
    if isinstance(encoding, PSLiteral) and str(encoding.name).endswith("-V"):
        raise Unsuitable("vertical writing")


# --- pdfium ---------------------------------------------------------------------------------


def open_document(data: bytes) -> Any:
    """A pypdfium2 document of ``data`` (to be closed); EngineFailed if pdfium cannot open it."""
    import pypdfium2  # type: ignore[import-untyped]

    with LOCK:
        try:
            return pypdfium2.PdfDocument(data)
        except Exception as exc:  # pypdfium2.PdfiumError, or anything else pdfium does
            raise EngineFailed(f"{type(exc).__name__}: {str(exc)[:100]}") from None


class _Api:
    """The pdfium functions read for every character and drawing, taking and giving handles
    as plain addresses: pypdfium2's typed pointers cost a conversion (and ``ctypes.cast`` to
    compare them) on each of some thousand calls a page. Same functions, same calling
    convention (a copy of pypdfium2's function pointer), other argument types."""

    def __init__(self) -> None:
        import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

        self.raw = pdfium_c
        handle, number, unsigned = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint
        floats, doubles = ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_double)
        uints, ints = ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_int)
        matrix, rect = ctypes.POINTER(pdfium_c.FS_MATRIX), ctypes.POINTER(pdfium_c.FS_RECTF)

        def use(name: str, restype: Any, *argtypes: Any) -> Any:
            original = getattr(pdfium_c, name)
            copy = type(original).from_address(ctypes.addressof(original))
            copy.restype, copy.argtypes = restype, argtypes
            return copy

        self.count_chars = use("FPDFText_CountChars", number, handle)
        self.unicode = use("FPDFText_GetUnicode", unsigned, handle, number)
        self.generated = use("FPDFText_IsGenerated", number, handle, number)
        self.hyphen = use("FPDFText_IsHyphen", number, handle, number)
        self.map_error = use("FPDFText_HasUnicodeMapError", number, handle, number)
        self.text_object = use("FPDFText_GetTextObject", handle, handle, number)
        self.origin = use("FPDFText_GetCharOrigin", number, handle, number, doubles, doubles)
        self.loose_box = use("FPDFText_GetLooseCharBox", number, handle, number, rect)
        self.char_box = use("FPDFText_GetCharBox", number, handle, number, doubles, doubles, doubles, doubles)
        self.char_matrix = use("FPDFText_GetMatrix", number, handle, number, matrix)
        self.char_font_size = use("FPDFText_GetFontSize", ctypes.c_double, handle, number)
        self.font = use("FPDFTextObj_GetFont", handle, handle)
        self.font_size = use("FPDFTextObj_GetFontSize", number, handle, floats)
        self.base_font_name = use("FPDFFont_GetBaseFontName", ctypes.c_size_t, handle, ctypes.c_char_p,
                                  ctypes.c_size_t)
        self.ascent = use("FPDFFont_GetAscent", number, handle, ctypes.c_float, floats)
        self.descent = use("FPDFFont_GetDescent", number, handle, ctypes.c_float, floats)
        self.embedded = use("FPDFFont_GetIsEmbedded", number, handle)
        self.glyph_width = use("FPDFFont_GetGlyphWidth", number, handle, ctypes.c_uint32, ctypes.c_float, floats)
        self.count_objects = use("FPDFPage_CountObjects", number, handle)
        self.page_object = use("FPDFPage_GetObject", handle, handle, number)
        self.count_form_objects = use("FPDFFormObj_CountObjects", number, handle)
        self.form_object = use("FPDFFormObj_GetObject", handle, handle, ctypes.c_ulong)
        self.type = use("FPDFPageObj_GetType", number, handle)
        self.matrix = use("FPDFPageObj_GetMatrix", number, handle, matrix)
        self.bounds = use("FPDFPageObj_GetBounds", number, handle, floats, floats, floats, floats)
        self.count_marks = use("FPDFPageObj_CountMarks", number, handle)
        self.mark = use("FPDFPageObj_GetMark", handle, handle, ctypes.c_ulong)
        self.mark_value_type = use("FPDFPageObjMark_GetParamValueType", number, handle, ctypes.c_char_p)
        self.fill_colour = use("FPDFPageObj_GetFillColor", number, handle, uints, uints, uints, uints)
        self.stroke_colour = use("FPDFPageObj_GetStrokeColor", number, handle, uints, uints, uints, uints)
        self.draw_mode = use("FPDFPath_GetDrawMode", number, handle, ints, ints)
        self.count_segments = use("FPDFPath_CountSegments", number, handle)
        self.segment = use("FPDFPath_GetPathSegment", handle, handle, number)
        self.segment_type = use("FPDFPathSegment_GetType", number, handle)
        self.segment_point = use("FPDFPathSegment_GetPoint", number, handle, floats, floats)
        self.segment_close = use("FPDFPathSegment_GetClose", number, handle)
        self.media_box = use("FPDFPage_GetMediaBox", number, handle, floats, floats, floats, floats)
        self.rotation = use("FPDFPage_GetRotation", number, handle)


_API: _Api | None = None


def _api() -> _Api:
    global _API
    if _API is None:
        _API = _Api()
    return _API


def page_ctm(mediabox: Any, rotate: int) -> Matrix:
    """pdfminer's device matrix for a page: its MediaBox's corner to the origin, and the page
    turned by /Rotate (pdfminer.pdfinterp.PDFPageInterpreter.process_page)."""
    x0, y0, x1, y1 = (float(v) for v in mediabox)
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _mult(m1: Matrix, m0: Matrix) -> Matrix:
    """pdfminer.utils.mult_matrix: ``m1`` then ``m0``."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


@dataclass
class Place:
    """Where a page's objects go: pdfminer's device matrix for the page, then pdfplumber's
    flip to a top-left origin (``height``, the MediaBox's corner ``x0``, ``top``) and the
    page's offset in the document (``doctop``)."""

    ctm: Matrix
    height: float
    x0: float
    top: float
    doctop: float


@dataclass
class _Font:
    name: str
    descent: float  # per unit of font size, negative, as pdfminer takes it
    healthy: bool  # embedded and loaded by pdfium: a glyph without extent is a space
    metrics: bool  # ascent and descent differ: pdfium's loose box is the advance
    handle: int


@dataclass
class PageObjects:
    """A page's objects as pdfplumber's ``Page.objects`` has them, and how many objects
    pdfminer's interpreter would have made for it (characters, paths painted, images)."""

    objects: dict[str, list[PdfObject]]
    made: int


class Reader:
    """One document open in pdfium (``close()`` it), read a page at a time."""

    def __init__(self, document: Any, zlib_refused: Callable[[], int], inflation: Inflation,
                 doc: Any = None) -> None:
        self.document = document
        # pdfminer's document: which page pdfium opens for an index (its own walk of the tree)
        self._leaves = _page_tree_leaves(doc) if doc is not None else None
        self._leaf_ids: list[int | None] = []
        self.zlib_refused = zlib_refused
        self.inflation = inflation
        # A page's fonts by pdfium's handle, and their widths by (handle, Unicode value): for
        # one page at a time (pdfium may free a font with the page, and reuse its address).
        self.fonts: dict[int, _Font] = {}
        self.widths: dict[tuple[int, int], float] = {}
        with LOCK:
            self.api = _api()
            self.count = len(document)

    def close(self) -> None:
        with LOCK:
            self.document.close()

    def check_page(self, page_obj: Any) -> None:
        """Unsuitable if the page's resources hold anything pdfium should not be given."""
        check_resources(page_obj.attrs.get("Resources"), self.inflation, self.zlib_refused)

    def check_index(self, index: int, page_obj: Any) -> None:
        """Unsuitable unless pdfium opens pdfminer's page ``page_obj`` at ``index`` (0-based)."""
        if index >= self.count:
            raise Unsuitable("page not in pdfium's page tree")
        if self._leaves is not None:
            while len(self._leaf_ids) <= index:
                leaf = next(self._leaves, False)
                if leaf is False:
                    raise Unsuitable("page not in pdfium's page tree")
                self._leaf_ids.append(leaf if isinstance(leaf, int) else None)
            if self._leaf_ids[index] != page_obj.pageid:
                raise Unsuitable("pdfium opens another page at this index")

    def page_objects(self, index: int, page_obj: Any, place: Place, max_objects: int) -> PageObjects:
        """The objects of page ``index`` (0-based) as pdfplumber has them; Unsuitable if pdfium
        sees another page there or reads it otherwise than pdfminer would. Over ``max_objects``
        objects, no objects and a count over it (the page is not read)."""
        raw = self.api.raw
        self.check_index(index, page_obj)
        over = PageObjects({}, max_objects + 1)
        self.fonts.clear()
        self.widths.clear()
        with LOCK:
            page = raw.FPDF_LoadPage(self.document.raw, index)
            if not page:
                raise EngineFailed(f"FPDF_LoadPage 失败（错误码 {raw.FPDF_GetLastError()}）")
            try:
                address = ctypes.cast(page, ctypes.c_void_p).value
                _same_page(self.api, address, page_obj)
                shapes = _Shapes(self.api, place)
                texts = _walk(self.api, address, shapes, max_objects)
                if shapes.made > max_objects:
                    return over
                textpage = raw.FPDFText_LoadPage(page)
                if not textpage:
                    raise EngineFailed("FPDFText_LoadPage 失败")
                try:
                    chars = self._chars(ctypes.cast(textpage, ctypes.c_void_p).value, place,
                                        max_objects - shapes.made)
                finally:
                    raw.FPDFText_ClosePage(textpage)
                if chars is None or shapes.made + len(chars) + len(texts) > max_objects:
                    return over
                chars.extend(self._spaces(texts, place))
            finally:
                raw.FPDF_ClosePage(page)
        objects: dict[str, list[PdfObject]] = {}
        for kind, found in (("char", chars), ("rect", shapes.rects), ("line", shapes.lines),
                            ("curve", shapes.curves), ("image", shapes.images)):
            if found:
                objects[kind] = found
        return PageObjects(objects, len(chars) + shapes.made)

    def _font(self, handle: int) -> _Font:
        font = self.fonts.get(handle)
        if font is None:
            api = self.api
            buffer = ctypes.create_string_buffer(256)
            length = api.base_font_name(handle, buffer, 256)
            name = buffer.raw[:max(min(length, 256) - 1, 0)].decode("latin-1")
            ascent, descent = ctypes.c_float(), ctypes.c_float()
            if not (api.ascent(handle, 1000.0, ctypes.byref(ascent))
                    and api.descent(handle, 1000.0, ctypes.byref(descent))):
                raise Unsuitable("font metrics")
            standard = _standard_descent(name)
            down = standard if standard is not None else float(descent.value)
            font = self.fonts[handle] = _Font(
                name=name, descent=-abs(down) / 1000, healthy=api.embedded(handle) == 1,
                metrics=ascent.value != descent.value, handle=handle)
        return font

    def _chars(self, textpage: int | None, place: Place, max_chars: int) -> list[PdfObject] | None:
        """The characters pdfium read (not those it made up), boxed as pdfminer boxes them;
        None if there are more than ``max_chars``."""
        api = self.api
        count = api.count_chars(textpage)
        chars: list[PdfObject] = []
        if count <= 0:
            return chars
        unicode_of, generated, object_of = api.unicode, api.generated, api.text_object
        origin_of, loose_box, map_error = api.origin, api.loose_box, api.map_error
        ox, oy = ctypes.c_double(), ctypes.c_double()
        box = api.raw.FS_RECTF()
        matrix = api.raw.FS_MATRIX()
        p_ox, p_oy, p_box, p_matrix = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(box), ctypes.byref(matrix)
        ink_right, unused = ctypes.c_double(), ctypes.c_double()
        p_ink, p_unused = ctypes.byref(ink_right), ctypes.byref(unused)
        char_box = api.char_box
        pa, pb, pc, pd, pe, pf = place.ctm
        last: int | None = None
        state: tuple[Any, ...] = ()
        append = chars.append
        for i in range(count):
            code = unicode_of(textpage, i)
            if code in (0x20, 0x0D, 0x0A) and generated(textpage, i):
                continue  # pdfium makes up spaces and line breaks, and no other character
            if len(chars) >= max_chars:
                return None
            text_object = object_of(textpage, i)
            if text_object != last:
                last = text_object
                api.char_matrix(textpage, i, p_matrix)
                size = api.char_font_size(textpage, i)
                font = self._font(api.font(text_object))
                ma, mb, mc, md = matrix.a, matrix.b, matrix.c, matrix.d
                la, lb, lc, ld = ma * pa + mb * pc, ma * pb + mb * pd, mc * pa + md * pc, mc * pb + md * pd
                state = (size, font, font.descent * size, ma, la, lb, lc, ld,
                         la * ld > 0 and lb * lc <= 0, ma > 0 and font.metrics)
            size, font, descent, ma, la, lb, lc, ld, upright, by_box = state
            if code == 2 and api.hyphen(textpage, i):
                text = "-"  # pdfium's mark for a hyphen at the end of a line
            elif code == 0 or map_error(textpage, i):
                text = f"(cid:{code})"
            else:
                text = chr(code) if code < 0x110000 else "\ufffd"
            origin_of(textpage, i, p_ox, p_oy)
            x, y = ox.value, oy.value
            # pdfium's loose box ends at the advance, or at the glyph's ink where that reaches
            # further (its tight box ends there too): then the advance is the font's width
            if by_box:
                loose_box(textpage, i, p_box)
                char_box(textpage, i, p_unused, p_ink, p_unused, p_unused)
                if abs(box.right - ink_right.value) > 1e-3:
                    advance = (box.right - x) / ma
                else:
                    advance = self._width(font, code) * size
            else:
                advance = self._width(font, code) * size
            append(_char(place, text, font.name, upright, (la, lb, lc, ld, pa * x + pc * y + pe, pb * x + pd * y + pf),
                         advance, descent, size))
        return chars

    def _width(self, font: _Font, code: int) -> float:
        """The advance of the glyph of ``code`` (a Unicode value) per unit of font size, from
        the font's widths (pdfium finds the glyph from the Unicode value); Unsuitable if pdfium
        cannot say."""
        key = (font.handle, code)
        width = self.widths.get(key)
        if width is None:
            found = ctypes.c_float()
            if code <= 0 or not self.api.glyph_width(font.handle, code, 1000.0, ctypes.byref(found)):
                raise Unsuitable("glyph width")
            width = self.widths[key] = float(found.value) / 1000
        return width

    def _spaces(self, texts: list[tuple[int, Matrix]], place: Place) -> list[PdfObject]:
        """A space for each text object pdfium left out for having no extent (a space alone);
        Unsuitable if such an object's font is not one pdfium loaded (the glyph may be any)."""
        api = self.api
        spaces = []
        size_of = ctypes.c_float()
        matrix = api.raw.FS_MATRIX()
        for text_object, form in texts:
            font = self._font(api.font(text_object))
            if not font.healthy:
                raise Unsuitable("glyph without extent in a font pdfium did not load")
            if not api.font_size(text_object, ctypes.byref(size_of)):
                raise Unsuitable("font size")
            api.matrix(text_object, ctypes.byref(matrix))
            size = float(size_of.value)
            la, lb, lc, ld, ex, ey = _mult(_mult((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f),
                                                 form), place.ctm)
            spaces.append(_char(place, " ", font.name, la * ld > 0 and lb * lc <= 0, (la, lb, lc, ld, ex, ey),
                                self._width(font, 0x20) * size, font.descent * size, size))
        return spaces




def _char(place: Place, text: str, fontname: str, upright: bool, matrix: Matrix, advance: float,
          descent: float, size: float) -> PdfObject:
    """A character as pdfplumber has it: pdfminer's box (from the origin, ``advance`` along
    and from ``descent`` to ``descent + size`` across, through ``matrix``, the text matrix
    already through the page's) in top-left page coordinates."""
    la, lb, lc, ld, ex, ey = matrix
    x0, y0 = lc * descent + ex, ld * descent + ey
    x1, y1 = la * advance + lc * (descent + size) + ex, lb * advance + ld * (descent + size) + ey
    if x1 < x0:
        x0, x1 = x1, x0
    if y1 < y0:
        y0, y1 = y1, y0
    top = place.height - y1 + place.top
    return {"object_type": "char", "text": text, "x0": x0 + place.x0, "x1": x1 + place.x0,
            "top": top, "bottom": place.height - y0 + place.top, "doctop": place.doctop + top,
            "size": y1 - y0, "upright": upright, "fontname": fontname}


def _standard_descent(name: str) -> float | None:
    """pdfminer's descent for a font named as one of its built-in metrics (the standard 14
    and their Windows names): pdfminer takes those metrics whatever the PDF says."""
    from pdfminer.fontmetrics import FONT_METRICS

    metrics = FONT_METRICS.get(name)
    if metrics is None:
        return None
    descent = metrics[0].get("Descent", 0)
    return float(descent) if isinstance(descent, (int, float)) else 0.0


# pdfium walks a page tree at most this deep.
_MAX_PAGE_LEVEL = 1024


def _page_tree_leaves(doc: Any) -> Iterator[int | None]:
    """The object numbers of the pages in the order pdfium numbers them
    (CPDF_Document::TraversePDFPages): depth first, a node with /Kids a page tree node and
    one without a page, whatever their /Type; a kid that is no dictionary takes a number
    (None), a node listing itself is passed over. pdfminer's walk differs on a damaged tree
    (it goes by /Type, skips what is neither, stops at a missing object): a page is given to
    pdfium only where the two agree."""
    from pdfminer.pdftypes import PDFObjRef

    def objid(ref: Any) -> int | None:
        return ref.objid if isinstance(ref, PDFObjRef) else None

    root_ref = doc.catalog.get("Pages")
    root = root_ref.resolve() if isinstance(root_ref, PDFObjRef) else root_ref
    if not isinstance(root, dict):
        return
    if "Kids" not in root:
        yield objid(root_ref)
        return
    stack: list[tuple[int | None, Iterator[Any]]] = [(objid(root_ref), iter(_kids(root)))]
    while stack:
        node_id, kids = stack[-1]
        ref = next(kids, None)
        if ref is None:
            stack.pop()
            continue
        kid = ref.resolve() if isinstance(ref, PDFObjRef) else ref
        if not isinstance(kid, dict):
            yield None
            continue
        if objid(ref) is not None and objid(ref) == node_id:
            continue
        if "Kids" not in kid:
            yield objid(ref)
        elif len(stack) < _MAX_PAGE_LEVEL:
            stack.append((objid(ref), iter(_kids(kid))))
        else:
            return


def _kids(node: dict[str, Any]) -> list[Any]:
    from pdfminer.pdftypes import PDFObjRef

    kids = node.get("Kids")
    if isinstance(kids, PDFObjRef):
        kids = kids.resolve()
    return list(kids) if isinstance(kids, list) else []


def _same_page(api: _Api, page: int | None, page_obj: Any) -> None:
    """Unsuitable unless pdfium's page has pdfminer's MediaBox and rotation (a damaged page
    tree may be walked otherwise)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if api.media_box(page, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)):
        theirs = (min(left.value, right.value), min(bottom.value, top.value),
                  max(left.value, right.value), max(bottom.value, top.value))
        x0, y0, x1, y1 = (float(v) for v in page_obj.mediabox)
        ours = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        if any(abs(a - b) > 0.01 for a, b in zip(theirs, ours, strict=True)):
            raise Unsuitable("another MediaBox")
    if api.rotation(page) * 90 != page_obj.rotate % 360:
        raise Unsuitable("another rotation")


# pdfium's path segment types.
_LINE, _BEZIER, _MOVE = 0, 1, 2
_WHITE_RGB = 252  # of 255: 0.99 of white, as pdfium rounds it


class _Shapes:
    """Paths and images of a page, as pdfplumber's rects, lines, curves and images."""

    def __init__(self, api: _Api, place: Place) -> None:
        self.api = api
        self.place = place
        self.rects: list[PdfObject] = []
        self.lines: list[PdfObject] = []
        self.curves: list[PdfObject] = []
        self.images: list[PdfObject] = []
        self.made = 0
        self._matrix = api.raw.FS_MATRIX()
        self._p_matrix = ctypes.byref(self._matrix)
        self._x, self._y = ctypes.c_float(), ctypes.c_float()
        self._p_x, self._p_y = ctypes.byref(self._x), ctypes.byref(self._y)
        self._rgba = [ctypes.c_uint() for _ in range(4)]
        self._p_rgba = [ctypes.byref(v) for v in self._rgba]
        self._fill, self._stroke = ctypes.c_int(), ctypes.c_int()
        self._p_fill, self._p_stroke = ctypes.byref(self._fill), ctypes.byref(self._stroke)
        self._colours: dict[tuple[int, int, int], tuple[float, ...]] = {}

    def image(self) -> None:
        self.made += 1
        self.images.append({"object_type": "image"})

    def path(self, path: int, form: Matrix) -> None:
        """A path object: its subpaths as pdfminer makes them objects. ``form``: the matrix of
        the forms it is in, times the page's."""
        api = self.api
        api.draw_mode(path, self._p_fill, self._p_stroke)
        fill, stroke = self._fill.value != 0, bool(self._stroke.value)
        if not (fill or stroke):
            return  # a path neither filled nor stroked is not painted (pdfminer never sees it)
        m = self._matrix
        api.matrix(path, self._p_matrix)
        a, b, c, d, e, f = _mult((m.a, m.b, m.c, m.d, m.e, m.f), form)
        x, y = self._x, self._y
        px, py = self._p_x, self._p_y
        segment_of, type_of, point_of, closes = api.segment, api.segment_type, api.segment_point, api.segment_close
        subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
        ops: list[str] = []
        points: list[tuple[float, float]] = []
        start = (0.0, 0.0)
        curve = 0
        for s in range(api.count_segments(path)):
            segment = segment_of(path, s)
            kind = type_of(segment)
            point_of(segment, px, py)
            u, v = x.value, y.value
            point = (a * u + c * v + e, b * u + d * v + f)
            if kind == _MOVE:
                ops, points, start, curve = ["m"], [point], point, 0
                subpaths.append((ops, points))
                continue
            if not ops:
                continue
            # pdfium closes a subpath (h) on a point back at its start, and nowhere else
            close = point == start and closes(segment)
            if kind == _BEZIER:
                curve += 1
                if curve % 3:
                    continue  # control points: pdfminer keeps a curve's end point only
                ops.append("c")
                points.append(point)
            elif close:
                ops.append("h")  # the segment back to the start is pdfium's h
                points.append(start)
                continue
            else:
                ops.append("l")
                points.append(point)
            if close:
                ops.append("h")
                points.append(start)
        self.made += 1 + (len(subpaths) if len(subpaths) > 1 else 0)
        if not subpaths:
            return
        shapes = ["".join(ops) for ops, _ in subpaths]
        fill_colour = self._colour(api.fill_colour, path) if fill else None
        # a line is visible by its stroke colour, stroked or not (test _visible in pdf.py)
        stroke_colour = (self._colour(api.stroke_colour, path)
                         if stroke or any(shape in ("ml", "mlh") or _drops_to_line(shape, pts)
                                          for shape, (_, pts) in zip(shapes, subpaths, strict=True))
                         else None)
        for shape, (_, points) in zip(shapes, subpaths, strict=True):
            self._subpath(shape, points, fill, stroke, fill_colour, stroke_colour)

    def _colour(self, get: Callable[..., int], path: int) -> tuple[float, ...] | None:
        """pdfium's colour (RGB, 0–255) as pdfplumber's colour components (0–1), a component
        at least 0.99 of white (252 of 255, as pdfium rounds it) read as white."""
        if not get(path, *self._p_rgba):
            return None
        key = (self._rgba[0].value, self._rgba[1].value, self._rgba[2].value)
        colour = self._colours.get(key)
        if colour is None:
            colour = self._colours[key] = tuple(1.0 if v >= _WHITE_RGB else v / 255 for v in key)
        return colour

    def _subpath(self, shape: str, points: list[tuple[float, float]], fill: bool, stroke: bool,
                 fill_colour: tuple[float, ...] | None, stroke_colour: tuple[float, ...] | None) -> None:
        """One subpath as pdfminer's PDFLayoutAnalyzer.paint_path makes it an object."""
        if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
            shape = shape[:-2] + "h"
            points = points[:-2] + points[-1:]
        if len(shape) < 2:
            return
        kind = "curve"
        corners = points
        if shape in ("mlh", "ml"):
            kind, corners = "line", points[:2]
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
            square = ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                      or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))
            if points[0] == points[4] and square:
                kind, corners = "rect", [(x0, y0), (x2, y2)]
        xs = [p[0] for p in corners]
        ys = [p[1] for p in corners]
        left, right, low, high = min(xs), max(xs), min(ys), max(ys)
        place = self.place
        top = place.height - high + place.top
        obj: PdfObject = {
            "object_type": kind, "x0": left + place.x0, "x1": right + place.x0, "y0": low, "y1": high,
            "top": top, "bottom": place.height - low + place.top, "doctop": place.doctop + top,
            "width": right - left, "height": high - low, "fill": fill, "stroke": stroke,
            "non_stroking_color": fill_colour, "stroking_color": stroke_colour,
        }
        if kind == "curve":
            obj["pts"] = [(px + place.x0, place.height - py + place.top) for px, py in points]
            self.curves.append(obj)
        elif kind == "rect":
            self.rects.append(obj)
        else:
            self.lines.append(obj)


def _drops_to_line(shape: str, points: list[tuple[float, float]]) -> bool:
    """Whether pdfminer reads ``shape`` as a line once it drops the redundant "l" of "lh"."""
    return shape == "mllh" and points[-2] == points[0]


# pdfium's page object types.
_TEXT, _PATH, _IMAGE, _FORM = 1, 2, 3, 5
_IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def _walk(api: _Api, page: int | None, shapes: _Shapes, max_objects: int) -> list[tuple[int, Matrix]]:
    """Paths and images into ``shapes``, forms entered; the text objects pdfium's text page
    leaves out for having no extent (with the matrix of the form they are in). Unsuitable:
    marked content with ActualText (pdfium reads that instead of the glyphs)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    matrix = api.raw.FS_MATRIX()
    type_of, bounds_of, count_marks = api.type, api.bounds, api.count_marks
    empty: list[tuple[int, Matrix]] = []
    ctm = shapes.place.ctm
    stack: list[tuple[Iterator[int], Matrix, int]] = [
        (_children(api.page_object, page, api.count_objects(page)), _IDENTITY, 0)]
    while stack:
        children, form, depth = stack[-1]
        obj = next(children, None)
        if obj is None:
            stack.pop()
            continue
        if shapes.made > max_objects:
            break
        kind = type_of(obj)
        if kind == _PATH:
            shapes.path(obj, _mult(form, ctm) if form is not _IDENTITY else ctm)
        elif kind == _TEXT:
            if count_marks(obj) > 0:
                _check_marks(api, obj)
            if bounds_of(obj, *refs) and abs(right.value - left.value) < 0.01:
                empty.append((obj, form))
        elif kind == _IMAGE:
            shapes.image()
        elif kind == _FORM:
            if depth >= _MAX_FORM_DEPTH:
                raise Unsuitable("forms nested too deep")
            api.matrix(obj, ctypes.byref(matrix))
            inner = _mult((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), form)
            stack.append((_children(api.form_object, obj, api.count_form_objects(obj)), inner, depth + 1))
    return empty


def _children(get: Callable[[int | None, int], int | None], holder: int | None, count: int) -> Iterator[int]:
    for k in range(max(count, 0)):
        obj = get(holder, k)
        if obj:
            yield obj


def _check_marks(api: _Api, obj: int) -> None:
    for k in range(max(api.count_marks(obj), 0)):
        mark = api.mark(obj, k)
        if mark and api.mark_value_type(mark, b"ActualText") != 0:
            raise Unsuitable("ActualText")
