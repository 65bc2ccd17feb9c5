"""Charts of the disclosure document: SVG (print, static HTML), PNG and ECharts options.

A :class:`~juesuan.content.Chart` is drawn in one of three kinds:

* ``pie`` — the shares of one series (收入结构, 支出结构); blank and non-positive
  values are left out, each wedge labelled with its percentage;
* ``bar`` — one bar per category (and per series, if there are several);
* ``grouped_bar`` — the series side by side in each category (预算数 ‖ 决算数).

The chart is laid out once, in pure Python (:func:`_scene`: rectangles, lines, wedges
and text in a 600-unit-wide box, 100 units to the inch), then written as SVG
(:func:`chart_svg`, real ``<text>`` in a CJK font list, so the PDF's text layer has
the labels) or painted with Pillow (:func:`chart_picture`). No plotting library: the
layout takes a fraction of a millisecond, where matplotlib took a tenth of a second a
chart and most of a second of CPU to import. :func:`echarts_option` gives the same
chart to ECharts for the interactive HTML, with the same axis, labels and palette.

The rules that make a chart read correctly:

* the value axis is :func:`juesuan.narrative.charts.value_axis` (steps of 1, 2, 5 × 10ⁿ,
  labels with the places the step needs), the one every format draws;
* labels are measured (a CJK character 1 em, anything else 0.55 em), wrapped between
  words — never inside a bracket pair such as （境） — and shrunk to fit their room;
* legends sit below the plot or beside the pie, in room of their own.

Amounts stay ``Decimal`` until a position is computed: a position is a float, a
printed figure is formatted from the Decimal, half-up.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from juesuan.content import Chart
from juesuan.money import format_wan, round_half_up
from juesuan.narrative.charts import Axis, value_axis

PALETTE = (
    "#2f5597",  # 深蓝
    "#c0504d",  # 朱红
    "#70ad47",  # 绿
    "#ed7d31",  # 橙
    "#4bacc6",  # 青
    "#8064a2",  # 紫
    "#a5a5a5",  # 灰
    "#ffc000",  # 金
    "#264478",
    "#9e480e",
)

FONT_FAMILY = ("Noto Sans CJK SC", "Microsoft YaHei", "SimHei", "sans-serif")

WIDTH_IN = 6.0
HEIGHT_IN = 3.2
UNITS_PER_IN = 100
WIDTH = WIDTH_IN * UNITS_PER_IN
HEIGHT = HEIGHT_IN * UNITS_PER_IN
LABEL_WRAP = 6  # em (CJK characters) per line of a category label, where no room is known
HORIZONTAL_ABOVE = 8  # more categories than this: horizontal bars

# Text sizes in units (shown 15 cm wide, a unit is 0.71 pt: 12 units ≈ 8.5 pt).
TITLE_SIZE = 15.0
TICK_SIZE = 12.0
CATEGORY_SIZES = (12.0, 11.0, 10.0, 9.0)  # tried in turn until every label fits
VALUE_SIZES = (11.0, 10.0, 9.0)
LEGEND_SIZE = 12.0
PIE_LABEL_SIZE = 12.0
LINE = 1.25  # line height, in ems
PAD = 8.0
MAX_BAR = 60.0  # the most room one bar of a column chart takes (units)
PIE_LABEL_BELOW = Decimal(4)  # no share printed inside a wedge narrower than this (percent)

TEXT = "#000000"
MUTED = "#555555"
GRID = "#dddddd"

Anchor = Literal["start", "middle", "end"]


# ---------------------------------------------------------------------------- data


def pie_slices(chart: Chart) -> list[tuple[str, Decimal]]:
    """The (category, value) pairs a pie shows: the first series' positive values."""
    if not chart.series:
        return []
    values = chart.series[0].values
    return [(name, v) for name, v in zip(chart.categories, values, strict=False)
            if v is not None and v > 0]


def has_data(chart: Chart) -> bool:
    """Whether the chart has anything to draw (else it shows 无数据): a pie's positive
    slices, a bar chart's values."""
    if chart.kind == "pie":
        return bool(pie_slices(chart))
    return bool(chart.series and chart.categories
                and any(v is not None for s in chart.series for v in s.values))


def share_percent(value: Decimal, total: Decimal) -> Decimal:
    """``value`` as a percentage of ``total``, rounded half-up to two decimals."""
    if total == 0:
        return Decimal(0)
    return round_half_up(value / total * 100, 2)


def chart_axis(chart: Chart) -> Axis:
    """The value axis of a bar chart, as every format draws it."""
    return value_axis(v for s in chart.series for v in s.values)


def _values(chart: Chart, k: int) -> list[Decimal | None]:
    """Series ``k``'s value for every category (blank past its end)."""
    values = chart.series[k].values
    return [values[i] if i < len(values) else None for i in range(len(chart.categories))]


# ---------------------------------------------------------------------------- text


def text_em(text: str) -> float:
    """Width of ``text`` in ems: a wide (CJK) character 1, any other 0.55 — on the
    wide side for digits and Latin, so that what fits here fits on the page."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.55 for ch in text)


_PAIRS = {"（": "）", "(": ")", "《": "》", "〈": "〉", "“": "”", "‘": "’", "【": "】",
          "[": "]", "「": "」"}
_NO_BREAK_BEFORE = frozenset("）)》〉”’】]」，。、；：！？,.;:!?%％…·")
_GLUED_GROUP_EM = 3.0  # a bracket group this narrow, （境）, stays with the word before it


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WFA"


def _tokens(label: str, *, whole_groups: bool, glue_groups: bool = True) -> list[str]:
    """The label cut where a line may break: between CJK characters, around Latin words
    and spaces, around a bracket group (kept whole with ``whole_groups``); closing
    punctuation stays with what precedes it, an opening bracket with what follows."""
    tokens: list[str] = []
    i, n = 0, len(label)
    while i < n:
        ch = label[i]
        j = i + 1
        if ch in _PAIRS and whole_groups:
            close = label.find(_PAIRS[ch], i + 1)
            j = close + 1 if close > 0 else i + 1
        elif not _wide(ch) and not ch.isspace():
            while j < n and not _wide(label[j]) and not label[j].isspace() and label[j] not in _PAIRS:
                j += 1
        tokens.append(label[i:j])
        i = j
    units: list[str] = []
    pending = ""  # opening brackets waiting for what they open
    for token in tokens:
        group = token[0] in _PAIRS and len(token) > 1
        glued = (token[0] in _NO_BREAK_BEFORE
                 or (group and glue_groups and text_em(token[1:-1]) <= _GLUED_GROUP_EM))
        if units and not pending and glued and not units[-1].isspace():
            units[-1] += token
        elif token in _PAIRS:
            pending += token
        else:
            units.append(pending + token)
            pending = ""
    if pending:
        units.append(pending)
    return units


def _greedy(units: list[str], width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for unit in units:
        if line.strip() and text_em((line + unit).rstrip()) > width:
            lines.append(line.strip())
            line = unit.lstrip()
        else:
            line += unit
    if line.strip():
        lines.append(line.strip())
    return lines


def wrap_lines(label: str, width: float) -> list[str]:
    """``label`` in lines of at most ``width`` ems, broken only between words (see
    :func:`_tokens`) and balanced (因公出 / 国（境）费, not 因公出国（境） / 费). A bracket
    group wider than a line is parted from the word before it, then broken inside, only then."""
    units = _tokens(label, whole_groups=True)
    if any(text_em(u) > width for u in units):
        units = [piece for u in units for piece in (
            _tokens(u, whole_groups=True, glue_groups=False) if text_em(u) > width else [u])]
    if any(text_em(u) > width for u in units):
        units = [piece for u in units
                 for piece in (_tokens(u, whole_groups=False) if text_em(u) > width else [u])]
    lines = _greedy(units, width)
    if len(lines) <= 1:
        return lines or [label]
    # A trailing code in brackets, 行政运行（2010601）, takes a line of its own if that
    # costs no line.
    if units[-1][0] in _PAIRS and len(units) > 1 and text_em(units[-1]) <= width:
        name = "".join(units[:-1])
        apart = [*wrap_lines(name, width), units[-1]]
        if len(apart) <= len(lines):
            return apart
    # The narrowest width that still takes no more lines: the lines come out even.
    narrow = max(max(text_em(u.strip()) for u in units), text_em(label) / len(lines))
    while narrow < width:
        even = _greedy(units, narrow)
        if len(even) <= len(lines):
            return even
        narrow += 0.25
    return lines


def wrap_label(label: str, width: float = LABEL_WRAP) -> str:
    """A category label in lines of ``width`` ems, joined by newlines (for DOCX and ECharts,
    which break a label at a newline)."""
    return "\n".join(wrap_lines(label, width))


def _fit(labels: Sequence[str], room: float, sizes: Sequence[float],
         max_lines: int) -> tuple[float, list[list[str]]]:
    """The largest of ``sizes`` at which every label fits ``room`` units in at most
    ``max_lines`` lines, and the lines; else the smallest size, in as many lines as it takes."""
    for size in sizes:
        wrapped = [wrap_lines(label, room / size) for label in labels]
        if all(len(lines) <= max_lines and all(text_em(x) * size <= room for x in lines)
               for lines in wrapped):
            return size, wrapped
    size = sizes[-1]
    return size, [wrap_lines(label, room / size) for label in labels]


# ---------------------------------------------------------------------------- scene


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class _Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 0.8


@dataclass(frozen=True)
class _Wedge:
    """A pie wedge from ``start`` to ``end`` degrees, clockwise from twelve o'clock."""

    cx: float
    cy: float
    r: float
    start: float
    end: float
    fill: str
    edge: str | None


@dataclass(frozen=True)
class _Text:
    """One label: ``lines`` from the baseline ``y`` down, anchored at ``x``; ``upright``
    turns it a quarter left (reading upwards, the baseline's start at x, y)."""

    x: float
    y: float
    lines: tuple[str, ...]
    size: float
    anchor: Anchor = "start"
    fill: str = TEXT
    upright: bool = False


_Item = _Rect | _Line | _Wedge | _Text


@dataclass(frozen=True)
class _Scene:
    width: float
    height: float
    items: tuple[_Item, ...]


@lru_cache(maxsize=128)
def _scene(chart: Chart, title: bool) -> _Scene:
    """The chart laid out: what to draw, where (cached: a chart is drawn for the SVG,
    its height asked for the HTML and the DOCX)."""
    items: list[_Item] = []
    top = PAD
    if title:
        items.append(_Text(WIDTH / 2, top + TITLE_SIZE, (chart.title,), TITLE_SIZE, "middle"))
        top += TITLE_SIZE * 1.6
    if not has_data(chart):
        height = max(HEIGHT, top + 60)
        items.append(_Text(WIDTH / 2, (top + height) / 2, ("无数据",), 14, "middle", MUTED))
        return _Scene(WIDTH, height, tuple(items))
    if chart.kind == "pie":
        return _pie(chart, items, top)
    if chart.unit:
        items.append(_Text(PAD, top + TICK_SIZE, (f"单位：{chart.unit}",), TICK_SIZE, "start",
                           MUTED))
        top += TICK_SIZE * 1.8
    if horizontal(chart):
        return _horizontal_bars(chart, items, top)
    return _columns(chart, items, top)


def horizontal(chart: Chart) -> bool:
    """Bars run horizontally when there are many categories (their labels need the room)."""
    return chart.kind != "pie" and len(chart.categories) > HORIZONTAL_ABOVE


def chart_height(chart: Chart) -> float:
    """Height in inches (for :data:`WIDTH_IN` of width): fixed, or grown with the
    categories of horizontal bars, their labels' lines or a pie's legend."""
    return _scene(chart, False).height / UNITS_PER_IN


def _legend(chart: Chart) -> bool:
    return len(chart.series) > 1 or chart.kind == "grouped_bar"


def _legend_rows(names: Sequence[str], width: float) -> list[list[tuple[str, float]]]:
    """The legend's entries in rows that fit ``width``: (name, entry width)."""
    rows: list[list[tuple[str, float]]] = [[]]
    used = 0.0
    for name in names:
        entry = LEGEND_SIZE * (1.3 + text_em(name))  # swatch, gap, name
        if rows[-1] and used + entry > width:
            rows.append([])
            used = 0.0
        rows[-1].append((name, entry))
        used += entry + LEGEND_SIZE * 1.5
    return rows


def _draw_legend(chart: Chart, items: list[_Item], bottom: float) -> None:
    """The series' legend centred in rows above ``bottom``."""
    rows = _legend_rows([s.name for s in chart.series], WIDTH - 2 * PAD)
    line = LEGEND_SIZE * 1.6
    k = 0
    for r, row in enumerate(rows):
        baseline = bottom - (len(rows) - r - 1) * line - LEGEND_SIZE * 0.3
        total = sum(w for _, w in row) + LEGEND_SIZE * 1.5 * (len(row) - 1)
        x = (WIDTH - total) / 2
        for name, entry in row:
            size = LEGEND_SIZE * 0.8
            items.append(_Rect(x, baseline - size, size, size, PALETTE[k % len(PALETTE)]))
            items.append(_Text(x + LEGEND_SIZE * 1.3, baseline, (name,), LEGEND_SIZE))
            x += entry + LEGEND_SIZE * 1.5
            k += 1


def _legend_height(chart: Chart) -> float:
    if not _legend(chart):
        return 0.0
    return len(_legend_rows([s.name for s in chart.series], WIDTH - 2 * PAD)) * LEGEND_SIZE * 1.6 + 6


def _value_texts(chart: Chart) -> list[tuple[int, int, Decimal, str]]:
    """(series, category, value, label) of every bar with a value."""
    return [(k, i, v, format_wan(v, 2, thousands=True))
            for k in range(len(chart.series)) for i, v in enumerate(_values(chart, k))
            if v is not None]


def bar_slot(band: float, series: int, most: float | None = None) -> float:
    """The room of one bar in a category ``band`` wide: the bars of a category take 0.8
    of it, none more than :data:`MAX_BAR` (a chart of one or two categories has no slabs)."""
    return min(band * 0.8 / series, MAX_BAR if most is None else most)


def _place(axis: Axis, start: float, end: float, value: Decimal) -> float:
    """Where ``value`` falls between ``start`` (the axis's bottom) and ``end`` (its top)."""
    return start + float((value - axis.bottom) / axis.span) * (end - start)


def _ticks(axis: Axis) -> list[tuple[Decimal, str]]:
    return [(t, axis.label(t)) for t in axis.ticks]


def _columns(chart: Chart, items: list[_Item], top: float) -> _Scene:
    """Vertical bars: ticks on the left, categories below, amounts above the bars
    (turned upright when they are wider than their bar's room), the legend at the bottom."""
    axis = chart_axis(chart)
    ticks = _ticks(axis)
    left = PAD + max(text_em(label) for _, label in ticks) * TICK_SIZE + 6
    right = WIDTH - PAD
    n_cat, n_ser = len(chart.categories), len(chart.series)
    band = (right - left) / n_cat
    cat_size, cat_lines = _fit(chart.categories, band - 6, CATEGORY_SIZES, 3)
    cat_height = max(len(lines) for lines in cat_lines) * cat_size * LINE + 6
    legend = _legend_height(chart)
    slot = bar_slot(band, n_ser)
    bars = _value_texts(chart)
    widest = max(text_em(t) for *_, t in bars)
    value_size = next((s for s in VALUE_SIZES if widest * s <= slot), VALUE_SIZES[1])
    upright = widest * value_size > slot

    def extent(text: str) -> float:
        return text_em(text) * value_size + 4 if upright else value_size * LINE + 2

    # The plot between the unit and the categories; at least 150 units tall.
    height = max(HEIGHT, top + 150 + cat_height + legend + PAD + TICK_SIZE)
    first_top = top + TICK_SIZE * 0.5
    first_bottom = height - PAD - legend - cat_height
    plot_top, plot_bottom = first_top, first_bottom
    for _ in range(4):  # room above (below) the bars for their amounts: settles in a few rounds
        h = plot_bottom - plot_top
        above = max([extent(t) - float((axis.top - v) / axis.span) * h
                     for *_, v, t in bars if v >= 0] + [0.0])
        below = max([extent(t) - float((v - axis.bottom) / axis.span) * h
                     for *_, v, t in bars if v < 0] + [0.0])
        plot_top, plot_bottom = first_top + above, first_bottom - below

    def y(value: Decimal) -> float:
        return _place(axis, plot_bottom, plot_top, value)

    for value, label in ticks:
        if value != 0:
            items.append(_Line(left, y(value), right, y(value), GRID))
        items.append(_Text(left - 5, y(value) + TICK_SIZE * 0.35, (label,), TICK_SIZE, "end"))
    for i, lines in enumerate(cat_lines):
        centre = left + band * (i + 0.5)
        items.append(_Text(centre, plot_bottom + 4 + cat_size, tuple(lines), cat_size, "middle"))
    zero = y(Decimal(0))
    for k, i, value, text in bars:
        x = left + band * (i + 0.5) + slot * (k - n_ser / 2)
        end = y(value)
        items.append(_Rect(x + slot * 0.075, min(zero, end), slot * 0.85, abs(end - zero),
                           PALETTE[k % len(PALETTE)]))
        centre = x + slot / 2
        if upright:
            shift = value_size * 0.35
            if value >= 0:
                items.append(_Text(centre + shift, end - 4, (text,), value_size, upright=True))
            else:
                items.append(_Text(centre + shift, end + 4, (text,), value_size, "end",
                                   upright=True))
        elif value >= 0:
            items.append(_Text(centre, end - 3, (text,), value_size, "middle"))
        else:
            items.append(_Text(centre, end + value_size + 1, (text,), value_size, "middle"))
    items.append(_Line(left, zero, right, zero, TEXT))
    items.append(_Line(left, plot_top, left, plot_bottom, TEXT))
    if legend:
        _draw_legend(chart, items, height - PAD)
    return _Scene(WIDTH, height, tuple(items))


def _horizontal_bars(chart: Chart, items: list[_Item], top: float) -> _Scene:
    """Horizontal bars, the first category at the top: labels on the left, amounts after
    the bars, ticks below, the legend at the bottom; as tall as the categories need."""
    axis = chart_axis(chart)
    ticks = _ticks(axis)
    n_ser = len(chart.series)
    cat_size, cat_lines = _fit(chart.categories, WIDTH * 0.34, CATEGORY_SIZES, 2)
    label_width = max(text_em(x) for lines in cat_lines for x in lines) * cat_size
    left = PAD + label_width + 8
    value_size = VALUE_SIZES[1]
    lines_most = max(len(lines) for lines in cat_lines)
    band = max(lines_most * cat_size * LINE + 8, n_ser * (value_size + 3) / 0.8)
    plot_top = top + 2
    plot_bottom = plot_top + band * len(chart.categories)
    legend = _legend_height(chart)
    height = plot_bottom + 6 + TICK_SIZE * 1.4 + legend + PAD
    bars = _value_texts(chart)
    last_tick = text_em(ticks[-1][1]) * TICK_SIZE / 2
    first_right = WIDTH - PAD
    plot_right = first_right - last_tick
    for _ in range(4):
        w = plot_right - left
        after = max([text_em(t) * value_size + 4 - float((axis.top - v) / axis.span) * w
                     for *_, v, t in bars if v >= 0] + [last_tick])
        plot_right = first_right - after

    def x(value: Decimal) -> float:
        return _place(axis, left, plot_right, value)

    # Every tick labelled if the labels have room, else every other one.
    room = (plot_right - left) / max(1, len(ticks) - 1)
    every = 1 if max(text_em(t) for _, t in ticks) * TICK_SIZE + 6 <= room else 2
    for n, (value, label) in enumerate(ticks):
        if value != 0:
            items.append(_Line(x(value), plot_top, x(value), plot_bottom, GRID))
        if n % every == 0:
            items.append(_Text(x(value), plot_bottom + 4 + TICK_SIZE, (label,), TICK_SIZE,
                               "middle"))
    for i, lines in enumerate(cat_lines):
        centre = plot_top + band * (i + 0.5)
        first = centre - (len(lines) - 1) * cat_size * LINE / 2 + cat_size * 0.35
        items.append(_Text(left - 6, first, tuple(lines), cat_size, "end"))
    slot = band * 0.8 / n_ser
    zero = x(Decimal(0))
    for k, i, value, text in bars:
        y = plot_top + band * (i + 0.1) + slot * k
        end = x(value)
        items.append(_Rect(min(zero, end), y + slot * 0.075, abs(end - zero), slot * 0.85,
                           PALETTE[k % len(PALETTE)]))
        baseline = y + slot / 2 + value_size * 0.35
        if value >= 0:
            items.append(_Text(end + 4, baseline, (text,), value_size))
        else:
            items.append(_Text(end - 4, baseline, (text,), value_size, "end"))
    items.append(_Line(zero, plot_top, zero, plot_bottom, TEXT))
    items.append(_Line(left, plot_bottom, plot_right, plot_bottom, TEXT))
    if legend:
        _draw_legend(chart, items, height - PAD)
    return _Scene(WIDTH, height, tuple(items))


def _pie(chart: Chart, items: list[_Item], top: float) -> _Scene:
    """Wedges clockwise from twelve o'clock on the left, each share inside its wedge (none
    under :data:`PIE_LABEL_BELOW` %), the legend with the amounts and the unit on the right."""
    slices = pie_slices(chart)
    total = sum((v for _, v in slices), Decimal(0))
    radius = min((HEIGHT - top - PAD) / 2, WIDTH * 0.25) * 0.94
    legend_left = PAD + 10 + 2 * radius + 30
    room = WIDTH - PAD - legend_left - LEGEND_SIZE * 1.3
    entries = [f"{name}  {format_wan(v, 2, thousands=True)}" for name, v in slices]
    size, lines = _fit(entries, room, (LEGEND_SIZE, 11.0, 10.0), 2)
    line = size * LINE
    gap = size * 0.5
    head = size * 1.8 if chart.unit else 0.0
    legend_height = head + sum(len(x) * line for x in lines) + gap * (len(lines) - 1)
    height = max(HEIGHT, top + legend_height + 2 * PAD)
    cx, cy = PAD + 10 + radius, (top + height - PAD) / 2
    angle = 0.0
    edge = "#ffffff" if len(slices) > 1 else None
    for k, (_, value) in enumerate(slices):
        sweep = float(value / total) * 360
        items.append(_Wedge(cx, cy, radius, angle, angle + sweep, PALETTE[k % len(PALETTE)], edge))
        share = share_percent(value, total)
        label = f"{share:.2f}%"
        # Inside the wedge, where its arc is wider than the label (further out for a
        # narrow wedge); a wedge too narrow for that has its share in the data table only.
        room = text_em(label) * PIE_LABEL_SIZE + 2
        at = next((f * radius for f in (0.62, 0.75) if math.radians(sweep) * f * radius >= room),
                  None)
        if share >= PIE_LABEL_BELOW and at is not None:
            middle = math.radians(angle + sweep / 2)
            at = at if len(slices) > 1 else 0.0
            items.append(_Text(cx + at * math.sin(middle),
                               cy - at * math.cos(middle) + PIE_LABEL_SIZE * 0.35,
                               (label,), PIE_LABEL_SIZE, "middle", "#ffffff"))
        angle += sweep
    y = cy - legend_height / 2
    if chart.unit:
        items.append(_Text(legend_left, y + size, (f"单位：{chart.unit}",), size, "start", MUTED))
        y += head
    for k, entry in enumerate(lines):
        swatch = size * 0.8
        items.append(_Rect(legend_left, y + size - swatch, swatch, swatch, PALETTE[k % len(PALETTE)]))
        items.append(_Text(legend_left + size * 1.3, y + size, tuple(entry), size))
        y += len(entry) * line + gap
    return _Scene(WIDTH, height, tuple(items))


# ---------------------------------------------------------------------------- SVG


def _n(value: float) -> str:
    """A coordinate: one decimal at most, no "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text for XML: characters XML cannot hold dropped, markup escaped."""
    kept = _NOT_XML.sub("", text)
    return kept.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _svg_item(item: _Item) -> str:
    if isinstance(item, _Rect):
        return (f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.w)}" '
                f'height="{_n(item.h)}" fill="{item.fill}"/>')
    if isinstance(item, _Line):
        return (f'<line x1="{_n(item.x1)}" y1="{_n(item.y1)}" x2="{_n(item.x2)}" '
                f'y2="{_n(item.y2)}" stroke="{item.stroke}" stroke-width="{_n(item.width)}"/>')
    if isinstance(item, _Wedge):
        edge = f' stroke="{item.edge}" stroke-width="1.5"' if item.edge else ""
        if item.end - item.start >= 359.99:
            return (f'<circle cx="{_n(item.cx)}" cy="{_n(item.cy)}" r="{_n(item.r)}" '
                    f'fill="{item.fill}"{edge}/>')
        a, b = math.radians(item.start), math.radians(item.end)
        x0, y0 = item.cx + item.r * math.sin(a), item.cy - item.r * math.cos(a)
        x1, y1 = item.cx + item.r * math.sin(b), item.cy - item.r * math.cos(b)
        large = int(item.end - item.start > 180)
        return (f'<path d="M{_n(item.cx)} {_n(item.cy)}L{_n(x0)} {_n(y0)}'
                f'A{_n(item.r)} {_n(item.r)} 0 {large} 1 {_n(x1)} {_n(y1)}Z" '
                f'fill="{item.fill}"{edge} stroke-linejoin="round"/>')
    attributes = f'x="{_n(item.x)}" y="{_n(item.y)}" font-size="{_n(item.size)}"'
    if item.anchor != "start":
        attributes += f' text-anchor="{item.anchor}"'
    if item.fill != TEXT:
        attributes += f' fill="{item.fill}"'
    if item.upright:
        attributes += f' transform="rotate(-90 {_n(item.x)} {_n(item.y)})"'
    if len(item.lines) == 1:
        return f"<text {attributes}>{_xml(item.lines[0])}</text>"
    step = item.size * LINE
    spans = "".join(f'<tspan x="{_n(item.x)}" y="{_n(item.y + step * i)}">{_xml(line)}</tspan>'
                    for i, line in enumerate(item.lines))
    return f"<text {attributes}>{spans}</text>"


def chart_svg(chart: Chart, *, id_prefix: str | None = None, title: bool = False,
              inline: bool = False) -> str:
    """The chart as SVG text (no XML declaration), the same for the same chart.

    The SVG is as wide as its container (``width="100%"``, its height from the
    ``viewBox``) and its text is ``<text>`` in a CJK font list. It has no ids, so any
    number of charts share a page (``id_prefix`` is accepted for callers that name one).
    ``title`` draws the chart's title above it (the HTML prints it as a caption instead).
    ``inline`` gives the form for embedding in HTML, without a namespace declaration
    (the HTML parser puts ``<svg>`` in the SVG namespace itself).
    """
    del id_prefix  # nothing in the drawing has an id
    scene = _scene(chart, title)
    family = ", ".join(f"'{f}'" if " " in f else f for f in FONT_FAMILY)
    namespace = "" if inline else ' xmlns="http://www.w3.org/2000/svg"'
    head = (f'<svg{namespace} viewBox="0 0 {_n(scene.width)} {_n(scene.height)}" width="100%" '
            f'font-family="{family}" font-size="{_n(TICK_SIZE)}" role="img" '
            f'aria-label="{_xml(chart.title).replace(chr(34), "&quot;")}">')
    return head + "".join(_svg_item(item) for item in scene.items) + "</svg>"


# ---------------------------------------------------------------------------- PNG

_PNG_FONTS = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "wqy-microhei.ttc",
              "msyh.ttc", "simhei.ttf")


@lru_cache(maxsize=32)
def _png_font(size: int) -> Any:
    """A CJK font at ``size`` pixels (Pillow finds a bare file name among the system's
    fonts); Pillow's own font, without CJK, if none is installed."""
    from PIL import ImageFont

    for name in _PNG_FONTS:
        try:
            fonts = [ImageFont.truetype(name, size)]
        except OSError:
            continue
        # A collection holds the font for each region: the Simplified Chinese one if it is there.
        for index in range(1, 10):
            try:
                fonts.append(ImageFont.truetype(name, size, index=index))
            except OSError:
                break
        return next((f for f in fonts if " SC" in (f.getname()[0] or "")), fonts[0])
    return ImageFont.load_default(size)


def chart_scene_cache_clear() -> None:
    """Forget the laid-out charts (a benchmark draws each chart afresh)."""
    _scene.cache_clear()


def _colour(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 255, value & 255


# The kinds of picture a chart is painted as, and their media types.
PICTURE_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


@lru_cache(maxsize=64)
def chart_picture(chart: Chart, *, dpi: int = 150, title: bool = False,
                  kind: str = "png") -> bytes:
    """The chart as a picture at ``dpi``, PNG or JPEG (:data:`PICTURE_TYPES`; no timestamp
    in the file): the SVG's drawing, painted at twice the size and halved (smooth edges).

    The PDF prints its charts as JPEG pictures: WeasyPrint embeds a JPEG as it is, while it
    decodes a PNG and compresses it again (a tenth of a second for a document's charts).
    Quality 92 without colour subsampling keeps the labels' edges clean. The DOCX uses a
    PNG only for a chart without data, which shows 无数据 (its other charts are Word
    charts)."""
    if kind not in PICTURE_TYPES:
        raise ValueError(f"unknown picture kind: {kind!r}")
    from PIL import Image, ImageDraw

    scene = _scene(chart, title)
    scale = dpi / UNITS_PER_IN * 2
    size = (round(scene.width * dpi / UNITS_PER_IN), round(scene.height * dpi / UNITS_PER_IN))
    image = Image.new("RGB", (size[0] * 2, size[1] * 2), "white")
    draw = ImageDraw.Draw(image)
    for item in scene.items:
        if isinstance(item, _Rect):
            draw.rectangle((item.x * scale, item.y * scale, (item.x + item.w) * scale,
                            (item.y + item.h) * scale), fill=_colour(item.fill))
        elif isinstance(item, _Line):
            draw.line((item.x1 * scale, item.y1 * scale, item.x2 * scale, item.y2 * scale),
                      fill=_colour(item.stroke), width=max(1, round(item.width * scale)))
        elif isinstance(item, _Wedge):
            box = ((item.cx - item.r) * scale, (item.cy - item.r) * scale,
                   (item.cx + item.r) * scale, (item.cy + item.r) * scale)
            edge = _colour(item.edge) if item.edge else None
            width = round(1.5 * scale) if item.edge else 0
            if item.end - item.start >= 359.99:
                draw.ellipse(box, fill=_colour(item.fill), outline=edge, width=width)
            else:
                draw.pieslice(box, item.start - 90, item.end - 90, fill=_colour(item.fill),
                              outline=edge, width=width)
        else:
            _png_text(image, draw, item, scale)
    # Each pixel the mean of the 2×2 it stands for: smooth edges as LANCZOS gives them, at a
    # seventh of the time (a fresh process pays for every chart of its document).
    small = image.reduce(2)
    buffer = io.BytesIO()
    if kind == "jpeg":
        small.save(buffer, format="JPEG", quality=92, subsampling=0)
    else:
        small.save(buffer, format="PNG")
    return buffer.getvalue()


def _png_text(image: Any, draw: Any, item: _Text, scale: float) -> None:
    from PIL import Image, ImageDraw

    font = _png_font(max(1, round(item.size * scale)))
    anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
    fill = _colour(item.fill)
    if not item.upright:
        for i, line in enumerate(item.lines):
            draw.text((item.x * scale, (item.y + item.size * LINE * i) * scale), line,
                      font=font, fill=fill, anchor=anchor)
        return
    # Upright: drawn level on a transparent tile, turned a quarter left, pasted so that the
    # baseline's start (or end, anchored at the end) falls on x, y.
    text = item.lines[0]
    length = math.ceil(font.getlength(text)) + 2
    ascent = math.ceil(item.size * scale * 1.2)
    tile = Image.new("RGBA", (length, ascent + math.ceil(item.size * scale * 0.4)), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((0, ascent), text, font=font, fill=(*fill, 255), anchor="ls")
    turned = tile.rotate(90, expand=True)
    along = length if item.anchor == "start" else 0
    image.paste(turned, (round(item.x * scale - ascent), round(item.y * scale - along)), turned)


# ---------------------------------------------------------------------------- ECharts

NARROW_PX = 480  # a container this narrow (a phone) gets smaller text and a legend below
_WIDE_PX, _NARROW_PLOT_PX = 560.0, 300.0  # the plot's width, estimated, on a page and a phone
_PLOT_HEIGHT_PX = 230.0  # the plot's height in a 22em container, estimated
MAX_BAR_PX = 60  # the room of a bar in ECharts at most, as MAX_BAR in the SVG (shown about as wide)


def _number(value: Decimal | None, places: int = 2) -> float | None:
    """A value for the browser. JavaScript numbers are doubles, so the float is unavoidable;
    it is taken after rounding half-up in Decimal, and the printed figure is the Decimal's."""
    return None if value is None else float(round_half_up(value, places))


def _column_labels(chart: Chart, plot_px: float, font_px: float,
                   value_px: float) -> tuple[list[str], dict[str, Any], float]:
    """For vertical bars in a plot ``plot_px`` wide: the categories wrapped to their band,
    the bars' label style (upright when wider than the bar), the room above the plot for them."""
    band = plot_px / len(chart.categories)
    data = [wrap_label(c, max(2.0, (band - 8) / font_px)) for c in chart.categories]
    bars = _value_texts(chart)
    slot = bar_slot(band, len(chart.series), MAX_BAR_PX)
    widest = max(text_em(t) for *_, t in bars) * value_px
    if widest <= slot:
        return data, {"fontSize": value_px, "rotate": 0, "align": "center",
                      "verticalAlign": "bottom", "distance": 5}, 0.0
    axis = chart_axis(chart)
    room = max([widest + 6 - float((axis.top - v) / axis.span) * _PLOT_HEIGHT_PX
                for *_, v, _ in bars] + [0.0])
    return data, {"fontSize": value_px, "rotate": 90, "align": "left",
                  "verticalAlign": "middle", "distance": 4}, room


def echarts_option(chart: Chart, *, font_family: str = ", ".join(FONT_FAMILY)) -> dict[str, Any]:
    """The chart as an ECharts option (plain JSON data; animation off, so it prints).

    The same axis (bounds, step) as the SVG and the DOCX, categories wrapped by the same
    rules, amounts formatted from the Decimals; ``media`` gives a container narrower
    than :data:`NARROW_PX` (a phone) smaller text, re-wrapped labels and, for a pie,
    the legend below it. ``grid.containLabel`` keeps every axis label inside the chart."""
    text_style = {"fontFamily": font_family}
    label_style = {"textBorderWidth": 0, "textBorderColor": "transparent"}
    base: dict[str, Any] = {
        "animation": False,
        "color": list(PALETTE),
        "textStyle": text_style,
        "tooltip": {"trigger": "item" if chart.kind == "pie" else "axis"},
    }
    if chart.kind == "pie":
        slices = pie_slices(chart)
        total = sum((v for _, v in slices), Decimal(0))
        wide_legend = {"type": "scroll", "orient": "vertical", "left": "58%", "right": 8,
                       "top": "middle", "bottom": "auto", "itemGap": 8}
        base["legend"] = dict(wide_legend)
        wedges = []
        for name, v in slices:
            share = share_percent(v, total)
            # Each label is the share as computed here (half-up), not ECharts' own rounding.
            wedges.append({"name": name, "value": _number(v),
                           "label": {"formatter": f"{share:.2f}%",
                                     "show": share >= PIE_LABEL_BELOW}})
        base["series"] = [{
            "type": "pie",
            "name": chart.series[0].name if chart.series else chart.title,
            "radius": ["0%", "70%"],
            "center": ["30%", "50%"],
            "label": {**label_style, "position": "inside", "color": "#ffffff", "fontSize": 12},
            "labelLine": {"show": False},
            "data": wedges,
        }]
        base["media"] = [
            {"option": {"legend": wide_legend,
                        "series": [{"center": ["30%", "50%"], "radius": ["0%", "70%"]}]}},
            {"query": {"maxWidth": NARROW_PX},
             "option": {"legend": {"orient": "horizontal", "left": "center", "right": "auto",
                                   "top": "auto", "bottom": 0, "itemGap": 6,
                                   "textStyle": {"fontSize": 11}},
                        "series": [{"center": ["50%", "42%"], "radius": ["0%", "62%"]}]}},
        ]
        return base
    axis = chart_axis(chart)
    across = horizontal(chart)
    legend = _legend(chart)
    value_axis_option: dict[str, Any] = {
        "type": "value", "name": chart.unit, "min": _number(axis.bottom),
        "max": _number(axis.top), "interval": _number(axis.step),
        "splitLine": {"lineStyle": {"color": GRID}},
    }
    category_axis: dict[str, Any] = {"type": "category", "axisLabel": {"interval": 0},
                                     "axisTick": {"alignWithLabel": True}}
    base["legend"] = {"show": legend, "bottom": 0, "type": "scroll"}
    bottom = 32 if legend else 8
    if across:
        category_axis["inverse"] = True
        category_axis["data"] = [wrap_label(c, 12) for c in chart.categories]
        base["xAxis"], base["yAxis"] = value_axis_option, category_axis
        wide_labels: dict[str, Any] = {"fontSize": 11}
        narrow_labels: dict[str, Any] = {"fontSize": 9}
        wide = {"yAxis": {"data": category_axis["data"],
                          "axisLabel": {"fontSize": 12, "lineHeight": 15}},
                "grid": {"top": 24}}
        narrow = {"yAxis": {"data": [wrap_label(c, 9) for c in chart.categories],
                            "axisLabel": {"fontSize": 10, "lineHeight": 13}},
                  "grid": {"top": 24}}
    else:
        data, wide_labels, room = _column_labels(chart, _WIDE_PX, 12, 11)
        narrow_data, narrow_labels, narrow_room = _column_labels(chart, _NARROW_PLOT_PX, 10, 9)
        category_axis["data"] = data
        base["xAxis"], base["yAxis"] = category_axis, value_axis_option
        wide = {"xAxis": {"data": data, "axisLabel": {"fontSize": 12, "lineHeight": 15}},
                "grid": {"top": 32 + round(room)}}
        narrow = {"xAxis": {"data": narrow_data,
                            "axisLabel": {"fontSize": 10, "lineHeight": 13}},
                  "grid": {"top": 32 + round(narrow_room)}}
    # Room on the right for the unit at the end of a horizontal value axis (not a label).
    base["grid"] = {"left": 8, "right": 40 if across else 16, "bottom": bottom,
                    "top": wide["grid"]["top"], "containLabel": True}
    base["series"] = [
        {
            "type": "bar",
            "name": s.name,
            "barGap": "18%",  # the SVG's bars: 0.85 of their room
            "barMaxWidth": round(MAX_BAR_PX * 0.85),
            # A label without {…} is printed as it is: the figure formatted from the Decimal.
            "data": [{"value": _number(v),
                      "label": {"formatter": format_wan(v, 2, thousands=True)}}
                     for v in _values(chart, k)],
            "label": {"show": True, "position": "right" if across else "top", **label_style,
                      **wide_labels},
        }
        for k, s in enumerate(chart.series)
    ]
    n = len(chart.series)
    base["media"] = [
        {"option": {**wide, "series": [{"label": wide_labels}] * n}},
        {"query": {"maxWidth": NARROW_PX},
         "option": {**narrow, "series": [{"label": narrow_labels}] * n}},
    ]
    return base
