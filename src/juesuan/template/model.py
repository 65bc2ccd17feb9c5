"""A disclosure template (部门决算公开模板) described as data.

A template says once what varies between the templates real reports follow: the public
tables (number, title, the title variants reports print, note, note of an empty table),
the 功能分类 类 rows 表1 and 表4 print and their names, whether a zero prints blank or
0.00, the 三公 and 表9 column variants, the parts of the document with their headings
and order, the style and the sentence forms of the 情况说明 (增加/减少/持平, 未安排预算),
and the 名词解释.

The table builder, the document, the narrative and the audit read these objects; none
keeps its own list. The bundled templates are YAML files in ``data/`` (see
docs/templates.md); :mod:`juesuan.template.catalogue` reads them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TemplateName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
PartKey = Literal["overview", "tables", "explanation", "glossary", "attachments"]
ExplanationStyle = Literal["shanghai-2024", "seed-2020"]
Numbering = Literal["chinese", "arabic"]

_Text = Annotated[str, Field(min_length=1, max_length=400)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class TableSpec(_Frozen):
    """One public table as the template prints it."""

    number: int = Field(ge=1, le=9, description="表号")
    title: _Text = Field(description="表名")
    variants: tuple[_Text, ...] = Field((), description="实际报告里见到的其他表名写法")
    note: _Text = Field(description="表下注释")
    empty_note: _Text | None = Field(
        None, description="本表无数据时的说明，{name} 代部门名称")


class ClassSpec(_Frozen):
    """A 功能分类 类 row of 表1 and 表4, with the name the template prints."""

    code: Annotated[str, Field(pattern=r"^2\d\d$")]
    name: _Text


class PartSpec(_Frozen):
    """A part of the document: its key and heading ({name} 部门名称, {year} 年度)."""

    key: PartKey
    heading: _Text
    variants: tuple[_Text, ...] = ()


class Term(_Frozen):
    term: _Text
    text: Annotated[str, Field(min_length=1, max_length=2000)]


_Words = Annotated[tuple[_Text, ...], Field(min_length=1)]


class Wording(_Frozen):
    """The sentence forms of the 情况说明: the words the template writes, and the words
    real reports print for the same meaning (the audit reads all of them)."""

    increase: _Text = Field(description="金额增加：增加56.94万元")
    decrease: _Text = Field(description="金额减少")
    rise: _Text = Field(description="幅度增长：增长1.87%")
    fall: _Text = Field(description="幅度下降")
    flat: _Text = Field(description="与上年、与预算数相同：持平")
    roughly_flat: _Text = Field(description="相差很小：基本持平")
    above: _Text = Field(description="决算数大于预算数")
    below: _Text = Field(description="决算数小于预算数")
    no_budget: _Text = Field(description="没有预算时代替“完成预算的X%”：未安排预算")
    up_words: _Words = Field(description="报告中表示增加的词（增加、增长、上升…）")
    down_words: _Words = Field(description="报告中表示减少的词")
    flat_words: _Words = Field(description="报告中表示没有变化的词（持平、无变化…）")
    above_words: _Words = Field(description="决算数“大于”预算数的说法")
    below_words: _Words = Field(description="决算数“小于”预算数的说法")
    equal_words: _Words = Field(description="决算数“等于”预算数的说法")
    same_words: _Words = Field(description="“与预算数持平（一致…）”的说法")
    budget_flat: _Text = Field("持平", description="决算数与预算数相同时写的词：持平（上海 2024：基本持平）")
    item_completion: bool = Field(
        True, description="逐项说明项级科目时写“完成年初预算的X%”（上海 2024 模板只在合计处写）")

    @model_validator(mode="after")
    def _writes_what_it_reads(self) -> Wording:
        pairs = ((self.increase, self.up_words), (self.rise, self.up_words),
                 (self.decrease, self.down_words), (self.fall, self.down_words),
                 (self.flat, self.flat_words), (self.above, self.above_words),
                 (self.below, self.below_words), (self.budget_flat, self.same_words))
        for word, words in pairs:
            if word not in words:
                raise ValueError(f"“{word}”不在对应的说法列表中：juesuan 写的词须能读回")
        return self


class Template(_Frozen):
    """Everything a disclosure template fixes."""

    name: TemplateName
    title: _Text = Field(description="模板名称")
    region: _Text = Field(description="适用范围")
    years: tuple[int, int] = Field(description="适用年度（起、止）")
    source: _Text = Field(description="依据：模板文件或实际公开报告")
    tables: tuple[TableSpec, ...]
    classes: tuple[ClassSpec, ...] = Field(description="表1、表4 列出的支出功能分类类级科目，按顺序")
    zero: Literal["blank", "0.00"] = Field("blank", description="金额为零时：留空或印 0.00")
    total_first: bool = Field(description="表5、表8、表9 的合计行在类级科目之前")
    three_public_by_stage: bool = Field(description="表7 三公经费按预算数、决算数分组列示")
    vehicle_group_label: _Text = Field(description="表7 公务用车购置及运行（维护）费的分组表头")
    vehicle_operation_label: _Text
    state_capital_income: bool = Field(description="表9 列示年初结转结余、本年收入和年末结转结余")
    parts: tuple[PartSpec, ...] = Field(description="各部分，按顺序")
    overview_headings: dict[Literal["duties", "units", "structure"], _Text]
    explanation_style: ExplanationStyle
    glossary_numbering: Numbering = "chinese"
    glossary: tuple[Term, ...]
    wording: Wording = Field(description="情况说明的措辞（增加/减少/持平、未安排预算…）")

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        numbers = [t.number for t in self.tables]
        if numbers != sorted(set(numbers)) or numbers[:7] != list(range(1, 8)):
            raise ValueError("公开表应从表1起按表号排列、不重复，至少包括表1至表7")
        codes = [c.code for c in self.classes]
        if len(codes) != len(set(codes)):
            raise ValueError("表1、表4 的类级科目重复")
        keys = [p.key for p in self.parts]
        if len(keys) != len(set(keys)) or "tables" not in keys:
            raise ValueError("各部分不得重复，且须有决算表部分")
        if self.years[0] > self.years[1]:
            raise ValueError("适用年度起年晚于止年")
        return self

    @property
    def numbers(self) -> tuple[int, ...]:
        """The table numbers the template prints."""
        return tuple(t.number for t in self.tables)

    def table(self, number: int) -> TableSpec | None:
        for spec in self.tables:
            if spec.number == number:
                return spec
        return None

    def table_title(self, number: int) -> str:
        spec = self.table(number)
        if spec is None:
            raise KeyError(number)
        return spec.title

    @property
    def class_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.classes)

    def order(self) -> tuple[PartKey, ...]:
        return tuple(p.key for p in self.parts)

    def part(self, key: PartKey) -> PartSpec | None:
        return next((p for p in self.parts if p.key == key), None)
