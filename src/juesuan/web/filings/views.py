"""Pages of the working area: my filings, a filing's overview, workflow steps, versions, log."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from juesuan.web.access import Permission, allowed
from juesuan.web.diff import diff
from juesuan.web.downloads import disposition
from juesuan.web.filings import findings as finding_items
from juesuan.web.filings import review, services
from juesuan.web.filings.access import record_for, visible_records
from juesuan.web.filings.models import FilingRecord, FilingVersion
from juesuan.web.jobs.models import Job
from juesuan.web.orgs.models import Deadline, grants_of
from juesuan.web.workflow import (
    TRANSITIONS,
    Action,
    Role,
    State,
    WorkflowError,
    actions_from,
    next_state,
)

DOWNLOAD_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "review": "text/html; charset=utf-8",  # 审核意见: only here, behind login, never on the portal
}


def _review_role(state: State) -> Role | None:
    return {State.SUBMITTED: Role.DEPARTMENT_REVIEWER, State.DEPARTMENT_APPROVED: Role.FINANCE_REVIEWER,
            State.APPROVED: Role.FINANCE_REVIEWER}.get(state)


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """我的工作台: the filings the user may see, and those waiting for the user's review."""
    records = list(visible_records(request))
    grants = grants_of(request.user)
    state_filter = request.GET.get("state", "")
    year_filter = request.GET.get("year", "")
    waiting = [r for r in records
               if any(allowed(grants, r.unit.place, a, State(r.state)) for a in actions_from(State(r.state))
                      if TRANSITIONS[a].role is not Role.UNIT_EDITOR)]
    shown = [r for r in records if (not state_filter or r.state == state_filter)
             and (not year_filter or str(r.year) == year_filter)]
    # 上报截止 of each listed filing, in one query; the days only while it is not reported.
    due = review.deadlines_for((r.unit.department.region_id, r.year) for r in shown)
    today = review.today()
    rows = []
    for r in shown:
        deadline = due.get((r.unit.department.region_id, r.year))
        pending = review.not_reported(r)
        rows.append((r, review.deadline_text(deadline.due, today, pending) if deadline else "",
                     bool(deadline and pending and today > deadline.due)))
    return render(request, "desk/workspace.html", {
        "records": shown,
        "rows": rows,
        "unfiled_deadlines": review.unfiled_deadlines(grants, records, today),
        "review_scopes": review.scopes(grants),
        "waiting": waiting,
        "states": list(State),
        "years": sorted({r.year for r in records}, reverse=True),
        "state_filter": state_filter,
        "year_filter": year_filter,
        "can_create": any(g.role in (Role.UNIT_EDITOR, Role.ADMIN) for g in grants),
    })


FINDINGS_PAGE = 200  # findings listed on one page of the overview


def _actions(record: FilingRecord, grants: Any) -> list[Any]:
    """The steps the user may take now (放弃修订 only on a filing that was published)."""
    place, state = record.unit.place, State(record.state)
    return [TRANSITIONS[a] for a in actions_from(state) if allowed(grants, place, a, state)
            and (a is not Action.ABANDON or record.published_id is not None)]


def latest_return(record: FilingRecord) -> Any:
    """The last 退回 with its comment, while the filing is 退回 (the filer works on it)."""
    if record.state != State.RETURNED:
        return None
    returns = [Action.DEPARTMENT_RETURN.value, Action.FINANCE_RETURN.value]
    return (record.steps.filter(action__in=returns).select_related("actor")
            .order_by("-at", "-pk").first())


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for(request, pk)
    grants = grants_of(request.user)
    place = record.unit.place
    state = State(record.state)
    version = record.current
    items = services.items_of(version) if version else []
    notes = services.notes_of(record)
    filing = services.filing_of(version) if version else None
    # Filters: by severity (错误、待填写、警告、提示) and by group (表3 支出决算表 …).
    severity = str(request.GET.get("severity", ""))
    group = str(request.GET.get("group", ""))
    shown = [i for i in items if (not severity or i.severity == severity)
             and (not group or i.group == group)]
    # A filing of 20,000 rows can have 20,000 findings: the page lists them in pages, errors first.
    pages = max(1, -(-len(shown) // FINDINGS_PAGE))
    try:
        page = min(max(int(request.GET.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    listed = shown[(page - 1) * FINDINGS_PAGE:page * FINDINGS_PAGE]
    query = urlencode({k: v for k, v in (("severity", severity), ("group", group)) if v})
    last = review.last_report(record, version) if version else None
    deadline = review.deadlines_for([(place.region, record.year)]).get((place.region, record.year))
    return render(request, "desk/overview.html", {
        "figures": review.review_figures(record, version, last) if version else [],
        "last_report": last,
        "deadline_text": review.deadline_text(deadline.due, review.today(),
                                              review.not_reported(record)) if deadline else "",
        "deadline_note": deadline.note if deadline else "",
        "record": record,
        "version": version,
        "filing": filing,
        "scheme_problem": services.scheme_problem(filing) if filing is not None else None,
        "groups": [(g, [(i, notes.get(i.key, "")) for i in group_items])
                   for g, group_items in finding_items.groups(listed)],
        "all_groups": [g for g, _ in finding_items.groups(items)],
        "severities": [(s, finding_items.SEVERITY_LABELS[s]) for s in finding_items.SEVERITY_ORDER],
        "severity_filter": severity,
        "group_filter": group,
        "filter_query": query,
        "shown_count": len(shown),
        "findings_page": page,
        "findings_pages": pages,
        "findings_previous": page - 1 if page > 1 else None,
        "findings_next": page + 1 if page < pages else None,
        "counts": finding_items.counts(items),
        "unexplained": len(finding_items.unexplained(items, notes)),
        "actions": _actions(record, grants),
        "returned": latest_return(record),
        "steps": record.steps.select_related("actor", "version").all(),
        "can_edit": allowed(grants, place, Permission.EDIT, state),
        "formats": [f for f in DOWNLOAD_TYPES if f != "review"],
    })


@login_required
@require_POST
def explain(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the 出错说明 of one finding (or remove it, with an empty text)."""
    record = record_for(request, pk, Permission.EDIT)
    key = str(request.POST.get("key", ""))[:400]
    text = str(request.POST.get("text", ""))
    try:
        services.explain(record, key, text, request.user, request=request)
    except (services.NotEditable, WorkflowError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存出错说明。" if text.strip() else "已删除出错说明。")
    back = str(request.POST.get("back", ""))[:500]
    query = urlencode({k: v for k, v in parse_qsl(back) if k in ("severity", "group", "page")})
    return redirect(reverse("filing", args=[pk]) + (f"?{query}" if query else ""))


# Steps that change what the public or the reviewers see: asked for again on a page of their
# own that says what will happen.
CONFIRMED = (Action.SUBMIT, Action.PUBLISH, Action.ABANDON)


def _confirmation(request: HttpRequest, record: FilingRecord, step: Action,
                  comment: str = "") -> HttpResponse:
    version = record.current
    items = services.items_of(version) if version else []
    notes = services.notes_of(record)
    left = (finding_items.unexplained(items, notes) if step is Action.SUBMIT
            else finding_items.blocking(items) if step is Action.PUBLISH else [])
    return render(request, "desk/confirm.html", {
        "record": record,
        "version": version,
        "transition": TRANSITIONS[step],
        "step": step.value,
        "counts": finding_items.counts(items),
        "explained": sum(1 for i in items if i.blocking and notes.get(i.key, "").strip()),
        "refused": services.refusal(step, items, notes),
        "left": left[:50],
        "left_count": len(left),
        "comment": comment,
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take a workflow step; the comment goes with it. 上报, 公开 and 放弃修订 are first shown on
    a page that says what will happen (a GET, or a POST without ``confirm``)."""
    try:
        step = Action(action)
    except ValueError:
        raise Http404("没有这个操作") from None
    record = record_for(request, pk)
    grants, place, state = grants_of(request.user), record.unit.place, State(record.state)
    if not allowed(grants, place, step):
        raise PermissionDenied("您没有权限进行此操作")
    if not allowed(grants, place, step, state):  # e.g. a second click: say what happened, not "no permission"
        try:
            next_state(state, step, comment="-")
        except WorkflowError as exc:
            raise PermissionDenied(f"{exc}。可能刚由您或他人处理过，请回到此填报的概览页查看当前状态。") from None
    if step is Action.ABANDON and record.published_id is None:
        raise PermissionDenied("此填报还没有公开过，没有可放弃的修订")
    if request.method != "POST" or (step in CONFIRMED and request.POST.get("confirm") != "1"):
        return _confirmation(request, record, step, str(request.POST.get("comment", ""))[:5000])
    comment = request.POST.get("comment", "")[:5000]
    posted = str(request.POST.get("version", ""))
    # The step is taken on the version the user was shown; without it, on the one checked above
    # (a version saved meanwhile makes the step refused, not taken on unseen content).
    seen = int(posted) if posted.isdecimal() and len(posted) <= 9 else (
        record.current.number if record.current else None)
    try:
        services.transition(record, step, request.user, comment=comment, request=request, seen=seen)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{TRANSITIONS[step].label}。")
    return redirect("filing", pk=pk)


@login_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for(request, pk, Permission.HISTORY)
    a, b = str(request.GET.get("a", "")), str(request.GET.get("b", ""))
    if all(n.isdecimal() and len(n) <= 9 for n in (a, b)):  # 比较任意两版
        return redirect("filing-diff", pk=pk, a=int(a), b=int(b))
    place, state = record.unit.place, State(record.state)
    return render(request, "desk/versions.html", {
        "record": record,
        "versions": record.versions.select_related("author").all(),
        "can_restore": allowed(grants_of(request.user), place, Permission.EDIT, state),
    })


@login_required
@require_POST
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Save an earlier version's content as the newest version."""
    record = record_for(request, pk, Permission.EDIT)
    posted = str(request.POST.get("version", ""))
    base = int(posted) if posted.isdecimal() and len(posted) <= 9 else None
    try:
        version, created = services.restore(record, number, request.user, base=base,
                                            request=request)
    except FilingVersion.DoesNotExist:
        raise Http404("没有这个版本") from None
    except (services.EditConflict, services.NotEditable) as exc:
        messages.error(request, str(exc))
        return redirect("filing-versions", pk=pk)
    if created:
        messages.success(request, f"已将第 {number} 版的内容恢复为第 {version.number} 版。")
    else:
        messages.info(request, f"第 {number} 版与当前版本内容相同，未保存新版本。")
    return redirect("filing", pk=pk)


def _version(record: FilingRecord, number: int) -> FilingVersion:
    try:
        return record.versions.select_related("author").get(number=number)
    except FilingVersion.DoesNotExist:
        raise Http404("没有这个版本") from None


@login_required
def version_diff(request: HttpRequest, pk: int, a: int, b: int) -> HttpResponse:
    from juesuan.web.filings.words import described

    record = record_for(request, pk, Permission.HISTORY)
    old, new = _version(record, a), _version(record, b)
    # In words (支出 › 2010608 … › 项目支出); the path stays on the page for support.
    changes = described(diff(services.version_data(old), services.version_data(new)), record.year)
    return render(request, "desk/diff.html", {"record": record, "old": old, "new": new, "changes": changes})


@login_required
def audit_log(request: HttpRequest, pk: int) -> HttpResponse:
    from juesuan.web.events import action_label, describe_detail

    record = record_for(request, pk, Permission.HISTORY)
    sources = dict(FilingVersion.SOURCES)
    events = [{"at": e.at, "actor": e.actor, "ip": e.ip, "action": e.action,
               "label": action_label(e.action),
               "detail": describe_detail(e.action, e.detail, sources=sources)}
              for e in record.events.select_related("actor").all()[:500]]
    return render(request, "desk/log.html", {"record": record, "events": events})


@login_required
def download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """A working version's document (login and view permission required)."""
    record = record_for(request, pk)
    if fmt not in DOWNLOAD_TYPES and fmt != "yaml":
        raise Http404("不支持的格式")
    version = _version(record, number)
    # The file's name in the words of the trade; an ASCII one for clients without RFC 5987.
    name = f"{record.unit.name}{record.year}年度部门决算（第{version.number}版）"
    name += {"review": "审核意见", "yaml": "填报文件"}.get(fmt, "")
    stem = f"{record.unit.code}-{record.year}-v{version.number}" + ("-review" if fmt == "review" else "")
    if fmt == "yaml":
        from juesuan.web.filings.exports import filing_yaml

        data = filing_yaml(services.filing_of(version)).encode("utf-8")
        content_type = "application/yaml; charset=utf-8"
    else:
        if services.cached_render(version, fmt) is None:
            # Rendered off the request: the job's page shows progress and comes back here.
            job = services.render_later(version, fmt, owner=request.user, next_url=request.get_full_path())
            if job.state != Job.DONE:
                return redirect("job", job.pk)
        data = services.rendered(version, fmt)
        content_type = DOWNLOAD_TYPES[fmt]
    response = HttpResponse(data, content_type=content_type)
    if fmt not in ("html", "review"):
        response["Content-Disposition"] = disposition(f"{name}.{fmt}", f"{stem}.{fmt}")
    else:
        # A working version is not yet reviewed: its document runs in a sandbox (an origin of
        # its own), so nothing in it could act with the reviewer's session.
        response.headers["Content-Security-Policy"] = DOCUMENT_POLICY + "; sandbox allow-scripts allow-popups"
    services.log(request, "download", record, version=version.number, format=fmt)
    return response


# Generated disclosure HTML inlines its script (ECharts) and styles: allow those, nothing remote.
DOCUMENT_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                   "script-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


# --- the region overview: every unit of a region, for the finance bureau -----------------------


def _scope(request: HttpRequest, code: str, year: int) -> review.Scope:
    """The user's scope in the region: 404 for a region the user does not review (or none)."""
    scope = review.scope_of(grants_of(request.user), code)
    if scope is None or not 2000 <= year <= 2100:
        raise Http404("没有这个区划的汇总审核页面")
    return scope


@login_required
def regions(request: HttpRequest) -> HttpResponse:
    """汇总审核: the regions and years the user reviews."""
    found = review.scopes(grants_of(request.user))
    if not found:
        raise PermissionDenied("汇总审核供部门审核、财政审核人员使用，您没有审核权限")
    return render(request, "desk/regions.html", {
        "scopes": [(s, review.years_of(s)) for s in found],
    })


REGION_FILTERS = {"unfiled": "未上报", "late": "逾期未上报"}


@login_required
def region_overview(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Every unit of the region (those without a filing too) by department: state, 上报截止,
    findings counted, key figures and their totals; batch 审核通过 / 退回 / 公开."""
    scope = _scope(request, code, year)
    grants = grants_of(request.user)
    deadline = Deadline.objects.filter(region=scope.region, year=year).first()
    rows = review.region_rows(scope, year, grants, deadline.due if deadline else None)
    show = str(request.GET.get("show", ""))
    show = show if show in REGION_FILTERS else ""
    listed = [r for r in rows if not show or (r.pending if show == "unfiled" else r.late)]
    totals = review.totals(rows)
    return render(request, "desk/region.html", {
        "scope": scope,
        "region": scope.region,
        "year": year,
        "deadline": deadline,
        "deadline_text": review.deadline_text(deadline.due, review.today(), True)
        if deadline else "",
        "departments": review.by_department(listed),
        "unit_count": len(rows),
        "listed_count": len(listed),
        "pending_count": sum(1 for r in rows if r.pending),
        "late_count": sum(1 for r in rows if r.late),
        "show": show,
        "filters": [(k, v) for k, v in REGION_FILTERS.items() if deadline or k != "late"],
        "totals": totals,
        "totals_units": len(review.counted_in_totals(rows)),
        "batch": [(kind, label) for kind, label in review.BATCH_LABELS.items()
                  if any(kind in r.batch for r in rows)],
        "can_batch": any(r.batch for r in listed),
    })


@login_required
@require_POST
def region_deadline(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """上报截止日期 of the region's year, set (or cleared, with an empty date) by whoever reviews
    the whole region: the finance bureau. A department reviewer sees it but may not change it."""
    scope = _scope(request, code, year)
    back = reverse("region-overview", args=[code, year])
    if scope.departments is not None:
        raise PermissionDenied("上报截止日期由财政审核人员设置")
    text = str(request.POST.get("due", "")).strip()
    note = str(request.POST.get("note", "")).strip()[:200]
    if not text:
        removed, _ = Deadline.objects.filter(region=scope.region, year=year).delete()
        if removed:
            services.log(request, "deadline", region=scope.region.code, year=year, due="")
            messages.success(request, f"已取消 {year} 年度上报截止日期。")
        return redirect(back)
    try:
        due = date.fromisoformat(text)
    except ValueError:
        messages.error(request, f"上报截止日期“{text[:20]}”不是日期，应写作 2026-03-31 这样的年-月-日。")
        return redirect(back)
    if not year < due.year <= year + 2:
        messages.error(request, f"{year} 年度决算的上报截止日期应在 {year + 1} 年或 {year + 2} 年，"
                                f"“{due:%Y-%m-%d}”不在其中。")
        return redirect(back)
    Deadline.objects.update_or_create(region=scope.region, year=year, defaults={"due": due, "note": note})
    services.log(request, "deadline", region=scope.region.code, year=year, due=due.isoformat(), note=note)
    messages.success(request, f"已将 {year} 年度上报截止日期设为 {due.year} 年 {due.month} 月 {due.day} 日。")
    return redirect(back)


@login_required
@require_POST
def region_batch(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Batch 审核通过 / 退回 / 公开 of the ticked filings; a page lists what was done to each,
    or why not. 公开 is first asked for again (as for one filing); 退回 needs one comment."""
    scope = _scope(request, code, year)
    back = reverse("region-overview", args=[code, year])
    kind = str(request.POST.get("kind", ""))
    if kind not in review.BATCH_LABELS:
        messages.error(request, "请选择要进行的操作：审核通过、退回或公开。")
        return redirect(back)
    label = review.BATCH_LABELS[kind]
    pks, seen = review.chosen(request.POST)
    if not pks:
        messages.error(request, f"请先勾选要{label}的单位。")
        return redirect(back)
    comment = str(request.POST.get("comment", ""))[:5000]
    if kind == "return" and not comment.strip():
        messages.error(request, "退回须填写意见，说明退回原因；本次未退回任何单位。")
        return redirect(back)
    if kind == "publish" and request.POST.get("confirm") != "1":
        records = {r.pk: r for r in FilingRecord.objects.filter(
            pk__in=pks, year=year, unit__department__region=scope.region)
            .select_related("unit__department", "current")}
        grants = grants_of(request.user)
        shown = [records[pk] for pk in pks if pk in records
                 and allowed(grants, records[pk].unit.place, Permission.VIEW,
                             State(records[pk].state))]
        # The version each was shown in on the overview goes on (one saved since is refused).
        return render(request, "desk/region_confirm.html", {
            "region": scope.region, "year": year, "records": shown,
            "chosen": [(r, seen.get(r.pk, r.current.number if r.current else None))
                       for r in shown],
            "comment": comment, "kind": kind, "label": label,
        })
    outcomes = review.take_batch(request, scope, year, kind, pks, seen, comment)
    done = sum(1 for o in outcomes if o.done)
    # Nothing done and every refusal for want of the right: the request as a whole was not
    # allowed (the page still says why for each).
    status = 403 if not done and all(o.forbidden for o in outcomes) else 200
    return render(request, "desk/region_result.html", {
        "region": scope.region, "year": year, "label": label, "outcomes": outcomes,
        "done": done, "refused": len(outcomes) - done, "comment": comment,
    }, status=status)
