"""What a reviewer reads beside the findings: the key figures against 上年数 and against the
version last reported, the region's units for the finance bureau (state, 上报截止, findings
counted, totals), and the batch steps taken from that overview.

Figures are the portal's (:func:`juesuan.web.figures.key_figures`): from the facts of the
document's 情况说明 (:func:`juesuan.narrative.facts.gather_facts` of the printed tables, 万元, two
decimals, ``None`` where the filing gives none), so the review shows exactly what the published
document will state. 上年数 are the filing's own
上年决算数 (``prior_year``, as the 情况说明 reads them); where the filing gives none, the figure
of the unit's published disclosure of the year before, and the page says which.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

import juesuan
from juesuan.narrative.facts import Change as FactChange
from juesuan.narrative.facts import Facts, Gap, gather_facts
from juesuan.tables.build import build_tables
from juesuan.web.access import Grant, Permission, allowed
from juesuan.web.diff import diff
from juesuan.web.figures import (
    MEASURES,
    Change,
    Figures,
    Measure,
    amount_text,
    change,
    key_figures,
    signed_text,
)
from juesuan.web.filings import findings as finding_items
from juesuan.web.filings import services
from juesuan.web.filings.models import FilingRecord, FilingVersion, VersionSummary, WorkflowStep
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import Progress
from juesuan.web.orgs.models import Deadline, Department, Region, Unit
from juesuan.web.workflow import ROLE_LABELS, TRANSITIONS, Action, Role, State, WorkflowError

NONE = "—"  # a figure the filing does not give: never shown as 0


# The key figures of the review page and the region's totals, in the order of the document.
KEY_MEASURES: tuple[Measure, ...] = tuple(
    m for m in MEASURES if m.key in ("grand_total", "income_total", "expenditure_total", "fiscal_total",
                                     "general_budget", "three_public", "operating_costs"))

def text(value: Decimal | None) -> str:
    """Two places, "—" for a figure not given (a zero keeps no sign)."""
    return amount_text(value) or NONE


def change_text(c: Change | None) -> str:
    return NONE if c is None else signed_text(c.amount) or NONE


def rate_text(c: Change | None) -> str:
    return NONE if c is None or c.rate is None else f"{signed_text(c.rate)}%"


# --- key figures against 上年数 and the last 上报 -------------------------------------------------


def prior_year_figures(facts: Facts) -> dict[str, Decimal | None]:
    """The filing's 上年决算数 of each key figure, 万元 as the 情况说明 prints them (``None``
    where the filing gives none)."""

    def base(c: FactChange) -> Decimal | None:
        return c.base if isinstance(c.base, Decimal) else None

    operating = facts.operating_costs
    return {
        "grand_total": base(facts.grand_total.change),
        "income_total": base(facts.seed.income_change),
        "expenditure_total": base(facts.seed.expenditure_change),
        "fiscal_total": base(facts.fiscal_total.change),
        "general_budget": base(facts.general_budget.change),
        "three_public": base(facts.three_public.total.change),
        "operating_costs": None if isinstance(operating, Gap) else base(operating.change),
    }


@dataclass(frozen=True)
class FigureLine:
    measure: Measure
    value: Decimal | None
    prior: Decimal | None
    prior_source: str  # 填报的上年数, or 2023 年度公开版本; "" when there is none
    against_prior: Change | None
    reported: Decimal | None = None  # in the version last reported
    against_reported: Change | None = None

    @property
    def value_text(self) -> str:
        return text(self.value)

    @property
    def prior_text(self) -> str:
        return text(self.prior)

    @property
    def prior_change_text(self) -> str:
        return change_text(self.against_prior)

    @property
    def prior_rate_text(self) -> str:
        return rate_text(self.against_prior)

    @property
    def reported_text(self) -> str:
        return text(self.reported)

    @property
    def reported_change_text(self) -> str:
        return change_text(self.against_reported)


def figure_lines(current: Figures, own_prior: Figures, last_year: Figures | None,
                 last_year_label: str, reported: Figures | None = None) -> list[FigureLine]:
    """One line per key figure: this version's, the 上年数 (the filing's own, else last year's
    published figure) and the changes, and the version last reported's when given."""
    lines = []
    for m in KEY_MEASURES:
        value = current.get(m.key)
        prior, source = own_prior.get(m.key), "填报的上年数"
        if prior is None and last_year is not None and last_year.get(m.key) is not None:
            prior, source = last_year[m.key], last_year_label
        before = reported.get(m.key) if reported is not None else None
        lines.append(FigureLine(m, value, prior, source if prior is not None else "",
                                change(value, prior), before, change(value, before)))
    return lines


@lru_cache(maxsize=1024)
def _figures(digest: str, content: str) -> tuple[dict[str, Decimal | None],
                                                  dict[str, Decimal | None]]:
    filing = services._filing(digest, content)
    printed = build_tables(filing).rounded(2)
    facts = gather_facts(filing, printed)
    return key_figures(filing, printed, facts), prior_year_figures(facts)


def figures_of(version: FilingVersion) -> dict[str, Decimal | None]:
    """The version's key figures (万元, two decimals; ``None``: not given)."""
    return _figures(version.digest, version.content)[0]


def prior_of(version: FilingVersion) -> dict[str, Decimal | None]:
    """The version's own 上年决算数 of the key figures."""
    return _figures(version.digest, version.content)[1]


@dataclass(frozen=True)
class LastReport:
    """The version of the last 上报 before the current version, and what changed since."""

    step: WorkflowStep
    version: FilingVersion
    changes: int  # fields changed from it to the current version
    same: bool  # the same content (restored, or saved back)


def last_report(record: FilingRecord, current: FilingVersion) -> LastReport | None:
    step = (record.steps.filter(action=Action.SUBMIT.value, version__number__lt=current.number)
            .select_related("version").order_by("-at", "-pk").first())
    if step is None:
        return None
    old = step.version
    if old.digest == current.digest:
        return LastReport(step, old, 0, True)
    changes = diff(services.version_data(old), services.version_data(current))
    return LastReport(step, old, len(changes), False)


def last_year_figures(record: FilingRecord) -> dict[str, Decimal | None] | None:
    """The key figures the unit published for the year before, if it did."""
    earlier = (FilingRecord.objects.filter(unit_id=record.unit_id, year=record.year - 1,
                                           published__isnull=False)
               .select_related("published").first())
    return figures_of(earlier.published) if earlier and earlier.published else None


def review_figures(record: FilingRecord, version: FilingVersion,
                   last: LastReport | None) -> list[FigureLine]:
    current = figures_of(version)
    own = prior_of(version)
    # Last year's disclosure only where the filing lacks a 上年数 (one query, then cached).
    last_year = last_year_figures(record) if any(
        own.get(m.key) is None for m in KEY_MEASURES) else None
    reported = figures_of(last.version) if last is not None and not last.same else None
    return figure_lines(current, own, last_year, f"{record.year - 1} 年度公开版本", reported)


# --- deadlines -----------------------------------------------------------------------------------


def not_reported(record: FilingRecord | None) -> bool:
    """No filing, or one the unit has not reported (草稿, 退回). A revision of a published
    filing is not late: the unit reported that year."""
    if record is None:
        return True
    return record.state in (State.DRAFT, State.RETURNED) and record.published_id is None


def deadline_text(due: datetime.date, today: datetime.date, pending: bool) -> str:
    """上报截止：2025-03-31，还有 5 天 / 今天截止 / 已逾期 2 天 (the days only while the unit has
    not reported)."""
    head = f"上报截止：{due:%Y-%m-%d}"
    if not pending:
        return head
    days = (due - today).days
    if days > 0:
        return f"{head}，还有 {days} 天"
    if days == 0:
        return f"{head}，今天截止"
    return f"{head}，已逾期 {-days} 天"


def deadlines_for(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Deadline]:
    """The deadlines of (region id, year) pairs, in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    q = Q(pk__in=[])
    for region, year in pairs:
        q |= Q(region_id=region, year=year)
    return {(d.region_id, d.year): d for d in Deadline.objects.filter(q)}


def unfiled_deadlines(grants: tuple[Grant, ...], records: Iterable[FilingRecord],
                      now: datetime.date) -> list[tuple[Unit, Deadline, str]]:
    """For a unit editor: the deadlines of this year and the last of the editor's units that
    have no filing for that year yet (the filing nobody has opened is the one most late)."""
    units = list(Unit.objects.filter(pk__in=[g.unit for g in grants if g.role is Role.UNIT_EDITOR])
                 .select_related("department__region"))
    if not units:
        return []
    filed = {(r.unit_id, r.year) for r in records}
    deadlines = Deadline.objects.filter(
        region_id__in={u.department.region_id for u in units}, year__gte=now.year - 1)
    return [(unit, d, deadline_text(d.due, now, True))
            for d in deadlines.order_by("-year") for unit in units
            if unit.department.region_id == d.region_id and (unit.pk, d.year) not in filed]


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


# --- the region overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A region the user reviews: all its departments, or only some (a department reviewer)."""

    region: Region
    departments: frozenset[int] | None  # None: every department

    def covers(self, department: int) -> bool:
        return self.departments is None or department in self.departments


def scopes(grants: tuple[Grant, ...]) -> list[Scope]:
    """Every region the user may review, by region code."""
    if any(g.role is Role.ADMIN for g in grants):
        return [Scope(r, None) for r in Region.objects.all()]
    whole = {g.region for g in grants if g.role is Role.FINANCE_REVIEWER and g.region}
    parts: dict[int, set[int]] = {}
    chosen = [g.department for g in grants if g.role is Role.DEPARTMENT_REVIEWER and g.department]
    for pk, region in Department.objects.filter(pk__in=chosen).values_list("pk", "region_id"):
        parts.setdefault(region, set()).add(pk)
    regions = Region.objects.filter(pk__in=whole | set(parts))
    return [Scope(r, None if r.pk in whole else frozenset(parts[r.pk])) for r in regions]


def scope_of(grants: tuple[Grant, ...], code: str) -> Scope | None:
    return next((s for s in scopes(grants) if s.region.code == code), None)


def years_of(scope: Scope) -> list[int]:
    """The years with a filing or a deadline in the region, and the year just ended."""
    years = set(FilingRecord.objects.filter(unit__department__region=scope.region)
                .values_list("year", flat=True).distinct())
    years |= set(Deadline.objects.filter(region=scope.region).values_list("year", flat=True))
    years.add(today().year - 1)
    return sorted(years, reverse=True)


# What 审核通过 / 退回 / 公开 on the overview is for a filing in each state.
BATCH_LABELS = {"approve": "审核通过", "return": "退回", "publish": "公开"}
BATCH_ACTIONS: dict[str, dict[State, Action]] = {
    "approve": {State.SUBMITTED: Action.DEPARTMENT_APPROVE,
                State.DEPARTMENT_APPROVED: Action.FINANCE_APPROVE},
    "return": {State.SUBMITTED: Action.DEPARTMENT_RETURN,
               State.DEPARTMENT_APPROVED: Action.FINANCE_RETURN,
               State.APPROVED: Action.FINANCE_RETURN},
    "publish": {State.APPROVED: Action.PUBLISH},
}


@dataclass
class UnitRow:
    unit: Unit
    record: FilingRecord | None
    visible: bool = False  # the user may open the filing
    counts: dict[str, int] | None = None
    figures: Figures | None = None
    pending: bool = True  # not reported yet
    late: bool = False
    batch: list[str] = field(default_factory=list)  # batch kinds the user may take now

    @property
    def state_label(self) -> str:
        return "未新建" if self.record is None else self.record.state_label

    @property
    def state(self) -> str:
        return "none" if self.record is None else self.record.state

    def figure(self, key: str) -> str:
        return text(self.figures.get(key)) if self.figures is not None else NONE

    @property
    def income_text(self) -> str:
        return self.figure("income_total")

    @property
    def expenditure_text(self) -> str:
        return self.figure("expenditure_total")


@dataclass(frozen=True)
class Total:
    measure: Measure
    amount: Decimal | None  # None when no unit has the figure
    units: int  # how many units' figures are summed

    @property
    def amount_text(self) -> str:
        return text(self.amount)


Summary = tuple[dict[str, int], dict[str, Decimal | None]]


def _work_out(version: FilingVersion) -> Summary:
    return finding_items.counts(services.items_of(version)), figures_of(version)


def summary(version: FilingVersion) -> Summary:
    """A version's findings counted by severity and its key figures."""
    return summaries([version])[version.pk]


def summaries(versions: Iterable[FilingVersion]) -> dict[int, Summary]:
    """The summaries of ``versions`` by version id: those kept (:class:`VersionSummary`, counted
    by this juesuan's checks) in one query; the others worked out now and kept."""
    wanted = {v.pk: v for v in versions}
    stamp = juesuan.__version__
    out: dict[int, Summary] = {}
    for pk, counts, figures in VersionSummary.objects.filter(
            version_id__in=list(wanted), stamp=stamp).values_list("version_id", "counts", "figures"):
        out[pk] = (counts, {k: None if v is None else Decimal(v) for k, v in figures.items()})
    for pk, version in wanted.items():
        if pk in out:
            continue
        out[pk] = counts, figures = _work_out(version)
        # Another request may have kept it meanwhile: the same numbers either way.
        VersionSummary.objects.update_or_create(version_id=pk, defaults={
            "stamp": stamp, "counts": counts,
            "figures": {k: None if v is None else str(v) for k, v in figures.items()}})
    return out


def summary_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The ``summarise`` job (queued by every workflow step): the version's summary worked out
    and kept before a reviewer opens the region overview."""
    version = FilingVersion.objects.filter(pk=job.params.get("version")).first()
    if version is None:
        return {}
    counts, _ = summaries([version])[version.pk]
    return {"version": version.pk, "counts": counts}


def counted_in_totals(rows: list[UnitRow]) -> list[UnitRow]:
    """The units whose figures the region's totals add up: reported filings only, and a
    department's 部门汇总 unit instead of its units (its 部门决算 includes theirs)."""
    consolidated = {r.unit.department_id for r in rows if r.unit.consolidated}
    return [r for r in rows if r.figures is not None and r.record is not None
            and r.record.state != State.DRAFT
            and (r.unit.consolidated or r.unit.department_id not in consolidated)]


def totals(rows: list[UnitRow]) -> list[Total]:
    counted = counted_in_totals(rows)
    out = []
    for m in KEY_MEASURES:
        values = [v for r in counted if r.figures is not None
                  and (v := r.figures.get(m.key)) is not None]
        out.append(Total(m, sum(values, Decimal("0.00")) if values else None, len(values)))
    return out


def region_rows(scope: Scope, year: int, grants: tuple[Grant, ...],
                due: datetime.date | None) -> list[UnitRow]:
    """Every unit of the scope (with or without a filing for the year), in code order."""
    units = (Unit.objects.filter(department__region=scope.region)
             .select_related("department__region"))
    if scope.departments is not None:
        units = units.filter(department_id__in=scope.departments)
    records = {r.unit_id: r for r in FilingRecord.objects.filter(
        unit__department__region=scope.region, year=year).select_related("current")
        .defer("current__content")}
    now = today()
    rows, shown = [], []
    for unit in units.order_by("department__code", "code"):
        record = records.get(unit.pk)
        row = UnitRow(unit, record, pending=not_reported(record))
        row.late = due is not None and row.pending and now > due
        if record is not None:
            state, place = State(record.state), unit.place
            row.visible = allowed(grants, place, Permission.VIEW, state)
            if row.visible and record.current is not None:
                shown.append(row)
            row.batch = [kind for kind, by_state in BATCH_ACTIONS.items()
                         if state in by_state and allowed(grants, place, by_state[state], state)]
        rows.append(row)
    found = summaries(row.record.current for row in shown if row.record and row.record.current)
    for row in shown:
        assert row.record is not None and row.record.current is not None
        row.counts, row.figures = found[row.record.current.pk]
    return rows


def by_department(rows: list[UnitRow]) -> list[tuple[Department, list[UnitRow]]]:
    out: dict[int, tuple[Department, list[UnitRow]]] = {}
    for row in rows:
        out.setdefault(row.unit.department_id, (row.unit.department, []))[1].append(row)
    return list(out.values())


# --- batch steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    unit: str
    record: FilingRecord | None
    done: bool
    message: str
    forbidden: bool = False  # refused for want of the right, not for the filing's state


def take_batch(request: HttpRequest, scope: Scope, year: int, kind: str, pks: list[int],
               seen: Mapping[int, int], comment: str) -> list[Outcome]:
    """Take ``kind`` (审核通过, 退回 or 公开) on each chosen filing of the scope, each through
    :func:`services.transition` in its own transaction: its permission, its checks
    (:func:`services.refusal`) and the version the user was shown hold for each; one refused
    leaves the others done."""
    from juesuan.web.orgs.models import grants_of

    grants = grants_of(request.user)
    label = BATCH_LABELS[kind]
    found = {r.pk: r for r in FilingRecord.objects.filter(
        pk__in=pks, year=year, unit__department__region=scope.region)
        .select_related("unit__department__region", "current")}
    outcomes = []
    for pk in pks:
        record = found.get(pk)
        if record is None or not scope.covers(record.unit.department_id) or not allowed(
                grants, record.unit.place, Permission.VIEW, State(record.state)):
            outcomes.append(Outcome(f"第 {pk} 号填报", None, False, "没有这份填报", True))
            continue
        state, place = State(record.state), record.unit.place
        action = BATCH_ACTIONS[kind].get(state)
        if action is None:
            outcomes.append(Outcome(record.unit.name, record, False,
                                    f"当前状态为{state.label}，不能{label}"))
            continue
        if not allowed(grants, place, action, state):
            need = ROLE_LABELS[TRANSITIONS[action].role]
            outcomes.append(Outcome(record.unit.name, record, False,
                                    f"{TRANSITIONS[action].label}须由{need}人员进行，您没有权限",
                                    True))
            continue
        try:
            services.transition(record, action, request.user, comment=comment, request=request,
                                seen=seen.get(pk))
        except WorkflowError as exc:
            outcomes.append(Outcome(record.unit.name, record, False, str(exc)))
        else:
            outcomes.append(Outcome(record.unit.name, record, True,
                                    f"已{TRANSITIONS[action].label}"))
    return outcomes


def chosen(post: Any) -> tuple[list[int], dict[int, int]]:
    """The filings ticked on the overview (in order, once each) and the version of each the
    page showed; anything that is not a number is left out."""
    pks: list[int] = []
    for value in post.getlist("records"):
        value = str(value)
        if value.isascii() and value.isdecimal() and len(value) <= 12:
            pks.append(int(value))
    pks = list(dict.fromkeys(pks))
    seen = {}
    for pk in pks:
        number = str(post.get(f"v{pk}", ""))
        if number.isascii() and number.isdecimal() and len(number) <= 9:
            seen[pk] = int(number)
    return pks, seen
