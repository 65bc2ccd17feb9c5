"""What juesuan writes, juesuan reads back: the 绩效自评表 and the text of our own documents.

Both examples are written as `juesuan report` writes them (HTML, DOCX, PDF: the real
renderers, through :func:`juesuan.publish.publish_one`) and read back as `juesuan audit`
reads them. The 自评表 of the Suizhou example (scheme hubei-2020) print each evaluation as
two tables — 预算执行情况 and 绩效指标, each under its own title, with 项目名称：… and
偏差原因分析：… as lines around them (in the PDF, inside the table's box) and the 三级指标
column first — and the audit must read back the project names, the funds, the indicators
with their weights and scores exactly as the department filed them (the public form prints
the stated figures; juesuan's recomputation is the review's). Every P.* finding of the audit
must be one `juesuan score` gives on the filing; the text must not get false C.year,
C.repeat, C.duplicate-word or C.total findings.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.audit.check import AuditResult, audit
from juesuan.audit.readers import read_report
from juesuan.audit.selfeval import SelfEvaluation, self_evaluation
from juesuan.audit.source import SourceDocument
from juesuan.filing.io import load_filing
from juesuan.filing.performance import DepartmentEvaluation, ProjectEvaluation
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import bundled_schemes, load_scheme
from juesuan.performance.scoring import PerformanceResult
from juesuan.publish import publish_one
from juesuan.rules.finding import Finding, Severity

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FORMATS = ("html", "docx", "pdf")
TEXT_RULES = ("C.year", "C.repeat", "C.duplicate-word")


class Written:
    """One example written in every format, read and audited."""

    def __init__(self, filing: Path, out: Path) -> None:
        outcome = publish_one(str(filing), str(out), FORMATS, None, None, False)
        assert outcome.internal is None, outcome.traceback
        assert not outcome.unreadable and outcome.unwritable is None
        loaded = load_filing(filing).filing
        self.filed = loaded.performance
        self.performance: PerformanceResult | None = None
        self.score: list[Finding] = []
        if loaded.performance is not None and (loaded.performance.department is not None
                                               or loaded.performance.projects):
            scheme = load_scheme(loaded.performance.scheme or "hubei-2020")
            self.performance, self.score = check_performance(loaded, scheme)
        self.sources: dict[str, SourceDocument] = {}
        self.results: dict[str, AuditResult] = {}
        for fmt in FORMATS:
            source = read_report(out / f"{filing.stem}.{fmt}")
            self.sources[fmt] = source
            self.results[fmt] = audit(source, schemes=bundled_schemes())


@pytest.fixture(scope="module", params=["shanghai-putuo-czj-2024", "suizhou-zwfw-2020"])
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Written:
    pytest.importorskip("weasyprint")
    pytest.importorskip("pdfplumber")
    name = request.param
    return Written(EXAMPLES / f"{name}.yaml", tmp_path_factory.mktemp(name))


def bare(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", "", text)


def indicators_filed(evaluation: ProjectEvaluation | DepartmentEvaluation) -> list[tuple[object, ...]]:
    found = (evaluation.indicators if isinstance(evaluation, ProjectEvaluation)
             else [i for t in evaluation.targets for i in t.indicators])
    return [(bare(i.name), bare(i.target), bare(i.actual), i.level1, i.weight, i.stated_score)
            for i in found]


def read_back(written: Written, fmt: str) -> SelfEvaluation:
    if written.performance is None:
        pytest.skip("the example has no performance self-evaluation")
    found = self_evaluation(written.sources[fmt], bundled_schemes())
    assert found is not None
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_project_forms_read_back_as_generated(written: Written, fmt: str) -> None:
    found = read_back(written, fmt)
    result = written.performance
    assert result is not None
    assert found.scheme == result.scheme.name == "hubei-2020"
    assert written.filed is not None
    projects = found.performance.projects
    assert [p.name for p in projects] == [r.name for r in result.projects]
    for read, filed in zip(projects, written.filed.projects, strict=True):
        assert read.funds.total == filed.funds.total
        assert (read.stated.rate, read.stated.execution_score) == (filed.stated.rate,
                                                                   filed.stated.execution_score)
        assert read.stated.total == filed.stated.total
        assert indicators_filed(read) == indicators_filed(filed)
        assert read.category == "部门预算项目"


@pytest.mark.parametrize("fmt", FORMATS)
def test_department_form_reads_back_as_generated(written: Written, fmt: str) -> None:
    found = read_back(written, fmt)
    result = written.performance
    assert result is not None and result.department is not None
    department = found.performance.department
    assert department is not None
    assert written.filed is not None and written.filed.department is not None
    filed = written.filed.department
    assert department.name == result.department.name
    assert (department.budget, department.executed) == (filed.budget, filed.executed)
    assert (department.basic_total, department.project_total) == (filed.basic_total, filed.project_total)
    assert [(bare(t.description), t.weight, t.stated_score) for t in department.targets] == [
        (bare(t.description), t.weight, t.stated_score) for t in filed.targets]
    assert indicators_filed(department) == indicators_filed(filed)
    assert department.stated.total == filed.stated.total == Decimal("96.742")


@pytest.mark.parametrize("fmt", FORMATS)
def test_performance_findings_are_those_of_score(written: Written, fmt: str) -> None:
    """A P.* finding of the audit that `juesuan score` does not give is a reading defect."""
    audited = [f for f in written.results[fmt].findings if f.rule.startswith("P.")]
    assert not any("未注明项目名称" in f.message or "未命名指标" in f.message for f in audited)
    scored = {(f.rule, f.location.path) for f in written.score}
    assert {(f.rule, f.location.path) for f in audited} <= scored
    if written.performance is not None:  # and the form's real defects are still found
        assert {"P.explanation", "P.target-quantified", "P.commensurable"} <= {
            f.rule for f in audited}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_false_finding_on_the_text(written: Written, fmt: str) -> None:
    findings = written.results[fmt].findings
    false = [(f.rule, f.message, f.location.line) for f in findings if f.rule in TEXT_RULES]
    assert false == []
    totals = [f for f in findings if f.rule == "C.total"]
    assert all(f.severity is Severity.INFO and "四舍五入误差范围内" in f.message for f in totals)


@pytest.mark.parametrize("fmt", FORMATS)
def test_basic_expenditure_has_the_tolerance_of_x7(written: Written, fmt: str) -> None:
    """基本支出 = 人员经费 + 公用经费: in the text (C.total) as in the tables (X7), one
    tolerance, one severity."""
    findings = written.results[fmt].findings
    x7 = [f for f in findings if f.rule == "X7"]
    stated = [f for f in findings if f.rule == "C.total" and "基本支出" in f.message]
    if not x7:
        assert not stated  # the identity holds exactly
        return
    assert {f.severity for f in x7} == {f.severity for f in stated} == {Severity.INFO}

    def allowed(f: Finding) -> str:
        m = re.search(r"允许 ±([\d.]+)", f.message)
        assert m is not None
        return m.group(1)

    assert {allowed(f) for f in x7} == {allowed(f) for f in stated}


@pytest.mark.parametrize("fmt", FORMATS)
def test_form_text_is_not_running_text(written: Written, fmt: str) -> None:
    """项目支出总额：2058万元 (the 部门整体 form's budget) is the form's, not a claim that
    contradicts the final 项目支出 of the 情况说明."""
    from juesuan.audit.claims import extract_claims

    claims = extract_claims(written.sources[fmt])
    assert not [c.quote for c in claims if "项目支出总额" in (c.quote or "")
                or "项目类别" in (c.quote or "")]
