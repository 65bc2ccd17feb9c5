"""Official layouts of the nine public tables: titles, notes and label variants.

Two layouts are known: the central template of 2020 (used by most provinces for
2020–2021) and the Shanghai district template of 2024. They differ in the titles of
tables 7 and 9, the 三公 column order and where the 合计 row stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LayoutName = Literal["central-2020", "shanghai-2024"]


@dataclass(frozen=True)
class Layout:
    name: LayoutName
    titles: dict[int, str]
    total_first_t5: bool  # central prints 合计 above the 类 rows in 表5/8/9
    three_public_by_stage: bool  # central groups 三公 columns 预算数 ‖ 决算数
    vehicle_operation_label: str
    t9_has_income: bool  # 2024 adds 年初/本年收入/年末 columns to 表9


_COMMON_TITLES = {
    1: "收入支出决算总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表",
    6: "一般公共预算财政拨款基本支出决算表",
    8: "政府性基金预算财政拨款收入支出决算表",
}

CENTRAL_2020 = Layout(
    name="central-2020",
    titles={
        **_COMMON_TITLES,
        7: "一般公共预算财政拨款“三公”经费支出决算表",
        9: "国有资本经营预算财政拨款支出决算表",
    },
    total_first_t5=True,
    three_public_by_stage=True,
    vehicle_operation_label="公务用车运行费",
    t9_has_income=False,
)

SHANGHAI_2024 = Layout(
    name="shanghai-2024",
    titles={
        **_COMMON_TITLES,
        7: "财政拨款“三公”经费支出决算表",
        9: "国有资本经营预算财政拨款收入支出决算表",
    },
    total_first_t5=False,
    three_public_by_stage=False,
    vehicle_operation_label="公务用车运行维护费",
    t9_has_income=True,
)

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (CENTRAL_2020, SHANGHAI_2024)}


def layout_for(name: str | None, year: int) -> Layout:
    """The layout a filing names, else the one in force for its year."""
    if name is not None:
        return LAYOUTS[name]
    return CENTRAL_2020 if year <= 2021 else SHANGHAI_2024


NOTES = {
    1: "注：本表反映部门本年度的总收支和年末结转结余情况。",
    2: "注：本表反映部门本年度取得的各项收入情况。",
    3: "注：本表反映部门本年度各项支出情况。",
    4: "注：本表反映部门本年度财政拨款总收支和结转结余情况。",
    5: "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    6: "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    7: "注：本表反映部门本年度“三公”经费支出预决算情况。",
    8: "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。",
    9: "注：本表反映部门本年度国有资本经营预算财政拨款收入支出及结转和结余情况。",
}

# 表9 of the 2020 central form has only expenditure columns.
NOTES_SPENDING_ONLY = {9: "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。"}

EMPTY_NOTES = {
    8: "说明：{name}本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。",
    9: "说明：{name}本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。",
}

# 功能分类 类 printed in 表1 and 表4 even when empty; others appear only with amounts.
NOT_PRINTED_CLASSES = frozenset({"209", "227", "230", "233"})

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 26 → 二十六 (up to 99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


def ordinal(n: int, label: str) -> str:
    """一、一般公共服务支出."""
    return f"{chinese_number(n)}、{label}"
