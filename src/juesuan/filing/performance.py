"""The 预算绩效自评 part of a filing: department and project self-evaluations.

What the forms state (targets, actual values, weights, tiers for qualitative
indicators, the scores as printed) is recorded; what juesuan computes (rates,
scores, totals, grades) is not stored, so the two can be compared.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, GetPydanticSchema
from pydantic_core import PydanticCustomError, core_schema

from juesuan.filing.base import Amount, Model


def _alias(mapping: dict[str, str]) -> BeforeValidator:
    """Accept the official Chinese term as well as the identifier."""

    def convert(value: object) -> object:
        if isinstance(value, str):
            text = "".join(value.split())
            return mapping.get(text, text)
        return value

    return BeforeValidator(convert)


class FirstLevel(StrEnum):
    """一级指标."""

    OUTPUT = "output"  # 产出指标
    BENEFIT = "benefit"  # 效益指标
    SATISFACTION = "satisfaction"  # 满意度指标
    # 成本指标: a 一级指标 of its own in the 2021+ central and many provincial templates; older
    # ones (财预〔2020〕10号) count 成本 within 产出 (a scheme says so: level1_within).
    COST = "cost"

    @property
    def label(self) -> str:
        return {"output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标",
                "cost": "成本指标"}[self.value]


FIRST_LEVEL_ALIASES = {
    "产出指标": "output", "产出": "output",
    "效益指标": "benefit", "效益": "benefit",
    "满意度指标": "satisfaction", "满意度": "satisfaction", "服务对象满意度指标": "satisfaction",
    "成本指标": "cost", "成本": "cost",
}


class Tier(StrEnum):
    """定性指标的评价档次."""

    MET = "met"  # 达成预期指标
    PARTLY = "partly"  # 部分达成预期指标并具有一定效果
    UNMET = "unmet"  # 未达成预期指标且效果较差

    @property
    def label(self) -> str:
        return {"met": "达成预期指标", "partly": "部分达成预期指标并具有一定效果",
                "unmet": "未达成预期指标且效果较差"}[self.value]


TIER_ALIASES = {"达成": "met", "达成预期指标": "met", "达成年度指标": "met",
                "部分达成": "partly", "部分达成预期指标并具有一定效果": "partly",
                "部分达成年度指标并具有一定效果": "partly",
                "未达成": "unmet", "未达成预期指标且效果较差": "unmet",
                "未达成年度指标且效果较差": "unmet"}


class Direction(StrEnum):
    """指标性质 as some forms state it explicitly (四川: =, ≥, ≤)."""

    # How a target's value bounds the result: as a filing or a form states it (指标性质, the
    # first three), or as juesuan.performance.targets reads it from a target's text (all five).
    AT_LEAST = "≥"
    AT_MOST = "≤"
    EQUAL = "="
    RANGE = "range"  # read from text only: 80%-90%
    FULL = "full"  # read from text only: 全覆盖 / 全部完成 / 应领尽领, complete, no number


# The directions a filing may state: the same values (≥ ≤ =), the same errors and the same
# JSON Schema as an enum of these three alone; the editor offers these three.
STATED_DIRECTIONS = (Direction.AT_LEAST, Direction.AT_MOST, Direction.EQUAL)
_EXPECTED_DIRECTIONS = (", ".join(repr(d.value) for d in STATED_DIRECTIONS[:-1])
                        + f" or {STATED_DIRECTIONS[-1].value!r}")


def _stated_direction(value: Direction) -> Direction:
    if value not in STATED_DIRECTIONS:
        raise PydanticCustomError("enum", "Input should be {expected}",
                                  {"expected": _EXPECTED_DIRECTIONS})
    return value


StatedDirection = Annotated[
    Literal[Direction.AT_LEAST, Direction.AT_MOST, Direction.EQUAL],
    GetPydanticSchema(lambda _source, _handler: core_schema.no_info_after_validator_function(
        _stated_direction, core_schema.enum_schema(Direction, list(STATED_DIRECTIONS),
                                                   sub_type="str", ref="Direction"))),
]


# Scores, weights and rates are read like amounts: Decimal, never float.
Number = Amount
Weight = Annotated[Amount, Field(ge=0)]
Fraction = Annotated[Amount, Field(ge=0, le=1)]


class IndicatorPart(Model):
    """One unit's (or one fund's) completion of an indicator, for aggregation (湖北 备注2)."""

    unit: str | None = Field(None, description="实施单位或资金来源")
    actual: str = Field(description="实际完成值")
    amount: Amount | None = Field(None, description="资金额度（相对值按其加权平均）")


class Indicator(Model):
    """绩效指标 (三级指标) with its target and actual value."""

    level1: Annotated[FirstLevel, _alias(FIRST_LEVEL_ALIASES)] = Field(description="一级指标")
    level2: str | None = Field(None, description="二级指标，如 数量指标、社会效益指标")
    name: str = Field(min_length=1, description="三级指标")
    target: str = Field(description="年度指标值（年初目标值），如 ≥95%、完成40万件")
    actual: str | None = Field(None, description="实际完成值，如 96%、完成42万件")
    parts: tuple[IndicatorPart, ...] = Field(default=(), description="分单位完成值，汇总后计分")
    weight: Weight | None = Field(None, description="分值（权重）")
    direction: StatedDirection | None = Field(None, description="指标性质（≥ 正向、≤ 反向、=）")
    unit: str | None = Field(None, description="计量单位，如 %、件、天")
    tier: Annotated[Tier | None, _alias(TIER_ALIASES)] = Field(
        None, description="定性评价档次；指标无法量化时填写"
    )
    fraction: Fraction | None = Field(None, description="档次内得分比例，如 0.9 即得分为分值的 90%")
    stated_score: Number | None = Field(None, description="自评得分")
    deviation: str | None = Field(None, description="偏差原因分析及改进措施")


class Funds(Model):
    """项目资金（万元）of one source."""

    initial: Amount | None = Field(None, description="年初预算数")
    adjusted: Amount | None = Field(None, description="全年预算数（调整后）")
    executed: Amount | None = Field(None, description="全年执行数")


class ProjectFunds(Model):
    total: Funds = Field(description="年度资金总额")
    current_year: Funds | None = Field(None, description="其中：当年财政拨款")
    carried_over: Funds | None = Field(None, description="其中：上年结转资金")
    other: Funds | None = Field(None, description="其中：其他资金")


class Stated(Model):
    """Figures as printed on the form, to be compared with juesuan's."""

    # The rate is kept as filed: a fraction (0.86), or a percentage (86) with rate_is_percent.
    rate: Number | None = Field(None, description=(
        "预算执行率；填小数，如 0.86 即 86%、1 即 100%；"
        "填百分数（如 86）时须同时勾选“预算执行率按百分数填写”"))
    rate_is_percent: bool = Field(False, description="预算执行率按百分数填写（如 86 即 86%）")
    execution_score: Number | None = Field(None, description="预算执行得分")
    total: Number | None = Field(None, description="自评总分")
    grade: str | None = Field(None, description="自评等级，如 优、良、中、差")


class ProjectEvaluation(Model):
    """项目支出绩效自评表."""

    name: str = Field(min_length=1, description="项目名称")
    department: str | None = Field(None, description="主管部门")
    implementer: str | None = Field(None, description="项目实施单位")
    category: str | None = Field(None, description="项目类别，如 部门预算项目")
    attribute: str | None = Field(None, description="项目属性，如 持续性项目")
    kind: str | None = Field(None, description="项目类型，如 常年性项目")
    funds: ProjectFunds
    goal: str | None = Field(None, description="年度总体目标")
    achieved: str | None = Field(None, description="年度总体目标实际完成情况")
    indicators: tuple[Indicator, ...] = ()
    deviation_analysis: str | None = Field(None, description="偏差大或目标未完成原因分析")
    improvement: str | None = Field(None, description="改进措施及结果应用方案")
    summary: str | None = Field(None, description="项目自评综述")
    stated: Stated = Stated()


class AnnualTarget(Model):
    """部门整体绩效自评表中的一个年度目标及其指标."""

    description: str = Field(description="年度目标内容")
    weight: Weight = Field(description="该目标分值")
    indicators: tuple[Indicator, ...] = ()
    stated_score: Number | None = Field(None, description="该目标自评得分")


class DepartmentEvaluation(Model):
    """部门整体支出绩效自评表."""

    name: str | None = Field(None, description="单位名称")
    basic_total: Amount | None = Field(None, description="基本支出总额")
    project_total: Amount | None = Field(None, description="项目支出总额")
    budget: Amount = Field(description="部门整体支出预算数（A）")
    executed: Amount = Field(description="部门整体支出执行数（B）")
    targets: tuple[AnnualTarget, ...] = ()
    deviation_analysis: str | None = Field(None, description="偏差大或目标未完成原因分析")
    improvement: str | None = Field(None, description="改进措施及结果应用方案")
    stated: Stated = Stated()


class ProjectCount(Model):
    """A number of projects and the budget they involve."""

    projects: Annotated[int, Field(ge=0)] = Field(description="项目个数")
    amount: Amount | None = Field(None, description="涉及预算金额（万元）")


class Management(Model):
    """预算绩效管理情况, as the 情况说明 reports it (2024 template 十)."""

    description: str | None = Field(
        None, description="预算绩效管理工作开展情况，如 制度建设、工作机制；分段用换行")
    application: str | None = Field(None, description="绩效评价结果应用情况；分段用换行")
    targets: ProjectCount | None = Field(None, description="编报绩效目标的项目")
    tracking: ProjectCount | None = Field(None, description="绩效跟踪评价的项目")
    self_evaluation: ProjectCount | None = Field(
        None, description="绩效自评的项目；不填时按项目自评表统计"
    )
    average_score: Number | None = Field(None, description="自评平均得分；不填时按自评表计算")
    grades: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        None, description="各评级项目个数，如 优、良、合格、不合格"
    )
    problems_found: Annotated[int, Field(ge=0)] | None = Field(None, description="自评发现问题个数")
    problems_fixed: Annotated[int, Field(ge=0)] | None = Field(None, description="已完成整改个数")
    problems_fixing: Annotated[int, Field(ge=0)] | None = Field(None, description="正在整改个数")


class Performance(Model):
    """预算绩效自评."""

    management: Management | None = Field(None, description="预算绩效管理情况；用于情况说明")

    scheme: str | None = Field(None, description="评分办法；按自评表样所依据的文件选择")
    department: DepartmentEvaluation | None = Field(None, description="部门整体支出绩效自评")
    projects: tuple[ProjectEvaluation, ...] = Field(default=(), description="项目支出绩效自评")
