"""What juesuan writes, juesuan reads back: a property over generated filings.

For filings drawn from the synthetic generator (benchmarks/generate.py) in every bundled
template, with and without 政府性基金, 国有资本经营, “三公”经费 and 绩效自评, in 元 and in
万元, the documents ``juesuan report`` writes (HTML and DOCX here; PDF in a smaller run)
are audited with the real readers, and:

* the audit reports no error, and no warning but those about the filing's own gaps
  (the 【待填写】 placeholders of reasons the synthetic filing does not give);
* every public table is read back equal to the one built, cell by cell;
* ``juesuan import`` of the PDF gives a filing that prints the same tables.

``JUESUAN_ROUND_TRIP`` sets the number of filings (default 200 for HTML and DOCX; the PDF
run, about ten times slower, takes a twentieth of it, at least 4).
"""

from __future__ import annotations

import copy
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from juesuan.audit.check import AuditResult, audit
from juesuan.audit.importer import import_report
from juesuan.audit.readers import read_report
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.filing.model import Filing
from juesuan.performance.scheme import bundled_schemes
from juesuan.publish import render
from juesuan.rules.finding import Severity
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet
from juesuan.template.catalogue import bundled, bundled_names
from test_benchmark_generator import generate

ROOT = Path(__file__).resolve().parents[1]
COUNT = int(os.environ.get("JUESUAN_ROUND_TRIP", "200"))
PDF_COUNT = max(4, COUNT // 20)

# 经济科目 of the “三公”经费 (公务接待费, 因公出国（境）费用, 公务用车运行维护费, 公务用车购置).
THREE_PUBLIC_CODES = frozenset({"30217", "30212", "30231", "31013", "30913"})


GENERATE = generate  # benchmarks/generate.py
SCHEMES = bundled_schemes()
PERFORMANCE = load_filing(ROOT / "examples" / "suizhou-zwfw-2020.yaml").filing.performance


def _without_fund(data: dict[str, Any], fund: str) -> None:
    """The filing without one fund: its income column, its expenditure and carry-over rows,
    and the budget items it had (the other funds still balance on their own)."""
    income = [{k: v for k, v in r.items() if k != fund} for r in data["income"]]
    data["income"] = [r for r in income if set(r) - {"code", "name"}]
    data["expenditure"] = [r for r in data["expenditure"] if r.get("fund") != fund]
    data["carry_over"] = [r for r in data.get("carry_over", []) if r.get("fund") != fund]
    budget = data.get("budget")
    if isinstance(budget, dict) and "items" in budget:
        budget["items"] = [i for i in budget["items"] if i.get("fund") != fund]


def _in_wan(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_in_wan(v) if k not in {"groups", "persons", "fleet", "batches", "vehicles",
                                               "count", "projects"} else v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_in_wan(v) for v in value]
    if isinstance(value, Decimal):
        return value / 10000
    return value


@st.composite
def filings(draw: st.DrawFn) -> tuple[Filing, str]:
    name = draw(st.sampled_from(bundled_names()))
    template = bundled(name)
    year = draw(st.integers(max(template.years[0], 2020) if template.years[1] >= 2020 else 2018,
                            min(template.years[1], 2024)))
    data = copy.deepcopy(GENERATE.generate_data(draw(st.integers(0, 10_000)), rows=draw(
        st.integers(8, 60)), year=year))
    data["layout"] = name
    # a real department's name: the generator's "（合成N）" marker has a digit no cover has
    department = data["department"]
    department["name"] = re.sub(r"（合成\d+）", "", department["name"])
    if draw(st.booleans()):
        _without_fund(data, "government_fund")
    if draw(st.booleans()) or 9 not in template.numbers:
        _without_fund(data, "state_capital")
    if draw(st.booleans()):  # no “三公”经费: their 经济科目 become 其他商品和服务支出
        data.pop("three_public", None)
        economic = data.get("basic_economic", [])
        moved = sum((r["amount"] for r in economic if r["code"] in THREE_PUBLIC_CODES), Decimal(0))
        economic = [r for r in economic if r["code"] not in THREE_PUBLIC_CODES]
        other = next((r for r in economic if r["code"] == "30299"), None)
        if other is None:
            economic.append({"code": "30299", "amount": moved})
        else:
            other["amount"] += moved
        data["basic_economic"] = economic
    if draw(st.booleans()):
        data = {**_in_wan({k: v for k, v in data.items() if k not in ("year", "layout")}),
                "year": data["year"], "layout": name, "unit": "万元"}
    filing = Filing.model_validate(data)
    if draw(st.booleans()) and PERFORMANCE is not None:
        filing = filing.model_copy(update={"performance": PERFORMANCE})
    return filing, name


def cells(ts: TableSet) -> dict[tuple[int, str, str], object]:
    return {
        (t.number, row.key, column.key): value
        for t in ts.tables
        for row in t.rows
        for column, value in zip(t.columns, row.values, strict=True)
    }


def check_round_trip(filing: Filing, name: str, fmt: str, tmp: Path) -> AuditResult:
    performance = filing.performance
    scheme = SCHEMES[performance.scheme] if performance is not None and performance.scheme else None
    document = build_document(filing, scheme=scheme)
    path = tmp / f"report.{fmt}"
    path.write_bytes(render(document, fmt))
    result = audit(read_report(path), schemes=SCHEMES)
    # What the filing's own checks say (a 自评表 the scheme finds fault with, a reason not
    # given) the report rightly shows too; anything else the audit finds is our layout's.
    # The performance part is the seed's, unrelated to the generated figures: its P.* cross
    # checks with the tables are about that (tests/audit/test_own_selfeval.py reads it back).
    own_rules = {f.rule for f in document.findings if f.severity is not Severity.INFO}
    own = [f for f in result.findings if f.severity is not Severity.INFO
           and f.rule not in own_rules and not f.rule.startswith("P.")]
    assert not own, f"{name} {fmt}: " + "; ".join(f"{f.rule} {f.message}" for f in own[:8])
    built = build_tables(filing, bundled(name)).rounded(2)
    assert [t.number for t in result.tables.tables] == [t.number for t in built.tables]
    assert cells(result.tables) == cells(built)
    return result


# Derandomized (the same filings every run) and not shrunk: a failure prints its filing.
SETTINGS = {"deadline": None, "derandomize": True, "database": None,
            "phases": [Phase.explicit, Phase.generate],
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                      HealthCheck.data_too_large]}


@settings(max_examples=COUNT, **SETTINGS)  # type: ignore[arg-type]
@given(case=filings())
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_html_and_docx_read_back(tmp_path: Path, fmt: str, case: tuple[Filing, str]) -> None:
    check_round_trip(*case, fmt, tmp_path)


@settings(max_examples=PDF_COUNT, **SETTINGS)  # type: ignore[arg-type]
@given(case=filings())
def test_pdf_reads_back(tmp_path: Path, case: tuple[Filing, str]) -> None:
    """The PDF reads back, and ``juesuan import`` of it gives a filing whose tables are the
    ones printed."""
    filing, name = case
    result = check_round_trip(filing, name, "pdf", tmp_path)
    imported = build_tables(import_report(result).filing, bundled(name))
    printed = build_tables(filing, bundled(name)).rounded(2)
    again = cells(imported)
    assert again.keys() == cells(printed).keys()
    for t in printed.tables:
        other = imported[t.number]
        for row in t.rows:
            twin = other.row(row.key)
            for i, (value, back) in enumerate(zip(row.values, twin.values, strict=True)):
                if not isinstance(value, Decimal) or not isinstance(back, Decimal):
                    assert (value or None) == (back or None), (t.number, row.key, i)
                else:  # as printed; a sum of imported figures within their rounding
                    assert abs(back - value) <= twin.error(i) + Decimal("0.005"), (
                        t.number, row.key, i, value, back)
