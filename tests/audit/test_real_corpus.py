"""The audit scored on real published reports of many provinces, levels and years
(tests/fixtures/real, each with a truth file written by reading it).

The scores are printed (``pytest -s``) and held at a floor: precision of the audit's errors
(every error stands on a listed defect) and recall of the listed defects. The floors rise as
the audit improves; benchmarks/README.md records the scores per province and year
(``python benchmarks/corpus_score.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus_score import (  # noqa: E402
    CORPUS,
    Scored,
    load_corpus,
    score_corpus,
    table,
    tally,
)

# Floors (issue 12 targets: precision of errors ≥ 95 %, recall of defects ≥ 80 %).
PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.80  # the target of issue 12
YEAR_FLOOR = 0.90  # reports whose year the audit recognises, and recognises right
UNIT_FLOOR = 0.65  # reports whose unit the audit names as the truth does (or by a part of its name)
PROVINCES, YEARS = 10, 5


@pytest.fixture(scope="module")
def scored() -> list[Scored]:
    return score_corpus(load_corpus())


def test_the_corpus_is_broad() -> None:
    entries = load_corpus()
    assert len(entries) >= 40
    assert len({e.truth["province"] for e in entries}) >= PROVINCES
    assert len({e.truth["year"] for e in entries if 2015 <= e.truth["year"] <= 2024}) >= YEARS
    assert {e.truth["level"] for e in entries} >= {"省", "市", "县", "乡镇"}
    assert not [e.name for e in entries if "平潭" in e.text or "pingtan" in e.name]  # kept for acceptance
    for folder in CORPUS.iterdir():
        if folder.is_dir():
            assert (folder / "truth.yaml").is_file() and (folder / "report.txt").is_file(), folder


def test_errors_are_real_and_defects_are_found(scored: list[Scored], capsys: pytest.CaptureFixture[str]) -> None:
    total = tally(scored)["全部"]
    with capsys.disabled():
        print("\n" + table(tally(scored), "真实报告语料"))
    false = [(s.entry.name, x.rule, x.line, x.message) for s in scored for x in s.errors if x.defect is None]
    assert total.precision is None or total.precision >= PRECISION_FLOOR, false
    assert total.recall is not None and total.recall >= RECALL_FLOOR
    assert total.year_wrong == 0
    assert total.year_right >= YEAR_FLOOR * total.reports
    assert total.unit_right >= UNIT_FLOOR * total.reports


def test_an_unknown_year_is_not_evaluated() -> None:
    """A report whose year cannot be read has its year checks not evaluated, never failed."""
    from juesuan.audit.check import audit
    from juesuan.audit.reading.text import read_text

    text = "情况说明\n收入支出总计100.00万元，与2016年相比增加10.00万元，增长11.11%。\n"
    result = audit(read_text(Path("r.txt"), text.encode("utf-8")))
    assert result.year is None
    assert not [f for f in result.findings if f.rule == "C.year"]
