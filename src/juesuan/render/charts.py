"""Charts of the disclosure document: static images (matplotlib) and ECharts options.

A :class:`~juesuan.content.Chart` is drawn in one of three kinds:

* ``pie`` — the shares of one series (收入结构, 支出结构); blank and non-positive
  values are left out, each wedge labelled with its percentage;
* ``bar`` — one bar per category (and per series, if there are several);
* ``grouped_bar`` — the series side by side in each category (预算数 ‖ 决算数).

:func:`chart_svg` and :func:`chart_png` draw it with matplotlib's Agg/SVG
canvases (no pyplot, no global backend switch), in CJK fonts, deterministically:
the SVG carries no date and its ids come from a fixed hash salt, so the same chart
gives the same bytes. :func:`echarts_option` gives the same chart as an ECharts
option for the interactive HTML. Both use one palette, so print and screen match.

Amounts stay ``Decimal`` until the plotting call itself: a plot position is a
float, and a figure's label is formatted from the Decimal, half-up.
"""

from __future__ import annotations

import io
import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter
from matplotlib.typing import RcKeyType

from juesuan.content import Chart
from juesuan.money import format_wan, round_half_up

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

FONT_FAMILY = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans")

RC_PARAMS: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": list(FONT_FAMILY),
    "axes.unicode_minus": False,  # a real minus sign is missing from some CJK fonts
    "text.parse_math": False,  # labels are the filing's names: "$…$" in them is text
    "svg.hashsalt": "juesuan",  # clip-path and marker ids: the same on every run
    "svg.fonttype": "path",  # glyphs as paths: the SVG looks the same without the fonts
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

WIDTH_IN = 6.0
HEIGHT_IN = 3.2
LABEL_WRAP = 6  # CJK characters per line of a category label under a bar
HORIZONTAL_ABOVE = 8  # more categories than this: horizontal bars

_ID = re.compile(r'\bid="([^"]+)"')


def chart_svg(chart: Chart, *, id_prefix: str | None = None, title: bool = False,
              inline: bool = False) -> str:
    """The chart as SVG text (no XML declaration), the same for the same chart.

    Every id in the SVG (glyphs, clip paths, groups) is prefixed with ``id_prefix``
    (default: ``chart.key``), so that several charts inlined in one HTML page never
    share an id. ``title`` draws the chart's title above it (the HTML prints it as a
    caption instead). ``inline`` gives the form for embedding in HTML: no metadata,
    comments or namespace declarations (the HTML parser puts ``<svg>`` in the SVG
    namespace itself), so the page names no URL at all.
    """
    figure = _figure(chart, title=title)
    buffer = io.StringIO()
    with matplotlib.rc_context(RC_PARAMS):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "juesuan"})
    text = buffer.getvalue()
    text = _prefix_ids(text[text.find("<svg"):], id_prefix if id_prefix is not None else chart.key)
    if inline:
        text = _inline_form(text)
    return text


_STYLE_ATTRIBUTE = re.compile(r'\bstyle="([^"]*)"')
_SHEET = re.compile(r"\s*<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>")


def _inline_form(svg: str) -> str:
    """The SVG for embedding in HTML, with the same drawing.

    Drops the metadata, comments and namespace declarations, and turns every
    ``style`` declaration into a presentation attribute: an HTML renderer reads
    ``style`` attributes as CSS (WeasyPrint warns about every ``fill`` and
    ``stroke`` it does not know), and matplotlib's ``* { stroke-linejoin … }`` sheet
    would style the whole page. The sheet's defaults go on the root ``<svg>``, which
    its children inherit unless they set their own — as before.
    """
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"\s*<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg)
    defaults = ""
    sheet = _SHEET.search(svg)
    if sheet:
        defaults = _attributes(sheet.group(1))
        svg = svg[: sheet.start()] + svg[sheet.end() :]
        svg = re.sub(r"\s*<defs>\s*</defs>", "", svg)
    if defaults:
        svg = svg.replace("<svg ", f"<svg {defaults} ", 1)
    return _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), svg)


def _attributes(declarations: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` → ``fill="#fff" stroke-width="0.8"``."""
    pairs = []
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip() and value.strip():
            pairs.append(f'{name.strip()}="{value.strip()}"')
    return " ".join(pairs)


@lru_cache(maxsize=64)
def chart_png(chart: Chart, *, dpi: int = 150, title: bool = False) -> bytes:
    """The chart as PNG bytes at ``dpi`` (no timestamp in the file).

    Cached: rasterising takes some 100 ms. (The DOCX has Word charts of its own and uses
    this only for a chart without data, which shows 无数据.)"""
    figure = _figure(chart, title=title)
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC_PARAMS):
        FigureCanvasAgg(figure)
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id, and every ``#id`` reference to it, with ``prefix-``."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", prefix) or "chart"
    ids = set(_ID.findall(svg))
    if not ids:
        return svg

    def replace_ref(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{safe}-{name}" if name in ids else match.group(0)

    svg = _ID.sub(lambda m: f'id="{safe}-{m.group(1)}"', svg)
    return re.sub(r'(url\(#|href="#)([^")]+)', replace_ref, svg)


def _figure(chart: Chart, *, title: bool) -> Figure:
    with matplotlib.rc_context(RC_PARAMS):
        figure = Figure(figsize=(WIDTH_IN, chart_height(chart)), layout="constrained")
        ax = figure.subplots()
        if chart.kind == "pie":
            _draw_pie(ax, chart)
        else:
            _draw_bars(ax, chart)
        if title:
            ax.set_title(chart.title, fontsize=11)
    return figure  # drawn by savefig, inside the same rc context (fonts are looked up then)


def _no_data(ax: Axes) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, "无数据", ha="center", va="center", transform=ax.transAxes, color="#666")


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


def _draw_pie(ax: Axes, chart: Chart) -> None:
    slices = pie_slices(chart)
    if not slices:
        _no_data(ax)
        return
    total = sum((v for _, v in slices), Decimal(0))
    shares = [share_percent(v, total) for _, v in slices]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(slices))]
    wedges, *_ = ax.pie(
        [float(v) for _, v in slices],  # plot positions only; labels come from the Decimals
        labels=None,
        colors=colors,
        startangle=90,
        counterclock=False,
        wedgeprops={"linewidth": 1, "edgecolor": "white"},
    )
    for wedge, share in zip(wedges, shares, strict=True):
        if share < 4:
            continue  # too narrow to label inside; the legend and the data table have it
        angle = (wedge.theta1 + wedge.theta2) / 2
        x = 0.68 * math.cos(math.radians(angle))
        y = 0.68 * math.sin(math.radians(angle))
        ax.text(x, y, f"{share:.2f}%", ha="center", va="center", color="white", fontsize=9)
    ax.legend(
        wedges,
        [f"{name}  {format_wan(v, 2, thousands=True)}" for name, v in slices],
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        frameon=False,
        title=f"单位：{chart.unit}" if chart.unit else None,
    )
    ax.set_aspect("equal")


def share_percent(value: Decimal, total: Decimal) -> Decimal:
    """``value`` as a percentage of ``total``, rounded half-up to two decimals."""
    if total == 0:
        return Decimal(0)
    return round_half_up(value / total * 100, 2)


def horizontal(chart: Chart) -> bool:
    """Bars run horizontally when there are many categories (their labels need the room)."""
    return chart.kind != "pie" and len(chart.categories) > HORIZONTAL_ABOVE


def chart_height(chart: Chart) -> float:
    """Figure height in inches: fixed, or growing with the categories of horizontal bars."""
    if not horizontal(chart):
        return HEIGHT_IN
    per_category = 0.2 + 0.12 * max(1, len(chart.series))
    return max(HEIGHT_IN, 0.8 + per_category * len(chart.categories))


def wrap_label(label: str, width: int = LABEL_WRAP) -> str:
    """A category label broken into lines of ``width`` characters; a trailing code in
    brackets, 行政运行（2010601）, goes on a line of its own."""
    name, code = label, ""
    if label.endswith("）") and "（" in label[1:]:
        cut = label.rindex("（")
        name, code = label[:cut], label[cut:]
    lines = [name[i : i + width] for i in range(0, len(name), width)]
    if code:
        lines.append(code)
    return "\n".join(lines) or label


def _draw_bars(ax: Axes, chart: Chart) -> None:
    series = chart.series
    n_cat = len(chart.categories)
    if not has_data(chart):
        _no_data(ax)
        return
    across = horizontal(chart)
    width = 0.8 / len(series)
    positions = list(range(n_cat))
    for k, s in enumerate(series):
        values = [s.values[i] if i < len(s.values) else None for i in range(n_cat)]
        offsets = [p - 0.4 + width * (k + 0.5) for p in positions]
        heights = [float(v) if v is not None else 0.0 for v in values]  # plot positions only
        labels = [format_wan(v, 2, thousands=True) if v is not None else "" for v in values]
        color = PALETTE[k % len(PALETTE)]
        if across:
            bars = ax.barh(offsets, heights, height=width * 0.9, label=s.name, color=color)
        else:
            bars = ax.bar(offsets, heights, width=width * 0.9, label=s.name, color=color)
        ax.bar_label(bars, labels=labels, padding=2, fontsize=8)
    if across:
        ax.set_yticks(positions, [wrap_label(c, 12) for c in chart.categories])
        ax.invert_yaxis()
        ax.set_xlabel(chart.unit)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.margins(x=0.15)
    else:
        ax.set_xticks(positions, [wrap_label(c) for c in chart.categories])
        ax.set_ylabel(chart.unit)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.margins(y=0.12)
    if len(series) > 1 or chart.kind == "grouped_bar":
        ax.legend(frameon=False, fontsize=9)
    ax.grid(axis="x" if across else "y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def echarts_option(chart: Chart, *, font_family: str = ", ".join(FONT_FAMILY)) -> dict[str, Any]:
    """The chart as an ECharts option (plain JSON data; animation off, so it prints)."""
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
        base["legend"] = {"orient": "vertical", "left": "right", "top": "middle",
                          "type": "scroll"}
        base["series"] = [{
            "type": "pie",
            "name": chart.series[0].name if chart.series else chart.title,
            "radius": ["0%", "68%"],
            "center": ["38%", "50%"],
            "label": label_style,
            # Each label is the share as computed here (half-up), not ECharts' own rounding.
            "data": [{"name": name, "value": _number(v),
                      "label": {"formatter": f"{share_percent(v, total):.2f}%"}}
                     for name, v in slices],
        }]
        return base
    base["legend"] = {"top": 0, "show": len(chart.series) > 1 or chart.kind == "grouped_bar"}
    base["grid"] = {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True}
    across = horizontal(chart)
    category_axis: dict[str, Any] = {
        "type": "category",
        "data": list(chart.categories),
        "axisLabel": {"interval": 0, "width": 160 if across else 90, "overflow": "break"},
    }
    value_axis: dict[str, Any] = {"type": "value", "name": chart.unit}
    if across:
        category_axis["inverse"] = True
        base["xAxis"], base["yAxis"] = value_axis, category_axis
    else:
        base["xAxis"], base["yAxis"] = category_axis, value_axis
    base["series"] = [
        {
            "type": "bar",
            "name": s.name,
            # A label without {…} is printed as it is: the figure formatted from the Decimal.
            "data": [{"value": _number(v),
                      "label": {"formatter": format_wan(v, 2, thousands=True)}}
                     for v in s.values],
            "label": {"show": True, "position": "right" if across else "top",
                      "fontSize": 10, **label_style},
        }
        for s in chart.series
    ]
    return base


def _number(value: Decimal | None, places: int = 2) -> float | None:
    """A value for the browser. JavaScript numbers are doubles, so the float is unavoidable;
    it is taken after rounding half-up in Decimal, and the printed figure is the Decimal's."""
    return None if value is None else float(round_half_up(value, places))
