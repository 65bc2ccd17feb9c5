"""A region's 汇总 consumes its filings one at a time: a generator gives the same filing as a
list (and as the summation before it streamed: golden digests), in 元, 万元 and mixed; only
one or two filings are alive at any moment; the order of the filings does not matter."""

from __future__ import annotations

import gc
import hashlib
import json
import weakref
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unit_filings import generate, in_wan, rebuilt

from juesuan.consolidate import ConsolidationError, consolidate_region
from juesuan.filing.model import EXPENDITURE_KINDS, INCOME_SOURCES, Filing
from juesuan.money import AmountUnit

ZERO = Decimal(0)
WAN = Decimal(10000)


@cache
def pool() -> tuple[Filing, ...]:
    return tuple(generate.generate_filing(seed, rows=rows, year=2024)
                 for seed, rows in ((1, 20), (2, 40), (3, 30), (4, 25)))


def with_blanks(filing: Filing) -> Filing:
    """Figures a unit leaves blank (“not stated”) and a 外事接待 of its own."""
    def change(data: dict[str, Any]) -> None:
        data["operating_costs"]["budget"] = None
        data["prior_year"]["income_total"] = None
        data["assets"]["large_equipment"] = None
        data["three_public"]["reception"]["batches"] = None
        reception = data["three_public"]["reception"]
        reception["foreign"] = {"final": (reception["final"] / 4).quantize(Decimal("0.01")), "batches": 3,
                                "persons": None}
        data["basic_economic"][0]["amount"] = None

    return rebuilt(filing, change)


def with_whole_yuan(filing: Filing) -> Filing:
    # 5 元 is 0.0005 万元: two of them are 0.0010 万元, written so (not 0.001)
    return rebuilt(filing, lambda d: d.update(non_fiscal_balance_used=Decimal(5)))


def cases() -> dict[str, tuple[list[Filing], AmountUnit | None]]:
    a, b, c, d = pool()
    return {
        "元": ([a, b, c, d], None),
        "万元": ([in_wan(a), in_wan(b), in_wan(c), in_wan(d)], None),
        "混合": ([a, in_wan(b), c, in_wan(d)], None),
        "混合，指定元": ([in_wan(a), b, in_wan(c), d], AmountUnit.YUAN),
        "空白": ([with_blanks(a), with_whole_yuan(b), in_wan(with_blanks(c)), with_whole_yuan(d)], None),
    }


def digest(filing: Filing) -> str:
    # str of every Decimal as it is (0.0010 is not 0.001): the figures digit for digit
    text = json.dumps(filing.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Computed with the summation as it was before it streamed (every filing held in a list).
GOLDEN = {
    "元": "bc6008215783cc90",
    "万元": "f0d14b4a2e325cc9",
    "混合": "f0d14b4a2e325cc9",
    "混合，指定元": "bc6008215783cc90",
    "空白": "3b2975010cfae84c",
}


@pytest.mark.parametrize("case", list(GOLDEN))
def test_a_generator_gives_the_filing_a_list_gives_and_the_golden(case: str) -> None:
    filings, unit = cases()[case]
    from_list = consolidate_region(filings, name="合成区（汇总）", region="合成区", unit=unit)
    from_generator = consolidate_region((f for f in filings), name="合成区（汇总）", region="合成区", unit=unit)
    assert from_generator.model_dump(mode="json") == from_list.model_dump(mode="json")
    assert digest(from_generator) == GOLDEN[case]
    expected_unit = unit or (AmountUnit.YUAN if case == "元" else AmountUnit.WAN_YUAN)
    assert from_generator.unit is expected_unit
    assert [u.name for u in from_generator.department.units] == [f.department.name for f in filings]


def test_mixed_units_sum_exactly_to_the_yuan_sum() -> None:
    yuan = consolidate_region(cases()["元"][0], name="x")
    for case in ("万元", "混合"):
        other = consolidate_region(iter(cases()[case][0]), name="x")
        assert other.unit is AmountUnit.WAN_YUAN
        for a, b in zip(yuan.expenditure, other.expenditure, strict=True):
            for kind in EXPENDITURE_KINDS:
                assert (getattr(a, kind) or ZERO) / WAN == (getattr(b, kind) or ZERO), (case, a.code, kind)
        assert yuan.operating_costs is not None and other.operating_costs is not None
        assert yuan.operating_costs.final / WAN == other.operating_costs.final


def test_blanks_keep_their_meaning_when_streamed() -> None:
    filings, _ = cases()["空白"]
    region = consolidate_region(iter(filings), name="x")
    assert region.operating_costs is not None and region.operating_costs.budget is None  # not stated
    assert region.prior_year.income_total is None and region.prior_year.expenditure_total is not None
    assert region.assets is not None and region.assets.large_equipment is None
    assert region.three_public.reception.batches is None  # units that spent on it did not say
    outbound = [f.three_public.outbound for f in filings]
    assert any(o.groups is None and not o.final for o in outbound)  # did not spend on it: none
    assert region.three_public.outbound.groups == sum(o.groups or 0 for o in outbound) > 0
    assert str(region.non_fiscal_balance_used) == "0.0010"
    foreign = region.three_public.reception.foreign
    assert foreign is not None and foreign.batches == 6 and foreign.persons is None
    # 外事接待 of the two units: the 万元 one converted exactly
    shares = [f.three_public.reception.foreign.final for f in filings  # type: ignore[union-attr]
              if f.three_public.reception.foreign is not None]
    assert foreign.final == shares[0] / WAN + shares[1]


def test_only_one_or_two_filings_are_alive_at_a_time() -> None:
    alive: list[weakref.ref[Filing]] = []
    most = 0

    def fresh(n: int) -> Iterator[Filing]:
        nonlocal most
        for i in range(n):
            gc.collect()
            most = max(most, sum(ref() is not None for ref in alive))
            filing = pool()[i % 4].model_copy(deep=True)
            if i % 3 == 0:
                filing = in_wan(filing)
            alive.append(weakref.ref(filing))
            yield filing
            del filing

    region = consolidate_region(fresh(12), name="合成区（汇总）")
    gc.collect()
    assert len(alive) == 12 and most <= 2
    assert sum(ref() is not None for ref in alive) == 0
    assert region.unit is AmountUnit.WAN_YUAN and len(region.department.units) == 12


def test_empty_input_and_mixed_years_are_refused_in_chinese() -> None:
    with pytest.raises(ConsolidationError, match="没有要汇总的填报文件"):
        consolidate_region(iter(()), name="x")
    a, b = pool()[:2]
    older = rebuilt(b, lambda d: d.update(year=2023))
    consumed: list[int] = []

    def given_(filings: list[Filing]) -> Iterator[Filing]:
        for n, f in enumerate(filings):
            consumed.append(n)
            yield f

    with pytest.raises(ConsolidationError, match=r"填报年度不同（2023、2024），只能汇总同一年度的决算"):
        consolidate_region(given_([a, older, a]), name="x")
    assert consumed == [0, 1]  # found when the offending filing arrives


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=5),
       seed=st.randoms(use_true_random=False))
def test_any_order_gives_the_same_figures_and_the_hand_sums(picks: list[tuple[int, bool]], seed: Any) -> None:
    filings = [in_wan(pool()[i]) if wan else pool()[i] for i, wan in picks]
    shuffled = list(filings)
    seed.shuffle(shuffled)
    one = consolidate_region(iter(filings), name="x")
    other = consolidate_region(iter(shuffled), name="x")
    assert one.model_dump(exclude={"department"}) == other.model_dump(exclude={"department"})
    wan = any(wan for _, wan in picks)
    assert one.unit is (AmountUnit.WAN_YUAN if wan else AmountUnit.YUAN)

    def in_unit(filing: Filing, value: Decimal | None) -> Decimal:
        value = value or ZERO
        return value / WAN if wan and filing.unit is AmountUnit.YUAN else value

    for source in INCOME_SOURCES:
        by_hand = sum((in_unit(f, getattr(r, source)) for f in filings for r in f.income), ZERO)
        assert sum((getattr(r, source) or ZERO for r in one.income), ZERO) == by_hand, source
    fleet = sum(f.three_public.vehicle_operation.fleet or 0 for f in filings)
    assert one.three_public.vehicle_operation.fleet == fleet
