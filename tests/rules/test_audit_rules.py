"""The audit rules (scope "audit"): each passes on a correct report and fires, at the
right place and with the right figures, on a report broken in one way.

The correct report is printed from the good filing's tables (conftest) in the 2024
Shanghai layout (audit_text.report_text): cover, 目录, four parts, the nine tables and
the eleven sections of the 情况说明. Auditing it reproduces the tables exactly and
yields not a single finding. Each failing case breaks it the way published reports
go wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from audit_text import report_text

from juesuan.audit.check import audit
from juesuan.audit.source import SourceDocument, from_text
from juesuan.catalogue import REGISTRY
from juesuan.rules.finding import Finding, Severity
from juesuan.tables.table import Cell, Row, TableSet

AUDIT_RULES = sorted(r.id for r in REGISTRY.values() if r.scope == "audit")
FILE = "report.txt"
NAME = "测试市测试局"

Make = Callable[[TableSet], SourceDocument]


# --- building broken reports -------------------------------------------------------------


def text(**kwargs: object) -> Make:
    """The good report with report_text's keyword arguments."""
    return lambda ts: from_text(report_text(ts, **kwargs), FILE)  # type: ignore[arg-type]


def tables(change: Callable[[TableSet], TableSet], **kwargs: object) -> Make:
    """The report of tables changed by ``change``."""
    return lambda ts: from_text(report_text(change(ts), **kwargs), FILE)  # type: ignore[arg-type]


def edit(change: Callable[[str], str]) -> Make:
    return text(edit=change)


def first(old: str, new: str) -> Callable[[str], str]:
    def change(t: str) -> str:
        assert old in t, old
        return t.replace(old, new, 1)
    return change


def put(ts: TableSet, number: int, row_key: str, column_key: str, value: Cell) -> TableSet:
    table = ts[number]
    index = table.column_index(column_key)
    rows = tuple(
        replace(r, values=tuple(value if i == index else v for i, v in enumerate(r.values)))
        if r.key == row_key else r
        for r in table.rows
    )
    return replace(ts, tables=tuple(replace(t, rows=rows) if t.number == number else t
                                    for t in ts.tables))


def blank(*numbers: int) -> Callable[[TableSet], TableSet]:
    def change(ts: TableSet) -> TableSet:
        def cleared(row: Row) -> Row:
            return replace(row, values=(None,) * len(row.values))
        return replace(ts, tables=tuple(
            replace(t, rows=tuple(cleared(r) for r in t.rows)) if t.number in numbers else t
            for t in ts.tables))
    return change


def noted(number: int, notes: tuple[str, ...]) -> Callable[[TableSet], TableSet]:
    return lambda ts: replace(ts, tables=tuple(replace(t, notes=notes) if t.number == number else t
                                               for t in ts.tables))


def without_grid(title: str, note: str) -> Callable[[str], str]:
    """The report with the rows of one table cut out (title, unit and note kept)."""
    def change(t: str) -> str:
        start = t.index(f"\n{title}\n单位：万元\n") + len(f"\n{title}\n单位：万元\n")
        end = t.index(note, start)
        return t[:start] + t[end:]
    return change


def without_toc(t: str) -> str:
    start = t.index("目录\n")
    end = t.index("第四部分名词解释\n") + len("第四部分名词解释\n")
    return t[:start] + t[end:]


def with_problem(ts: TableSet) -> SourceDocument:
    source = from_text(report_text(ts), FILE)
    return replace(source, problems=("第3页是图片，需要 OCR",))


@dataclass(frozen=True)
class Case:
    name: str
    make: Make
    severity: Severity
    expected: str | None
    found: str | None
    quote: str | None = None  # part of the quoted text


C = Case

AUDIT_CASES: dict[str, list[Case]] = {
    "A.department-name": [
        C("table-set heading without the city", text(headings={"2": "第二部分测试局2024年度部门决算表"}),
          Severity.ERROR, NAME, "测试局", "第二部分测试局2024年度部门决算表"),
        C("part 1 heading with another name", text(headings={"1": "第一部分测试市测验局概况"}),
          Severity.ERROR, NAME, "测试市测验局", "测试市测验局概况"),
        C("a character missing in the text", text(narrative={1: "测试市测局2024年度收入支出总计225.00万元。"}),
          Severity.WARNING, NAME, "测试市测局", "测试市测局2024年度"),
        C("no cover", edit(first(f"{NAME}\n2024年度部门决算\n", "")), Severity.WARNING,
          "封面：部门名称和年度", "未找到"),
    ],
    "A.year": [
        C("年 left out of a year", text(narrative={1: f"{NAME}2024度收入支出总计增加25.00万元。"}), Severity.WARNING,
          "2024年度", "2024度", "2024度收入支出总计"),
        C("情况说明 heading of the year before",
          text(headings={"3": f"第三部分{NAME}2023年度部门决算情况说明"}),
          Severity.ERROR, "2024年度", "2023年度", "2023年度部门决算情况说明"),
        C("目录 entry of another year", edit(first(f"第二部分{NAME}2024年度", f"第二部分{NAME}2025年度")),
          Severity.ERROR, "2024年度", "2025年度", "2025年度部门决算表"),
        C("no cover", edit(first(f"{NAME}\n2024年度部门决算\n", "")), Severity.WARNING,
          "封面：XXXX年度部门决算", "未找到"),
    ],
    "A.title-typo": [
        C("a wrong character in a title", text(titles={1: "收人支出决算总表"}), Severity.ERROR,
          "收入支出决算总表", "收人支出决算总表", "收人支出决算总表"),
        C("a wrong character in a 目录 entry", text(toc_items={"收入决算表": "收入决箅表"}),
          Severity.ERROR, "收入决算表", "二、收入决箅表", "收入决箅表"),
        C("a 目录 entry worded otherwise (总 added)", text(toc_items={"收入决算表": "收入决算总表"}),
          Severity.INFO, "收入决算表", "二、收入决算总表", "收入决算总表"),
        C("a 目录 entry like another table's name", text(toc_items={"收入决算表": "收入费用决算表"}),
          Severity.WARNING, "收入决算表", "二、收入费用决算表", "收入费用决算表"),
        C("a character missing from 表6", text(titles={6: "一般公共预算财政拨款基本支出决表"}),
          Severity.ERROR, "一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款基本支出决表",
          "基本支出决表"),
    ],
    "A.table-order": [
        C("表3 before 表2", text(order=[1, 3, 2, 4, 5, 6, 7, 8, 9]), Severity.WARNING,
          "表2在表3之前", "表2在表3之后", "收入决算表"),
        C("表2 printed twice", text(order=[1, 2, 2, 3, 4, 5, 6, 7, 8, 9]), Severity.WARNING,
          "出现一次", "出现两次", "收入决算表"),
    ],
    "A.toc-mismatch": [
        C("a table listed but missing", text(order=[1, 2, 4, 5, 6, 7, 8, 9]), Severity.ERROR,
          "支出决算表", "无", "三、支出决算表"),
        C("a section listed but missing", text(sections={10: None}), Severity.ERROR,
          "预算绩效管理情况", "无", "十、预算绩效管理情况"),
        C("a part listed but missing", text(headings={"4": ""}), Severity.ERROR, "名词解释", "无",
          "第四部分名词解释"),
        C("a section worded differently", text(sections={10: "政府采购情况"}), Severity.WARNING,
          "预算绩效管理情况", "政府采购情况", "十、政府采购情况"),
        C("a section worded a little differently", text(sections={10: "预算绩效管理工作情况"}),
          Severity.INFO, "预算绩效管理情况", "预算绩效管理工作情况", "预算绩效管理工作情况"),
        C("a section not in the 目录", text(narrative={11: "无其他重要事项。\n十二、其他事项\n无。"}),
          Severity.WARNING, "列入目录", "目录中无", "十二、其他事项"),
        C("no 目录", edit(without_toc), Severity.INFO, "目录", "无"),
    ],
    "A.empty-table-note": [
        C("blank 三公 table without a note", tables(blank(7)), Severity.WARNING, "空表说明", "无说明",
          "“三公”经费支出决算表"),
        C("figures under a note saying no data", text(extra_notes={2: ["说明：本表无数据。"]}),
          Severity.ERROR, "说明与表内容一致", "说明：本表无数据。", "说明：本表无数据。"),
        C("表9 note about the other fund",
          tables(noted(9, ("说明：测试市测试局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。",))),
          Severity.WARNING, "说明国有资本经营",
          "说明：测试市测试局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。", "没有政府性基金"),
    ],
    "A.unit": [
        C("no unit line", text(units={2: None}), Severity.INFO, "单位：万元", "未注明", "收入决算表"),
        C("a unit that is none", text(units={2: "万美元"}), Severity.ERROR, "万元或元", "万美元",
          "单位：万美元"),
        C("万元 figures labelled 元", text(units={3: "元"}), Severity.ERROR, "万元", "元", "单位：元"),
    ],
    "A.no-data": [
        C("every table blank", tables(blank(1, 2, 3, 4, 5, 6, 7, 8, 9)), Severity.ERROR,
          "各表的决算数", "全部空白", "收入支出决算总表"),
        C("表1 blank", tables(blank(1)), Severity.ERROR, "收入、支出和总计", "全部空白",
          "收入支出决算总表"),
    ],
    "A.malformed-number": [
        C("commas out of place", tables(lambda ts: put(ts, 3, "2010601", "basic", "1,0.00")),
          Severity.ERROR, "数字，如 1,234.56", "1,0.00", "2010601 | 行政运行"),
        C("two decimal points", tables(lambda ts: put(ts, 7, "three_public", "reception.final", "0.8.0")),
          Severity.ERROR, "数字，如 1,234.56", "0.8.0", "0.8.0"),
        C("a letter inside", tables(lambda ts: put(ts, 1, "income.other", "income", "5a.00")),
          Severity.ERROR, "数字，如 1,234.56", "5a.00", "八、其他收入"),
    ],
    "A.table-structure": [
        C("a code of eight digits", edit(first("2010601 | 行政运行", "20106011 | 行政运行")),
          Severity.WARNING, "可读的行或列", "20106011", "20106011 | 行政运行"),
        C("an unknown row name", edit(first("本年收入合计 | 2", "本年收人合计 | 2")), Severity.WARNING,
          "可读的行或列", "本年收人合计", "本年收人合计"),
        C("a title without its table",
          edit(without_grid("一般公共预算财政拨款支出决算表", "注：本表反映部门本年度一般公共预算财政拨款支出情况。")),
          Severity.WARNING, "表格", "无法读取", "一般公共预算财政拨款支出决算表"),
    ],
    "A.reading": [
        C("a page that is a picture", with_problem, Severity.WARNING, "完整读取", "第3页是图片，需要 OCR"),
    ],
    "A.numbering": [
        C("an entry left with its 顿号 only", edit(first("二、收入决算表", "、收入决算表")), Severity.WARNING,
          "一、二、……", "、收入决算表", "收入决算表"),
        C("an entry without its number", edit(first("三、支出决算表", "支出决算表")), Severity.WARNING,
          "“三、”", "支出决算表", "支出决算表"),
        C("a number used twice", edit(first("四、财政拨款收入支出决算总表", "三、财政拨款收入支出决算总表")),
          Severity.WARNING, "四、", "三、", "三、财政拨款收入支出决算总表"),
        # tests/fixtures/real/hainan-2019-lingshui-zfb: “十一其他重要事项情况说明”
        C("an ordinal that lost its 顿号", edit(first("十一、其他重要事项", "十一其他重要事项")),
          Severity.WARNING, "十一、", "十一其他重要事项的情况说明", "十一其他重要事项"),
    ],
    "A.template-text": [
        C("a placeholder", text(narrative={1: f"{NAME}2024年度收入支出总计XXX万元。"}), Severity.WARNING,
          "按实际情况填写", "XXX", "收入支出总计XXX万元"),
        C("both words of the template", text(narrative={1: "收入支出总计增加（减少）25.00万元。"}),
          Severity.WARNING, "按实际情况填写", "增加（减少）", "增加（减少）"),
        C("the template's instruction", text(narrative={4: "财政拨款收入支出总计持平。（如持平作持平表述）"}),
          Severity.WARNING, "按实际情况填写", "如持平作持平表述", "如持平作持平表述"),
        C("a box left with its length hint",
          text(narrative={10: "评价结论 | 结合自评情况,说明项目自评总分。(200字以内)"}),
          Severity.WARNING, "按实际情况填写", "（200字以内）", "说明项目自评总分。(200字以内)"),
    ],
}

FLAT_CASES = [
    pytest.param(rule_id, case, id=f"{rule_id}: {case.name}")
    for rule_id, cases in AUDIT_CASES.items()
    for case in cases
]


@pytest.fixture(scope="module")
def printed(good_tables: TableSet) -> TableSet:
    """The good tables as printed (0.01 万元); exact, as every amount is a whole 100 元."""
    return good_tables.rounded(2)


def findings_of(source: SourceDocument) -> list[Finding]:
    return list(audit(source).findings)


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", AUDIT_RULES)
def test_every_audit_rule_has_a_failing_case(rule_id: str) -> None:
    assert AUDIT_CASES.get(rule_id), f"rule {rule_id} has no failing case: add one to AUDIT_CASES"


def test_failing_cases_name_registered_rules() -> None:
    assert set(AUDIT_CASES) <= set(AUDIT_RULES)


def test_the_good_report_has_no_finding(printed: TableSet) -> None:
    result = audit(from_text(report_text(printed), FILE))
    assert result.findings == ()
    assert (result.department, result.year) == (NAME, 2024)


@pytest.mark.parametrize("rule_id", AUDIT_RULES)
def test_rule_passes_on_the_good_report(rule_id: str, printed: TableSet) -> None:
    findings = findings_of(from_text(report_text(printed), FILE))
    assert [f for f in findings if f.rule == rule_id] == []


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_fires(rule_id: str, case: Case, printed: TableSet) -> None:
    findings = findings_of(case.make(printed))
    mine = [f for f in findings if f.rule == rule_id]
    matching = [f for f in mine if f.expected == case.expected and f.found == case.found]
    assert matching, f"{rule_id} did not fire as expected; it gave {mine}"
    finding = matching[0]
    assert finding.severity is case.severity
    assert finding.location.file == FILE
    assert finding.message and "\n" not in finding.message
    if case.quote is not None:
        assert finding.location.quote is not None and case.quote in finding.location.quote
        assert finding.location.line is not None


def test_a_page_problem_says_which_page(printed: TableSet) -> None:
    [finding] = [f for f in findings_of(with_problem(printed)) if f.rule == "A.reading"]
    assert finding.location.page == 3


def test_findings_say_where_they_are(printed: TableSet) -> None:
    source = text(headings={"3": f"第三部分{NAME}2023年度部门决算情况说明"},
                  narrative={7: "“三公”经费增加（减少）1.00万元。"})(printed)
    by_rule = {f.rule: f for f in findings_of(source)}
    year = by_rule["A.year"].location
    assert year.section == f"第三部分 {NAME}2023年度部门决算情况说明"
    assert year.quote == f"第三部分{NAME}2023年度部门决算情况说明"
    lines = source.lines()
    assert [line.text for line in lines if line.line == year.line] == [year.quote]
    template = by_rule["A.template-text"].location
    assert template.section == "七、财政拨款“三公”经费支出决算情况说明"


def test_table_findings_point_at_the_printed_row(printed: TableSet) -> None:
    # 表3 行政运行 basic one cent off: the row and column sums then disagree by 0.01,
    # which the printed precision explains (info), and its line is quoted.
    basic = printed[3].cell("2010601", "basic")
    assert isinstance(basic, Decimal)
    changed = put(printed, 3, "2010601", "basic", basic + Decimal("0.01"))
    findings = findings_of(from_text(report_text(changed), FILE))
    row_sum = [f for f in findings if f.rule == "T3.a" and f.location.row == "2010601"]
    assert [f.severity for f in row_sum] == [Severity.INFO]
    loc = row_sum[0].location
    assert loc.table == 3 and loc.section == "表3 支出决算表"
    assert loc.quote is not None and loc.quote.startswith("2010601 | 行政运行 | ")
    assert loc.line is not None


def test_each_box_left_with_its_hint_is_a_finding(printed: TableSet) -> None:
    source = text(narrative={10: "评价结论 | 结合自评情况,说明项目自评总分。(200字以内)\n"
                                 "存在问题 | 结合自评情况,分析存在的问题及原因。(200字以内)\n"
                                 "注：执行率未达到90%的需说明原因（100字以内）；调整的应说明理由。"})(printed)
    boxes = [f for f in findings_of(source) if f.rule == "A.template-text"]
    # two boxes, two findings; the hint inside the form's note is the form's own text
    assert [f.location.quote.split(" | ")[0] for f in boxes] == ["评价结论", "存在问题"]
