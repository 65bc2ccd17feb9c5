"""一级指标 成本指标 (cost): read from its Chinese name, offered by the form, scored within 产出
by central-2020 (财预〔2020〕10号 counts 成本 among 产出), never lost or crashing elsewhere."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from juesuan.filing.io import load_filing
from juesuan.filing.performance import FirstLevel, Indicator, ProjectEvaluation
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import SchemeError, dump_scheme, load_scheme, parse_scheme
from juesuan.performance.scoring import Basis, score_project

CENTRAL = load_scheme("central-2020")
HUBEI = load_scheme("hubei-2020")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "suizhou-zwfw-2020.yaml"
# central-2020 as a scheme written before 成本指标 was a 一级指标: no points for it
NO_COST = CENTRAL.model_copy(update={
    "indicators": CENTRAL.indicators.model_copy(update={"level1_within": {}})})


def project(*indicators: dict[str, Any]) -> ProjectEvaluation:
    return ProjectEvaluation.model_validate({
        "name": "办公设备购置", "funds": {"total": {"adjusted": 100, "executed": 100}},
        "indicators": list(indicators)})


def met(level1: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"level1": level1, "name": name, "target": "≥10台", "actual": "10台", **fields}


@pytest.mark.parametrize("text", ["成本指标", "成本", "cost", " 成本 指标 "])
def test_the_chinese_names_read_as_cost(text: str) -> None:
    indicator = Indicator.model_validate({"level1": text, "name": "单台购置成本", "target": "≤5万元"})
    assert indicator.level1 is FirstLevel.COST
    assert indicator.level1.label == "成本指标"


def test_the_form_offers_the_four_first_levels() -> None:
    from juesuan.web.filings.forms_schema import FILING, Group, Rows, Scalar

    performance = next(n for n in FILING.fields if n.name == "performance")
    assert isinstance(performance, Group)
    projects = next(n for n in performance.fields if n.name == "projects")
    assert isinstance(projects, Rows) and isinstance(projects.item, Group)
    indicators = next(n for n in projects.item.fields if n.name == "indicators")
    assert isinstance(indicators, Rows) and isinstance(indicators.item, Group)
    level1 = next(n for n in indicators.item.fields if n.name == "level1")
    assert isinstance(level1, Scalar)
    assert level1.choices == (("output", "产出指标"), ("benefit", "效益指标"),
                              ("satisfaction", "满意度指标"), ("cost", "成本指标"))


def test_central_counts_cost_within_output() -> None:
    """产出 50 shared by the two 产出 indicators and the 成本 one; a perfect project scores 100."""
    p = project(met("产出", "甲"), met("成本", "乙"), met("产出", "丙"), met("效益", "丁"),
                met("满意度", "戊"))
    r = score_project(p, 0, CENTRAL)
    assert [(g.description, g.weight, g.score) for g in r.groups] == [
        ("产出指标", D(50), D(50)), ("效益指标", D(30), D(30)), ("满意度指标", D(10), D(10))]
    output = r.groups[0].indicators
    assert [(i.indicator.name, i.path) for i in output] == [
        ("甲", "performance.projects[0].indicators[0]"),
        ("乙", "performance.projects[0].indicators[1]"),
        ("丙", "performance.projects[0].indicators[2]")]
    assert output[1].weight == D(50) / 3
    assert r.total == D(100)


def test_a_scheme_that_gives_cost_no_points_lists_it_as_not_evaluated() -> None:
    p = project(met("产出", "甲"), met("成本", "乙"), met("效益", "丁"), met("满意度", "戊"))
    r = score_project(p, 0, NO_COST)
    assert [(g.description, g.weight) for g in r.groups] == [
        ("产出指标", D(50)), ("效益指标", D(30)), ("满意度指标", D(10)),
        ("成本指标（未规定分值，不计分）", D(0))]
    cost = r.groups[3].indicators[0]
    assert (cost.indicator.name, cost.path, cost.basis, cost.score) == (
        "乙", "performance.projects[0].indicators[1]", Basis.DROPPED, D(0))
    assert cost.explanation == (
        "评分办法“中央项目支出绩效自评（财预〔2020〕10号，10/50/30/10）”未规定成本指标的分值，未评价，不计分")
    assert r.total == D(100)


def test_the_checks_say_a_cost_indicator_was_not_evaluated() -> None:
    filing = load_filing(EXAMPLE).filing
    assert filing.performance is not None
    p = project(met("产出", "甲", weight=30), met("成本", "乙", weight=20), met("效益", "丁", weight=30),
                met("满意度", "戊", weight=10))
    performance = filing.performance.model_copy(update={"projects": (p,), "department": None})
    filing = filing.model_copy(update={"performance": performance})
    # central: 产出 30 + 成本 20 is the 产出 block's 50
    _, findings = check_performance(filing, CENTRAL)
    assert [f.message for f in findings if f.rule == "P.weights"] == []
    # without weights on the form and without points for 成本: said, at the indicator's level
    bare = project(met("产出", "甲"), met("成本", "乙"), met("效益", "丁"), met("满意度", "戊"))
    filing = filing.model_copy(update={"performance": performance.model_copy(
        update={"projects": (bare,)})})
    _, findings = check_performance(filing, NO_COST)
    dropped = [(f.location.path, f.message) for f in findings if f.rule == "P.dropped"]
    assert dropped == [(
        "performance.projects[0].indicators[1].level1",
        "项目“办公设备购置”“乙”：评分办法“中央项目支出绩效自评（财预〔2020〕10号，10/50/30/10）”"
        "未规定成本指标的分值，未评价，不计分；请选择表样所依据的评分办法，或在评分办法中规定其分值")]


def test_schemes_without_fixed_level_points_score_cost_like_any_indicator() -> None:
    p = project(met("产出", "甲", weight=40), met("成本", "乙", weight=40))
    r = score_project(p, 0, HUBEI)
    assert [(i.indicator.name, i.weight, i.score) for i in r.indicators] == [
        ("甲", D(40), D(40)), ("乙", D(40), D(40))]
    assert r.total == D(100)


def test_level1_within_is_read_and_checked() -> None:
    assert CENTRAL.indicators.level1_within == {FirstLevel.COST: FirstLevel.OUTPUT}
    assert CENTRAL.indicators.weighted_level(FirstLevel.COST) is FirstLevel.OUTPUT
    assert NO_COST.indicators.weighted_level(FirstLevel.COST) is None
    assert HUBEI.indicators.weighted_level(FirstLevel.COST) is FirstLevel.COST
    assert parse_scheme(dump_scheme(CENTRAL), "dump") == CENTRAL
    text = dump_scheme(CENTRAL).replace("cost: output", "cost: benefit\n    output: cost")
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "bad.yaml")
    assert "产出指标应计入另一个自身不再计入其他指标的一级指标" in str(info.value)
    text = dump_scheme(HUBEI).replace("level1_within: {}", "level1_within: {cost: output}")
    assert parse_scheme(text, "ok.yaml").indicators.weighted_level(FirstLevel.COST) is FirstLevel.OUTPUT
    text = dump_scheme(CENTRAL).replace("satisfaction: '10'", "satisfaction: '5'\n    cost: '5'")
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "bad.yaml")
    assert "成本指标计入产出指标：产出指标须有分值，成本指标不能另有分值" in str(info.value)
