"""A rule that needs a row or column the report does not print is "not evaluated" and says
why; the missing figure is never taken for zero."""

from __future__ import annotations

from pathlib import Path

from juesuan.audit.check import audit
from juesuan.audit.source import from_text
from juesuan.rules.check import evaluate_tables
from juesuan.rules.registry import NotEvaluated, Outcome

REPORT = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "01_shanghai-putuo-czj-2024.txt"


def test_a_complete_report_evaluates_every_table_rule() -> None:
    result = audit(from_text(REPORT.read_text(encoding="utf-8"), "01.txt"))
    assert result.not_evaluated == ()
    assert result.to_data()["not_evaluated"] == []
    _, outcomes = evaluate_tables(result.tables)
    assert {o.result for o in outcomes} <= {"passed", "failed"}


def test_a_row_under_another_name_leaves_its_identities_not_evaluated() -> None:
    text = REPORT.read_text(encoding="utf-8").replace("本年收入合计", "本年收入小计", 1)
    result = audit(from_text(text, "01.txt"))
    reason = "表1中没有“income_total”行"
    assert result.not_evaluated == (
        Outcome("T1.a", "not_evaluated", reason), Outcome("T1.c", "not_evaluated", reason),
        Outcome("X1", "not_evaluated", reason))
    # before, 本年收入合计 was read as 0 and T1.a, T1.c and X1 reported errors on it
    assert not [f for f in result.findings if f.rule in ("T1.a", "T1.c", "X1")]
    assert {"rule": "X1", "reason": reason} in result.to_data()["not_evaluated"]


def test_not_evaluated_carries_its_reason() -> None:
    error = NotEvaluated("表9中没有“income”栏")
    assert error.reason == "表9中没有“income”栏"
