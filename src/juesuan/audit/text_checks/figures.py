"""The figures a report states in its text, each against its table cell or its inputs.

Amounts against the cell of the report's tables they state (C.table) and, in 元 where the
report is in 万元, the unit they should have (C.unit); totals against the parts the text
lists (C.total); shares, completion rates and changes recomputed from the figures they are
derived from (C.share, C.completion, C.change), a completion rate of a budget of 0
(C.budget-zero); the decimals of percentages and amounts (C.precision); and the counts the
“三公” section must give for what 表7 shows spent (C.three-public-counts).

A recomputed figure is graded by :mod:`juesuan.audit.grading` (interval arithmetic over the
rounding of its inputs): a difference rounding explains is info, never an error. The claims
and cells are found by :class:`juesuan.audit.claim_subject.ClaimSet`; the rules that run
these checks are listed in :mod:`juesuan.audit.claim_rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from juesuan import tolerance
from juesuan.audit.claim_model import TOPIC_NAMES, Claim, Kind, Measure
from juesuan.audit.claim_subject import VALUE_LIKE, ClaimSet, at, fund_table_of, norm
from juesuan.audit.grading import (
    HUNDRED,
    PERCENT_PLACES,
    Derived,
    grade_amounts,
    grade_percent,
    pct,
)
from juesuan.money import ZERO, half_unit, per_wan, round_half_up
from juesuan.rules.finding import Severity
from juesuan.rules.registry import Report, show
from juesuan.tables.amounts import Amt
from juesuan.tables.figures import COVERS, SUMS

# half-units of its last decimal each share of a breakdown rounded to 100% may carry of the
# remainder (one unit per share); not calibrated on a case: the rounding bound
_REMAINDER_HALF_UNITS = 2
# an amount in 万元 printed with this many decimals (not the convention's two) is noted; calibrated
# on test_claims_rules.py's case “6.2万元 (info)”
_SHORT_AMOUNT_PLACES = 1
# a total is checked against the parts the text lists only when it lists at least this many;
# calibrated on 01's totals of 五（二）, 五（三） and 十一（二） (tests/fixtures/reports/01, L342/347/423;
# test_claims.py::test_rounding_in_01_is_only_info)
_MIN_PARTS = 2
# characters of a 三公 item's name (因公出国, 公务用车, 公务接待) that find the claim about it; calibrated
# on test_claims_rules.py's case “接待 0.76 without 批次/人次”
_ITEM_NAME_PREFIX = 4


def check_unit(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.kind is not Kind.AMOUNT or claim.value is None:
            continue
        if claim.unit == "万":
            report.fail(f"“{claim.name}”{claim.text}的金额单位不完整，应为“万元”", at(claim),
                        expected="万元", found="万", severity=Severity.WARNING)
            continue
        if not subject.unit_slip(claim):
            continue
        assert claim.topic is not None and claim.measure is not None
        as_wan = Amt(claim.value, half_unit(claim.places))
        yuan = per_wan("元")
        as_yuan = Amt(claim.value / yuan, half_unit(claim.places) / yuan)
        cell = subject.cell(claim.topic, norm(claim.measure) or "", claim.subject)
        if cell is not None:
            table_amount, where = cell
            if grade_amounts(table_amount, as_yuan) != "wrong":
                continue  # really 元: the same figure as the table's 万元
            if grade_amounts(table_amount, as_wan) == "wrong":
                continue  # neither: C.table reports the figure
            report.fail(f"“{claim.name}”写作 {claim.text}，与{where} {show(table_amount.value)}"
                        f"{subject.amount_unit}数值相同：单位应为“万元”", at(claim),
                        expected=f"{claim.value}万元", found=claim.text)
        else:
            report.fail(f"“{claim.name}”写作 {claim.text}，而说明中其余金额均以万元为单位："
                        "单位可能应为“万元”", at(claim), expected=f"{claim.value}万元",
                        found=claim.text, severity=Severity.WARNING)


def check_table(subject: ClaimSet, report: Report) -> None:
    if subject.tables is None:
        return
    for claim in subject.claims:
        if claim.kind is not Kind.AMOUNT or claim.topic is None or claim.value is None:
            continue
        measure = norm(claim.measure)
        if measure not in ("value", "budget"):
            continue
        cell = subject.cell(claim.topic, measure, claim.subject, claim.section)
        found = subject.amount(claim)
        if cell is None or found is None:
            number = fund_table_of(claim.section)[0]
            if claim.topic in ("general_budget.class", "general_budget.item") and \
                    measure == "value" and subject.tables.get(number) is not None:
                report.fail(f"说明中的“{claim.name}”{claim.text}在表{number}中找不到对应的行",
                            at(claim), expected=f"表{number}中的对应科目", found=claim.subject,
                            severity=Severity.WARNING)
            continue
        expected, where = cell
        grade = grade_amounts(expected, found)
        if grade == "ok":
            continue
        unit = subject.amount_unit
        detail = (f"说明中“{claim.name}”为 {show(found.value)}{unit}，{where}为 "
                  f"{show(expected.value)}{unit}，差额 {show(found.value - expected.value)}{unit}")
        _amounts(report, claim, detail, expected, found, grade)


def _amounts(report: Report, claim: Claim, detail: str, expected: Amt, found: Amt, grade: str,
             doubt: str | None = None) -> None:
    """A stated amount against the one derived: within rounding, info saying so; beyond, error
    (a warning, saying why, when ``doubt`` says the inputs are not known for sure)."""
    allowed = tolerance.allowed(expected, found)
    if grade == "rounding":
        report.fail(f"{detail}，在四舍五入误差范围内（允许 ±{show(allowed)}）", at(claim),
                    expected=show(expected.value), found=show(found.value),
                    severity=Severity.INFO, tolerance=allowed)
    else:
        report.fail(f"{detail}（{doubt}）" if doubt else detail, at(claim), expected=show(expected.value),
                    found=show(found.value), tolerance=allowed,
                    severity=Severity.WARNING if doubt else None)


def _doubt(subject: ClaimSet, claim: Claim) -> str | None:
    """Why the current-year figure of a change is not known for sure: the text states two."""
    pair = subject.values_disagree(claim)
    if pair is None:
        return None
    a, b = pair
    return f"文中“{a.name}”先后写作 {a.text} 和 {b.text}，不知变动是对哪一个说的，按其前最后所写的数计算"


def _judge(report: Report, subject: ClaimSet, claim: Claim, derived: Derived, what: str,
           note: Callable[[Claim, Derived], str | None] | None = None,
           doubt: str | None = None) -> None:
    assert claim.value is not None
    places = claim.places
    grade = grade_percent(claim.value, places, derived)
    if grade == "ok":
        return
    low = round_half_up(derived.interval.lo, places)
    high = round_half_up(derived.interval.hi, places)
    span = pct(low, places) if low == high else f"{pct(low, places)}～{pct(high, places)}"
    detail = (f"{what}：按说明所列数字 {derived.formula} 计算为 {pct(derived.point, places)}，"
              f"文中为 {pct(claim.value, places)}")
    if grade == "rounding":
        report.fail(f"{detail}；所列数字为四舍五入后的数，原数可得 {span}，在四舍五入误差范围内",
                    at(claim), expected=pct(derived.point, places), found=pct(claim.value, places),
                    severity=Severity.INFO)
        return
    extra = note(claim, derived) if note is not None else None
    if extra:
        report.fail(f"{detail}（{extra}）", at(claim), expected=pct(derived.point, places),
                    found=pct(claim.value, places), severity=Severity.INFO)
        return
    if grade == "truncated":
        report.fail(f"{detail}，是截去尾数而不是四舍五入的结果（四舍五入应为 {span}）", at(claim),
                    expected=pct(derived.point, places), found=pct(claim.value, places),
                    severity=Severity.WARNING)
        return
    report.fail(f"{detail}，四舍五入误差范围为 {span}" + (f"（{doubt}）" if doubt else ""), at(claim),
                expected=pct(derived.point, places), found=pct(claim.value, places),
                severity=Severity.WARNING if doubt else None)


def check_share(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    shares: dict[int, list[Decimal]] = defaultdict(list)  # the shares of each sentence
    for c in subject.claims:
        if c.measure is Measure.SHARE and c.value is not None:
            shares[c.sentence].append(c.value)
    for i, claim in subject.numbered:
        if claim.measure is not Measure.SHARE or i not in derived:
            continue

        def balanced(claim: Claim, found: Derived) -> str | None:
            """Shares of one breakdown forced to add up to 100%: the last one takes the
            rounding remainder. Info, not an error, when the gap is that remainder."""
            siblings = shares.get(claim.sentence, [])
            total = sum(siblings, ZERO)
            gap = abs(round_half_up(found.point, claim.places) - (claim.value or ZERO))
            if len(siblings) > 1 and total == HUNDRED and \
                    gap <= half_unit(claim.places) * _REMAINDER_HALF_UNITS * len(siblings):
                return (f"各项占比合计凑整为 100%，此项承担了四舍五入的尾差 "
                        f"{show(gap)} 个百分点")
            return None

        _judge(report, subject, claim, derived[i], f"“{claim.name}”", balanced)


def check_completion(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    for i, claim in subject.numbered:
        if claim.measure is Measure.COMPLETION and i in derived:
            _judge(report, subject, claim, derived[i], f"“{claim.name}”")


def check_budget_zero(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.measure is not Measure.COMPLETION:
            continue
        budget_claim, budget = subject.budget_of(claim, claim.reference)
        if budget is None or budget.value != 0:
            continue
        source = f"年初预算为 {budget_claim.text}" if budget_claim is not None else \
            "表7中预算数为0"
        name = TOPIC_NAMES.get(claim.topic or "", "")
        report.fail(f"“{name}”{source}，却表述为“完成预算的{claim.text}”：预算为0时完成率无意义，"
                    "应改为说明无预算（或按全年预算表述）", at(claim),
                    expected="不表述完成率", found=f"完成预算的{claim.text}")


def _negative_prior(subject: ClaimSet, report: Report, claim: Claim, change: Amt | None) -> None:
    """An increase larger than the amount it led to: last year's amount would be negative
    ("25.2万元，较2016年增加了205.57万元")."""
    current_claim = subject.latest(claim, claim.topic, VALUE_LIKE, subject=claim.subject)
    if current_claim is None or current_claim.sentence != claim.sentence or change is None:
        return  # the amount of the same sentence only: elsewhere it may be another figure
    current = subject.amount(current_claim)
    if current is None:
        return
    prior = current.value - change.value
    if prior + current.error + change.error < 0:
        report.fail(f"“{claim.name}”：本年 {current_claim.text}，比上年增加 {claim.text}，则上年为 "
                    f"{show(current.value)} − {show(change.value)} = {show(prior)}万元，金额不会为负：本年数或增加额有误",
                    at(claim), expected=f"≤ {show(current.value)}", found=show(change.value))


def check_change(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    for i, claim in subject.numbered:
        if claim.value is None:
            continue
        if claim.measure in (Measure.CHANGE, Measure.BUDGET_DIFF) and claim.kind is Kind.AMOUNT:
            current, base, _ = subject.change_inputs(claim)
            found = subject.amount(claim)
            if base is None and claim.measure is Measure.CHANGE and claim.direction == 1:
                _negative_prior(subject, report, claim, found)
            if current is None or base is None or found is None:
                continue
            expected = Amt(abs(current.value - base.value), current.error + base.error)
            grade = grade_amounts(expected, found)
            if grade == "ok":
                continue
            versus = "预算数" if claim.measure is Measure.BUDGET_DIFF else "上年数"
            detail = (f"“{claim.name}”：按说明所列本年数 {show(current.value)} 与{versus} "
                      f"{show(base.value)} 计算应为 {show(expected.value)}，文中为 "
                      f"{show(found.value)}")
            _amounts(report, claim, detail, expected, found, grade, _doubt(subject, claim))
        elif claim.measure in (Measure.CHANGE_PCT, Measure.BUDGET_DIFF_PCT):
            if i in derived:
                _judge(report, subject, claim, derived[i], f"“{claim.name}”",
                       doubt=_doubt(subject, claim))
            elif claim.measure is Measure.CHANGE_PCT:
                current, base, change_claim = subject.change_inputs(claim)
                if (base is not None and base.value == 0) or (
                        change_claim is not None and current is not None
                        and change_claim.value == current.value and change_claim.direction == 1):
                    report.fail(f"“{claim.name}”{claim.text}：上年数为0，增减率无法计算，"
                                "宜说明为新增", at(claim), expected="不表述增减率",
                                found=claim.text, severity=Severity.INFO)


# A rate printed with fewer places, rounded right, is worth a warning when it is off by more than
# this share of itself. Calibrated on the seed's 上升1% for 0.92% (off by 8.7 %: a warning) against
# the real corpus's 52.9% for 52.94%, 10% for 10.09% (under 1 %: the report's style, info).
_CLOSE_SHARE = Decimal("0.01")


def check_precision(subject: ClaimSet, report: Report) -> None:
    derived = subject.derived
    for i, claim in subject.numbered:
        if claim.value is None:
            continue
        if claim.kind is Kind.PERCENT and claim.measure in (
                Measure.SHARE, Measure.COMPLETION, Measure.CHANGE_PCT, Measure.BUDGET_DIFF_PCT) \
                and claim.places < PERCENT_PLACES and claim.unit != "倍":  # 15.22倍 keeps its own places
            found = derived.get(i)
            if found is not None and round_half_up(found.point, PERCENT_PLACES) != \
                    round_half_up(claim.value, PERCENT_PLACES):
                # rounded right to the places printed and close (52.9% for 52.94%): the style of
                # the report, not a misleading figure (上升1% for 0.92% is)
                close = found.point != 0 and round_half_up(found.point, claim.places) == claim.value \
                    and abs(claim.value - found.point) <= _CLOSE_SHARE * abs(found.point)
                # the printed figures do not fix the rate to two places (a small base: 20.63 / 1.96)
                low = round_half_up(found.interval.lo, PERCENT_PLACES)
                high = round_half_up(found.interval.hi, PERCENT_PLACES)
                should = f"按两位小数应为 {pct(found.point)}" if low == high else \
                    f"按所列数字（四舍五入后的数）可得 {pct(low)}～{pct(high)}，两位小数无法确定"
                report.fail(f"“{claim.name}”写作 {claim.text}，只保留了{claim.places}位小数，{should}",
                            at(claim), expected=pct(found.point), found=claim.text,
                            severity=Severity.INFO if close or low != high else Severity.WARNING)
            else:
                shown = pct(claim.value)
                report.fail(f"“{claim.name}”写作 {claim.text}，百分比应保留两位小数（{shown}）",
                            at(claim), expected=shown, found=claim.text,
                            severity=Severity.INFO)
        elif claim.kind is Kind.AMOUNT and claim.unit == "万元" and claim.places == _SHORT_AMOUNT_PLACES and \
                claim.measure is not None:
            shown = f"{claim.value:.2f}万元"
            report.fail(f"“{claim.name}”写作 {claim.text}，金额应保留两位小数（{shown}）",
                        at(claim), expected=shown, found=claim.text, severity=Severity.INFO)


_LEVELS = ("value", "budget", "adjusted_budget")  # what a total states: the 决算, the 预算


def _parts_of(claims: list[Claim], total: Claim, part_topics: tuple[str, ...],
              measure: str) -> dict[tuple[str, str | None], Claim]:
    """The parts the text lists for ``total``: not in a sentence that states the total otherwise
    (“三公”经费预算为20万元，其中：… lists the 预算, not the 决算 stated after it)."""
    other = {(c.paragraph, c.sentence) for c in claims if c.topic == total.topic
             and norm(c.measure) in _LEVELS and norm(c.measure) != measure}
    other.discard((total.paragraph, total.sentence))
    parts: dict[tuple[str, str | None], Claim] = {}
    for c in claims:
        if c.topic in part_topics and norm(c.measure) == measure and \
                (c.paragraph, c.sentence) not in other:
            parts[(c.topic, c.subject)] = c
    return parts


def check_total(subject: ClaimSet, report: Report) -> None:
    """A total the text states against the parts it lists (其中：…). A figure that states a
    total of a table carries that total's rounding (the rows it adds up), as in the table
    rules (X7 for 基本支出 = 人员经费 + 公用经费): the same identity, the same severity."""
    by_section: dict[str | None, list[Claim]] = defaultdict(list)
    for claim in subject.claims:
        if claim.value is not None and claim.topic is not None:
            by_section[claim.section].append(claim)
    for claims in by_section.values():
        for total_topic, measure, part_topics in SUMS:
            totals = [c for c in claims if c.topic == total_topic and norm(c.measure) == measure
                      and c.subject is None]
            if not totals:
                continue
            total_claim = totals[-1]
            parts = _parts_of(claims, total_claim, part_topics, measure)
            for whole, covered in COVERS.items():
                if any(topic == whole for topic, _ in parts):
                    parts = {k: c for k, c in parts.items() if k[0] not in covered}
            stated = [subject.total_amount(c) for c in parts.values()]
            total, unread_total = subject.total_amount(total_claim)
            if len(parts) < _MIN_PARTS or total is None or any(a is None for a, _ in stated):
                continue
            unread = sorted({n for n in (unread_total, *(n for _, n in stated)) if n is not None})
            expected = tolerance.summed(Amt(sum((a.value for a, _ in stated if a is not None), ZERO)),
                                        (a for a, _ in stated if a is not None))
            grade = grade_amounts(expected, total)
            if grade == "ok":
                continue
            if grade == "rounding" and unread:
                # within the estimate for the unread tables: within the figures' own rounding?
                printed = [subject.amount(c) for c in parts.values()]
                own_total = subject.amount(total_claim)
                assert own_total is not None
                own = Amt(expected.value, sum((a.error for a in printed if a is not None), ZERO))
                if grade_amounts(own, own_total) == "rounding":
                    expected, total, unread = own, own_total, []
            listed = " + ".join(c.text for c in parts.values())
            shown = show if total_claim.kind is Kind.AMOUNT else (lambda v: f"{v:f}")
            detail = (f"“{total_claim.name}”{total_claim.text}应等于所列各项之和 {listed} = "
                      f"{shown(expected.value)}，差额 {shown(total.value - expected.value)}")
            limit = tolerance.allowed(expected, total)
            allowed = show(limit)
            if grade == "rounding" and unread:
                tables = "、".join(f"表{n}" for n in unread)
                report.fail(f"{detail}：{tables}未能读出，不知其合计由多少行相加，按至多 "
                            f"{tolerance.UNREAD_TOTAL_ROWS} 行的四舍五入误差估计（允许 ±{allowed}），"
                            "差额可能是四舍五入所致，请核对", at(total_claim),
                            expected=show(expected.value), found=show(total.value),
                            severity=Severity.WARNING, tolerance=limit)
            elif grade == "rounding":
                report.fail(f"{detail}，在四舍五入误差范围内（允许 ±{allowed}）", at(total_claim),
                            expected=show(expected.value), found=show(total.value),
                            severity=Severity.INFO, tolerance=limit)
            elif expected.value > total.value:
                report.fail(f"{detail}：各项之和大于合计（允许 ±{allowed}）", at(total_claim),
                            expected=show(expected.value), found=show(total.value),
                            tolerance=limit)
            else:
                report.fail(f"{detail}：各项之和小于合计，可能有未列出的项目（允许 ±{allowed}）",
                            at(total_claim), expected=show(expected.value), found=show(total.value),
                            severity=Severity.WARNING, tolerance=limit)


# 三公 items, the 表7 决算数 column that shows them spent, and the counts the text must give
# (部门决算公开模板 七（二）: 团组、人次; 购置车辆数、保有量; 接待批次、人次).
THREE_PUBLIC_COUNTS = (
    ("outbound.final", "因公出国（境）费", {"个", "人次", "人", "批"}, ("团组", "出国", "出境"),
     "团组数和人次"),
    ("vehicle.final", "公务用车购置及运行维护费", {"辆"}, (), "车辆购置数或保有量"),
    ("reception.final", "公务接待费", {"批次", "次", "批", "人次", "人"}, ("接待",), "接待批次和人次"),
)


def check_three_public_counts(subject: ClaimSet, report: Report) -> None:
    """Spending on a 三公 item in 表7 needs its counts in the 三公 section of the text."""
    t7 = subject.tables.get(7) if subject.tables is not None else None
    if t7 is None or not t7.rows:
        return
    in_section = [c for c in subject.claims if c.section and "三公" in c.section]
    if not in_section:
        return  # no 三公 section in the text: the completeness rules report that
    row = t7.rows[0]
    for column, name, units, words, counts in THREE_PUBLIC_COUNTS:
        if column not in t7.column_keys:
            continue
        spent = row.values[t7.column_index(column)]
        if not isinstance(spent, Decimal) or spent <= 0:
            continue
        stated = any(c.kind is Kind.COUNT and c.unit in units
                     and (not words or any(w in c.quote for w in words)) for c in in_section)
        if not stated:
            about = next((c for c in in_section if name[:_ITEM_NAME_PREFIX] in c.quote), in_section[0])
            report.fail(f"表7 {name}决算数为 {show(spent)}万元，但“三公”经费说明中没有{counts}",
                        at(about), expected=counts, found="未说明")
