"""pdfplumber's table finding and character de-duplication, step for step, on plain tuples.

pdfplumber copies a dictionary for every ruling it snaps, joins or turns into an edge, scans
every crossing for the crossings below and to the right of it, and tests every character of
the page against every row and cell of a table: a few milliseconds a page, as much as reading
the page itself. The functions here make the same computations in the same order (the same
floating-point operations on the same values, so the same results to the last bit) on
tuples, with what pdfplumber searches for looked up. The tests compare them with pdfplumber's
on the fixture PDFs and on random rulings (tests/audit/test_pdf_engine.py).

Only pdfplumber's default table settings are reproduced: rulings from lines, rectangles and
curves ("lines" strategies), snapped and joined within 3 points, at least 3 points long,
crossing within 3 points; cells' text by ``extract_text`` with its defaults. A page with a
coordinate that is not a finite number is left to pdfplumber itself (:func:`ruling_edges`
returns None).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any, Final

PdfObject = dict[str, Any]
# A ruling: x0, top, x1, bottom, width, height, orientation ("h" or "v"), as pdfplumber's
# edge dictionaries have them.
Edge = tuple[float, float, float, float, float, float, str]
Box = tuple[float, float, float, float]
Point = tuple[float, float]

X0: Final = 0
TOP: Final = 1
X1: Final = 2
BOTTOM: Final = 3
WIDTH: Final = 4
HEIGHT: Final = 5
ORIENTATION: Final = 6
# pdfplumber's TableSettings defaults.
_SNAP = 3
_JOIN = 3
_MIN_LENGTH = 3
_MIN_LENGTH_PREFILTER = 1
_INTERSECTION = 3


def clusters(objects: Sequence[Any], key: Callable[[Any], Any], tolerance: float) -> list[list[Any]]:
    """pdfplumber's ``cluster_objects(objects, key, tolerance)``: the distinct values sorted,
    a value within ``tolerance`` of the one before joining its cluster; the clusters in the
    order of their values, each with its objects in their order."""
    if not objects:
        return []
    values = sorted({key(obj) for obj in objects})
    cluster: dict[Any, int] = {}
    count = 0
    last = None
    for value in values:
        if last is not None and not value <= last + tolerance:
            count += 1
        cluster[value] = count
        last = value
    found: list[list[Any]] = [[] for _ in range(count + 1)]
    for obj in objects:
        found[cluster[key(obj)]].append(obj)
    return found


def dedupe(chars: Sequence[PdfObject]) -> list[PdfObject]:
    """pdfplumber's ``Page.dedupe_chars()`` (characters printed twice at one place, for bold):
    among characters alike (upright, text, font, size) within 1 point down then across, the
    first by position; the characters kept, in the page's order. Without its
    ``sorted(..., key=chars.index)``, which is quadratic in the characters."""
    key = itemgetter("upright", "text", "fontname", "size")
    doctop, x0, position = itemgetter("doctop"), itemgetter("x0"), itemgetter("doctop", "x0")
    groups: dict[Any, list[PdfObject]] = {}  # pdfplumber sorts by the key: the same groups, in order
    for char in chars:
        groups.setdefault(key(char), []).append(char)
    # a cluster of one keeps its character: only the others of a cluster of several are dropped
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) == 1:
            continue
        for y_cluster in clusters(group, doctop, 1):
            if len(y_cluster) == 1:
                continue
            if len(y_cluster) == 2:  # the common case (a digit twice on a line), as clusters() has it
                a, b = y_cluster
                low, high = sorted((x0(a), x0(b)))
                if high <= low + 1:
                    dropped.add(id(b) if min(a, b, key=position) is a else id(a))
                continue
            for x_cluster in clusters(y_cluster, x0, 1):
                if len(x_cluster) > 1:
                    first = min(x_cluster, key=position)
                    dropped.update(id(char) for char in x_cluster if char is not first)
    return [char for char in chars if id(char) not in dropped] if dropped else list(chars)


# --- rulings ---------------------------------------------------------------------------------


def ruling_edges(lines: Iterable[PdfObject], rects: Iterable[PdfObject],
                 curves: Iterable[PdfObject]) -> list[Edge] | None:
    """pdfplumber's ``TableFinder.get_edges()``: the edges of the lines, rectangles and curves
    given (pdfplumber's order: lines, then rectangles, then curves), at least 1 point long,
    snapped, joined, at least 3 points long. None if a coordinate is not a finite number."""
    edges: list[Edge] = []
    for line in lines:
        top, bottom = line["top"], line["bottom"]
        edges.append((line["x0"], top, line["x1"], bottom, line["width"], line["height"],
                      "h" if top == bottom else "v"))
    for rect in rects:  # rect_to_edges: top, bottom, left, right
        x0, top, x1, bottom, width, height = (rect["x0"], rect["top"], rect["x1"], rect["bottom"],
                                              rect["width"], rect["height"])
        edges.append((x0, top, x1, top, width, 0, "h"))
        edges.append((x0, top + height, x1, bottom, width, 0, "h"))
        edges.append((x0, top, x0, bottom, 0, height, "v"))
        edges.append((x1, top, x1, bottom, 0, height, "v"))
    for curve in curves:  # curve_to_edges: one between each two points
        points = curve["pts"]
        for (px, py), (qx, qy) in itertools.pairwise(points):
            orientation = "v" if px == qx else ("h" if py == qy else "")
            edges.append((min(px, qx), min(py, qy), max(px, qx), max(py, qy), abs(px - qx), abs(py - qy),
                          orientation))
    if not all(math.isfinite(value) for edge in edges for value in edge[:6]):
        return None
    vertical = [e for e in edges if e[ORIENTATION] == "v" and e[HEIGHT] >= _MIN_LENGTH_PREFILTER]
    horizontal = [e for e in edges if e[ORIENTATION] == "h" and e[WIDTH] >= _MIN_LENGTH_PREFILTER]
    snapped = _snap(vertical, X0) + _snap(horizontal, TOP)  # merge_edges: snap_edges, then join
    merged: list[Edge] = []
    for (orientation, _), group in itertools.groupby(sorted(snapped, key=_group), key=_group):
        merged.extend(_join(list(group), orientation))
    return [e for e in merged if (e[HEIGHT] if e[ORIENTATION] == "v" else e[WIDTH]) >= _MIN_LENGTH]


def _group(edge: Edge) -> tuple[str, float]:
    return (edge[ORIENTATION], edge[TOP] if edge[ORIENTATION] == "h" else edge[X0])


def _snap(edges: list[Edge], index: int) -> list[Edge]:
    """pdfplumber's ``snap_objects``: each cluster of ``edges`` (by x0 for vertical edges, top
    for horizontal ones) moved onto the cluster's mean, the other side with it."""
    snapped: list[Edge] = []
    for cluster in clusters(edges, itemgetter(index), _SNAP):
        mean = sum(e[index] for e in cluster) / len(cluster)
        for e in cluster:
            shift = mean - e[index]
            if index == X0:
                snapped.append((e[X0] + shift, e[TOP], e[X1] + shift, e[BOTTOM], e[WIDTH], e[HEIGHT], e[ORIENTATION]))
            else:
                snapped.append((e[X0], e[TOP] + shift, e[X1], e[BOTTOM] + shift, e[WIDTH], e[HEIGHT], e[ORIENTATION]))
    return snapped


def _join(edges: list[Edge], orientation: str) -> list[Edge]:
    """pdfplumber's ``join_edge_group``: edges on one line, in order along it, an edge that
    starts within 3 points of the end of the one before extending it."""
    def span(e: Edge) -> tuple[float, float]:
        return (e[X0], e[X1]) if orientation == "h" else (e[TOP], e[BOTTOM])

    ordered = sorted(edges, key=lambda e: span(e)[0])
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        start, end = span(e)
        if start <= span(last)[1] + _JOIN:
            if end > span(last)[1]:
                joined[-1] = _resize(last, X1 if orientation == "h" else BOTTOM, end)
        else:
            joined.append(e)
    return joined


def _resize(e: Edge, index: int, value: float) -> Edge:
    """pdfplumber's ``resize_object`` for x1 (the width with it) or bottom (the height)."""
    if index == X1:
        return (e[X0], e[TOP], value, e[BOTTOM], value - e[X0], e[HEIGHT], e[ORIENTATION])
    return (e[X0], e[TOP], e[X1], value, e[WIDTH], e[HEIGHT] + (value - e[BOTTOM]), e[ORIENTATION])


def edge_length(edge: Edge) -> float:
    if edge[ORIENTATION] == "h":
        return edge[X1] - edge[X0]
    return edge[BOTTOM] - edge[TOP]


# --- cells -----------------------------------------------------------------------------------

# A crossing of rulings: the boxes (x0, top, x1, bottom) of its vertical and horizontal edges.
Crossings = dict[Point, tuple[set[Box], set[Box]]]


def crossings(edges: Sequence[Edge]) -> Crossings:
    """pdfplumber's ``edges_to_intersections``: where a vertical and a horizontal edge cross,
    within 3 points; each crossing with the boxes of the edges through it."""
    vertical = sorted((e for e in edges if e[ORIENTATION] == "v"), key=itemgetter(X0, TOP))
    horizontal = sorted((e for e in edges if e[ORIENTATION] == "h"), key=itemgetter(TOP, X0))
    found: Crossings = {}
    for v in vertical:
        x, v_top, v_bottom = v[X0], v[TOP], v[BOTTOM]
        for h in horizontal:
            y = h[TOP]
            if v_top <= y + _INTERSECTION and v_bottom >= y - _INTERSECTION \
                    and x >= h[X0] - _INTERSECTION and x <= h[X1] + _INTERSECTION:
                sets = found.get((x, y))
                if sets is None:
                    sets = found[(x, y)] = (set(), set())
                sets[0].add(v[:4])
                sets[1].add(h[:4])
    return found


def cells(found: Crossings) -> list[Box]:
    """pdfplumber's ``intersections_to_cells``: for each crossing (sorted), the smallest cell it
    is the top-left corner of, if any; the crossings below and to the right of it looked up
    rather than scanned for."""
    points = sorted(found)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for pt in points:  # in sorted order: a column top to bottom, a row left to right
        columns.setdefault(pt[0], []).append(pt)
        rows.setdefault(pt[1], []).append(pt)

    def connects(p1: Point, p2: Point) -> bool:
        return bool((p1[0] == p2[0] and found[p1][0] & found[p2][0])
                    or (p1[1] == p2[1] and found[p1][1] & found[p2][1]))

    result = []
    for pt in points:
        column, row = columns[pt[0]], rows[pt[1]]
        below = column[column.index(pt) + 1:]
        right = row[row.index(pt) + 1:]
        cell = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in found and connects(corner, right_pt) and connects(corner, below_pt):
                    cell = (pt[0], pt[1], corner[0], corner[1])
                    break
            if cell is not None:
                break
        if cell is not None:
            result.append(cell)
    return result


# --- a table's text --------------------------------------------------------------------------


class Centres:
    """A page's characters by the middle of their box, as pdfplumber's ``Table.extract`` places
    them in a cell (``char_in_bbox``), found by bisection instead of one by one."""

    def __init__(self, chars: Sequence[PdfObject]) -> None:
        entries = (((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2, i, c) for i, c in enumerate(chars))
        self.entries = sorted(e for e in entries if not (math.isnan(e[0]) or math.isnan(e[1])))  # in no cell
        self.v = [entry[0] for entry in self.entries]

    def within(self, bbox: Box, among: list[tuple[float, float, int, PdfObject]] | None = None,
               ) -> list[tuple[float, float, int, PdfObject]]:
        """The characters whose middle is in ``bbox`` (x0 and top included, x1 and bottom
        not), in the page's order of characters."""
        x0, top, x1, bottom = bbox
        if among is None:
            among = self.entries[bisect.bisect_left(self.v, top):bisect.bisect_left(self.v, bottom)]
        found = [e for e in among if e[1] >= x0 and e[1] < x1 and e[0] >= top and e[0] < bottom]
        found.sort(key=itemgetter(2))
        return found


def extract(table: Any, centres: Centres) -> list[list[str | None]]:
    """pdfplumber's ``Table.extract()``: each row's characters, then each cell's among them,
    read by ``extract_text`` (None for a slot no cell covers, "" for an empty cell)."""
    from pdfplumber.utils.text import extract_text

    result: list[list[str | None]] = []
    for row in table.rows:
        row_chars = centres.within(row.bbox)
        texts: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                texts.append(None)
                continue
            chars = [e[3] for e in centres.within(cell, row_chars)]
            if not chars:
                texts.append("")
            elif all(c["upright"] is True for c in chars) and _finite(chars):
                texts.append(text_of(chars))
            else:  # written turned, or a coordinate not a number: pdfplumber's own
                texts.append(extract_text(chars))
        result.append(texts)
    return result


# pdfplumber.utils.text.LIGATURES: a ligature is read as its letters.
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
# pdfplumber's default tolerances for words and lines.
_X_TOLERANCE = 3
_Y_TOLERANCE = 3


def _finite(chars: Sequence[PdfObject]) -> bool:
    return all(math.isfinite(c["x0"]) and math.isfinite(c["x1"]) and math.isfinite(c["top"]) for c in chars)


def text_of(chars: Sequence[PdfObject]) -> str:
    """pdfplumber's ``extract_text(chars)`` with its defaults, for characters all upright:
    lines by ``top`` within 3 points, each read left to right and cut into words at a blank or
    a gap of more than 3 points (or a step back, or 3 points up or down), ligatures spelt out;
    the words in lines again by their top, joined by spaces, the lines by line breaks."""
    x0 = itemgetter("x0")
    words: list[tuple[float, str]] = []  # (top, text)

    def add(word: list[PdfObject]) -> None:
        if word:
            words.append((min(c["top"] for c in word),
                          "".join(_LIGATURES.get(c["text"], c["text"] or "") for c in word)))

    for line in clusters(chars, itemgetter("top"), _Y_TOLERANCE):
        word: list[PdfObject] = []
        for char in sorted(line, key=x0):
            text = char["text"]
            if text.isspace():
                add(word)
                word = []
            elif text == "":  # pdfplumber's split_at_punctuation "" holds the empty text only
                add(word)
                add([char])
                word = []
            elif word and _new_word(word[-1], char):
                add(word)
                word = [char]
            else:
                word.append(char)
        add(word)
    lines = clusters(words, itemgetter(0), _Y_TOLERANCE)
    return "\n".join(" ".join(text for _, text in line) for line in lines)


def _new_word(previous: PdfObject, char: PdfObject) -> bool:
    """pdfplumber's ``WordExtractor.char_begins_new_word``, left to right, top to bottom."""
    return bool(char["x0"] < previous["x0"] or char["x0"] > previous["x1"] + _X_TOLERANCE
                or abs(char["top"] - previous["top"]) > _Y_TOLERANCE)
