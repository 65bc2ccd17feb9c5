"""`juesuan check` is the one check of a filing: tables, filing, performance (P.*) and
narrative (N.*) rules, the same findings as the review `juesuan report` writes; a scoring scheme that
does not exist is exit 2 for check, score and report, naming the bundled schemes."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import juesuan.performance.scheme as scheme_module
from juesuan.assess import check_all
from juesuan.cli import app
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import bundled_names, load_scheme, scheme_for

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ROOT / "examples" / "shanghai-putuo-czj-2024.yaml"
SUIZHOU = ROOT / "examples" / "suizhou-zwfw-2020.yaml"
BUNDLED = ("central-2020", "hubei-2020", "sichuan-2023")
runner = CliRunner()

# What `juesuan score` reports on the seed under its own scheme (hubei-2020).
SEED_PERFORMANCE = {"P.explanation": 8, "P.target-quantified": 5, "P.commensurable": 4, "P.rate": 4,
                    "P.total": 2, "P.department-totals": 1}


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def as_json(*args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def keyed(findings: list[dict[str, Any]]) -> Counter[tuple[str, str, str]]:
    return Counter((f["rule"], f["severity"], f["message"]) for f in findings)


def performance_only(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"].startswith("P.")]


def test_check_of_the_seed_lists_the_performance_findings_score_gives() -> None:
    checked = as_json("check", str(SUIZHOU), "-f", "json")
    scored = as_json("score", str(SUIZHOU), "-f", "json")
    assert checked["scheme"] == "hubei-2020"
    p_rules = Counter(f["rule"] for f in performance_only(checked["findings"]))
    assert p_rules == SEED_PERFORMANCE and sum(p_rules.values()) == 24
    assert Counter(f["rule"] for f in scored["findings"]) == SEED_PERFORMANCE
    # the very same findings, located in the same file and line
    assert sorted(performance_only(checked["findings"]), key=json.dumps) == sorted(scored["findings"],
                                                                                     key=json.dumps)
    # and the narrative ones of the document
    assert Counter(f["rule"] for f in checked["findings"] if f["rule"].startswith("N.")) == {
        "N.reason-missing": 4}
    assert checked["summary"]["warning"] == sum(1 for f in checked["findings"] if f["severity"] == "warning")


def test_check_text_lists_them_and_counts_them() -> None:
    result = invoke("check", str(SUIZHOU))
    assert result.exit_code == 0, result.output  # warnings only
    assert result.output.count("P.explanation") == 8 and result.output.count("P.rate") == 4
    assert "N.reason-missing" in result.output
    assert "警告 28 条" in result.output


def test_check_with_another_scheme_gives_that_schemes_findings() -> None:
    checked = as_json("check", str(SUIZHOU), "--scheme", "central-2020", "-f", "json")
    scored = as_json("score", str(SUIZHOU), "--scheme", "central-2020", "-f", "json")
    assert checked["scheme"] == "central-2020"
    assert keyed(performance_only(checked["findings"])) == keyed(scored["findings"])


def test_errors_of_the_performance_rules_count_in_the_exit_code(tmp_path: Path) -> None:
    text = SUIZHOU.read_text(encoding="utf-8")
    # a weight no scheme allows: the indicator weights no longer add up (P.weights, an error)
    changed = text.replace("weight: 20", "weight: 70", 1)
    assert changed != text
    path = tmp_path / "weights.yaml"
    path.write_text(changed, encoding="utf-8")
    scored = runner.invoke(app, ["score", str(path), "-f", "json"])
    checked = runner.invoke(app, ["check", str(path), "-f", "json"])
    errors = [f for f in json.loads(scored.stdout)["findings"] if f["severity"] == "error"]
    assert errors and scored.exit_code == 1
    assert checked.exit_code == 1
    assert keyed(errors) <= keyed(json.loads(checked.stdout)["findings"])


def test_check_agrees_with_the_report(tmp_path: Path) -> None:
    for example in (SUIZHOU, SHANGHAI):
        checked = as_json("check", str(example), "-f", "json")
        result = invoke("report", str(example), "-o", str(tmp_path), "-f", "json,review-json")
        assert result.exit_code in (0, 1), result.output
        document = json.loads((tmp_path / f"{example.stem}.json").read_text(encoding="utf-8"))
        review = json.loads((tmp_path / f"{example.stem}-审核意见.json").read_text(encoding="utf-8"))
        assert keyed(checked["findings"]) == keyed(review["findings"])
        assert review["summary"] == checked["summary"]
        assert "findings" not in document  # the public document carries none


def test_a_filing_without_performance_part_gets_no_performance_findings_and_no_complaint() -> None:
    checked = as_json("check", str(SHANGHAI), "-f", "json")
    assert checked["scheme"] is None
    assert not [f for f in checked["findings"] if f["rule"].startswith("P.")]
    assert invoke("check", str(SHANGHAI), "--scheme", "central-2020").exit_code == 0


def _names_the_choices(output: str) -> None:
    assert "找不到评分办法“hubei-2O20”" in output
    for name in BUNDLED:
        assert name in output


@pytest.mark.parametrize("command", [["check"], ["score"], ["report", "-f", "json"]])
def test_a_mistyped_scheme_option_is_exit_2_naming_the_choices(tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "out"
    args = [*command, str(SUIZHOU), "--scheme", "hubei-2O20"]
    if command[0] == "report":
        args += ["-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    _names_the_choices(result.output)
    assert not out.exists()  # nothing written


@pytest.fixture
def mistyped(tmp_path: Path) -> Path:
    text = SUIZHOU.read_text(encoding="utf-8")
    assert text.count("scheme: hubei-2020") == 1
    path = tmp_path / "typo.yaml"
    path.write_text(text.replace("scheme: hubei-2020", "scheme: hubei-2O20"), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["check"], ["check", "-f", "json"], ["score"], ["report", "-f", "json"]])
def test_a_mistyped_scheme_in_the_filing_is_exit_2_naming_the_choices(
    mistyped: Path, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "out"
    args = [*command, str(mistyped)]
    if command[0] == "report":
        args += ["-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    _names_the_choices(result.output)
    line = 1 + mistyped.read_text(encoding="utf-8").split("scheme: hubei-2O20")[0].count("\n")
    assert f"{mistyped}:{line} [performance.scheme]" in result.output
    assert not list(out.glob("*")) if out.exists() else True
    if command[1:] == ["-f", "json"] and command[0] == "check":
        assert result.stdout == ""  # no JSON for a filing that could not be checked


def test_a_mistyped_scheme_option_overridden_by_a_good_one(mistyped: Path) -> None:
    assert invoke("check", str(mistyped), "--scheme", "hubei-2020").exit_code == 0


def test_a_batch_reports_the_filing_with_an_unknown_scheme_and_writes_the_others(
    mistyped: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "filings"
    folder.mkdir()
    shutil.copy(SHANGHAI, folder / "a.yaml")
    shutil.copy(mistyped, folder / "b.yaml")
    shutil.copy(SUIZHOU, folder / "c.yaml")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(folder), "-o", str(out), "-f", "json,review-json", "-j", "2"])
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a-审核意见.json", "a.json", "c-审核意见.json", "c.json"]
    assert "无法读取" in result.output
    _names_the_choices(result.output)
    c = json.loads((out / "c-审核意见.json").read_text(encoding="utf-8"))
    assert Counter(f["rule"] for f in performance_only(c["findings"])) == SEED_PERFORMANCE


# ------------------------------------------------------------------------- the pure core


def test_the_document_lists_what_check_all_gives_and_reads_no_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    filing = load_filing(SUIZHOU).filing
    scheme = load_scheme("hubei-2020")

    def refused(name: str) -> Any:
        raise AssertionError(f"the core read the scheme {name}")

    monkeypatch.setattr(scheme_module, "load_scheme", refused)
    document = build_document(filing, scheme=scheme)
    assert list(document.findings) == check_all(filing, scheme=scheme)
    assert document.metadata["scheme"] == "hubei-2020"
    assert any("绩效自评表" in s.heading for p in document.parts for s in p.sections)


def test_without_a_scheme_object_the_core_scores_nothing() -> None:
    filing = load_filing(SUIZHOU).filing
    document = build_document(filing)
    assert not [f for f in document.findings if f.rule.startswith("P.")]
    assert "scheme" not in document.metadata
    # … and the 情况说明 says the self-evaluation could not be scored (never silent)
    assert [f.location.path for f in document.findings if f.rule == "N.data-missing"] == ["performance.scheme"]


def test_scheme_for_resolves_at_the_edge() -> None:
    filing = load_filing(SUIZHOU).filing
    shanghai = load_filing(SHANGHAI).filing
    assert tuple(bundled_names()) == BUNDLED
    found = scheme_for(filing)
    assert found is not None and found.name == "hubei-2020"
    chosen = scheme_for(filing, "central-2020")
    assert chosen is not None and chosen.name == "central-2020"
    assert scheme_for(shanghai) is None  # a performance part that names no scheme
    without = shanghai.model_copy(update={"performance": None})
    assert scheme_for(without, "central-2020") is None  # nothing to score
    with pytest.raises(scheme_module.SchemeError, match="central-2020、hubei-2020、sichuan-2023"):
        scheme_for(without, "hubei-2O20")  # but a mistyped name is refused all the same
