"""Scoring schemes (评分办法) as data: YAML files, not code.

The bundled schemes are in ``schemes/``; a user adds one by writing a file of the
same shape and passing its path (``juesuan score FILING --scheme my.yaml``).
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from juesuan.filing.base import Amount, Model
from juesuan.filing.performance import FirstLevel, Tier
from juesuan.limits import MAX_SCHEME_BYTES
from juesuan.money import in_core_context, printable

if TYPE_CHECKING:
    from juesuan.filing.io import FilingReadError, SourceMap
    from juesuan.filing.model import Filing

Weight = Annotated[Amount, Field(ge=0)]
Fraction = Annotated[Amount, Field(ge=0, le=1)]


class Execution(Model):
    weight: Weight = Field(description="预算执行分值")
    base: Literal["adjusted", "initial"] = Field(
        "adjusted", description="执行率的分母：adjusted 全年（调整后）预算数，initial 年初预算数"
    )
    cap: bool = Field(True, description="得分不超过分值")
    rate_places: int = Field(ge=0, le=10, description="执行率（小数）保留位数，四舍五入后计分")


class Indicators(Model):
    total: Weight = Field(description="绩效指标总分值")
    level1_weights: dict[FirstLevel, Weight] | None = Field(
        None, description="各一级指标分值（如 产出 50、效益 30、满意度 10）；为空表示自由分配"
    )
    level1_within: dict[FirstLevel, FirstLevel] = Field(
        default_factory=dict,
        description="计入另一一级指标分值的一级指标（如 成本指标计入产出指标）",
    )
    satisfaction_optional: bool = Field(False, description="满意度指标可不评")
    drop_and_rescale: bool = Field(False, description="未评价的指标不计，其余按比例折算")
    cap_at_weight: bool = Field(True, description="得分不得突破权重")

    def weighted_level(self, level: FirstLevel) -> FirstLevel | None:
        """The 一级指标 whose points an indicator of ``level`` shares: its own, or the one the
        scheme counts it within; None when the scheme fixes points by 一级指标 and gives none
        to ``level`` (such indicators are not evaluated)."""
        level = self.level1_within.get(level, level)
        if self.level1_weights is None or level in self.level1_weights:
            return level
        return None


class Band(Model):
    """定性档次的得分比例区间 [low, high]."""

    low: Fraction
    high: Fraction
    default: Fraction

    @model_validator(mode="after")
    def ordered(self) -> Band:
        if not self.low <= self.default <= self.high:
            raise ValueError("档次缺省比例应在区间内（low ≤ default ≤ high）")
        return self


class GradeBand(Model):
    name: str
    min: Amount


class Grades(Model):
    stated: bool = Field(True, description="表样是否规定等级；否则为参考等级")
    bands: tuple[GradeBand, ...] = Field(min_length=1)


class Explanations(Model):
    rate_below: Fraction | None = Field(None, description="执行率低于此值须说明偏差原因")
    unmet_indicator: bool = Field(True, description="指标未满分须说明偏差原因")
    over_target_review: Amount | None = Field(
        None, description="完成值超过目标值的此倍数时提示核查目标是否偏低"
    )


class Scheme(Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    source: str
    total: Weight = Decimal(100)
    execution: Execution
    indicators: Indicators
    qualitative: dict[Tier, Band]
    score_places: int = Field(ge=0, le=6, description="得分保留位数")
    grades: Grades
    explanations: Explanations = Explanations()

    @model_validator(mode="after")
    def consistent(self) -> Scheme:
        if self.execution.weight + self.indicators.total != self.total:
            raise ValueError(
                f"预算执行分值 {self.execution.weight} 与指标分值 {self.indicators.total} 之和应为总分 {self.total}"
            )
        level1 = self.indicators.level1_weights
        if level1 is not None and sum(level1.values(), Decimal(0)) != self.indicators.total:
            raise ValueError("各一级指标分值之和应等于指标总分值")
        within = self.indicators.level1_within
        for inner, outer in within.items():
            if outer in within or inner == outer:
                raise ValueError(f"{inner.label}应计入另一个自身不再计入其他指标的一级指标")
            if level1 is not None and (inner in level1 or outer not in level1):
                raise ValueError(f"{inner.label}计入{outer.label}：{outer.label}须有分值，"
                                 f"{inner.label}不能另有分值")
        if set(self.qualitative) != set(Tier):
            raise ValueError("定性档次须包括 met、partly、unmet 三档")
        return self

    def grade(self, score: Decimal) -> str:
        for band in sorted(self.grades.bands, key=lambda b: b.min, reverse=True):
            if score >= band.min:
                return band.name
        return self.grades.bands[-1].name


class SchemeError(Exception):
    """A scheme that cannot be found or read; the message is Chinese."""


@in_core_context
def parse_scheme(text: str, source: str) -> Scheme:
    """Read a scheme from YAML text (amounts and weights as Decimal), with the filing
    reader and all of its bounds (nesting, aliases, numbers, tags, duplicate keys)."""
    from juesuan.filing.io import FilingReadError, parse_data

    try:
        data, source_map = parse_data(text, source, json_format=False)
    except FilingReadError as exc:
        syntax = any(p.message.startswith("YAML 格式错误") for p in exc.problems)
        what = "不是有效的 YAML" if syntax else "有误"  # or a value out of bounds
        raise SchemeError(f"{source}：评分办法文件{what}：{_read_problems(exc)}") from None
    if data is None:
        raise SchemeError(f"{source}：评分办法文件为空")
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(f"{source}：评分办法文件有误：{_details(exc, source_map)}") from None


def _read_problems(exc: FilingReadError) -> str:
    texts = []
    for problem in exc.problems:
        text = f"第 {problem.line} 行：" if problem.line else ""
        if problem.path:
            text += f"{problem.path}："
        text += problem.message
        if problem.expected:
            text += f"（应为：{problem.expected}）"
        if problem.found is not None:
            text += f"（实际：{problem.found}）"
        texts.append(text)
    return "；".join(texts)


def _details(exc: ValidationError, source_map: SourceMap) -> str:
    """The validation errors in Chinese, with field path and line, as for a filing."""
    from juesuan.filing.io import _problems

    details = []
    for error, problem in zip(exc.errors(include_url=False), _problems(exc, source_map), strict=True):
        message, expected, found = problem.message, problem.expected, problem.found
        if error["type"] == "string_pattern_mismatch":
            message, expected = "名称格式不对", "小写字母、数字和连字符，如 hubei-2020"
        if message.startswith("应为"):  # 应为整数: no need to say 应为：整数 again
            expected = None
        if error["type"] == "value_error" and isinstance(error.get("input"), dict | list):
            found = None  # a check of the whole scheme or of a band: the message says it all
        text = f"{problem.path or '评分办法'}"
        if problem.line is not None:
            text += f"（第 {problem.line} 行）"
        text += f"：{message}"
        if expected:
            text += f"（应为：{expected}）"
        if found is not None:
            text += f"（实际：{found}）"
        details.append(text)
    return "；".join(details)


def bundled_names() -> list[str]:
    folder = resources.files("juesuan.performance") / "schemes"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def bundled_schemes() -> dict[str, Scheme]:
    """Every bundled scheme by name, for a caller at the edge to hand to the core (the audit
    scores a report's 自评表 under the bundled scheme its form implies)."""
    return {name: load_scheme(name) for name in bundled_names()}


def load_scheme(name_or_path: str) -> Scheme:
    """A bundled scheme by name, or a scheme file by path."""
    if name_or_path in bundled_names():
        resource = resources.files("juesuan.performance") / "schemes" / f"{name_or_path}.yaml"
        return parse_scheme(resource.read_text(encoding="utf-8"), name_or_path)
    path = Path(name_or_path)
    try:
        found = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        found = False
    if not found:
        known = "、".join(bundled_names())
        raise SchemeError(f"找不到评分办法“{printable(name_or_path)}”：应为内置办法（{known}）或一个 YAML 文件路径")
    from juesuan.filing.io import FilingReadError, read_text

    try:
        text = read_text(path, max_bytes=MAX_SCHEME_BYTES, what="评分办法文件")
    except FilingReadError as exc:
        raise SchemeError(f"{path}：无法读取评分办法文件：{_read_problems(exc)}") from None
    return parse_scheme(text, str(path))


def scheme_for(filing: Filing, chosen: str | None = None, *, where: str | None = None) -> Scheme | None:
    """The scheme that scores ``filing``'s self-evaluations, for the shell (command line,
    ``publish``): ``chosen`` (``--scheme``, a bundled name or a file path) or else the
    filing's ``performance.scheme``. ``None`` when the filing has no performance part or
    names no scheme. A name that is neither bundled nor a readable scheme file raises
    :class:`SchemeError` naming the bundled schemes; for the filing's own name the message
    starts with ``where`` (the file, line and path of ``performance.scheme``)."""
    if chosen is not None:
        scheme = load_scheme(chosen)  # a mistyped --scheme is refused even if unused
        return scheme if filing.performance is not None else None
    name = filing.performance.scheme if filing.performance is not None else None
    if name is None:
        return None
    try:
        return load_scheme(name)
    except SchemeError as exc:
        raise SchemeError(f"{where or '填报文件 performance.scheme'}：{exc}") from None


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML folds a NEL (U+0085) inside a single-quoted scalar into a space when the text
    # is read back; double quotes escape it as \N.
    style = '"' if "\x85" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_scheme(scheme: Scheme) -> str:
    """A scheme as YAML text that :func:`parse_scheme` reads back to an equal scheme."""
    data = scheme.model_dump(mode="json")
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
