"""Charts drawn without a plotting library: the SVG (well-formed, its text real ``<text>``,
labels that fit and do not overlap), the PNG, the ECharts options and the Word chart's
axis — all from the same value axis and label rules."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image

from juesuan.content import Chart, Document, Series
from juesuan.filing.io import load_filing
from juesuan.money import format_wan
from juesuan.narrative.charts import build_charts, value_axis
from juesuan.narrative.facts import gather_facts
from juesuan.render.charts import (
    FONT_FAMILY,
    LINE,
    chart_height,
    chart_picture,
    chart_svg,
    echarts_option,
    has_data,
    pie_slices,
    share_percent,
    text_em,
    wrap_label,
    wrap_lines,
)
from juesuan.tables.build import build_tables

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def charts(document: Document) -> list[Chart]:
    return document.charts()


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example_charts(request: pytest.FixtureRequest) -> list[Chart]:
    """Every chart of an example, split parts included."""
    filing = load_filing(request.param).filing
    return list(build_charts(gather_facts(filing, build_tables(filing).rounded(2), None)).values())


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def labels(svg: str) -> list[str]:
    """The text of each ``<text>`` (its lines joined by a newline)."""
    out = []
    for text in parse(svg).iter(f"{SVG}text"):
        spans = text.findall(f"{SVG}tspan")
        out.append("\n".join(s.text or "" for s in spans) if spans else text.text or "")
    return out


def three_public(*values: str) -> Chart:
    names = ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费")
    return Chart("three_public", "“三公”经费预算数与决算数", "grouped_bar", names,
                 (Series("预算数", tuple(Decimal(v) for v in values[:3])),
                  Series("决算数", tuple(Decimal(v) for v in values[3:]))))


def test_one_chart_of_each_kind(charts: list[Chart]) -> None:
    assert [c.kind for c in charts] == ["pie", "bar", "grouped_bar"]


def test_svg_is_well_formed_deterministic_and_scales_with_the_page(charts: list[Chart]) -> None:
    for chart in charts:
        svg = chart_svg(chart)
        assert svg == chart_svg(chart)
        root = parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("width") == "100%" and root.get("height") is None
        _, _, width, height = (float(x) for x in root.get("viewBox", "").split())
        assert width == 600 and height == pytest.approx(chart_height(chart) * 100)
        assert all(f in root.get("font-family", "") for f in FONT_FAMILY)
        assert "id=" not in svg  # nothing for two charts on one page to share


def test_inline_svg_names_no_url_and_no_style(charts: list[Chart]) -> None:
    for chart in charts:
        svg = chart_svg(chart, inline=True)
        assert svg.startswith("<svg viewBox=")
        assert "http" not in svg and "<!--" not in svg and "style" not in svg
        assert 'fill="#2f5597"' in svg
        ET.fromstring(svg)  # still well-formed


def test_one_text_per_label_of_a_grouped_bar_chart() -> None:
    chart = three_public("0", "0", "0.95", "0", "0", "0")
    axis = value_axis(v for s in chart.series for v in s.values)
    expected = (["单位：万元"] + [axis.label(t) for t in axis.ticks]
                + [format_wan(v, 2) for s in chart.series for v in s.values]
                + [s.name for s in chart.series])
    found = labels(chart_svg(chart))
    categories = [x for x in found if x.replace("\n", "") in chart.categories]
    assert [x.replace("\n", "") for x in categories] == list(chart.categories)
    assert sorted(x for x in found if x not in categories) == sorted(expected)


@pytest.mark.parametrize(("values", "ticks"), [
    (("0", "0", "0.9", "0", "0", "0.5"), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    (("0", "1", "3", "0", "2", "2"), ["0", "1", "2", "3"]),
    (("9859", "0", "1", "9000", "0", "1"), ["0", "2,000", "4,000", "6,000", "8,000", "10,000"]),
])
def test_tick_labels_read_distinctly(values: tuple[str, ...], ticks: list[str]) -> None:
    found = labels(chart_svg(three_public(*values)))
    assert [x for x in found if x in ticks] == ticks  # each once, in order up the axis


def test_a_negative_value_goes_below_a_zero_line() -> None:
    chart = Chart("c", "变动", "bar", ("甲", "乙"), (Series("变动", (Decimal("-5.5"), Decimal(12))),))
    root = parse(chart_svg(chart))
    texts = labels(chart_svg(chart))
    assert [t for t in texts if re.fullmatch(r"-?\d+", t)] == ["-10", "-5", "0", "5", "10", "15"]
    assert "-5.50" in texts
    bars = [r for r in root.iter(f"{SVG}rect")]
    zero = [line for line in root.iter(f"{SVG}line") if line.get("stroke") == "#000000"
            and line.get("y1") == line.get("y2")]
    [axis_line] = zero
    down, up = (float(b.get("y", "")) for b in bars)
    assert down == pytest.approx(float(axis_line.get("y1", "")), abs=0.1)  # hangs from zero
    assert up < down


@pytest.mark.parametrize("width", [3, 4, 5, 6, 8])
def test_a_bracket_pair_is_never_broken(width: float) -> None:
    for label in ("因公出国（境）费", "“三公”经费", "行政运行（2010601）", "其他（含补助）收入",
                  "机关事业单位基本养老保险缴费支出（2080505）"):
        lines = wrap_lines(label, width)
        assert "".join(lines) == label
        pairs = re.findall(r"（[^）]*）|“[^”]*”", label)
        for pair in pairs:
            if text_em(pair) <= width:
                assert any(pair in line for line in lines), (pair, lines)
        for line in lines:
            assert not line.startswith(("）", "”", "，"))
            assert not line.endswith(("（", "“"))


def test_a_bracket_pair_wider_than_a_line_breaks_inside_only_then() -> None:
    label = "其他收入（含上级补助收入、附属单位上缴收入）"
    lines = wrap_lines(label, 6)
    assert "".join(lines) == label and all(text_em(line) <= 6 for line in lines)
    assert not any(line.startswith(("）", "、")) for line in lines)
    # A narrow pair that only does not fit beside its word is parted from it, not broken.
    assert wrap_lines("其他（含补助）收入", 5) == ["其他", "（含补助）", "收入"]


def test_labels_are_wrapped_in_balanced_lines() -> None:
    assert wrap_lines("因公出国（境）费", 6) == ["因公出", "国（境）费"]
    assert wrap_lines("行政运行（2010601）", 6) == ["行政运行", "（2010601）"]  # the code apart
    assert wrap_lines("公务接待费", 6) == ["公务接待费"]
    assert wrap_label("公务用车购置及运行维护费", 6) == "公务用车购置\n及运行维护费"
    assert text_em("因公出国（境）费") == 8 and text_em("2,940.06") == pytest.approx(4.4)


def boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every label, measured as the layout measures:
    a CJK character 1 em wide, any other 0.55 em; an upright label turned a quarter."""
    found = []
    for text in parse(svg).iter(f"{SVG}text"):
        size = float(text.get("font-size", ""))
        x, y = float(text.get("x", "")), float(text.get("y", ""))
        spans = text.findall(f"{SVG}tspan")
        lines = [s.text or "" for s in spans] if spans else [text.text or ""]
        width = max(text_em(line) for line in lines) * size
        anchor = text.get("text-anchor", "start")
        shift = {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        top, bottom = y - 0.88 * size, y + 0.12 * size + (len(lines) - 1) * size * LINE
        if text.get("transform"):  # rotate(-90 x y): the text runs upwards from x, y
            found.append((lines[0], x - 0.88 * size, y - width + shift, x + 0.12 * size, y + shift))
        else:
            found.append(("\n".join(lines), x - shift, top, x - shift + width, bottom))
    return found


def overlaps(svg: str) -> list[tuple[str, str]]:
    return [(a[0], b[0]) for a, b in combinations(boxes(svg), 2)
            if a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5 and a[2] < b[4] - 0.5 and b[2] < a[4] - 0.5]


HARD = [
    Chart("many", "多项", "grouped_bar", tuple(f"机关事业单位基本养老保险缴费支出（20805{i:02d}）"
                                            for i in range(12)),
          (Series("年初预算", tuple(Decimal(i * 1234) for i in range(12))),
           Series("决算", tuple(Decimal(i * 1234) + Decimal("0.55") for i in range(12))))),
    Chart("wide", "六类", "grouped_bar",
          ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费",
           "机关事业单位基本养老保险缴费支出（2080505）", "其他收入（含上级补助收入、附属单位上缴收入）",
           "住房公积金"),
          (Series("预算数", tuple(Decimal(v) for v in ("12345.67", "9859", "5000", "7000.5", "8800", "12000"))),
           Series("决算数", tuple(Decimal(v) for v in ("12000.1", "9000", "4800", "6000", "8000", "11000.99"))))),
    Chart("pie", "结构", "pie", ("甲类收入", "乙类收入（含上级补助收入、附属单位上缴收入）", "丙", "丁", "戊", "己", "庚"),
          (Series("本年", tuple(Decimal(v) for v in (50, 20, 10, 8, 6, 4, 2))),)),
    Chart("neg", "变动", "bar", ("甲", "乙", "丙"), (Series("变动", (Decimal("-5.5"), Decimal(12), Decimal(0))),)),
    three_public("0", "0", "0.95", "0", "0", "0"),
]


@pytest.mark.parametrize("chart", HARD, ids=[c.key for c in HARD])
def test_labels_fit_the_chart_and_do_not_overlap(chart: Chart) -> None:
    svg = chart_svg(chart, title=True)
    _, _, width, height = (float(x) for x in parse(svg).get("viewBox", "").split())
    for text, left, top, right, bottom in boxes(svg):
        assert left >= 0 and right <= width and top >= 0 and bottom <= height, text
    assert overlaps(svg) == []


def test_example_charts_fit_and_do_not_overlap(example_charts: list[Chart]) -> None:
    for chart in example_charts:
        svg = chart_svg(chart)
        assert overlaps(svg) == [], chart.key
        assert len(labels(svg)) == len(parse(svg).findall(f"{SVG}text"))


def test_wide_value_labels_turn_upright() -> None:
    svg = chart_svg(HARD[1])
    upright = [t for t in parse(svg).iter(f"{SVG}text") if t.get("transform")]
    assert len(upright) == 12 and all("rotate(-90" in (t.get("transform") or "") for t in upright)


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_picture_is_a_deterministic_image(charts: list[Chart], kind: str) -> None:
    for chart in charts:
        picture = chart_picture(chart, dpi=60, kind=kind)
        assert picture == chart_picture(chart, dpi=60, kind=kind)
        image = Image.open(io.BytesIO(picture))
        assert image.format == kind.upper()
        image = image.convert("RGB")
        assert image.size == (360, 192)  # 6.0 × 3.2 inches at 60 dpi
        colours = {image.getpixel((x, y)) for x in range(0, 360, 4) for y in range(0, 192, 4)}
        assert len(colours) > 5  # drawn, not blank


def test_picture_kind_is_checked(charts: list[Chart]) -> None:
    with pytest.raises(ValueError, match="gif"):
        chart_picture(charts[0], dpi=30, kind="gif")


def test_no_data_draws_a_note() -> None:
    empty = Chart("empty", "无", "bar", ("甲",), (Series("决算数", (None,)),))
    assert labels(chart_svg(empty)) == ["无数据"]
    pie = Chart("p", "无", "pie", ("甲",), (Series("决算数", (Decimal(0),)),))
    assert pie_slices(pie) == []
    assert labels(chart_svg(pie, title=True)) == ["无", "无数据"]
    image = Image.open(io.BytesIO(chart_picture(pie, dpi=30)))
    assert image.size == (180, 96)


def test_shares_are_rounded_half_up() -> None:
    assert share_percent(Decimal("1"), Decimal("8")) == Decimal("12.50")
    assert share_percent(Decimal("1"), Decimal("0")) == 0
    # 0.125% exactly: half-up gives 0.13 (half-even would give 0.12).
    assert share_percent(Decimal("1"), Decimal("800")) == Decimal("0.13")


def test_pie_labels_its_wide_wedges_with_their_shares(charts: list[Chart]) -> None:
    texts = labels(chart_svg(charts[0]))
    # 1,672.64 of 1,673.87 is 99.93 %; 其他收入's 0.07 % is too narrow to label inside.
    assert "99.93%" in texts and "0.07%" not in texts
    assert "财政拨款收入  1,672.64" in texts and "单位：万元" in texts
    assert not any("事业收入" in t for t in texts)  # blank: not a wedge


def test_text_is_escaped_and_unprintable_characters_dropped() -> None:
    chart = Chart("k", "t<&>", "grouped_bar", ("a<b>&c", "甲\x1f"),
                  tuple(Series(f"s{n}\x02", (Decimal(1), Decimal(2))) for n in range(2)),
                  unit="$\\a$")
    svg = chart_svg(chart, title=True)
    texts = labels(svg)
    assert "a<b>&c" in texts and "甲" in texts and "s0" in texts and "t<&>" in texts
    assert "单位：$\\a$" in texts


def test_echarts_options_share_the_axis_and_labels(charts: list[Chart]) -> None:
    pie, bar, grouped = (echarts_option(c) for c in charts)
    data = pie["series"][0]["data"]
    assert [d["name"] for d in data] == ["财政拨款收入", "其他收入"]  # the blank one is left out
    assert [d["label"]["formatter"] for d in data] == ["99.93%", "0.07%"]
    assert [d["label"]["show"] for d in data] == [True, False]
    axis = value_axis(v for s in charts[1].series for v in s.values)
    assert (bar["yAxis"]["min"], bar["yAxis"]["max"], bar["yAxis"]["interval"]) == (
        float(axis.bottom), float(axis.top), float(axis.step))
    assert bar["xAxis"]["type"] == "category" and bar["xAxis"]["axisLabel"]["interval"] == 0
    assert bar["xAxis"]["data"] == ["一般公共服务支出", "社会保障和就业支出"]
    assert bar["series"][0]["data"][0] == {"value": 1511.89, "label": {"formatter": "1,511.89"}}
    assert len(grouped["series"]) == 2 and grouped["legend"]["show"] is True
    assert grouped["legend"]["bottom"] == 0 and grouped["grid"]["containLabel"] is True
    for option in (pie, bar, grouped):
        assert option["animation"] is False
        for s in option["series"]:
            assert s["label"]["textBorderWidth"] == 0


def test_echarts_narrow_containers_get_their_own_layout() -> None:
    option = echarts_option(HARD[1])
    default, narrow = option["media"]
    assert "query" not in default and narrow["query"] == {"maxWidth": 480}
    # Categories wrapped to a phone's band, never inside a bracket pair that fits a line.
    assert "（境）" in narrow["option"]["xAxis"]["data"][0]
    assert narrow["option"]["xAxis"]["data"][3].endswith("\n（2080505）")
    assert len(narrow["option"]["xAxis"]["data"][1].split("\n")) > len(
        default["option"]["xAxis"]["data"][1].split("\n"))
    assert narrow["option"]["series"][0]["label"]["rotate"] == 90
    pie = echarts_option(HARD[2])
    assert pie["media"][1]["option"]["legend"]["bottom"] == 0


def test_many_categories_draw_horizontal_bars() -> None:
    option = echarts_option(HARD[0])
    assert option["yAxis"]["type"] == "category" and option["yAxis"]["inverse"] is True
    assert option["xAxis"]["type"] == "value"
    assert chart_height(HARD[0]) > 3.2  # grows with the categories


def test_has_data() -> None:
    assert has_data(Chart("p", "有", "pie", ("甲", "乙"), (Series("决算数", (Decimal(0), Decimal(1))),)))
    assert not has_data(Chart("p", "无", "pie", ("甲",), (Series("决算数", (Decimal(0),)),)))
    assert not has_data(Chart("p", "无", "pie", ("甲",), ()))
    assert has_data(Chart("b", "有", "bar", ("甲",), (Series("决算数", (Decimal(0),)),)))
    assert not has_data(Chart("b", "无", "bar", ("甲",), (Series("决算数", (None,)),)))
    assert not has_data(Chart("b", "无", "grouped_bar", (), (Series("决算数", ()),)))


def test_word_chart_axis_is_the_same_axis() -> None:
    from juesuan.render.docx_chart import chart_data, chart_xml

    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    chart = three_public("0", "0", "0.95", "0", "0", "0")
    part = ET.fromstring(chart_xml(chart, "黑体"))
    axis = part.find(f".//{c}valAx")
    assert axis is not None
    assert axis.find(f"{c}scaling/{c}max").get("val") == "1.0"  # type: ignore[union-attr]
    assert axis.find(f"{c}scaling/{c}min").get("val") == "0.0"  # type: ignore[union-attr]
    assert axis.find(f"{c}majorUnit").get("val") == "0.2"  # type: ignore[union-attr]
    assert axis.find(f"{c}numFmt").get("formatCode") == "#,##0.0"  # type: ignore[union-attr]
    big = three_public("9859", "0", "1", "9000", "0", "1")
    big_axis = ET.fromstring(chart_xml(big, "黑体")).find(f".//{c}valAx")
    assert big_axis is not None
    assert big_axis.find(f"{c}numFmt").get("formatCode") == "#,##0"  # type: ignore[union-attr]
    assert big_axis.find(f"{c}scaling/{c}max").get("val") == "10000"  # type: ignore[union-attr]
    categories, _ = chart_data(chart)
    assert categories[0] == "因公出国（境）费"  # fits a third of the plot: one line
    wide = chart_data(HARD[1])[0]
    assert "（境）" in wide[0] and wide[3].endswith("\n（2080505）")
