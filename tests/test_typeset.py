"""Full-width punctuation in the published text, and only there: numbers and Latin text keep theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.document.build import build_document
from juesuan.document.typeset import full_width
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import load_scheme


@pytest.mark.parametrize(("typed", "printed"), [
    ("出国(境)", "出国（境）"),
    ("职责增加,新增", "职责增加，新增"),
    ("无车辆购置;市政务", "无车辆购置；市政务"),
    ("原因:人员增加", "原因：人员增加"),
    ("100%,增长", "100%，增长"),
    ("1,234.56万元", "1,234.56万元"),
    ("12:30", "12:30"),
    ("(A) test, ok", "(A) test, ok"),
    ("（已全角），", "（已全角），"),
])
def test_full_width(typed: str, printed: str) -> None:
    assert full_width(typed) == printed


def test_the_seed_examples_half_width_text_is_printed_full_width() -> None:
    path = Path(__file__).resolve().parents[1] / "examples" / "suizhou-zwfw-2020.yaml"
    filing = load_filing(path).filing
    doc = build_document(filing, scheme=load_scheme("hubei-2020"))
    paragraphs = [p for s in doc.sections() for p in s.paragraphs]
    assert any("职责增加，新增政府门户网站集约化" in p for p in paragraphs)
    assert any("全年无团组及人员因公出国（境）" in p for p in paragraphs)
    # the filing keeps the department's typing; only the print changes
    assert "," in (filing.reasons.income_change or "")
    assert not [p for p in paragraphs if any(f"{a}{c}" in p for c in ",;:()" for a in "政局费境况")]
