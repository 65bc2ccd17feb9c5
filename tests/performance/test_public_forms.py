"""The 自评表 the public reads: the department's own figures exactly as filed; juesuan's
recomputation (计分依据, reference grades, weights it derived) only in the review's version."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.document.build import build_document, numbered
from juesuan.filing.io import load_filing
from juesuan.filing.model import Filing
from juesuan.performance.forms import performance_tables
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import load_scheme
from juesuan.performance.scoring import PerformanceResult
from juesuan.render.layout import cell_text, grid
from juesuan.tables.table import Table

SUIZHOU = Path(__file__).resolve().parents[2] / "examples" / "suizhou-zwfw-2020.yaml"


@pytest.fixture(scope="module")
def seed() -> tuple[Filing, PerformanceResult]:
    filing = load_filing(SUIZHOU).filing
    result, _ = check_performance(filing, load_scheme("hubei-2020"))
    assert result is not None
    return filing, result


def printed(table: Table) -> list[list[str]]:
    g = grid(table)
    return [[g.text_at(line, col) if c.kind == "value" else (g.row_at(line, col) or line[0]).name  # type: ignore[union-attr]
             for col, c in enumerate(g.columns) if c.kind != "code"] for line in g.lines]


def test_the_public_form_prints_the_stated_figures(seed: tuple[Filing, PerformanceResult]) -> None:
    filing, result = seed
    assert filing.performance is not None
    forms = performance_tables(filing.performance, result, "随州市政务服务和大数据管理局", 2020, public=True)
    by_key = {t.key: t for t in forms.tables}
    # 互联网+放管服: filed 0.86, 17.2 and 97.2 (juesuan computes 0.8629, 17.258 and 97.258)
    execution = by_key["performance.projects[1].execution"]
    assert [c.label for c in execution.columns] == ["预算数（A）", "执行数（B）", "执行率（B/A）", "得分"]
    assert printed(execution) == [["年度财政资金总额", "1300", "1121.82", "0.86", "17.2"]]
    indicators = by_key["performance.projects[1].indicators"]
    assert "计分依据" not in [c.label for c in indicators.columns]
    rows = printed(indicators)
    assert rows[-1] == ["总分", "", "", "", "", "100", "97.2"]
    assert rows[0][-2:] == ["30", "30"]  # 分值 and 得分 as filed, not 30.000
    assert not any("等级" in cell or "参考" in cell for row in rows for cell in row)
    assert not any("计分" in note or "评分办法" in note for note in indicators.notes)
    # the department's form: its targets' stated scores, no weights it never gave its indicators
    department = by_key["performance.department.indicators"]
    assert [c.label for c in department.columns][-1] == "得分" and "分值" not in [c.label for c in department.columns]
    total = printed(department)[-1]
    assert total[0] == "总分" and total[-1] == "96.742"


def test_the_review_form_keeps_the_recomputation(seed: tuple[Filing, PerformanceResult]) -> None:
    filing, result = seed
    assert filing.performance is not None
    forms = performance_tables(filing.performance, result, "随州市政务服务和大数据管理局", 2020)
    indicators = {t.key: t for t in forms.tables}["performance.projects[1].indicators"]
    assert "计分依据" in [c.label for c in indicators.columns]
    assert printed(indicators)[-1][-2] == "97.258"


def test_a_form_left_to_juesuan_prints_juesuans_scores(seed: tuple[Filing, PerformanceResult]) -> None:
    """A filer who gives no scores adopts juesuan's: the form is filled, at the scheme's places."""
    filing, _ = seed
    assert filing.performance is not None
    data = filing.model_dump(mode="json")
    for project in data["performance"]["projects"]:
        project["stated"] = {}
        for indicator in project["indicators"]:
            indicator.pop("stated_score", None)
    unscored = Filing.model_validate(data)
    result, _ = check_performance(unscored, load_scheme("hubei-2020"))
    assert result is not None and unscored.performance is not None
    forms = performance_tables(unscored.performance, result, "x", 2020, public=True)
    rows = printed({t.key: t for t in forms.tables}["performance.projects[1].indicators"])
    assert rows[-1][-1] == "97.258"


def test_cells_as_filed_keep_their_own_decimals() -> None:
    assert cell_text(Decimal("96.742"), None) == "96.742"
    assert cell_text(Decimal("20"), None) == "20"
    assert cell_text(Decimal("1722.6725"), None, thousands=True) == "1,722.6725"


def test_duties_are_numbered_as_published_unless_they_carry_numbers() -> None:
    assert numbered(("拟定规划。", "负责管理。")) == ("1、拟定规划。", "2、负责管理。")
    assert numbered(("第一条 总则。", "第二条 职责。")) == ("第一条 总则。", "第二条 职责。")
    assert numbered(("（一）拟定规划。", "负责管理。")) == ("（一）拟定规划。", "负责管理。")
    assert numbered(("只有一段职责说明。",)) == ("只有一段职责说明。",)
    filing = load_filing(SUIZHOU).filing
    doc = build_document(filing, scheme=load_scheme("hubei-2020"))
    duties = next(s for s in doc.sections() if s.key == "overview.duties")
    assert duties.paragraphs[0].startswith("1、拟定市政府职能转变") and duties.paragraphs[9] == "10、有关职责分工。"
