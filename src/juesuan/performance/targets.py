"""Read the Chinese text of a performance indicator's target and actual value.

A 绩效自评表 states each indicator's 年度指标值 / 年初目标值 and 实际完成值 as free text
("≥95%", "服务对象的满意度大于85分", "话务接听量达到6万个", "日话务量最高近2万多个").
This module turns such text into a :class:`Target` and says whether a target and an
actual can be compared and, if so, the completion ratio used for scoring.

Conventions
-----------
* Numbers are ``Decimal``. Full-width digits and symbols are folded (NFKC), thousands
  separators and spaces are dropped. Small Chinese numerals ("三个工作日以内",
  "不超过三天") are read only when a unit follows and a comparator, a 以上/以内 word or
  the end of the text marks them as the value; "三级全覆盖" or "一次性" are not values.
* A 4-digit year followed by 年 ("2020年完成40万件") is never the value; it sets the
  period to 年. Numbers glued to a name ("12345市长热线"), dates ("12月31日前") and
  ordinals ("第3季度") are not values either. When several numbers qualify, the first one
  with a comparator or 以上/以内 word wins, else the first with a unit, else the first.
* 万/亿/千 multiply the value and disappear from the unit ("6万个" -> 60000 个). Money is
  always in 万元: "500万元" -> 500, "3亿元" -> 30000, "200元" -> 0.02. Unit synonyms are
  folded: 百分比 -> %, 个工作日 -> 工作日, 个月 -> 月, 名 -> 人, 公斤 -> 千克, ㎡ -> 平方米.
* Direction: ≥ >= ≧ 不低于 不少于 至少 …以上 -> AT_LEAST; > 大于 超过 高于 多于 -> AT_LEAST with
  ``strict``; ≤ 不超过 不高于 控制在 最多 …以内 …以下 …内 -> AT_MOST; < 小于 低于 少于 -> AT_MOST
  with ``strict``; = 为 -> EQUAL; "a-b" "a~b" "a至b" -> RANGE (the lower bound borrows
  the upper bound's unit and multiplier: "1-2万件" is 1万-2万件). An explicit comparator
  beats a 以上/以内 word, which beats a verb.
* Targets: 达到/完成/实现/保持 (an amount to reach) -> AT_LEAST; a bare number -> EQUAL,
  except a bare "100%" -> AT_LEAST (a rate cannot exceed 100%). Actuals: 达到/完成 state
  what was reached -> EQUAL; only explicit comparators give another direction.
* FULL: 全覆盖, 全部完成/到位/发放…, 全额发放…, 应X尽X (应领尽领, 应保尽保) when no comparator
  or 以上/以内 word goes with a number. A FULL target has ``value`` None.
* Qualitative text (no usable number, no FULL word) -> ``None``: "按时支付…", "及时",
  "按期完成", "成本控制在预算范围内", "免费寄递服务", "符合相关规定", "效果明显".
  These are scored by tier (达成/部分达成/未达成), not by ratio.
* 近/约/大约/逾 before, 多/余/+ after the number, 左右/上下 after the unit set ``approximate``;
  the value is the stated number ("近2万多个" -> 20000).
* ``measure`` is the noun phrase before the comparator/verb/number, with trailing verbs,
  approximation and peak words removed ("日话务量最高近2万多个" -> "日话务量").
* ``period``: 日 (每日, 每天, 日均, 单日, 当日, /日, /天, or a measure starting with 日),
  周, 月 (每月, 月均, /月, measure starting with 月), 年 (全年, 年度, 每年, /年, a 4-digit
  year, measure starting with 年); the finest stated wins. ``None`` means unstated and is
  compared as the whole year. ``peak`` is set by 最高/峰值/高峰/最大 (not "最高不超过").
* :func:`commensurable` refuses: a FULL target against anything but FULL or a percentage;
  a bare 全覆盖 actual against anything but a percentage target (it then counts as 100%);
  different units (an empty unit matches any); different periods or a peak against a
  total (not checked for rates: %, ‰, 百分点, 分); measures sharing no character at all
  (e.g. "转办" against "受理疫情诉求") — a deliberately coarse test.
* Bounds: a text longer than ``MAX_TARGET_CHARS`` is qualitative, never read for a number;
  a number beyond ``MAX_INTEGER_DIGITS`` integer digits or ``MAX_DECIMAL_PLACES`` decimals
  (juesuan.limits) is not a value. So every value is below 1e18 × 1e8 (亿) and every later
  ratio, product and rounding stays far inside the core's Decimal context.
* :func:`ratio` is not capped and not rounded: AT_LEAST/EQUAL actual/target (a zero
  target gives 1 for AT_LEAST, and for EQUAL 1 if the actual is 0 else 0); AT_MOST
  target/actual, 1 when the actual is 0; RANGE 1 inside, actual/lower below, upper/actual
  above; FULL 1 for a FULL actual, else actual%/100; a bare 全覆盖 actual is 100%.
  ``strict`` is ignored for ratios; for an actual given as a range its lower bound is used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from juesuan.filing.performance import Direction
from juesuan.limits import MAX_NUMBER_CHARS, MAX_TARGET_CHARS
from juesuan.money import number_problem, wan_per


@dataclass(frozen=True)
class Quantity:
    """A number with a normalised unit ("" when none is stated)."""

    value: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{self.value}{self.unit}"


@dataclass(frozen=True)
class Target:
    """A parsed target or actual value; ``upper`` is set only for RANGE."""

    direction: Direction
    value: Quantity | None
    upper: Quantity | None
    text: str
    measure: str | None = None
    period: str | None = None
    strict: bool = False
    approximate: bool = False
    peak: bool = False


ONE = Decimal(1)
HUNDRED = Decimal(100)
RATE_UNITS = frozenset({"%", "‰", "百分点", "分"})

_UNITS: dict[str, str] = {
    "%": "%", "百分比": "%", "‰": "‰", "个百分点": "百分点", "百分点": "百分点",
    "个工作日": "工作日", "工作日": "工作日", "个小时": "小时", "小时": "小时", "分钟": "分钟",
    "秒": "秒", "个月": "月", "天": "天", "周": "周", "年": "年",
    "人次": "人次", "人天": "人天", "人": "人", "名": "人", "分": "分",
    "件": "件", "个": "个", "次": "次", "户": "户", "家": "家", "台套": "台套", "台": "台",
    "套": "套", "项": "项", "场": "场", "期": "期", "批": "批", "篇": "篇", "份": "份", "本": "本",
    "册": "册", "条": "条", "所": "所", "处": "处", "座": "座", "辆": "辆", "间": "间", "张": "张",
    "块": "块", "部": "部", "起": "起", "例": "例", "宗": "宗", "课时": "课时", "学时": "学时",
    "亩": "亩", "公顷": "公顷", "平方公里": "平方公里", "平方米": "平方米", "平米": "平方米",
    "m2": "平方米", "公里": "公里", "千米": "公里", "km": "公里", "米": "米", "吨": "吨",
    "千克": "千克", "公斤": "千克", "kg": "千克", "千瓦时": "千瓦时", "株": "株", "棵": "棵",
}
_UNIT_RE = re.compile("|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)))
# Money in a target, in 万元: the money units (juesuan.money.WAN_PER_UNIT) and the two that
# only targets write (千万元, 百万元); longest first, as they are matched by prefix.
_CURRENCY = (
    ("千万元", Decimal(1000)), ("百万元", Decimal(100)),
    *((unit, wan_per(unit)) for unit in ("亿元", "万元", "千元", "元")),
)
_MULTIPLIERS = (
    ("亿", Decimal(10) ** 8), ("千万", Decimal(10) ** 7), ("百万", Decimal(10) ** 6),
    ("万", Decimal(10) ** 4), ("千", Decimal(1000)),
)
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}

_SYMBOLS = str.maketrans({"≧": "≥", "⩾": "≥", "≦": "≤", "⩽": "≤", "〜": "~", "—": "-",
                          "–": "-", "―": "-", "﹣": "-", "−": "-"})
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:[-~至到](?:19|20)\d{2})?年度?")
_ARABIC = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
_CHINESE = re.compile(
    r"(?:[一二两三四五六七八九]百零?)?(?:[一二两三四五六七八九]?十)?[一二两三四五六七八九]?"
)
_PERCENT_WORD = re.compile(r"百分之(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)")
_COMPARATOR = re.compile(
    r"不(?:得|应|能|宜)?(?:低于|少于|小于|超过|高于|大于|多于|超出)|大于等于|小于等于|至少|最少|最低"
    r"|最多|最长|控制在|≥|≤|>|<|=|大于|超过|高于|多于|优于|小于|低于|少于|短于"
)
_VERB = re.compile(
    r"(达到|达|完成|实现|保持在|保持|提高到|提高至|提升到|提升至|增加到|增加至|增至|为|是)"
    r"(?:约|近|将近|接近|大约|逾)?$"
)
_APPROX_BEFORE = re.compile(r"(?:约|近|将近|接近|大约|逾)$")
_SUFFIX = re.compile(r"(?:及|或)?(以上|之上|以下|以内|之内|内|左右|上下)")
_RANGE_SEP = re.compile(r"[-~至到]")
_END = re.compile(r"[,.;:!?、。；]|$")
_FULL = re.compile(
    r"全覆盖|全面覆盖|覆盖全部|全域覆盖|全部(?:完成|到位|发放|覆盖|落实|达标|实现|兑现|拨付|办结)"
    r"|全额(?:发放|拨付|兑现|到位|支付)|应(.)尽\1"
)
_PEAK = re.compile(r"(?:最高|峰值|高峰|最大)(?!不)")
_MEASURE_TAIL = re.compile(
    r"(?:达到|达|完成|实现|保持在|保持|控制在|提高到|提高至|提升到|提升至|增加到|增加至|增至|为|是|在"
    r"|共|累计|合计|总计|约|近|将近|接近|大约|逾|最高|最低|峰值|高峰|最大|的|[,.;:、，。：；(\[])$"
)
_PERIOD_WORDS = frozenset({"每年", "每月", "每日", "每天", "每周", "全年", "年度", "年均", "日均", "月均"})
_PERIOD_MARKERS = (
    ("日", re.compile(r"每日|每天|日均|单日|当日|/日|/天")),
    ("周", re.compile(r"每周|周均|/周")),
    ("月", re.compile(r"每月|月均|单月|/月")),
    ("年", re.compile(r"全年|年度|每年|年均|本年|当年|/年")),
)
_MEASURE_PERIOD = re.compile(r"^(?:(日)(?![常期志记报])|(月)(?!份)|(年)(?![轻龄限纪检]))")
_PERIOD_TOTAL = {"年": "全年数", "月": "月度数", "周": "每周数", "日": "每日数"}
_PERIOD_PEAK = {"年": "峰值", "月": "月峰值", "周": "周峰值", "日": "日峰值"}


@dataclass(frozen=True)
class _Number:
    start: int
    end: int  # after unit and approximation marks
    raw: Decimal
    unit: str
    factor: Decimal
    has_unit: bool
    approximate: bool


@dataclass(frozen=True)
class _Choice:
    number: _Number
    comparator: re.Match[str] | None
    verb: re.Match[str] | None
    suffix: re.Match[str] | None
    measure: str | None
    explicit: bool  # a comparator or a 以上/以内 word goes with the number
    with_unit: bool  # a unit is stated (for a range: on either bound)


def _cn_to_int(text: str) -> int:
    total = current = 0
    for ch in text:
        if ch == "百":
            total, current = total + (current or 1) * 100, 0
        elif ch == "十":
            total, current = total + (current or 1) * 10, 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_SYMBOLS)
    s = re.sub(r"\s+", "", s).replace(">=", "≥").replace("<=", "≤")
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)
    s = re.sub(r"\([^()\d]*\)", "", s)  # "(含)", "(计算方法为:结余数/预算数)"
    return _PERCENT_WORD.sub(
        lambda m: (m[1] if m[1][0].isdigit() else str(_cn_to_int(m[1]))) + "%", s
    )


def _tidy(value: Decimal) -> Decimal:
    integral = value.to_integral_value()
    return integral if value == integral else value.normalize()


def _read_unit(s: str, pos: int) -> tuple[str, Decimal, bool, bool, int]:
    """Unit, multiplier, whether a unit was stated, approximate, end position."""
    approx = False
    if pos < len(s) and s[pos] in "多余+":
        approx, pos = True, pos + 1
    for raw, factor in _CURRENCY:
        if s.startswith(raw, pos):
            return "万元", factor, True, approx, pos + len(raw)
    m = _UNIT_RE.match(s, pos)
    if m:
        return _UNITS[m[0]], ONE, True, approx, m.end()
    for raw, factor in _MULTIPLIERS:
        if s.startswith(raw, pos):
            pos += len(raw)
            if pos < len(s) and s[pos] in "多余+":
                approx, pos = True, pos + 1
            m = _UNIT_RE.match(s, pos)
            if m:
                return _UNITS[m[0]], factor, True, approx, m.end()
            return "", factor, False, approx, pos
    return "", ONE, False, approx, pos


def _bounded(digits: str) -> Decimal | None:
    """Arabic digits as a Decimal, or None when beyond the bounds of every number."""
    if len(digits) > MAX_NUMBER_CHARS:
        return None
    value = Decimal(digits)
    return None if number_problem(value) else value


def _numbers(s: str) -> list[tuple[_Number, bool]]:
    """Every number with its unit; the flag says whether it is written in Chinese."""
    found: list[tuple[_Number, bool]] = []
    matches = [(m, False) for m in _ARABIC.finditer(s)]
    matches += [(m, True) for m in _CHINESE.finditer(s) if m[0]]
    for m, chinese in sorted(matches, key=lambda item: item[0].start()):
        if m.start() > 0 and s[m.start() - 1] == "第":
            continue
        raw = Decimal(_cn_to_int(m[0])) if chinese else _bounded(m[0])
        if raw is None:
            continue  # 32 digits is no count: the text is read as if it had no number there
        unit, factor, has_unit, approx, end = _read_unit(s, m.end())
        if has_unit and end < len(s) and s[end] == "性":  # 一次性
            continue
        if not has_unit and end < len(s) and s[end] in "月日号时点":  # a date: 12月31日前
            continue
        if end < len(s) and s[end] == "+":
            approx, end = True, end + 1
        found.append((_Number(m.start(), end, raw, unit, factor, has_unit, approx), chinese))
    return found


def _quantity(number: _Number, unit: str | None = None, factor: Decimal | None = None) -> Quantity:
    f = number.factor if factor is None else factor
    value = number.raw * f
    return Quantity(_tidy(value) if f != ONE else value, number.unit if unit is None else unit)


def _comparator(token: str) -> tuple[Direction, bool]:
    if token.startswith("不"):
        at_least = any(w in token for w in ("低于", "少于", "小于"))
        return (Direction.AT_LEAST if at_least else Direction.AT_MOST), False
    if token in ("≥", "大于等于", "至少", "最少", "最低"):
        return Direction.AT_LEAST, False
    if token in ("≤", "小于等于", "最多", "最长", "控制在"):
        return Direction.AT_MOST, False
    if token == "=":
        return Direction.EQUAL, False
    if token in (">", "大于", "超过", "高于", "多于", "优于"):
        return Direction.AT_LEAST, True
    return Direction.AT_MOST, True


def _period(s: str, measure: str | None, has_year: bool) -> str | None:
    for period, pattern in _PERIOD_MARKERS:
        if pattern.search(s):
            return period
    if measure:
        m = _MEASURE_PERIOD.match(measure)
        if m:
            return next(g for g in m.groups() if g)
    return "年" if has_year else None


def _measure(prefix: str) -> str | None:
    text = re.split(r"[,;。；!?]", prefix.replace("\x00", ""))[-1]  # the last clause
    while True:
        stripped = _MEASURE_TAIL.sub("", text).rstrip()
        if stripped == text:
            break
        text = stripped
    text = text.lstrip(",.;:、，。：；")
    return text if text and text not in _PERIOD_WORDS else None


def _parse(text: str, *, actual: bool) -> Target | None:
    if len(text) > MAX_TARGET_CHARS:
        return None  # a statement, not a value; bounded so reading stays fast
    s = _normalise(text)
    has_year = bool(_YEAR.search(s))
    s = _YEAR.sub(lambda m: "\x00" * len(m[0]), s)
    full = bool(_FULL.search(s))
    peak = bool(_PEAK.search(s))

    chosen: _Choice | None = None
    segment_start = 0
    for number, chinese in _numbers(s):
        if chinese and not number.has_unit:
            continue  # "三级全覆盖": never a value (and no scan of the text before it)
        segment = s[segment_start:number.start]
        comparators = list(_COMPARATOR.finditer(segment))
        comparator = comparators[-1] if comparators else None
        verb = _VERB.search(segment)
        suffix = _SUFFIX.match(s, number.end)
        ranged = _upper(s, number.end) is not None
        marked = bool(comparator or verb or suffix or ranged or _END.match(s, number.end))
        if not (marked if chinese else number.has_unit or marked):
            continue
        explicit = comparator is not None or suffix is not None
        with_unit = number.has_unit or ranged
        better = explicit or (with_unit and not chosen.with_unit) if chosen else True
        if chosen is None or (better and not chosen.explicit):
            cut = segment_start + (comparator.start() if comparator else len(segment))
            measure = _measure(s[:cut])
            chosen = _Choice(number, comparator, verb, suffix, measure, explicit, with_unit)
        segment_start = number.end
        if explicit:
            break

    if chosen is None:
        return Target(Direction.FULL, None, None, text, peak=peak) if full else None
    number, comparator, verb, suffix, measure = (
        chosen.number, chosen.comparator, chosen.verb, chosen.suffix, chosen.measure
    )
    if full and comparator is None and (suffix is None or suffix[1] in ("左右", "上下")):
        return Target(Direction.FULL, None, None, text, peak=peak)

    approximate = number.approximate or bool(_APPROX_BEFORE.search(s[: number.start]))
    value, upper = _quantity(number), None
    strict = False
    high = _upper(s, number.end)
    if high is not None:
        match, raw = high
        unit, factor, has_unit, approx_high, _ = _read_unit(s, match.end())
        top = _Number(match.start(), match.end(), raw, unit, factor, has_unit, approx_high)
        upper = _quantity(top)
        if not number.has_unit and number.factor == ONE:
            value = _quantity(number, top.unit, top.factor)
        direction = Direction.RANGE
    elif comparator is not None:
        direction, strict = _comparator(comparator[0])
    elif suffix is not None and suffix[1] in ("以上", "之上"):
        direction = Direction.AT_LEAST
    elif suffix is not None and suffix[1] not in ("左右", "上下"):
        direction = Direction.AT_MOST
    elif not actual and (
        (verb is not None and verb[1] not in ("为", "是"))  # 达到/完成: an amount to reach
        or (value.unit == "%" and value.value == HUNDRED)  # a bare 100% cannot be exceeded
    ):
        direction = Direction.AT_LEAST
    else:
        direction = Direction.EQUAL
    if suffix is not None and suffix[1] in ("左右", "上下"):
        approximate = True
    return Target(direction, value, upper, text, measure, _period(s, measure, has_year),
                  strict, approximate, peak)


def _upper(s: str, end: int) -> tuple[re.Match[str], Decimal] | None:
    """The upper bound of a range "a-b" whose lower bound ends at ``end``, if any."""
    if not _RANGE_SEP.match(s, end):
        return None
    m = _ARABIC.match(s, end + 1)
    raw = _bounded(m[0]) if m else None
    return (m, raw) if m is not None and raw is not None else None


def parse_target(text: str) -> Target | None:
    """Parse a 年度指标值 / 年初目标值; ``None`` when the target is qualitative."""
    return _parse(text, actual=False)


def parse_actual(text: str) -> Target | None:
    """Parse a 实际完成值; EQUAL unless the text states a comparator; ``None`` if qualitative."""
    return _parse(text, actual=True)


def _describe(unit: str) -> str:
    if unit == "%":
        return "百分比"
    if unit == "分":
        return "分值"
    return f"数量（单位“{unit}”）" if unit else "无单位数"


def _unit(t: Target) -> str:
    return t.value.unit if t.value is not None else ""


def commensurable(target: Target, actual: Target) -> str | None:
    """``None`` when target and actual can be compared, else the reason in Chinese."""
    if target.direction is Direction.FULL:
        if actual.direction is Direction.FULL or _unit(actual) == "%":
            return None
        return f"目标为全覆盖（全部完成），实际为{_describe(_unit(actual))}"
    if actual.direction is Direction.FULL:
        if _unit(target) == "%":
            return None
        return f"目标为{_describe(_unit(target))}，实际只表述为全覆盖（全部完成），没有数量"
    if target.value is None or actual.value is None:
        return "目标或实际没有数值"
    tu, au = target.value.unit, actual.value.unit
    if tu and au and tu != au:
        if "%" in (tu, au):
            return f"目标为{_describe(tu)}，实际为{_describe(au)}"
        return f"目标单位为“{tu}”，实际为“{au}”"
    if (tu or au) not in RATE_UNITS:
        tp, ap = target.period or "年", actual.period or "年"
        if tp != ap or target.peak != actual.peak:
            tdesc = (_PERIOD_PEAK if target.peak else _PERIOD_TOTAL)[tp]
            adesc = (_PERIOD_PEAK if actual.peak else _PERIOD_TOTAL)[ap]
            return f"目标为{tdesc}，实际为{adesc}"
    tm, am = target.measure, actual.measure
    if tm and am and not set(tm) & set(am):
        return f"目标计量“{tm}”，实际计量“{am}”，口径不同"
    return None


def ratio(target: Target, actual: Target) -> Decimal | None:
    """Completion ratio for scoring (not capped); ``None`` when not commensurable."""
    if commensurable(target, actual) is not None:
        return None
    if target.direction is Direction.FULL:
        if actual.direction is Direction.FULL or actual.value is None:
            return ONE
        return actual.value.value / HUNDRED
    assert target.value is not None  # checked by commensurable
    t = target.value.value
    a = HUNDRED if actual.value is None else actual.value.value  # a bare 全覆盖 is 100%
    if target.direction is Direction.AT_MOST:
        return ONE if a == 0 else t / a
    if target.direction is Direction.RANGE:
        assert target.upper is not None
        high = target.upper.value
        if a < t:
            return a / t
        if a > high:
            return high / a
        return ONE
    if t == 0:
        return ONE if target.direction is Direction.AT_LEAST or a == 0 else Decimal(0)
    return a / t
