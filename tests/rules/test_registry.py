"""The rule registry: ids, Chinese titles and descriptions, the generated catalogue, and
how a report grades a difference (rounding → info, anything else → the rule's severity)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.catalogue import REGISTRY, catalogue_markdown, catalogue_rows
from juesuan.rules.finding import Location, Severity
from juesuan.rules.registry import Report, Rule, rule, show
from juesuan.tables.amounts import Amt

ROOT = Path(__file__).resolve().parents[2]
RULES_MD = ROOT / "docs" / "rules.md"
ID = re.compile(r"T\d\.[a-z]|X\d+|F\.[a-z-]+|P\.[a-z-]+|N\.[a-z-]+|C\.[a-z-]+|A\.[a-z-]+|H\.\d+")
CJK = re.compile(r"[\u4e00-\u9fff]")
ALL = sorted(REGISTRY)


def test_registry_is_populated() -> None:
    assert len(REGISTRY) >= 40
    assert {r.scope for r in REGISTRY.values()} == {"tables", "filing", "performance", "narrative",
                                                    "claims", "audit", "consolidation"}


@pytest.mark.parametrize("rule_id", ALL)
def test_rule_metadata(rule_id: str) -> None:
    r = REGISTRY[rule_id]
    assert r.id == rule_id
    assert ID.fullmatch(r.id), f"id {r.id!r} does not match {ID.pattern}"
    # Filing rules are F.*, performance rules P.*, table rules T*/X*: the id says what
    # the rule reads.
    assert (r.scope == "filing") == r.id.startswith("F.")
    assert (r.scope == "performance") == r.id.startswith("P.")
    assert (r.scope == "narrative") == r.id.startswith("N.")
    assert (r.scope == "claims") == r.id.startswith("C.")
    assert (r.scope == "audit") == r.id.startswith("A.")
    assert (r.scope == "consolidation") == r.id.startswith("H.")
    assert isinstance(r.severity, Severity)
    assert r.title.strip() and CJK.search(r.title), "title must be Chinese"
    assert r.description.strip() and CJK.search(r.description), "description must be Chinese"
    assert len(r.description) > len(r.title)
    assert r.reference.strip()
    assert callable(r.check)


def test_every_rule_has_a_failing_case() -> None:
    """Each scope's test module keeps a mapping of failing cases; together they cover the registry."""
    from test_audit_rules import AUDIT_CASES
    from test_claims_rules import CLAIMS_CASES
    from test_consolidation_rules import CONSOLIDATION_CASES
    from test_filing_rules import FILING_CASES
    from test_narrative_rules import NARRATIVE_CASES
    from test_performance_rules import PERFORMANCE_CASES
    from test_table_rules import TABLE_CASES

    cases = {"tables": TABLE_CASES, "filing": FILING_CASES, "performance": PERFORMANCE_CASES,
             "narrative": NARRATIVE_CASES, "claims": CLAIMS_CASES,
             "audit": AUDIT_CASES, "consolidation": CONSOLIDATION_CASES}
    assert set(cases) == {r.scope for r in REGISTRY.values()}
    missing = [r.id for r in REGISTRY.values() if not cases[r.scope].get(r.id)]
    assert not missing, f"rules without a failing case: {missing}"
    unknown = [i for mapping in cases.values() for i in mapping if i not in REGISTRY]
    assert not unknown, f"failing cases of unregistered rules: {unknown}"


def test_titles_are_unique() -> None:
    titles = [r.title for r in REGISTRY.values()]
    assert len(titles) == len(set(titles))


def test_duplicate_ids_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from juesuan import catalogue

    twin = rule("T1.a", "重复", severity=Severity.ERROR, scope="tables", description="重复的规则",
                reference="test")(lambda subject, report: None)
    monkeypatch.setattr(catalogue, "RULE_LISTS", (*catalogue.RULE_LISTS, (twin,)))
    with pytest.raises(ValueError, match=r"duplicate rule id T1\.a"):
        catalogue._registry()
    assert REGISTRY["T1.a"].title != "重复"


# --- the catalogue ----------------------------------------------------------------------


def test_docs_rules_md_is_current() -> None:
    assert RULES_MD.exists(), "docs/rules.md is missing: run `juesuan rules --markdown > docs/rules.md`"
    assert RULES_MD.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/rules.md is stale: run `juesuan rules --markdown > docs/rules.md`"
    )


def test_catalogue_lists_every_rule_once() -> None:
    rows = catalogue_rows()
    assert sorted(row["id"] for row in rows) == ALL
    markdown = catalogue_markdown()
    for rule_id in ALL:
        assert markdown.count(f"| {rule_id} |") == 1


def test_catalogue_order() -> None:
    ids = [row["id"] for row in catalogue_rows()]
    filing = [i for i in ids if i.startswith("F.")]
    performance = [i for i in ids if i.startswith("P.")]
    # by scope: "filing", then "performance", then "tables"
    assert ids[: len(filing)] == filing
    assert ids[len(filing): len(filing) + len(performance)] == performance
    assert performance == sorted(performance) and "P.weights" in performance
    tables = ids[len(filing) + len(performance):]
    assert tables.index("T1.a") < tables.index("T1.e") < tables.index("T2.a")
    assert tables.index("T9.a") < tables.index("X1") < tables.index("X2") < tables.index("X10")


def test_cli_prints_the_catalogue() -> None:
    from typer.testing import CliRunner

    from juesuan.cli import app

    result = CliRunner().invoke(app, ["rules", "--markdown"])
    assert result.exit_code == 0
    assert result.output == catalogue_markdown()


# --- grading differences ----------------------------------------------------------------


def report_for(severity: Severity = Severity.ERROR, unit: str = "万元") -> Report:
    dummy = Rule("Z9", "测试", severity, "tables", "测试规则", "test", lambda s, r: None)
    return Report(dummy, unit=unit)


HERE = Location(table=1, row="income_total")


def a(value: str, error: str = "0") -> Amt:
    return Amt(Decimal(value), Decimal(error))


def test_equal_figures_are_silent() -> None:
    report = report_for()
    assert report.equal(a("1.00", "0.005"), a("1.000", "0.005"), HERE, "应相等")
    assert report.findings == []


@pytest.mark.parametrize(("expected", "found", "severity"), [
    # exact figures: any difference is the rule's severity
    (a("1.00"), a("1.01"), Severity.ERROR),
    (a("100"), a("100.0001"), Severity.ERROR),
    # printed figures, ±0.005 each: up to 0.01 is rounding
    (a("1.00", "0.005"), a("1.01", "0.005"), Severity.INFO),
    (a("1.00", "0.005"), a("0.99", "0.005"), Severity.INFO),
    (a("1.00", "0.005"), a("1.011", "0.005"), Severity.ERROR),
    (a("1.00", "0.005"), a("1.05", "0.005"), Severity.ERROR),
    # a sum of five printed figures carries ±0.025
    (a("10.00", "0.025"), a("10.03", "0.005"), Severity.INFO),
    (a("10.00", "0.025"), a("10.04", "0.005"), Severity.ERROR),
    # only one side rounded
    (a("2.00"), a("2.005", "0.005"), Severity.INFO),
    (a("2.00"), a("2.01", "0.005"), Severity.ERROR),
])
def test_equal_grades_the_difference(expected: Amt, found: Amt, severity: Severity) -> None:
    report = report_for()
    assert not report.equal(expected, found, HERE, "本年收入合计应等于各项收入之和")
    [finding] = report.findings
    assert finding.severity is severity
    assert finding.rule == "Z9"
    assert finding.location == HERE
    assert finding.expected == show(expected.value)
    assert finding.found == show(found.value)
    assert finding.message.startswith("本年收入合计应等于各项收入之和：应为 ")
    assert ("四舍五入误差范围内" in finding.message) == (severity is Severity.INFO)


@pytest.mark.parametrize("severity", [Severity.WARNING, Severity.ERROR])
def test_rounding_is_info_whatever_the_rule_severity(severity: Severity) -> None:
    report = report_for(severity)
    report.equal(a("1.00", "0.005"), a("1.01", "0.005"), HERE, "应相等")
    report.equal(a("1.00", "0.005"), a("1.10", "0.005"), HERE, "应相等")
    assert [f.severity for f in report.findings] == [Severity.INFO, severity]


def test_equal_message_states_figures_in_the_report_unit() -> None:
    report = report_for(unit="元")
    report.equal(a("1900000.00"), a("1910000.00"), HERE, "应相等")
    assert report.findings[0].message == (
        "应相等：应为 1900000.00元，实为 1910000.00元，差额 10000.00元"
    )
    report = report_for()
    report.equal(a("1.00", "0.005"), a("1.01", "0.005"), HERE, "应相等")
    assert report.findings[0].message == (
        "应相等：应为 1.00万元，实为 1.01万元，差额 0.01万元，在四舍五入误差范围内（允许 ±0.01）"
    )


@pytest.mark.parametrize(("limit", "found", "severity"), [
    (a("5.00"), a("5.00"), None),
    (a("5.00"), a("4.00"), None),
    (a("5.00"), a("5.01"), Severity.ERROR),
    (a("5.00", "0.005"), a("5.01", "0.005"), Severity.INFO),
    (a("5.00", "0.005"), a("5.02", "0.005"), Severity.ERROR),
])
def test_at_most_grades_the_excess(limit: Amt, found: Amt, severity: Severity | None) -> None:
    report = report_for(Severity.WARNING if severity is None else Severity.ERROR)
    report.at_most(limit, found, HERE, "不应超过")
    if severity is None:
        assert report.findings == []
        return
    [finding] = report.findings
    assert finding.severity is severity
    assert finding.expected == f"≤ {show(limit.value)}"
    assert finding.found == show(found.value)


def test_at_most_rounding_is_info_for_a_warning_rule() -> None:
    report = report_for(Severity.WARNING)
    report.at_most(a("5.00", "0.005"), a("5.01", "0.005"), HERE, "不应超过")
    report.at_most(a("5.00", "0.005"), a("6.00", "0.005"), HERE, "不应超过")
    assert [f.severity for f in report.findings] == [Severity.INFO, Severity.WARNING]


@pytest.mark.parametrize(("value", "text"), [
    ("1.5", "1.50"),
    ("0", "0.00"),
    ("-0.01", "-0.01"),
    ("12.3400", "12.34"),
    ("0.001", "0.001"),  # two decimals would hide the difference
    ("1.23456", "1.23456"),
    ("1234567.89", "1234567.89"),
])
def test_show(value: str, text: str) -> None:
    assert show(Decimal(value)) == text


def test_every_rule_a_module_defines_is_in_its_explicit_list() -> None:
    """Nothing is registered by importing a module: a rule missing from its module's
    ``RULES`` would never run, so each list must hold every rule the module defines."""
    from juesuan.audit import claim_rules
    from juesuan.audit import rules as audit_rules
    from juesuan.catalogue import RULE_LISTS
    from juesuan.consolidate import rules as consolidation_rules
    from juesuan.narrative import rules as narrative_rules
    from juesuan.performance import rules as performance_rules
    from juesuan.rules import filing as filing_rules
    from juesuan.rules import tables as table_rules

    modules = (filing_rules, table_rules, performance_rules, narrative_rules, claim_rules,
               audit_rules, consolidation_rules)
    assert tuple(m.RULES for m in modules) == RULE_LISTS
    for module in modules:
        defined = [v for v in vars(module).values() if isinstance(v, Rule)]
        assert sorted(r.id for r in defined) == sorted(r.id for r in module.RULES), module.__name__
        assert len({r.scope for r in module.RULES}) == 1, module.__name__
