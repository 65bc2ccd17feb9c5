"""The synthetic filings of benchmarks/generate.py are realistic and consistent.

The benchmark only means something if its filings look like real ones (about 150
expenditure rows over real 项 codes, several funds) and pass the checks: a filing the
rules reject would time the error path, and would show the generator is wrong.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from juesuan import codes
from juesuan.filing.io import parse_filing_text
from juesuan.filing.model import Filing, Fund
from juesuan.money import AmountUnit
from juesuan.rules.check import check_filing
from juesuan.rules.filing import amounts
from juesuan.rules.finding import Severity

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("juesuan_bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = load_generator()


@pytest.fixture(scope="module")
def filing() -> Filing:
    result: Filing = generate.generate_filing(1)
    return result


def test_about_150_expenditure_rows_over_real_codes(filing: Filing) -> None:
    assert 140 <= len(filing.expenditure) <= 160
    functional = codes.functional()
    for row in filing.expenditure:
        entry = functional.lookup(filing.year, row.code)
        assert entry is not None and entry.level == "项", row.code
    assert len({(r.code, r.fund) for r in filing.expenditure}) == len(filing.expenditure)
    assert len({r.code for r in filing.expenditure}) > 100


def test_several_funds(filing: Filing) -> None:
    funds = {row.fund for row in filing.expenditure}
    assert {Fund.GENERAL_BUDGET, Fund.GOVERNMENT_FUND, Fund.NON_FISCAL} <= funds
    assert {c.fund for c in filing.carry_over} >= funds


@pytest.mark.parametrize("year", [2020, 2022, 2024])
@pytest.mark.parametrize("seed", [0, 7, 42])
def test_generated_filing_has_no_errors(seed: int, year: int) -> None:
    filing = generate.generate_filing(seed, year=year)
    assert filing.year == year
    findings = check_filing(filing)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert errors == [], [(f.rule, f.message) for f in errors]
    unknown = [f for f in findings if f.rule in ("F.code-unknown", "F.code-name")]
    assert unknown == [], [f.message for f in unknown]


def test_amounts_are_decimal_yuan_with_two_places(filing: Filing) -> None:
    assert filing.unit is AmountUnit.YUAN
    values = [v for _, _, v in amounts(filing)]
    assert len(values) > 300
    for value in values:
        assert isinstance(value, Decimal)
        assert value.as_tuple().exponent == -2, value
        assert value >= 0


def test_basic_economic_adds_up_to_general_budget_basic(filing: Filing) -> None:
    basic = sum(
        (r.basic for r in filing.expenditure if r.fund is Fund.GENERAL_BUDGET and r.basic),
        Decimal(0),
    )
    assert basic > 0
    assert sum((e.amount for e in filing.basic_economic), Decimal(0)) == basic


def test_deterministic_with_a_seed() -> None:
    assert generate.generate_data(3) == generate.generate_data(3)
    assert generate.generate_data(3) != generate.generate_data(4)


def test_rows_parameter() -> None:
    small = generate.generate_filing(5, rows=60)
    assert 50 <= len(small.expenditure) <= 70
    assert not [f for f in check_filing(small) if f.severity is Severity.ERROR]


def test_yaml_output_reads_back(capsys: pytest.CaptureFixture[str]) -> None:
    generate.main(["--seed", "2", "--year", "2021"])
    text = capsys.readouterr().out
    loaded = parse_filing_text(text, "synthetic.yaml", json_format=False)
    assert loaded.filing == generate.generate_filing(2, year=2021)
