"""The charts' value axis (nice steps, the places a step needs) and the split of a chart
whose small bars would be slivers beside its large ones, on the examples' real figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.content import Chart, Series
from juesuan.filing.io import load_filing
from juesuan.narrative.charts import (
    SMALL_SHARE,
    THREE_PUBLIC,
    YEAR_OVER_YEAR,
    build_charts,
    charts_for,
    split_by_scale,
    value_axis,
)
from juesuan.narrative.facts import gather_facts
from juesuan.tables.build import build_tables

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def axis_labels(*values: str | None) -> list[str]:
    axis = value_axis(None if v is None else Decimal(v) for v in values)
    return [axis.label(t) for t in axis.ticks]


@pytest.mark.parametrize(("values", "labels"), [
    (("0.9",), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    (("0.39", "0.2"), ["0.0", "0.1", "0.2", "0.3", "0.4"]),
    (("3",), ["0", "1", "2", "3"]),
    (("1", "3", None), ["0", "1", "2", "3"]),
    (("9859", "0.39"), ["0", "2,000", "4,000", "6,000", "8,000", "10,000"]),
    (("2117.37",), ["0", "500", "1,000", "1,500", "2,000", "2,500"]),
    (("0.01",), ["0.00", "0.01"]),  # no step finer than the figures' cent
    # A change could be negative: the axis goes below zero on a step.
    (("-5.5", "12"), ["-10", "-5", "0", "5", "10", "15"]),
    (("-0.3",), ["-0.3", "-0.2", "-0.1", "0.0"]),
    (("0", "0"), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),  # all zero: a flat 0–1
])
def test_ticks_are_nice_and_read_distinctly(values: tuple[str | None, ...],
                                            labels: list[str]) -> None:
    assert axis_labels(*values) == labels


@pytest.mark.parametrize("high", ["0.07", "0.9", "1", "3", "7.77", "99", "182.1", "9859", "123456.78"])
def test_every_axis_covers_its_values_in_distinct_ticks(high: str) -> None:
    axis = value_axis([Decimal(high), Decimal(0)])
    labels = [axis.label(t) for t in axis.ticks]
    assert len(set(labels)) == len(labels)  # never "0 0 0 1 1 1"
    assert axis.bottom == 0 and axis.top >= Decimal(high)
    assert axis.top - axis.step < Decimal(high)  # no empty step at the top
    assert 2 <= len(axis.ticks) - 1 <= 10
    mantissa = axis.step.normalize().as_tuple().digits[0]
    assert mantissa in (1, 2, 5)


def chart(categories: tuple[str, ...], *series: tuple[str, ...]) -> Chart:
    return Chart("k", "对比", "grouped_bar", categories,
                 tuple(Series(f"s{n}", tuple(Decimal(v) for v in values))
                       for n, values in enumerate(series)))


def test_a_sliver_beside_a_large_bar_gets_its_own_chart() -> None:
    # 0.39 and 210.50 are under 3 % of 0–10,000; 0.39 under 3 % of 0–250.
    big = chart(("支出总计", "“三公”经费", "机关运行经费"), ("9859.00", "0.39", "210.50"))
    main, second, third = split_by_scale(big)
    assert (main.key, second.key, third.key) == ("k", "k_2", "k_3")
    assert main.categories == ("支出总计",)
    assert second.categories == ("机关运行经费",) and second.title == "对比（续一）"
    assert third.categories == ("“三公”经费",) and third.title == "对比（续二）"
    assert third.series[0].values == (Decimal("0.39"),)
    assert [s.name for s in third.series] == ["s0"]


def test_a_chart_of_one_scale_is_left_whole() -> None:
    even = chart(("甲", "乙", "丙"), ("100", "40", "3.5"), ("90", "0", "4"))
    assert split_by_scale(even) == (even,)
    pie = Chart("p", "结构", "pie", ("甲", "乙"), (Series("本年", (Decimal(1000), Decimal(1))),))
    assert split_by_scale(pie) == (pie,)


def test_zeros_stay_in_the_first_chart_and_order_is_kept() -> None:
    mixed = chart(("小", "零", "大", "中"), ("0.5", "0", "1000", "600"), ("0.4", "0", "990", "610"))
    main, small = split_by_scale(mixed)
    assert main.categories == ("零", "大", "中")
    assert main.series[1].values == (Decimal(0), Decimal(990), Decimal(610))
    assert small.categories == ("小",) and small.title == "对比（续）"


def test_charts_for_finds_the_split_parts_in_order() -> None:
    parts = split_by_scale(chart(("甲", "乙", "丙"), ("9859", "0.39", "210")))
    charts = {c.key: c for c in parts}
    assert charts_for(charts, ["k", "absent"]) == parts


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example_charts(request: pytest.FixtureRequest) -> dict[str, Chart]:
    filing = load_filing(request.param).filing
    return build_charts(gather_facts(filing, build_tables(filing).rounded(2), None))


def slivers(chart: Chart) -> list[str]:
    """The categories with a non-zero value under 3 % of the chart's axis, but for the one
    that holds the chart's largest value (a category is never split)."""
    axis = value_axis(v for s in chart.series for v in s.values)
    least = SMALL_SHARE * axis.span
    columns = [[abs(v) for s in chart.series if (v := s.values[i]) is not None]
               for i in range(len(chart.categories))]
    peak = max(range(len(columns)), key=lambda i: max(columns[i], default=Decimal(0)))
    return [category for i, category in enumerate(chart.categories)
            if i != peak and any(0 < v < least for v in columns[i])]


def test_no_bar_of_the_examples_is_a_sliver(example_charts: dict[str, Chart]) -> None:
    for chart in example_charts.values():
        if chart.kind != "pie":
            assert slivers(chart) == [], chart.key


amounts = st.one_of(st.none(), st.just(Decimal(0)),
                    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.lists(
    st.lists(amounts, min_size=n, max_size=n), min_size=1, max_size=3)))
def test_the_split_keeps_every_category_and_figure(columns: list[list[Decimal | None]]) -> None:
    """The parts hold the chart's categories once each, in its order within a part, with
    their figures; every part but those of one category has no sliver."""
    n = len(columns[0])
    whole = Chart("k", "对比", "grouped_bar", tuple(f"项{i}" for i in range(n)),
                  tuple(Series(f"s{k}", tuple(c)) for k, c in enumerate(columns)))
    parts = split_by_scale(whole)
    seen = [c for p in parts for c in p.categories]
    assert sorted(seen) == sorted(whole.categories)
    for part in parts:
        index = [whole.categories.index(c) for c in part.categories]
        assert index == sorted(index)
        for s, original in zip(part.series, whole.series, strict=True):
            assert s.values == tuple(original.values[i] for i in index)
        assert slivers(part) == []
    if len(parts) > 1:
        assert slivers(whole)  # split only for a reason


def test_suizhou_year_over_year_is_split_by_scale() -> None:
    """随州 2020: 本年收入合计 2,117.37 beside “三公”经费 0.76 and 机关运行经费 29.74 —
    the two small ones are under 3 % of a 0–2,500 axis, and 0.51 under 3 % of 机关运行经费's."""
    filing = load_filing(ROOT / "examples" / "suizhou-zwfw-2020.yaml").filing
    charts = build_charts(gather_facts(filing, build_tables(filing).rounded(2), None))
    parts = charts_for(charts, [YEAR_OVER_YEAR])
    together = [c for p in parts for c in p.categories]
    assert {"本年收入合计", "“三公”经费", "机关运行经费"} <= set(together)
    home = {c: p for p in parts for c in p.categories}
    assert home["本年收入合计"] is parts[0]
    assert home["“三公”经费"] is not parts[0] and home["机关运行经费"] is not parts[0]
    # The 三公 chart of its own: 0.00 items stay beside 1.21 (zeros are not slivers).
    assert [c.key for c in charts_for(charts, [THREE_PUBLIC])] == [THREE_PUBLIC]
