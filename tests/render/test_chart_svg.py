"""The SVG charts of the examples laid out by WeasyPrint, as the PDF lays them out: their
labels are text in the PDF (pdftotext finds them), and drawing them needs no
plotting library."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from juesuan.content import Chart
from juesuan.filing.io import load_filing
from juesuan.narrative.charts import build_charts
from juesuan.narrative.facts import gather_facts
from juesuan.render.charts import chart_svg
from juesuan.tables.build import build_tables

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"


def example_charts() -> list[Chart]:
    charts: list[Chart] = []
    for path in EXAMPLES:
        filing = load_filing(path).filing
        facts = gather_facts(filing, build_tables(filing).rounded(2), None)
        charts += build_charts(facts).values()
    return charts


def level_lines(svg: str) -> list[str]:
    """Every line of every level (not upright) label of the SVG."""
    lines = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        if text.get("transform"):
            continue
        spans = text.findall(f"{SVG}tspan")
        lines += [s.text or "" for s in spans] if spans else [text.text or ""]
    return lines


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_chart_labels_are_text_in_the_pdf(tmp_path: Path) -> None:
    from juesuan.render.pdf import html_to_pdf

    charts = example_charts()
    svgs = [chart_svg(c, inline=True) for c in charts]
    figures = "".join(f'<div style="width: 15cm; break-inside: avoid">{s}</div>' for s in svgs)
    pdf = tmp_path / "charts.pdf"
    pdf.write_bytes(html_to_pdf(f'<html lang="zh-CN"><body>{figures}</body></html>'))
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    found = {line.strip() for line in text.splitlines()}
    words = set(" ".join(found).split())
    expected = [line for c in charts for line in level_lines(chart_svg(c))]
    assert len(expected) > 100
    # A label of several words (财政拨款收入  2,940.06) may come out with one space.
    missing = [line for line in expected
               if line not in found and " ".join(line.split()) not in " ".join(found)
               and not set(line.split()) <= words]
    assert missing == []


def test_drawing_a_chart_imports_no_plotting_library() -> None:
    script = ("import sys\n"
              "from juesuan.render.pdf import html_to_pdf\n"
              "from juesuan.render.charts import chart_svg\n"
              "from juesuan.content import Chart, Series\n"
              "from decimal import Decimal\n"
              "chart_svg(Chart('k', 't', 'bar', ('甲',), (Series('s', (Decimal(1),)),)))\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n")
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                            text=True)
    assert result.stdout.strip() == "[]"
