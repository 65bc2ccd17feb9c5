"""Properties of scoring and of scheme files, for random indicators, projects and schemes."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.filing.performance import (
    DepartmentEvaluation,
    FirstLevel,
    Indicator,
    ProjectEvaluation,
    Tier,
)
from juesuan.money import round_half_up
from juesuan.performance.scheme import (
    Scheme,
    bundled_names,
    dump_scheme,
    load_scheme,
    parse_scheme,
)
from juesuan.performance.scoring import score_department, score_indicator, score_project

D = Decimal
SCHEMES = {name: load_scheme(name) for name in bundled_names()}
UNITS = ["件", "%", "天", "人次", "个", "分", "万元"]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def text(value: Decimal) -> str:
    return format(value, "f")


def hundredths(low: int = 0, high: int = 10_000_000) -> st.SearchStrategy[Decimal]:
    """Figures from low/100 to high/100, whole or with up to two decimals."""
    return st.one_of(st.integers(-(-low // 100), high // 100).map(D),
                     st.integers(low, high).map(lambda n: D(n) / 100))


weights = st.integers(0, 10_000).map(lambda n: D(n) / 100)  # 0–100, in 0.01
schemes = st.sampled_from(sorted(SCHEMES)).map(SCHEMES.__getitem__)


@st.composite
def target_and_actual(draw: st.DrawFn) -> tuple[str, str | None]:
    """A target and an actual value in the same unit, or qualitative, or missing."""
    unit = draw(st.sampled_from(UNITS))
    kind = draw(st.sampled_from(["≥", "≤", "达到", "", "range", "全覆盖", "qualitative"]))
    t = draw(hundredths(1))
    if kind == "range":
        target = f"{text(t)}-{text(t + draw(hundredths(1)))}{unit}"
    elif kind == "全覆盖":
        target = "全覆盖"
    elif kind == "qualitative":
        target = "按时完成"
    else:
        target = f"{kind}{text(t)}{unit}"
    actual = draw(st.one_of(
        st.none(), hundredths().map(lambda a: f"{text(a)}{unit}"), st.just("全覆盖"),
        st.just("已按时完成"),
    ))
    return target, actual


@st.composite
def indicators(draw: st.DrawFn, weight: Decimal | None = None) -> dict[str, Any]:
    target, actual = draw(target_and_actual())
    tier = draw(st.sampled_from([None, *Tier]))
    data: dict[str, Any] = {
        "level1": draw(st.sampled_from(list(FirstLevel))), "name": "指标", "target": target,
        "actual": actual, "tier": tier,
    }
    if tier is not None and draw(st.booleans()):
        data["fraction"] = draw(st.integers(0, 100).map(lambda n: D(n) / 100))
    if weight is not None:
        data["weight"] = weight
    return data


def split(total: Decimal, cuts: list[int]) -> list[Decimal]:
    """``total`` cut at the given hundredths: parts that add up to it exactly."""
    hundreds = int(total * 100)
    points = sorted(c % (hundreds + 1) for c in cuts)
    edges = [0, *points, hundreds]
    return [D(b - a) / 100 for a, b in pairwise(edges)]


@st.composite
def budgets(draw: st.DrawFn) -> tuple[Decimal, Decimal]:
    """A and B with 0 ≤ B ≤ 2A."""
    a = draw(hundredths(1))
    b = round_half_up(a * D(draw(st.integers(0, 200))) / 100, 2)
    return a, b


# --- one indicator ----------------------------------------------------------------------


@FAST
@given(scheme=schemes, weight=weights, data=indicators())
def test_no_indicator_score_exceeds_its_weight(scheme: Scheme, weight: Decimal,
                                               data: dict[str, Any]) -> None:
    r = score_indicator(Indicator.model_validate(data), weight, "x", scheme)
    assert D(0) <= r.score <= weight
    if r.exact is not None:
        assert D(0) <= r.exact <= weight
    if r.full:
        assert r.score == round_half_up(weight, scheme.score_places)


@st.composite
def monotone_case(draw: st.DrawFn) -> tuple[str, str, Decimal, Decimal]:
    unit = draw(st.sampled_from(UNITS))
    target = draw(hundredths(1))
    low, high = sorted([draw(hundredths()), draw(hundredths())])
    return unit, text(target), low, high


@FAST
@given(scheme=schemes, weight=weights, case=monotone_case(), comparator=st.sampled_from(["≥", "达到"]))
def test_positive_indicator_never_falls_as_the_actual_rises(
    scheme: Scheme, weight: Decimal, case: tuple[str, str, Decimal, Decimal], comparator: str,
) -> None:
    unit, target, low, high = case
    scores = [
        score_indicator(Indicator(level1=FirstLevel.OUTPUT, name="指标", target=f"{comparator}{target}{unit}",
                                  actual=f"{text(a)}{unit}"), weight, "x", scheme).score
        for a in (low, high)
    ]
    assert scores[0] <= scores[1]


@FAST
@given(scheme=schemes, weight=weights, case=monotone_case(), comparator=st.sampled_from(["≤", "不超过"]))
def test_negative_indicator_never_rises_as_the_actual_rises(
    scheme: Scheme, weight: Decimal, case: tuple[str, str, Decimal, Decimal], comparator: str,
) -> None:
    unit, target, low, high = case
    scores = [
        score_indicator(Indicator(level1=FirstLevel.OUTPUT, name="指标", target=f"{comparator}{target}{unit}",
                                  actual=f"{text(a)}{unit}"), weight, "x", scheme).score
        for a in (low, high)
    ]
    assert scores[0] >= scores[1]


# --- whole evaluations ------------------------------------------------------------------


@st.composite
def projects(draw: st.DrawFn, scheme: Scheme) -> ProjectEvaluation:
    n = draw(st.integers(1, 6))
    if draw(st.booleans()):  # weights on the form, adding up to the indicator total
        shares: list[Decimal | None] = list(split(scheme.indicators.total,
                                                  draw(st.lists(st.integers(0, 10**6), min_size=n - 1,
                                                                max_size=n - 1))))
    else:  # no weights: shared equally, or by 一级指标 where the scheme says so
        shares = [None] * n
    a, b = draw(budgets())
    return ProjectEvaluation.model_validate({
        "name": "项目", "funds": {"total": {"adjusted": a, "executed": b}},
        "indicators": [draw(indicators(w)) for w in shares],
    })


@FAST
@given(data=st.data(), scheme=schemes)
def test_project_totals_stay_within_the_scheme_total(data: st.DataObject, scheme: Scheme) -> None:
    result = score_project(data.draw(projects(scheme)), 0, scheme)
    assert D(0) <= result.execution.score <= scheme.execution.weight
    for group in result.groups:
        assert D(0) <= group.score <= group.weight
    assert D(0) <= result.total <= scheme.total
    assert result.total == round_half_up(
        result.execution.score + sum(g.score for g in result.groups), scheme.score_places
    )


@st.composite
def met_indicators(draw: st.DrawFn, level1: FirstLevel, weight: Decimal | None) -> dict[str, Any]:
    """An indicator fully met: at or above its target, below its limit, 全覆盖, or tier met."""
    unit = draw(st.sampled_from(UNITS))
    t = draw(hundredths(1))
    more = text(t + draw(hundredths()))
    target, actual, tier = draw(st.sampled_from([
        (f"≥{text(t)}{unit}", f"{more}{unit}", None),
        (f"≤{more}{unit}", f"{text(t)}{unit}", None),
        (f"完成{text(t)}{unit}", f"完成{more}{unit}", None),
        ("全覆盖", "全覆盖", None),
        ("全覆盖", "100%", None),
        ("按时完成", "已按时完成", Tier.MET),
    ]))
    data: dict[str, Any] = {"level1": level1, "name": "指标", "target": target, "actual": actual,
                            "tier": tier}
    if weight is not None:
        data["weight"] = weight
    return data


@FAST
@given(data=st.data(), scheme=schemes, n=st.integers(1, 9), stated=st.booleans())
def test_a_fully_met_project_scores_the_scheme_total(data: st.DataObject, scheme: Scheme, n: int,
                                                     stated: bool) -> None:
    """However the weights divide (80/3, 80/7 …), the shown scores' rounding never makes a
    perfect project 100.001 or 99.998."""
    levels = list(FirstLevel)
    if scheme.indicators.level1_weights is not None and not stated:
        n = max(n, len(levels))  # every 一级指标 needs an indicator to earn its points
    shares: list[Decimal | None] = [None] * n
    if stated:
        shares = list(split(scheme.indicators.total,
                            data.draw(st.lists(st.integers(0, 10**6), min_size=n - 1, max_size=n - 1))))
    a = data.draw(hundredths(1))
    project = ProjectEvaluation.model_validate({
        "name": "项目", "funds": {"total": {"adjusted": a, "executed": a}},
        "indicators": [data.draw(met_indicators(levels[k % 3], w)) for k, w in enumerate(shares)],
    })
    result = score_project(project, 0, scheme)
    assert all(i.full for i in result.indicators)
    assert [g.score for g in result.groups] == [g.weight for g in result.groups]
    assert result.total == scheme.total


@FAST
@given(data=st.data(), scheme=schemes)
def test_department_totals_stay_within_the_scheme_total(data: st.DataObject, scheme: Scheme) -> None:
    n = data.draw(st.integers(1, 5))
    cuts = data.draw(st.lists(st.integers(0, 10**6), min_size=n - 1, max_size=n - 1))
    a, b = data.draw(budgets())
    department = DepartmentEvaluation.model_validate({
        "budget": a, "executed": b,
        "targets": [
            {"description": f"目标{k}", "weight": w,
             "indicators": data.draw(st.lists(indicators(), min_size=0, max_size=5))}
            for k, w in enumerate(split(scheme.indicators.total, cuts))
        ],
    })
    result = score_department(department, "部门", scheme)
    for group in result.groups:
        assert D(0) <= group.score <= group.weight
    assert D(0) <= result.total <= scheme.total


# --- scheme files round-trip ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_bundled_scheme_round_trips(name: str) -> None:
    scheme = SCHEMES[name]
    assert parse_scheme(dump_scheme(scheme), name) == scheme


fractions = st.integers(0, 10_000).map(lambda n: D(n) / 10_000)
amounts = st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False,
                      allow_infinity=False)
names = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
# Text the reader accepts: no control characters, no U+FFFE/U+FFFF (refused in every file).
words = st.text(st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff"),
                min_size=1, max_size=30).filter(lambda s: s.strip() == s and s != "")


@st.composite
def bands(draw: st.DrawFn) -> dict[str, Decimal]:
    low, default, high = sorted([draw(fractions), draw(fractions), draw(fractions)])
    return {"low": low, "default": default, "high": high}


@st.composite
def random_schemes(draw: st.DrawFn) -> Scheme:
    execution = draw(weights)
    indicator_total = draw(weights)
    level1 = None
    if draw(st.booleans()):
        levels = draw(st.lists(st.sampled_from(list(FirstLevel)), min_size=1, max_size=3, unique=True))
        cuts = draw(st.lists(st.integers(0, 10**6), min_size=len(levels) - 1, max_size=len(levels) - 1))
        level1 = dict(zip(levels, split(indicator_total, cuts), strict=True))
    return Scheme.model_validate({
        "name": draw(names),
        "title": draw(words),
        "source": draw(words),
        "total": execution + indicator_total,
        "execution": {"weight": execution, "base": draw(st.sampled_from(["adjusted", "initial"])),
                      "cap": draw(st.booleans()), "rate_places": draw(st.integers(0, 10))},
        "indicators": {"total": indicator_total, "level1_weights": level1,
                       "satisfaction_optional": draw(st.booleans()),
                       "drop_and_rescale": draw(st.booleans()), "cap_at_weight": draw(st.booleans())},
        "qualitative": {tier: draw(bands()) for tier in Tier},
        "score_places": draw(st.integers(0, 6)),
        "grades": {"stated": draw(st.booleans()),
                   "bands": draw(st.lists(st.fixed_dictionaries({"name": words, "min": amounts}),
                                          min_size=1, max_size=5))},
        "explanations": {"rate_below": draw(st.none() | fractions),
                         "unmet_indicator": draw(st.booleans()),
                         "over_target_review": draw(st.none() | amounts)},
    })


@FAST
@given(scheme=random_schemes())
def test_random_scheme_round_trips(scheme: Scheme) -> None:
    assert parse_scheme(dump_scheme(scheme), "random") == scheme
