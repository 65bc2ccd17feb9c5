"""Public portal pages: anonymous and read-only, published versions only.

Every view reads through :mod:`juesuan.web.portal.published`, so a draft or a later
unpublished revision is never shown; a record never published is a 404. The URLs are
listed in :mod:`juesuan.web.portal.urls`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import OrderedDict
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from juesuan.web.downloads import file_response
from juesuan.web.filings import services
from juesuan.web.filings.models import FilingRecord
from juesuan.web.filings.views import DOCUMENT_POLICY
from juesuan.web.orgs.models import Region
from juesuan.web.portal import comparisons, kept, published
from juesuan.web.portal.figures import MEASURES, Comparison, comparison_csv, comparison_data

PAGE_SIZE = 50
LISTING_LIMIT = 5000

# A disclosure's files: (stem, extension, link label, name in the saved file's name).
DOWNLOADS = (
    ("document", "pdf", "PDF 文档", "部门决算"),
    ("document", "docx", "Word 文档（DOCX）", "部门决算"),
    ("document", "xlsx", "Excel 表格（XLSX）", "部门决算"),
    ("document", "json", "文档数据（JSON）", "部门决算"),
    ("tables", "csv", "九张公开表（CSV）", "部门决算公开表"),
    ("tables", "json", "九张公开表（JSON）", "部门决算公开表"),
    ("filing", "yaml", "填报数据（YAML）", "部门决算填报数据"),
)


def _year(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdecimal() and len(value) == 4 else None


def _filters(request: HttpRequest) -> tuple[dict[str, Any], list[str]]:
    """Search filters from the query string, and messages about values that were ignored."""
    problems = []
    q = request.GET.get("q", "").strip()[:100]
    region = request.GET.get("region", "").strip()[:12]
    year_text = request.GET.get("year", "").strip()
    year = _year(year_text)
    if year_text and year is None:
        problems.append(f"年度“{year_text[:20]}”不是四位数字，已忽略该条件。")
    department = request.GET.get("department", "").strip()[:200]
    return {"q": q, "region": region, "year": year, "department": department}, problems


def _rows(records: Any) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        address = published.Address.of(record)
        rows.append({"record": record, "key": address.key,
                     "url": reverse("portal-disclosure", kwargs=address.kwargs)})
    return rows


def _page(request: HttpRequest, records: Any) -> Any:
    return Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))


def _region_index() -> list[dict[str, Any]]:
    """Regions with published disclosures, and their years with counts (newest first)."""
    counts = (FilingRecord.objects.filter(published__isnull=False)
              .values("unit__department__region__code", "unit__department__region__name", "year")
              .annotate(n=Count("pk")).order_by("unit__department__region__code", "-year"))
    index: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in counts:
        code = row["unit__department__region__code"]
        entry = index.setdefault(code, {"code": code, "name": row["unit__department__region__name"],
                                        "years": []})
        entry["years"].append({"year": row["year"], "count": row["n"]})
    return list(index.values())


def _listed() -> dict[str, Any]:
    """The regions, years and region index of the portal's home page, kept until the next
    publication."""
    key = f"juesuan:portal:listed:{kept.recent_stamp()}"
    listed: dict[str, Any] | None = cache.get(key)
    if listed is None:
        own = FilingRecord.objects.filter(published__isnull=False).values("unit__department__region")
        listed = {
            # Regions with published disclosures of their own, and their parents. (One join chain
            # from each side of an OR multiplied a prefecture's filings by its counties': 1.3 s
            # at 20,000 filings.)
            "regions": list(Region.objects.filter(Q(pk__in=own) | Q(children__pk__in=own))
                            .distinct().order_by("code").values("code", "name")),
            "years": list(FilingRecord.objects.filter(published__isnull=False).values_list("year", flat=True)
                          .distinct().order_by("-year")),
            "index": _region_index(),
        }
        cache.set(key, listed, LISTED_SECONDS)
    return listed


LISTED_SECONDS = 24 * 3600  # a new publication changes the key anyway


@require_safe
@kept.kept_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    """公开查询: search by name, region and year; without a search, the regions and years."""
    filters, problems = _filters(request)
    searching = any(v for v in filters.values())
    context: dict[str, Any] = {
        "filters": filters,
        "problems": problems,
        "searching": searching,
        **_listed(),
    }
    if searching:
        page = _page(request, published.search(**filters))
        context.update(page=page, rows=_rows(page.object_list), query=_query_without_page(request))
    return render(request, "portal/home.html", context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def listing_data(request: HttpRequest, fmt: str) -> HttpResponse:
    """The search results (every page, at most ``LISTING_LIMIT`` rows; the JSON says when
    there were more: narrow the search, or page through the API) as CSV or JSON."""
    filters, _ = _filters(request)
    found = published.search(**filters)
    total = found.count()
    items = []
    records = found[:LISTING_LIMIT]
    for record in records:
        address = published.Address.of(record)
        unit = record.unit
        items.append({
            "key": address.key, "region_code": address.region, "region": unit.department.region.name,
            "year": record.year, "department_code": address.department, "department": unit.department.name,
            "unit_code": address.unit, "unit": unit.name,
            "published_at": record.published_at.isoformat() if record.published_at else None,
            "url": request.build_absolute_uri(reverse("portal-disclosure", kwargs=address.kwargs)),
        })
    if fmt == "json":
        data = json.dumps({"count": total, "truncated": total > len(items), "items": items},
                          ensure_ascii=False, indent=2).encode("utf-8")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        labels = ("公开件", "区划代码", "行政区划", "年度", "部门编码", "主管部门", "单位编码", "单位", "公开时间", "网址")
        writer.writerow(labels)
        for item in items:
            writer.writerow(item.values())
        data = out.getvalue().encode("utf-8-sig")
    return file_response(request, data, fmt, filename=f"部门决算公开目录.{fmt}", fallback=f"disclosures.{fmt}")


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404(f"没有区划代码为 {code[:20]} 的地区")
    return region


@require_safe
@kept.kept_for_visitors
def region(request: HttpRequest, region: str) -> HttpResponse:
    """One region: its years with published disclosures."""
    place = _region(region)
    years = (published.search(region=region).values("year").annotate(n=Count("pk"), last=Max("published_at"))
             .order_by("-year"))
    if not years:
        raise Http404(f"{place.name}尚无公开的部门决算")
    return render(request, "portal/region.html", {"region": place, "years": years})


@require_safe
@kept.kept_for_visitors
def region_year(request: HttpRequest, region: str, year: int) -> HttpResponse:
    """One region and year: departments and their units, to open or to compare."""
    place = _region(region)
    records = list(published.search(region=region, year=year).order_by(
        "unit__department__region__code", "unit__department__code", "unit__code"))
    if not records:
        raise Http404(f"{place.name}尚无公开的 {year} 年度部门决算")
    departments: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for row in _rows(records):
        department = row["record"].unit.department
        departments.setdefault(department.pk, {"department": department, "rows": []})["rows"].append(row)
    return render(request, "portal/region_year.html", {
        "region": place, "year": year, "departments": list(departments.values()),
        "other_years": (published.search(region=region).exclude(year=year).values_list("year", flat=True)
                        .distinct().order_by("-year")),
    })


def _address(region: str, year: int, department: str, unit: str) -> tuple[FilingRecord, published.Address]:
    record = published.find(region, year, department, unit)
    return record, published.Address.of(record)


@require_safe
def disclosure(request: HttpRequest, region: str, year: int, department: str, unit: str) -> HttpResponse:
    """One published disclosure: key figures, downloads, earlier years, the document."""
    record, _ = _address(region, year, department, unit)
    return disclosure_page(request, record)


def disclosure_page(request: HttpRequest, record: FilingRecord) -> HttpResponse:
    """The page of a published record. It shows nothing of the request or its user, so it is
    also written once as a file at publication (:mod:`juesuan.web.portal.files`)."""
    address = published.Address.of(record)
    version = published.version_of(record)
    figures = published.figures(version)
    downloads = [{"label": label, "url": reverse("portal-file", kwargs={**address.kwargs, "filename": f"{stem}.{fmt}"})}
                 for stem, fmt, label, _ in DOWNLOADS]
    earlier = published.earlier_years(record)
    kwargs = address.kwargs
    return render(request, "portal/disclosure.html", {
        "record": record,
        "version": version,
        "address": address,
        "figures": [(m, figures.get(m.key)) for m in MEASURES],
        "downloads": downloads,
        "api_url": reverse("api:disclosure", kwargs=kwargs),
        "document_url": reverse("portal-file", kwargs={**kwargs, "filename": "document.html"}),
        "earlier": _rows(earlier),
        "years_url": reverse("portal-years", kwargs={k: kwargs[k] for k in ("region", "department", "unit")}),
        "compare_url": reverse("portal-compare") + "?" + urlencode({"year": record.year, "d": address.key}),
    })


def _stem(record: FilingRecord, label: str) -> str:
    return f"{record.unit.name}{record.year}年度{label}"


@require_safe
def file(request: HttpRequest, region: str, year: int, department: str, unit: str,
         filename: str) -> HttpResponse:
    """A disclosure's document, tables or filing in one format (published version only)."""
    stem, _, fmt = filename.partition(".")
    if (stem, fmt) not in FILES:
        raise Http404(f"没有这种下载：{filename[:50]}。可下载的有：document.html、"
                      + "、".join(f"{s}.{f}" for s, f, _, _ in DOWNLOADS))
    record, _ = _address(region, year, department, unit)
    if stem == "document" and not services.ready(published.version_of(record), fmt):
        return pending(request, FORMAT_WORDS.get(fmt, fmt.upper()))
    return file_of(request, record, filename)


# What a document in each format is called on the page that asks the visitor to wait.
FORMAT_WORDS = {"html": "网页全文", "pdf": " PDF 文件", "docx": " Word 文件", "xlsx": " Excel 文件",
                "json": " JSON 文件"}
PENDING_SECONDS = 5


def pending(request: HttpRequest, what: str) -> HttpResponse:
    """503 with Retry-After while a background job renders the document (a web worker never
    renders one: four visitors asking for four new PDFs would stop the portal for everyone)."""
    response = render(request, "portal/pending.html", {"what": what, "seconds": PENDING_SECONDS}, status=503)
    response["Retry-After"] = str(PENDING_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


# Every file under a disclosure's address: (stem, extension).
FILES = (("document", "html"), *((s, f) for s, f, _, _ in DOWNLOADS))


def file_of(request: HttpRequest, record: FilingRecord, filename: str) -> HttpResponse:
    """One of :data:`FILES` of a published record, with its headers (also written as a file at
    publication)."""
    stem, _, fmt = filename.partition(".")
    entry = next(((s, f, label, name) for s, f, label, name in DOWNLOADS if s == stem and f == fmt), None)
    address = published.Address.of(record)
    version = published.version_of(record)
    name = entry[3] if entry else "部门决算"
    if stem == "document":
        data = services.rendered(version, fmt)
    elif stem == "tables":
        data = published.tables_csv(version) if fmt == "csv" else published.tables_json(version)
    else:
        data = published.filing_yaml(version)
    response = file_response(
        request, data, fmt, filename=f"{_stem(record, name)}.{fmt}",
        fallback=f"{address.region}-{address.year}-{address.department}-{address.unit}-{stem}.{fmt}",
        etag=f"{version.digest[:40]}-{stem}-{fmt}")
    if fmt == "html":
        # The generated document inlines ECharts and its styles; it gets its own policy and
        # runs sandboxed in an origin of its own (it posts its height to the portal page).
        response.headers["Content-Security-Policy"] = DOCUMENT_POLICY + "; sandbox allow-scripts allow-popups"
    return response


# --- comparisons -----------------------------------------------------------------------


# More disclosures than this in a year (a province publishes 20,000): the chooser asks for a
# region first instead of listing them all on every comparison.
CHOOSER_LIMIT = 300


def _chooser(year: int | None, chosen: list[str], region: str = "") -> dict[str, Any]:
    """The published disclosures of a year to pick from (the latest year by default), of one
    region (and its sub-regions) when there are too many; those already chosen always."""
    listed = _listed()
    years = listed["years"]
    if year is None or year not in years:
        year = years[0] if years else None
    regions = listed["regions"]
    region = region if any(r["code"] == region for r in regions) else ""
    found = published.search(year=year, region=region) if year else FilingRecord.objects.none()
    order = ("unit__department__region__code", "unit__department__code", "unit__code")
    total = found.count() if year else 0
    too_many = total > CHOOSER_LIMIT
    if too_many:
        picked = Q(pk__in=[])
        for key in chosen:
            parts = key.split("/")
            if len(parts) == 4 and parts[1].isdecimal():
                picked |= Q(unit__department__region__code=parts[0], year=int(parts[1]),
                            unit__department__code=parts[2], unit__code=parts[3])
        found = found.filter(picked)
    rows = _rows(found.select_related("unit__department__region").order_by(*order)) if year else []
    for row in rows:
        row["checked"] = row["key"] in chosen
    return {"choose_year": year, "choose_years": years, "choices": rows, "choose_region": region,
            "choose_regions": regions, "choose_total": total, "choose_limited": too_many,
            "choose_limit": CHOOSER_LIMIT}


def _comparison_rows(c: Comparison) -> list[dict[str, Any]]:
    rows = []
    group = None
    for line in c.lines:
        cells = [{"value": v, "change": ch, "base": i == 0}
                 for i, (v, ch) in enumerate(zip(line.values, line.changes, strict=True))]
        rows.append({"line": line, "cells": cells, "group": line.measure.group if line.measure.group != group else None})
        group = line.measure.group
    return rows


@require_safe
@kept.kept_for_visitors
def compare(request: HttpRequest) -> HttpResponse:
    """部门比较: pick disclosures of one year; their key figures side by side."""
    keys = comparisons.clean_keys(request.GET.getlist("d"))
    context: dict[str, Any] = {"keys": keys}
    status = 200
    if keys:
        try:
            comparison = comparisons.departments(keys)
        except comparisons.CompareError as exc:
            context["error"] = exc.message
            status = 200 if len(keys) < 2 else exc.status
        else:
            query = request.GET.urlencode()
            context.update(comparison=comparison, rows=_comparison_rows(comparison),
                           colspan=2 * len(comparison.subjects),
                           csv_url=reverse("portal-compare-data", kwargs={"fmt": "csv"}) + "?" + query,
                           json_url=reverse("portal-compare-data", kwargs={"fmt": "json"}) + "?" + query)
    context.update(_chooser(_year(request.GET.get("year", "")), keys,
                            str(request.GET.get("region", "")).strip()[:12]))
    return render(request, "portal/compare.html", context, status=status)


def _comparison_file(request: HttpRequest, c: Comparison, fmt: str, name: str, fallback: str) -> HttpResponse:
    c = replace(c, subjects=tuple(replace(s, url=request.build_absolute_uri(s.url) if s.url else "")
                                  for s in c.subjects))
    if fmt == "json":
        data = json.dumps(comparison_data(c), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        data = comparison_csv(c).encode("utf-8-sig")
    return file_response(request, data, fmt, filename=f"{name}.{fmt}", fallback=f"{fallback}.{fmt}")


def _error_file(fmt: str, message: str, status: int) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(json.dumps({"detail": message}, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_safe
def compare_data(request: HttpRequest, fmt: str) -> HttpResponse:
    """The department comparison as CSV or JSON."""
    try:
        c = comparisons.departments(request.GET.getlist("d"))
    except comparisons.CompareError as exc:
        return _error_file(fmt, exc.message, exc.status)
    year = c.subjects[0].year
    return _comparison_file(request, c, fmt, f"{year}年度部门决算比较", f"compare-{year}")


@require_safe
@kept.kept_for_visitors
def years(request: HttpRequest, region: str, department: str, unit: str) -> HttpResponse:
    """历年比较: every published year of one unit, each against the year before."""
    comparison = comparisons.years(region, department, unit)
    base = reverse("portal-years", kwargs={"region": region, "department": department, "unit": unit}).rstrip("/")
    return render(request, "portal/years.html", {
        "comparison": comparison, "rows": _comparison_rows(comparison), "colspan": 2 * len(comparison.subjects),
        "unit": comparison.subjects[0].name,
        "csv_url": base + ".csv", "json_url": base + ".json",
    })


@require_safe
def years_data(request: HttpRequest, region: str, department: str, unit: str, fmt: str) -> HttpResponse:
    try:
        c = comparisons.years(region, department, unit)
    except Http404 as exc:
        return _error_file(fmt, str(exc), 404)
    name = f"{c.subjects[0].name}历年部门决算比较"
    return _comparison_file(request, c, fmt, name, f"years-{region}-{department}-{unit}")
