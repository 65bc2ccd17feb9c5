"""The editing forms of a filing, generated from the pydantic model, and the mapping between
flat form values and the filing's plain data. Pure: no Django, no I/O.

Every field of :class:`~juesuan.filing.model.Filing` (and the models it nests, performance
included) becomes a form node: a :class:`Scalar` input, a :class:`Group` of fields, a table of
:class:`Rows` or of key/value :class:`Pairs`. A field added to the model appears in the forms
without further work (labelled by its ``description``, or by :data:`LABELS`).

Form fields are named by their path in the data: ``income.3.general_budget``,
``performance.projects.0.indicators.2.name``, ``reasons.items.1.key``. Besides the values a
form carries markers whose last segment starts with ``_`` (no model field does):

* ``<rows>.<i>._row``: the row existed when the form was opened (kept even if blanked);
* ``<rows>.<i>._delete``: the row is to be removed;
* ``<group>._present``: an optional part (机关运行经费, 绩效自评 …) existed;
* ``<group>._omit``: the optional part is to be removed;
* ``<rate>._fraction``: a 预算执行率 filed as a fraction, as saved (see :data:`PERCENT_FIELDS`).

A new row or optional part is taken when any of its fields holds something other than its
default. Blank means "not filled": amounts, counts and optional texts left blank are omitted
(the model's default applies). Amounts are kept as the decimal text typed (after turning
full-width digits, thousands separators and spaces into plain digits), never as floats.
"""

from __future__ import annotations

import re
import types
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from juesuan.filing.base import EconomicCode, FunctionalCode
from juesuan.filing.model import Filing

Kind = Literal["amount", "integer", "text", "longtext", "choice", "flag", "functional", "economic",
               "percent"]
PathKey = tuple[str | int, ...]

ROW = "_row"
DELETE = "_delete"
PRESENT = "_present"
OMIT = "_omit"
FRACTION = "_fraction"


@dataclass(frozen=True)
class Scalar:
    name: str
    label: str
    kind: Kind
    required: bool = False
    default: Any = None  # plain data form of the model's default (None: blank)
    choices: tuple[tuple[str, str], ...] = ()
    hint: str | None = None
    flag: str | None = None  # a percent: the model's field saying the value is a percentage


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    fields: tuple[Node, ...]
    optional: bool = False  # the model allows None for the whole group
    hint: str | None = None

    @property
    def flat(self) -> bool:
        return all(isinstance(f, Scalar) for f in self.fields)


@dataclass(frozen=True)
class Rows:
    """A tuple of items: rows of a table (flat items) or cards (nested items)."""

    name: str
    label: str
    item: Group | Scalar
    hint: str | None = None


@dataclass(frozen=True)
class Pairs:
    """A mapping, edited as rows of key and value."""

    name: str
    label: str
    key: Scalar
    value: Scalar
    nullable: bool = False
    hint: str | None = None


Node = Scalar | Group | Rows | Pairs


# --- labels ----------------------------------------------------------------------------------

# Labels where the model has no description (by model and field), or where it reads badly.
LABELS: dict[tuple[str, str], str] = {
    ("Filing", "department"): "部门",
    ("Filing", "organisation"): "机构职能",
    ("Filing", "three_public"): "“三公”经费",
    ("Filing", "operating_costs"): "机关运行经费",
    ("Filing", "procurement"): "政府采购",
    ("Filing", "assets"): "国有资产占有使用情况",
    ("Filing", "budget"): "预算数",
    ("Filing", "prior_year"): "上年决算数",
    ("Filing", "reasons"): "增减变化原因",
    ("Filing", "schema_version"): "格式版本",
    ("Filing", "unit"): "金额单位",
    ("Department", "level"): "预算级次",
    ("Unit", "name"): "单位名称",
    ("Unit", "note"): "备注",
    ("IncomeRow", "code"): "功能分类科目编码",
    ("ExpenditureRow", "code"): "功能分类科目编码",
    ("ExpenditureRow", "name"): "科目名称",
    ("CarryOver", "code"): "功能分类科目编码（政府性基金、国有资本经营必填）",
    ("CarryOver", "fund"): "资金性质",
    ("BudgetItem", "code"): "功能分类科目编码",
    ("BudgetItem", "fund"): "资金来源",
    ("EconomicRow", "code"): "经济分类科目编码",
    ("EconomicRow", "name"): "科目名称",
    ("EconomicRow", "amount"): "金额",
    ("ThreePublic", "outbound"): "因公出国（境）费",
    ("ThreePublic", "vehicle_purchase"): "公务用车购置费",
    ("ThreePublic", "vehicle_operation"): "公务用车运行维护费",
    ("ThreePublic", "reception"): "公务接待费",
    ("OperatingCosts", "budget"): "机关运行经费预算数",
    ("Assets", "vehicles"): "车辆（按用途）",
    ("Assets", "description"): "其他说明",
    ("Budget", "items"): "各功能分类项预算",
    ("PriorYear", "three_public"): "上年“三公”经费决算数",
    ("PriorYearThreePublic", "outbound"): "因公出国（境）费",
    ("PriorYearThreePublic", "vehicle_purchase"): "公务用车购置费",
    ("PriorYearThreePublic", "vehicle_operation"): "公务用车运行维护费",
    ("PriorYearThreePublic", "reception"): "公务接待费",
    ("Reasons", "outbound_change"): "因公出国（境）费增减原因",
    ("Reasons", "vehicle_change"): "公务用车购置及运行维护费增减原因",
    ("Reasons", "reception_change"): "公务接待费增减原因",
    ("Reasons", "items"): "各功能分类项决算数与预算数差异原因",
    ("DepartmentEvaluation", "targets"): "年度目标",
    ("DepartmentEvaluation", "stated"): "自评结果",
    ("AnnualTarget", "indicators"): "绩效指标",
    ("ProjectEvaluation", "funds"): "项目资金",
    ("ProjectEvaluation", "indicators"): "绩效指标",
    ("ProjectEvaluation", "stated"): "自评结果",
    ("Management", "grades"): "各评级项目个数",
}

# Labels of the values of enums and literals (where the value itself is not Chinese).
CHOICE_LABELS: dict[str, str] = {
    "general_budget": "一般公共预算财政拨款",
    "government_fund": "政府性基金预算财政拨款",
    "state_capital": "国有资本经营预算财政拨款",
    "non_fiscal": "非财政拨款资金",
    "output": "产出指标",
    "benefit": "效益指标",
    "satisfaction": "满意度指标",
    "cost": "成本指标",
    "met": "达成预期指标",
    "partly": "部分达成预期指标并具有一定效果",
    "unmet": "未达成预期指标且效果较差",
}



def _schemes() -> tuple[tuple[str, str], ...]:
    from juesuan.performance.scheme import bundled_names, load_scheme

    # By its Chinese title alone: the filer picks the rules of their form, not an identifier.
    return tuple((name, load_scheme(name).title) for name in bundled_names())


def _templates() -> tuple[tuple[str, str], ...]:
    from juesuan.template.catalogue import bundled, bundled_names

    return tuple((name, f"{name}：{bundled(name).title}") for name in bundled_names())


# Text fields chosen from a list (the web app offers the bundled 评分办法 and 公开模板 only,
# never a file path).
CHOICE_OVERRIDES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("Performance", "scheme"): _schemes(),
    ("Filing", "layout"): _templates(),
}

# Pairs: labels of the key and value columns, by (model, field).
PAIR_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("Reasons", "items"): ("科目编码", "差异原因"),
    ("Management", "grades"): ("评级（如 优、良）", "项目个数"),
}

# Pairs whose keys are codes: (model, field) → kind of the key.
PAIR_KEY_KINDS: dict[tuple[str, str], Kind] = {("Reasons", "items"): "functional"}

# Text fields that take paragraphs (a textarea) rather than one line.
LONG_TEXT_MODELS = {"Reasons", "Organisation"}
LONG_TEXT_FIELDS = {"description", "goal", "achieved", "summary", "deviation_analysis",
                    "improvement", "deviation", "purpose", "actual", "target", "structure",
                    "staffing"}

HIDDEN_FIELDS = {"schema_version"}  # kept from the saved data; not edited

# Figures a file may give as a fraction (0.86) or, with a flag, as a percentage (86), edited as a
# percentage only: (model, field) → the flag, which the form does not show. See percent_shown.
PERCENT_FIELDS: dict[tuple[str, str], str] = {("Stated", "rate"): "rate_is_percent"}

_CJK = re.compile(r"[\u3400-\u9fff]")


def _label(owner: type[BaseModel], name: str, info: FieldInfo, target: Any) -> tuple[str, str | None]:
    """The field's label and, when the description says more, the whole description as a hint."""
    mapped = LABELS.get((owner.__name__, name))
    description = info.description
    if mapped:
        return mapped, description if description and description != mapped else None
    if description:
        short = re.split(r"，如|，缺省|；", description, maxsplit=1)[0]
        return short, description if short != description else None
    doc = (target.__doc__ or "") if isinstance(target, type) else ""
    first = re.split(r"[:.：\n]", doc.strip(), maxsplit=1)[0].strip()
    if first and _CJK.search(first):
        return first, None
    return name, None


# --- building the nodes from the model -----------------------------------------------------------


def _unwrap(annotation: Any, metadata: Sequence[Any]) -> tuple[Any, tuple[Any, ...], bool]:
    """(base type, its Annotated metadata, whether None is allowed)."""
    meta = list(metadata)
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            annotation = args[0]
            meta = list(args[1:]) + meta
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(members) < len(get_args(annotation))
            if len(members) != 1:
                return annotation, tuple(meta), nullable
            annotation = members[0]
        else:
            return annotation, tuple(meta), nullable


def _plain_default(info: FieldInfo) -> Any:
    if info.default_factory is not None or info.default is PydanticUndefined:
        return None
    value = info.default
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel | tuple | dict):
        return None
    return value


def _choices(base: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(base, type) and issubclass(base, Enum):
        return tuple((str(m.value), CHOICE_LABELS.get(str(m.value), str(m.value))) for m in base)
    return tuple((str(v), CHOICE_LABELS.get(str(v), str(v))) for v in get_args(base))


def _scalar_kind(owner: type[BaseModel], name: str, base: Any, meta: tuple[Any, ...]) -> Kind | None:
    if base is str:
        if meta == get_args(FunctionalCode)[1:]:
            return "functional"
        if meta == get_args(EconomicCode)[1:]:
            return "economic"
        return "longtext" if owner.__name__ in LONG_TEXT_MODELS or name in LONG_TEXT_FIELDS else "text"
    if base is bool:
        return "flag"
    if base is int:
        return "integer"
    if base is Decimal:
        return "amount"
    if get_origin(base) is Literal or (isinstance(base, type) and issubclass(base, Enum)):
        return "choice"
    return None


def _node(owner: type[BaseModel], name: str, info: FieldInfo) -> Node:
    base, meta, nullable = _unwrap(info.annotation, info.metadata)
    label, hint = _label(owner, name, info, base)
    flag = PERCENT_FIELDS.get((owner.__name__, name))
    if flag is not None:  # the description's hint on fractions and the flag is for files
        return Scalar(name, label, "percent", hint="按百分数填写，如 86 即 86%、95.5 即 95.5%",
                      flag=flag)
    kind = _scalar_kind(owner, name, base, meta)
    override = CHOICE_OVERRIDES.get((owner.__name__, name))
    if override is not None:
        return Scalar(name, label, "choice", required=info.is_required(), default=_plain_default(info),
                      choices=override, hint=hint)
    if kind is not None:
        return Scalar(name, label, kind, required=info.is_required(), default=_plain_default(info),
                      choices=_choices(base) if kind == "choice" else (), hint=hint)
    if isinstance(base, type) and issubclass(base, BaseModel):
        return group_of(base, name, label, optional=nullable, hint=hint)
    origin = get_origin(base)
    if origin is tuple:
        item_type = get_args(base)[0]
        item = _item(owner, name, item_type, label)
        return Rows(name, label, item, hint=hint)
    if origin is dict:
        key_type, value_type = get_args(base)
        key_label, value_label = PAIR_LABELS.get((owner.__name__, name), ("键", "值"))
        key_base, key_meta, _ = _unwrap(key_type, ())
        value_base, value_meta, _ = _unwrap(value_type, ())
        key_kind = PAIR_KEY_KINDS.get((owner.__name__, name)) or _scalar_kind(owner, name, key_base, key_meta)
        if key_kind is None or key_kind == "longtext":
            key_kind = "text"
        key = Scalar("key", key_label, key_kind, required=True)
        value_kind = _scalar_kind(owner, name, value_base, value_meta) or "text"
        value = Scalar("value", value_label, value_kind, required=True)
        return Pairs(name, label, key, value, nullable=nullable, hint=hint)
    raise TypeError(f"无法为字段 {owner.__name__}.{name} 生成表单（类型 {base!r}）")


def _item(owner: type[BaseModel], name: str, item_type: Any, label: str) -> Group | Scalar:
    base, meta, _ = _unwrap(item_type, ())
    if isinstance(base, type) and issubclass(base, BaseModel):
        return group_of(base, "", label)
    kind = _scalar_kind(owner, name, base, meta)
    if kind is None:
        raise TypeError(f"无法为字段 {owner.__name__}.{name} 的列表项生成表单")
    return Scalar("", label, kind, required=True)


def group_of(model: type[BaseModel], name: str, label: str, *, optional: bool = False,
             hint: str | None = None) -> Group:
    flags = {flag for (owner, _), flag in PERCENT_FIELDS.items() if owner == model.__name__}
    fields = tuple(_node(model, n, info) for n, info in model.model_fields.items()
                   if n not in HIDDEN_FIELDS and n not in flags)
    return Group(name, label, fields, optional=optional, hint=hint)


FILING = group_of(Filing, "", "决算填报")


# --- sections: one page each -----------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]  # top-level fields of the filing

    @property
    def nodes(self) -> tuple[Node, ...]:
        by_name = {n.name: n for n in FILING.fields}
        return tuple(by_name[f] for f in self.fields if f in by_name)


_SECTIONS = (
    Section("basic", "基本信息", ("year", "unit", "layout", "department", "notices")),
    Section("organisation", "机构职能", ("organisation",)),
    Section("income", "收入", ("income",)),
    Section("expenditure", "支出", ("expenditure",)),
    Section("basic-economic", "基本支出经济分类", ("basic_economic",)),
    Section("carry-over", "结转结余", ("carry_over", "non_fiscal_balance_used", "surplus_distribution")),
    Section("three-public", "“三公”经费", ("three_public",)),
    Section("operating-costs", "机关运行经费", ("operating_costs",)),
    Section("procurement", "政府采购", ("procurement",)),
    Section("assets", "国有资产", ("assets",)),
    Section("budget", "预算数", ("budget",)),
    Section("prior-year", "上年数", ("prior_year",)),
    Section("reasons", "增减原因", ("reasons",)),
    Section("performance", "绩效自评", ("performance",)),
)


def sections_of(filing: Group) -> tuple[Section, ...]:
    """The pages; top-level fields no page names (a field added to the model) go on “其他”."""
    placed = {f for s in _SECTIONS for f in s.fields} | HIDDEN_FIELDS
    rest = tuple(n.name for n in filing.fields if n.name not in placed)
    return _SECTIONS + ((Section("other", "其他", rest),) if rest else ())


SECTIONS: tuple[Section, ...] = sections_of(FILING)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}


def merge(current: Mapping[str, Any], section: Section, data: Mapping[str, Any]) -> dict[str, Any]:
    """The filing's data with ``section`` replaced by ``data`` (the rest as saved)."""
    merged = dict(current)
    for name in section.fields:
        if name in data:
            merged[name] = data[name]
        else:
            merged.pop(name, None)
    return merged


# --- normalising typed values ----------------------------------------------------------------------

_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\ufe63": "-"})
_SPACES = re.compile(r"\s+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_INTEGER_DIGITS = 18  # more is no count; Python refuses to convert thousands of digits at all


def normalise_number(text: str) -> str:
    """"１，２３４．５６" and "1,234.56" → "1234.56": full-width forms, separators and spaces out."""
    text = unicodedata.normalize("NFKC", text).translate(_MINUS)
    return _SPACES.sub("", text).replace(",", "")


def normalise_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _blank(raw: str | None) -> bool:
    return raw is None or not raw.strip()


def parse_scalar(node: Scalar, raw: str | None) -> Any:
    """The plain data value of one input (None: not filled)."""
    if node.kind == "flag":
        return raw is not None and raw.strip().lower() in ("on", "1", "true", "yes")
    if raw is None:
        return "" if node.kind in ("text", "longtext") and node.required and node.default is None else None
    if node.kind in ("text", "longtext"):
        text = normalise_text(raw)
        if not text:
            return "" if node.required and node.default is None else None
        return text
    if _blank(raw):
        return None
    if node.kind == "amount":
        return normalise_number(raw)
    if node.kind == "percent":  # "86%" as typed is 86
        return normalise_number(raw).removesuffix("%") or None
    if node.kind == "integer":
        number = normalise_number(raw)
        return int(number) if _INTEGER.fullmatch(number) and len(number) <= _INTEGER_DIGITS else number
    if node.kind in ("functional", "economic"):
        return normalise_number(raw)
    return raw.strip()


def scalar_text(node: Scalar, value: Any) -> str:
    """The form text of a plain data value."""
    if node.kind == "flag":
        return "on" if value else ""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def is_content(node: Scalar, raw: str | None) -> bool:
    """Whether an input holds something other than blank or its default."""
    value = parse_scalar(node, raw)
    if node.kind == "flag":
        return bool(value) != bool(node.default)
    if value is None or value == "":
        return False
    return node.default is None or str(value) != str(node.default)


# --- percentages ----------------------------------------------------------------------------------


def _percent_text(value: Any) -> str | None:
    """A fraction as the percentage it is, exactly ("0.86" → "86", "1" → "100"); None when it is
    no number (kept as typed for the model to report)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    # a rate is near 1; an exponent in the thousands (the marker is posted) is no rate to write out
    if not number.is_finite() or abs(number.adjusted()) > 30:
        return None
    return format(number.scaleb(2), "f")


def percent_shown(value: Any, is_percent: bool) -> tuple[Any, str | None]:
    """A PERCENT_FIELDS value as its input shows it (always a percentage) and, when it was
    filed as a fraction, that fraction for the form to carry back (``<rate>._fraction``)."""
    if value is None or is_percent:
        return value, None
    shown = _percent_text(value)
    return (value, None) if shown is None else (shown, str(value))


def percent_saved(typed: Any, fraction: str | None) -> tuple[Any, bool]:
    """What is saved of a percentage typed in the form, and whether it is flagged as one: the
    fraction as filed when the input still shows it (a page saved as shown changes nothing),
    else the percentage as typed. No arithmetic on what was typed: nothing is rounded."""
    shown = _percent_text(fraction) if fraction is not None else None
    if shown is not None and _same_number(shown, typed):
        return fraction, False
    return typed, True


def _same_number(a: str, b: Any) -> bool:
    try:
        return Decimal(a) == Decimal(str(b))
    except InvalidOperation:
        return False


# --- data → form -----------------------------------------------------------------------------------


def join(prefix: str, name: str | int) -> str:
    return f"{prefix}.{name}" if prefix else str(name)


def to_form(nodes: Sequence[Node], data: Mapping[str, Any], prefix: str = "",
            shown: Mapping[str, Sequence[int]] | None = None) -> dict[str, str]:
    """Flat form values of the data under ``nodes`` (blank values are left out). A list whose
    path is in ``shown`` gives only those rows, under their indices in the saved list."""
    out: dict[str, str] = {}
    for node in nodes:
        _flatten(node, data.get(node.name) if node.name else data, join(prefix, node.name), out, shown or {})
    return out


def _flatten(node: Node, value: Any, path: str, out: dict[str, str], shown: Mapping[str, Sequence[int]]) -> None:
    if isinstance(node, Scalar):
        text = scalar_text(node, value)
        if text:
            out[path] = text
    elif isinstance(node, Group):
        if value is None:
            return
        if node.optional:
            out[join(path, PRESENT)] = "1"
        for child in node.fields:
            item = value.get(child.name) if isinstance(value, Mapping) else None
            if isinstance(child, Scalar) and child.flag and isinstance(value, Mapping):
                item, fraction = percent_shown(item, bool(value.get(child.flag)))
                if fraction is not None:
                    out[join(join(path, child.name), FRACTION)] = fraction
            _flatten(child, item, join(path, child.name), out, shown)
    elif isinstance(node, Rows):
        items = list(value or ())
        for index in shown.get(path, range(len(items))):
            row = join(path, index)
            out[join(row, ROW)] = "1"
            _flatten(node.item, items[index], row, out, shown)
    else:  # Pairs
        if value is None:
            return
        if node.nullable:
            out[join(path, PRESENT)] = "1"
        pairs = list(value.items())
        for index in shown.get(path, range(len(pairs))):
            key, item = pairs[index]
            row = join(path, index)
            out[join(row, ROW)] = "1"
            _flatten(node.key, key, join(row, "key"), out, shown)
            _flatten(node.value, item, join(row, "value"), out, shown)


# --- form → data -----------------------------------------------------------------------------------


@dataclass
class Parsed:
    """The data read from a form, problems the reading found, and how to find a data path's field."""

    data: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)  # form path → messages
    rows: dict[PathKey, list[int]] = field(default_factory=dict)  # list's data path → form indices
    keys: dict[PathKey, dict[str, int]] = field(default_factory=dict)  # mapping → key → form index

    def form_path(self, loc: Sequence[str | int]) -> str:
        """The form field of a data path (as the model reports it: indices after removed rows)."""
        out: list[str] = []
        prefix: PathKey = ()
        items = list(loc)
        i = 0
        while i < len(items):
            part = items[i]
            if isinstance(part, int) and prefix in self.rows:
                order = self.rows[prefix]
                out.append(str(order[part]) if 0 <= part < len(order) else str(part))
            elif isinstance(part, str) and prefix in self.keys and part in self.keys[prefix]:
                out.append(str(self.keys[prefix][part]))
                if i + 1 < len(items) and items[i + 1] == "[key]":
                    out.append("key")
                    i += 1
                else:
                    out.append("value")
            else:
                out.append(str(part))
            prefix = (*prefix, part)
            i += 1
        return ".".join(out)


class _Keys:
    """The form's keys as a tree of path segments, for finding the rows under a path."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.children: dict[str, set[str]] = {}
        for key in values:
            parts = key.split(".")
            for n in range(1, len(parts)):
                self.children.setdefault(".".join(parts[:n]), set()).add(parts[n])
            self.children.setdefault("", set()).add(parts[0])

    def indices(self, path: str) -> list[int]:
        found = set()
        for part in self.children.get(path, ()):
            if part.isdecimal() and len(part) <= 6:
                found.add(int(part))
        return sorted(found)


def from_form(nodes: Sequence[Node], values: Mapping[str, str], prefix: str = "") -> Parsed:
    """The plain data of a section's form values. Never raises: what cannot be read is left
    as typed for the model to report, or put in ``errors``."""
    parsed = Parsed({})
    reader = _Reader(values, parsed)
    for node in nodes:
        path = join(prefix, node.name)
        value = reader.read(node, path, (node.name,))
        if value is not None:
            parsed.data[node.name] = value
    return parsed


_FLAG = Scalar("", "", "flag")


class _Reader:
    def __init__(self, values: Mapping[str, str], parsed: Parsed) -> None:
        self.values = values
        self.keys = _Keys(values)
        self.parsed = parsed

    def flag(self, path: str) -> bool:
        return bool(parse_scalar(_FLAG, self.values.get(path)))

    def content(self, node: Node, path: str) -> bool:
        if isinstance(node, Scalar):
            return is_content(node, self.values.get(path))
        if isinstance(node, Group):
            if node.optional and self.flag(join(path, OMIT)):
                return False
            return (node.optional and join(path, PRESENT) in self.values) or any(
                self.content(child, join(path, child.name)) for child in node.fields)
        if isinstance(node, Rows):
            return any(self._kept(node.item, join(path, i)) for i in self.keys.indices(path))
        return any(self._kept_pair(node, join(path, i)) for i in self.keys.indices(path))

    def _kept(self, item: Group | Scalar, row: str) -> bool:
        if self.flag(join(row, DELETE)):
            return False
        if isinstance(item, Scalar):  # a list of texts: a blanked item is a removed one
            return self.content(item, row)
        return join(row, ROW) in self.values or self.content(item, row)

    def _kept_pair(self, node: Pairs, row: str) -> bool:
        if self.flag(join(row, DELETE)):
            return False
        return (join(row, ROW) in self.values or self.content(node.key, join(row, "key"))
                or self.content(node.value, join(row, "value")))

    def read(self, node: Node, path: str, loc: PathKey) -> Any:
        if isinstance(node, Scalar):
            value = parse_scalar(node, self.values.get(path))
            if node.kind == "integer" and isinstance(value, str) and _INTEGER.fullmatch(value):
                self.parsed.errors.setdefault(path, []).append(
                    f"数值位数过多（{len(value.lstrip('+-'))} 位），应为不超过 {_INTEGER_DIGITS} 位的整数")
                return None
            return value
        if isinstance(node, Group):
            if node.optional and (self.flag(join(path, OMIT)) or not self.content(node, path)):
                return None
            out: dict[str, Any] = {}
            for child in node.fields:
                value = self.read(child, join(path, child.name), (*loc, child.name))
                if isinstance(child, Scalar) and child.flag and value is not None:
                    fraction = self.values.get(join(join(path, child.name), FRACTION))
                    value, is_percent = percent_saved(value, fraction)
                    if is_percent:
                        out[child.flag] = True
                if value is not None:
                    out[child.name] = value
            return out
        if isinstance(node, Rows):
            items: list[Any] = []
            order: list[int] = []
            for index in self.keys.indices(path):
                row = join(path, index)
                if not self._kept(node.item, row):
                    continue
                items.append(self.read(node.item, row, (*loc, len(items))))
                order.append(index)
            self.parsed.rows[loc] = order
            return items
        # Pairs
        mapping: dict[str, Any] = {}
        where: dict[str, int] = {}
        for index in self.keys.indices(path):
            row = join(path, index)
            if not self._kept_pair(node, row):
                continue
            key = parse_scalar(node.key, self.values.get(join(row, "key")))
            value = self.read(node.value, join(row, "value"), loc)
            if key in (None, ""):
                self.parsed.errors.setdefault(join(row, "key"), []).append(f"请填写{node.key.label}")
                continue
            if key in mapping:
                self.parsed.errors.setdefault(join(row, "key"), []).append(
                    f"{node.key.label}“{key}”重复（第 {where[key] + 1} 行已有），同一{node.key.label}只能填一行")
                continue
            mapping[key] = value
            where[key] = index
        self.parsed.keys[loc] = where
        if not mapping and node.nullable and join(path, PRESENT) not in self.values:
            return None
        return mapping


# --- paths as the model and the checks write them ----------------------------------------------------

_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(text: str) -> PathKey:
    """``income[3].general_budget`` → ("income", 3, "general_budget")."""
    parts: list[str | int] = []
    for index, name in _PATH_PART.findall(text or ""):
        parts.append(int(index) if index else name)
    return tuple(parts)


def dotted(loc: Sequence[str | int]) -> str:
    """("income", 3, "code") → ``income.3.code``, the form field of a saved filing's path."""
    return ".".join(str(p) for p in loc)


def section_of(loc: Sequence[str | int]) -> Section | None:
    """The section (page) a data path belongs to."""
    if not loc:
        return None
    top = str(loc[0])
    for section in SECTIONS:
        if top in section.fields:
            return section
    return None


def scale_amounts(nodes: Sequence[Node], data: Mapping[str, Any], factor: Decimal) -> dict[str, Any]:
    """The data with every amount under ``nodes`` multiplied by ``factor`` (万元 → 元: 10000)."""

    def walk(node: Node, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(node, Scalar):
            if node.kind == "amount":
                return str(Decimal(str(value)) * factor)
            return value
        if isinstance(node, Group):
            out: dict[str, Any] = {}
            for key, item in value.items():
                child = field_of(node, key)
                out[key] = item if child is None else walk(child, item)
            return out
        if isinstance(node, Rows):
            return [walk(node.item, v) for v in value]
        return {k: walk(node.value, v) for k, v in value.items()}

    scaled = dict(data)
    for node in nodes:
        if node.name in scaled:
            scaled[node.name] = walk(node, scaled[node.name])
    return scaled


def field_of(group: Group, name: str) -> Node | None:
    """The field ``name`` of a group's form, or ``None``."""
    for child in group.fields:
        if child.name == name:
            return child
    return None
