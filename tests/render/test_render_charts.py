"""Static charts (matplotlib) and ECharts options of the three chart kinds."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from PIL import Image

from juesuan.content import Chart, Document, Series
from juesuan.render.charts import chart_png, chart_svg, echarts_option, pie_slices, share_percent


@pytest.fixture(scope="module")
def charts(document: Document) -> list[Chart]:
    return document.charts()


def test_one_chart_of_each_kind(charts: list[Chart]) -> None:
    assert [c.kind for c in charts] == ["pie", "bar", "grouped_bar"]


def test_svg_is_deterministic_and_dated_nowhere(charts: list[Chart]) -> None:
    for chart in charts:
        svg = chart_svg(chart)
        assert svg == chart_svg(chart)
        assert svg.startswith("<svg")
        assert "<dc:date>" not in svg
        assert "Matplotlib v" not in svg


def test_svg_ids_are_prefixed(charts: list[Chart]) -> None:
    svg = chart_svg(charts[0], id_prefix="chart-x")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("chart-x-") for i in ids)
    refs = re.findall(r'(?:url\(#|href="#)([^")]+)', svg)
    assert refs and set(refs) <= set(ids)


def test_inline_svg_names_no_url(charts: list[Chart]) -> None:
    for chart in charts:
        svg = chart_svg(chart, inline=True)
        assert "http" not in svg and "<metadata" not in svg and "<!--" not in svg
        # Styles are presentation attributes: nothing for an HTML page's CSS to misread.
        assert "style" not in svg
        assert svg.startswith('<svg stroke-linejoin="round" stroke-linecap="butt" ')
        assert 'fill="#2f5597"' in svg


def test_png_is_a_deterministic_image(charts: list[Chart]) -> None:
    for chart in charts:
        png = chart_png(chart, dpi=60)
        assert png == chart_png(chart, dpi=60)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.size == (360, 192)  # 6.0 × 3.2 inches at 60 dpi
        colours = {image.getpixel((x, y)) for x in range(0, 360, 4) for y in range(0, 192, 4)}
        assert len(colours) > 5  # drawn, not blank


def test_cjk_labels_are_drawn_with_a_cjk_font(charts: list[Chart]) -> None:
    svg = chart_svg(charts[1])
    assert re.search(r'id="[^"]*NotoSansCJK', svg) or re.search(r'id="[^"]*WenQuanYi', svg)


def test_no_data_draws_a_note() -> None:
    empty = Chart("empty", "无", "bar", ("甲",), (Series("决算数", (None,)),))
    assert chart_svg(empty).count("<path") < 20
    pie = Chart("p", "无", "pie", ("甲",), (Series("决算数", (Decimal(0),)),))
    assert pie_slices(pie) == []
    assert chart_png(pie, dpi=30)


def test_shares_are_rounded_half_up() -> None:
    assert share_percent(Decimal("1"), Decimal("8")) == Decimal("12.50")
    assert share_percent(Decimal("1"), Decimal("0")) == 0
    # 0.125% exactly: half-up gives 0.13 (half-even would give 0.12).
    assert share_percent(Decimal("1"), Decimal("800")) == Decimal("0.13")


def test_echarts_options(charts: list[Chart]) -> None:
    pie, bar, grouped = (echarts_option(c) for c in charts)
    assert pie["series"][0]["type"] == "pie"
    data = pie["series"][0]["data"]
    assert [d["name"] for d in data] == ["财政拨款收入", "其他收入"]  # the blank one is left out
    assert [d["label"]["formatter"] for d in data] == ["99.93%", "0.07%"]
    assert bar["xAxis"]["type"] == "category" and bar["xAxis"]["axisLabel"]["interval"] == 0
    assert bar["series"][0]["data"][0] == {"value": 1511.89, "label": {"formatter": "1,511.89"}}
    assert len(grouped["series"]) == 2 and grouped["legend"]["show"] is True
    for option in (pie, bar, grouped):
        assert option["animation"] is False
        for s in option["series"]:
            label = s["label"]
            assert label["textBorderWidth"] == 0


def test_many_categories_draw_horizontal_bars() -> None:
    names = tuple(f"科目{i}" for i in range(12))
    chart = Chart("many", "支出", "bar", names,
                  (Series("决算数", tuple(Decimal(i) for i in range(12))),))
    option = echarts_option(chart)
    assert option["yAxis"]["type"] == "category" and option["yAxis"]["inverse"] is True
    assert chart_svg(chart)


def test_has_data() -> None:
    from juesuan.render.charts import has_data

    assert has_data(Chart("p", "有", "pie", ("甲", "乙"), (Series("决算数", (Decimal(0), Decimal(1))),)))
    assert not has_data(Chart("p", "无", "pie", ("甲",), (Series("决算数", (Decimal(0),)),)))
    assert not has_data(Chart("p", "无", "pie", ("甲",), ()))
    assert has_data(Chart("b", "有", "bar", ("甲",), (Series("决算数", (Decimal(0),)),)))
    assert not has_data(Chart("b", "无", "bar", ("甲",), (Series("决算数", (None,)),)))
    assert not has_data(Chart("b", "无", "grouped_bar", (), (Series("决算数", ()),)))


@pytest.mark.parametrize("kind", ["pie", "bar", "grouped_bar"])
def test_dollar_signs_are_text_not_mathtext(kind: str) -> None:
    # Names come from the filing: "$\frac{$" would be a mathtext parse error in matplotlib.
    names = ("a$\\frac{$", "$x^{$", "$$", "_hidden")
    series = tuple(Series(f"s{n}$\\q$", tuple(Decimal(i + 1) for i in range(len(names)))) for n in range(2))
    chart = Chart("k", "t$\\frac{$", kind, names, series[: 1 if kind == "pie" else 2], unit="$\\a$")
    assert chart_png(chart, title=True).startswith(b"\x89PNG")
    assert chart_svg(chart, title=True).startswith("<svg")
