"""The filing: one department's final accounts for one year (部门决算填报数据).

Immutable pydantic models. Amounts are ``Decimal`` in the filing's own unit (元 or
万元) at the precision they were written; nothing is rounded here. Functional
codes are 7-digit 项 codes, economic codes 5-digit 款 codes; 类 and 款 totals are
never entered, they are computed by the table builders.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from juesuan.filing.base import Amount, Count, EconomicCode, FunctionalCode, Model
from juesuan.filing.performance import Performance
from juesuan.money import AmountUnit

SCHEMA_VERSION = 1
# the years a filing may account for
FILING_YEARS = (2000, 2100)


class Fund(StrEnum):
    """资金性质: the three kinds of 财政拨款 and everything else."""

    GENERAL_BUDGET = "general_budget"  # 一般公共预算财政拨款
    GOVERNMENT_FUND = "government_fund"  # 政府性基金预算财政拨款
    STATE_CAPITAL = "state_capital"  # 国有资本经营预算财政拨款
    NON_FISCAL = "non_fiscal"  # 非财政拨款资金

    @property
    def fiscal(self) -> bool:
        return self is not Fund.NON_FISCAL


class Level(StrEnum):
    """预算级次 of the department."""

    CENTRAL = "中央"
    PROVINCE = "省级"
    CITY = "市级"
    COUNTY = "县级"
    TOWNSHIP = "乡镇级"


class Unit(Model):
    """单位构成: one unit included in the department's final accounts."""

    name: str = Field(min_length=1)
    note: str | None = None


class Department(Model):
    name: str = Field(min_length=1, description="部门名称，如 上海市普陀区财政局")
    short_name: str | None = Field(None, description="简称，用于说明文字")
    code: str | None = Field(None, description="部门（单位）编码")
    region: str = Field(min_length=1, description="行政区划，如 上海市普陀区")
    level: Level
    units: tuple[Unit, ...] = Field(default=(), description="部门决算单位构成")


class Organisation(Model):
    """部门概况."""

    duties: tuple[str, ...] = Field(default=(), description="主要职能（职责），逐条")
    structure: str | None = Field(None, description="机构设置")
    staffing: str | None = Field(None, description="人员情况")


class IncomeRow(Model):
    """收入 of one 功能分类 项, by source (收入决算表 columns)."""

    code: FunctionalCode
    name: str | None = Field(None, description="科目名称（可省略，默认取科目表）")
    general_budget: Amount | None = Field(None, description="一般公共预算财政拨款收入")
    government_fund: Amount | None = Field(None, description="政府性基金预算财政拨款收入")
    state_capital: Amount | None = Field(None, description="国有资本经营预算财政拨款收入")
    superior_subsidy: Amount | None = Field(None, description="上级补助收入")
    business: Amount | None = Field(None, description="事业收入")
    operating: Amount | None = Field(None, description="经营收入")
    affiliated_remittance: Amount | None = Field(None, description="附属单位上缴收入")
    other: Amount | None = Field(None, description="其他收入")


INCOME_SOURCES: tuple[str, ...] = (
    "general_budget",
    "government_fund",
    "state_capital",
    "superior_subsidy",
    "business",
    "operating",
    "affiliated_remittance",
    "other",
)


class ExpenditureRow(Model):
    """支出 of one 功能分类 项 from one fund, by kind (支出决算表 columns)."""

    code: FunctionalCode
    name: str | None = None
    fund: Fund = Field(Fund.GENERAL_BUDGET, description="资金来源")
    basic: Amount | None = Field(None, description="基本支出")
    project: Amount | None = Field(None, description="项目支出")
    remit_superior: Amount | None = Field(None, description="上缴上级支出")
    operating: Amount | None = Field(None, description="经营支出")
    subsidy_affiliated: Amount | None = Field(None, description="对附属单位补助支出")


EXPENDITURE_KINDS: tuple[str, ...] = (
    "basic",
    "project",
    "remit_superior",
    "operating",
    "subsidy_affiliated",
)


class EconomicRow(Model):
    """一般公共预算财政拨款基本支出 of one 经济分类 款."""

    code: EconomicCode
    name: str | None = None
    # None: not filled yet (a row brought from last year), never read as 0
    amount: Amount | None = None


class CarryOver(Model):
    """年初/年末结转和结余 of one fund, optionally of one 功能分类 项.

    政府性基金 and 国有资本经营 rows need a code: their tables show carry-over per 项.
    """

    fund: Fund
    code: FunctionalCode | None = None
    opening: Amount | None = Field(None, description="年初结转和结余")
    closing: Amount | None = Field(None, description="年末结转和结余")


class ThreePublicItem(Model):
    budget: Amount | None = Field(None, description="预算数")
    final: Amount | None = Field(None, description="决算数")


class Outbound(ThreePublicItem):
    """因公出国（境）费."""

    groups: Count | None = Field(None, description="团组数")
    persons: Count | None = Field(None, description="人次")


class VehiclePurchase(ThreePublicItem):
    """公务用车购置费."""

    vehicles: Count | None = Field(None, description="购置车辆数")


class VehicleOperation(ThreePublicItem):
    """公务用车运行维护费."""

    fleet: Count | None = Field(None, description="公务用车保有量")


class ForeignReception(Model):
    """外事接待 within 公务接待费 (the template's split 国内公务接待 / 外事接待)."""

    final: Amount | None = Field(None, description="外事接待支出决算数")
    batches: Count | None = Field(None, description="外事接待批次")
    persons: Count | None = Field(None, description="外事接待人次")
    purpose: str | None = Field(None, max_length=400, description="外事接待主要用于")


class Reception(ThreePublicItem):
    """公务接待费: 国内公务接待 (the figures given here) and, when the template splits it, 外事接待."""

    batches: Count | None = Field(None, description="国内公务接待批次")
    persons: Count | None = Field(None, description="国内公务接待人次")
    persons_approximate: bool = Field(
        False, description="人次是约数，公开时写作“96余人次”（如原文“96余人”）")
    purpose: str | None = Field(None, max_length=400, description="国内公务接待主要用于")
    foreign: ForeignReception | None = Field(None, description="其中外事接待（模板分列时）")

    @model_validator(mode="after")
    def _foreign_within(self) -> Reception:
        foreign = self.foreign.final if self.foreign is not None else None
        if foreign is not None and self.final is not None and foreign > self.final:
            raise ValueError(f"外事接待支出 {foreign} 大于公务接待费决算数 {self.final}")
        return self


class ThreePublic(Model):
    """财政拨款“三公”经费."""

    outbound: Outbound = Outbound()
    vehicle_purchase: VehiclePurchase = VehiclePurchase()
    vehicle_operation: VehicleOperation = VehicleOperation()
    reception: Reception = Reception()


class Procurement(Model):
    """政府采购支出 (以合同签订为准)."""

    total: Amount | None = Field(None, description="政府采购金额（如说明中单列总额）")
    goods: Amount | None = Field(None, description="货物采购金额")
    works: Amount | None = Field(None, description="工程采购金额")
    services: Amount | None = Field(None, description="服务采购金额")
    sme_reserved: Amount | None = Field(None, description="面向中小企业预留项目预算金额")
    small_micro_reserved: Amount | None = Field(None, description="面向小微企业预留项目预算金额")
    sme_awarded_reserved: Amount | None = Field(
        None, description="预留项目中由中小企业中标或成交金额"
    )
    small_micro_awarded_reserved: Amount | None = Field(
        None, description="小微企业预留项目中由小微企业中标或成交金额"
    )
    sme_awarded_other: Amount | None = Field(
        None, description="其他项目中由中小企业中标或成交金额"
    )
    description: str | None = Field(None, description="主要用途")


class Vehicles(Model):
    """车辆 by use (国有资产占有使用情况)."""

    ministerial: Count = Field(0, description="部级领导干部用车")
    principal_leader: Count = Field(0, description="主要领导干部用车")
    confidential: Count = Field(0, description="机要通信用车")
    emergency: Count = Field(0, description="应急保障用车")
    law_enforcement: Count = Field(0, description="执法执勤用车")
    special_technical: Count = Field(0, description="特种专业技术用车")
    retired_cadres: Count = Field(0, description="离退休干部用车")
    other: Count = Field(0, description="其他用车")


class Assets(Model):
    """国有资产占有使用情况."""

    as_of: str | None = Field(None, description="截至日期，如 2024-12-31")
    vehicles: Vehicles | None = Field(None, description="车辆（按用途；不填表示未说明，不按 0 辆公开）")
    large_equipment: Count | None = Field(
        None, description="单价100万元（含）以上设备（不含车辆）台（套）数"
    )
    description: str | None = None


class OperatingCosts(Model):
    """机关运行经费."""

    final: Amount = Field(description="机关运行经费支出")
    budget: Amount | None = None


class BudgetItem(Model):
    """年初预算 / 全年预算 of one 功能分类 项 from one fund."""

    code: FunctionalCode
    fund: Fund = Fund.GENERAL_BUDGET
    initial: Amount | None = Field(None, description="年初预算数")
    adjusted: Amount | None = Field(None, description="全年预算数（调整后）")
    purpose: str | None = Field(None, description="主要用于")


class Budget(Model):
    """预算数 used by the budget-vs-final statements."""

    income_initial: Amount | None = Field(None, description="部门预算收入（年初）")
    expenditure_initial: Amount | None = Field(None, description="部门预算支出（年初）")
    general_budget_initial: Amount | None = Field(
        None, description="一般公共预算财政拨款支出年初预算（合计）"
    )
    items: tuple[BudgetItem, ...] = ()


class PriorYearThreePublic(Model):
    outbound: Amount | None = None
    vehicle_purchase: Amount | None = None
    vehicle_operation: Amount | None = None
    reception: Amount | None = None


class PriorYear(Model):
    """上年决算数 for year-over-year statements."""

    grand_total: Amount | None = Field(None, description="收入支出总计")
    income_total: Amount | None = Field(None, description="本年收入合计")
    expenditure_total: Amount | None = Field(None, description="本年支出合计")
    fiscal_grand_total: Amount | None = Field(None, description="财政拨款收入支出总计")
    general_budget_expenditure: Amount | None = Field(
        None, description="一般公共预算财政拨款支出"
    )
    operating_costs: Amount | None = Field(None, description="机关运行经费")
    three_public: PriorYearThreePublic = PriorYearThreePublic()


class Reasons(Model):
    """说明文字 keyed to the statement it explains (主要原因)."""

    grand_total_change: str | None = Field(None, description="收入支出总计增减原因")
    income_change: str | None = Field(None, description="收入增减原因")
    expenditure_change: str | None = Field(None, description="支出增减原因")
    income_budget_vs_final: str | None = Field(None, description="收入预决算差异原因")
    expenditure_budget_vs_final: str | None = Field(None, description="支出预决算差异原因")
    fiscal_total_change: str | None = Field(None, description="财政拨款收入支出总计增减原因")
    general_budget_change: str | None = Field(
        None, description="一般公共预算财政拨款支出增减原因"
    )
    general_budget_vs_initial: str | None = Field(
        None, description="一般公共预算财政拨款支出决算与年初预算差异原因"
    )
    items: dict[str, str] = Field(
        default_factory=dict, description="各功能分类项决算数与预算数差异原因，键为7位科目编码"
    )
    three_public_vs_budget: str | None = Field(None, description="“三公”经费决算与预算差异原因")
    three_public_change: str | None = Field(None, description="“三公”经费增减原因")
    outbound_change: str | None = None
    vehicle_change: str | None = None
    reception_change: str | None = None
    operating_costs_change: str | None = Field(None, description="机关运行经费增减原因")


class Filing(Model):
    """One department's 部门决算 for one year."""

    schema_version: Literal[1] = 1
    year: int = Field(ge=FILING_YEARS[0], le=FILING_YEARS[1], description="决算年度")
    unit: AmountUnit = Field(description="金额单位：元 或 万元")
    layout: str | None = Field(
        None, max_length=40, description="公开模板名称（内置模板见 docs/templates.md）；缺省时按年度选择"
    )
    department: Department
    organisation: Organisation = Organisation()
    income: tuple[IncomeRow, ...] = Field(description="收入，按功能分类项、来源")
    expenditure: tuple[ExpenditureRow, ...] = Field(description="支出，按功能分类项、资金、性质")
    basic_economic: tuple[EconomicRow, ...] = Field(
        default=(), description="一般公共预算财政拨款基本支出，按经济分类款"
    )
    carry_over: tuple[CarryOver, ...] = Field(default=(), description="年初/年末结转和结余")
    non_fiscal_balance_used: Amount | None = Field(None, description="使用非财政拨款结余")
    surplus_distribution: Amount | None = Field(None, description="结余分配")
    three_public: ThreePublic = ThreePublic()
    operating_costs: OperatingCosts | None = None
    procurement: Procurement | None = None
    assets: Assets | None = None
    budget: Budget = Budget()
    prior_year: PriorYear = PriorYear()
    reasons: Reasons = Reasons()
    performance: Performance | None = Field(None, description="预算绩效自评")
    notices: tuple[Annotated[str, Field(min_length=1, max_length=400)], ...] = Field(
        default=(), max_length=3,
        description="封面说明，如示例中重建的明细：“本文件的项级科目和经济分类明细为重建，不代表真实账目”")

    @field_validator("layout")
    @classmethod
    def _known_template(cls, name: str | None) -> str | None:
        from juesuan.template.catalogue import bundled_names, choices

        if name is not None and name not in bundled_names():
            raise ValueError(f"没有名为“{name}”的公开模板，应为：{choices()}")
        return name

    @property
    def display_name(self) -> str:
        return self.department.short_name or self.department.name
