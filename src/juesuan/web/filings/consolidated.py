"""汇总 in the web app: a department's from its units' approved filings, a region's from its
departments', worked out by the ``consolidate`` background job and stored (:class:`Consolidated`).

What goes in (docs/consolidate.md, “网页中的汇总”): for a department, its units (except the one
marked 部门汇总, whose hand-entered filing is the 部门决算) whose filing of the year is 部门已审核
or later, each with its current version; the tree is ``Unit.parent``. A department may have
several top units (a forest): each tree is consolidated with its eliminations, the trees are
then summed without any. A unit not yet approved is left out, and its 上级 then eliminates only
what its consolidated children show (the core's 选择汇总 of the units at hand). For a region: its
departments' 汇总 summed without eliminations (a department with an approved 部门汇总 filing
counts with that filing, as on the region overview), with 完全汇总 every sub-region's below it
too, with 节点汇总 only its direct sub-regions', with 选择汇总 the departments ticked.

The core does the arithmetic (:mod:`juesuan.consolidate`); this module reads the database,
stores the result and submits the jobs: :func:`after_step` when a step changes which filings
count, :func:`submit` when a reviewer asks.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from juesuan.consolidate import (
    Consolidation,
    ConsolidationError,
    Mode,
    UnitNode,
    consolidate,
    consolidate_region,
)
from juesuan.filing.model import Filing
from juesuan.rules.finding import Finding
from juesuan.web.filings import services
from juesuan.web.filings.models import Consolidated, FilingRecord, FilingVersion
from juesuan.web.orgs.models import Department, Region, Unit
from juesuan.web.workflow import State

logger = logging.getLogger(__name__)

# A filing counts in the 汇总 from 部门已审核 on.
INCLUDED = frozenset({State.DEPARTMENT_APPROVED, State.APPROVED, State.PUBLISHED})
NO_FILING, NOT_REPORTED, NOT_REVIEWED = "无填报", "未上报", "未审核"
NOT_CHOSEN = "不在所选范围"


def reason_of(record: FilingRecord | None) -> str | None:
    """Why a unit's filing is left out, or None when it goes in."""
    if record is None or record.current_id is None:
        return NO_FILING
    state = State(record.state)
    if state in INCLUDED:
        return None
    return NOT_REVIEWED if state is State.SUBMITTED else NOT_REPORTED


def chosen_key(chosen: Iterable[str]) -> str:
    keys = sorted(set(chosen))
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest() if keys else ""


@dataclass
class Outcome:
    """A 汇总 worked out, before it is stored."""

    filing: Filing | None
    findings: list[Finding] = field(default_factory=list)
    eliminations: list[dict[str, Any]] = field(default_factory=list)
    included: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _money(value: Decimal) -> str:
    return str(value)


def _eliminations(result: Consolidation, department: Department) -> list[dict[str, Any]]:
    unit = result.filing.unit.value
    return [{"department": department.name, "unit": unit, "parent": e.parent, "parent_name": e.parent_name,
             "subsidy_paid": _money(e.subsidy_paid), "remittance_received": _money(e.remittance_received),
             "subsidy_received": _money(e.subsidy_received), "remittance_paid": _money(e.remittance_paid),
             "partial": e.partial,
             "pairs": [{"child": p.child, "child_name": p.child_name,
                        "subsidy_received": _money(p.subsidy_received),
                        "remittance_paid": _money(p.remittance_paid)} for p in e.pairs]}
            for e in result.eliminations]


def forest(units: Sequence[Unit], filings: dict[int, Filing]) -> list[UnitNode]:
    """The department's unit trees from ``Unit.parent`` (keys: unit codes). A unit whose 上级 is
    not among ``units`` is the top of a tree; a loop (refused by Unit.clean) is cut."""
    by_pk = {u.pk: u for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        top = unit.parent_id is None or unit.parent_id not in by_pk
        children.setdefault(None if top else unit.parent_id, []).append(unit)
    seen: set[int] = set()

    def node(unit: Unit) -> UnitNode:
        seen.add(unit.pk)
        below = [c for c in sorted(children.get(unit.pk, []), key=lambda u: u.code) if c.pk not in seen]
        return UnitNode(unit.code, filings.get(unit.pk), tuple(node(c) for c in below))

    trees = [node(u) for u in sorted(children.get(None, []), key=lambda u: u.code)]
    trees += [node(u) for u in sorted(units, key=lambda u: u.code) if u.pk not in seen]
    return trees


def _department_units(department: Department, year: int) -> tuple[list[Unit], dict[int, FilingRecord]]:
    units = list(Unit.objects.filter(department=department, consolidated=False).order_by("code"))
    records = {r.unit_id: r for r in FilingRecord.objects.filter(unit__in=units, year=year)
               .select_related("current")}
    return units, records


def department_outcome(department: Department, year: int, mode: Mode = Mode.COMPLETE,
                       chosen: Iterable[str] = ()) -> Outcome:
    """The 汇总 of a department's approved unit filings (``chosen``: unit codes, 选择汇总)."""
    units, records = _department_units(department, year)
    picked = set(chosen)
    outcome = Outcome(None)
    filings: dict[int, Filing] = {}
    versions: dict[str, tuple[Unit, FilingRecord, FilingVersion]] = {}
    for unit in units:
        record = records.get(unit.pk)
        reason = reason_of(record)
        if reason is not None:
            outcome.excluded.append({"unit": unit.code, "name": unit.name, "department": department.name,
                                     "reason": reason})
            continue
        assert record is not None and record.current is not None
        filings[unit.pk] = services.filing_of(record.current)
        versions[unit.code] = (unit, record, record.current)
    trees = forest(units, filings)
    if len(trees) > 1:
        outcome.notes.append(f"{department.name}有 {len(trees)} 个最上级单位（{len(trees)} 棵单位树）：各树分别汇总并抵消"
                             "上下级单位之间的往来，再相加（树与树之间不抵消）。")
    results: list[Consolidation] = []
    for root in trees:
        everyone = [n.key for n in root.walk()]
        present = [n.key for n in root.walk() if n.filing is not None]
        scope = ({n.key for n in (root, *root.children)} if mode is Mode.NODE
                 else picked if mode is Mode.CHOSEN else set(everyone))
        for key in everyone:
            if key in versions and key not in scope:
                unit = versions.pop(key)[0]
                outcome.excluded.append({"unit": unit.code, "name": unit.name, "department": department.name,
                                         "reason": NOT_CHOSEN})
        keys = [k for k in present if k in scope]
        if not keys:
            continue
        whole = set(keys) == scope and mode is not Mode.CHOSEN
        if not whole and mode is not Mode.CHOSEN:
            outcome.notes.append(f"单位树“{root.name}”中有单位未汇总：其上级单位只抵消已汇总下级单位的数额，"
                                 "其余作为与汇总范围外单位的往来保留（核对给出警告）。")
        results.append(consolidate(root, mode if whole else Mode.CHOSEN, chosen=keys,
                                   name=department.name, code=department.code))
    for result in results:
        outcome.findings += result.findings
        outcome.eliminations += _eliminations(result, department)
        for key in result.units:
            unit, record, version = versions[key]
            outcome.included.append({"version": version.pk, "record": record.pk, "number": version.number,
                                     "unit": unit.code, "name": unit.name, "department": department.name,
                                     "state": record.state_label})
    if len(results) == 1:
        outcome.filing = results[0].filing
    elif results:
        outcome.filing = consolidate_region([r.filing for r in results], name=department.name,
                                            code=department.code)
    return outcome


def sub_regions(region: Region, *, depth: int | None = None) -> list[Region]:
    """``region`` and the regions under it (``depth`` levels down; None: all)."""
    found, layer, level = [region], [region], 0
    seen = {region.pk}
    while layer and (depth is None or level < depth):
        layer = [r for r in Region.objects.filter(parent__in=layer).order_by("code") if r.pk not in seen]
        seen |= {r.pk for r in layer}
        found += layer
        level += 1
    return found


def department_key(department: Department) -> str:
    """How 选择汇总 names a department of the region or its sub-regions."""
    return f"{department.region.code}/{department.code}"


def region_departments(region: Region, mode: Mode) -> list[Department]:
    """The departments a region's 汇总 of ``mode`` draws on (选择汇总: those it may choose from)."""
    regions = sub_regions(region, depth=1 if mode is Mode.NODE else None)
    return list(Department.objects.filter(region__in=regions).select_related("region")
                .order_by("region__code", "code"))


def region_outcome(region: Region, year: int, mode: Mode = Mode.COMPLETE,
                   chosen: Iterable[str] = ()) -> Outcome:
    """The region's 汇总: its departments' summed, no eliminations between them."""
    picked = set(chosen)
    departments = region_departments(region, mode)
    if mode is Mode.CHOSEN:
        departments = [d for d in departments if department_key(d) in picked]
    outcome = Outcome(None)
    filings: list[Filing] = []
    for department in departments:
        own = (FilingRecord.objects.filter(unit__department=department, unit__consolidated=True, year=year,
                                           state__in=[s.value for s in INCLUDED])
               .select_related("unit", "current").order_by("unit__code").first())
        if own is not None and own.current is not None:
            # The department's hand-entered 部门决算 is its 汇总 (as on the region overview).
            filings.append(services.filing_of(own.current))
            outcome.included.append({"version": own.current.pk, "record": own.pk, "number": own.current.number,
                                     "unit": own.unit.code, "name": own.unit.name, "department": department.name,
                                     "state": own.state_label, "own": True})
            continue
        part = department_outcome(department, year)
        outcome.included += part.included
        outcome.excluded += part.excluded
        outcome.findings += part.findings
        outcome.eliminations += part.eliminations
        outcome.notes += part.notes
        if part.filing is not None:
            filings.append(part.filing)
    if filings:
        outcome.filing = consolidate_region(filings, name=f"{region.name}（汇总）", region=region.name,
                                            code=region.code)
    return outcome


# --- storing and the job --------------------------------------------------------------------------


def _finding_data(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "severity": f.severity.value, "severity_label": f.severity.label,
            "message": f.message}


def store(region: Region, year: int, department: Department | None, mode: Mode, chosen: Iterable[str],
          outcome: Outcome) -> Consolidated:
    keys = sorted(set(chosen)) if mode is Mode.CHOSEN else []
    content = services.canonical(outcome.filing) if outcome.filing is not None else ""
    values = {"chosen": keys, "content": content,
              "digest": hashlib.sha256(content.encode("utf-8")).hexdigest() if content else "",
              "findings": [_finding_data(f) for f in outcome.findings],
              "eliminations": outcome.eliminations, "included": outcome.included,
              "excluded": outcome.excluded, "notes": outcome.notes, "created_at": timezone.now()}
    stored, _ = Consolidated.objects.update_or_create(
        region=region, year=year, department=department, mode=mode.value, chosen_key=chosen_key(keys),
        defaults=values)
    return stored


def find(region: Region, year: int, department: Department | None, mode: Mode,
         chosen: Iterable[str]) -> Consolidated | None:
    keys = sorted(set(chosen)) if mode is Mode.CHOSEN else []
    return Consolidated.objects.filter(region=region, year=year, department=department, mode=mode.value,
                                       chosen_key=chosen_key(keys)).first()


def consolidate_job(job: Any, progress: Any) -> dict[str, Any]:
    """The ``consolidate`` job (``params``: region code, year, department code or None, mode,
    chosen): works the 汇总 out and stores it."""
    from juesuan.web.jobs.tasks import JobError

    params = job.params
    region = Region.objects.filter(code=str(params.get("region", ""))).first()
    if region is None:
        raise JobError(["没有这个行政区划，未汇总。"])
    department = None
    if params.get("department"):
        department = Department.objects.filter(region=region, code=str(params["department"])).first()
        if department is None:
            raise JobError(["没有这个主管部门，未汇总。"])
    try:
        mode = Mode(str(params.get("mode", "complete")))
        year = int(params["year"])
    except (ValueError, KeyError):
        raise JobError(["汇总方式或年度无法识别，未汇总。"]) from None
    chosen = [str(c) for c in params.get("chosen", [])]
    progress(5, "正在读取各单位填报")
    try:
        outcome = (department_outcome(department, year, mode, chosen) if department is not None
                   else region_outcome(region, year, mode, chosen))
    except ConsolidationError as exc:
        raise JobError([str(exc)]) from None
    progress(90, "正在保存汇总结果")
    stored = store(region, year, department, mode, chosen, outcome)
    return {"consolidated": stored.pk, "units": len(outcome.included)}


def job_key(region: Region, year: int, department: Department | None, mode: Mode, chosen: Iterable[str]) -> str:
    return (f"consolidate:{region.code}:{year}:{department.code if department else '-'}:{mode.value}:"
            f"{chosen_key(chosen) if mode is Mode.CHOSEN else ''}")


def submit(region: Region, year: int, department: Department | None, mode: Mode, chosen: Sequence[str] = (),
           *, owner: Any = None, next_url: str = "", back: str = "") -> Any:
    from juesuan.web.jobs.api import submit as submit_job

    keys = sorted(set(chosen)) if mode is Mode.CHOSEN else []
    params = {"region": region.code, "year": year, "department": department.code if department else None,
              "mode": mode.value, "chosen": keys, "back": back}
    return submit_job("consolidate", job_key(region, year, department, mode, keys), params, owner=owner,
                      next_url=next_url)


def after_step(record: FilingRecord, before: State, after: State) -> None:
    """After a workflow step has been committed: when it brought the filing into the 汇总 or took it
    out (or approved it further), the department's and the region's complete 汇总 (and those of the
    regions above, which include it) are worked out again in the background. Never raises: the
    step stays taken whatever happens here."""
    if before not in INCLUDED and after not in INCLUDED:
        return
    try:
        unit = Unit.objects.select_related("department__region").get(pk=record.unit_id)
        department = unit.department
        if not unit.consolidated:
            submit(department.region, record.year, department, Mode.COMPLETE)
        region: Region | None = department.region
        seen: set[int] = set()
        while region is not None and region.pk not in seen:
            seen.add(region.pk)
            submit(region, record.year, None, Mode.COMPLETE)
            region = region.parent
    except Exception:
        logger.exception("汇总未能重新计算（填报 %s）", record.pk)


# --- what the pages read --------------------------------------------------------------------------


def filing_of(stored: Consolidated) -> Filing | None:
    return services._filing(stored.digest, stored.content) if stored.content else None


def figures_of(stored: Consolidated) -> dict[str, Decimal | None]:
    """The key figures of the stored 汇总 (万元, two decimals; None: not given)."""
    from juesuan.web.filings.review import _figures

    return _figures(stored.digest, stored.content)[0] if stored.content else {}


def rendered(stored: Consolidated, fmt: str) -> bytes:
    """A format of the 汇总's document that renders in a moment (XLSX tables); cached by content
    like a version's."""
    return services.rendered(stored, fmt)
