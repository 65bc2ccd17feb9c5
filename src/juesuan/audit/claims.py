"""The figures a report states in its running text (情况说明), each with what it is.

:func:`extract_claims` reads the :class:`~juesuan.audit.source.Line` blocks of a
:class:`~juesuan.audit.source.SourceDocument` and returns one
:class:`~juesuan.audit.claim_model.Claim` per number stated in the text, and one per
statement about numbers (a comparison word, a reason, a duplicated word), each with its role
(topic and measure) where the sentence follows the wording of the templates. It reads by stage:

* :mod:`juesuan.audit.paragraphs` — the text as paragraphs under their headings;
* :mod:`juesuan.audit.printed_numbers` — the numbers of a sentence, as printed;
* :mod:`juesuan.audit.claim_words` — the words that name a figure's topic and measure, and
  the statements without a number;
* here — the sentences of a paragraph, the words before each figure (its label and clause),
  what a paragraph or sentence carries over (a 项's topic, the reference of 增加/减少), and
  the claims.

The module is pure: no I/O, no tables; the checks are in :mod:`juesuan.audit.text_checks`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from juesuan.audit.claim_model import Claim, Kind, Measure
from juesuan.audit.claim_words import (
    BARE_SPENDING,
    BUDGET_REFERENCE,
    CHANGE_TAIL,
    CHANGE_WORDS,
    COMPARISON,
    COMPARISON_WORDS,
    DIR,
    DOWN,
    DUPLICATE,
    FUND_INCOME,
    ITEM,
    MEASURES,
    PCT_WITHOUT_SIGN,
    PRIOR_CLAUSE,
    PROJECT,
    PURPOSE,
    REASON,
    REPORT_YEAR_AFTER,
    SENTENCE_END,
    TREND,
    UP,
    YEAR_REFERENCE,
    find_topic,
)
from juesuan.audit.grading import HUNDRED
from juesuan.audit.paragraphs import HEADING_CHARS, Paragraph, paragraphs, section_of
from juesuan.audit.printed_numbers import Number, numbers
from juesuan.audit.source import SourceDocument
from juesuan.limits import MAX_REPORT_FIGURES


@dataclass
class _Context:
    topic: str | None = None
    subject: str | None = None
    reference: Measure = Measure.PRIOR  # what 增加/减少 compare with in this sentence
    # "完成预算21.55万元的134%": the amount read was the budget; the percentage after 的 is
    # the completion, of this reference
    completion_after: str | None = None


@dataclass
class _Event:
    start: int
    end: int
    number: Number | None = None
    measure: Measure | None = None  # statements
    text: str = ""
    direction: int | None = None
    word: str | None = None
    reference: str | None = None


def _statements(sentence: str) -> list[_Event]:
    events: list[_Event] = []
    taken: list[tuple[int, int]] = []
    for m in COMPARISON.finditer(sentence):
        word = m.group("w") or m.group("w2")
        ref = m.group("ref") or m.group("ref2")
        direction = COMPARISON_WORDS.get(word, 0)
        events.append(_Event(m.start(), m.end(), measure=Measure.COMPARISON, text=m.group(0),
                             direction=direction, word=(m.group("basic") or "") + word,
                             reference=("adjusted_budget" if ref == "全年" else
                                        "budget" if ref == "年初" else None)))
        taken.append((m.start(), m.end()))
    for m in TREND.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken):
            continue
        events.append(_Event(m.start(), m.end(), measure=Measure.TREND, text=m.group(0),
                             direction=0, word=m.group(0)))
    purpose = PURPOSE.search(sentence)
    if purpose is not None:
        # the event is the words 主要用于: the figures after them keep their own labels
        events.append(_Event(purpose.start(), purpose.start("p"), measure=Measure.PURPOSE,
                             text=purpose.group("p").strip()))
    reason = REASON.search(sentence)
    if reason is not None:
        rest = sentence[reason.end():]
        ups = bool(UP.search(rest))
        downs = bool(DOWN.search(rest))
        events.append(_Event(reason.start(), reason.end(), measure=Measure.REASON,
                             text=sentence[reason.start():].rstrip("。"),
                             direction=1 if ups and not downs else -1 if downs and not ups else None))
    return events


def _measure_of(label: str, number: Number, context: _Context) -> tuple[
    Measure | None, int | None, str | None, str | None
]:
    """(measure, direction, word, reference) of a number from the words just before it."""
    tail = label.rstrip()
    if number.kind is Kind.YEAR:
        return None, None, None, None
    after, context.completion_after = context.completion_after, None
    if after is not None and number.kind is Kind.PERCENT and tail in ("的", ""):
        return Measure.COMPLETION, None, None, after or None
    change = CHANGE_TAIL.search(tail)
    if change is not None and number.kind in (Kind.AMOUNT, Kind.PERCENT, Kind.POINTS):
        word = change.group("w")
        directions = {CHANGE_WORDS[w] for w in re.findall(DIR, word)}
        direction = directions.pop() if len(directions) == 1 else None
        pct = number.kind is not Kind.AMOUNT
        if context.reference is Measure.BUDGET:
            return (Measure.BUDGET_DIFF_PCT if pct else Measure.BUDGET_DIFF), direction, word, None
        return (Measure.CHANGE_PCT if pct else Measure.CHANGE), direction, word, None
    for pattern, measure in MEASURES:
        match = pattern.search(tail)
        if match is None:
            continue
        if measure is Measure.PRIOR and number.kind is not Kind.AMOUNT:
            continue
        reference = match.groupdict().get("ref")
        if measure is Measure.SHARE:
            found = find_topic(match.group(0)[1:])
            return measure, None, None, found[0] if found else None
        if measure is Measure.COMPLETION:
            ref = "adjusted_budget" if reference == "全年" else "budget" if reference == "年初" else None
            if number.kind is Kind.AMOUNT:  # 完成预算21.55万元的134%: this is the budget
                context.completion_after = ref or ""
                return (Measure.ADJUSTED_BUDGET if ref == "adjusted_budget" else Measure.BUDGET), None, None, None
            return measure, None, None, ref
        if measure in (Measure.BUDGET, Measure.FINAL, Measure.ADJUSTED_BUDGET) and \
                number.kind is not Kind.AMOUNT:
            continue
        if measure is Measure.BUDGET_DIFF_PCT and number.kind is not Kind.PERCENT:
            continue
        return measure, None, None, None
    if number.kind is Kind.COUNT:
        return Measure.COUNT, None, None, None
    if number.kind is Kind.SCORE:
        return Measure.SCORE, None, None, None
    if number.kind in (Kind.AMOUNT, Kind.PERCENT):
        return Measure.VALUE, None, None, None
    return None, None, None, None


def extract_claims(source: SourceDocument, *, limit: int = MAX_REPORT_FIGURES) -> list[Claim]:
    """Every number stated in the running text of ``source``, in reading order; at most
    ``limit`` of them (a report states a few hundred: a text that states more is read up
    to there, and ``len(result) == limit`` tells the caller so)."""
    from juesuan.audit.selfeval import form_lines

    claims: list[Claim] = []
    sentence_index = 0
    # the text printed with a 自评表 (its titles, 项目名称：…, 项目支出总额：…) is the form's,
    # read and judged by juesuan.audit.selfeval, not running text
    skip = form_lines(source)
    for paragraph_index, paragraph in enumerate(paragraphs(source, skip)):
        if len(claims) >= limit:
            break
        context = _Context()
        item = ITEM.match(paragraph.chars)
        project = PROJECT.match(paragraph.chars) if item is None else None
        if item is not None:
            context.topic = "general_budget.item"
            context.subject = "/".join(_subject(item.group(g)) for g in ("c", "k", "x"))
        elif project is not None:
            context.topic = "performance.project"
            context.subject = _subject(project.group("p"))
        section = section_of(paragraph.path)
        text = paragraph.chars
        start = 0
        previous = ""
        for end_match in [*SENTENCE_END.finditer(text), None]:
            end = end_match.end() if end_match is not None else len(text)
            if end <= start:
                continue
            if len(claims) >= limit:
                break
            claims.extend(_sentence_claims(paragraph, start, end, context, section,
                                           sentence_index, paragraph_index, limit - len(claims)))
            sentence = text[start:end].strip()
            if sentence == previous and _REPEATED_SENTENCE[0] <= len(sentence) <= _REPEATED_SENTENCE[1]:
                # the same sentence twice in a row: "本单位无下属单位。本单位无下属单位。"
                line = paragraph.line_at(start)
                claims.append(Claim(sentence * 2, None, Kind.STATEMENT, measure=Measure.DUPLICATE,
                                    line=line.line, page=line.page, section=section,
                                    quote=paragraph.quote(max(start - len(sentence), 0), end),
                                    sentence=sentence_index, paragraph=paragraph_index, offset=start))
            previous = sentence
            sentence_index += 1
            start = end
        claims.extend(itertools.islice(_duplicates(paragraph, section, sentence_index - 1,
                                                   paragraph_index), max(limit - len(claims), 0)))
    return claims


def _subject(text: str) -> str:
    """A 类/款/项 or project name as printed; no real one is longer than HEADING_CHARS (it
    is named in messages, so a paragraph without its closing bracket must not be)."""
    text = text.strip()
    return text if len(text) <= HEADING_CHARS else text[:HEADING_CHARS - 1] + "…"


# A sentence repeated is reported when it has this many characters at least (a sentence of a
# few characters repeats in lists: "无。无。") and at most this many (its quote is whole).
# Calibrated on tests/fixtures/real/jiangsu-2023-xuzhou-32zhong (9 characters).
_REPEATED_SENTENCE = (6, 100)


def _in_pieces(printed: str) -> bool:
    """Whether a word printed twice is printed in pieces of several characters apart: two menu
    items or cells side by side (“无障碍浏览 无障碍浏览”, “校务公开 校务公开”), or a run of header
    cells read as one (“年初预算数 全年预算数 全年执行数” holds 预算数全年 twice): the page's layout,
    not a slip of the writer (tests/fixtures/real: shanxi-2018-xinjiang-wanan,
    jiangxi-2021-jiujiang-sanzhong, anhui-2022-tangxi-zipingbiao). “主要是主要是” is a slip,
    and so is “主 要 是 主 要 是” (a PDF's spaced letters)."""
    pieces = printed.split()
    return len(pieces) > 1 and any(len(p) > 1 for p in pieces)


def _duplicates(paragraph: Paragraph, section: str | None, sentence_index: int,
                paragraph_index: int) -> Iterator[Claim]:
    """Words and punctuation printed twice (增加增加, 。。), across sentence ends too."""
    chars = paragraph.chars
    sentence_start = 0  # after the last 。 before the match: found going forward, once
    full_stops = re.compile("。")
    scanned = 0
    for match in DUPLICATE.finditer(chars):
        if match.group(1) and _in_pieces(paragraph.quote(match.start(), match.end())):
            continue
        for stop in full_stops.finditer(chars, scanned, match.start()):
            sentence_start = stop.end()
        scanned = max(scanned, match.start())
        line = paragraph.line_at(match.start())
        yield Claim(match.group(0), None, Kind.STATEMENT, measure=Measure.DUPLICATE,
                    line=line.line, page=line.page, section=section,
                    quote=paragraph.quote(sentence_start, match.end(), (match.start(), match.end())),
                    sentence=sentence_index, paragraph=paragraph_index, offset=match.start())


# How far back from a figure its label (the words naming it) and its clause are read. A
# clause of a report is well under this; reading no further keeps each figure's work
# bounded, so a sentence of a million characters costs a million, not its square. Not calibrated
# on a case (a bound); pinned by test_bounds.py::test_a_megabyte_of_the_worst_text_finishes.
_WINDOW = 160
_CLAUSE_DELIMITER = re.compile(r"[，；：、]")
# the words that name an amount (tests/fixtures/real: gansu-2018-huanxian-xczx's 年末结转和结余,
# guangdong-2017-xuwen-spypjgj's 公务用车运行及维护支出, hunan-2018-dingcheng-jyj-xzxx's 基本建设类项目)
_OTHER_AMOUNT = re.compile(r"[\u4e00-\u9fff]{2,}(?:支出|收入|经费|费用|资金|结转|结余|资产|项目|拨款)")
# ... unless it compares the amount named before (较上年支出数减少0.71万元)
_COMPARING = re.compile(r"较|比|相比|增|减|降|升|完成|占")
_CJK_AFTER = re.compile(r"[\d.]*[\u4e00-\u9fff]")


def _sentence_claims(paragraph: Paragraph, start: int, end: int, context: _Context,
                     section: str | None, sentence_index: int,
                     paragraph_index: int, room: int) -> list[Claim]:
    text = paragraph.chars
    sentence = text[start:end]
    events = [_Event(n.start, n.end, number=n) for n in itertools.islice(numbers(sentence), room)]
    if len(events) == room:  # the last figure read: the sentence is read no further
        sentence = sentence[:events[-1].end] if events else ""
    events.extend(_statements(sentence))
    events.sort(key=lambda e: (e.start, e.number is None))
    context.reference = Measure.PRIOR
    del events[room:]
    if not events:  # most sentences state nothing: no quote to cut
        return []
    claims: list[Claim] = []
    previous_end = 0
    clause_start = 0
    reason = REASON.search(sentence)  # once: a search a figure would cost the sentence's square
    reason_at = reason.start() if reason is not None else None
    short_quote = paragraph.quote(start, end) if paragraph.quote_fits(start, end) else None
    quote = short_quote or ""
    for event in events:
        near = max(previous_end, event.start - _WINDOW)
        label = sentence[near:event.start] if event.start >= previous_end else ""
        for delimiter in _CLAUSE_DELIMITER.finditer(sentence, near, max(near, event.start)):
            clause_start = delimiter.end()
        clause = sentence[max(clause_start, event.start - _WINDOW):event.start]
        if BUDGET_REFERENCE.search(clause):
            context.reference = Measure.BUDGET
        elif YEAR_REFERENCE.search(clause):
            context.reference = Measure.PRIOR
        topic_label = label
        share = re.search(r"占[^，；。]*$", label.rstrip())
        if share is not None:
            topic_label = label[:share.start()]
        found = find_topic(topic_label)
        if found is not None:
            context.topic, context.subject = found
        elif context.topic in FUND_INCOME and BARE_SPENDING.search(topic_label):
            # "政府性基金预算财政拨款收入X万元，支出Y万元": the same fund's expenditure
            context.topic = FUND_INCOME[context.topic]
        elif (_OTHER_AMOUNT.search(topic_label) and not _COMPARING.search(topic_label)) or (
                event.number is not None and reason_at is not None and reason_at < event.start):
            # the label names an amount of its own the audit has no topic for (年末结转和结余,
            # 公务用车运行及维护支出), or the figure is part of a reason (主要原因是2016年购置2辆
            # 公务用车19.44万元): not the topic named before it
            context.topic, context.subject = None, None
        line = paragraph.line_at(start + event.start)
        if short_quote is None:  # a long sentence: each figure quoted with what is around it
            quote = paragraph.quote(start, end, (start + event.start, start + event.end))
        common: dict[str, Any] = {
            "line": line.line, "page": line.page, "section": section, "quote": quote,
            "sentence": sentence_index, "paragraph": paragraph_index, "offset": event.start,
            "heading": paragraph.heading,
        }
        if event.number is None:
            assert event.measure is not None
            topic = context.topic if event.measure in (
                Measure.COMPARISON, Measure.TREND, Measure.PURPOSE) else None
            claims.append(Claim(event.text, None, Kind.STATEMENT, topic=topic,
                                measure=event.measure,
                                subject=context.subject if topic else None,
                                direction=event.direction, word=event.word,
                                reference=event.reference, **common))
            previous_end = max(previous_end, event.end)
            continue
        number = event.number
        kind, unit, malformed = number.kind, number.unit, number.malformed
        if kind is Kind.OTHER and number.value is not None and \
                PCT_WITHOUT_SIGN.search(label.rstrip()) and "." in number.text and \
                not _CJK_AFTER.match(sentence, number.end, number.end + _WINDOW):
            kind, malformed = Kind.PERCENT, "百分数缺少“%”"
        elif kind is Kind.AMOUNT and unit == "万":
            malformed = None  # an incomplete unit is a unit problem (C.unit), the number is fine
        elif unit == "倍" and number.value is not None and CHANGE_TAIL.search(label.rstrip()):
            # 增长15.22倍: a rate of change of 1,522%, known to the places printed less two
            number = Number(number.start, number.end, number.text, number.value * HUNDRED, Kind.PERCENT,
                            unit, max(number.places - 2, 0), number.approximate, number.malformed)
            kind = Kind.PERCENT
        measure, direction, word, reference = _measure_of(label, _with_kind(number, kind), context)
        if measure is None and kind is Kind.YEAR:
            measure = _year_role(sentence, number)
        if kind is Kind.AMOUNT and measure in (None, Measure.VALUE) and \
                PRIOR_CLAUSE.search(clause):
            measure = Measure.PRIOR  # 比2019年30.63万元: the year is a figure of its own
        topic = context.topic if measure not in (None, Measure.REPORT_YEAR,
                                                 Measure.PRIOR_YEAR) else None
        subject = context.subject if topic else None
        if kind is Kind.YEAR:
            topic = "year" if measure else None
        value = number.value
        if direction and value is not None and value < 0 and measure in _CHANGES:
            value, direction = -value, -direction  # 增长-5.86%: a fall of 5.86%
        claims.append(Claim(
            number.text, value, kind, unit, number.places, topic, measure, subject,
            direction, word, reference, number.approximate, malformed, **common,
        ))
        previous_end = event.end
    return claims


_CHANGES = frozenset({Measure.CHANGE, Measure.CHANGE_PCT, Measure.BUDGET_DIFF, Measure.BUDGET_DIFF_PCT})


def _with_kind(number: Number, kind: Kind) -> Number:
    if kind is number.kind:
        return number
    return Number(number.start, number.end, number.text, number.value, kind, number.unit,
                   number.places, number.approximate, number.malformed)


# characters after a year read for the word that makes it the report's (the longest, 财政拨款收入支出总计,
# is 10) and before it for 与/比/较/截至; calibrated on 截至2023年12月31日 of 04 (test_claims.py::
# test_planted_defects_of_04) and 比2019年 of the seed (test_claims.py::test_claims_of_the_seed)
_YEAR_WORDS_AFTER = 20
_YEAR_WORDS_BEFORE = 4


def _year_role(sentence: str, number: Number) -> Measure | None:
    """与2023年度相比 → the prior year; 2024年度部门决算, 截至2024年12月31日 → the report's."""
    after = sentence[number.end:number.end + _YEAR_WORDS_AFTER]
    before = sentence[max(0, number.start - _YEAR_WORDS_BEFORE):number.start]
    if re.search(r"(?:与|比|较)$", before):
        # 与2020年度预算相比: the year's budget, not the year before
        return None if re.match(r"(?:年度?)?(?:年初|全年)?预算", after) else Measure.PRIOR_YEAR
    if before.endswith("截至") and re.match(r"12月31日", after):
        return Measure.REPORT_YEAR
    if REPORT_YEAR_AFTER.search(after):
        return Measure.REPORT_YEAR
    return None


def claims_text(claims: list[Claim]) -> str:
    """One line per claim, for reading and debugging: line, role, figure, sentence."""
    rows = []
    for c in claims:
        if c.kind is Kind.STATEMENT and c.measure is Measure.REASON:
            continue
        rows.append(f"{c.line:>4} {c.role or '-':<40} {c.text:<16} {c.name}")
    return "\n".join(rows)
