"""The pure mapping between a filing's data and its form fields (no Django)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field
from tests.web.conftest import EXAMPLES

from juesuan.filing.base import Amount
from juesuan.filing.io import filing_to_data, load_filing
from juesuan.filing.model import Filing
from juesuan.web.filings.forms_schema import (
    FILING,
    SECTIONS,
    Group,
    Node,
    Pairs,
    Rows,
    Scalar,
    from_form,
    group_of,
    merge,
    normalise_number,
    parse_path,
    sections_of,
    to_form,
)

CJK = re.compile(r"[\u3400-\u9fff]")


# --- the forms cover the model ------------------------------------------------------------------------


def _walk(node: Node, path: str = "") -> list[tuple[str, Node]]:
    here = f"{path}.{node.name}" if path and node.name else (node.name or path)
    out: list[tuple[str, Node]] = [(here, node)]
    if isinstance(node, Group):
        for child in node.fields:
            out += _walk(child, here)
    elif isinstance(node, Rows):
        out += _walk(node.item, here + ".*")
    elif isinstance(node, Pairs):
        out += _walk(node.key, here + ".*") + _walk(node.value, here + ".*")
    return out


def test_every_field_of_the_filing_is_on_exactly_one_page() -> None:
    placed = [f for s in SECTIONS for f in s.fields]
    assert sorted(placed) == sorted(set(Filing.model_fields) - {"schema_version"})
    assert [s.slug for s in SECTIONS][:3] == ["basic", "organisation", "income"]
    assert {s.title for s in SECTIONS} >= {"基本信息", "机构职能", "收入", "支出", "基本支出经济分类", "结转结余",
                                          "“三公”经费", "机关运行经费", "政府采购", "国有资产", "预算数", "上年数",
                                          "增减原因", "绩效自评"}


def test_every_field_has_a_chinese_label() -> None:
    unlabelled = [path for path, node in _walk(FILING) if path and not CJK.search(node.label)]
    assert unlabelled == []


def test_kinds_come_from_the_model() -> None:
    nodes = dict(_walk(FILING))
    assert isinstance(nodes["income"], Rows)
    assert nodes["income.*.code"].kind == "functional"  # type: ignore[union-attr]
    assert nodes["carry_over.*.code"].kind == "functional"  # type: ignore[union-attr]
    assert nodes["basic_economic.*.code"].kind == "economic"  # type: ignore[union-attr]
    assert nodes["reasons.items.*.key"].kind == "functional"  # type: ignore[union-attr]
    assert nodes["income.*.general_budget"].kind == "amount"  # type: ignore[union-attr]
    assert nodes["three_public.outbound.groups"].kind == "integer"  # type: ignore[union-attr]
    fund = nodes["expenditure.*.fund"]
    assert isinstance(fund, Scalar) and fund.kind == "choice" and fund.default == "general_budget"
    assert ("non_fiscal", "非财政拨款资金") in fund.choices
    level1 = nodes["performance.projects.*.indicators.*.level1"]
    assert isinstance(level1, Scalar) and level1.required and ("output", "产出指标") in level1.choices
    assert nodes["performance.department.stated.rate"].kind == "percent"  # type: ignore[union-attr]
    assert "performance.department.stated.rate_is_percent" not in nodes  # the form is in per cent
    assert isinstance(nodes["operating_costs"], Group) and nodes["operating_costs"].optional
    assert isinstance(nodes["performance.management.grades"], Pairs)
    assert nodes["organisation.duties.*"].kind == "longtext"  # type: ignore[union-attr]


def test_a_new_model_field_appears_in_the_forms() -> None:
    class Extended(Filing):
        new_amount: Amount | None = Field(None, description="新增的金额，如 1.00")

    extended = group_of(Extended, "", "决算填报")
    node = next(n for n in extended.fields if n.name == "new_amount")
    assert isinstance(node, Scalar) and node.kind == "amount" and node.label == "新增的金额"
    other = sections_of(extended)[-1]
    assert (other.slug, other.title, other.fields) == ("other", "其他", ("new_amount",))


# --- reading typed values -------------------------------------------------------------------------------


def test_numbers_are_read_as_typed_never_as_floats() -> None:
    assert normalise_number("１，２３４．５６") == "1234.56"
    assert normalise_number(" 1,234.50 ") == "1234.50"
    assert normalise_number("−12.30") == "-12.30"
    assert normalise_number("1 000") == "1000"
    nodes = [n for n in FILING.fields if n.name in ("non_fiscal_balance_used", "surplus_distribution", "year")]
    parsed = from_form(nodes, {"non_fiscal_balance_used": "0.10", "surplus_distribution": "１２", "year": "２０２４"})
    assert parsed.data == {"non_fiscal_balance_used": "0.10", "surplus_distribution": "12", "year": 2024}


def test_textareas_lose_carriage_returns_and_outer_spaces() -> None:
    nodes = [n for n in FILING.fields if n.name == "organisation"]
    parsed = from_form(nodes, {"organisation.structure": "  第一段\r\n第二段 \r\n", "organisation.duties.0": "职责一",
                               "organisation.duties.1": "   ", "organisation.duties.1._row": "1"})
    assert parsed.data == {"organisation": {"duties": ["职责一"], "structure": "第一段\n第二段"}}


def test_problems_of_the_data_are_found_on_the_form() -> None:
    nodes = [n for n in FILING.fields if n.name in ("income", "reasons")]
    values = {f"income.{i}.code": f"201060{i}" for i in (0, 2, 5)}
    values["income.2._delete"] = "on"
    values.update({"reasons.items.3.key": "2010601", "reasons.items.3.value": "原因",
                   "reasons.items.7.key": "2010601", "reasons.items.7.value": "又一次"})
    parsed = from_form(nodes, values)
    assert [r["code"] for r in parsed.data["income"]] == ["2010600", "2010605"]
    assert parsed.form_path(parse_path("income[1].general_budget")) == "income.5.general_budget"
    assert parsed.form_path(parse_path("reasons.items.2010601")) == "reasons.items.3.value"
    assert parsed.form_path(("reasons", "items", "2010601", "[key]")) == "reasons.items.3.key"
    assert parsed.errors == {"reasons.items.7.key": ["科目编码“2010601”重复（第 4 行已有），同一科目编码只能填一行"]}


def test_a_section_merges_into_the_rest_of_the_filing() -> None:
    section = next(s for s in SECTIONS if s.slug == "carry-over")
    current = {"year": 2024, "carry_over": [{"fund": "general_budget"}], "surplus_distribution": "1"}
    assert merge(current, section, {"carry_over": []}) == {"year": 2024, "carry_over": []}


# --- round trip ---------------------------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from("预算支出abc 12，。“”（）-"), min_size=1, max_size=8).map(str.strip).filter(bool)
_LONG = st.lists(_TEXT, min_size=1, max_size=3).map("\n".join)
_AMOUNT = st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=2,
                      allow_nan=False, allow_infinity=False).map(str)


def _scalar(node: Scalar) -> st.SearchStrategy[Any]:
    kind = node.kind
    if kind in ("amount", "percent"):
        return _AMOUNT
    if kind == "integer":
        return st.integers(min_value=0, max_value=10**6)
    if kind == "flag":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([value for value, _ in node.choices])
    if kind == "functional":
        return st.from_regex(r"[0-9]{7}", fullmatch=True)
    if kind == "economic":
        return st.from_regex(r"[0-9]{5}", fullmatch=True)
    return _LONG if kind == "longtext" else _TEXT


def _data(node: Node, depth: int = 0) -> st.SearchStrategy[Any]:
    if isinstance(node, Scalar):
        return _scalar(node)
    if isinstance(node, Group):
        required = {c.name: _data(c, depth) for c in node.fields if isinstance(c, Scalar) and c.required}
        optional = {c.name: _data(c, depth) for c in node.fields if c.name not in required}
        group = st.fixed_dictionaries(required, optional=optional)
        return st.one_of(st.none(), group) if node.optional else group
    if isinstance(node, Rows):
        return st.lists(_data(node.item, depth + 1), max_size=2 if depth < 2 else 1)
    pairs = st.dictionaries(_TEXT if node.key.kind == "text" else _scalar(node.key), _data(node.value, depth),
                            max_size=3)
    return st.one_of(st.none(), pairs) if node.nullable else pairs


def _canon(node: Node, value: Any) -> Any:
    """The data as the model sees it: blanks and defaults left out, absent lists and parts empty."""
    if value is None:
        if isinstance(node, Rows):
            return []
        if isinstance(node, Group) and not node.optional:
            return _canon(node, {})
        if isinstance(node, Pairs) and not node.nullable:
            return {}
        return None
    if isinstance(node, Scalar):
        if node.kind == "flag":
            return True if value else None
        return None if node.default is not None and value == node.default else value
    if isinstance(node, Group):
        out = {}
        for child in node.fields:
            item = _canon(child, value.get(child.name))
            if item is not None:
                out[child.name] = item
        return out
    if isinstance(node, Rows):
        return [_canon(node.item, v) for v in value]
    return {k: _canon(node.value, v) for k, v in value.items()}


@pytest.mark.parametrize("slug", [s.slug for s in SECTIONS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_form_and_data_round_trip(slug: str, data: st.DataObject) -> None:
    nodes = next(s for s in SECTIONS if s.slug == slug).nodes
    value = {n.name: data.draw(_data(n), label=n.name) for n in nodes}
    value = {k: v for k, v in value.items() if v is not None}
    parsed = from_form(nodes, to_form(nodes, value))
    assert parsed.errors == {}
    for node in nodes:
        assert _canon(node, parsed.data.get(node.name)) == _canon(node, value.get(node.name))


def test_the_examples_round_trip_through_every_section() -> None:
    for name in ("shanghai-putuo-czj-2024.yaml", "suizhou-zwfw-2020.yaml"):
        data = filing_to_data(load_filing(EXAMPLES / name).filing)
        rebuilt = dict(data)
        for section in SECTIONS:
            rebuilt = merge(rebuilt, section, from_form(section.nodes, to_form(section.nodes, data)).data)
        from juesuan.filing.io import filing_from_data

        assert filing_to_data(filing_from_data(rebuilt, name)) == data
