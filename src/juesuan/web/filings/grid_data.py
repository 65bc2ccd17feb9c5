"""What the editor's grids need from the server, and the nine tables shown beside the editor.

The row tables of 收入, 支出, 基本支出经济分类, 结转结余 and 预算数 (any list whose rows are one
科目编码 with choices, texts and amounts) are edited in a spreadsheet-like grid in the browser
(``static/juesuan/grid.js``); the server-side form stays what is posted and saved. The page
gives the grid, as JSON, what the form does not hold: the names of the year's 科目 (for the
name column and the 类/款 subtotals), how 表6 divides 经济分类 类 into 人员经费 and 公用经费
(:data:`juesuan.tables.columns.PERSONNEL_CLASSES`, taken from the table builder, not copied),
and, when the unit has last year's filing, each 科目's 上年决算数 (Decimal here, strings in
the page). A long list edited a page at a time gets the exact sums of its rows on the other
pages, so the grid's 合计 covers the whole list. The totals the grid shows are a display aid;
the checks stay the authority.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from pydantic import BaseModel

from juesuan import codes
from juesuan.filing.model import Filing
from juesuan.money import AmountUnit, core_context, per_wan, round_half_up, to_wan
from juesuan.tables.columns import PERSONNEL, PERSONNEL_CLASSES, PUBLIC
from juesuan.web.filings.forms_schema import Group, Rows, Scalar, Section
from juesuan.web.filings.models import FilingRecord, FilingVersion
from juesuan.web.filings.paging import ListRef, Window, lists_of

CODE_KINDS = ("functional", "economic")
# Columns a grid row may have besides its code: the 科目名称 (read-only in the grid, from the
# code list), choices (资金来源) and amounts.
NAME = "name"
# Digits of the 类 and 款 subtotals: 功能分类 类 3 / 款 5 (of a 7-digit 项); 经济分类 类 3.
LEVELS = {"functional": (3, 5), "economic": (3,)}


@dataclass(frozen=True)
class GridList:
    """A list of a section edited in a grid."""

    ref: ListRef
    kind: str  # of its code: functional / economic
    amounts: tuple[str, ...]  # its amount columns, in order
    code: str = "code"  # the field of its code
    # Its amounts are parts of one figure of the row (收入 by source, 支出 by kind): the grid
    # shows 本行合计 and 上年决算数. Not so for 年初/年末 (结转结余) or 年初/全年预算数.
    parts: bool = True

    @property
    def path(self) -> str:
        return self.ref.path


def _gridable(ref: ListRef) -> GridList | None:
    node = ref.node
    if not isinstance(node, Rows) or not isinstance(node.item, Group) or not node.item.flat:
        return None
    columns = [f for f in node.item.fields if isinstance(f, Scalar)]
    codes_ = [c for c in columns if c.kind in CODE_KINDS]
    if len(codes_) != 1:
        return None
    code = codes_[0]
    rest = [c for c in columns if c is not code]
    if not all(c.kind in ("amount", "choice", "text", "longtext") for c in rest):
        return None
    amounts = tuple(c.name for c in rest if c.kind == "amount")
    parts = columns[0] is code and all(c.kind != "longtext" and (c.kind != "text" or c.name == NAME)
                                       for c in rest)
    return GridList(ref, code.kind, amounts, code.name, parts) if amounts else None


def grid_lists(section: Section) -> list[GridList]:
    """The lists of a section edited in a grid: rows of one code, with choices, texts and
    amounts."""
    return [g for g in map(_gridable, lists_of(section)) if g is not None]


# --- 上年决算数 ---------------------------------------------------------------------------------------


def prior_version(record: FilingRecord) -> tuple[FilingVersion, bool] | None:
    """Last year's filing of the record's unit: its published version, else its current one
    (and whether it is the published one)."""
    last = (FilingRecord.objects.filter(unit=record.unit, year=record.year - 1)
            .select_related("current", "published").first())
    if last is None:
        return None
    if last.published is not None:
        return last.published, True
    return (last.current, False) if last.current is not None else None


def _items(filing: Filing, loc: tuple[str, ...]) -> Iterable[Any]:
    value: Any = filing
    for part in loc:
        value = getattr(value, part, None)
        if value is None:
            return ()
    return value if isinstance(value, tuple) else ()


def convert(value: Decimal, source: AmountUnit, target: AmountUnit) -> Decimal:
    """An amount in ``source`` units as ``target`` units, exactly (元 ↔ 万元; the factors are
    juesuan.money's)."""
    return value if source is target else to_wan(value, source) * per_wan(target)


def prior_totals(prior: Filing, grid: GridList, unit: AmountUnit) -> dict[str, Decimal]:
    """Each code's 上年决算数 in this list: the sum of last year's amounts of the same list over
    all its rows of that code (all funds and kinds), in ``unit`` (this year's 金额单位)."""
    totals: dict[str, Decimal] = {}
    for item in _items(prior, grid.ref.loc):
        if not isinstance(item, BaseModel):
            continue
        code = getattr(item, "code", None)
        if not isinstance(code, str) or not code:
            continue
        amounts = [getattr(item, name, None) for name in grid.amounts]
        total = sum((a for a in amounts if isinstance(a, Decimal)), Decimal(0))
        totals[code] = totals.get(code, Decimal(0)) + total
    return {code: convert(total, prior.unit, unit) for code, total in totals.items()}


def _amount_text(value: Decimal) -> str:
    """Rounded half up to two decimals, as the tables print a figure."""
    return str(round_half_up(value, 2))


# --- sums of the rows on other pages -------------------------------------------------------------


def _sums_text(sums: list[Decimal | None]) -> list[str | None]:
    # Exact, never in exponent form ("1E+3" → "1000"); None: no row has an amount there.
    return [None if v is None else format(v, "f") for v in sums]


def elsewhere_sums(saved: Filing, grid: GridList, shown: Iterable[int]) -> dict[str, Any]:
    """The exact sums of a long list's saved rows that are not on the page (not in ``shown``),
    per amount column (in the filing's unit, as the form shows them): overall, per 类/款 prefix of
    their codes (the subtotals the grid shows), of rows without a code and of rows with a code
    the subtotals cannot place. The grid adds them to the sums of the page's rows, so its 合计
    covers the whole list."""
    on_page = set(shown)
    width = len(grid.amounts)
    length = 7 if grid.kind == "functional" else 5
    total: list[Decimal | None] = [None] * width
    groups: dict[str, list[Decimal | None]] = {}
    blank: list[Decimal | None] = [None] * width
    bad: list[Decimal | None] = [None] * width
    rows = 0

    def add(into: list[Decimal | None], values: list[Decimal | None]) -> None:
        for i, v in enumerate(values):
            if v is not None:
                prev = into[i]
                into[i] = v if prev is None else prev + v

    with core_context():
        for index, item in enumerate(_items(saved, grid.ref.loc)):
            if index in on_page or not isinstance(item, BaseModel):
                continue
            rows += 1
            values = [v if isinstance(v := getattr(item, name, None), Decimal) else None
                      for name in grid.amounts]
            if all(v is None for v in values):
                continue
            add(total, values)
            code = getattr(item, grid.code, None)
            code = code if isinstance(code, str) else ""
            if not code:
                add(blank, values)
            elif not code.isdigit() or len(code) != length:
                add(bad, values)
            else:
                for digits in LEVELS[grid.kind]:
                    add(groups.setdefault(code[:digits], [None] * width), values)
    return {"rows": rows, "total": _sums_text(total),
            "groups": {key: _sums_text(sums) for key, sums in sorted(groups.items())},
            "blank": _sums_text(blank), "bad": _sums_text(bad)}


# --- the page's data ------------------------------------------------------------------------------


@cache
def code_names(kind: str, year: int) -> dict[str, Any]:
    """The year's 科目 of a kind (类, 款 and 项): code → name; codes of other years listed apart."""
    listing = codes.functional() if kind == "functional" else codes.economic()
    if not listing.covers(year):
        return {"names": {}, "retired": [], "covered": False}
    names = {e.code: e.name for e in listing.entries if e.valid_in(year)}
    retired = sorted({e.code for e in listing.entries} - set(names))
    return {"names": names, "retired": retired, "covered": True}


def page_data(record: FilingRecord, section: Section, saved: Filing | None,
              windows: Mapping[str, Window] | None = None) -> dict[str, Any] | None:
    """What ``grid.js`` reads from the page (None: the section has no grid); ``windows``: the
    pages of the section's long lists (their other rows are summed for the grid's 合计)."""
    grids = grid_lists(section)
    if not grids:
        return None
    unit = saved.unit if saved is not None else AmountUnit.WAN_YUAN
    prior = prior_version(record)
    last: Filing | None = None
    if prior is not None:
        from juesuan.web.filings import services

        last = services.filing_of(prior[0])
    lists: dict[str, Any] = {}
    for grid in grids:
        entry: dict[str, Any] = {"kind": grid.kind, "amounts": list(grid.amounts), "code": grid.code,
                                 "parts": grid.parts, "levels": list(LEVELS[grid.kind])}
        if grid.kind == "economic":
            entry["sides"] = {"personnel": list(PERSONNEL_CLASSES), "labels": [PERSONNEL, PUBLIC]}
        win = (windows or {}).get(grid.path)
        if win is not None and saved is not None:
            entry["elsewhere"] = elsewhere_sums(saved, grid, win.shown)
        if grid.parts and last is not None and prior is not None:
            version, published = prior
            totals = prior_totals(last, grid, unit)
            entry["prior"] = {code: _amount_text(v) for code, v in sorted(totals.items())}
            entry["prior_note"] = (f"{record.year - 1} 年度填报第 {version.number} 版"
                                   f"（{'公开版本' if published else '当前版本'}），单位：{unit.value}")
        lists[grid.path] = entry
    return {"year": record.year, "unit": unit.value, "lists": lists,
            "codes": {kind: code_names(kind, record.year)
                      for kind in sorted({g.kind for g in grids})}}


# --- the nine tables ------------------------------------------------------------------------------


def table_views(filing: Filing) -> list[Any]:
    """The filing's nine tables laid out as the public document prints them."""
    from juesuan.render.html import table_view
    from juesuan.tables.build import build_tables

    tables = build_tables(filing)
    return [table_view(t, f"tbl-{t.number}", filing.department.name) for t in tables.tables]


@lru_cache(maxsize=16)
def _version_views(digest: str, content: str) -> tuple[Any, ...]:
    from juesuan.web.filings import services

    return tuple(table_views(services._filing(digest, content)))


def version_table_views(version: FilingVersion) -> list[Any]:
    """The nine tables of a saved version (cached: versions never change)."""
    return list(_version_views(version.digest, version.content))
