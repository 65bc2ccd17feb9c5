"""The audit recognises which disclosure template a report follows, from what it prints,
and judges completeness by that template (八张表 before 2019)."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.audit.check import audit
from juesuan.audit.readers import read_report
from juesuan.audit.source import from_text
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.publish import render
from juesuan.template.catalogue import bundled

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "fixtures" / "reports"
SHANGHAI = ROOT / "examples" / "shanghai-putuo-czj-2024.yaml"
SUIZHOU = ROOT / "examples" / "suizhou-zwfw-2020.yaml"


@pytest.mark.parametrize(("report", "template"), [
    ("01_shanghai-putuo-czj-2024.txt", "shanghai-2024"),  # 表1 lists 26 类
    ("02_shanghai-putuo-ghzyj-2024.txt", "shanghai-2024-24"),  # 24 类
    ("05_shanghai-district-final-accounts-template-2024.txt", "shanghai-2024-24"),
    ("03_shanghai-putuo-shegongbu-2024.txt", "shanghai-2024"),
    ("seed-suizhou-2020.txt", None),  # its tables were images: nothing tells templates apart
])
def test_real_reports(report: str, template: str | None) -> None:
    text = (REPORTS / report).read_text(encoding="utf-8")
    result = audit(from_text(text, report))
    assert result.template == template
    assert result.to_data()["template"] == template


@pytest.mark.parametrize("name", ["central-2017", "central-2020", "hubei-2020", "shanghai-2024",
                                  "shanghai-2024-24"])
def test_our_documents_in_every_template(tmp_path: Path, name: str) -> None:
    filing = load_filing(SHANGHAI).filing
    path = tmp_path / "report.html"
    path.write_bytes(render(build_document(filing, template=bundled(name)), "html"))
    result = audit(read_report(path))
    assert result.template == name
    assert result.tables.expected == bundled(name).numbers
    assert [f.message for f in result.findings if f.severity.value == "error"] == []


def test_an_eight_table_report_before_2019_misses_no_table(tmp_path: Path) -> None:
    """Without 表9 a 2018 report is complete; a 2020 one in the same form is not."""
    filing = load_filing(SHANGHAI).filing
    for year, missing in ((2018, []), (2020, ["缺少公开表9"])):
        dated = filing.model_copy(update={"year": year})
        path = tmp_path / f"{year}.html"
        path.write_bytes(render(build_document(dated, template=bundled("central-2017")), "html"))
        text = read_report(path)
        result = audit(text)
        x13 = [f.message for f in result.findings if f.rule == "X13"]
        if year == 2018:
            assert result.template == "central-2017" and x13 == missing
        else:
            assert result.template in ("central-2017", None)
            assert x13 == (missing if result.template is None else [])
