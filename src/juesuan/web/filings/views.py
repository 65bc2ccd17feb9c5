"""Pages of the working area: my filings, a filing's overview, workflow steps, versions, log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from juesuan.rules.finding import Severity
from juesuan.web.access import Permission, allowed
from juesuan.web.diff import diff
from juesuan.web.downloads import disposition
from juesuan.web.filings import services
from juesuan.web.filings.access import record_for, visible_records
from juesuan.web.filings.models import FilingRecord, FilingVersion
from juesuan.web.orgs.models import grants_of
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
    return render(request, "desk/workspace.html", {
        "records": shown,
        "waiting": waiting,
        "states": list(State),
        "years": sorted({r.year for r in records}, reverse=True),
        "state_filter": state_filter,
        "year_filter": year_filter,
        "can_create": any(g.role in (Role.UNIT_EDITOR, Role.ADMIN) for g in grants),
    })


FINDINGS_PAGE = 200  # findings listed on one page of the overview


def _summary(findings: list[Any]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for(request, pk)
    grants = grants_of(request.user)
    place = record.unit.place
    state = State(record.state)
    version = record.current
    findings = services.findings_of(version) if version else []
    actions = [TRANSITIONS[a] for a in actions_from(state) if allowed(grants, place, a, state)]
    filing = services.filing_of(version) if version else None
    # A filing of 20,000 rows can have 20,000 findings: the page lists them in pages, errors first.
    ordered = sorted(findings, key=lambda f: f.severity.rank)
    pages = max(1, -(-len(ordered) // FINDINGS_PAGE))
    try:
        page = min(max(int(request.GET.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    return render(request, "desk/overview.html", {
        "record": record,
        "version": version,
        "filing": filing,
        "scheme_problem": services.scheme_problem(filing) if filing is not None else None,
        "findings": ordered[(page - 1) * FINDINGS_PAGE:page * FINDINGS_PAGE],
        "findings_page": page,
        "findings_pages": pages,
        "findings_previous": page - 1 if page > 1 else None,
        "findings_next": page + 1 if page < pages else None,
        "counts": _summary(findings),
        "actions": actions,
        "steps": record.steps.select_related("actor", "version").all(),
        "can_edit": allowed(grants, place, Permission.EDIT, state),
        "formats": [f for f in DOWNLOAD_TYPES if f != "review"],
    })


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take a workflow step; the comment goes with it."""
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
    comment = request.POST.get("comment", "")[:5000]
    if step is Action.SUBMIT and record.current:
        errors = [f for f in services.findings_of(record.current) if f.severity is Severity.ERROR]
        if errors and not comment.strip():
            messages.error(request, f"检查发现 {len(errors)} 条错误。请改正后上报，或在意见中逐条说明出错原因后再上报。")
            return redirect("filing", pk=pk)
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
    return render(request, "desk/versions.html", {
        "record": record,
        "versions": record.versions.select_related("author").all(),
    })


def _version(record: FilingRecord, number: int) -> FilingVersion:
    try:
        return record.versions.select_related("author").get(number=number)
    except FilingVersion.DoesNotExist:
        raise Http404("没有这个版本") from None


@login_required
def version_diff(request: HttpRequest, pk: int, a: int, b: int) -> HttpResponse:
    record = record_for(request, pk, Permission.HISTORY)
    old, new = _version(record, a), _version(record, b)
    changes = diff(services.version_data(old), services.version_data(new))
    return render(request, "desk/diff.html", {"record": record, "old": old, "new": new, "changes": changes})


@login_required
def audit_log(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for(request, pk, Permission.HISTORY)
    return render(request, "desk/log.html", {
        "record": record, "events": record.events.select_related("actor").all()[:500]})


@login_required
def download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    """A working version's document (login and view permission required)."""
    record = record_for(request, pk)
    if fmt not in DOWNLOAD_TYPES and fmt != "yaml":
        raise Http404("不支持的格式")
    version = _version(record, number)
    stem = f"{record.unit.code}-{record.year}-v{version.number}" + ("-审核意见" if fmt == "review" else "")
    if fmt == "yaml":
        from juesuan.web.filings.exports import filing_yaml

        data = filing_yaml(services.filing_of(version)).encode("utf-8")
        content_type = "application/yaml; charset=utf-8"
    else:
        data = services.rendered(version, fmt)
        content_type = DOWNLOAD_TYPES[fmt]
    response = HttpResponse(data, content_type=content_type)
    if fmt not in ("html", "review"):
        response["Content-Disposition"] = disposition(f"{stem}.{fmt}", f"{stem}.{fmt}")
    else:
        # A working version is not yet reviewed: its document runs in a sandbox (an origin of
        # its own), so nothing in it could act with the reviewer's session.
        response.headers["Content-Security-Policy"] = DOCUMENT_POLICY + "; sandbox allow-scripts allow-popups"
    services.log(request, "download", record, version=version.number, format=fmt)
    return response


# Generated disclosure HTML inlines its script (ECharts) and styles: allow those, nothing remote.
DOCUMENT_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                   "script-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")

