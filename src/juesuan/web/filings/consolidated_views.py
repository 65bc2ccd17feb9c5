"""The 汇总 pages of the working area: a region's (finance reviewers of the region) and a
department's (those, and the department's reviewers), with 重新汇总 (a background job), the
nine tables, key figures, eliminations and downloads. Whoever does not review the region or
the department gets 404, as on the region overview; a department reviewer asking for the
region's 汇总 is refused (403)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juesuan.consolidate import Mode
from juesuan.web.downloads import disposition
from juesuan.web.filings import consolidated as cons
from juesuan.web.filings import review, services
from juesuan.web.filings.models import Consolidated
from juesuan.web.orgs.models import Department, Unit, grants_of

DOCUMENT_FORMATS = {"pdf": "application/pdf",
                    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MODES = [(m.value, m.label) for m in Mode]


def _scope(request: HttpRequest, code: str, year: int) -> review.Scope:
    scope = review.scope_of(grants_of(request.user), code)
    if scope is None or not 2000 <= year <= 2100:
        raise Http404("没有这个区划的汇总页面")
    return scope


def _department(scope: review.Scope, code: str) -> Department:
    department = Department.objects.filter(region=scope.region, code=code).first()
    if department is None or not scope.covers(department.pk):
        raise Http404("没有这个部门的汇总页面")
    return department


def _whole(scope: review.Scope) -> None:
    if scope.departments is not None:
        raise PermissionDenied("地区的汇总供财政审核人员查看；部门审核人员可查看本部门的汇总")


def _mode(data: Any) -> Mode:
    try:
        return Mode(str(data.get("mode", "complete")))
    except ValueError:
        return Mode.COMPLETE


def _page_url(name: str, args: list[Any], mode: Mode, chosen: list[str]) -> str:
    query = [("mode", mode.value)] + ([("chosen", c) for c in chosen] if mode is Mode.CHOSEN else [])
    return reverse(name, args=args) + ("?" + urlencode(query) if mode is not Mode.COMPLETE else "")


def _amount(value: str | Decimal | None) -> str:
    return review.text(Decimal(value)) if value is not None else review.NONE


def _eliminations(stored: Consolidated) -> list[dict[str, Any]]:
    """The elimination table: a line per 上级单位, one per 下级单位 under it."""
    lines = []
    for e in stored.eliminations:
        lines.append({"name": f"{e['parent_name']}（{e['parent']}）", "child": False, "unit": e["unit"],
                      "department": e["department"], "partial": e["partial"],
                      "subsidy_paid": _amount(e["subsidy_paid"]),
                      "remittance_received": _amount(e["remittance_received"]),
                      "subsidy_received": "", "remittance_paid": ""})
        for p in e["pairs"]:
            lines.append({"name": f"{p['child_name']}（{p['child']}）", "child": True, "unit": e["unit"],
                          "department": e["department"], "partial": False,
                          "subsidy_paid": "", "remittance_received": "",
                          "subsidy_received": _amount(p["subsidy_received"]),
                          "remittance_paid": _amount(p["remittance_paid"])})
    return lines


def _context(request: HttpRequest, stored: Consolidated | None) -> dict[str, Any]:
    if stored is None or not stored.content:
        return {"stored": stored}
    from juesuan.web.filings.grid_data import table_views

    filing = cons.filing_of(stored)
    assert filing is not None
    figures = cons.figures_of(stored)
    try:
        tables = table_views(filing)
        problem = ""
    except Exception:  # the page must show what it can
        cons.logger.exception("tables of 汇总 %s", stored.pk)
        tables, problem = [], "生成决算表时出错。"
    return {"stored": stored, "filing": filing,
            "figures": [(m.label, review.text(figures.get(m.key))) for m in review.KEY_MEASURES],
            "tables": tables, "problem": problem, "eliminations": _eliminations(stored),
            "document_ready": [f for f in DOCUMENT_FORMATS if services.cached_render(stored, f) is not None],
            "document_formats": list(DOCUMENT_FORMATS)}


def _handle(request: HttpRequest, *, region_code: str, year: int, department: Department | None,
            choices: list[tuple[str, str]], page: str, args: list[Any]) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    mode = _mode(data)
    known = {key for key, _ in choices}
    chosen = sorted({str(c) for c in data.getlist("chosen")} & known) if mode is Mode.CHOSEN else []
    scope = _scope(request, region_code, year)
    url = _page_url(page, args, mode, chosen)
    if request.method == "POST":
        if mode is Mode.CHOSEN and not chosen:
            messages.error(request, "选择汇总须至少勾选一个" + ("单位" if department else "部门") + "。")
            return redirect(url)
        job = cons.submit(scope.region, year, department, mode, chosen, owner=request.user, next_url=url,
                          back=url)
        return redirect("job", job.pk)
    stored = cons.find(scope.region, year, department, mode, chosen)
    return render(request, "desk/consolidated.html", {
        "scope": scope, "region": scope.region, "year": year, "department": department,
        "mode": mode, "modes": MODES, "choices": choices, "chosen": chosen, "url": url,
        **_context(request, stored)})


@login_required
@require_http_methods(["GET", "POST"])
def region_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's 汇总 (重新汇总 on POST)."""
    scope = _scope(request, code, year)
    _whole(scope)
    choices = [(cons.department_key(d), f"{d.name}（{d.region.name}）" if d.region_id != scope.region.pk
                else d.name) for d in cons.region_departments(scope.region, Mode.CHOSEN)]
    return _handle(request, region_code=code, year=year, department=None, choices=choices,
                   page="consolidated-region", args=[code, year])


@login_required
@require_http_methods(["GET", "POST"])
def department_page(request: HttpRequest, code: str, year: int, department: str) -> HttpResponse:
    """A department's 汇总 (重新汇总 on POST)."""
    scope = _scope(request, code, year)
    chosen_department = _department(scope, department)
    units = Unit.objects.filter(department=chosen_department, consolidated=False).order_by("code")
    choices = [(u.code, u.name) for u in units]
    return _handle(request, region_code=code, year=year, department=chosen_department, choices=choices,
                   page="consolidated-department", args=[code, year, department])


def _stored(request: HttpRequest, code: str, year: int, pk: int) -> Consolidated:
    """A stored 汇总 of this region and year that the user may see (404 otherwise)."""
    scope = _scope(request, code, year)
    stored = (Consolidated.objects.select_related("region", "department")
              .filter(pk=pk, region=scope.region, year=year).first())
    if stored is None or not stored.content:
        raise Http404("没有这个汇总")
    if stored.department_id is None:
        _whole(scope)
    elif not scope.covers(stored.department_id):
        raise Http404("没有这个汇总")
    return stored


def _name(stored: Consolidated) -> tuple[str, str]:
    """The file's name, and an ASCII one for clients without RFC 5987."""
    who = stored.department.name if stored.department else stored.region.name
    name = f"{who}{stored.year}年度{Mode(stored.mode).label}"
    stem = f"{stored.region.code}-{stored.department.code if stored.department else 'region'}-{stored.year}-{stored.mode}"
    return name, stem


def _page_of(stored: Consolidated) -> str:
    if stored.department is None:
        return _page_url("consolidated-region", [stored.region.code, stored.year], Mode(stored.mode), stored.chosen)
    return _page_url("consolidated-department", [stored.region.code, stored.year, stored.department.code],
                     Mode(stored.mode), stored.chosen)


@login_required
@require_GET
def download(request: HttpRequest, code: str, year: int, pk: int, fmt: str) -> HttpResponse:
    """The 汇总 as a filing (YAML, what ``juesuan check`` reads) or its tables (XLSX)."""
    stored = _stored(request, code, year, pk)
    name, stem = _name(stored)
    if fmt == "yaml":
        from juesuan.web.filings.exports import filing_yaml

        filing = cons.filing_of(stored)
        assert filing is not None
        data, content_type, name = filing_yaml(filing).encode("utf-8"), "application/yaml; charset=utf-8", \
            name + "填报文件"
    elif fmt == "xlsx":
        data, content_type = cons.rendered(stored, "xlsx"), XLSX
    else:
        raise Http404("不支持的格式")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition(f"{name}.{fmt}", f"{stem}.{fmt}")
    services.log(request, "download-consolidated", region=stored.region.code, year=stored.year,
                 department=stored.department.code if stored.department else "", mode=stored.mode, format=fmt)
    return response


@login_required
@require_POST
def document(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """生成 the 汇总's document (PDF or DOCX) by the ``render`` job; its page goes on to the file."""
    stored = _stored(request, code, year, pk)
    fmt = str(request.POST.get("format", ""))
    if fmt not in DOCUMENT_FORMATS:
        raise Http404("不支持的格式")
    job = services.render_later(stored, fmt, owner=request.user,
                                next_url=reverse("consolidated-document-file", args=[code, year, pk, fmt]))
    return redirect("job", job.pk)


@login_required
@require_GET
def document_file(request: HttpRequest, code: str, year: int, pk: int, fmt: str) -> HttpResponse:
    """The document rendered for this content (by :func:`document`'s job, kept like a version's);
    until there is one, the page with a message."""
    stored = _stored(request, code, year, pk)
    if fmt not in DOCUMENT_FORMATS:
        raise Http404("不支持的格式")
    data = services.cached_render(stored, fmt)
    if data is None:
        messages.info(request, f"汇总的 {fmt.upper()} 文档尚未生成或已清理，请点击“生成 {fmt.upper()}”。")
        return redirect(_page_of(stored))
    name, stem = _name(stored)
    response = HttpResponse(data, content_type=DOCUMENT_FORMATS[fmt])
    response["Content-Disposition"] = disposition(f"{name}.{fmt}", f"{stem}.{fmt}")
    services.log(request, "download-consolidated", region=stored.region.code, year=stored.year,
                 department=stored.department.code if stored.department else "", mode=stored.mode, format=fmt)
    return response
