"""Native Word charts (DrawingML ``c:chartSpace`` parts) for the DOCX.

:func:`chart_xml` gives a :class:`~juesuan.content.Chart` as the XML of a chart
part, drawn by Word or LibreOffice themselves: sharp at any zoom, about a
millisecond to write, and editable
(Word's 图表工具: style, colours, type; 编辑数据 opens the data of
:func:`chart_workbook`, which the part embeds). It looks like the SVG chart of
:mod:`juesuan.render.charts`: the same palette and kinds, the same value axis (bounds,
step, and tick labels with the places the step needs), categories wrapped by the same
rules, bars labelled with their amounts, horizontal bars past
:data:`~juesuan.render.charts.HORIZONTAL_ABOVE` categories, a pie's shares inside its
wedges (none under 4 %) and its legend with the amounts and the unit.

Amounts go into the XML as the text of their ``Decimal``, rounded half-up to two
decimals: no float anywhere. A bar's label is that number in the format
``#,##0.00``; a wedge's label is the text of
:func:`~juesuan.render.charts.share_percent` (half-up from the Decimals), not the
renderer's own percentage.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from juesuan.content import Chart
from juesuan.money import format_wan, round_half_up
from juesuan.narrative.charts import Axis
from juesuan.render.charts import (
    PALETTE,
    PIE_LABEL_BELOW,
    WIDTH_IN,
    bar_slot,
    chart_axis,
    chart_height,
    horizontal,
    pie_slices,
    share_percent,
    wrap_label,
)
from juesuan.render.docx_xml import xml_attr, xml_text

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

WORKBOOK_RID = "rId1"
"""Relationship id of the embedded workbook: the chart part's first and only one."""

SHEET = "Sheet1"

# Sizes in hundredths of a point (the chart is shown 15 cm wide).
TICK_SIZE = 1000
CATEGORY_SIZE = 900  # the categories of horizontal bars
BAR_LABEL_SIZE = 800
LEGEND_SIZE = 900
PIE_LEGEND_SIZE = 1000
PIE_LABEL_SIZE = 900

MAX_HEIGHT_IN = 8.8  # 22 cm at the 15 cm width of the DOCX: a page with its caption
COLUMNS_EM = 36.0  # the plot's width in ems of the category labels (15 cm less the value axis)
COLUMNS_PLOT = 540.0  # the same in the units of the SVG chart (600 to its width)

_AXIS_LINE = '<a:ln w="10160"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
_NO_LINE = "<a:ln><a:noFill/></a:ln>"


def _horizontal_room(chart: Chart) -> tuple[float, bool]:
    """Height in inches of horizontal bars, and whether it gives every category label
    room: the SVG chart's height, grown to the labels' lines, within a page."""
    labels, _ = chart_data(chart)
    lines = max(label.count("\n") + 1 for label in labels)
    band = lines * CATEGORY_SIZE / 100 * 1.4 / 72 + 0.04
    wanted = max(chart_height(chart), 0.9 + band * len(labels))
    return min(wanted, MAX_HEIGHT_IN), wanted <= MAX_HEIGHT_IN


def chart_height_in(chart: Chart) -> float:
    """Height in inches, for :data:`~juesuan.render.charts.WIDTH_IN` of width: the
    SVG chart's; for horizontal bars enough for every category's label (so that
    the renderer leaves none out), but no more than a page holds (the renderer then
    labels every other category, or fewer)."""
    if not horizontal(chart):
        return chart_height(chart)
    return _horizontal_room(chart)[0]


def chart_size(chart: Chart, width: int) -> tuple[int, int]:
    """(cx, cy) in EMU of the chart ``width`` EMU wide."""
    return width, round(width * chart_height_in(chart) / WIDTH_IN)


def _colour(hex_colour: str) -> str:
    return hex_colour.lstrip("#").upper()


def _fill(hex_colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{_colour(hex_colour)}"/></a:solidFill>'


def _number(value: Decimal) -> str:
    """A cached value: the Decimal rounded half-up to two decimals, as plain text."""
    rounded = round_half_up(value, 2)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


def _cell(col: int, row: int, *, absolute: bool = True) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"${letters}${row}" if absolute else f"{letters}{row}"


class _Text:
    """Character properties of chart text in one font (Latin and East Asian alike)."""

    def __init__(self, font: str) -> None:
        self.font = xml_attr(font)

    def run_properties(self, tag: str, size: int, colour: str = "#000000",
                       bold: bool = False) -> str:
        return (f'<a:{tag} sz="{size}" b="{int(bold)}">{_fill(colour)}'
                f"<a:latin typeface={self.font}/><a:ea typeface={self.font}/>"
                f"<a:cs typeface={self.font}/></a:{tag}>")

    def tx_pr(self, size: int, colour: str = "#000000", *, rotation: int | None = None) -> str:
        """``c:txPr``: the text properties of an axis, a legend or labels."""
        body = "<a:bodyPr/>" if rotation is None else f'<a:bodyPr rot="{rotation}" vert="horz"/>'
        return (f"<c:txPr>{body}<a:lstStyle/><a:p><a:pPr>"
                f"{self.run_properties('defRPr', size, colour)}</a:pPr>"
                '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')

    def rich(self, text: str, size: int, colour: str = "#000000", *,
             rotation: int | None = None) -> str:
        """``c:tx`` with rich text: a title or a label of its own."""
        body = "<a:bodyPr/>" if rotation is None else f'<a:bodyPr rot="{rotation}" vert="horz"/>'
        return (f"<c:tx><c:rich>{body}<a:lstStyle/><a:p><a:pPr>"
                f"{self.run_properties('defRPr', size, colour)}</a:pPr>"
                f"<a:r>{self.run_properties('rPr', size, colour)}"
                f"<a:t>{xml_text(text)}</a:t></a:r></a:p></c:rich></c:tx>")


def _str_cache(texts: list[str]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{xml_text(t)}</c:v></c:pt>' for i, t in enumerate(texts))
    return f'<c:strCache><c:ptCount val="{len(texts)}"/>{points}</c:strCache>'


def _series_parts(col: int, name: str, categories: list[str],
                  values: list[Decimal | None]) -> tuple[str, str, str]:
    """The ``c:tx``, ``c:cat`` and ``c:val`` of the series in sheet column ``col``."""
    last = len(categories) + 1
    tx = (f"<c:tx><c:strRef><c:f>{SHEET}!{_cell(col, 1)}</c:f>{_str_cache([name])}"
          "</c:strRef></c:tx>")
    cat = (f"<c:cat><c:strRef><c:f>{SHEET}!{_cell(0, 2)}:{_cell(0, last)}</c:f>"
           f"{_str_cache(categories)}</c:strRef></c:cat>")
    points = "".join(f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>'
                     for i, v in enumerate(values) if v is not None)
    val = (f"<c:val><c:numRef><c:f>{SHEET}!{_cell(col, 2)}:{_cell(col, last)}</c:f>"
           f'<c:numCache><c:formatCode>#,##0.00</c:formatCode><c:ptCount val="{len(values)}"/>'
           f"{points}</c:numCache></c:numRef></c:val>")
    return tx, cat, val


def _show(*, value: bool = False, percent: bool = False) -> str:
    return (f'<c:showLegendKey val="0"/><c:showVal val="{int(value)}"/>'
            f'<c:showCatName val="0"/><c:showSerName val="0"/>'
            f'<c:showPercent val="{int(percent)}"/><c:showBubbleSize val="0"/>')


def chart_data(chart: Chart) -> tuple[list[str], list[tuple[str, list[Decimal | None]]]]:
    """(category labels, [(series name, values)]) as the chart shows them and its workbook
    holds them: a pie's positive slices, labelled with their amounts; bars' categories
    wrapped (never inside a bracket pair) to the room of a column, or of the labels
    beside horizontal bars."""
    if chart.kind == "pie":
        slices = pie_slices(chart)
        labels = [f"{name}  {format_wan(v, 2, thousands=True)}" for name, v in slices]
        name = chart.series[0].name if chart.series else chart.title
        return labels, [(name, [v for _, v in slices])]
    n = len(chart.categories)
    width = 12.0 if horizontal(chart) else max(3.0, COLUMNS_EM / max(1, n) - 1)
    labels = [wrap_label(c, width) for c in chart.categories]
    return labels, [(s.name, [s.values[i] if i < len(s.values) else None for i in range(n)])
                    for s in chart.series]


def chart_xml(chart: Chart, font: str) -> bytes:
    """The chart part (``word/charts/chartN.xml``) of a chart that has data, in ``font``."""
    text = _Text(font)
    if chart.kind == "pie":
        plot, legend, title = _pie(chart, text)
    else:
        plot, legend, title = _bars(chart, text)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
        '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f"<c:chart>{title}<c:autoTitleDeleted val=\"{int(not title)}\"/>{plot}{legend}"
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>{_NO_LINE}</c:spPr>'
        f"{text.tx_pr(TICK_SIZE)}"
        f'<c:externalData r:id="{WORKBOOK_RID}"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    )
    return xml.encode("utf-8")


def _pie(chart: Chart, text: _Text) -> tuple[str, str, str]:
    """Wedges clockwise from twelve o'clock, the shares inside, the legend on the right
    under 单位 (a title placed over the legend's top)."""
    categories, [(name, values)] = chart_data(chart)
    slices = pie_slices(chart)
    total = sum((v for _, v in slices), Decimal(0))
    tx, cat, val = _series_parts(1, name, categories, values)
    # Wedges parted by white lines (none round a pie of one wedge: it would show at 12 o'clock)
    white = ('<a:ln w="12700"><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:ln>'
             if len(slices) > 1 else _NO_LINE)
    points = "".join(
        f'<c:dPt><c:idx val="{i}"/><c:bubble3D val="0"/>'
        f"<c:spPr>{_fill(PALETTE[i % len(PALETTE)])}{white}</c:spPr></c:dPt>"
        for i in range(len(slices))
    )
    labels = []
    for i, (_, v) in enumerate(slices):
        share = share_percent(v, total)
        if share < PIE_LABEL_BELOW:
            labels.append(f'<c:dLbl><c:idx val="{i}"/><c:delete val="1"/></c:dLbl>')
            continue
        labels.append(
            f'<c:dLbl><c:idx val="{i}"/>{text.rich(f"{share:.2f}%", PIE_LABEL_SIZE, "#ffffff")}'
            f'<c:numFmt formatCode="0.00%" sourceLinked="0"/>'
            f'<c:spPr><a:noFill/>{_NO_LINE}</c:spPr><c:dLblPos val="ctr"/>'
            f"{_show(percent=True)}</c:dLbl>"
        )
    d_lbls = (
        f'<c:dLbls>{"".join(labels)}<c:numFmt formatCode="0.00%" sourceLinked="0"/>'
        f"<c:spPr><a:noFill/>{_NO_LINE}</c:spPr>{text.tx_pr(PIE_LABEL_SIZE, '#ffffff')}"
        f'<c:dLblPos val="ctr"/>{_show(percent=True)}<c:showLeaderLines val="0"/></c:dLbls>'
    )
    series = (f'<c:ser><c:idx val="0"/><c:order val="0"/>{tx}<c:spPr>{white}</c:spPr>'
              f"{points}{d_lbls}{cat}{val}</c:ser>")
    # The pie a circle on the left half: its height 90 % of the chart's, its width the same.
    height = 0.84
    width = height * chart_height_in(chart) / WIDTH_IN
    x = 0.1
    plot = (
        '<c:plotArea><c:layout><c:manualLayout><c:layoutTarget val="inner"/>'
        '<c:xMode val="edge"/><c:yMode val="edge"/>'
        f'<c:x val="{x}"/><c:y val="{(1 - height) / 2:.4f}"/><c:w val="{width:.4f}"/><c:h val="{height}"/>'
        f'</c:manualLayout></c:layout><c:pieChart><c:varyColors val="1"/>{series}'
        '<c:firstSliceAng val="0"/></c:pieChart>'
        f"<c:spPr><a:noFill/>{_NO_LINE}</c:spPr></c:plotArea>"
    )
    # The legend's top: its entries centred on the pie's middle (about 0.085 of the
    # chart's height each); the unit one line above.
    rows = len(slices)
    top = max(0.12, 0.5 - rows * 0.085 / 2)
    left = x + width + 0.06
    legend = (
        '<c:legend><c:legendPos val="r"/><c:layout><c:manualLayout>'
        '<c:xMode val="edge"/><c:yMode val="edge"/>'
        f'<c:x val="{left:.4f}"/><c:y val="{top:.4f}"/></c:manualLayout></c:layout>'
        f'<c:overlay val="0"/><c:spPr><a:noFill/>{_NO_LINE}</c:spPr>'
        f"{text.tx_pr(PIE_LEGEND_SIZE)}</c:legend>"
    )
    title = ""
    if chart.unit:
        title = (
            f"<c:title>{text.rich(f'单位：{chart.unit}', PIE_LEGEND_SIZE)}"
            '<c:layout><c:manualLayout><c:xMode val="edge"/><c:yMode val="edge"/>'
            f'<c:x val="{left + 0.01:.4f}"/><c:y val="{top - 0.1:.4f}"/></c:manualLayout></c:layout>'
            '<c:overlay val="1"/></c:title>'
        )
    return plot, legend, title


def axis_format(axis: Axis) -> str:
    """The value axis's number format: the places its step needs (0.2 steps: #,##0.0)."""
    return "#,##0" + ("." + "0" * axis.decimals if axis.decimals else "")


def _bars(chart: Chart, text: _Text) -> tuple[str, str, str]:
    """Bars (columns; horizontal bars past HORIZONTAL_ABOVE categories, first at the top),
    each labelled with its amount, grid lines along the value axis, the unit on it."""
    categories, series = chart_data(chart)
    across = horizontal(chart)
    axis = chart_axis(chart)
    # Every category labelled where there is room: Word by tickLblSkip 1, LibreOffice by
    # an explicit rotation of 0 (it then lets labels touch rather than leave some out).
    # Too many categories for a page: the renderer labels what it can, and the bars go
    # without their amounts (which would overlap; the table under the chart has them).
    every = not across or _horizontal_room(chart)[1]
    n = len(series)
    sers = []
    for k, (name, values) in enumerate(series):
        tx, cat, val = _series_parts(k + 1, name, categories, values)
        d_lbls = (
            f'<c:dLbls><c:numFmt formatCode="#,##0.00" sourceLinked="0"/>'
            f"<c:spPr><a:noFill/>{_NO_LINE}</c:spPr>{text.tx_pr(BAR_LABEL_SIZE)}"
            f'<c:dLblPos val="outEnd"/>{_show(value=every)}</c:dLbls>'
        )
        sers.append(
            f'<c:ser><c:idx val="{k}"/><c:order val="{k}"/>{tx}'
            f"<c:spPr>{_fill(PALETTE[k % len(PALETTE)])}</c:spPr>"
            f'<c:invertIfNegative val="0"/>{d_lbls}{cat}{val}</c:ser>'
        )
    # The SVG's layout: each bar 0.85 of its room (bar_slot), the rest between the bars
    # (overlap) and the categories (gapWidth), as % of a bar; Word allows a gap up to 500 %.
    share = 0.8 / n if across else bar_slot(COLUMNS_PLOT / len(categories), n) / (
        COLUMNS_PLOT / len(categories))
    gap = min(500, round((1 - (n - 0.15) * share) / (0.85 * share) * 100))
    bar_chart = (
        f'<c:barChart><c:barDir val="{"bar" if across else "col"}"/>'
        f'<c:grouping val="clustered"/><c:varyColors val="0"/>{"".join(sers)}'
        f'<c:gapWidth val="{gap}"/><c:overlap val="-18"/>'
        '<c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>'
    )
    unit = ""
    if chart.unit:
        unit = (f"<c:title>{text.rich(chart.unit, TICK_SIZE, rotation=None if across else -5400000)}"
                '<c:overlay val="0"/></c:title>')
    skip = '<c:tickLblSkip val="1"/>' if every else ""
    cat_ax = (
        '<c:catAx><c:axId val="500000001"/>'
        f'<c:scaling><c:orientation val="{"maxMin" if across else "minMax"}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"l" if across else "b"}"/>'
        '<c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f"<c:spPr>{_AXIS_LINE}</c:spPr>"
        f"{text.tx_pr(CATEGORY_SIZE if across else TICK_SIZE, rotation=0 if every else None)}"
        '<c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        f'<c:lblAlgn val="ctr"/><c:lblOffset val="100"/>{skip}'
        '<c:noMultiLvlLbl val="0"/></c:catAx>'
    )
    val_ax = (
        '<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/>'
        f'<c:max val="{axis.top}"/><c:min val="{axis.bottom}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"b" if across else "l"}"/>'
        '<c:majorGridlines><c:spPr><a:ln w="7620"><a:solidFill><a:srgbClr val="DDDDDD"/>'
        "</a:solidFill></a:ln></c:spPr></c:majorGridlines>"
        f'{unit}<c:numFmt formatCode="{axis_format(axis)}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f"<c:spPr>{_AXIS_LINE}</c:spPr>{text.tx_pr(TICK_SIZE)}"
        f'<c:crossAx val="500000001"/><c:crosses val="{"max" if across else "autoZero"}"/>'
        f'<c:crossBetween val="between"/><c:majorUnit val="{axis.step}"/></c:valAx>'
    )
    plot = (f"<c:plotArea><c:layout/>{bar_chart}{cat_ax}{val_ax}"
            f"<c:spPr><a:noFill/>{_NO_LINE}</c:spPr></c:plotArea>")
    legend = ""
    if n > 1 or chart.kind == "grouped_bar":
        legend = (f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>'
                  f"<c:spPr><a:noFill/>{_NO_LINE}</c:spPr>{text.tx_pr(LEGEND_SIZE)}</c:legend>")
    return plot, legend, ""


# --------------------------------------------------------------------------- embedded workbook

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{NS_R}"><sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
# One font, the two required fills, one border; cell format 1 is built-in number format 4,
# #,##0.00.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def chart_workbook(chart: Chart) -> bytes:
    """The chart's data as a small .xlsx (categories down column A, a column per
    series), the cells the chart part's formulas name: what Word's 编辑数据 opens."""
    categories, series = chart_data(chart)

    def text_cell(col: int, row: int, value: str) -> str:
        return (f'<c r="{_cell(col, row, absolute=False)}" t="inlineStr"><is>'
                f'<t xml:space="preserve">{xml_text(value)}</t></is></c>')

    rows = ['<row r="1">' + "".join(text_cell(k + 1, 1, name) for k, (name, _) in enumerate(series))
            + "</row>"]
    for i, category in enumerate(categories):
        cells = [text_cell(0, i + 2, category)]
        for k, (_, values) in enumerate(series):
            value = values[i]
            if value is not None:
                cells.append(f'<c r="{_cell(k + 1, i + 2, absolute=False)}" s="1">'
                             f"<v>{_number(value)}</v></c>")
        rows.append(f'<row r="{i + 2}">{"".join(cells)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<cols><col min="1" max="1" width="36" customWidth="1"/>'
        f'<col min="2" max="{len(series) + 1}" width="16" customWidth="1"/></cols>'
        f'<sheetData>{"".join(rows)}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                              ("xl/workbook.xml", _WORKBOOK),
                              ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                              ("xl/styles.xml", _STYLES), ("xl/worksheets/sheet1.xml", sheet)):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8"))
    return buffer.getvalue()
