"""`juesuan import REPORT -o FILING.yaml`: a published report read back into a filing.

01 is a real report with all nine tables: the filing imported from it rebuilds every
published cell but the 0.01/0.02 ones test_example_shanghai lists (the published 类 rows
and totals were rounded from unrounded figures; the filing holds the printed 项 rows).
The seed has no tables but five 自评表. 04 lacks its 支出决算表.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from damage import damage
from typer.testing import CliRunner

from juesuan.audit.check import audit
from juesuan.audit.importer import Imported, guess_region, import_report
from juesuan.audit.source import from_text
from juesuan.cli import app
from juesuan.filing.io import load_filing, parse_filing_text
from juesuan.filing.model import Filing, Fund
from juesuan.performance.scheme import bundled_schemes
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
REPORTS = TESTS / "fixtures" / "reports"
R01 = REPORTS / "01_shanghai-putuo-czj-2024.txt"
R04 = REPORTS / "04_shanghai-putuo-czj-2024-seeded-defects.txt"
SEED = REPORTS / "seed-suizhou-2020.txt"
D = Decimal
SCHEMES = bundled_schemes()  # resolved at the edge, as `juesuan import` does

runner = CliRunner()


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def imported(path: Path) -> Imported:
    source = from_text(path.read_text(encoding="utf-8"), path.name)
    return import_report(audit(source, claims=False, schemes=SCHEMES))


def loaded(result: Imported) -> Filing:
    """The YAML text read back as `juesuan check` reads it."""
    return parse_filing_text(result.text, "imported.yaml", json_format=False).filing


def cells(ts: TableSet) -> dict[tuple[int, str, str], Any]:
    return {(t.number, row.key, column.key): value
            for t in ts.tables for row in t.rows
            for column, value in zip(t.columns, row.values, strict=True)}


# --- 01: the nine tables come back ----------------------------------------------------------------


@pytest.fixture(scope="module")
def imported_01() -> Imported:
    return imported(R01)


def test_01_yaml_loads_as_the_filing_built(imported_01: Imported) -> None:
    filing = loaded(imported_01)
    assert filing == imported_01.filing
    assert (filing.department.name, filing.year, str(filing.unit)) == ("上海市普陀区财政局", 2024, "万元")
    assert (filing.department.region, filing.department.level.value) == ("上海市普陀区", "县级")


def test_01_rebuilds_the_published_tables_but_the_known_rounding_cells(imported_01: Imported) -> None:
    example = _module("example_shanghai_for_import", TESTS / "test_example_shanghai.py")
    published = example.parse_published(R01.read_text(encoding="utf-8"), 2024)
    ours = build_tables(loaded(imported_01)).rounded(2)
    found = list(example.differences(published.cells, example.generated_cells(ours)))
    assert sorted(found) == sorted(example.KNOWN_PUBLISHED_ROUNDING_DIFFERENCES)
    built = cells(ours)
    # 表2 合计: published 2946.25, the sum of the printed 项 rows is 2946.26
    assert published.cells[(2, "total", "total")] == D("2946.25")
    assert built[(2, "total", "total")] == D("2946.26")
    # cells that are printed once and come back as printed
    assert built[(3, "2010601", "project")] == D("8.37")
    assert built[(2, "2010602", "other")] == D("6.19")
    assert built[(4, "opening.general_budget", "income")] == D("21.63")
    assert built[(1, "opening", "income")] == D("49.14")
    assert built[(6, "public_total", "public")] == D("184.67")  # 171.09 + 13.58 (printed 184.65)
    assert built[(7, "three_public", "reception.budget")] == D("0.95")


def test_01_has_the_example_filings_table_data(imported_01: Imported) -> None:
    ours = imported_01.filing
    example = load_filing(ROOT / "examples" / "shanghai-putuo-czj-2024.yaml").filing
    assert ours.income == example.income
    assert [(r.code, r.fund, r.basic, r.project) for r in ours.expenditure] == [
        (r.code, r.fund, r.basic, r.project) for r in example.expenditure]
    assert ours.basic_economic == example.basic_economic
    assert ours.carry_over == example.carry_over  # non_fiscal 49.14 − 21.63 = 27.51, 55.34 − 21.63 = 33.71
    assert ours.organisation.duties == example.organisation.duties  # 15, （七）（八） split
    assert ours.department.units == example.department.units


def test_01_yaml_writes_amounts_as_printed_and_quotes_codes(imported_01: Imported) -> None:
    text = imported_01.text
    assert "  - code: '2010601'\n" in text
    assert "    general_budget: '1511.89'\n    other: '0.01'\n" in text
    assert "    project: '10.00'\n" in text  # two places kept
    assert "unit: 万元\n" in text
    header = text.splitlines()[:3]
    assert header[0].startswith("# 由 juesuan import 从公开报告 01_shanghai-putuo-czj-2024.txt 读出")
    assert header[1].startswith("# 未能提取：绩效自评表（performance）；预算数（budget）")
    # the data is plain YAML under the comments
    assert yaml.safe_load(text)["income"][0] == {"code": "2010601", "name": "行政运行",
                                                 "general_budget": "1511.89", "other": "0.01"}


# --- the seed: 自评表 only ------------------------------------------------------------------------


def test_seed_import_has_the_performance_section_and_says_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "seed.yaml"
    result = runner.invoke(app, ["import", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    missing = text.splitlines()[1]
    assert missing.startswith("# 未能提取：")
    assert all(f"表{n} " in missing for n in range(1, 10))
    assert "# 注：年度财政资金总额“1121.82.”书写有误，按 1121.82 读取" in text
    filing = load_filing(out).filing
    assert (filing.department.name, filing.year) == ("随州市政务服务和大数据管理局", 2020)
    assert (filing.department.region, filing.department.level.value) == ("随州市", "市级")
    assert len(filing.organisation.duties) == 10 and filing.organisation.duties[-1] == "有关职责分工。"
    assert filing.organisation.staffing is not None and filing.organisation.staffing.startswith("现有管理人员22人")
    assert filing.performance is not None and filing.performance.scheme == "hubei-2020"
    assert [p.name for p in filing.performance.projects] == [
        "运行维护管理经费", "互联网+放管服", "12345市长热线", "便民邮寄政府集中付费"]
    assert ("    # 原文第 121 行：2020年度互联网+放管服项目自评表\n"
            "    # 年度财政资金总额“1121.82.”书写有误，按 1121.82 读取\n"
            "    # 表上未印各指标分值：各指标得分之和等于指标总分，按得分推定分值\n"
            "    - name: 互联网+放管服\n") in text

    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code in (0, 1)
    score = runner.invoke(app, ["score", str(out), "-f", "json"])
    assert score.exit_code in (0, 1), score.output
    evaluations = json.loads(score.stdout)["evaluations"]
    totals = [(e["name"], e["total"], e["stated"]["total"]) for e in evaluations]
    assert totals == [
        ("市政务服务和大数据管理局", "96.742", "96.742"),
        ("运行维护管理经费", "100", "100"),
        ("互联网+放管服", "97.258", "97.2"),
        ("12345市长热线", "97.45", "97.45"),
        ("便民邮寄政府集中付费", "86.246", "86.2"),
    ]


# --- 04: a table missing -------------------------------------------------------------------------


def test_04_without_its_expenditure_table(tmp_path: Path) -> None:
    result = imported(R04)
    header = result.text.splitlines()[1]
    assert "表3 支出决算表" in header
    assert "# 缺少支出决算表：只有财政拨款支出（表5、表8、表9）" in result.text
    filing = loaded(result)
    assert {r.fund for r in filing.expenditure} == {Fund.GENERAL_BUDGET}
    assert len(filing.expenditure) == 11  # the 项 rows of 表5
    out = tmp_path / "04.yaml"
    assert runner.invoke(app, ["import", str(R04), "-o", str(out)]).exit_code == 0
    assert runner.invoke(app, ["check", str(out)]).exit_code in (0, 1)


# --- every fund and source: a filing printed, read back and imported --------------------------------


@pytest.fixture(scope="module")
def printed() -> tuple[ModuleType, ModuleType]:
    return (_module("rules_conftest_for_import", TESTS / "rules" / "conftest.py"),
            _module("audit_text_for_import", TESTS / "rules" / "audit_text.py"))


@pytest.mark.parametrize(("layout", "year"), [("shanghai-2024", 2024), ("central-2020", 2020)])
@pytest.mark.parametrize("unit", ["元", "万元"])
def test_printed_filing_imports_to_the_same_tables(printed: tuple[ModuleType, ModuleType], layout: str,
                                                   year: int, unit: str) -> None:
    conftest, audit_text = printed
    data = conftest.GOOD if unit == "元" else conftest.in_wan(conftest.GOOD)
    filing = Filing.model_validate({**data, "layout": layout, "year": year})
    built = build_tables(filing).rounded(2)
    report = audit_text.report_text(built)
    result = import_report(audit(from_text(report, "report.txt"), schemes=SCHEMES))
    again = loaded(result)
    assert cells(build_tables(again).rounded(2)) == cells(built)
    # 政府性基金 income of 2120201 split from 财政拨款收入, its carry-over per 项,
    # and what 表3 shows beyond 表5 as 非财政拨款
    [fund_income] = [r for r in again.income if r.code == "2120201"]
    assert (fund_income.general_budget, fund_income.government_fund) == (None, D("20.00"))
    assert [(c.fund, c.code) for c in again.carry_over] == [
        (Fund.GENERAL_BUDGET, None), (Fund.GOVERNMENT_FUND, "2120201"), (Fund.NON_FISCAL, None)]
    assert [(r.code, r.basic, r.project) for r in again.expenditure if r.fund is Fund.NON_FISCAL] == [
        ("2010601", D("4.00"), None), ("2010602", None, D("5.00"))]
    assert (again.non_fiscal_balance_used, again.surplus_distribution) == (D("1.00"), D("1.00"))


def test_fund_income_split_by_class_without_table_8(printed: tuple[ModuleType, ModuleType]) -> None:
    # no 表8: 表4 shows 政府性基金 spending only in 类 212, whose one 项 in 表2 (2120201) has
    # 财政拨款收入 20.00 = 表4's 政府性基金 income: unambiguous
    conftest, audit_text = printed
    built = build_tables(Filing.model_validate(conftest.in_wan(conftest.GOOD))).rounded(2)
    report = audit_text.report_text(built, order=[1, 2, 3, 4, 5, 6, 7, 9])
    result = import_report(audit(from_text(report, "report.txt"), schemes=SCHEMES))
    [row] = [r for r in loaded(result).income if r.code == "2120201"]
    assert (row.general_budget, row.government_fund) == (None, D("20.00"))
    assert "# 注：政府性基金预算财政拨款收入 20.00 万元按表4 各类支出推定到科目：2120201" in result.text
    assert "表8 政府性基金预算财政拨款收入支出决算表" in result.text.splitlines()[1]


def test_fund_income_that_cannot_be_split_stays_general_budget(
        printed: tuple[ModuleType, ModuleType]) -> None:
    # no 表8, and 类 212 has 一般公共预算 spending (2120101) beside the 政府性基金's: ambiguous
    conftest, audit_text = printed
    data = conftest.in_wan(conftest.GOOD)
    data["income"].append({"code": "2120101", "general_budget": "3.00"})
    data["expenditure"].append({"code": "2120101", "basic": "3.00"})
    data["basic_economic"].append({"code": "30199", "amount": "3.00"})
    built = build_tables(Filing.model_validate(data)).rounded(2)
    report = audit_text.report_text(built, order=[1, 2, 3, 4, 5, 6, 7, 9])
    result = import_report(audit(from_text(report, "report.txt"), schemes=SCHEMES))
    rows = {r.code: (r.general_budget, r.government_fund) for r in loaded(result).income}
    assert rows["2120201"] == (D("20.00"), None) and rows["2120101"] == (D("3.00"), None)
    assert "# 注：表4 列有政府性基金预算财政拨款收入 20.00 万元，表8未能按科目拆分" in result.text


# --- the command and the helpers -------------------------------------------------------------------


def test_import_command_errors(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["import", str(tmp_path / "none.pdf"), "-o", str(tmp_path / "x.yaml")])
    assert missing.exit_code == 2
    assert not (tmp_path / "x.yaml").exists()
    folder = tmp_path / "folder"
    folder.mkdir()
    to_folder = runner.invoke(app, ["import", str(R01), "-o", str(folder)])
    assert to_folder.exit_code == 2


@pytest.mark.parametrize("name", sorted(p.name for p in REPORTS.glob("*.txt")))
def test_every_fixture_imports_to_a_readable_filing(name: str) -> None:
    loaded(imported(REPORTS / name))


@pytest.mark.parametrize(("name", "region", "level"), [
    ("上海市普陀区财政局", "上海市普陀区", "县级"),
    ("中共上海市普陀区委社会工作部", "上海市普陀区", "县级"),
    ("随州市政务服务和大数据管理局", "随州市", "市级"),
    ("湖北省财政厅", "湖北省", "省级"),
    ("北京市财政局", "北京市", "省级"),
    ("鄂州市城市管理执法委员会", "鄂州市", "市级"),
    ("某县某镇人民政府", "某县某镇", "乡镇级"),
])
def test_region_and_level_from_the_name(name: str, region: str, level: str) -> None:
    assert guess_region(name) == (region, level)


def test_no_region_in_the_name() -> None:
    assert guess_region("国家统计局") is None


def test_damaged_reports_still_import_to_readable_filings() -> None:
    import random

    rng = random.Random(20240102)
    texts = [path.read_text(encoding="utf-8").splitlines() for path in (R01, SEED, R04)]
    junk = ["", "|", " | | ", "1,2.34", "XX", "合计", "总分", "三级指标", "2010601", "30101",
            "单位：元", "-5", "0.00", "1121.82.", "年度目标1:(30分) | x", "# 注释", "key: value", "- 项"]
    for _ in range(40):
        lines = damage(rng.choice(texts), rng, junk, rng.randint(1, 25), (0.3, 0.5, 0.85))
        damaged = from_text("\n".join(lines), "damaged.txt")
        result = import_report(audit(damaged, claims=False, schemes=SCHEMES))
        assert loaded(result) == result.filing


def test_pdf_imports_as_its_text(imported_01: Imported) -> None:
    pytest.importorskip("pdfplumber")
    readers = pytest.importorskip("juesuan.audit.readers")
    pdf = TESTS / "fixtures" / "pdfs" / "01_shanghai-putuo-czj-2024.pdf"
    if not pdf.exists():
        pytest.skip(f"{pdf} not present")
    from_pdf = import_report(audit(readers.read_report(pdf), claims=False, schemes=SCHEMES))
    assert from_pdf.filing == imported_01.filing


def test_a_year_no_filing_can_hold_is_left_to_fill() -> None:
    # fuzz seed 1 #30653: a report of "1929年度" gave a traceback (the model holds 2000–2100)
    text = (ROOT / "tests" / "fixtures" / "reports" / "01_shanghai-putuo-czj-2024.txt").read_text(encoding="utf-8")
    imported = import_report(audit(from_text(text.replace("2024", "1929"), "old.txt"), claims=False))
    assert imported.filing.year == 2000
    assert any("报告写作 1929 年" in m for m in imported.missing)
