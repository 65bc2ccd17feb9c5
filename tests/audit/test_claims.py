"""Claims in the text of a published report (情况说明) and their checks.

Fixtures (tests/fixtures/reports): 01 is the 2024 report of 上海市普陀区财政局 as
published; 04 is the same report with defects planted by the GovBudgetChecker author
(``diff`` 01 04 shows them); seed-suizhou-2020 is the 2020 report of 随州市政务服务和
大数据管理局, whose Part 2 has real defects. The tables the text is checked against are
built from examples/shanghai-putuo-czj-2024.yaml, rounded to 0.01 as printed, with the
cells where the published tables print another rounding set to the published value
(KNOWN_PUBLISHED_ROUNDING_DIFFERENCES of tests/test_example_shanghai.py): they are the
published tables.

Every error asserted below was verified by hand; the figures are in the comments.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import replace
from decimal import ROUND_DOWN, Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.audit.claim_model import Claim, Kind, Measure
from juesuan.audit.claim_rules import check_claims
from juesuan.audit.claims import extract_claims
from juesuan.audit.grading import (
    Derived,
    Interval,
    grade_percent,
    hull,
    ratio_percent,
)
from juesuan.audit.paragraphs import heading_level
from juesuan.audit.source import SourceDocument, from_text
from juesuan.filing.io import load_filing
from juesuan.money import round_half_up
from juesuan.rules.finding import Finding, Severity
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "fixtures" / "reports"
R01 = REPORTS / "01_shanghai-putuo-czj-2024.txt"
R04 = REPORTS / "04_shanghai-putuo-czj-2024-seeded-defects.txt"
SEED = REPORTS / "seed-suizhou-2020.txt"
D = Decimal


def read(path: Path) -> SourceDocument:
    return from_text(path.read_text(encoding="utf-8"), str(path))


@cache
def claims_of(path: Path) -> tuple[Claim, ...]:
    return tuple(extract_claims(read(path)))


@cache
def built_tables() -> TableSet:
    """The Shanghai example's tables as printed (every amount ±0.005)."""
    filing = load_filing(ROOT / "examples" / "shanghai-putuo-czj-2024.yaml").filing
    return build_tables(filing).rounded(2)


@cache
def published_tables() -> TableSet:
    """The built tables with the few cells the published report rounds differently."""
    spec = importlib.util.spec_from_file_location(
        "shanghai_example_cells", ROOT / "tests" / "test_example_shanghai.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return set_cells(built_tables(), {
        (number, row, column): published
        for number, row, column, published, _ in module.KNOWN_PUBLISHED_ROUNDING_DIFFERENCES
    })


def set_cells(tables: TableSet, cells: dict[tuple[int, str, str], Decimal | None]) -> TableSet:
    new_tables = []
    for table in tables.tables:
        rows = []
        for row in table.rows:
            values = list(row.values)
            for (number, key, column), value in cells.items():
                if number == table.number and key == row.key:
                    values[table.column_index(column)] = value
            rows.append(replace(row, values=tuple(values)))
        new_tables.append(replace(table, rows=tuple(rows)))
    return replace(tables, tables=tuple(new_tables))


def find(claims: tuple[Claim, ...], role: str, subject: str | None = None) -> list[Claim]:
    return [c for c in claims if c.role == role and (subject is None or c.subject == subject)]


def one(claims: tuple[Claim, ...], role: str, subject: str | None = None) -> Claim:
    [claim] = find(claims, role, subject)
    return claim


def graded(findings: list[Finding], severity: Severity) -> set[tuple[str, int | None]]:
    return {(f.rule, f.location.line) for f in findings if f.severity is severity}


# --- extraction: 01 ----------------------------------------------------------------------

SECTION_1 = "一、收入支出决算总体情况说明"


def test_overall_figures_of_01() -> None:
    claims = claims_of(R01)
    total = one(claims, "grand_total:value")
    assert (total.value, total.kind, total.unit, total.places) == (D("2995.39"), Kind.AMOUNT,
                                                                     "万元", 2)
    assert total.text == "2995.39万元"
    assert (total.line, total.section) == (322, SECTION_1)
    assert "收入支出总计2995.39万元" in total.quote
    change = one(claims, "grand_total:change")
    assert (change.value, change.direction, change.word) == (D("56.95"), -1, "减少")
    assert change.line == 323  # "收入" at the end of 322, "支出总计减少56.95" on 323
    rate = one(claims, "grand_total:change_pct")
    assert (rate.value, rate.kind, rate.direction, rate.word) == (D("1.87"), Kind.PERCENT, -1,
                                                                   "下降")
    assert [(c.value, c.measure) for c in claims if c.kind is Kind.YEAR and c.line == 322] == [
        (D(2024), Measure.REPORT_YEAR), (D(2023), Measure.PRIOR_YEAR)]


def test_income_and_expenditure_figures_of_01() -> None:
    claims = claims_of(R01)
    assert one(claims, "income_total:value").value == D("2946.25")
    assert one(claims, "income.fiscal:value").value == D("2940.05")
    assert one(claims, "income.fiscal:share").value == D("99.79")
    other = one(claims, "income.other:value")
    assert (other.value, other.places) == (D("6.2"), 1)  # printed "6.2万元"
    assert one(claims, "income.other:share").value == D("0.21")
    assert one(claims, "expenditure_total:value").value == D("2940.05")
    assert one(claims, "expenditure.basic:value").value == D("2336.91")
    assert one(claims, "expenditure.basic:share").value == D("79.49")
    assert one(claims, "expenditure.project:value").value == D("603.14")
    assert one(claims, "expenditure.project:share").value == D("20.51")


def test_fiscal_and_general_budget_figures_of_01() -> None:
    claims = claims_of(R01)
    assert one(claims, "fiscal_grand_total:value").value == D("0.3")
    trend = one(claims, "fiscal_grand_total:trend")
    assert (trend.kind, trend.direction, trend.text) == (Kind.STATEMENT, 0, "持平")
    values = [c.value for c in find(claims, "general_budget:value")]
    assert values == [D("2940.05"), D("2940.05")]  # 五（一） and 五（二）
    share = one(claims, "general_budget:share")
    assert (share.value, share.reference) == (D("100.00"), "expenditure_total")
    assert one(claims, "general_budget:change").value == D("63.14")
    assert one(claims, "general_budget:change_pct").value == D("2.10")
    classes = [(c.subject, c.value) for c in find(claims, "general_budget.class:value")]
    assert classes == [("一般公共服务支出", D("2106.66")), ("社会保障和就业支出", D("326.72")),
                       ("卫生健康支出", D("60.99")), ("住房保障支出", D("445.69"))]
    shares = [(c.subject, c.value) for c in find(claims, "general_budget.class:share")]
    assert shares == [("一般公共服务支出", D("71.73")), ("社会保障和就业支出", D("11.11")),
                      ("卫生健康支出", D("2.07")), ("住房保障支出", D("15.16"))]
    assert one(claims, "general_budget:budget").value == D("2993.92")
    assert one(claims, "general_budget:final").value == D("2940.05")
    completion = one(claims, "general_budget:completion")
    assert (completion.value, completion.reference) == (D("98.20"), "budget")
    comparison = one(claims, "general_budget:comparison")
    assert (comparison.text, comparison.direction) == ("决算数小于预算数", -1)


ITEMS = [  # 五（三）: (类/款/项, 年初预算, 支出决算, comparison word)
    ("一般公共服务支出/财政事务/行政运行", "1560.05", "1511.89", "小于"),
    ("一般公共服务支出/财政事务/一般行政管理事务", "10.00", "10.00", "基本持平"),
    ("一般公共服务支出/财政事务/信息化建设", "135.90", "135.25", "小于"),
    ("一般公共服务支出/财政事务/财政委托业务支出", "450.52", "449.52", "小于"),
    ("社会保障和就业支出/行政事业单位养老支出/行政单位离退休", "85.55", "84.65", "小于"),
    ("社会保障和就业支出/行政事业单位养老支出/机关事业单位基本养老保险缴费支出", "161.62", "160.75",
     "小于"),
    ("社会保障和就业支出/行政事业单位养老支出/机关事业单位职业年金缴费支出", "80.81", "80.38", "小于"),
    ("社会保障和就业支出/行政事业单位养老支出/其他行政事业单位养老支出", "0.94", "0.94", "基本持平"),
    ("卫生健康支出/行政事业单位医疗/行政单位医疗", "62.29", "60.99", "小于"),
    ("住房保障支出/住房改革支出/住房公积金", "187.75", "187.19", "小于"),
    ("住房保障支出/住房改革支出/购房补贴", "258.50", "258.50", "基本持平"),
]


def test_items_of_01() -> None:
    claims = claims_of(R01)
    found = [
        (c.subject, str(c.value), str(one(claims, "general_budget.item:final", c.subject).value),
         one(claims, "general_budget.item:comparison", c.subject).word)
        for c in find(claims, "general_budget.item:budget")
    ]
    assert found == ITEMS
    first = one(claims, "general_budget.item:budget", ITEMS[0][0])
    assert first.name == "一般公共服务支出（类）财政事务（款）行政运行（项）年初预算数"
    assert first.section == ("五、一般公共预算财政拨款支出决算情况说明 / "
                             "（三）一般公共预算财政拨款支出决算具体情况")


def test_basic_three_public_and_other_figures_of_01() -> None:
    claims = claims_of(R01)
    assert one(claims, "general_budget.basic:value").value == D("2336.91")
    assert one(claims, "personnel:value").value == D("2152.26")
    assert one(claims, "public:value").value == D("184.65")
    assert one(claims, "three_public:budget").value == D("0.95")
    assert one(claims, "three_public:final").value == D("0.00")
    rates = [(c.topic, c.value, c.places) for c in claims if c.measure is Measure.COMPLETION
             and c.line >= 395]
    assert rates == [(t, D(0), 0) for t in ("three_public", "outbound", "vehicle", "reception")]
    assert [c.topic for c in claims if c.measure is Measure.TREND and c.line >= 400] == [
        "three_public", "outbound", "vehicle", "reception"]
    assert [(c.value, c.unit) for c in find(claims, "performance.targets:count")] == [(D(4), "个")]
    assert one(claims, "performance.self:value").value == D("598.42")
    assert one(claims, "performance.self:score").value == D("99.43")
    assert [(c.subject, c.value) for c in find(claims, "performance.rated:count")] == [
        ("优", D(4)), ("良", D(0)), ("合格", D(0)), ("不合格", D(0))]
    assert one(claims, "operating_costs:value").value == D("184.65")
    rise = one(claims, "operating_costs:change_pct")
    assert (rise.value, rise.direction) == (D("1.40"), 1)
    assert [c.value for c in claims if (c.topic or "").startswith("procurement.")] == [
        D("251.25"), D("4.79"), D(0), D("246.47"), D("246.47"), D(0), D("246.47"), D(0),
        D("4.79")]
    assert one(claims, "vehicles:count").value == 0
    assert len(find(claims, "vehicles.kind:count")) == 8
    assert one(claims, "equipment:count").value == 2
    assert one(claims, "equipment.unit_price:value").value == 100


def test_every_number_of_the_explanation_is_a_claim() -> None:
    """第三部分 of 01 (lines 322–434): every figure is a claim, none is invented."""
    lines = R01.read_text(encoding="utf-8").splitlines()[321:434]
    numbers = 0
    for line in lines:
        line = re.sub(r"^\d+、", "", line)  # list ordinals are not figures
        numbers += len(re.findall(r"\d+(?:\.\d+)?", line))
    figures = [c for c in claims_of(R01) if 322 <= c.line <= 434 and c.kind is not Kind.STATEMENT]
    # "2024年12月31日" is read as three claims (year, month, day): as many as the regex
    assert len(figures) == numbers
    assert not [c for c in figures if c.malformed]


def test_headings() -> None:
    assert heading_level("第三部分上海市普陀区财政局2024年度部门决算情况") == 0
    assert heading_level("一、收入支出决算总体情况说明") == 1
    assert heading_level("（一）“三公”经费财政拨款支出决算总体情况说明。") == 2
    assert heading_level("(一)2020年决算收支情况") == 2
    assert heading_level("(一)2020年,全年无团组及人员因公出国(境),因公出国(境)费用支出") is None
    assert heading_level("（一）贯彻执行国家和本市有关财政工作的法律、法规、规章和方针、政策；研") is None
    assert heading_level("1、一般公共服务支出（类）财政事务（款）行政运行（项）。") is None


# --- malformed figures, units, duplicates ------------------------------------------------


@pytest.mark.parametrize(("text", "printed", "value", "problem"), [
    ("比上年决算支出1092.27万元增加1018.8万元,增加93.27了%。", "93.27了%", "93.27",
     "数字与“%”之间夹有“了”"),
    ("项目全年预算数为1300万元,执行数1121.82.用于统筹推进。", "1121.82.", "1121.82",
     "数字末尾多了小数点"),
    ("本年支出合计2,9 40.05万元。", "2,9 40.05万元", "2940.05",
     "数字中间有空格；千分位逗号位置不对"),
    ("一般公共预算财政拨款支出增加1193.20万元，增长13.95。", "13.95", "13.95", "百分数缺少“%”"),
])
def test_malformed_figures_are_recorded(text: str, printed: str, value: str, problem: str) -> None:
    claims = extract_claims(from_text(text))
    [claim] = [c for c in claims if c.malformed]
    assert (claim.text, claim.value, claim.malformed) == (printed, D(value), problem)
    findings = check_claims(claims)
    assert ("C.malformed", 1) in graded(findings, Severity.ERROR)


def test_a_label_number_is_not_joined_to_the_next_figure() -> None:
    """图1 / 表1 / 附表2 / 附件3 before a year: the label's number ends at the space."""
    text = "\n".join([
        "一、收入支出决算总体情况说明",
        "图1 2024年度与2023年度决算数对比",
        "表1 2024年度收入支出决算总表",
        "附表2 2023年度项目支出绩效自评表",
        "附件3 2024年度部门整体支出绩效自评表",
        "图 1-2 2024年度支出结构",
        "本年收入合计2,9 40.05万元。",  # not a label: still one malformed figure
    ])
    claims = extract_claims(from_text(text, "labels.txt"))
    by_line: dict[int, list[str]] = {}
    for claim in claims:
        by_line.setdefault(claim.line, []).append(claim.text)
    assert by_line == {
        2: ["1", "2024年度", "2023年度"],
        3: ["1", "2024年度"],
        4: ["2", "2023年度"],
        5: ["3", "2024年度"],
        6: ["1", "2", "2024年度"],
        7: ["2,9 40.05万元"],
    }
    years = [c for c in claims if c.kind is Kind.YEAR]
    assert [c.value for c in years] == [D(2024), D(2023), D(2024), D(2023), D(2024), D(2024)]
    assert [c.line for c in claims if c.malformed] == [7]
    assert graded(check_claims(claims), Severity.ERROR) == {("C.malformed", 7)}


def test_yuan_where_wan_is_meant() -> None:
    text = "二、收入决算情况说明\n本年收入合计2946.25元，其中：财政拨款收入2940.05万元，占99.79%；" \
           "其他收入6.20万元，占0.21%。"
    claims = extract_claims(from_text(text))
    # with the tables: the figure is the table's 万元 figure, so the unit is wrong
    findings = check_claims(claims, published_tables())
    assert [(f.rule, f.severity) for f in findings if f.rule == "C.unit"] == [
        ("C.unit", Severity.ERROR)]
    # read as the 万元 it stands for, the other checks find nothing more
    assert graded(findings, Severity.ERROR) == {("C.unit", 2)}
    # without tables: a warning
    findings = check_claims(claims)
    assert graded(findings, Severity.WARNING) == {("C.unit", 2)}


def test_duplicated_words() -> None:
    claims = extract_claims(from_text("机关运行经费支出184.65万元，比2023年度增加增加2.55万元，"
                                      "增长1.40%。主要原因是更换照明设施。。"))
    duplicates = [c.text for c in claims if c.measure is Measure.DUPLICATE]
    assert duplicates == ["增加增加", "。。"]
    assert graded(check_claims(claims), Severity.WARNING) == {("C.duplicate-word", 1)}


# --- checks: 01 ----------------------------------------------------------------------------


def test_errors_of_01_against_its_tables() -> None:
    findings = check_claims(claims_of(R01), published_tables())
    assert graded(findings, Severity.ERROR) == {
        # 五（二）: 一般公共服务支出（类）2106.66 / 2940.05 = 71.653% → 71.65%, printed 71.73%;
        # the interval over ±0.005 is 71.6529%–71.6543%, all 71.65%. (The four shares add
        # up to 100.07%.)
        ("C.share", 343),
        # 四: 财政拨款收入支出总计 printed 0.3万元; 表4 总计 is 2961.68
        # (2940.05 + 年初结转和结余 21.63). The text's 持平 is the next finding.
        ("C.table", 332),
    }
    assert graded(findings, Severity.WARNING) == {
        # 四: “…总计持平。主要原因：…等原因减少支付” — a reason for a decrease after 持平
        # (04, the corrected text, says 减少63.14万元，下降2.09%).
        ("C.direction", 333),
        # 七: 表7 has no budget for 因公出国（境）费 or 公务用车 (all 0.95 is 公务接待费),
        # yet the text says 完成预算的0% for both.
        ("C.budget-zero", 396),
        ("C.budget-zero", 397),
    }
    share = next(f for f in findings if f.rule == "C.share" and f.severity is Severity.ERROR)
    assert (share.expected, share.found) == ("71.65%", "71.73%")
    assert share.location.section == ("五、一般公共预算财政拨款支出决算情况说明 / "
                                      "（二）一般公共预算财政拨款支出决算结构情况")
    assert share.location.quote is not None and "占71.73%" in share.location.quote
    table = next(f for f in findings if f.rule == "C.table" and f.severity is Severity.ERROR)
    assert (table.expected, table.found) == ("2961.68", "0.30")


def test_rounding_in_01_is_only_info() -> None:
    findings = check_claims(claims_of(R01), published_tables())
    info = {(f.rule, f.location.line) for f in findings if f.severity is Severity.INFO}
    assert {
        # 五（二）: 2106.66 + 326.72 + 60.99 + 445.69 = 2940.06 against 2940.05 (±0.025)
        ("C.total", 342),
        # 五（三）: the eleven 年初预算 add up to 2993.93 against 2993.92 (±0.06)
        ("C.total", 347),
        # 十一（二）: 4.79 + 0 + 246.47 = 251.26 against 251.25
        ("C.total", 423),
    } <= info
    assert all("四舍五入" in f.message or f.rule == "C.precision"
               for f in findings if f.severity is Severity.INFO)


def test_errors_of_01_without_tables() -> None:
    findings = check_claims(claims_of(R01))
    assert graded(findings, Severity.ERROR) == {("C.share", 343)}
    assert graded(findings, Severity.WARNING) == {("C.direction", 333)}


def test_01_against_the_built_tables() -> None:
    """The example's tables differ from the published ones by 0.01 in a few cells: those
    are info. 公用经费合计 is 184.67 built (12 款 rows summed) and 184.65 published."""
    findings = check_claims(claims_of(R01), built_tables())
    table_errors = [f for f in findings if f.rule == "C.table" and f.severity is Severity.ERROR]
    assert [(f.location.line, f.expected, f.found) for f in table_errors] == [
        (332, "2961.69", "0.30"), (390, "184.67", "184.65")]
    assert {f.location.line for f in findings if f.rule == "C.table"
            and f.severity is Severity.INFO} == {322, 326, 329, 338, 342, 347, 387}


# --- checks: 04 (planted defects) ---------------------------------------------------------


def test_planted_defects_of_04() -> None:
    claims = claims_of(R04)
    findings = check_claims(claims, published_tables())
    errors = graded(findings, Severity.ERROR)
    planted = {
        # 一: 收入支出总计 printed 0 万元 (01: 2995.39); 表1 总计 2995.39 …
        ("C.table", 302),
        # … and the text's own 减少56.95万元 would make 上年 56.95, a 100% fall, not 1.87%
        ("C.change", 303),
        # 五（三）1: 决算 1511.89 < 年初预算 1560.05, written 决算数大于预算数
        ("C.direction", 339),
        # 五（三）7: 80.38 < 80.81, written 大于
        ("C.direction", 369),
        # 五（三）9: 60.99 < 62.29, written 等于
        ("C.direction", 378),
        # 十一（三）: 截至2023年12月31日 in the 2024 report
        ("C.year", 448),
    }
    assert planted <= errors
    # the rest is 01's own defect, unchanged in 04: 71.73%
    assert errors - planted == {("C.share", 328)}
    # 名词解释 一: “…国有资本经营预算财政拨款。。”
    assert ("C.duplicate-word", 456) in graded(findings, Severity.WARNING)
    # 04 corrects 01's 四: 2961.68万元，减少63.14万元，下降2.09% (63.14 / 3024.82 = 2.087%)
    assert not [f for f in findings if f.location.line in (316, 317)
                and f.severity is not Severity.INFO]
    # the planted heading year (第三部分…2023年度…情况说明) is a heading: A.year's
    assert ("C.year", 300) not in errors


def test_planted_table_defect_of_04_shows_in_the_text_check() -> None:
    """04 also empties the 三公 table (表7 预算数 0.95 removed): the text's 0.95 no
    longer agrees with it."""
    emptied = set_cells(published_tables(), {(7, "three_public", "total.budget"): None,
                                             (7, "three_public", "reception.budget"): None})
    findings = check_claims(claims_of(R04), emptied)
    assert ("C.table", 401) in graded(findings, Severity.ERROR)


def test_planted_defects_of_04_without_tables() -> None:
    errors = graded(check_claims(claims_of(R04)), Severity.ERROR)
    assert errors == {("C.change", 303), ("C.direction", 339), ("C.direction", 369),
                      ("C.direction", 378), ("C.year", 448), ("C.share", 328)}


# --- checks: the seed ---------------------------------------------------------------------


def test_claims_of_the_seed() -> None:
    claims = claims_of(SEED)
    assert one(claims, "income_total:budget").value == D("2091.77")
    assert [c.value for c in find(claims, "income_total:value")] == [D("2117.37")] * 2
    diff = one(claims, "income_total:budget_diff_pct")
    assert (diff.value, diff.places) == (D("1.2"), 1)
    assert one(claims, "income_total:prior").value == D("1205.87")
    assert one(claims, "income_total:change").value == D("911.5")
    assert one(claims, "income_total:change_pct").value == D("75.59")
    rise = one(claims, "expenditure_total:budget_diff_pct")
    assert (rise.value, rise.word, rise.direction) == (D(1), "上升", 1)
    assert one(claims, "expenditure_total:budget_diff").value == D("19.3")
    bad = one(claims, "expenditure_total:change_pct")
    assert (bad.value, bad.text, bad.malformed) == (D("93.27"), "93.27了%",
                                                    "数字与“%”之间夹有“了”")
    assert [(c.measure, c.value) for c in claims if c.topic == "three_public"] == [
        (Measure.BUDGET, D("1.21")), (Measure.FINAL, D("0.76")), (Measure.COMPLETION, D("62.81")),
        (Measure.PRIOR, D("0.51")), (Measure.CHANGE, D("0.25")), (Measure.CHANGE_PCT, D("49.01"))]
    assert [(c.measure, c.value) for c in claims if c.topic == "operating_costs"] == [
        (Measure.VALUE, D("29.74")), (Measure.PRIOR, D("30.63")), (Measure.CHANGE, D("0.89"))]
    assert one(claims, "year:prior_year").value == 2019  # 比2019年30.63万元


def test_defects_of_the_seed() -> None:
    findings = check_claims(claims_of(SEED))
    # “增加93.27了%”: 1018.8 / 1092.27 = 93.27% is right, the figure is garbled
    assert graded(findings, Severity.ERROR) == {("C.malformed", 44)}
    warnings = {(f.rule, f.location.line, f.found) for f in findings
                if f.severity is Severity.WARNING}
    assert {
        # 预决算差异率 (2117.37 − 2091.77) / 2091.77 = 1.2238%: 1.22%, printed 1.2%
        ("C.precision", 43, "1.2%"),
        # 比年初预算…上升 19.30 / 2091.77 = 0.9227%: 0.92%, printed 1%
        ("C.precision", 44, "1%"),
        # “三公” 决算 0.76 against 预算 1.21 and 增加0.25万元, no reason given
        ("C.reason-missing", 46, "未说明"),
        # 机关日常公用经费 减少0.89万元, no reason given
        ("C.reason-missing", 51, "未说明"),
    } <= warnings
    # 互联网+放管服 1121.82 / 1300 = 86.29%, printed 86%; 便民邮寄 9.37 / 30 = 31.23%: rounded
    # right and within a hundredth of the rate, the report's style (info), not a warning
    assert {("C.precision", 119, "86%"), ("C.precision", 154, "31%")} <= {
        (f.rule, f.location.line, f.found) for f in findings if f.severity is Severity.INFO}
    # 1.2% and 1% are right at the precision they are printed with: not errors
    assert not [f for f in findings if f.rule in ("C.change", "C.completion")
                and f.severity is not Severity.INFO]
    # “增加了49.01%”: 0.25 / 0.51 = 49.0196% → 49.02%; from figures printed to 0.01 the
    # rate lies anywhere in 46.60%–51.49%, so 49.01% is rounding (info), not an error
    [rate] = [f for f in findings if f.rule == "C.change"]
    assert (rate.severity, rate.location.line, rate.expected, rate.found) == (
        Severity.INFO, 46, "49.02%", "49.01%")
    assert "46.60%～51.49%" in rate.message


# --- interval arithmetic -----------------------------------------------------------------


def test_interval_arithmetic() -> None:
    a = Interval(D("0.505"), D("0.515"))
    b = Interval(D("0.755"), D("0.765"))
    assert b - a == Interval(D("0.240"), D("0.260"))
    assert ratio_percent(b - a, a) == hull(lambda n, d: n / d * 100, b - a, a)
    assert ratio_percent(Interval(D(1), D(2)), Interval(D(-1), D(1))) is None
    assert Interval(D(-2), D(1)).magnitude() == Interval(D(0), D(2))


@pytest.mark.parametrize(("printed", "places", "point", "grade"), [
    ("49.02", 2, "49.0196", "ok"),
    ("49.01", 2, "49.0196", "rounding"),
    ("71.73", 2, "71.6536", "wrong"),
    ("1.2", 1, "1.2238", "ok"),  # judged at its own precision
    ("1", 0, "0.9227", "ok"),
    ("2", 0, "0.9227", "wrong"),
])
def test_grade_percent(printed: str, places: int, point: str, grade: str) -> None:
    derived = Derived(D(point), Interval(D(point) - D("0.002"), D(point) + D("0.002")), "")
    if printed == "49.01":
        derived = Derived(D(point), Interval(D("46.60"), D("51.49")), "")
    assert grade_percent(D(printed), places, derived) == grade


# --- properties: a correctly rounded rate is never an error --------------------------------

CENTS = st.integers(min_value=1, max_value=10_000_000).map(lambda n: D(n).scaleb(-2))


def change_text(current: Decimal, prior: Decimal, rate: Decimal, *, with_prior: bool) -> str:
    up = current > prior
    change = abs(current - prior)
    words = ("增加", "增长") if up else ("减少", "下降")
    base = f"比2023年度{prior}万元" if with_prior else "比2023年度"
    return (f"十一、其他重要事项的情况说明\n机关运行经费支出{current}万元，{base}{words[0]}{change}万元，"
            f"{words[1]}{rate:.2f}%。主要原因是调整。")


def true_range(current: Decimal, prior: Decimal, *, with_prior: bool) -> tuple[Decimal, Decimal]:
    """The rate over every figure within ±0.005 of the printed ones, by the corners: from
    本年数 and 上年数 when both are printed, else from 本年数 and the 增减额."""
    h = D("0.005")
    if with_prior:
        values = [abs(c - p) / p * 100 for c in (current - h, current + h)
                  for p in (prior - h, prior + h)]
        if current - h <= prior + h and current + h >= prior - h:
            values.append(D(0))
    else:
        change = abs(current - prior)
        s = 1 if current > prior else -1
        values = [d / (c - s * d) * 100 for c in (current - h, current + h)
                  for d in (change - h, change + h)]
    return min(values), max(values)


@settings(max_examples=300, deadline=None)
@given(CENTS, CENTS, st.booleans())
def test_a_correctly_rounded_rate_is_never_an_error(current: Decimal, prior: Decimal,
                                                    with_prior: bool) -> None:
    if current == prior:
        return
    rate = round_half_up(abs(current - prior) / prior * 100, 2)
    claims = extract_claims(from_text(change_text(current, prior, rate, with_prior=with_prior)))
    errors = [f for f in check_claims(claims) if f.severity is Severity.ERROR]
    assert errors == []


@settings(max_examples=300, deadline=None)
@given(CENTS, CENTS, st.booleans(), st.integers(min_value=1, max_value=500), st.booleans())
def test_a_rate_outside_the_interval_is_an_error(current: Decimal, prior: Decimal,
                                                 with_prior: bool, off: int, above: bool) -> None:
    if current == prior or prior <= D("0.02"):
        return
    low, high = true_range(current, prior, with_prior=with_prior)
    if above:
        rate = round_half_up(high, 2) + D(off).scaleb(-2)
    else:
        rate = round_half_up(low, 2) - D(off).scaleb(-2)
        if rate < 0:
            return
    claims = extract_claims(from_text(change_text(current, prior, rate, with_prior=with_prior)))
    findings = check_claims(claims)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    cut = (low.quantize(D("0.01"), ROUND_DOWN), high.quantize(D("0.01"), ROUND_DOWN))
    if cut[0] <= rate <= cut[1]:  # what cutting the digits gives: a warning, not an error
        assert errors == []
        [warning] = [f for f in findings if f.severity is Severity.WARNING]
        assert warning.rule == "C.change" and "截去尾数" in warning.message
        return
    assert [f.rule for f in errors] == ["C.change"]
    assert errors[0].found == f"{rate:.2f}%"


def test_a_truncated_rate_is_a_warning() -> None:
    # 11.99 / (30.78 − 11.99) = 63.81%; the printed inputs allow 63.75%–63.87% by rounding:
    # 63.84% is no defect. 99.868% printed as 99.86% is a cut, not a rounding.
    text = "三、支出决算情况说明\n本年支出合计1009.86万元，比上年增加504.00万元，增长{}。"
    ok = check_claims(extract_claims(from_text(text.format("99.63%"))))
    assert [f for f in ok if f.rule == "C.change" and f.severity is not Severity.INFO] == []
    # 9986.80 / (20000.00 − 9986.80) = 99.7364% (99.7363%–99.7364% by rounding): 99.73% is cut
    cut = check_claims(extract_claims(from_text("三、支出决算情况说明\n本年支出合计20000.00万元，"
                                                "比上年增加9986.80万元，增长99.73%。")))
    assert [(f.rule, f.severity) for f in cut if f.rule == "C.change" and f.severity is not Severity.INFO] == [
        ("C.change", Severity.WARNING)]


@settings(max_examples=300, deadline=None)
@given(CENTS, CENTS)
def test_correctly_rounded_shares_are_never_errors(basic: Decimal, project: Decimal) -> None:
    total = basic + project
    shares = [round_half_up(part / total * 100, 2) for part in (basic, project)]
    text = (f"三、支出决算情况说明\n本年支出合计{total}万元，其中：基本支出{basic}万元，占{shares[0]:.2f}%；"
            f"项目支出{project}万元，占{shares[1]:.2f}%。")
    findings = check_claims(extract_claims(from_text(text)))
    assert [f for f in findings if f.severity is not Severity.INFO] == []


def test_claims_of_03_and_02() -> None:
    """Two more published reports of the district: their real defects, nothing else."""
    errors = graded(check_claims(claims_of(REPORTS / "02_shanghai-putuo-ghzyj-2024.txt")),
                    Severity.ERROR)
    assert errors == {
        # 五（一）: “增长13.95。” — the rate has no %
        ("C.malformed", 399),
    }
    # truncated rather than rounded: a warning that says so (issue 12)
    truncated = [f for f in check_claims(claims_of(REPORTS / "02_shanghai-putuo-ghzyj-2024.txt"))
                 if "截去尾数" in f.message]
    assert {(f.rule, f.location.line, f.severity, f.found) for f in truncated} == {
        # 五（一）: 9746.50 / 9759.38 = 99.868% → 99.87%, printed 99.86%
        ("C.share", 398, Severity.WARNING, "99.86%"),
        # 五（三）: 9746.50 / 10210.34 = 95.457% → 95.46%, printed 95.45%
        ("C.completion", 410, Severity.WARNING, "95.45%"),
    }
    findings = check_claims(claims_of(REPORTS / "03_shanghai-putuo-shegongbu-2024.txt"))
    assert graded(findings, Severity.ERROR) == set()
    assert graded(findings, Severity.WARNING) == {
        # 五（三）: 年初预算为0万元 … 完成年初预算的95.89% (307.82 / 全年预算 321.02)
        ("C.budget-zero", 300),
        # 五（三）8: 住房公积金（项）主要用于：事业单位医疗保险支出
        ("C.purpose", 333),
    }
    # 五（二）: 29.42 / 307.82 = 9.5575% → 9.56%, printed 9.55% so that the four shares add up
    # to 100.00%: info
    [share] = [f for f in findings if f.rule == "C.share"]
    assert (share.severity, share.location.line, share.found) == (Severity.INFO, 297, "9.55%")


def test_an_empty_reason_is_an_error_and_a_reason_further_down_counts() -> None:
    empty = check_claims(extract_claims(from_text(
        "三、支出决算情况说明\n本年支出合计120.00万元，比上年增加20.00万元，增长20.00%。增加原因主要是。\n")))
    [finding] = [f for f in empty if f.rule == "C.reason-missing" and f.severity is Severity.ERROR]
    assert "原因为空" in finding.message
    below = check_claims(extract_claims(from_text(
        "七、“三公”经费支出决算情况说明\n“三公”经费支出决算为62.07万元，比上年决算数增加38.97万元，增长168.70%。\n"
        "“三公”经费支出决算大于上年决算数的主要情况：上年受疫情影响，出行减少。\n")))
    assert [f for f in below if f.rule == "C.reason-missing"] == []


def test_completion_of_a_budget_stated_before_the_rate() -> None:
    # "完成预算21.55万元的134%" (广东 2017): the amount is the budget, the rate after 的 the completion
    text = ("七、“三公”经费支出决算情况说明\n“三公”经费财政拨款支出决算为28.98万元，完成预算21.55万元的134%。"
            "其中：因公出国（境）费支出决算为0万元，完成预算0万元的100%。\n")
    read = [(c.topic, c.measure, c.text) for c in extract_claims(from_text(text)) if c.topic != "year"]
    assert read == [("three_public", Measure.FINAL, "28.98万元"), ("three_public", Measure.BUDGET, "21.55万元"),
                    ("three_public", Measure.COMPLETION, "134%"), ("outbound", Measure.FINAL, "0万元"),
                    ("outbound", Measure.BUDGET, "0万元"), ("outbound", Measure.COMPLETION, "100%")]
    zero = [f for f in check_claims(extract_claims(from_text(text))) if f.rule == "C.budget-zero"]
    assert [(f.severity, f.found) for f in zero] == [(Severity.WARNING, "完成预算的100%")]


def test_an_increase_larger_than_the_amount_is_an_error() -> None:
    # "25.2万元…较2016年增加了205.57万元": last year would be −180.37万元 (issue 12)
    text = "七、“三公”经费支出决算情况说明\n2017年“三公”经费支出25.2万元，较2016年增加了205.57万元。\n"
    found = [f for f in check_claims(extract_claims(from_text(text))) if f.rule == "C.change"]
    assert [(f.severity, f.found) for f in found] == [(Severity.ERROR, "205.57")]
    assert "= -180.37万元" in found[0].message
    fine = "七、“三公”经费支出决算情况说明\n2017年“三公”经费支出225.20万元，较2016年增加了205.57万元。\n"
    assert [f for f in check_claims(extract_claims(from_text(fine))) if f.rule == "C.change"] == []


def test_a_rate_in_times() -> None:
    # 增长15.22倍 is a rate of change of 1,522% (issue 12)
    right = "三、支出决算情况说明\n本年支出合计161.10万元，比上年增加151.16万元，增长15.21倍，主要原因是新增项目。\n"
    wrong = right.replace("15.21倍", "16.21倍")
    assert [f for f in check_claims(extract_claims(from_text(right))) if f.severity is not Severity.INFO] == []
    found = [f for f in check_claims(extract_claims(from_text(wrong))) if f.rule == "C.change"]
    assert [(f.severity, f.found) for f in found] == [(Severity.ERROR, "1621%")]


def test_a_sentence_printed_twice() -> None:
    text = "一、部门主要职责\n本单位无下属单位。本单位无下属单位。\n"
    [f] = [f for f in check_claims(extract_claims(from_text(text))) if f.rule == "C.duplicate-word"]
    assert (f.severity, f.expected) == (Severity.WARNING, "本单位无下属单位。")
    once = "一、部门主要职责\n本单位无下属单位。本单位有两个处室。\n"
    assert [f for f in check_claims(extract_claims(from_text(once))) if f.rule == "C.duplicate-word"] == []


def test_an_amount_named_otherwise_is_not_the_topic_before_it() -> None:
    """tests/fixtures/real: gansu-2018-huanxian-xczx, guangdong-2017-xuwen-spypjgj,
    hunan-2018-dingcheng-jyj-xzxx, chongqing-2021-tongliang-anju."""
    text = ("本部门2018年度支出合计213万元，其中：基本支出186.25万元；项目支出26.75万元。\n"
            "本部门2018年度年末结转和结余64.4万元，较上年增加54.06万元。\n"
            "项目支出94436115.5元（基本建设类项目36864863.5元，行政事业类项目57571252元）。\n"
            "公务用车购置及运行维护费支出22.83万元，其中：公务用车购置支出为0万元；公务用车运行及维护支出22.83万元。\n"
            "“三公”经费支出共计9.07万元，较上年支出数减少0.71万元，下降7.83%。\n"
            "公务车购置及运行维护费支出决算为41.9万元。\n")
    topics = {c.text: c.topic for c in extract_claims(from_text(text)) if c.kind is Kind.AMOUNT}
    assert topics["64.4万元"] is None and topics["54.06万元"] is None  # not 项目支出
    assert topics["36864863.5元"] is None and topics["57571252元"] is None
    assert (topics["0万元"], topics["22.83万元"]) == ("vehicle_purchase", "vehicle_operation")
    assert topics["0.71万元"] == "three_public"  # compares the amount before it
    assert topics["41.9万元"] == "vehicle"
