"""Parsing 绩效指标 target and actual text; commensurability and completion ratio.

Phrasings marked SEED are the 年初目标值 / 实际完成值 cells of the 绩效自评表 in
tests/fixtures/reports/seed-suizhou-2020.txt (随州市政务服务和大数据管理局 2020);
CZ is the 2022 项目支出绩效自评表 of 池州贵池区棠溪镇 and DY a 项目支出绩效自评表 from
dyrmt.com (both cited in reference/domain.md §5); the rest are common 绩效目标 wordings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juesuan.filing.performance import Direction
from juesuan.performance.targets import (
    Quantity,
    Target,
    commensurable,
    parse_actual,
    parse_target,
    ratio,
)

GE, LE, EQ, RANGE, FULL = (
    Direction.AT_LEAST,
    Direction.AT_MOST,
    Direction.EQUAL,
    Direction.RANGE,
    Direction.FULL,
)
T, A = "target", "actual"

# (kind, text, direction, value, unit, other expected fields); value None for FULL.
CASES: list[tuple[str, str, Direction, str | None, str, dict[str, Any]]] = [
    # SEED: 部门整体绩效自评表 and the four 项目支出绩效自评表
    (T, "2020年完成40万件", GE, "400000", "件", {"measure": None, "period": "年"}),
    (A, "2020年完成52万件", EQ, "520000", "件", {"period": "年"}),
    (T, "服务对象的满意度大于85分", GE, "85", "分", {"strict": True, "measure": "服务对象的满意度"}),
    (T, "服务对象的满意度大于80分", GE, "80", "分", {"strict": True}),
    (A, "满意度90分", EQ, "90", "分", {"measure": "满意度", "strict": False}),
    (A, "满意度86分", EQ, "86", "分", {}),
    (T, "接待办事群众50万人次", EQ, "500000", "人次", {"measure": "接待办事群众"}),
    (A, "接待办事群众60万人次", EQ, "600000", "人次", {}),
    (T, "话务接听量达到6万个", GE, "60000", "个", {"measure": "话务接听量", "period": None}),
    (
        A,
        "日话务量最高近2万多个",
        EQ,
        "20000",
        "个",
        {"measure": "日话务量", "period": "日", "peak": True, "approximate": True},
    ),
    (T, "转办1.2万件", EQ, "12000", "件", {"measure": "转办"}),
    (A, "受理疫情诉求10万余件", EQ, "100000", "件", {"approximate": True}),
    (T, "群众满意率达到90%", GE, "90", "%", {"measure": "群众满意率"}),
    (A, "群众满意率达到95%", EQ, "95", "%", {}),
    (T, "免费邮寄4000件", EQ, "4000", "件", {"measure": "免费邮寄"}),
    (A, "免费邮寄7000件", EQ, "7000", "件", {}),
    (A, "数据共享平台编制政务信息资源目录数1673个", EQ, "1673", "个", {}),
    (T, "实现信息公开平台全覆盖", FULL, None, "", {}),
    (A, "实现信息公开平台市、县、乡镇三级全覆盖", FULL, None, "", {}),
    (T, "四级网络全覆盖", FULL, None, "", {}),
    (A, "四级网络全覆盖、服务一体化", FULL, None, "", {}),
    (T, "政务服务事项和监管事项应领尽领,事项要素达到国家和省级标准", FULL, None, "", {}),
    (
        A,
        "推动“四减、四办”,实现“网络通、数据通、业务通”。政务服务事项和监管事项应领尽领,"
        "事项要素达到国家“四级四同”和省“5级118同”标准",
        FULL,
        None,
        "",
        {},
    ),
    # CZ (池州 2022) and DY
    (T, "≥50个", GE, "50", "个", {}),
    (T, "≥100百分比", GE, "100", "%", {}),
    (T, "≤90万元", LE, "90", "万元", {}),
    (T, "足额保障率=100%", EQ, "100", "%", {"measure": "足额保障率"}),
    (T, "科目调整次数≤10次", LE, "10", "次", {"measure": "科目调整次数"}),
    (T, "按时发放率=100%", EQ, "100", "%", {}),
    (T, "结余率（计算方法为：结余数/预算数）≤5%", LE, "5", "%", {"measure": "结余率"}),
    # common 绩效目标 wordings
    (T, "项目完成率100%", GE, "100", "%", {"measure": "项目完成率"}),
    (T, "资金拨付及时率≥98%", GE, "98", "%", {"measure": "资金拨付及时率"}),
    (T, "故障响应时间≤2小时", LE, "2", "小时", {"measure": "故障响应时间"}),
    (T, "覆盖人数≥5000人次", GE, "5000", "人次", {}),
    (T, "培训人次不少于300人次", GE, "300", "人次", {"measure": "培训人次"}),
    (T, "预算执行率≥90%", GE, "90", "%", {}),
    (T, ">=95%", GE, "95", "%", {"strict": False}),
    (T, "≧95%", GE, "95", "%", {}),
    (T, "≥ 95 %", GE, "95", "%", {}),
    (T, "不低于95%", GE, "95", "%", {}),
    (T, "不得低于90%", GE, "90", "%", {"strict": False}),
    (T, "９５％", EQ, "95", "%", {}),
    (T, "＞85分", GE, "85", "分", {"strict": True}),
    (T, "超过90%", GE, "90", "%", {"strict": True}),
    (T, "高于90%", GE, "90", "%", {"strict": True}),
    (T, "90%以上", GE, "90", "%", {}),
    (T, "达到90%以上", GE, "90", "%", {}),
    (T, "≤5天", LE, "5", "天", {}),
    (T, "不超过5天", LE, "5", "天", {"strict": False}),
    (T, "不高于2%", LE, "2", "%", {}),
    (T, "小于3次", LE, "3", "次", {"strict": True}),
    (T, "低于5%", LE, "5", "%", {"strict": True}),
    (T, "3个工作日以内", LE, "3", "工作日", {}),
    (T, "三个工作日内办结", LE, "3", "工作日", {}),
    (T, "不超过三天", LE, "3", "天", {}),
    (T, "成本控制在90万元以内", LE, "90", "万元", {"measure": "成本"}),
    (T, "90%-95%", RANGE, "90", "%", {"upper": Quantity(Decimal(95), "%")}),
    (T, "90%~95%", RANGE, "90", "%", {"upper": Quantity(Decimal(95), "%")}),
    (T, "90%～95%", RANGE, "90", "%", {"upper": Quantity(Decimal(95), "%")}),
    (T, "5-7天", RANGE, "5", "天", {"upper": Quantity(Decimal(7), "天")}),
    (T, "1-2万件", RANGE, "10000", "件", {"upper": Quantity(Decimal(20000), "件")}),
    (T, "3亿元", EQ, "30000", "万元", {}),
    (T, "500万元", EQ, "500", "万元", {}),
    (T, "项目总成本≤200元", LE, "0.02", "万元", {}),
    (T, "约500人", EQ, "500", "人", {"approximate": True}),
    (T, "500人左右", EQ, "500", "人", {"approximate": True}),
    (T, "1,200人次", EQ, "1200", "人次", {}),
    (T, "每年不少于4次", GE, "4", "次", {"period": "年", "measure": None}),
    (T, "≥4次/年", GE, "4", "次", {"period": "年"}),
    (T, "每月不少于2次", GE, "2", "次", {"period": "月"}),
    (T, "日均接待量≥200人次", GE, "200", "人次", {"period": "日", "measure": "日均接待量"}),
    (T, "12345热线接通率≥95%", GE, "95", "%", {"measure": "12345热线接通率"}),
    (T, "单价100万元（含）以上", GE, "100", "万元", {}),
    (T, "百分之九十五", EQ, "95", "%", {}),
    (T, "安全事故0起", EQ, "0", "起", {}),
    (T, "全部完成", FULL, None, "", {}),
    (T, "困难群众应保尽保", FULL, None, "", {}),
    (A, "全覆盖", FULL, None, "", {}),
    (A, "100%", EQ, "100", "%", {}),
    (A, "满意度90%以上", GE, "90", "%", {}),
    (A, "50", EQ, "50", "", {}),
]

# Qualitative text: not quantifiable, scored by tier.
QUALITATIVE = [
    "数据共享平台编制政务信息资源目录数",  # SEED: the target repeats the indicator name
    "按时支付服务大厅每月水电费、天然气费用、保安、保洁、花卉以及日常维修和人员费用",  # SEED
    "免费寄递 服务",  # SEED
    "严格执行相关制度规定",  # CZ
    "在项目计划完成时间内完成",  # CZ
    "符合相关规定",  # CZ
    "效果明显",  # CZ
    "达成预期指标",  # CZ (实际完成值)
    "成本控制在预算范围内",
    "及时",
    "按期完成",
    "按时完成",
    "2020年12月31日前完成",
    "保障12345市长热线正常运行",
    "",
]


@pytest.mark.parametrize(("kind", "text", "direction", "value", "unit", "extra"), CASES)
def test_parse(
    kind: str, text: str, direction: Direction, value: str | None, unit: str, extra: dict[str, Any]
) -> None:
    parsed = (parse_target if kind == T else parse_actual)(text)
    assert parsed is not None
    assert parsed.direction is direction
    assert parsed.text == text
    if value is None:
        assert parsed.value is None
    else:
        assert parsed.value == Quantity(Decimal(value), unit)
    assert parsed.upper == extra.get("upper")
    for field, expected in extra.items():
        assert getattr(parsed, field) == expected, field


def test_table_is_large_enough() -> None:
    assert len(CASES) + len(QUALITATIVE) >= 40


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative_is_none(text: str) -> None:
    assert parse_target(text) is None
    assert parse_actual(text) is None


def test_values_are_decimal() -> None:
    parsed = parse_target("转办1.2万件")
    assert parsed is not None and parsed.value is not None
    assert isinstance(parsed.value.value, Decimal)
    assert str(parsed.value.value) == "12000"


def _pair(target: str, actual: str) -> tuple[Target, Target]:
    t, a = parse_target(target), parse_actual(actual)
    assert t is not None and a is not None
    return t, a


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("2020年完成40万件", "2020年完成52万件"),
        ("服务对象的满意度大于85分", "满意度90分"),
        ("群众满意率达到90%", "群众满意率达到95%"),
        ("免费邮寄4000件", "免费邮寄7000件"),
        ("接待办事群众50万人次", "接待办事群众60万人次"),
        ("四级网络全覆盖", "四级网络全覆盖、服务一体化"),
        ("实现信息公开平台全覆盖", "实现信息公开平台市、县、乡镇三级全覆盖"),
        ("全覆盖", "覆盖率95%"),
        ("覆盖率≥95%", "全覆盖"),
        ("≥50", "52个"),
        ("≤5天", "4天"),
    ],
)
def test_commensurable(target: str, actual: str) -> None:
    assert commensurable(*_pair(target, actual)) is None


@pytest.mark.parametrize(
    ("target", "actual", "words"),
    [
        ("话务接听量达到6万个", "日话务量最高近2万多个", ("全年", "日", "峰值")),  # SEED
        ("转办1.2万件", "受理疫情诉求10万余件", ("转办", "受理疫情诉求")),  # SEED
        ("满意度≥90%", "满意度90分", ("百分比", "分")),
        ("满意率90%", "满意度90分", ("百分比",)),
        ("≥50件", "52个", ("“件”", "“个”")),
        ("每月不少于2次", "全年24次", ("月", "全年")),
        ("日均接待量≥200人次", "全年接待5万人次", ("日", "全年")),
        ("全覆盖", "覆盖12个乡镇", ("全覆盖",)),
        ("≥50个", "全覆盖", ("全覆盖",)),
    ],
)
def test_not_commensurable(target: str, actual: str, words: tuple[str, ...]) -> None:
    t, a = _pair(target, actual)
    reason = commensurable(t, a)
    assert reason is not None
    for word in words:
        assert word in reason
    assert ratio(t, a) is None


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("2020年完成40万件", "2020年完成52万件", "1.3"),
        ("≤5天", "4天", "1.25"),
        ("≤5天", "0天", "1"),
        ("免费邮寄4000件", "免费邮寄7000件", "1.75"),
        ("服务对象的满意度大于80分", "满意度86分", "1.075"),
        ("群众满意率达到90%", "群众满意率达到99%", "1.1"),
        ("预算执行率≥90%", "预算执行率81%", "0.9"),
        ("四级网络全覆盖", "四级网络全覆盖、服务一体化", "1"),
        ("全覆盖", "覆盖率95%", "0.95"),
        ("项目完成率100%", "全覆盖", "1"),
        ("90%-95%", "93%", "1"),
        ("90%-95%", "72%", "0.8"),
        ("90%-95%", "100%", "0.95"),
        ("安全事故0起", "0起", "1"),
        ("安全事故0起", "2起", "0"),
        ("≥0个", "3个", "1"),
    ],
)
def test_ratio(target: str, actual: str, expected: str) -> None:
    assert ratio(*_pair(target, actual)) == Decimal(expected)


def test_ratio_is_not_capped_or_rounded() -> None:
    value = ratio(*_pair("服务对象的满意度大于85分", "满意度90分"))
    assert value == Decimal(90) / Decimal(85)
    assert value is not None and value > 1


UNITS = ["%", "分", "件", "个", "人次", "天", "万元", "次", "户", "家", "台", "套", "小时", "工作日", ""]
POSITIVE = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("99999999"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(POSITIVE, st.sampled_from(UNITS))
def test_at_least_round_trip(x: Decimal, unit: str) -> None:
    parsed = parse_target(f"≥{x:f}{unit}")
    assert parsed is not None
    assert parsed.direction is Direction.AT_LEAST
    assert parsed.value == Quantity(x, unit)
    assert not parsed.strict


@given(POSITIVE, st.sampled_from(UNITS))
def test_at_most_round_trip(x: Decimal, unit: str) -> None:
    parsed = parse_target(f"不超过{x:f}{unit}")
    assert parsed is not None
    assert parsed.direction is Direction.AT_MOST
    assert parsed.value == Quantity(x, unit)


@given(POSITIVE, POSITIVE)
def test_ratio_at_least_is_actual_over_target(t: Decimal, a: Decimal) -> None:
    assert ratio(*_pair(f"≥{t:f}件", f"{a:f}件")) == a / t
