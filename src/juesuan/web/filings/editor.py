"""Editing a filing in the browser: a page per section, live checks, new filings and imports.

Every view checks permissions on the server (``record_for`` / ``allowed``). A form is read into
plain data by :mod:`forms_schema`, merged into the saved filing, validated by the model and
saved through :func:`services.save_version` against the version the form was opened on, so two
people editing never overwrite each other. Lists longer than :data:`paging.PAGE_SIZE` rows are
edited a page at a time (:mod:`paging`); a whole table can also be pasted at once (批量编辑,
:mod:`bulk`), previewed, then saved the same way.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from juesuan.filing.io import FilingReadError, Problem, filing_from_data, filing_to_data, parse_json
from juesuan.filing.model import Filing
from juesuan.money import format_wan, printable, round_half_up
from juesuan.web.access import Permission, allowed
from juesuan.web.diff import diff
from juesuan.web.filings import bulk, grid_data, paging, services, views
from juesuan.web.filings import findings as finding_items
from juesuan.web.filings.access import editable_units, record_for
from juesuan.web.filings.form_html import FormRenderer, Note, code_name, code_options
from juesuan.web.filings.forms_schema import (
    SECTION_BY_SLUG,
    SECTIONS,
    Parsed,
    Section,
    from_form,
    merge,
    normalise_number,
    parse_path,
    section_of,
    to_form,
)
from juesuan.web.filings.imports import (
    ALLOWED,
    KEY_TOTALS,
    KIND_LABELS,
    Reading,
    Upload,
    UploadError,
    display_name,
    empty_filing_data,
    from_last_year,
    key_totals,
    level_of_region,
    merge_tables,
    read_upload,
    web_problems,
)
from juesuan.web.filings.models import FilingRecord, FilingVersion
from juesuan.web.jobs.api import submit
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import JobError, Progress
from juesuan.web.orgs.models import Unit, grants_of
from juesuan.web.workflow import State

logger = logging.getLogger(__name__)

# Form keys that are not data (data paths never start with "_").
BASE, NOTE, ADD = "_base", "_note", "_add"
# The check panel lists at most this many findings (a 20,000-row filing can have 20,000); the
# counts are of all of them, the overview lists the rest.
PANEL_FINDINGS = 100


# --- opening a record ----------------------------------------------------------------------------


def _open(request: HttpRequest, pk: int, need: Permission) -> FilingRecord | HttpResponse:
    """The record when the user may ``need`` it now; a message and the overview when the user
    could but the state does not allow it; 404 / 403 otherwise."""
    record = record_for(request, pk)
    grants = grants_of(request.user)
    place = record.unit.place
    if allowed(grants, place, need, State(record.state)):
        return record
    if allowed(grants, place, need):
        hint = "请先在概览页“修订”。" if record.state == State.PUBLISHED else "请等待审核结果，或撤回后再修改。"
        messages.error(request, f"此填报当前为“{record.state_label}”状态，不能修改。{hint}")
        return redirect("filing", pk=pk)
    raise PermissionDenied("您没有权限修改此填报")


def _section(slug: str) -> Section:
    section = SECTION_BY_SLUG.get(slug)
    if section is None:
        raise Http404("没有这一部分")
    return section


def _values(post: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in post.items()}


def _base(post: Any) -> int | None:
    text = str(post.get(BASE, "")).strip()
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def _problem_text(problem: Problem) -> str:
    text = problem.message
    if problem.expected:
        text += f"；应为：{problem.expected}"
    if problem.found is not None:
        text += f"；实际：{problem.found}"
    return text


def _data_of(version: FilingVersion | None) -> dict[str, Any]:
    data = services.version_data(version) if version is not None else {}
    return data if isinstance(data, dict) else {}


# --- checks and scores -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    kind: str
    name: str
    rate: str
    total: str
    grade: str
    stated: str


def _scores(filing: Filing) -> tuple[list[Score], str]:
    """Scores of the self-evaluations, or why there are none."""
    from juesuan.performance.rules import check_performance
    from juesuan.performance.scoring import fmt

    if filing.performance is None:
        return [], "未填写绩效自评。"
    if not filing.performance.scheme:
        return [], "未填写评分办法（绩效自评 › 评分办法），无法计分。"
    scheme = services.scheme_of(filing)  # bundled only: never a path on the server
    if scheme is None:
        return [], services.scheme_problem(filing) or "评分办法不是内置办法，无法计分。"
    try:
        result, _ = check_performance(filing, scheme)
    except Exception:  # the panel must not take the page down with it
        logger.exception("scoring failed")
        return [], "计分时出错，请检查绩效自评的内容。"
    if result is None:
        return [], ""
    scores = [Score("部门整体" if e.kind == "department" else "项目", e.name,
                    fmt(e.execution.rate) if e.execution.rate is not None else "—", fmt(e.total), e.grade,
                    fmt(e.stated.total) if e.stated.total is not None else "—")
              for e in result.evaluations]
    return scores, f"评分办法：{scheme.title}"


def _panel(version: FilingVersion | None, filing: Filing | None, *, live: bool,
           invalid: list[str] | None = None) -> dict[str, Any]:
    items: list[finding_items.Item] = []
    scores: list[Score] = []
    scheme_note = ""
    if filing is not None:
        if live:
            items = services.live_items(filing)  # what the saved version's document will list
        elif version is not None:
            items = services.items_of(version)
        scores, scheme_note = _scores(filing)
    listed = items[:PANEL_FINDINGS]  # errors and gaps come first
    invalid = invalid or []
    return {"live": live, "version": version, "findings": items, "listed": listed,
            "unlisted": len(items) - len(listed), "counts": finding_items.counts(items),
            "scores": scores, "scheme_note": scheme_note, "invalid": invalid[:PANEL_FINDINGS],
            "invalid_count": len(invalid)}


def _notes(items: list[finding_items.Item], section: Section) -> dict[str, list[Note]]:
    """Findings about the fields of this section, by form path (saved data: indices as shown)."""
    notes: dict[str, list[Note]] = {}
    for item in items:
        if item.section == section.slug and item.field:
            notes.setdefault(item.field, []).append(Note(item.severity, item.severity_label, item.message))
    return notes


# --- the section page --------------------------------------------------------------------------------


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect("filing-edit-section", pk=pk, section=SECTIONS[0].slug)


def _validate(merged: dict[str, Any], parsed: Parsed, section: Section,
              record: FilingRecord) -> tuple[Filing | None, dict[str, list[str]], list[str]]:
    """The filing, or problems by form path (this section's) and as text (elsewhere)."""
    errors: dict[str, list[str]] = {k: list(v) for k, v in parsed.errors.items()}
    elsewhere: list[str] = []
    filing: Filing | None = None
    try:
        filing = filing_from_data(merged, "表单")
    except FilingReadError as exc:
        for problem in exc.problems:
            loc = parse_path(problem.path or "")
            owner = section_of(loc)
            if owner is section:
                errors.setdefault(parsed.form_path(loc), []).append(_problem_text(problem))
            else:
                where = f"“{owner.title}”中的 {problem.path}" if owner else (problem.path or "填报")
                elsewhere.append(f"{where}：{_problem_text(problem)}")
    if filing is not None:
        for problem in web_problems(filing):
            loc = parse_path(problem.path or "")
            if section_of(loc) is section:
                errors.setdefault(parsed.form_path(loc), []).append(_problem_text(problem))
            else:
                elsewhere.append(f"{problem.path}：{_problem_text(problem)}")
    year = merged.get("year")
    if isinstance(year, int) and year != record.year:
        message = f"决算年度应为 {record.year}（这份填报是 {record.year} 年度的，年度不能在此更改）"
        if "year" in section.fields:
            errors.setdefault("year", []).append(message)
        else:
            elsewhere.append(message)
    if errors or elsewhere:
        filing = None
    return filing, errors, elsewhere


def _page_params(request: HttpRequest) -> tuple[int, str]:
    """The page of the section's long lists and their filter: ``?page=57&q=2010``."""
    text = str(request.GET.get("page", "")).strip()
    page = int(text) if text.isdecimal() and len(text) <= 6 else 1
    return page, str(request.GET.get("q", "")).strip()[:50]


def _code_name(year: int, kind: str, code: str) -> str:
    return code_name(kind, code, year)


def _page_query(windows: dict[str, paging.Window]) -> str:
    """The query string that reopens the same page (empty for a section shown whole)."""
    if not windows:
        return ""
    win = next(iter(windows.values()))
    params: dict[str, str | int] = {"page": win.page}
    if win.query:
        params["q"] = win.query
    return "?" + urlencode(params)


def _bulk_link(record: FilingRecord, section: Section) -> dict[str, str]:
    for ref in paging.lists_of(section):
        if bulk.columns_of(ref):
            return {"bulk_url": reverse("filing-edit-bulk", args=[record.pk, section.slug]), "bulk_label": ref.label}
    return {}


def _render_section(request: HttpRequest, record: FilingRecord, section: Section, values: dict[str, str], *,
                    base: int | None, note: str = "", errors: dict[str, list[str]] | None = None,
                    elsewhere: list[str] | None = None, conflict: services.EditConflict | None = None,
                    extra_rows: dict[str, int] | None = None, windows: dict[str, paging.Window] | None = None,
                    shown: dict[str, tuple[int, ...]] | None = None, status: int = 200) -> HttpResponse:
    version = record.current
    saved = services.filing_of(version) if version is not None else None
    year = record.year
    code_url = reverse("code-lookup") + f"?year={year}"
    page_url = reverse("filing-edit-section", args=[record.pk, section.slug])
    panel = _panel(version, saved, live=False)
    windows = windows or {}
    renderer = FormRenderer(values, errors or {}, _notes(panel["findings"], section) if not errors else {},
                            year=year, code_url=code_url, extra_rows=extra_rows or {}, windows=windows,
                            shown=shown or {}, page_url=page_url)
    form_html = renderer.section(section.nodes)
    leftovers = [f"{path}：{m}" for path, ms in (errors or {}).items() if path not in renderer.used for m in ms]
    problem_count = sum(len(ms) for ms in (errors or {}).values()) + len(elsewhere or [])
    context = {
        "record": record, "version": version, "section": section, "sections": SECTIONS,
        "form_html": form_html, "base": base, "note": note, "unit": saved.unit.value if saved else "万元", "problem_count": problem_count,
        "leftovers": leftovers + list(elsewhere or []), "conflict": conflict, "can_edit": True,
        "functional_codes": code_options("functional", year, "", limit=400),
        "economic_codes": code_options("economic", year, "", limit=400),
        "page_query": _page_query(windows), "page_size": paging.PAGE_SIZE, "outside_html": mark_safe("".join(renderer.outside)),
        "windows": list(windows.values()), "max_fields": getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", None),
        **_bulk_link(record, section),
        **panel,
        # The reviewers' reason for returning it, where the filer works on it.
        "returned": views.latest_return(record),
        # The row tables' grids (grid.js): code names, 人员/公用经费 classes, 上年决算数.
        "grid": grid_data.page_data(record, section, saved, windows),
    }
    return render(request, "edit/section.html", context, status=status)


@login_required
@require_GET
def tables(request: HttpRequest, pk: int) -> HttpResponse:
    """The saved version's nine tables, read-only, for the panel beside the editor (login and
    view permission, as a download); ``?fragment=1`` gives the tables alone."""
    record = record_for(request, pk)
    version = record.current
    problem = ""
    views_: list[Any] = []
    if version is not None:
        try:
            views_ = grid_data.version_table_views(version)
        except Exception:  # the panel must not take the editor down with it
            logger.exception("tables of version %s", version.pk)
            problem = "生成决算表时出错，请到概览页查看检查结果。"
    template = "edit/_tables.html" if request.GET.get("fragment") else "edit/tables.html"
    return render(request, template, {"record": record, "version": version, "tables": views_,
                                      "problem": problem})


@login_required
def section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    chosen = _section(section)
    opened = _open(request, pk, Permission.EDIT)
    if isinstance(opened, HttpResponse):
        return opened
    record = opened
    current = _data_of(record.current)
    page, query = _page_params(request)
    windows = paging.windows(chosen, current, page, query, names=partial(_code_name, record.year))
    if request.method != "POST":
        shown = {path: win.shown for path, win in windows.items()}
        values = to_form(chosen.nodes, current, shown=shown)
        return _render_section(request, record, chosen, values, windows=windows, shown=shown,
                               base=record.current.number if record.current else None)
    values = _values(request.POST)
    base = _base(request.POST)
    note = str(request.POST.get(NOTE, ""))[:200]
    # A long list's page: the saved rows it showed (the rest of the list is kept as saved).
    shown, unreadable = paging.shown_of(chosen, values)
    again = partial(_render_section, request, record, chosen, values, base=base, note=note, windows=windows,
                    shown=shown)
    if ADD in request.POST:  # 增加一行 without scripts: the same form with one more blank row
        return again(extra_rows={str(request.POST[ADD]): 1})
    if base is None:
        return again(elsewhere=["表单缺少所依据的版本号，未保存。请重新打开编辑页面后再修改。"])
    if unreadable:
        return again(elsewhere=unreadable, status=400)
    unpaged = paging.unpaged(chosen, current, shown)
    if (shown or unpaged) and record.current is not None and record.current.number != base:
        # The page's rows are known by their place in the version it was opened on.
        conflict = services.EditConflict(record.current, base)
        return again(conflict=conflict, status=409)
    if unpaged:
        return again(elsewhere=unpaged, status=400)
    parsed = from_form(chosen.nodes, values)
    incomplete = paging.merge_pages(current, parsed, chosen, shown, values)
    if incomplete:
        return again(elsewhere=incomplete, status=400)
    merged = merge(current, chosen, parsed.data)
    filing, errors, elsewhere = _validate(merged, parsed, chosen, record)
    if filing is None:
        return again(errors=errors, elsewhere=elsewhere)
    try:
        version, created = services.save_version(record, filing, request.user, base=base, source="form",
                                                 note=note or f"编辑“{chosen.title}”", request=request)
    except services.EditConflict as exc:
        return again(conflict=exc, status=409)
    except services.NotEditable as exc:
        messages.error(request, str(exc))
        return redirect("filing", pk=pk)
    where = f"第 {next(iter(windows.values())).page} 页" if shown and windows else ""
    if created:
        messages.success(request, f"已保存“{chosen.title}”{where}，为第 {version.number} 版。")
    else:
        messages.info(request, "内容没有变化，没有保存新版本。")
    return redirect(reverse("filing-edit-section", args=[pk, chosen.slug]) + _page_query(windows))


@login_required
@require_POST
def check(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """Check the posted (unsaved) section with the rest of the saved filing; nothing is saved."""
    chosen = _section(section)
    record = record_for(request, pk)
    grants = grants_of(request.user)
    if not allowed(grants, record.unit.place, Permission.EDIT, State(record.state)):
        return HttpResponse('<p class="errors">当前不能修改此填报，检查结果以已保存的版本为准。</p>', status=403)
    values = _values(request.POST)
    shown, invalid = paging.shown_of(chosen, values)
    base = _base(request.POST)
    current = record.current
    if shown and current is not None and current.number != base:
        invalid.append(f"此填报已保存为第 {current.number} 版，本页是按第 {base} 版打开的；请重新打开本页后再修改"
                       "（现在保存会提示冲突）。")
    parsed = from_form(chosen.nodes, values)
    if not invalid:
        invalid = paging.unpaged(chosen, _data_of(current), shown)
    if not invalid:
        invalid = paging.merge_pages(_data_of(current), parsed, chosen, shown, values)
    filing: Filing | None = None
    if not invalid:
        merged = merge(_data_of(current), chosen, parsed.data)
        filing, errors, elsewhere = _validate(merged, parsed, chosen, record)
        invalid = [f"{path}：{m}" for path, ms in errors.items() for m in ms] + elsewhere
    panel = _panel(record.current, filing, live=True, invalid=invalid)
    return render(request, "edit/_checks.html", {"record": record, **panel})


# --- 批量编辑: a whole table pasted from a spreadsheet ----------------------------------------------

PREVIEW_CHANGES = 200  # changes listed in a preview (all are counted)


def _bulk_ref(section: Section) -> paging.ListRef:
    """The table of a section that can be pasted whole (404 when it has none)."""
    for ref in paging.lists_of(section):
        if bulk.columns_of(ref):
            return ref
    raise Http404("这一部分没有可批量编辑的表")


def _bulk_problems(exc: FilingReadError, ref: paging.ListRef, reading: bulk.Reading, mode: str,
                   saved_count: int) -> list[str]:
    out = []
    depth = len(ref.loc)
    for problem in exc.problems:
        loc = parse_path(problem.path or "")
        index = loc[depth] if len(loc) > depth else None
        if tuple(loc[:depth]) == ref.loc and isinstance(index, int):
            where = bulk.line_of(ref, reading, mode, saved_count, index)
            rest = ".".join(str(p) for p in loc[depth + 1:])
            out.append(f"{where}{'（' + rest + '）' if rest else ''}：{_problem_text(problem)}")
        else:
            out.append(f"{problem.path or '填报'}：{_problem_text(problem)}")
    return out


def _digest(mode: str, text: str) -> str:
    import hashlib

    return hashlib.sha256(f"{mode}\n{text}".encode()).hexdigest()[:32]


def _read_text_file(request: HttpRequest) -> str | None:
    """A pasted table sent as a file (UTF-8, else GB18030 as Excel on Chinese Windows writes)."""
    file = request.FILES.get("file")
    if file is None:
        return None
    limit = int(getattr(settings, "UPLOAD_LIMIT", 20 * 1024 * 1024))
    data = file.read(limit + 1)
    if len(data) > limit:
        raise UploadError([f"文件超过上限 {limit / 1048576:.0f} MB，未读取"])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return str(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise UploadError(["文件不是 UTF-8 或 GBK 编码的文本，未读取"])


@login_required
def bulk_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """批量编辑: the section's table as tab-separated text (what Excel copies); a preview of
    what changes, then saving against the version the page was opened on."""
    chosen = _section(section)
    ref = _bulk_ref(chosen)
    opened = _open(request, pk, Permission.EDIT)
    if isinstance(opened, HttpResponse):
        return opened
    record = opened
    current = _data_of(record.current)
    saved = paging.dig(current, ref.loc)
    saved_count = len(paging.items_of(ref, saved))
    if request.method != "POST" and request.GET.get("format") == "tsv":
        response = HttpResponse(bulk.to_tsv(ref, saved), content_type="text/tab-separated-values; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{record.year}-{chosen.slug}.tsv"'
        return response
    section_url = reverse("filing-edit-section", args=[pk, chosen.slug])
    context: dict[str, Any] = {
        "record": record, "section": chosen, "sections": SECTIONS, "ref": ref, "can_edit": True,
        "columns": [bulk.label_of(ref, c) for c in bulk.columns_of(ref)], "saved_count": saved_count,
        "modes": bulk.MODES, "mode": "replace", "text": "", "note": "", "section_url": section_url,
        "base": record.current.number if record.current else None,
        "limit_mb": int(getattr(settings, "UPLOAD_LIMIT", 20 * 1024 * 1024)) // 1048576,
    }
    if request.method != "POST":
        return render(request, "edit/bulk.html", context)
    mode = str(request.POST.get("mode", "replace"))
    mode = mode if mode in dict(bulk.MODES) else "replace"
    base = _base(request.POST)
    note = str(request.POST.get(NOTE, ""))[:200]
    text = str(request.POST.get("text", ""))
    context.update(mode=mode, base=base, note=note, text=text)
    try:
        from_file = _read_text_file(request)
    except UploadError as exc:
        context.update(problems=exc.messages, problem_count=len(exc.messages))
        return render(request, "edit/bulk.html", context, status=400)
    if from_file is not None:
        text = from_file
        context["text"] = text
    problems: list[str] = []
    if base is None:
        problems.append("表单缺少所依据的版本号，未保存。请重新打开批量编辑页面。")
    reading = bulk.read_tsv(ref, text)
    problems += reading.problems
    if not problems and not reading.lines:
        problems.append("没有读到任何行。请从 Excel 等表格中复制整张表（可含表头行）粘贴到文本框中。")
    data: dict[str, Any] = {}
    if not problems:
        data, problems = bulk.apply(current, ref, reading, mode)
    filing: Filing | None = None
    if not problems:
        try:
            filing = filing_from_data(data, "批量编辑")
            problems = [f"{p.path}：{_problem_text(p)}" for p in web_problems(filing)]
        except FilingReadError as exc:
            problems = _bulk_problems(exc, ref, reading, mode, saved_count)
    if problems or filing is None:
        context["problems"] = problems[:PREVIEW_CHANGES]
        context["problem_count"] = len(problems)
        return render(request, "edit/bulk.html", context, status=400)
    after = _plain_data(filing)
    changes = diff(current, after)
    digest = _digest(mode, text)
    count = len(paging.items_of(ref, paging.dig(after, ref.loc)))
    context.update(changes=changes[:PREVIEW_CHANGES], change_count=len(changes), digest=digest, after_count=count,
                   kinds={k: sum(1 for c in changes if c.kind == k) for k in ("added", "changed", "removed")})
    if "_save" not in request.POST or request.POST.get("_previewed") != digest:
        if "_save" in request.POST:
            context["again"] = True  # changed after the preview: preview again before saving
        return render(request, "edit/bulk.html", context)
    try:
        version, created = services.save_version(record, filing, request.user, base=base, source="form",
                                                 note=note or f"批量编辑“{ref.label}”", request=request)
    except services.EditConflict as exc:
        context.update(problems=[str(exc)], conflict=exc)
        return render(request, "edit/bulk.html", context, status=409)
    except services.NotEditable as exc:
        messages.error(request, str(exc))
        return redirect("filing", pk=pk)
    if created:
        messages.success(request, f"已批量保存“{ref.label}”（{count:,} 行），为第 {version.number} 版。")
    else:
        messages.info(request, "内容没有变化，没有保存新版本。")
    return redirect(section_url)


def _plain_data(filing: Filing) -> dict[str, Any]:
    """A filing's data as a version stores it (amounts as decimal strings), to compare with a saved one."""
    from juesuan.filing.io import parse_json

    data = parse_json(services.canonical(filing))
    return data if isinstance(data, dict) else {}


@login_required
@require_GET
def codes(request: HttpRequest) -> HttpResponse:
    """Options of a code list for a year: ``?kind=functional|economic&year=2024&q=2010``; the query
    may also come as the value of the code field itself (htmx sends the field's name)."""
    kind = request.GET.get("kind", "functional")
    if kind not in ("functional", "economic"):
        kind = "functional"
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdecimal() and len(year_text) == 4 and 2000 <= int(year_text) <= 2100 else datetime.date.today().year
    query = request.GET.get("q")
    if query is None:
        query = next((str(v) for k, v in request.GET.items() if k not in ("kind", "year")), "")
    digits = normalise_number(query)
    options = code_options(kind, year, (digits if digits.isdigit() else query.strip())[:20])
    return render(request, "edit/_codes.html", {"options": options, "kind": kind, "year": year})


# --- uploads -------------------------------------------------------------------------------------------


def _upload(file: UploadedFile | None) -> Upload:
    if file is None:
        raise UploadError(["请选择要导入的文件。" + ALLOWED])
    name = display_name(file.name)
    limit = int(settings.UPLOAD_LIMIT)
    size = file.size or 0
    if size > limit:
        raise UploadError([f"{name}：文件有 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB，未导入"])
    data = file.read(limit + 1)
    if len(data) > limit:
        raise UploadError([f"{name}：文件超过上限 {limit / 1048576:.0f} MB，未导入"])
    return Upload(name, data)


# An import is previewed before anything is saved. Step 1 reads the file and keeps the filing it
# would save on the server (the browser is never trusted with it), under a random token bound to
# the record, the user and the version the preview was made on; step 2 (确认导入) saves exactly
# that against that version, so a version saved meanwhile is still a conflict.
PREVIEW_SECONDS = 30 * 60
PREVIEW_CHANGES = 200  # changes listed on the preview (all are counted)
TOKEN, OTHER = "_token", "_other"  # form keys of step 2: the token, the explicit confirmation
_TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{20,64}")
EXPIRED = ("这次导入的预览已失效（预览保留 30 分钟，确认后即失效，且只能由上传文件的本人确认），"
           "未导入。请重新选择文件导入。")


@dataclass(frozen=True)
class Total:
    """A key total before and after an import, in 万元 with 2 places."""

    label: str
    before: str
    after: str
    change: str


@dataclass(frozen=True)
class ChangeRow:
    path: str  # the stable key (shown to support as a title)
    words: str
    before: str | None
    after: str | None
    kind: str


def _preview_key(token: str) -> str:
    return f"juesuan:import-preview:{token}"


def _name_key(name: str) -> str:
    """A name as compared: full-width forms as half-width, no spaces, no trailing （本级）."""
    return "".join(unicodedata.normalize("NFKC", name).split()).removesuffix("(本级)")


def _same_unit(found: str, unit: Unit) -> bool:
    """Whether a file's name is the unit's or its department's; the region's name in front is
    the same name (财政局 of 上海市普陀区 is 上海市普陀区财政局)."""
    region = _name_key(unit.department.region.name)

    def bare(name: str) -> str:
        key = _name_key(name)
        return key[len(region):] if region and key.startswith(region) and key != region else key

    return bare(found) in {bare(unit.name), bare(unit.department.name)}


def _found(reading: Reading) -> tuple[str | None, int | None]:
    """The department's name and the year the file states (an XLSX states neither)."""
    name = reading.filing.department.name if reading.complete or reading.name_known else None
    year = reading.filing.year if reading.complete or reading.year_known else None
    return (None if name is None else printable(name, 80)), year


def _mismatches(reading: Reading, record: FilingRecord) -> tuple[list[str], str]:
    """Where the file is not this unit's or this year's, and the words of the checkbox that
    confirms importing it anyway."""
    name, year = _found(reading)
    other_name = name is not None and not _same_unit(name, record.unit)
    found = [f"文件中的部门是“{name}”，与本填报的单位“{record.unit.name}”不符"] if other_name else []
    if year is not None and year != record.year:
        found.append(f"文件是 {year} 年度的，与本填报的 {record.year} 年度不符")
    if not other_name:
        return found, "我确认导入其他年度的数据"
    return found, "我确认导入其他单位的数据" + ("（年度也不同）" if len(found) > 1 else "")


def _key_totals(filing: Filing | None) -> dict[str, Decimal]:
    if filing is None:
        return {}
    try:
        return key_totals(filing)
    except Exception:  # the preview must not fail on a filing whose tables cannot be built
        logger.exception("totals of an import preview")
        return {}


def _wan(value: Decimal | None, *, signed: bool = False) -> str:
    if value is None:
        return "无"
    text = format_wan(value, thousands=True)
    return "+" + text if signed and round_half_up(value, 2) > 0 else text


def _totals(before: Filing | None, after: Filing) -> list[Total]:
    old, new = _key_totals(before), _key_totals(after)
    rows = []
    for label, _, _ in KEY_TOTALS:
        a, b = old.get(label), new.get(label)
        change = None if a is None or b is None else b - a
        rows.append(Total(label, _wan(a), _wan(b), _wan(change, signed=True)))
    return rows


def _changes(before: Filing | None, after: Filing,
             year: int) -> tuple[list[ChangeRow], int, dict[str, int]]:
    """The first :data:`PREVIEW_CHANGES` changes, how many there are and of which kinds."""
    from juesuan.web.filings.words import describe_path

    changes = diff(filing_to_data(before) if before is not None else {}, filing_to_data(after))
    kinds = {"added": 0, "changed": 0, "removed": 0}
    for change in changes:
        kinds[change.kind] += 1
    rows = [ChangeRow(c.path, describe_path(c.path, year), c.before, c.after, c.kind)
            for c in changes[:PREVIEW_CHANGES]]
    return rows, len(changes), kinds


def _preview(request: HttpRequest, record: FilingRecord, context: dict[str, Any], token: str,
             preview: dict[str, Any], filing: Filing, *, problems: list[str] | None = None,
             status: int = 200) -> HttpResponse:
    version = record.versions.filter(number=preview["base"]).first()
    before = services.filing_of(version) if version is not None else None
    changes, count, kinds = _changes(before, filing, record.year)
    context.update(token=token, preview=preview, kind_label=KIND_LABELS[preview["kind"]],
                   totals=_totals(before, filing), changes=changes, change_count=count, kinds=kinds,
                   minutes=PREVIEW_SECONDS // 60, problems=problems or [])
    return render(request, "edit/import_preview.html", context, status=status)


@login_required
def import_(request: HttpRequest, pk: int) -> HttpResponse:
    """导入: a filing file replaces the content; tables or a report replace the table parts.
    Step 1 (a file) is read by a background job (:func:`import_job`), whose page leads to the
    preview (GET with the preview's token: what would change); step 2 (the token) saves it."""
    opened = _open(request, pk, Permission.IMPORT)
    if isinstance(opened, HttpResponse):
        return opened
    record = opened
    context: dict[str, Any] = {"record": record, "can_edit": True, "sections": SECTIONS, "allowed": ALLOWED,
                               "base": record.current.number if record.current else None, "limit_mb":
                               int(settings.UPLOAD_LIMIT) // 1048576}
    if request.method != "POST":
        if PREVIEW in request.GET:
            return _show_preview(request, record, context, str(request.GET[PREVIEW]))
        return render(request, "edit/import.html", context)
    if TOKEN in request.POST:
        return _confirm_import(request, record, context)
    base = _base(request.POST)
    note = str(request.POST.get(NOTE, ""))[:200]
    context.update(base=base, note=note)
    if base is None:  # like the section forms: without it a newer version would be overwritten unseen
        context["problems"] = ["表单缺少所依据的版本号，未导入。请重新打开导入页面后再导入。"]
        return render(request, "edit/import.html", context, status=400)
    try:
        upload = _upload(request.FILES.get("file"))
    except UploadError as exc:
        context["problems"] = exc.messages
        return render(request, "edit/import.html", context, status=400)
    # No reading against an old version: the save would be refused anyway.
    if record.current is not None and record.current.number != base:
        conflict = services.EditConflict(record.current, base)
        context.update(problems=[str(conflict)], conflict=conflict)
        return render(request, "edit/import.html", context, status=409)
    job = _submit_import(request, record, upload, base, note)
    if job.state == Job.FAILED:  # already read (tests run jobs at once): the form with its problems
        context["problems"], status = _failure(job)
        return render(request, "edit/import.html", context, status=status)
    if job.state == Job.DONE and job.next_url:
        return redirect(job.next_url)
    return redirect("job", pk=job.pk)


PREVIEW = "preview"  # the query parameter of the preview page: the preview's token


def _submit_import(request: HttpRequest, record: FilingRecord, upload: Upload, base: int, note: str) -> Job:
    """Keep the upload in DATA_DIR/uploads under a random name and queue the job reading it;
    the same file, record, version, user and note while one is still queued or running share
    that job (a double click reads the file once)."""
    params = {"record": record.pk, "user": request.user.pk, "base": base, "note": note,
              "back": reverse("filing-import", args=[record.pk])}
    return _submit_upload(request, "import", upload, f"{record.pk}|{base}|{note}", params, record=record)


def _submit_upload(request: HttpRequest, kind: str, upload: Upload, request_key: str, params: dict[str, Any],
                   *, record: FilingRecord | None = None) -> Job:
    """Keep the upload in DATA_DIR/uploads under a random name and queue the job ``kind``
    reading it; the same file and request (``request_key``) of the same user while one is still
    queued or running share that job (a double click reads the file once)."""
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + ".upload"
    fd, tmp = tempfile.mkstemp(prefix=".upload.", dir=folder)  # owner-only, whole or not at all
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(upload.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, folder / stored)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    digest = hashlib.sha256(upload.data)
    digest.update(f"|{request_key}|{request.user.pk}".encode())
    job = submit(kind, f"{kind}:{digest.hexdigest()}", {**params, "name": upload.name, "uploads": [stored]},
                 owner=request.user, record=record)
    if job.params.get("uploads") != [stored]:  # an identical request's job: it has its own copy
        (folder / stored).unlink(missing_ok=True)
    return job


def _failure(job: Job) -> tuple[list[str], int]:
    """A failed upload job's problems, and the status the form answers with (400, or 409 for a
    version saved meanwhile)."""
    result = job.result if isinstance(job.result, dict) else {}
    status = result.get("status", 400)
    return list(result.get("problems") or [job.error]), status if status in (400, 409) else 400


def _read_uploaded(job: Job, progress: Progress) -> Reading:
    """The file a job reads (kept by :func:`_submit_upload`), read."""
    name = str(job.params["name"])
    path = Path(settings.DATA_DIR) / "uploads" / str(job.params["uploads"][0])
    try:
        upload = Upload(name, path.read_bytes())
    except FileNotFoundError:
        raise JobError(["上传的文件已不在服务器上（可能已处理过），未导入。请重新选择文件导入。"]) from None
    progress(5, f"正在读取 {name}")
    try:
        return read_upload(upload)
    except UploadError as exc:
        raise JobError(exc.messages, status=400) from None


def import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The background part of step 1: read the uploaded file, build what would be saved, keep it
    (cache, under a random token) and point the job at the preview. A file that cannot be
    imported is a :class:`JobError` with the messages the form shows."""
    params = job.params
    record = FilingRecord.objects.select_related("unit__department__region", "current").filter(
        pk=params["record"]).first()
    if record is None:
        raise JobError(["这份填报已不存在，未导入。"])
    base = int(params["base"])
    reading = _read_uploaded(job, progress)
    progress(70, "正在核对导入后的填报")
    current = _data_of(record.current)
    skipped: list[str] = []
    if reading.complete:
        merged_data = filing_to_data(reading.filing)
        taken, kept = ["全部内容（替换当前版本）"], []
    else:
        merged = merge_tables(current, reading)
        merged_data, taken, kept, skipped = merged.data, merged.taken, merged.kept, merged.skipped
    if not taken:
        raise JobError([f"{reading.name}：没有可导入的决算表，未保存", *skipped, *reading.missing], status=400)
    try:
        filing = filing_from_data(merged_data, reading.name)
    except FilingReadError as exc:
        raise JobError([f"{reading.name}：导入后的填报不合格式：{p.path or ''} {_problem_text(p)}"
                        for p in exc.problems[:50]], status=400) from None
    refused = web_problems(filing)
    if refused:
        raise JobError([f"{reading.name}：{p.path} {_problem_text(p)}" for p in refused], status=400)
    if filing.year != record.year:
        raise JobError([f"{reading.name}：文件是 {filing.year} 年度的填报，这份填报是 {record.year} 年度，未导入"],
                       status=400)
    if record.current is not None and record.current.number != base:  # saved while the file was read
        raise JobError([str(services.EditConflict(record.current, base))], status=409)
    mismatches, other_label = _mismatches(reading, record)
    found_name, found_year = _found(reading)
    preview = {"record": record.pk, "user": params["user"], "base": base, "note": params["note"],
               "content": services.canonical(filing), "kind": reading.kind, "name": reading.name,
               "taken": taken, "kept": kept, "skipped": skipped, "missing": reading.missing,
               "notes": reading.notes, "found_name": found_name, "found_year": found_year,
               "mismatches": mismatches, "other_label": other_label}
    token = secrets.token_urlsafe(24)
    cache.set(_preview_key(token), preview, PREVIEW_SECONDS)
    job.next_url = f"{reverse('filing-import', args=[record.pk])}?{urlencode({PREVIEW: token})}"
    progress(100, "已读取，正在打开预览")
    return {"kind": reading.kind, "name": reading.name, "taken": taken}


def _preview_of(request: HttpRequest, record: FilingRecord, token: str) -> dict[str, Any] | None:
    """The preview kept under ``token``, if it is this record's and this user's."""
    preview = cache.get(_preview_key(token)) if _TOKEN_FORM.fullmatch(token) else None
    if (not isinstance(preview, dict) or preview.get("record") != record.pk
            or preview.get("user") != request.user.pk):
        return None
    return preview


def _show_preview(request: HttpRequest, record: FilingRecord, context: dict[str, Any],
                  token: str) -> HttpResponse:
    preview = _preview_of(request, record, token)
    if preview is None:
        context["problems"] = [EXPIRED]
        return render(request, "edit/import.html", context, status=400)
    context.update(base=preview["base"], note=preview["note"])
    filing = filing_from_data(parse_json(preview["content"]), preview["name"])  # validated by the job
    return _preview(request, record, context, token, preview, filing)


def _confirm_import(request: HttpRequest, record: FilingRecord,
                    context: dict[str, Any]) -> HttpResponse:
    """确认导入: save the previewed filing, against the version the preview was made on."""
    token = str(request.POST.get(TOKEN, ""))
    preview = _preview_of(request, record, token)
    if preview is None:
        context["problems"] = [EXPIRED]
        return render(request, "edit/import.html", context, status=400)
    name, kind, mismatches = preview["name"], preview["kind"], preview["mismatches"]
    context.update(base=preview["base"], note=preview["note"])
    filing = filing_from_data(parse_json(preview["content"]), name)  # validated in step 1
    if mismatches and not request.POST.get(OTHER):
        problems = [f"未勾选“{preview['other_label']}”，未导入：", *mismatches]
        return _preview(request, record, context, token, preview, filing, problems=problems,
                        status=400)
    label = KIND_LABELS[kind]
    detail: dict[str, Any] = {"format": kind, "file": name, "taken": preview["taken"]}
    if mismatches:  # the log keeps who took another unit's or year's figures knowingly
        detail["confirmed"] = mismatches
    try:
        # The "import" audit event is written in the version's transaction (both or neither).
        version, created = services.save_version(
            record, filing, request.user, base=preview["base"], source=kind,
            note=preview["note"] or f"导入{label} {name}", request=request, event=("import", detail))
    except services.EditConflict as exc:
        if not isinstance(exc, services.SaveBusy):  # busy: the same preview may be confirmed again
            cache.delete(_preview_key(token))
        context.update(problems=[str(exc)], conflict=exc)
        return render(request, "edit/import.html", context, status=409)
    except services.NotEditable as exc:
        messages.error(request, str(exc))
        return redirect("filing", pk=record.pk)
    cache.delete(_preview_key(token))
    context.update(preview=preview, kind_label=label, version=version, created=created,
                   previous=preview["base"])
    return render(request, "edit/import_done.html", context)


# --- new filings ---------------------------------------------------------------------------------------

STARTS = (("empty", "空白填报（单位名称等基本信息）"),
          ("prior", "由上年度填报生成（带入收支科目、经济分类科目、年初结转和结余、预算科目、部门概况和绩效目标等"
                    "文字说明草稿、上年数；金额留空）"),
          ("upload", "由文件导入（YAML、JSON、XLSX 决算表或公开报告）"))


@login_required
def new(request: HttpRequest) -> HttpResponse:
    units = list(editable_units(request))
    if not units:
        raise PermissionDenied("您没有可填报的单位")
    today = datetime.date.today()
    # Units whose filing of the year before the proposed one exists: a new year starts from it.
    last_year = today.year - 2
    started = set(FilingRecord.objects.filter(unit__in=units, year=last_year)
                  .exclude(current__isnull=True, published__isnull=True)
                  .values_list("unit_id", flat=True))
    with_last = [u for u in units if u.pk in started]
    form: dict[str, Any] = {"unit": str(units[0].pk) if len(units) == 1 else "", "year": str(today.year - 1),
                            "start": "prior" if len(units) == 1 and with_last else "empty"}
    context: dict[str, Any] = {"units": units, "starts": STARTS, "form": form, "errors": {},
                               "limit_mb": int(settings.UPLOAD_LIMIT) // 1048576, "allowed": ALLOWED}
    context.update(last_year=last_year, with_last=with_last)
    if request.method != "POST":
        return render(request, "edit/new.html", context)
    form.update({k: str(request.POST.get(k, "")).strip() for k in ("unit", "year", "start")})
    errors: dict[str, str] = {}
    unit = next((u for u in units if str(u.pk) == form["unit"]), None)
    if unit is None:
        errors["unit"] = "请选择您可以填报的单位"
    elif not allowed(grants_of(request.user), unit.place, Permission.CREATE):
        errors["unit"] = "您不能为此单位新建填报"
    year_text = form["year"].translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    year = int(year_text) if year_text.isdecimal() and len(year_text) <= 4 else None
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = f"决算年度应为 2000 至 2100 之间的整数，实际为“{form['year']}”"
        year = None
    if form["start"] not in {s for s, _ in STARTS}:
        errors["start"] = "请选择新建方式"
    if unit is not None and year is not None:
        existing = FilingRecord.objects.filter(unit=unit, year=year).first()
        if existing is not None:
            errors["year"] = f"{unit.name} {year} 年度的填报已经存在"
            context["existing"] = existing
    if errors:
        context["errors"] = errors
        return render(request, "edit/new.html", context, status=400)
    assert unit is not None and year is not None
    if form["start"] == "upload":
        return _new_from_upload(request, unit, year, context)
    try:
        data, source, note = _start(unit, year, form["start"])
        filing = filing_from_data(data, "新建填报")
        refused = web_problems(filing)
        if refused:
            raise FilingReadError("新建填报", refused)
    except UploadError as exc:
        context["errors"] = {"start": "；".join(exc.messages)}
        return render(request, "edit/new.html", context, status=400)
    except FilingReadError as exc:
        context["errors"] = {"file": "；".join(f"{p.path or ''} {_problem_text(p)}" for p in exc.problems[:20])}
        return render(request, "edit/new.html", context, status=400)
    try:
        record = services.create_record(unit, year, filing, request.user, source=source, note=note,
                                        request=request)
    except IntegrityError:  # created meanwhile (a second click, another editor): one per unit and year
        context["errors"] = {"year": f"{unit.name} {year} 年度的填报已经存在（刚由他人或另一次提交新建），未重复新建"}
        context["existing"] = FilingRecord.objects.filter(unit=unit, year=year).first()
        return render(request, "edit/new.html", context, status=409)
    messages.success(request, f"已新建 {unit.name} {year} 年度填报（{note}）。")
    return redirect("filing-edit-section", pk=record.pk, section=SECTIONS[0].slug)


def _new_from_upload(request: HttpRequest, unit: Unit, year: int, context: dict[str, Any]) -> HttpResponse:
    """由文件导入: the file is read by a background job (:func:`new_job`), which creates the
    filing; the job's page leads to it. Another unit's file needs the confirmation box."""
    try:
        upload = _upload(request.FILES.get("file"))
    except UploadError as exc:
        context["errors"] = {"file": "；".join(exc.messages)}
        return render(request, "edit/new.html", context, status=400)
    other = request.POST.get(OTHER) == "1"
    params = {"unit": unit.pk, "year": year, "other": other, "back": reverse("filing-new")}
    job = _submit_upload(request, "import_new", upload, f"new|{unit.pk}|{year}|{other}", params)
    if job.state == Job.FAILED:  # already read (tests run jobs at once): the form with its problems
        problems, status = _failure(job)
        context["errors"] = {"file": "；".join(problems)}
        context["form"]["other"] = other
        return render(request, "edit/new.html", context, status=status)
    if job.state == Job.DONE and job.next_url:
        messages.success(request, str(job.result.get("message", "")))
        return redirect(job.next_url)
    return redirect("job", pk=job.pk)


def new_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The ``import_new`` job: read the uploaded file and create the unit's filing of the year
    from it. A file that cannot be, or may not be, the new filing is a :class:`JobError`."""
    params = job.params
    unit = Unit.objects.select_related("department__region").filter(pk=params["unit"]).first()
    if unit is None or job.owner is None:
        raise JobError(["所选单位已不存在，未新建。"])
    year = int(params["year"])
    reading = _read_uploaded(job, progress)
    progress(70, "正在核对新建的填报")
    if (reading.complete or reading.year_known) and reading.filing.year != year:
        raise JobError([f"{reading.name}：文件是 {reading.filing.year} 年度的，与所选年度 {year} 不符"], status=400)
    found, _ = _found(reading)
    if found is not None and not _same_unit(found, unit) and not params.get("other"):
        raise JobError([f"{reading.name}：文件中的部门是“{found}”，与所选单位“{unit.name}”不符，未新建。"
                        "如确要由这份文件新建，请勾选“我确认导入其他单位的数据”后重新上传。"], status=400)
    region = unit.department.region
    data = filing_to_data(reading.filing)
    data["year"] = year
    if not reading.complete and not reading.name_known:
        data["department"] = {**data.get("department", {}), "name": unit.name, "region": region.name,
                              "level": level_of_region(region.code)}
    try:
        filing = filing_from_data(data, reading.name)
        refused = web_problems(filing)
        if refused:
            raise FilingReadError(reading.name, refused)
    except FilingReadError as exc:
        raise JobError([f"{p.path or ''} {_problem_text(p)}" for p in exc.problems[:20]], status=400) from None
    try:
        # The import's log entry is written in the version's transaction: both or neither.
        record = services.create_record(
            unit, year, filing, job.owner, source=reading.kind, note=f"导入{reading.label} {reading.name}",
            event=("import", {"format": reading.kind, "file": reading.name, "created": True}))
    except IntegrityError:  # created meanwhile (a second click, another editor): one per unit and year
        raise JobError([f"{unit.name} {year} 年度的填报已经存在（刚由他人或另一次提交新建），未重复新建"],
                       status=409) from None
    text = f"已由{reading.label}“{reading.name}”新建 {year} 年度填报。"
    if reading.missing:
        text += "未能提取：" + "；".join(reading.missing)
    Job.objects.filter(pk=job.pk).update(record=record)  # the job's page links to it
    job.next_url = reverse("filing-edit-section", kwargs={"pk": record.pk, "section": SECTIONS[0].slug})
    progress(100, "已新建，正在打开填报")
    return {"record": record.pk, "message": text}


def _start(unit: Unit, year: int, start: str) -> tuple[dict[str, Any], str, str]:
    """A new filing's data, its version's source and note: 由上年度 or 空白 (由文件导入: a job)."""
    region = unit.department.region
    if start == "prior":
        last = FilingRecord.objects.filter(unit=unit, year=year - 1).select_related("current", "published").first()
        version = (last.published or last.current) if last else None
        if version is None:
            raise UploadError([f"没有找到 {unit.name} {year - 1} 年度的填报，无法由上年度生成"])
        data = from_last_year(services.filing_of(version), year)
        brought = (f"收入科目 {len(data['income'])} 行、支出科目 {len(data['expenditure'])} 行、"
                   f"经济分类科目 {len(data.get('basic_economic', []))} 行、"
                   f"年初结转和结余 {len(data.get('carry_over', []))} 行、"
                   f"预算科目 {len(data.get('budget', {}).get('items', []))} 项")
        return data, "prior", f"由 {year - 1} 年度填报第 {version.number} 版生成，带入{brought}"
    return empty_filing_data(year, unit.name, region.name, level_of_region(region.code)), "form", "新建（空白）"

