"""A published report turned back into a (partial) filing: ``juesuan import``.

Pure: takes an :class:`~juesuan.audit.check.AuditResult` and returns the filing's data
and its YAML text, with comments saying where each part came from and what could not
be extracted. Nothing is invented: what the report does not print is left out and
listed in the ``# 未能提取：…`` header.

* 部门名称 and 年度 from the cover (else the headings); 行政区划 and 预算级次 guessed from the
  name (上海市普陀区财政局 → 上海市普陀区, 县级) and marked 推断.
* 收入 per 项 by source from 表2; its 财政拨款收入 is 一般公共预算 unless 表4 shows 政府性基金 /
  国有资本经营 income; then 表8 / 表9 give that income per 项 and the rest is 一般公共预算 —
  when they add up to 表4's; else 表4's 类 rows, when unambiguous (the fund alone spends in
  those 类 and their 项 rows' 财政拨款收入 add up to its income); otherwise everything stays
  一般公共预算, marked.
* 支出 per 项: 一般公共预算 basic/project from 表5, 政府性基金 from 表8, 国有资本经营 from 表9;
  what 表3 shows beyond them (and its 上缴上级、经营、对附属单位补助 columns) is 非财政拨款.
* 一般公共预算财政拨款基本支出 per 经济分类 款 from 表6; “三公”经费 from 表7.
* 结转和结余: 财政拨款 by fund from 表4 (政府性基金 / 国有资本经营 per 项 from 表8 / 表9),
  非财政拨款 = 表1 − 表4; 使用非财政拨款结余 and 结余分配 from 表1.
* 绩效自评 from the 自评表 (:mod:`juesuan.audit.selfeval`), with the scheme the form implies.
* 主要职能 (one per numbered paragraph), 机构设置, 人员情况 and 单位构成 from 第一部分.

Amounts are written as strings with the precision they were printed with, in 万元 (tables
printed in 元 are converted); codes are quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from juesuan.audit.selfeval import SelfEvaluation, compact
from juesuan.audit.source import Grid, Line
from juesuan.audit.structure import Heading, Structure
from juesuan.filing.model import FILING_YEARS, Filing
from juesuan.money import ZERO
from juesuan.tables.table import Table, TableSet

if TYPE_CHECKING:
    from juesuan.audit.check import AuditResult

TABLE_NAMES = {
    1: "收入支出决算总表", 2: "收入决算表", 3: "支出决算表", 4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表", 6: "一般公共预算财政拨款基本支出决算表",
    7: "财政拨款“三公”经费支出决算表", 8: "政府性基金预算财政拨款收入支出决算表",
    9: "国有资本经营预算财政拨款收入支出决算表",
}
FUNDS = ("general_budget", "government_fund", "state_capital")
INCOME_COLUMNS = ("superior_subsidy", "business", "operating", "affiliated_remittance", "other")
OTHER_KINDS = ("remit_superior", "operating", "subsidy_affiliated")
CENT = Decimal("0.01")
FUND_NAMES = {8: "政府性基金预算", 9: "国有资本经营预算"}


@dataclass(frozen=True)
class Note:
    """A value with comment lines written above it."""

    value: Any
    comment: str


@dataclass
class Imported:
    """The filing read from a report: its data (validated), the YAML text, what is missing."""

    data: dict[str, Any]
    filing: Filing
    missing: list[str]
    notes: list[str] = field(default_factory=list)  # remarks for the YAML header
    text: str = ""


# --- small helpers ------------------------------------------------------------------------------


def _num(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _present(tables: TableSet, result: AuditResult, number: int) -> Table | None:
    """Table ``number`` when the report prints it and it could be read."""
    if result.structure.table(number) is None or number in result.reading.unreadable:
        return None
    for t in tables.tables:
        if t.number == number:
            return t
    return None


def _cells(table: Table | None, row: str) -> dict[str, Decimal | None]:
    if table is None:
        return {}
    found = table.find(row)
    if found is None:
        return {}
    return {c.key: _num(v) for c, v in zip(table.columns, found.values, strict=False)}


def _leaves(table: Table | None) -> dict[str, tuple[str, dict[str, Decimal | None]]]:
    """项 rows (7-digit codes) of a 功能分类 table: code → (name, values by column)."""
    if table is None:
        return {}
    out: dict[str, tuple[str, dict[str, Decimal | None]]] = {}
    for row in table.rows:
        if row.code is None or len(row.code) != 7:
            continue
        values = {c.key: _num(v) for c, v in zip(table.columns, row.values, strict=False)}
        out.setdefault(row.code, (row.name, values))
    return out


def _without_zeros(row: dict[str, Any]) -> dict[str, Any]:
    """A row without its printed 0.00 amounts, unless they are all it has."""
    amounts = [k for k, v in row.items() if isinstance(v, Decimal)]
    if any(row[k] != 0 for k in amounts):
        return {k: v for k, v in row.items() if not (isinstance(v, Decimal) and v == 0)}
    return row


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _nonzero(value: Decimal | None) -> bool:
    return value is not None and value != 0


# --- department --------------------------------------------------------------------------------

_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_REGION = re.compile(r"^(?P<region>.{1,9}?(?:自治区|自治州|自治县|特别行政区|省|市|地区|盟|县|区|旗|镇|乡|街道))")
_NOT_REGIONS = ("城市", "都市", "市场", "社区", "园区", "小区", "景区", "辖区", "片区", "地区办",
                "城区管理")


def guess_region(name: str) -> tuple[str, str] | None:
    """(行政区划, 预算级次) from a department's name, or None when it names no region."""
    rest = re.sub(r"^(?:中共|中国共产党)", "", compact(name))
    parts: list[str] = []
    while len(parts) < 4:
        m = _REGION.match(rest)
        if m is None:
            break
        token = m.group("region")
        if any(word in token for word in _NOT_REGIONS) or len(rest) - len(token) < 2:
            break
        parts.append(token)
        rest = rest[len(token):]
    if not parts:
        return None
    last = parts[-1]
    if last.endswith(("镇", "乡", "街道")):
        level = "乡镇级"
    elif last.endswith(("县", "区", "旗", "自治县")) and not last.endswith(("地区", "自治区")):
        level = "县级"
    elif len(parts) == 1 and (last in _MUNICIPALITIES or last.endswith(("省", "自治区"))):
        level = "省级"
    else:
        level = "市级"
    return "".join(parts), level


# --- 第一部分 ----------------------------------------------------------------------------------

_ENUMERATOR = re.compile(
    r"^(?:第[一二三四五六七八九十百]+条|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．](?!\d)"
    r"|[一二三四五六七八九十]+、)"
)
_RUN_ON = re.compile(r"(?<=[。；;])(?=[（(][一二三四五六七八九十]+[）)]|\d{1,2}、)")


def _section(structure: Structure, words: tuple[str, ...]) -> tuple[Heading, list[Line | Grid]] | None:
    """The first section of 第一部分 whose heading has one of ``words``, with its blocks."""
    headings = list(structure.headings)
    for n, h in enumerate(headings):
        if h.kind != "section" or h.part not in (1, None) or not any(w in h.text for w in words):
            continue
        end = headings[n + 1].place.block if n + 1 < len(headings) else len(structure.source.blocks)
        blocks = list(structure.source.blocks[h.place.end + 1:end])
        return h, blocks
    return None


def _paragraphs(lines: Iterable[Line]) -> list[str]:
    """Lines joined into paragraphs: a new one at an enumerator (（一）, 1、, 第一条) or after a
    full stop; one that runs on after “。” (“…规则。（八）负责…”) is split there."""
    out: list[str] = []
    for line in lines:
        for piece in _RUN_ON.split(line.text.strip()):
            if not piece:
                continue
            if not out or _ENUMERATOR.match(piece) or out[-1].endswith(("。", "：", ":")):
                out.append(piece)
            else:
                out[-1] += piece
    return out


def _duties(structure: Structure) -> list[str]:
    found = _section(structure, ("职能", "职责"))
    if found is None:
        return []
    _, blocks = found
    paragraphs = _paragraphs(b for b in blocks if isinstance(b, Line))
    duties = [_ENUMERATOR.sub("", p).strip() if re.match(r"^\d{1,2}[、.．]", p) else p for p in paragraphs]
    return [d for d in duties if d]


def _organisation(structure: Structure) -> tuple[str | None, str | None]:
    found = _section(structure, ("机构设置", "机构情况"))
    if found is None:
        return None, None
    _, blocks = found
    paragraphs = _paragraphs(b for b in blocks if isinstance(b, Line))
    staffing = [p for p in paragraphs if p.startswith(("现有", "人员", "编制")) or "在职" in p[:30]]
    rest = [p for p in paragraphs if p not in staffing]
    return ("\n".join(rest) or None), ("\n".join(staffing) or None)


def _units(structure: Structure) -> list[dict[str, Any]]:
    found = _section(structure, ("单位构成",))
    if found is None:
        return []
    _, blocks = found
    units: list[dict[str, Any]] = []
    for grid in (b for b in blocks if isinstance(b, Grid)):
        header = [compact(c) for c in grid.rows[0]] if grid.rows else []
        if "单位名称" not in header:
            continue
        at, note_at = header.index("单位名称"), (header.index("备注") if "备注" in header else None)
        for row in grid.rows[1:]:
            name = row[at].strip() if at < len(row) else ""
            if not name:
                continue
            unit: dict[str, Any] = {"name": name}
            if note_at is not None and note_at < len(row) and row[note_at].strip():
                unit["note"] = row[note_at].strip()
            units.append(unit)
    return units


# --- the nine tables ---------------------------------------------------------------------------


@dataclass
class _Tables:
    result: AuditResult
    notes: list[str]
    t: dict[int, Table | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for n in range(1, 10):
            self.t[n] = _present(self.result.tables, self.result, n)

    def income(self) -> list[Any]:
        t2 = self.t[2]
        if t2 is None:
            return []
        fund_income = {f: _cells(self.t[4], f"income.{f}").get("income") for f in FUNDS[1:]}
        split = self._fund_income_by_code(fund_income)
        rows: list[Any] = []
        for code, (name, values) in sorted(_leaves(t2).items()):
            row: dict[str, Any] = {"code": code, "name": name}
            fiscal = values.get("fiscal")
            if fiscal is not None:
                others = {f: split[f].get(code) for f in FUNDS[1:]} if split is not None else {}
                general = fiscal - _sum(others.values())
                if general < -CENT:
                    self.notes.append(f"{code} {name}：表8/表9 的本年收入超过收入决算表的财政拨款收入 "
                                      f"{fiscal}，未拆分")
                    others, general = {}, fiscal
                if any(_nonzero(v) for v in others.values()):
                    if general != 0:
                        row["general_budget"] = general
                    for f, v in others.items():
                        if _nonzero(v):
                            row[f] = v
                else:
                    row["general_budget"] = fiscal
            for key in INCOME_COLUMNS:
                if values.get(key) is not None:
                    row[key] = values[key]
            if len(row) > 2:
                rows.append(_without_zeros(row))
        return rows

    def _fund_income_by_code(self, fund_income: dict[str, Decimal | None]
                             ) -> dict[str, dict[str, Decimal | None]] | None:
        """政府性基金 / 国有资本经营 income per 项, when 表4 shows such income: from 表8 / 表9 when
        they account for it, else from 表4's 类 rows when that is unambiguous (the 表2 项 rows of
        the 类 where only that fund spends add up to its income). None when all 财政拨款收入 is
        一般公共预算, or when it cannot be split (then a note says so)."""
        if not any(_nonzero(v) for v in fund_income.values()):
            return None
        split: dict[str, dict[str, Decimal | None]] = {}
        for fund, number in (("government_fund", 8), ("state_capital", 9)):
            total = fund_income.get(fund)
            if not _nonzero(total):
                split[fund] = {}
                continue
            assert total is not None
            by_code: dict[str, Decimal | None] = {
                code: values.get("income") for code, (_, values) in _leaves(self.t[number]).items()}
            if by_code and abs(_sum(by_code.values()) - total) <= CENT * (len(by_code) + 1):
                split[fund] = by_code
                continue
            by_class = self._fund_income_by_class(fund, total)
            if by_class is None:
                self.notes.append(
                    f"表4 列有{FUND_NAMES[number]}财政拨款收入 {total} 万元，表{number}未能按科目拆分，"
                    "财政拨款收入暂全部计为一般公共预算财政拨款收入（income[].general_budget），请核对")
                return None
            self.notes.append(f"{FUND_NAMES[number]}财政拨款收入 {total} 万元按表4 各类支出推定到科目："
                              + "、".join(by_class))
            split[fund] = by_class
        return split

    def _fund_income_by_class(self, fund: str, total: Decimal) -> dict[str, Decimal | None] | None:
        t4 = self.t[4]
        if t4 is None:
            return None
        classes: set[str] = set()
        for row in t4.rows:
            if row.code is None or len(row.code) != 3:
                continue
            values = {c.key: _num(v) for c, v in zip(t4.columns, row.values, strict=False)}
            others = [values.get(f) for f in FUNDS if f != fund]
            if _nonzero(values.get(fund)):
                if any(_nonzero(v) for v in others):
                    return None  # the 类 is shared with another fund: which 项 is whose?
                classes.add(row.code)
        found = {code: values.get("fiscal") for code, (_, values) in _leaves(self.t[2]).items()
                 if code[:3] in classes and _nonzero(values.get("fiscal"))}
        if not found or abs(_sum(found.values()) - total) > CENT * (len(found) + 1):
            return None
        return found

    def expenditure(self) -> list[Any]:
        t3, t5, t8, t9 = self.t[3], self.t[5], self.t[8], self.t[9]
        by_fund = {"general_budget": _leaves(t5), "government_fund": _leaves(t8),
                   "state_capital": _leaves(t9)}
        kinds = _leaves(t3)
        if t5 is None and t3 is not None:
            by_fund["general_budget"] = {c: (n, v) for c, (n, v) in kinds.items()}
            kinds = {}
            self.notes.append("缺少一般公共预算财政拨款支出决算表：支出决算表的基本支出、项目支出暂全部计为"
                              "一般公共预算财政拨款（expenditure[].fund），请核对")
        codes = sorted(set(kinds) | {c for leaves in by_fund.values() for c in leaves})
        rows: list[Any] = []
        for code in codes:
            fiscal: dict[str, Decimal] = {"basic": ZERO, "project": ZERO}
            for fund in FUNDS:
                values = by_fund[fund].get(code, ("", {}))[1]
                row: dict[str, Any] = {"code": code}
                if fund != "general_budget":
                    row["fund"] = fund
                for kind in ("basic", "project"):
                    v = values.get(kind)
                    if v is not None:
                        row[kind] = v
                        fiscal[kind] += v
                if len(row) > (1 if fund == "general_budget" else 2):
                    rows.append(_without_zeros(row))
            if code not in kinds:
                continue
            name, total = kinds[code]
            other: dict[str, Any] = {"code": code, "fund": "non_fiscal"}
            for kind in ("basic", "project"):
                if total.get(kind) is None:
                    continue
                rest = (total[kind] or ZERO) - fiscal[kind]
                if rest < 0:
                    if rest < -CENT:
                        self.notes.append(f"{code} {name}：支出决算表{'基本' if kind == 'basic' else '项目'}支出"
                                          f" {total[kind]} 小于财政拨款的 {fiscal[kind]}，未计非财政拨款支出")
                    continue
                if rest != 0:
                    other[kind] = rest
            for kind in OTHER_KINDS:
                if _nonzero(total.get(kind)):
                    other[kind] = total[kind]
            if len(other) > 2:
                rows.append(other)
        return rows

    def basic_economic(self) -> list[Any]:
        t6 = self.t[6]
        if t6 is None:
            return []
        rows: list[Any] = []
        for row in t6.rows:
            if row.code is None or len(row.code) != 5:
                continue
            amounts = [v for v in row.values if isinstance(v, Decimal) and v != 0]
            if amounts:
                rows.append({"code": row.code, "name": row.name, "amount": amounts[0]})
        return rows

    def carry_over(self) -> list[Any]:
        t1, t4, t8, t9 = self.t[1], self.t[4], self.t[8], self.t[9]
        rows: list[Any] = []
        if t4 is not None:
            closings = _cells(t4, "closing")
            for fund, number, table in (("general_budget", 0, None), ("government_fund", 8, t8),
                                        ("state_capital", 9, t9)):
                opening = _cells(t4, f"opening.{fund}").get("income")
                close = closings.get(fund)
                if not (_nonzero(opening) or _nonzero(close)):
                    continue
                per_code = [(code, values.get("opening"), values.get("closing"))
                            for code, (_, values) in _leaves(table).items()
                            if _nonzero(values.get("opening")) or _nonzero(values.get("closing"))]
                if per_code:
                    for code, o, c in per_code:
                        row: dict[str, Any] = {"fund": fund, "code": code}
                        if o is not None:
                            row["opening"] = o
                        if c is not None:
                            row["closing"] = c
                        rows.append(row)
                    continue
                row = {"fund": fund}
                if opening is not None:
                    row["opening"] = opening
                if close is not None:
                    row["closing"] = close
                if number:
                    self.notes.append(f"{FUND_NAMES[number]}财政拨款结转和结余未能按科目从表{number}读出，"
                                      "按表4 总数填写（carry_over[].code 缺）")
                rows.append(row)
        if t1 is not None:
            fiscal_opening = _cells(t4, "opening").get("income") or ZERO
            fiscal_closing = _cells(t4, "closing").get("total") or ZERO
            all_opening = _cells(t1, "opening").get("income")
            all_closing = _cells(t1, "closing").get("expenditure")
            row = {"fund": "non_fiscal"}
            if all_opening is not None and all_opening - fiscal_opening != 0:
                row["opening"] = all_opening - fiscal_opening
            if all_closing is not None and all_closing - fiscal_closing != 0:
                row["closing"] = all_closing - fiscal_closing
            if t4 is None and (all_opening or all_closing):
                self.notes.append("缺少财政拨款收入支出决算总表：表1 的结转和结余暂全部计为非财政拨款，请核对")
            if len(row) > 1:
                rows.append(row)
        return rows

    def totals(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        used = _cells(self.t[1], "non_fiscal_balance_used").get("income")
        distributed = _cells(self.t[1], "surplus_distribution").get("expenditure")
        if _nonzero(used):
            assert used is not None
            out["non_fiscal_balance_used"] = used
        if _nonzero(distributed):
            assert distributed is not None
            out["surplus_distribution"] = distributed
        return out

    def three_public(self) -> dict[str, Any]:
        values = _cells(self.t[7], "three_public")
        out: dict[str, Any] = {}
        for item in ("outbound", "vehicle_purchase", "vehicle_operation", "reception"):
            entry = {stage: values[f"{item}.{stage}"] for stage in ("budget", "final")
                     if values.get(f"{item}.{stage}") is not None}
            if entry:
                out[item] = entry
        for stage, label in (("budget", "预算数"), ("final", "决算数")):
            vehicle = values.get(f"vehicle.{stage}")
            parts = [values.get(f"vehicle_purchase.{stage}"), values.get(f"vehicle_operation.{stage}")]
            if _nonzero(vehicle) and all(p is None for p in parts):
                self.notes.append(f"表7 只印了公务用车购置及运行（维护）费合计{label} {vehicle} 万元，"
                                  "未能分为购置费和运行（维护）费（three_public）")
        return out


# --- building the data ---------------------------------------------------------------------


def _layout(result: AuditResult, year: int | None) -> str | None:
    """The template the report follows (juesuan.audit.template), else a guess from 表9."""
    if result.template is not None:
        return result.template
    t9 = _present(result.tables, result, 9)
    if t9 is not None and result.structure.table(9) is not None:
        with_income = "income" in t9.column_keys
        if year is None:
            return "shanghai-2024" if with_income else "central-2020"
        if with_income and year <= 2021:
            return "shanghai-2024"
        if not with_income and year > 2021:
            return "central-2020"
    return None


_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})年度?")


def _year(result: AuditResult) -> int | None:
    if result.year is not None:
        return result.year
    years = [int(m.group(1)) for line in result.structure.source.lines()
             for m in _YEAR_IN_TEXT.finditer(line.text)]
    return max(set(years), key=years.count) if years else None


def _performance(found: SelfEvaluation | None) -> Any:
    if found is None:
        return None
    data: dict[str, Any] = {"scheme": Note(found.scheme, "评分办法按自评表式样推断（预算执行 20 分：湖北；"
                                                        "10 分：中央，注明指标性质时为四川）")}
    for form in found.forms:
        e = form.evaluation.model_dump(mode="json", exclude_defaults=True)
        lines = [f"原文第 {form.place.line} 行：{form.title or form.path}"] if form.place.line else []
        lines += list(form.notes)
        note = Note(e, "\n".join(lines)) if lines else e
        if form.kind == "department":
            data["department"] = note
        else:
            data.setdefault("projects", []).append(note)
    return data


def build(result: AuditResult) -> Imported:
    """The filing's data from an audited report, validated; what is missing, listed."""
    structure = result.structure
    notes: list[str] = []
    missing: list[str] = []
    tables = _Tables(result, notes)
    found = result.self_evaluation  # read (and scored) by the audit, under the caller's schemes

    name = result.department
    if name is None and found is not None and found.performance.department is not None:
        name = found.performance.department.name
    year = _year(result)
    if name is None:
        missing.append("部门名称（department.name，已填“未能识别”）")
    if year is not None and not FILING_YEARS[0] <= year <= FILING_YEARS[1]:
        missing.append(f"决算年度（year）：报告写作 {year} 年，不在 {FILING_YEARS[0]}—{FILING_YEARS[1]} 之内，已填 2000")
        year = None
    elif year is None:
        missing.append("决算年度（year，已填 2000）")
    department: dict[str, Any] = {"name": name or "未能识别"}
    region = guess_region(name or "")
    if region is not None:
        department["region"] = Note(region[0], "行政区划、预算级次由部门名称推断，请核对")
        department["level"] = region[1]
    else:
        department["region"] = Note(name or "未能识别", "未能从部门名称判断行政区划和预算级次，请填写")
        department["level"] = "县级"
        missing.append("行政区划、预算级次（department.region、department.level）")
    units = _units(structure)
    if units:
        department["units"] = units
    else:
        missing.append("部门决算单位构成（department.units）")

    data: dict[str, Any] = {"schema_version": 1, "year": year or 2000, "unit": "万元"}
    layout = _layout(result, year)
    if layout is not None:
        data["layout"] = layout
    data["department"] = department
    organisation: dict[str, Any] = {}
    duties = _duties(structure)
    if duties:
        organisation["duties"] = Note(duties, "第一部分“主要职能（职责）”，逐条")
    else:
        missing.append("主要职能（organisation.duties）")
    setup, staffing = _organisation(structure)
    if setup:
        organisation["structure"] = setup
    if staffing:
        organisation["staffing"] = staffing
    if organisation:
        data["organisation"] = organisation

    absent = [n for n in range(1, 10) if tables.t[n] is None]
    for n in absent:
        missing.append(f"表{n} {TABLE_NAMES[n]}")
    data["income"] = Note(tables.income(), "收入决算表：各项收入按来源" if tables.t[2] is not None
                          else "缺少收入决算表：收入未能提取")
    data["expenditure"] = Note(tables.expenditure(), _expenditure_comment(tables))
    economic = tables.basic_economic()
    if economic:
        data["basic_economic"] = Note(economic, "一般公共预算财政拨款基本支出决算表：各经济分类款")
    carry = tables.carry_over()
    if carry:
        data["carry_over"] = Note(carry, "结转和结余：财政拨款取自表4（分科目取自表8、表9），"
                                         "非财政拨款 = 表1 − 表4")
    data.update(tables.totals())
    three = tables.three_public()
    if three:
        data["three_public"] = Note(three, "财政拨款“三公”经费支出决算表（团组、人次、车辆数不在表中，未提取）")
    performance = _performance(found)
    if performance is not None:
        data["performance"] = performance
    else:
        missing.append("绩效自评表（performance）")
    missing += ["预算数（budget）", "上年决算数（prior_year）", "增减变化原因（reasons）",
                "机关运行经费、政府采购、国有资产（operating_costs、procurement、assets）"]
    filing, dropped = _validated(data)
    for key in dropped:
        missing.append(f"{key}（读出的内容不合填报格式，已略去）")
    if found is not None:
        notes += [n for n in found.notes if "书写有误" in n or "未能读出" in n or "未读入" in n]
    return Imported(data, filing, missing, notes)


def _expenditure_comment(tables: _Tables) -> str:
    if tables.t[3] is None and tables.t[5] is None:
        return "缺少支出决算表和一般公共预算财政拨款支出决算表：支出未能提取"
    if tables.t[3] is None:
        return ("缺少支出决算表：只有财政拨款支出（表5、表8、表9），非财政拨款支出和上缴上级、经营、"
                "对附属单位补助支出未能提取")
    return "支出：一般公共预算取自表5，政府性基金取自表8，国有资本经营取自表9，其余（支出决算表多出的部分）为非财政拨款"


def _plain(value: Any) -> Any:
    if isinstance(value, Note):
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _validated(data: dict[str, Any]) -> tuple[Filing, list[str]]:
    """The filing; top-level parts the model refuses are dropped (never an unreadable file)."""
    dropped: list[str] = []
    required = {"schema_version", "year", "unit", "department", "income", "expenditure"}
    for _ in range(len(data) + 1):
        try:
            return Filing.model_validate(_plain(data)), dropped
        except ValidationError as exc:
            keys = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            optional = [k for k in keys if k in data and k not in required]
            if optional:
                for key in optional:
                    del data[key]
                dropped += optional
                continue
            for key in keys & {"income", "expenditure"}:
                data[key] = Note([], "读出的内容不合填报格式，已略去")
                dropped.append(key)
            if not keys & {"income", "expenditure"}:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# --- YAML --------------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        value = format(value, "f")
    text = str(value)
    style = '"' if any(ch in text for ch in "\n\r\t\x85\u2028\u2029") else None
    dumped = yaml.safe_dump(text, allow_unicode=True, width=1_000_000, default_style=style)
    dumped = dumped.removesuffix("\n...\n").rstrip("\n")
    if "\n" in dumped:  # never expected; keep the file readable
        dumped = yaml.safe_dump(text, allow_unicode=True, width=1_000_000, default_style='"').rstrip("\n")
    return dumped


def _comment(text: str, indent: str) -> Iterator[str]:
    for line in text.splitlines():
        yield f"{indent}# {line}".rstrip()


def _emit(value: Any, indent: int) -> Iterator[str]:
    """Block-style YAML of nested dicts/lists/scalars, with Note comments above their values."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, Note):
                yield from _comment(item.comment, pad)
                item = item.value
            if item is None:
                continue
            if isinstance(item, dict):
                if not item:
                    yield f"{pad}{key}: {{}}"
                    continue
                yield f"{pad}{key}:"
                yield from _emit(item, indent + 2)
            elif isinstance(item, list | tuple):
                if not item:
                    yield f"{pad}{key}: []"
                    continue
                yield f"{pad}{key}:"
                yield from _emit(list(item), indent + 2)
            else:
                yield f"{pad}{key}: {_scalar(item)}"
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Note):
                yield from _comment(item.comment, pad)
                item = item.value
            if isinstance(item, dict):
                lines = list(_emit(item, indent + 2))
                if not lines:
                    yield f"{pad}- {{}}"
                    continue
                first = next((n for n, line in enumerate(lines) if not line.lstrip().startswith("#")), 0)
                yield from lines[:first]
                yield f"{pad}- {lines[first][indent + 2:]}"
                yield from lines[first + 1:]
            elif isinstance(item, list | tuple):
                yield f"{pad}-"
                yield from _emit(list(item), indent + 2)
            else:
                yield f"{pad}- {_scalar(item)}"


def to_yaml(imported: Imported, source: str) -> str:
    header = [f"由 juesuan import 从公开报告 {source} 读出（金额单位：万元，按原表位数）。",
              "未能提取：" + ("；".join(imported.missing) if imported.missing else "无")]
    header += [f"注：{n}" for n in imported.notes]
    lines = [f"# {line}" for text in header for line in text.splitlines()]
    lines.append("")
    lines += list(_emit(imported.data, 0))
    return "\n".join(lines) + "\n"


def import_report(result: AuditResult) -> Imported:
    """Build the filing from an audited report and its YAML text (which loads back equal)."""
    imported = build(result)
    imported.text = to_yaml(imported, result.file)
    return imported
