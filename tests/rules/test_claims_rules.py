"""The C.* rules (figures stated in a report's text): each passes on a short text that
states its figures right and fires, on the line of the figure, on the same text with one
thing wrong.

The texts follow the wording of the Shanghai 2024 template (and, where noted, of the
Suizhou 2020 seed). Cases marked ``tables`` are checked against the tables of the
Shanghai example as printed (every amount ±0.005): 本年收入合计 2946.26, 财政拨款收入
2940.06, 表7 预算数 0.95 (all 公务接待费).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from juesuan.audit.claim_subject import ClaimSet
from juesuan.audit.claims import extract_claims
from juesuan.audit.source import from_text
from juesuan.catalogue import REGISTRY
from juesuan.filing.io import load_filing
from juesuan.rules.finding import Finding, Severity
from juesuan.rules.registry import Report
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

ROOT = Path(__file__).resolve().parents[2]
CLAIMS_RULES = sorted(r.id for r in REGISTRY.values() if r.scope == "claims")


@cache
def shanghai_tables() -> TableSet:
    filing = load_filing(ROOT / "examples" / "shanghai-putuo-czj-2024.yaml").filing
    return build_tables(filing).rounded(2)


@cache
def suizhou_tables() -> TableSet:
    """表7 with 公务接待费 spent (决算数 0.76) and nothing else."""
    filing = load_filing(ROOT / "examples" / "suizhou-zwfw-2020.yaml").filing
    return build_tables(filing).rounded(2)


@dataclass(frozen=True)
class Case:
    name: str
    good: str  # the rule reports nothing at all
    bad: str  # the rule fires on ``line``
    line: int
    severity: Severity | None = None  # default: the rule's
    tables: bool | str = False  # True: the Shanghai tables; "suizhou": the seed example's
    found: str | None = None


def findings_of(rule_id: str, text: str, tables: bool | str) -> list[Finding]:
    chosen = suizhou_tables() if tables == "suizhou" else shanghai_tables() if tables else None
    subject = ClaimSet(tuple(extract_claims(from_text(text))), chosen)
    report = Report(REGISTRY[rule_id])
    REGISTRY[rule_id].check(subject, report)
    return report.findings


INCOME = "二、收入决算情况说明\n本年收入合计{total}，其中：财政拨款收入2940.06万元，占99.79%；其他收入6.20万元，占0.21%。"
EXPENDITURE = ("三、支出决算情况说明\n本年支出合计2940.06万元，其中：基本支出{basic}万元，占{share}%；"
               "项目支出603.14万元，占20.51%。")
OPERATING = ("十一、其他重要事项的情况说明\n机关运行经费支出184.65万元，比2023年度{prior}{word}{change}万元，"
             "{word2}{rate}%。{reason}")
REASON = "主要原因是更换了老旧照明设施。"
ITEM = ("（三）一般公共预算财政拨款支出决算具体情况\n1、一般公共服务支出（类）财政事务（款）行政运行（项）。"
        "主要用于：基本支出。年初预算为{budget}万元，支出决算为1511.89万元。{comparison}")
COMPLETION = ("一般公共预算财政拨款支出年初预算为{budget}，支出决算为2940.05万元，完成年初预算的{rate}。"
              "决算数小于预算数的主要原因：调减。")
GENERAL = ("（一）一般公共预算财政拨款支出决算总体情况\n一般公共预算财政拨款支出2940.05万元。\n"
           "（二）一般公共预算财政拨款支出决算结构情况\n一般公共预算财政拨款支出{again}万元，主要用于以下方面："
           "一般公共服务支出（类）2106.66万元，占71.65%；社会保障和就业支出（类）833.39万元，占28.35%。")
YEAR = ("第三部分上海市普陀区财政局2024年度部门决算情况说明\n"
        "上海市普陀区财政局2024年度收入支出总计2995.39万元。\n"
        "（三）国有资产占有使用情况说明\n截至{year}年12月31日，共有车辆0辆。")

CLAIMS_CASES: dict[str, list[Case]] = {
    "C.table": [
        Case("本年收入合计 10.00 above 表2", INCOME.format(total="2946.26万元"),
             INCOME.format(total="2956.26万元"), 2, tables=True, found="2956.26"),
        Case("“三公”预算 above 表7", "“三公”经费财政拨款支出年初预算为0.95万元。",
             "“三公”经费财政拨款支出年初预算为1.95万元。", 1, tables=True, found="1.95"),
    ],
    "C.total": [
        Case("基本 + 项目 > 本年支出合计", EXPENDITURE.format(basic="2336.92", share="79.49"),
             EXPENDITURE.format(basic="2436.92", share="79.49"), 2, found="2940.06"),
        Case("车辆 by use < total (warning)", "共有车辆3辆，其中：执法执勤用车2辆、其他用车1辆。",
             "共有车辆4辆，其中：执法执勤用车2辆、其他用车1辆。", 1, Severity.WARNING),
    ],
    "C.share": [
        # 2336.92 / 2940.06 = 79.486% → 79.49%
        Case("基本支出 79.59%", EXPENDITURE.format(basic="2336.92", share="79.49"),
             EXPENDITURE.format(basic="2336.92", share="79.59"), 2, found="79.59%"),
    ],
    "C.change": [
        # 2.55 / (184.65 − 2.55) = 1.4003% → 1.40%
        Case("增长 1.50%", OPERATING.format(prior="", word="增加", change="2.55", word2="增长",
                                          rate="1.40", reason=REASON),
             OPERATING.format(prior="", word="增加", change="2.55", word2="增长", rate="1.50",
                              reason=REASON), 2, found="1.50%"),
        Case("增加额 ≠ 本年 − 上年",
             OPERATING.format(prior="182.10万元", word="增加", change="2.55", word2="增长",
                              rate="1.40", reason=REASON),
             OPERATING.format(prior="182.10万元", word="增加", change="2.65", word2="增长",
                              rate="1.40", reason=REASON), 2, found="2.65"),
    ],
    "C.completion": [
        # 2940.05 / 2993.92 = 98.2007% → 98.20%
        Case("完成 98.30%", COMPLETION.format(budget="2993.92万元", rate="98.20%"),
             COMPLETION.format(budget="2993.92万元", rate="98.30%"), 1, found="98.30%"),
    ],
    "C.direction": [
        Case("决算数大于预算数 with 1511.89 < 1560.05",
             ITEM.format(budget="1560.05", comparison="决算数小于预算数的主要原因：人员变化。"),
             ITEM.format(budget="1560.05", comparison="决算数大于预算数的主要原因：人员变化。"), 2,
             found="决算数大于预算数"),
        Case("减少 with 184.65 > 182.10",
             OPERATING.format(prior="182.10万元", word="增加", change="2.55", word2="增长",
                              rate="1.40", reason=REASON),
             OPERATING.format(prior="182.10万元", word="减少", change="2.55", word2="下降",
                              rate="1.40", reason=REASON), 2, found="减少"),
        Case("持平 with a reason for a decrease (warning)",
             "财政拨款收入支出总计2961.68万元。与2023年度相比，财政拨款收入支出总计持平。",
             "财政拨款收入支出总计2961.68万元。与2023年度相比，财政拨款收入支出总计持平。"
             "主要原因：项目支出减少。", 1, Severity.WARNING),
    ],
    "C.unit": [
        Case("元 for 万元, as in 表2", INCOME.format(total="2946.26万元"),
             INCOME.format(total="2946.26元"), 2, tables=True, found="2946.26元"),
        Case("元 among 万元, no tables (warning)", INCOME.format(total="2946.26万元"),
             INCOME.format(total="2946.26元"), 2, Severity.WARNING),
        Case("万 without 元 (warning)", "国内公务接待支出0.39万元。", "国内公务接待支出0.39万。", 1,
             Severity.WARNING),
    ],
    "C.malformed": [
        Case("93.27了%", "比上年决算支出1092.27万元增加1018.80万元，增加93.27%。",
             "比上年决算支出1092.27万元增加1018.80万元，增加93.27了%。", 1, found="93.27了%"),
        Case("1121.82.", "执行数1121.82万元。", "执行数1121.82.", 1, found="1121.82."),
        # tests/fixtures/real/guangxi-2020-wuzhou-ncpzljc: a comma where the figure goes
        Case("共计 ,0 个", "全年因公出国(境)团组共计 0 个,累计 0 人次。",
             "全年因公出国(境)团组共计 ,0 个,累计 0 人次。", 1, severity=Severity.WARNING, found="0个"),
    ],
    "C.duplicate-word": [
        Case("增加增加", OPERATING.format(prior="", word="增加", change="2.55", word2="增长",
                                      rate="1.40", reason=REASON),
             OPERATING.format(prior="", word="增加增加", change="2.55", word2="增长", rate="1.40",
                              reason=REASON), 2, found="增加增加"),
        # a PDF's spaced letters: still a slip
        Case("主 要 是 主 要 是", "支出减少，主 要 是 压减会议。", "支出减少，主 要 是 主 要 是 压减会议。", 1,
             found="主要是主要是"),
    ],
    "C.reason-missing": [
        Case("增加 without 原因", OPERATING.format(prior="", word="增加", change="2.55",
                                                word2="增长", rate="1.40", reason=REASON),
             OPERATING.format(prior="", word="增加", change="2.55", word2="增长", rate="1.40",
                              reason=""), 2),
        Case("决算数小于预算数 without 原因",
             ITEM.format(budget="1560.05", comparison="决算数小于预算数的主要原因：人员变化。"),
             ITEM.format(budget="1560.05", comparison=""), 2),
    ],
    "C.three-public-counts": [
        # 表7 of the seed example: 公务接待费 决算数 0.76, nothing else spent
        Case("接待 0.76 without 批次/人次",
             "二、2020年“三公”经费决算情况说明\n（二）2020年本部门共有国内公务接待10次96余人，"
             "公务接待费支出决算数0.76万元。",
             "二、2020年“三公”经费决算情况说明\n（二）2020年本部门公务接待费支出决算数0.76万元。",
             2, tables="suizhou", found="未说明"),
    ],
    "C.budget-zero": [
        Case("年初预算 0", COMPLETION.format(budget="2993.92万元", rate="98.20%"),
             COMPLETION.format(budget="0万元", rate="98.20%"), 1),
        Case("表7 has no 因公出国 budget",
             "“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0.00%，其中："
             "公务接待费支出决算为0.00万元，完成预算的0.00%。",
             "“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0.00%，其中："
             "因公出国（境）费决算为0.00万元，完成预算的0.00%。", 1, tables=True),
    ],
    "C.precision": [
        # seed: 比年初预算数2091.77万元增加19.3万元，上升1% — 0.92% to two decimals
        Case("上升1% for 0.92%",
             "决算支出2111.07万元，比年初预算数2091.77万元增加19.30万元，上升0.92%。原因：追加。",
             "决算支出2111.07万元，比年初预算数2091.77万元增加19.30万元，上升1%。原因：追加。", 1,
             Severity.WARNING, found="1%"),
        # tests/fixtures/real: 52.9% for 52.94%, rounded right and within 1 % of the rate
        Case("上升52.9% for 52.94% (info)",
             "决算支出1529.40万元，比年初预算数1000.00万元增加529.40万元，上升52.94%。原因：追加。",
             "决算支出1529.40万元，比年初预算数1000.00万元增加529.40万元，上升52.9%。原因：追加。", 1,
             Severity.INFO, found="52.9%"),
        Case("6.2万元 (info)", INCOME.format(total="2946.26万元"),
             INCOME.format(total="2946.26万元").replace("6.20", "6.2"), 2, Severity.INFO),
    ],
    "C.purpose": [
        # 03 (中共上海市普陀区委社会工作部 2024), 五（三）8
        Case("住房公积金 used for 医疗保险",
             "8、住房保障支出（类）住房改革支出（款）住房公积金（项）。主要用于：事业单位住房公积金支出。",
             "8、住房保障支出（类）住房改革支出（款）住房公积金（项）。主要用于：事业单位医疗保险支出。",
             1, found="事业单位医疗保险支出"),
    ],
    "C.repeat": [
        Case("一般公共预算财政拨款支出 2940.05 then 2940.15", GENERAL.format(again="2940.05"),
             GENERAL.format(again="2940.15"), 4, found="2940.15万元"),
    ],
    "C.year": [
        Case("截至2023年12月31日 in a 2024 report", YEAR.format(year="2024"),
             YEAR.format(year="2023"), 4, found="2023年"),
    ],
}

FLAT_CASES = [
    pytest.param(rule_id, case, id=f"{rule_id}:{case.name}")
    for rule_id, cases in CLAIMS_CASES.items()
    for case in cases
]


@pytest.mark.parametrize("rule_id", CLAIMS_RULES)
def test_every_claims_rule_has_a_case(rule_id: str) -> None:
    assert CLAIMS_CASES.get(rule_id), f"rule {rule_id} has no case: add one to CLAIMS_CASES"


def test_cases_name_registered_rules() -> None:
    assert set(CLAIMS_CASES) <= set(CLAIMS_RULES)


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_passes(rule_id: str, case: Case) -> None:
    assert findings_of(rule_id, case.good, case.tables) == []


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_fires(rule_id: str, case: Case) -> None:
    findings = findings_of(rule_id, case.bad, case.tables)
    severity = case.severity or REGISTRY[rule_id].severity
    at_line = [f for f in findings if f.location.line == case.line and f.severity is severity]
    assert at_line, f"{rule_id} did not fire ({severity}) on line {case.line}: {findings}"
    finding = at_line[0]
    assert finding.rule == rule_id
    assert finding.location.quote, "a claim finding quotes its sentence"
    if case.found is not None:
        assert finding.found == case.found


def test_a_word_twice_in_pieces_is_the_layout() -> None:
    """Two menu items side by side, a run of header cells: not a slip (C.duplicate-word)."""
    text = ("• 无障碍浏览 无障碍浏览\n您当前的位置:首页 > 校务公开 校务公开\n"
            "项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n")
    assert findings_of("C.duplicate-word", text, False) == []


def test_the_budget_listed_before_is_not_the_parts_of_the_final() -> None:
    """tests/fixtures/real/chongqing-2021-tongliang-anju: the 预算 and its parts, then the 决算
    (9.07 is not 0 + 9 + 11 + 0)."""
    text = ("2021年我镇“三公”经费预算为20万元，其中：因公出国（境）费0万元，公务接待费9万元，"
            "公务用车运行维护费11万元，公务用车购置0万元。\n"
            "2021年“三公”经费支出共计9.07万元，较年初预算数减少10.93万元。\n")
    assert [f for f in findings_of("C.total", text, False) if f.severity is not Severity.INFO] == []


def test_a_change_of_a_figure_stated_twice_otherwise_is_a_warning() -> None:
    """tests/fixtures/real/gansu-2018-huanxian-xczx: 收入总计 and 支出总计 (one figure, 表1) stated
    267.07 and 213: the rates are judged against the last, as a warning saying so."""
    text = ("本部门2018年度收入总计267.07万元，支出总计213万元。与2017年决算数相比，收入减少15.65万元，"
            "增长-5.86%，支出减少75.99万元，增长-35.68%。\n")
    found = findings_of("C.change", text, False)
    assert [(f.severity, f.found) for f in found] == [(Severity.WARNING, "5.86%"), (Severity.WARNING, "35.68%")]
    assert all("先后写作 267.07万元 和 213万元" in f.message for f in found)
    repeat = findings_of("C.repeat", text, False)
    assert [(f.severity, f.expected, f.found) for f in repeat] == [(Severity.WARNING, "267.07万元", "213万元")]


def test_a_reason_after_another_item_is_not_the_reason_of_a_level_item() -> None:
    """tests/fixtures/real/guangdong-2017-xuwen-spypjgj: 因公出国 持平, then the 公务用车 change
    and its reason (a decrease): not a reason given for 持平."""
    text = ("其中：因公出国（境）费支出决算减少0万元，与上年持平；公务用车购置及运行维护费支出决算减少21.33万元，"
            "下降48.30%。公务用车购置及运行维护费支出减少的主要原因是2016年购置2辆公务用车，而2017年没有购置。\n")
    assert [f for f in findings_of("C.direction", text, False) if "持平" in f.message] == []
    alone = "其中：因公出国（境）费与上年持平。主要原因是减少出国团组。\n"
    assert [f.severity for f in findings_of("C.direction", alone, False)] == [Severity.WARNING]


def test_an_earlier_year_compared_beside_the_last_is_info() -> None:
    """tests/fixtures/real/guangdong-2023-czt-sgjf: 比上年…；比2019年（疫情前）… is meant."""
    title = "第三部分广东省财政厅2023年度部门决算情况说明\n"
    text = (title + "2023年度“三公”经费财政拨款支出决算为62.07万元，比上年决算数增加38.97万元，增长168.7%；"
            "比2019年（疫情前）决算数减少24.87万元，降低28.6%。\n")
    assert [f.severity for f in findings_of("C.year", text, False)] == [Severity.INFO]
    alone = title + "2023年度“三公”经费财政拨款支出决算为62.07万元，比2019年决算数减少24.87万元。\n"
    assert [f.severity for f in findings_of("C.year", alone, False)] == [Severity.WARNING]


def test_a_rate_the_printed_figures_do_not_fix_is_info() -> None:
    """tests/fixtures/real/guangdong-2023-czt-sgjf: 增加20.63万元，增长1,055.4% on a base of 1.96
    (22.59 − 20.63): the printed figures give 1046.95%–1058.21%, not one rate to two places."""
    text = "公务接待费支出决算为22.59万元，比上年决算数增加20.63万元，增长1,055.4%。\n"
    [found] = findings_of("C.precision", text, False)
    assert found.severity is Severity.INFO and "两位小数无法确定" in found.message
