"""What a report's text says in words, and its figures against each other.

The direction a change or a comparison is stated in (增加/减少, 大于/小于/持平) against the
figures it is about, and a 持平 the text goes on to explain as a change (C.direction); a
change or a difference from the budget stated without its reason (C.reason-missing); the
purpose given for a 项 against its name (C.purpose); the same figure stated differently in
two places (C.repeat); the year the text names (C.year); and numbers or words printed wrong:
malformed numbers (C.malformed), a word or punctuation mark written twice (C.duplicate-word).

Directions are graded by :func:`juesuan.audit.grading.grade_direction`: one only unrounded
figures could bear out is info, not an error. The claims are found by
:class:`juesuan.audit.claim_subject.ClaimSet`; the rules that run these checks are listed in
:mod:`juesuan.audit.claim_rules`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

from juesuan.audit.claim_model import Claim, Kind, Measure
from juesuan.audit.claim_subject import ClaimSet, at, norm
from juesuan.audit.claim_words import REASON
from juesuan.audit.grading import HUNDRED, grade_amounts, grade_direction, pct
from juesuan.audit.printed_numbers import LAYOUT_PROBLEMS
from juesuan.rules.finding import Severity
from juesuan.rules.registry import NotEvaluated, Report, show
from juesuan.tables.figures import THREE_PUBLIC

# 基本持平 is not said of a final and a budget further apart than this share of the budget; not
# calibrated on a case (01's 基本持平 items, test_claims.py::test_items_of_01, are equal): a judgement
_ROUGHLY_EQUAL = Decimal("0.01")
# characters of a reason quoted in a message; calibrated on test_claims_rules.py's case
# “持平 with a reason for a decrease (warning)”
_REASON_QUOTE_CHARS = 40


def check_malformed(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.malformed:
            # a space inside digits alone is most often the text's layout (a PDF's
            # spacing): likely, not proven
            layout = set(claim.malformed.split("；")) <= LAYOUT_PROBLEMS
            report.fail(f"数字“{claim.text}”书写有误：{claim.malformed}", at(claim),
                        expected="规范的数字", found=claim.text,
                        severity=Severity.WARNING if layout else None)


def check_direction(subject: ClaimSet, report: Report) -> None:
    claims = subject.claims
    for claim in claims:
        measure = claim.measure
        if measure in (Measure.CHANGE, Measure.CHANGE_PCT, Measure.BUDGET_DIFF,
                       Measure.BUDGET_DIFF_PCT) and claim.word:
            if claim.direction is None:
                continue  # “下降（增长）”: a template choice left in (A.template-text)
            _direction_against_numbers(subject, report, claim)
            if measure in (Measure.CHANGE_PCT, Measure.BUDGET_DIFF_PCT):
                _, _, change_claim = subject.change_inputs(claim)
                if change_claim is not None and None not in (change_claim.direction,
                                                             claim.direction) and \
                        change_claim.direction != claim.direction:
                    report.fail(f"“{claim.name}”：金额“{change_claim.word}{change_claim.text}”"
                                f"与比率“{claim.word}{claim.text}”的方向相反", at(claim),
                                expected=change_claim.word, found=claim.word)
        elif measure is Measure.COMPARISON:
            _comparison(subject, report, claim)
        elif measure is Measure.TREND:
            _trend(subject, report, claim)


def _truth(point: Decimal, words: tuple[str, str, str]) -> str:
    return words[0] if point > 0 else words[1] if point < 0 else words[2]


def _direction_against_numbers(subject: ClaimSet, report: Report, claim: Claim) -> None:
    current, base, _ = subject.change_inputs(claim)
    if current is None or base is None or claim.direction is None:
        return
    grade = grade_direction(claim.direction, current, base)
    if grade == "ok":
        return
    versus = "预算数" if claim.measure in (Measure.BUDGET_DIFF, Measure.BUDGET_DIFF_PCT) \
        else "上年数"
    truth = _truth(current.value - base.value, ("增加", "减少", "持平"))
    message = (f"“{claim.name}”写作“{claim.word}”，而本年数 {show(current.value)} 与{versus} "
               f"{show(base.value)} 相比为{truth}")
    if grade == "rounding":
        report.fail(f"{message}，原数的增减方向在四舍五入误差范围内无法确定", at(claim),
                    expected=truth, found=claim.word, severity=Severity.INFO)
    else:
        report.fail(message, at(claim), expected=truth, found=claim.word)


def _comparison(subject: ClaimSet, report: Report, claim: Claim) -> None:
    _, final = subject.final_of(claim)
    if final is None or claim.direction is None:
        return
    budgets = [subject.budget_of(claim, reference)[1] for reference in (
        [claim.reference] if claim.reference else ["budget", "adjusted_budget"])]
    candidates = [b for b in budgets if b is not None]
    if not candidates:
        return
    # “决算数小于预算数” without 年初/全年 may mean either budget the text states
    direction = claim.direction
    budget = next((b for b in candidates if grade_direction(direction, final, b) == "ok"),
                  candidates[0])
    grade = grade_direction(direction, final, budget)
    if grade == "ok":
        return
    point = final.value - budget.value
    truth = "决算数" + _truth(point, ("大于", "小于", "等于")) + "预算数"
    message = (f"“{claim.name}”写作“{claim.text}”，而决算数 {show(final.value)}、预算数 "
               f"{show(budget.value)}：{truth}")
    if grade == "rounding":
        report.fail(f"{message}，在四舍五入误差范围内", at(claim), expected=truth,
                    found=claim.text, severity=Severity.INFO)
    elif direction == 0 and (claim.word or "").startswith("基本"):
        relative = abs(point) / abs(budget.value) if budget.value else Decimal(1)
        if relative > _ROUGHLY_EQUAL:
            report.fail(f"{message}，相差 {pct(relative * HUNDRED)}：不宜表述为基本持平",
                        at(claim), expected=truth, found=claim.text, severity=Severity.WARNING)
    else:
        report.fail(message, at(claim), expected=truth, found=claim.text)


def _trend(subject: ClaimSet, report: Report, claim: Claim) -> None:
    if claim.topic is None:
        return
    change = subject.latest(claim, claim.topic, (Measure.CHANGE,), subject=claim.subject)
    if change is None:  # the first change of the topic later in the sentence
        later = subject.first_after(Measure.CHANGE, (claim.paragraph, claim.sentence, claim.topic),
                                    claim.offset)
        change = subject.claims[later] if later is not None else None
    if change is not None and change.value:
        report.fail(f"“{claim.name}”表述为“{claim.text}”，而同段写有“{change.word}"
                    f"{change.text}”", at(claim), expected=f"{change.word}{change.text}",
                    found=claim.text)
        return
    # the first reason after it in its sentence or the next one (of the paragraph)
    later_reasons = [
        subject.first_after(Measure.REASON, (claim.paragraph, claim.sentence), claim.offset),
        subject.first_after(Measure.REASON, (claim.paragraph, claim.sentence + 1), None)]
    first = min((i for i in later_reasons if i is not None), default=None)
    reason = subject.claims[first] if first is not None else None
    at_claim = subject.position[id(claim)]
    if reason is not None and first is not None and (first - at_claim > _BETWEEN_CLAIMS or any(
            c.topic is not None and c.topic != claim.topic for c in subject.claims[at_claim + 1:first])):
        reason = None  # another item is stated between them: the reason is that item's
    if reason is not None and reason.direction in (1, -1):
        said = "增加" if reason.direction == 1 else "减少"
        report.fail(f"“{claim.name}”表述为“{claim.text}”，但随后的原因说明的是{said}"
                    f"（“{reason.text[:_REASON_QUOTE_CHARS]}”）：持平不需要原因，或增减情况表述有误", at(claim),
                    expected=f"说明{said}的金额和比率", found=claim.text,
                    severity=Severity.WARNING)


# A reason further than this many figures and statements after a 持平 is not taken for its
# reason (far apart, and each 持平 looks no further: a sentence of many does not cost its square).
# Not calibrated on a case: a bound (a 三公 sentence of the corpus has under 20).
_BETWEEN_CLAIMS = 50


# A reason with nothing after its word: "主要原因：。", "增长原因主要是。"
_EMPTY_REASON = re.compile(rf"^(?:{REASON.pattern})(?:主要)?(?:是|为|有|在于)?[：:，,、\s]*$")


def check_reason_missing(subject: ClaimSet, report: Report) -> None:
    reasons: dict[int, list[Claim]] = defaultdict(list)
    topics: dict[int, set[str]] = defaultdict(set)  # what the amounts of each paragraph are of
    for claim in subject.claims:
        if claim.kind is Kind.AMOUNT and claim.topic is not None:
            topics[claim.paragraph].add(claim.topic)
    for claim in subject.claims:
        if claim.measure is Measure.REASON:
            if _EMPTY_REASON.match(claim.text.strip()):
                # the words of a reason and nothing after them: no reading finds one
                report.fail(f"原因为空：“{claim.text.strip()}”之后没有写明原因", at(claim),
                            expected="主要原因：…", found=claim.text.strip(), severity=Severity.ERROR)
                continue
            reasons[claim.paragraph].append(claim)
    last_reason = {paragraph: max(r.sentence for r in found) for paragraph, found in reasons.items()}
    # A reason given for the “三公”经费 as a whole (决算数小于预算数的主要原因是…) covers the
    # items listed after it in the same section, as in the 2020 Hubei form.
    group_reason = {c.section for c in subject.claims
                    if c.topic == "three_public" and c.paragraph in reasons}
    reported: set[tuple[int, str | None, str | None]] = set()
    for claim in subject.claims:
        why = _needs_reason(subject, claim)
        if why is None:
            continue
        if claim.topic in THREE_PUBLIC[1:] and claim.section in group_reason and \
                claim.measure is Measure.FINAL:
            continue
        key = (claim.paragraph, claim.topic, claim.subject)
        if key in reported:
            continue
        if last_reason.get(claim.paragraph, -1) >= claim.sentence:
            continue
        if any(p > claim.paragraph and found[0].section == claim.section and topics[p] <= {claim.topic}
               for p, found in reasons.items()):
            continue  # a reason about it is given further down the same section (…的主要情况：…)
        reported.add(key)
        report.fail(f"“{claim.name}”{why}，但未说明主要原因", at(claim),
                    expected="主要原因：…", found="未说明")


def _needs_reason(subject: ClaimSet, claim: Claim) -> str | None:
    if claim.topic is None or claim.topic.startswith(("year", "performance.rated")):
        return None
    if claim.measure in (Measure.CHANGE, Measure.BUDGET_DIFF) and claim.value and \
            claim.direction in (1, -1):
        return f"{claim.word}{claim.text}"
    if claim.measure is Measure.COMPARISON and claim.direction in (1, -1):
        return f"“{claim.text}”"
    if claim.measure in (Measure.FINAL,) and claim.kind is Kind.AMOUNT:
        budget_claim = subject.latest(claim, claim.topic, (Measure.BUDGET,
                                                           Measure.ADJUSTED_BUDGET),
                                      subject=claim.subject)
        final = subject.amount(claim)
        budget = subject.amount(budget_claim) if budget_claim is not None else None
        if budget is not None and final is not None and \
                grade_amounts(budget, final) == "wrong":
            return f"决算数 {claim.text} 与预算数 {budget_claim.text if budget_claim else ''} 不同"
    return None


def check_duplicate(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.measure is Measure.DUPLICATE:
            half = claim.text[: len(claim.text) // 2]
            report.fail(f"“{claim.text}”重复：应为“{half}”", at(claim), expected=half,
                        found=claim.text)


def check_repeat(subject: ClaimSet, report: Report) -> None:
    first: dict[tuple[str, str | None, str], Claim] = {}
    for claim in subject.claims:
        measure = norm(claim.measure)
        if claim.kind is not Kind.AMOUNT or claim.topic is None or \
                measure not in ("value", "budget", "adjusted_budget"):
            continue
        key = (claim.topic, claim.subject, measure)
        earlier = first.setdefault(key, claim)
        if earlier is claim:
            continue
        a, b = subject.amount(earlier), subject.amount(claim)
        if a is None or b is None:
            continue
        grade = grade_amounts(a, b)
        if grade == "wrong":
            report.fail(f"“{claim.name}”前后不一致：第{earlier.line}行为 {earlier.text}，此处为 "
                        f"{claim.text}", at(claim), expected=earlier.text, found=claim.text)


def check_year(subject: ClaimSet, report: Report) -> None:
    stated = [c for c in subject.claims if c.measure is Measure.REPORT_YEAR and c.value]
    if subject.tables is not None and subject.tables.year:
        year = subject.tables.year
    elif stated:
        counts = Counter(int(c.value) for c in stated if c.value is not None)
        year = max(counts, key=lambda y: (counts[y], y))
    else:
        # an unknown year must not drive the check (every year stated would be "wrong")
        raise NotEvaluated("未能认出报告年度（封面、标题和正文都没有写明），未核对文中的年度")
    for claim in subject.claims:
        if claim.value is None or claim.kind is not Kind.YEAR or claim.heading:
            continue  # headings: A.year
        stated_year = int(claim.value)
        if claim.measure is Measure.REPORT_YEAR and stated_year != year:
            report.fail(f"报告年度为{year}年，此处写作“{claim.text}”", at(claim),
                        expected=f"{year}年", found=claim.text)
        elif claim.measure is Measure.PRIOR_YEAR and stated_year != year - 1:
            # 比2019年（疫情前）: a comparison with an earlier year may be meant; with the
            # report's own year or a later one it cannot be
            # ... and when the sentence compares with 上年 as well, the earlier year is a second
            # comparison meant as such (比上年…；比2019年（疫情前）…): info
            also = stated_year < year - 1 and ("上年" in claim.quote or f"{year - 1}年" in claim.quote)
            report.fail(f"与上年比较应为{year - 1}年度，此处写作“{claim.text}”", at(claim),
                        expected=f"{year - 1}年", found=claim.text,
                        severity=Severity.INFO if also else
                        Severity.WARNING if stated_year < year - 1 else None)


# What a 项 is for, by the words of its name: (words of the name, words its 主要用于 may use).
PURPOSES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("住房公积金",), ("公积金",)),
    (("购房补贴",), ("购房",)),
    (("提租补贴",), ("租",)),
    (("医疗",), ("医疗", "医保")),
    (("职业年金",), ("年金",)),
    (("养老",), ("养老", "退休", "离休")),
    (("离退休", "退休"), ("退休", "离休")),
]


def check_purpose(subject: ClaimSet, report: Report) -> None:
    for claim in subject.claims:
        if claim.measure is not Measure.PURPOSE or claim.topic != "general_budget.item" or \
                not claim.subject:
            continue
        name = claim.subject.split("/")[-1]
        own = next((words for keys, words in PURPOSES if any(k in name for k in keys)), None)
        if own is None or any(w in claim.text for w in own):
            continue
        foreign = sorted({w for _, words in PURPOSES for w in words
                          if w not in own and w in claim.text})
        if foreign:
            said = "、".join(foreign)
            item = claim.name.removesuffix("主要用途")
            report.fail(f"“{item}”的主要用途写作“{claim.text}”，说的是{said}，"
                        f"与科目“{name}”不符", at(claim), expected=f"{name}的用途",
                        found=claim.text)
